package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"polku"
)

// Update is one raw update for the inbox. ChatID is 0 for updates that
// belong to no chat; those are stored as applied.
type Update struct {
	ID      int64
	ChatID  int64
	Payload []byte
}

// Enqueue commits a batch of updates to the inbox in one transaction. An
// update already there is left as it is, so redelivery is harmless. An
// update PostgreSQL cannot store (jsonb refuses some text) is filed as
// applied with the failure, so it never blocks the updates after it.
func (db *DB) Enqueue(ctx context.Context, updates []Update) error {
	if len(updates) == 0 {
		return nil
	}
	err := db.enqueue(ctx, updates)
	if err == nil || len(updates) == 1 && !storable(err) {
		if err != nil {
			return db.unstorable(ctx, updates[0])
		}
		return nil
	}
	if !storable(err) {
		// One bad update spoiled the batch: file them one by one.
		for _, u := range updates {
			if err := db.enqueue(ctx, []Update{u}); err != nil {
				if storable(err) {
					return err
				}
				if err := db.unstorable(ctx, u); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return err
}

func (db *DB) enqueue(ctx context.Context, updates []Update) error {
	// One statement for the batch, in its order (the order its chats'
	// updates are applied in); an update of no chat is kept as applied,
	// without its payload.
	n := len(updates)
	ids, chats, payloads := make([]int64, n), make([]int64, n), make([][]byte, n)
	for i, u := range updates {
		ids[i], chats[i] = u.ID, u.ChatID
		if u.ChatID != 0 {
			payloads[i] = u.Payload
		}
	}
	_, err := db.pool.Exec(ctx, `
		INSERT INTO inbox (update_id, chat_id, payload, received_at, applied_at)
		SELECT v.id, v.chat, v.payload, $4, CASE WHEN v.chat = 0 THEN $4::timestamptz END
		FROM unnest($1::bigint[], $2::bigint[], $3::jsonb[]) WITH ORDINALITY AS v (id, chat, payload, n)
		ORDER BY v.n
		ON CONFLICT DO NOTHING`, ids, chats, payloads, db.Now())
	return wrap(err, "enqueue")
}

// storable tells a failure of the database (try again) from a refusal of
// the data (class 22: data exception, such as text jsonb cannot hold).
func storable(err error) bool {
	var pg *pgconn.PgError
	return !(errors.As(err, &pg) && strings.HasPrefix(pg.Code, "22"))
}

func (db *DB) unstorable(ctx context.Context, u Update) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO inbox (update_id, chat_id, received_at, applied_at, failure) VALUES ($1, $2, $3, $3, 'unstorable')
		ON CONFLICT DO NOTHING`, u.ID, u.ChatID, db.Now())
	return wrap(err, "enqueue")
}

// PendingChats lists up to limit chats whose next update may be applied
// now, the longest-waiting first. A chat whose next update waits after a
// failure (until its not_before, on wall time) is left out: its later
// updates wait behind it.
func (db *DB) PendingChats(ctx context.Context, limit int, wall time.Time) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT chat_id FROM (
			SELECT DISTINCT ON (chat_id) chat_id, seq, not_before FROM inbox
			WHERE applied_at IS NULL
			ORDER BY chat_id, seq
		) head
		WHERE not_before IS NULL OR not_before <= $2
		ORDER BY seq
		LIMIT $1`, limit, wall)
	if err != nil {
		return nil, wrap(err, "pending chats")
	}
	chats, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return chats, wrap(err, "pending chats")
}

// Pending is an update taken from the inbox to be applied, with the chat's
// stored conversation (nil for a new chat).
type Pending struct {
	UpdateID     int64
	Seq          int64
	ChatID       int64
	Payload      []byte
	Attempts     int
	Conversation []byte
	// More says another update of the chat waited behind this one when
	// it was taken: the caller need not ask again when none did (an
	// update that comes later is found as any new one is).
	More bool
}

// ErrBusy says another worker holds the chat.
var ErrBusy = polku.Errorf(polku.ECONFLICT, "chat busy")

// Apply takes the oldest waiting update of chat and runs fn with it in one
// transaction; when fn succeeds the update is marked applied in the same
// transaction. The chat is held with a transaction-level advisory lock, so
// across every process only one update of a chat is applied at a time, and
// in the order they arrived. It returns false when the chat had nothing
// waiting (or its next update waits after a failure until after wall), and
// ErrBusy when another worker holds it.
//
// An update costs three round trips and what fn asks besides: the
// transaction's beginning, the lock and the read of the update and the
// conversation go in one pipeline, and Tx.Save's statements go with the
// commit.
func (db *DB) Apply(ctx context.Context, chat int64, wall time.Time, fn func(ctx context.Context, tx *Tx, p Pending) error) (did bool, err error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return false, wrap(err, "apply")
	}
	// A connection left in a transaction (a failure half-way) is closed
	// by the pool, not given to the next user.
	defer conn.Release()
	open := false
	defer func() {
		if open {
			rollback(ctx, conn)
		}
	}()
	// The lock has a statement of its own: a statement reads what was
	// committed when it began, so reading in the statement that takes
	// the lock could miss the work of the worker that just let go. In one
	// pipeline each statement begins when the one before has ended.
	b := &pgx.Batch{}
	b.Queue("BEGIN")
	b.Queue(`SELECT pg_try_advisory_xact_lock($1)`, chat)
	b.Queue(`
		SELECT i.update_id, i.seq, i.payload, i.attempts,
			(SELECT data FROM conversations WHERE chat_id = $1),
			(SELECT last_seq FROM conversations WHERE chat_id = $1),
			(SELECT count(*) FROM (SELECT 1 FROM inbox WHERE chat_id = $1 AND applied_at IS NULL LIMIT 2) w) > 1
		FROM (SELECT 1) one
		LEFT JOIN LATERAL (
			SELECT update_id, seq, payload, attempts, not_before FROM inbox
			WHERE chat_id = $1 AND applied_at IS NULL
			ORDER BY seq LIMIT 1) i ON i.not_before IS NULL OR i.not_before <= $2`, chat, wall)
	res := conn.SendBatch(ctx, b)
	_, err = res.Exec()
	open = err == nil
	var locked bool
	if err == nil {
		err = res.QueryRow().Scan(&locked)
	}
	var p Pending
	var update, seq, last *int64
	var attempts *int
	if err == nil {
		err = res.QueryRow().Scan(&update, &seq, &p.Payload, &attempts, &p.Conversation, &last, &p.More)
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return false, wrap(err, "apply")
	case !locked:
		return false, ErrBusy
	case update == nil:
		return false, nil
	}
	p.UpdateID, p.Seq, p.ChatID, p.Attempts = *update, *seq, chat, *attempts
	tx := &Tx{db: db, chat: chat, update: p.UpdateID, seq: p.Seq, conversation: p.Conversation, final: &pgx.Batch{}, stats: &pgx.Batch{}}
	tx.tx = &deferred{conn: conn, final: tx.final, stats: tx.stats}
	if last != nil {
		tx.lastSeq = *last
	}
	if err := fn(ctx, tx, p); err != nil {
		return false, wrap(err, "apply")
	}
	if !tx.marked {
		db.markApplied(tx.final, p.UpdateID)
	}
	// The statistics go first, with their lock, before Save's lanes (see
	// lockStats).
	final := &pgx.Batch{}
	if tx.stats.Len() > 0 {
		d := tx.tx.(*deferred)
		lockStats(final, &d.statsLocked)
		final.QueuedQueries = append(final.QueuedQueries, tx.stats.QueuedQueries...)
	}
	final.QueuedQueries = append(final.QueuedQueries, tx.final.QueuedQueries...)
	final.Queue("COMMIT")
	if err := conn.SendBatch(ctx, final).Close(); err != nil {
		return false, wrap(err, "apply")
	}
	open = false
	return true, nil
}

