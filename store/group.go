package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// Groups the bot writes in (the coordinators') and whether it can: a bot
// removed from a group, or left without the rights it needs, cannot, and
// the group's messages wait in the outbox until it is back.

// GroupDown records that the bot cannot write in the group, for reason (no
// personal data). It reports whether the group was reachable until now.
func (db *DB) GroupDown(ctx context.Context, chat int64, reason string) (bool, error) {
	var newly bool
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO chat_groups (chat_id) VALUES ($1) ON CONFLICT DO NOTHING`, chat); err != nil {
			return err
		}
		var was *time.Time
		if err := tx.QueryRow(ctx, `SELECT down_since FROM chat_groups WHERE chat_id = $1 FOR UPDATE`, chat).Scan(&was); err != nil {
			return err
		}
		newly = was == nil
		_, err := tx.Exec(ctx, `UPDATE chat_groups SET down_since = COALESCE(down_since, $2), down_reason = $3 WHERE chat_id = $1`,
			chat, db.Now(), reason)
		return err
	})
	return newly, wrap(err, "group down")
}

// GroupUp records that the bot can write in the group again and lets its
// waiting messages go at once. It reports whether the group was down, and
// since when.
func (db *DB) GroupUp(ctx context.Context, chat int64) (was bool, since time.Time, err error) {
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var at *time.Time
		err := tx.QueryRow(ctx, `
			UPDATE chat_groups g SET down_since = NULL, down_reason = ''
			FROM (SELECT chat_id, down_since FROM chat_groups WHERE chat_id = $1 FOR UPDATE) old
			WHERE g.chat_id = old.chat_id AND old.down_since IS NOT NULL
			RETURNING old.down_since`, chat).Scan(&at)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		was, since = true, *at
		// SKIP LOCKED: the sender may hold one of them right now (it is
		// the message that just went through).
		_, err = tx.Exec(ctx, `
			UPDATE outbox SET not_before = NULL WHERE id IN (
				SELECT id FROM outbox WHERE chat_id = $1 AND sent_at IS NULL AND dropped IS NULL FOR UPDATE SKIP LOCKED)`, chat)
		return err
	})
	return was, since, wrap(err, "group up")
}

// GroupDownSince is when the bot lost the group, zero while it can write
// there.
func (db *DB) GroupDownSince(ctx context.Context, chat int64) (time.Time, error) {
	var at *time.Time
	err := db.pool.QueryRow(ctx, `SELECT down_since FROM chat_groups WHERE chat_id = $1`, chat).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && at == nil {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, wrap(err, "group state")
	}
	return *at, nil
}

// WaitingFamilies are the chats of the families whose messages wait to be
// copied into their case's topic in group: those to tell when the group
// becomes unreachable, and when it is back.
func (db *DB) WaitingFamilies(ctx context.Context, group int64) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT DISTINCT c.chat_id FROM outbox o JOIN cases c ON c.id = o.case_id
		WHERE o.chat_id = $1 AND o.sent_at IS NULL AND o.dropped IS NULL
		ORDER BY c.chat_id`, group)
	if err != nil {
		return nil, wrap(err, "waiting families")
	}
	chats, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return chats, wrap(err, "waiting families")
}
