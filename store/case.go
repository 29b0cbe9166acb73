package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

const caseCols = `c.id, c.chat_id, c.shared, c.status, c.urgent, c.municipality, c.bands,
	COALESCE(c.thread_id, 0), COALESCE(c.summary_id, 0), COALESCE(c.claimed_by, 0), COALESCE(c.claimed_name, ''),
	COALESCE(c.outcome, ''), c.opened_at, c.family_at, c.closed_at, c.group_id, c.moved_at`

func scanCase(row pgx.Row) (polku.Case, error) {
	var c polku.Case
	var status, outcome string
	var familyAt, closed, moved *time.Time
	err := row.Scan(&c.ID, &c.ChatID, &c.Shared, &status, &c.Urgent, &c.Municipality, &c.Bands,
		&c.Thread, &c.Summary, &c.ClaimedBy, &c.ClaimedName, &outcome, &c.Opened, &familyAt, &closed, &c.Group, &moved)
	c.Status, c.Outcome = polku.CaseStatus(status), polku.Outcome(outcome)
	if familyAt != nil {
		c.FamilyAt = *familyAt
	}
	if closed != nil {
		c.Closed = *closed
	}
	if moved != nil {
		c.Moved = *moved
	}
	return c, err
}

// CaseRequest is a family's wish to talk to a person.
type CaseRequest struct {
	// Share says the family agreed to show its answers to the
	// coordinators; a case once shared stays shared until the family
	// declines the privacy notice.
	Share bool
	// Urgent marks the case urgent (a safety word).
	Urgent bool
	// Municipality and Bands name the topic.
	Municipality string
	Bands        string
	// Group is the coordinators' group a new case opens in (its
	// municipality's); a case that exists keeps its own, and one from
	// before groups were known (0) takes this one.
	Group int64
}

// Opening is what OpenCase did.
type Opening int

// What opening a case did.
const (
	// CaseWasOpen: the case was open already (it may have been updated).
	CaseWasOpen Opening = iota
	// CaseNew: a new case.
	CaseNew
	// CaseReopened: a closed case opened again.
	CaseReopened
)

// regroup is when a closed case opened again goes to the group of the
// family's municipality now ($7): it was in another group, and no
// coordinator moved it there by hand. It leaves its topic and its
// coordinator, as a moved case does; the caller deletes the old topic.
const regroup = `(c.status = 'closed' AND c.moved_at IS NULL AND $7::bigint <> 0 AND c.group_id <> 0 AND c.group_id <> $7::bigint)`