// rollback ends the connection's transaction even when ctx has ended, so
// the connection goes back to the pool clean (or closed, when even that
// fails).
func rollback(ctx context.Context, conn *pgxpool.Conn) {
	rb, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(rb, "ROLLBACK"); err != nil {
		conn.Conn().Close(rb)
	}
}

// deferred is Apply's connection in its transaction: what Tx.Save
// queued in final, and the statistics' writes in stats, are sent with the
// commit, unless another statement comes after them. Then final is sent
// first, so every statement sees what was asked before it; the writes of
// the statistics go too when the statement could see them or change what
// they read (see counted). Any other statement passes them: a count's row
// is shared by every family's update of the day, and is held from its
// write to the commit.
type deferred struct {
	conn         *pgxpool.Conn
	final, stats *pgx.Batch
	statsLocked  bool
}

// lockStats queues, before a transaction's first write of the statistics
// (locked tells), the lock every transaction of updates takes for them:
// one transaction writes several count rows (a group of updates, or a
// family's erasure taking its counts back), each in the order its updates
// came, and two that took the same rows in other orders deadlocked under
// the bench walk. The lock is held from the first write to the commit,
// which is where the writes wait for (see deferred), and taken before
// any lane (the writes go before the messages): a transaction that waits
// for it holds no lane the sender or another transaction may wait for.
// Its key is of the two-number kind, apart from the chats' one-number
// keys.
// writesStats reports whether a statement may write the statistics
// itself (not through Tx.counts): it takes their lock first.
func writesStats(sql string) bool {
	return (strings.Contains(sql, "stats") || strings.Contains(sql, "stat_values")) &&
		!strings.HasPrefix(strings.TrimSpace(sql), "SELECT")
}

