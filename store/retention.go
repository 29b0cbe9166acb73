package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// Retention is how long the service keeps what it keeps only for a while;
// Retain enforces it. A zero turns its rule off: that is kept until the
// family erases its data. The statistics (stats, stat_values, stat_pairs)
// are anonymous and stay whatever the retention.
type Retention struct {
	// InactiveMonths: a family that has not written, signed up, held a
	// card or had a case for so many months is erased as an erasure
	// erases it, without a word to the family.
	InactiveMonths int
	// CasesMonths: a case closed so many months ago goes with its notes,
	// feedback and held messages, and its forum topic is deleted.
	CasesMonths int
	// SignUpsDays: a sign-up goes so many days after its session ended,
	// with the month of its session (see retainSignUps).
	SignUpsDays int
	// CardsDays: a card goes so many days after it expired or was
	// revoked, with its visits.
	CardsDays int
	// AuditYears: an audit row goes after so many years.
	AuditYears int
}

// Retained counts what one round of Retain deleted, for the log.
type Retained struct {
	Families, Cases, SignUps, Cards, Audit int64
}

// retainBatch is how many families or cases one transaction of Retain
// deletes.
const retainBatch = 100

// Retain deletes, as of the store's clock, what r keeps no longer: the
// families inactive for r.InactiveMonths, the cases closed
// r.CasesMonths ago, the sign-ups r.SignUpsDays after their session, the
// cards r.CardsDays after their end and the audit rows of r.AuditYears
// ago. topic writes the deletion of a forum topic (thread) of a case that
// goes, queued with the deletion, as an erasure queues it; nothing is
// written to a family. Every process may run it: what one deletes the
// other no longer finds, and a chat an update holds is left for the next
// round.
func (db *DB) Retain(ctx context.Context, r Retention, topic func(group int64, thread int) []Out) (Retained, error) {
	var n Retained
	var err error
	now := db.Now().In(db.loc)
	if r.InactiveMonths > 0 {
		if n.Families, err = db.retainFamilies(ctx, now.AddDate(0, -r.InactiveMonths, 0), topic); err != nil {
			return n, err
		}
	}
	if r.CasesMonths > 0 {
		if n.Cases, err = db.retainCases(ctx, now.AddDate(0, -r.CasesMonths, 0), topic); err != nil {
			return n, err
		}
	}
	if r.SignUpsDays > 0 {
		if n.SignUps, err = db.retainSignUps(ctx, now.AddDate(0, 0, -r.SignUpsDays)); err != nil {
			return n, err
		}
	}
	if r.CardsDays > 0 {
		tag, err := db.pool.Exec(ctx, `DELETE FROM cards WHERE valid_until < $1 OR revoked_at < $1`, now.AddDate(0, 0, -r.CardsDays))
		if err != nil {
			return n, wrap(err, "retain cards")
		}
		n.Cards = tag.RowsAffected()
	}
	if r.AuditYears > 0 {
		tag, err := db.pool.Exec(ctx, `DELETE FROM audit WHERE at < $1`, now.AddDate(-r.AuditYears, 0, 0))
		if err != nil {
			return n, wrap(err, "retain audit")
		}
		n.Audit = tag.RowsAffected()
	}
	return n, nil
}

// inactive is the condition on a family f (with its chat's conversation
// c) of having done nothing since $1: no update applied from its chat
// and none waiting, no consent or answers given, no sign-up made or
// session to come, no case open or opened or closed, no card valid, and
// no message planned to it.
const inactive = `
	c.updated_at < $1 AND f.created_at < $1 AND f.consent_at < $1 AND (f.profile_at IS NULL OR f.profile_at < $1)
	AND NOT EXISTS (SELECT 1 FROM inbox i WHERE i.chat_id = f.chat_id AND i.applied_at IS NULL)
	AND NOT EXISTS (SELECT 1 FROM signups su JOIN sessions s ON s.id = su.session_id
		WHERE su.family_id = f.id AND (su.created_at >= $1 OR s.starts_at >= $1))
	AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.chat_id = f.chat_id
		AND (k.status = 'open' OR k.opened_at >= $1 OR k.closed_at >= $1))
	AND NOT EXISTS (SELECT 1 FROM cards d WHERE d.chat_id = f.chat_id
		AND d.valid_until >= $1 AND (d.revoked_at IS NULL OR d.revoked_at >= $1))
	AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.family_id = f.id AND j.done_at IS NULL AND j.due_at >= $1)`

