package store

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// Conversation is a chat's conversation as the store keeps it: the flows'
// state as an opaque document, and beside it, written by the caller, the
// few things the store itself asks of it. The store never reads Data.
type Conversation struct {
	Data []byte
	// Lang is the language the chat is written to in.
	Lang string
	// Talking is set while what the family writes goes to a person.
	Talking bool
	// Draft is set while the conversation holds a half-done intake:
	// RestartDrafts starts it afresh when it is left too long.
	Draft bool
}

// Save stores the conversation, queues the outgoing messages and marks the
// update applied, in the transaction of the update and in one round trip.
func (t *Tx) Save(ctx context.Context, c Conversation, out []Out) error {
	if (t.final != nil || t.gathered != nil) && t.seq <= t.lastSeq {
		// The update is older than the one the conversation was saved by:
		// applied now, it would be applied out of order.
		return polku.Errorf(polku.ECONFLICT, "update applied out of order")
	}
	if t.gathered != nil {
		// Written with the group's other updates; the guard was
		// checked above, under the chat's lock.
		t.gathered.saves = append(t.gathered.saves, saved{chat: t.chat, update: t.update, seq: t.seq, c: c})
		for _, o := range out {
			t.gathered.outs = append(t.gathered.outs, queuedOut{o, t.update})
		}
		t.marked = true
		return nil
	}
	b := t.final
	if b == nil {
		b = &pgx.Batch{}
	}
	first := b.Len()
	// The WHERE is a guard: an update older than the last one applied
	// would be applied out of order, so it fails instead. The update is
	// marked applied in the same statement (one statement fewer an
	// update; the count of rows is the conversation's).
	b.Queue(`
		WITH applied AS (UPDATE inbox SET applied_at = $8, payload = NULL WHERE update_id = $6)
		INSERT INTO conversations (chat_id, data, lang, talking, draft, last_update_id, last_seq, applied, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)
		ON CONFLICT (chat_id) DO UPDATE SET data = $2, lang = $3, talking = $4, draft = $5,
			last_update_id = $6, last_seq = $7, applied = conversations.applied + 1, updated_at = $8
		WHERE conversations.last_seq < $7`, t.chat, c.Data, c.Lang, c.Talking, c.Draft, t.update, t.seq, t.db.Now())
	t.db.queue(b, out, t.update)
	t.marked = true
	if t.final != nil {
		// Sent with the commit; the guard was checked above, under the
		// chat's lock.
		return nil
	}
	res := t.tx.SendBatch(ctx, b)
	tag, err := res.Exec()
	if err == nil && tag.RowsAffected() != 1 {
		err = polku.Errorf(polku.ECONFLICT, "update applied out of order")
	}
	for range b.Len() - first - 1 {
		if err != nil {
			break
		}
		_, err = res.Exec()
	}
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.marked = false
		return wrap(err, "save conversation")
	}
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
	_ = db.pool.QueryRow(ctx, `SELECT lang FROM conversations WHERE chat_id = $1`, chat).Scan(&lang)
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
		SELECT lang, talking, blocked_at IS NOT NULL FROM conversations WHERE chat_id = $1`, chat).Scan(&f.Lang, &f.Talk, &f.Blocked)
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
	if t.gathered != nil {
		// Written with the group's other updates.
		for _, o := range out {
			t.gathered.outs = append(t.gathered.outs, queuedOut{o, t.update})
		}
		t.gathered.marks = append(t.gathered.marks, t.update)
		t.marked = true
		return nil
	}
	b := &pgx.Batch{}
	t.db.queue(b, out, t.update)
	t.db.markApplied(b, t.update)
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return wrap(err, "finish update")
	}
	t.marked = true
	return nil
}

// draftBatch is how many old drafts RestartDrafts starts afresh in one
// transaction.
const draftBatch = 100

// RestartDrafts starts afresh every half-done intake left untouched for
// longer than age: restart turns its stored document into the fresh one
// (the store does not know what a conversation holds), which is then no
// longer a draft. A conversation being applied right now is left for the
// next round; one that restart refuses is left as it is and counted in
// the error. It returns how many were started afresh.
func (db *DB) RestartDrafts(ctx context.Context, age time.Duration, restart func([]byte) ([]byte, error)) (int64, error) {
	before := db.Now().Add(-age)
	var done, refused int64
	after := int64(math.MinInt64)
	for {
		n, bad, last, err := db.restartDrafts(ctx, before, after, restart)
		done, refused, after = done+n, refused+bad, last
		if err != nil {
			return done, wrap(err, "restart drafts")
		}
		if n+bad < draftBatch {
			break
		}
	}
	if refused > 0 {
		return done, polku.Errorf(polku.EINTERNAL, "restart drafts: %d conversations could not be read", refused)
	}
	return done, nil
}

// restartDrafts is one batch of RestartDrafts: the drafts of chats after
// the chat ID after, in order, and the last chat ID it looked at.
func (db *DB) restartDrafts(ctx context.Context, before time.Time, after int64, restart func([]byte) ([]byte, error)) (n, refused, last int64, err error) {
	last = after
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT chat_id, data FROM conversations WHERE draft AND updated_at < $1 AND chat_id > $2
			ORDER BY chat_id LIMIT $3 FOR UPDATE SKIP LOCKED`, before, after, draftBatch)
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		for rows.Next() {
			var chat int64
			var data []byte
			if err := rows.Scan(&chat, &data); err != nil {
				rows.Close()
				return err
			}
			last = chat
			fresh, err := restart(data)
			if err != nil {
				refused++
				continue
			}
			b.Queue(`UPDATE conversations SET data = $2, draft = false WHERE chat_id = $1`, chat, fresh)
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return n, refused, last, err
}