func lockStats(b *pgx.Batch, locked *bool) {
	if !*locked {
		b.Queue(`SELECT pg_advisory_xact_lock(1886350443, 1)`)
		*locked = true
	}
}

// flush sends what waits in final, and in stats when one of sqls is
// counted.
func (d *deferred) flush(ctx context.Context, sqls ...string) error {
	stats := d.stats.Len() > 0 && slices.ContainsFunc(sqls, counted)
	lock := !d.statsLocked && slices.ContainsFunc(sqls, writesStats)
	if d.final.Len() == 0 && !stats && !lock {
		return nil
	}
	// The statistics before final's lanes, as at the commit.
	b := &pgx.Batch{}
	if lock {
		lockStats(b, &d.statsLocked)
	}
	if stats {
		lockStats(b, &d.statsLocked)
		b.QueuedQueries = append(b.QueuedQueries, d.stats.QueuedQueries...)
		*d.stats = pgx.Batch{}
	}
	b.QueuedQueries = append(b.QueuedQueries, d.final.QueuedQueries...)
	*d.final = pgx.Batch{}
	return d.conn.SendBatch(ctx, b).Close()
}

// counted reports whether a statement may read the statistics, or change
// what their writes read (the family's referral): then the writes waiting
// go before it. It errs on the side of yes.
func counted(sql string) bool {
	return strings.Contains(sql, "stats") || strings.Contains(sql, "stat_values") ||
		strings.Contains(sql, "families") && !strings.HasPrefix(strings.TrimSpace(sql), "SELECT")
}

func (d *deferred) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := d.flush(ctx, sql); err != nil {
		return pgconn.CommandTag{}, err
	}
	return d.conn.Exec(ctx, sql, args...)
}

func (d *deferred) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := d.flush(ctx, sql); err != nil {
		return nil, err
	}
	return d.conn.Query(ctx, sql, args...)
}

func (d *deferred) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := d.flush(ctx, sql); err != nil {
		return failedRow{err}
	}
	return d.conn.QueryRow(ctx, sql, args...)
}

func (d *deferred) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	var sqls []string
	if d.stats.Len() > 0 {
		// Only waiting writes of the statistics need the statements read.
		for _, q := range b.QueuedQueries {
			sqls = append(sqls, q.SQL)
		}
	}
	if err := d.flush(ctx, sqls...); err != nil {
		return failedBatch{err}
	}
	return d.conn.SendBatch(ctx, b)
}

// failedRow and failedBatch carry an error in place of results.
type failedRow struct{ err error }

func (r failedRow) Scan(...any) error { return r.err }

type failedBatch struct{ err error }

func (f failedBatch) Exec() (pgconn.CommandTag, error) { return pgconn.CommandTag{}, f.err }
func (f failedBatch) Query() (pgx.Rows, error)         { return nil, f.err }
func (f failedBatch) QueryRow() pgx.Row                { return failedRow(f) }
func (f failedBatch) Close() error                     { return f.err }
func (f failedBatch) Tx() pgx.Tx                       { return nil }

// Failed records that applying an update failed; it is tried again at
// retry (wall time), and its chat's later updates wait for it. After
// maxAttempts the update is given up (marked applied with the failure), so
// one broken update never blocks its chat; it returns true then, and
// queues notice (telling the person) in the same transaction.
func (db *DB) Failed(ctx context.Context, updateID int64, reason string, maxAttempts int, retry time.Time, notice []Out) (bool, error) {
	var gaveUp bool
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			UPDATE inbox SET attempts = attempts + 1, failure = $2, not_before = $5,
				applied_at = CASE WHEN attempts + 1 >= $3 THEN $4::timestamptz END,
				payload = CASE WHEN attempts + 1 >= $3 THEN NULL ELSE payload END
			WHERE update_id = $1 AND applied_at IS NULL
			RETURNING applied_at IS NOT NULL`, updateID, reason, maxAttempts, db.Now(), retry).Scan(&gaveUp)
		if errors.Is(err, pgx.ErrNoRows) || err == nil && (!gaveUp || len(notice) == 0) {
			return nil
		}
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		db.queue(b, notice, updateID)
		return tx.SendBatch(ctx, b).Close()
	})
	return gaveUp, wrap(err, "record failure")
}
