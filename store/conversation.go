package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"polku"
)

// Save stores the conversation, queues the outgoing messages and marks the
// update applied, in the transaction of the update and in one round trip.
func (t *Tx) Save(ctx context.Context, conversation []byte, out []Out) error {
	b := &pgx.Batch{}
	// The WHERE is a guard: an update older than the last one applied
	// would be applied out of order, so it fails instead.
	b.Queue(`
		INSERT INTO conversations (chat_id, data, last_update_id, last_seq, applied, updated_at)
		VALUES ($1, $2, $3, $4, 1, $5)
		ON CONFLICT (chat_id) DO UPDATE SET data = $2, last_update_id = $3, last_seq = $4,
			applied = conversations.applied + 1, updated_at = $5
		WHERE conversations.last_seq < $4`, t.chat, conversation, t.update, t.seq, t.db.Now())
	t.db.queue(b, out, t.update)
	t.db.markApplied(b, t.update)
	res := t.tx.SendBatch(ctx, b)
	tag, err := res.Exec()
	if err == nil && tag.RowsAffected() != 1 {
		err = polku.Errorf(polku.ECONFLICT, "update applied out of order")
	}
	for range len(out) + 1 {
		if err != nil {
			break
		}
		_, err = res.Exec()
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return wrap(err, "save conversation")
	}
	t.marked = true
	return nil
}

// SetBlocked records that the person blocked (or unblocked) the bot.
func (t *Tx) SetBlocked(ctx context.Context, blocked bool) error {
	_, err := t.tx.Exec(ctx, `UPDATE conversations SET blocked_at = CASE WHEN $2 THEN $3::timestamptz END WHERE chat_id = $1`, t.chat, blocked, t.db.Now())
	return wrap(err, "set blocked")
}

// Lang is the language of the chat's conversation, or "" when unknown.
func (db *DB) Lang(ctx context.Context, chat int64) string {
	var lang string
	_ = db.pool.QueryRow(ctx, `SELECT COALESCE(data->>'lang', '') FROM conversations WHERE chat_id = $1`, chat).Scan(&lang)
	return lang
}

// FamilyChat is how a case's family can be written to: its language,
// whether it talks to a person now, and whether it blocked the bot.
type FamilyChat struct {
	Lang    string
	Talk    bool
	Blocked bool
}

// FamilyChat returns the state of a family's chat, as its conversation
// has it.
func (t *Tx) FamilyChat(ctx context.Context, chat int64) (FamilyChat, error) {
	var f FamilyChat
	err := t.tx.QueryRow(ctx, `
		SELECT COALESCE(data->>'lang', ''), COALESCE((data->>'talk')::boolean, false), blocked_at IS NOT NULL
		FROM conversations WHERE chat_id = $1`, chat).Scan(&f.Lang, &f.Talk, &f.Blocked)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, nil
	}
	return f, wrap(err, "family chat")
}

// Conversation returns the stored conversation of chat, nil when it has
// none: for the sender, which writes a case's summary again.
func (db *DB) Conversation(ctx context.Context, chat int64) ([]byte, error) {
	var data []byte
	err := db.pool.QueryRow(ctx, `SELECT data FROM conversations WHERE chat_id = $1`, chat).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return data, wrap(err, "conversation")
}

// Finish queues messages and marks the update applied without touching a
// conversation: for updates of the coordinators' group, which has none.
func (t *Tx) Finish(ctx context.Context, out []Out) error {
	b := &pgx.Batch{}
	t.db.queue(b, out, t.update)
	t.db.markApplied(b, t.update)
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap(err, "finish update")
	}
	t.marked = true
	return nil
}
