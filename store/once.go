package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Done reports whether what key names was done already (see Once).
func (db *DB) Done(ctx context.Context, key string) (bool, error) {
	var one int
	err := db.pool.QueryRow(ctx, `SELECT 1 FROM once WHERE key = $1`, key).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, wrap(err, "done")
}

// Once queues out, and records key as done, in one transaction, unless key
// was done already: what the bot does by itself (last month's report) is
// done once, however many processes try, however often they restart. It
// reports whether it queued them; audit, when set, is written with them.
func (db *DB) Once(ctx context.Context, key string, out []Out, audit *Audited) (bool, error) {
	var did bool
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO once (key, done_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, key, db.Now())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		did = true
		b := &pgx.Batch{}
		db.queue(b, out, 0)
		if audit != nil {
			b.Queue(`INSERT INTO audit (at, coordinator, action, detail) VALUES ($1, $2, $3, $4)`, db.Now(), audit.By, audit.Action, audit.Detail)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return did, wrap(err, "once")
}

// Audited is one row of the audit without a case: who (0 for the bot
// itself), what, and a detail that is never what anyone wrote.
type Audited struct {
	By             int64
	Action, Detail string
}