// OpenCase opens the chat's case: a new one, the closed one again, or the
// open one updated (shared, urgent, the family's last message). A reopened
// case keeps its coordinator and topic. It returns the case as it is now
// and as it was before (zero for a new case), so the caller can tell the
// coordinators what changed.
func (t *Tx) OpenCase(ctx context.Context, r CaseRequest) (c, before polku.Case, did Opening, err error) {
	now := t.db.Now()
	before, err = scanCase(t.tx.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c WHERE chat_id = $1 FOR UPDATE`, t.chat))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		c, err = scanCase(t.tx.QueryRow(ctx, `
			INSERT INTO cases AS c (chat_id, shared, urgent, municipality, bands, opened_at, family_at, group_id)
			VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING `+caseCols,
			t.chat, r.Share, r.Urgent, r.Municipality, r.Bands, now, r.Group))
		return c, polku.Case{}, CaseNew, wrap(err, "open case")
	case err != nil:
		return c, before, CaseWasOpen, wrap(err, "open case")
	}
	did = CaseWasOpen
	if before.Status == polku.CaseClosed {
		did = CaseReopened
	}
	c, err = scanCase(t.tx.QueryRow(ctx, `
		UPDATE cases c SET
			shared = c.shared OR $2,
			urgent = CASE WHEN c.status = 'closed' THEN $3 ELSE c.urgent OR $3 END,
			municipality = CASE WHEN $4 <> '' AND c.moved_at IS NULL THEN $4 ELSE c.municipality END,
			bands = CASE WHEN $5 <> '' THEN $5 ELSE c.bands END,
			opened_at = CASE WHEN c.status = 'closed' THEN $6 ELSE c.opened_at END,
			nudged_at = CASE WHEN c.status = 'closed' THEN NULL ELSE c.nudged_at END,
			status = 'open', outcome = NULL, closed_at = NULL, family_at = $6,
			group_id = CASE WHEN c.group_id = 0 OR `+regroup+` THEN $7 ELSE c.group_id END,
			thread_id = CASE WHEN `+regroup+` THEN NULL ELSE c.thread_id END,
			summary_id = CASE WHEN `+regroup+` THEN NULL ELSE c.summary_id END,
			claimed_by = CASE WHEN `+regroup+` THEN NULL ELSE c.claimed_by END,
			claimed_name = CASE WHEN `+regroup+` THEN NULL ELSE c.claimed_name END,
			claimed_at = CASE WHEN `+regroup+` THEN NULL ELSE c.claimed_at END
		WHERE c.id = $1 RETURNING `+caseCols, before.ID, r.Share, r.Urgent, r.Municipality, r.Bands, now, r.Group))
	return c, before, did, wrap(err, "open case")
}

// FamilyCase returns the chat's case, or ENOTFOUND.
func (t *Tx) FamilyCase(ctx context.Context) (polku.Case, error) {
	c, err := scanCase(t.tx.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c WHERE chat_id = $1`, t.chat))
	return c, wrap(err, "case")
}

// LockFamilyCase is FamilyCase with the case's row locked until the update
// is applied: an erasure waits for a topic being made (EnsureTopic), so it
// sees the topic it must delete.
func (t *Tx) LockFamilyCase(ctx context.Context) (polku.Case, error) {
	c, err := scanCase(t.tx.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c WHERE chat_id = $1 FOR UPDATE`, t.chat))
	return c, wrap(err, "case")
}

// Feedback stores the family's answer to the feedback question of its
// closed case: one answer per closing, later presses are ECONFLICT.
func (t *Tx) Feedback(ctx context.Context, caseID int64, score int) error {
	if score < 1 || score > 5 {
		return polku.Errorf(polku.EINVALID, "feedback %d", score)
	}
	tag, err := t.tx.Exec(ctx, `
		WITH asked AS (
			UPDATE cases SET feedback_asked_at = NULL
			WHERE id = $1 AND chat_id = $2 AND feedback_asked_at IS NOT NULL RETURNING id)
		INSERT INTO case_feedback (case_id, score, given_at) SELECT id, $3, $4 FROM asked`,
		caseID, t.chat, score, t.db.Now())
	if err != nil {
		return wrap(err, "feedback")
	}
	if tag.RowsAffected() == 0 {
		var exists bool
		if err := t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cases WHERE id = $1 AND chat_id = $2)`, caseID, t.chat).Scan(&exists); err != nil {
			return wrap(err, "feedback")
		}
		if !exists {
			return polku.Errorf(polku.ENOTFOUND, "feedback on case %d", caseID)
		}
		return polku.Errorf(polku.ECONFLICT, "feedback already given")
	}
	return nil
}

// Case returns a case for a coordinator's action, locked until the end
// of the transaction, or ENOTFOUND. It is every group's: the adapter
// hands coordinators only their own group's (see InGroup).
func (t *Tx) Case(ctx context.Context, id int64) (polku.Case, error) {
	c, err := scanCase(t.tx.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c WHERE id = $1 FOR UPDATE`, id))
	return c, wrap(err, "case")
}

// InGroup returns case id when it is group's, locked as Case does;
// ENOTFOUND for a case of another group, as for one that is gone, so a
// coordinator learns nothing of another group's cases.
func (t *Tx) InGroup(ctx context.Context, group, id int64) (polku.Case, error) {
	c, err := scanCase(t.tx.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c WHERE id = $1 AND group_id = $2 FOR UPDATE`, id, group))
	return c, wrap(err, "case")
}

