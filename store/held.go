package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// Messages of a family held back from its case's topic while the topic's
// backlog is long (see migration 009).

// Waiting is how many messages wait to be sent in lane of chat.
func (t *Tx) Waiting(ctx context.Context, chat, lane int64) (int, error) {
	var n int
	err := t.tx.QueryRow(ctx, `SELECT waiting FROM outbox_lanes WHERE chat_id = $1 AND lane = $2`, chat, lane).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return n, wrap(err, "waiting")
}

// Holding is how many of the case's messages are held back now.
func (t *Tx) Holding(ctx context.Context, caseID int64) (int, error) {
	var n int
	err := t.tx.QueryRow(ctx, `SELECT count(*) FROM case_held WHERE case_id = $1`, caseID).Scan(&n)
	return n, wrap(err, "holding")
}

// Hold holds back message (its number in the family's chat) from the case's
// topic.
func (t *Tx) Hold(ctx context.Context, caseID int64, message int) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO case_held (case_id, message_id, held_at) VALUES ($1, $2, $3)`, caseID, message, t.db.Now())
	return wrap(err, "hold")
}

// Unhold takes up to limit of the case's held messages, oldest first, to
// be sent now, and says how many are still held after them.
func (t *Tx) Unhold(ctx context.Context, caseID int64, limit int) (messages []int, left int, err error) {
	rows, err := t.tx.Query(ctx, `
		WITH taken AS (
			DELETE FROM case_held WHERE id IN (
				SELECT id FROM case_held WHERE case_id = $1 ORDER BY id LIMIT $2 FOR UPDATE)
			RETURNING id, message_id)
		SELECT message_id FROM taken ORDER BY id`, caseID, limit)
	if err != nil {
		return nil, 0, wrap(err, "unhold")
	}
	if messages, err = pgx.CollectRows(rows, pgx.RowTo[int]); err != nil {
		return nil, 0, wrap(err, "unhold")
	}
	left, err = t.Holding(ctx, caseID)
	return messages, left, err
}

// HeldCount is how many of the case's messages are held back now, for the
// notice that tells the coordinators.
func (db *DB) HeldCount(ctx context.Context, caseID int64) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM case_held WHERE case_id = $1`, caseID).Scan(&n)
	return n, wrap(err, "held count")
}