// retainFamilies erases the families inactive since before, a batch at a
// time, and returns how many it erased. Every family has a conversation
// (consent is given in an update, which saves it), so they are found from
// the chats not written in since before.
func (db *DB) retainFamilies(ctx context.Context, before time.Time, topic func(int64, int) []Out) (int64, error) {
	var n int64
	for {
		rows, err := db.pool.Query(ctx, `
			SELECT f.chat_id FROM conversations c JOIN families f ON f.chat_id = c.chat_id
			WHERE `+inactive+` LIMIT $2`, before, retainBatch)
		if err != nil {
			return n, wrap(err, "retain families")
		}
		chats, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return n, wrap(err, "retain families")
		}
		erased := 0
		for _, chat := range chats {
			did, err := db.eraseInactive(ctx, chat, before, topic)
			if err != nil {
				return n, err
			}
			if did {
				erased++
			}
		}
		n += int64(erased)
		// A chat left (busy, or active again) would be found again: the
		// next round tries it.
		if len(chats) < retainBatch || erased < len(chats) {
			return n, nil
		}
	}
}

// eraseInactive erases the family of chat when it is still inactive since
// before, holding the chat as an update does: by the erasure's own code
// (Tx.Erase), its case's topic deleted; the conversation goes too, so a
// family that comes back starts as a new one. It reports whether it did.
func (db *DB) eraseInactive(ctx context.Context, chat int64, before time.Time, topic func(int64, int) []Out) (bool, error) {
	did := false
	err := pgx.BeginFunc(ctx, db.pool, func(ptx pgx.Tx) error {
		var locked bool
		if err := ptx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, chat).Scan(&locked); err != nil || !locked {
			return err
		}
		// Asked again under the lock: the family may have written since.
		var still bool
		var thread *int
		var group *int64
		err := ptx.QueryRow(ctx, `
			SELECT EXISTS (SELECT 1 FROM conversations c JOIN families f ON f.chat_id = c.chat_id
				WHERE f.chat_id = $2 AND `+inactive+`),
				(SELECT thread_id FROM cases WHERE chat_id = $2 FOR UPDATE),
				(SELECT group_id FROM cases WHERE chat_id = $2)`, before, chat).Scan(&still, &thread, &group)
		if err != nil || !still {
			return err
		}
		t := &Tx{tx: ptx, db: db, chat: chat}
		if err := t.Erase(ctx); err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM conversations WHERE chat_id = $1`, chat)
		if thread != nil && group != nil {
			db.queue(b, topic(*group, *thread), 0)
		}
		did = true
		return ptx.SendBatch(ctx, b).Close()
	})
	return did, wrap(err, "retain family")
}

// retainCases deletes the cases closed before before, a batch at a time,
// with what hangs off them (notes, feedback, held messages, the messages
// of their topics; the audit and the cards issued on them lose the
// reference), and queues their topics' deletion in the same transaction.
// A case whose chat an update holds is left for the next round.
func (db *DB) retainCases(ctx context.Context, before time.Time, topic func(int64, int) []Out) (int64, error) {
	var n int64
	for {
		var deleted int
		err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `
				WITH old AS MATERIALIZED (
					SELECT id, chat_id FROM cases WHERE status = 'closed' AND closed_at < $1
					ORDER BY closed_at, id LIMIT $2 FOR UPDATE SKIP LOCKED),
				free AS MATERIALIZED (SELECT id FROM old WHERE pg_try_advisory_xact_lock(chat_id))
				DELETE FROM cases c USING free WHERE c.id = free.id RETURNING c.group_id, COALESCE(c.thread_id, 0)`, before, retainBatch)
			if err != nil {
				return err
			}
			type topicOf struct {
				Group  int64
				Thread int
			}
			topics, err := pgx.CollectRows(rows, pgx.RowToStructByPos[topicOf])
			if err != nil {
				return err
			}
			deleted = len(topics)
			var outs []Out
			for _, t := range topics {
				if t.Thread != 0 {
					outs = append(outs, topic(t.Group, t.Thread)...)
				}
			}
			b := &pgx.Batch{}
			db.queue(b, outs, 0)
			return tx.SendBatch(ctx, b).Close()
		})
		n += int64(deleted)
		if err != nil {
			return n, wrap(err, "retain cases")
		}
		if deleted < retainBatch {
			return n, nil
		}
	}
}

// retainSignUps deletes the sign-ups whose session ended before before
// and began in an earlier month than before's, and returns how many. The
// month is the report's: a family's unique attendance in a month is
// counted from its sign-ups of that month (countAttenders), so they go
// together, never some of a month while another can still be answered.
// A family whose wellbeing follow-up is still to be asked, or was asked
// since before, keeps its sign-ups: its answer is paired with whether it
// attended in between.
func (db *DB) retainSignUps(ctx context.Context, before time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `
		DELETE FROM signups su USING sessions s
		WHERE s.id = su.session_id AND s.starts_at < $1 AND COALESCE(s.ends_at, s.starts_at) < $2
		  AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.family_id = su.family_id AND j.kind = $3
			AND (j.done_at IS NULL OR j.done_at >= $2))`,
		db.month(before), before, string(polku.JobWellbeing))
	if err != nil {
		return 0, wrap(err, "retain sign-ups")
	}
	return tag.RowsAffected(), nil
}