// CaseByThread returns the case of a forum topic of group, or ENOTFOUND.
func (t *Tx) CaseByThread(ctx context.Context, group int64, thread int) (polku.Case, error) {
	c, err := scanCase(t.tx.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c WHERE group_id = $1 AND thread_id = $2 FOR UPDATE`, group, thread))
	return c, wrap(err, "case by topic")
}

// MoveCase gives case id to another municipality and its group: the case
// leaves its topic (the caller deletes it) and its coordinator, and gets a
// new topic in the new group when its first message there is sent; its
// municipality stays the one moved to, whatever the family's answers say
// later. It returns the case as it was and as it is now.
func (t *Tx) MoveCase(ctx context.Context, id int64, municipality string, group int64) (before, after polku.Case, err error) {
	if before, err = t.Case(ctx, id); err != nil {
		return before, after, err
	}
	after, err = scanCase(t.tx.QueryRow(ctx, `
		UPDATE cases c SET municipality = $2, group_id = $3, thread_id = NULL, summary_id = NULL,
			claimed_by = NULL, claimed_name = NULL, claimed_at = NULL, nudged_at = NULL, moved_at = $4
		WHERE id = $1 RETURNING `+caseCols, id, municipality, group, t.db.Now()))
	return before, after, wrap(err, "move case")
}

// AdoptCases gives every case from before groups were known (group 0) a
// group when the bot starts: one with a topic stays where its topic is,
// the group that was the only one (legacy: the service's default, which
// the old POLKU_COORDINATORS_GROUP becomes), since topics are numbered per
// group and its coordinators hold the family's messages there; one without
// a topic yet goes to its municipality's group now (groupOf). A moved case
// is moved with the button, as any other.
func (db *DB) AdoptCases(ctx context.Context, legacy int64, groupOf func(municipality string) int64) error {
	if legacy != 0 {
		if _, err := db.pool.Exec(ctx, `UPDATE cases SET group_id = $1 WHERE group_id = 0 AND thread_id IS NOT NULL`, legacy); err != nil {
			return wrap(err, "adopt cases")
		}
	}
	rows, err := db.pool.Query(ctx, `SELECT DISTINCT municipality FROM cases WHERE group_id = 0`)
	if err != nil {
		return wrap(err, "adopt cases")
	}
	ms, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return wrap(err, "adopt cases")
	}
	for _, m := range ms {
		if g := groupOf(m); g != 0 {
			if _, err := db.pool.Exec(ctx, `UPDATE cases SET group_id = $2 WHERE group_id = 0 AND municipality = $1`, m, g); err != nil {
				return wrap(err, "adopt cases")
			}
		}
	}
	return nil
}

// Claim assigns the case to a coordinator. When another coordinator has
// it, it returns the case with ECONFLICT.
func (t *Tx) Claim(ctx context.Context, id, user int64, name string) (polku.Case, error) {
	c, err := t.Case(ctx, id)
	if err != nil {
		return c, err
	}
	if c.ClaimedBy != 0 && c.ClaimedBy != user {
		return c, polku.Errorf(polku.ECONFLICT, "case claimed by another")
	}
	c, err = scanCase(t.tx.QueryRow(ctx, `
		UPDATE cases c SET claimed_by = $2, claimed_name = $3, claimed_at = $4 WHERE id = $1 RETURNING `+caseCols,
		id, user, name, t.db.Now()))
	return c, wrap(err, "claim")
}

// Release takes the case off its coordinator, so another can claim it.
func (t *Tx) Release(ctx context.Context, id int64) (polku.Case, error) {
	c, err := scanCase(t.tx.QueryRow(ctx, `
		UPDATE cases c SET claimed_by = NULL, claimed_name = NULL, claimed_at = NULL WHERE id = $1 RETURNING `+caseCols, id))
	return c, wrap(err, "release")
}

// CloseCase closes an open case with an outcome and marks the family to be
// asked for feedback. A closed case is ECONFLICT.
func (t *Tx) CloseCase(ctx context.Context, id int64, outcome polku.Outcome) (polku.Case, error) {
	if !polku.ValidOutcome(outcome) {
		return polku.Case{}, polku.Errorf(polku.EINVALID, "outcome %q", outcome)
	}
	now := t.db.Now()
	c, err := scanCase(t.tx.QueryRow(ctx, `
		UPDATE cases c SET status = 'closed', outcome = $2, closed_at = $3, feedback_asked_at = $3, urgent = false
		WHERE id = $1 AND status = 'open' RETURNING `+caseCols, id, string(outcome), now))
	if errors.Is(err, pgx.ErrNoRows) {
		if c, err = t.Case(ctx, id); err != nil {
			return c, err
		}
		return c, polku.Errorf(polku.ECONFLICT, "case already closed")
	}
	return c, wrap(err, "close case")
}

// OpenCases lists group's open cases, the longest waiting first.
func (t *Tx) OpenCases(ctx context.Context, group int64) ([]polku.Case, error) {
	rows, err := t.tx.Query(ctx, `SELECT `+caseCols+` FROM cases c WHERE status = 'open' AND group_id = $1 ORDER BY urgent DESC, opened_at, id`, group)
	if err != nil {
		return nil, wrap(err, "open cases")
	}
	cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.Case, error) { return scanCase(r) })
	return cs, wrap(err, "open cases")
}

// AddNote stores a coordinator's private note on a case.
func (t *Tx) AddNote(ctx context.Context, caseID, coordinator int64, text string) error {
	_, err := t.tx.Exec(ctx, `INSERT INTO case_notes (case_id, coordinator, text, created_at) VALUES ($1, $2, $3, $4)`,
		caseID, coordinator, text, t.db.Now())
	return wrap(err, "note")
}

// Notes returns a case's notes, oldest first.
func (t *Tx) Notes(ctx context.Context, caseID int64) ([]polku.Note, error) {
	rows, err := t.tx.Query(ctx, `SELECT created_at, text FROM case_notes WHERE case_id = $1 ORDER BY created_at, id`, caseID)
	if err != nil {
		return nil, wrap(err, "notes")
	}
	ns, err := pgx.CollectRows(rows, pgx.RowToStructByPos[polku.Note])
	return ns, wrap(err, "notes")
}

// FamilyOf returns the stored answers of a case's family when it agreed to
// share them: ok is false otherwise.
func (t *Tx) FamilyOf(ctx context.Context, c polku.Case) (a polku.Answers, ok bool, err error) {
	if !c.Shared {
		return a, false, nil
	}
	f, err := t.familyByChat(ctx, c.ChatID)
	if polku.ErrorCode(err) == polku.ENOTFOUND {
		return a, false, nil
	}
	return f.Answers, err == nil, err
}

// CaseTopic returns a case for the sender, which needs its topic.
func (db *DB) CaseTopic(ctx context.Context, id int64) (polku.Case, error) {
	c, err := scanCase(db.pool.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c WHERE id = $1`, id))
	return c, wrap(err, "case topic")
}

// EnsureTopic returns the forum topic of case id, made with create (which
// asks Telegram) when the case has none yet. The case's row is locked
// meanwhile: its lanes go out side by side (its topic's, and the urgent
// alerts'), and the first two messages of a new case must not make two
// topics; an erasure waits too, so it deletes the topic just made. A crash
// between Telegram's answer and the commit makes a second topic on the
// retry: an empty topic, never a lost message. ENOTFOUND when the case is
// gone.
func (db *DB) EnsureTopic(ctx context.Context, id int64, create func() (int, error)) (int, error) {
	var thread int
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var t *int
		if err := tx.QueryRow(ctx, `SELECT thread_id FROM cases WHERE id = $1 FOR UPDATE`, id).Scan(&t); err != nil {
			return err
		}
		if t != nil && *t != 0 {
			thread = *t
			return nil
		}
		var err error
		if thread, err = create(); err != nil {
			return err
		}
		if err := takeThread(ctx, tx, id, thread); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE cases SET thread_id = $2 WHERE id = $1`, id, thread)
		return err
	})
	return thread, wrap(err, "case topic")
}

// ReplaceTopic gives case id a new forum topic when its topic gone was
// deleted: create asks Telegram for the topic and writes the case's
// summary in it, and returns both. The case's row is locked meanwhile, as
// in EnsureTopic: when another lane of the case found the topic gone first,
// the topic it made is returned, and create is not called. ENOTFOUND when
// the case is gone.
func (db *DB) ReplaceTopic(ctx context.Context, id int64, gone int, create func(polku.Case) (thread, summary int, err error)) (int, error) {
	var thread int
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		c, err := scanCase(tx.QueryRow(ctx, `SELECT `+caseCols+` FROM cases c WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		if c.Thread != gone && c.Thread != 0 {
			thread = c.Thread
			return nil
		}
		var summary int
		if thread, summary, err = create(c); err != nil {
			return err
		}
		if err := takeThread(ctx, tx, id, thread); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE cases SET thread_id = $2, summary_id = NULLIF($3, 0) WHERE id = $1`, id, thread, summary)
		return err
	})
	return thread, wrap(err, "replace case topic")
}

// SetSummary records the case's pinned summary message.
func (db *DB) SetSummary(ctx context.Context, id int64, message int) error {
	_, err := db.pool.Exec(ctx, `UPDATE cases SET summary_id = $2 WHERE id = $1`, id, message)
	return wrap(err, "set summary")
}

// Nudge finds open cases nobody claimed for longer than after, not nudged
// within after, and queues what build makes of each, marking them nudged,
// in one transaction; several processes never nudge the same case twice.
func (db *DB) Nudge(ctx context.Context, after time.Duration, build func(polku.Case) []Out) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		now := db.Now()
		rows, err := tx.Query(ctx, `
			SELECT `+caseCols+` FROM cases c
			WHERE status = 'open' AND claimed_by IS NULL AND opened_at <= $1
			  AND (nudged_at IS NULL OR nudged_at <= $1)
			ORDER BY opened_at, id LIMIT 50 FOR UPDATE SKIP LOCKED`, now.Add(-after))
		if err != nil {
			return err
		}
		cs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.Case, error) { return scanCase(r) })
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		var outs []Out
		for _, c := range cs {
			outs = append(outs, build(c)...)
			b.Queue(`UPDATE cases SET nudged_at = $2 WHERE id = $1`, c.ID, now)
		}
		db.queue(b, outs, 0)
		n = len(cs)
		return tx.SendBatch(ctx, b).Close()
	})
	return n, wrap(err, "nudge")
}

// NextNudge is when the next unclaimed case falls due for a nudge, zero
// when none will.
func (db *DB) NextNudge(ctx context.Context, after time.Duration) (time.Time, error) {
	var at *time.Time
	err := db.pool.QueryRow(ctx, `
		SELECT min(GREATEST(opened_at, COALESCE(nudged_at, opened_at))) FROM cases
		WHERE status = 'open' AND claimed_by IS NULL`).Scan(&at)
	if err != nil || at == nil {
		return time.Time{}, wrap(err, "next nudge")
	}
	return at.Add(after), nil
}

// takeThread gives thread to case id alone. Telegram has just made the
// topic, so no other case's topic can still have its number: one that
// does (the topics were made by another Telegram, e.g. the console's fake
// started again on the same database) lost its topic, and gets a new one
// when it next sends.
func takeThread(ctx context.Context, tx pgx.Tx, id int64, thread int) error {
	_, err := tx.Exec(ctx, `
		UPDATE cases SET thread_id = NULL, summary_id = NULL
		WHERE thread_id = $1 AND id <> $2 AND group_id = (SELECT group_id FROM cases WHERE id = $2)`, thread, id)
	return err
}
