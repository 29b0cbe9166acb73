package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// maxJobAttempts is how many failed renderings a job gets before it is
// left aside, so one broken job never holds up the others.
const maxJobAttempts = 3

// Job is one due job with what rendering it needs.
type Job struct {
	ID     int64
	Kind   polku.JobKind
	ChatID int64
	// Lang is the conversation's language, else the family's.
	Lang string
	// Reminders is the family's setting: off, reminders and follow-ups
	// are not wanted.
	Reminders bool
	// Blocked says the person blocked the bot: nothing can reach them.
	Blocked bool
	// FollowUps is the family's wellbeing follow-up setting: off, it said
	// "don't ask again".
	FollowUps bool
	// Point is the wellbeing follow-up's point (1, 2, …) of a
	// JobWellbeing or JobWellbeingRemind.
	Point int
	// SignUp is the job's sign-up as it is now, with its activity and
	// session; zero for a job of no sign-up.
	SignUp polku.SignUp
	// OldStart is where a moved session was (JobMoved).
	OldStart time.Time
	// Due is when the job was due; it may be long past.
	Due time.Time
	// family keys the statistic of a job dropped unsent.
	family int64
}

// RunJobs claims up to limit jobs due at now, renders each with render
// (which returns the outbox rows to queue for it: possibly none, when
// reminders are off or the chat is blocked), queues the rows and marks the
// jobs done, all in one transaction. Jobs are claimed with SKIP LOCKED, so
// two processes never take the same job. It returns how many jobs it
// rendered.
//
// Before rendering, each job of a sign-up is judged at now by
// db.Reminders.AtDispatch, since it may come late (downtime, a clock
// jump): a job whose moment passed is marked done unrendered (and counted
// as "skipped_<kind>" in the statistics when it would have reached the
// family), one that must wait for the morning gets that as its new due
// time, without counting an attempt.
//
// If render fails, the whole batch is rolled back and the error returned:
// the caller tries again later. The failing job's attempt is counted
// outside the transaction, and a job that failed maxJobAttempts times is
// no longer claimed.
func (db *DB) RunJobs(ctx context.Context, now time.Time, limit int, render func(ctx context.Context, j Job) ([]Out, error)) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	var failed int64
	n := 0
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		n, failed = 0, 0
		jobs, err := claimJobs(ctx, tx, now, limit)
		if err != nil || len(jobs) == 0 {
			return err
		}
		b := &pgx.Batch{}
		var outs []Out
		done := make([]int64, 0, len(jobs))
		rendered := 0
		for _, j := range jobs {
			send, retry := db.dispatch(j, now)
			switch {
			case !send && !retry.IsZero():
				b.Queue(`UPDATE jobs SET due_at = $2 WHERE id = $1`, j.ID, retry)
				continue
			case !send:
				done = append(done, j.ID)
				if j.Reminders && !j.Blocked {
					if err := count(ctx, tx, db.day(now), "skipped_"+string(j.Kind), j.SignUp.Activity.Municipality, j.family, 1); err != nil {
						return err
					}
				}
				continue
			}
			out, err := render(ctx, j)
			if err != nil {
				failed = j.ID
				return err
			}
			if j.Kind == polku.JobWellbeing && len(out) > 0 {
				if err := db.asked(ctx, tx, j, now); err != nil {
					return err
				}
			}
			outs = append(outs, out...)
			done = append(done, j.ID)
			rendered++
		}
		db.queue(b, outs, 0)
		b.Queue(`UPDATE jobs SET done_at = $2 WHERE id = ANY($1)`, done, now)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		n = rendered
		return nil
	})
	if err != nil && failed != 0 {
		// After the rollback, so the count survives it.
		if _, ferr := db.pool.Exec(ctx, `UPDATE jobs SET attempts = attempts + 1 WHERE id = $1`, failed); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}
	if err != nil {
		return 0, wrap(err, "run jobs")
	}
	return n, nil
}

// dispatch judges a claimed job at now (polku.Reminders.AtDispatch). A
// wellbeing follow-up has no session: at night it waits for the morning.
// Another job of no sign-up has no session to be judged by: it goes as it
// is.
func (db *DB) dispatch(j Job, now time.Time) (send bool, retry time.Time) {
	if j.Kind == polku.JobWellbeing || j.Kind == polku.JobWellbeingRemind {
		return db.Reminders.AtDispatch(j.Kind, polku.Session{}, time.Time{}, j.Due, now)
	}
	if j.SignUp.ID == 0 {
		return true, time.Time{}
	}
	return db.Reminders.AtDispatch(j.Kind, j.SignUp.Session(), j.OldStart, j.Due, now)
}

// claimJobs locks up to limit due jobs, skipping those another runner
// holds, and reads what rendering them needs.
func claimJobs(ctx context.Context, tx pgx.Tx, now time.Time, limit int) ([]Job, error) {
	rows, err := tx.Query(ctx, `
		SELECT id FROM jobs
		WHERE done_at IS NULL AND due_at <= $1 AND attempts < $3
		ORDER BY due_at, id LIMIT $2
		FOR UPDATE SKIP LOCKED`, now, limit, maxJobAttempts)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	rows, err = tx.Query(ctx, `
		SELECT j.id, j.kind, j.chat_id, j.family_id, j.due_at, j.signup_id, (j.data->>'old_start')::timestamptz,
			COALESCE(NULLIF(c.lang, ''), f.lang), f.reminders, c.blocked_at IS NOT NULL,
			f.follow_ups, COALESCE((j.data->>'point')::int, 1)
		FROM jobs j JOIN families f ON f.id = j.family_id
		LEFT JOIN conversations c ON c.chat_id = j.chat_id
		WHERE j.id = ANY($1)
		ORDER BY j.due_at, j.id`, ids)
	if err != nil {
		return nil, err
	}
	var jobs []Job
	var signups []int64
	for rows.Next() {
		var j Job
		var kind string
		var signup *int64
		var oldStart *time.Time
		if err := rows.Scan(&j.ID, &kind, &j.ChatID, &j.family, &j.Due, &signup, &oldStart, &j.Lang, &j.Reminders, &j.Blocked, &j.FollowUps, &j.Point); err != nil {
			rows.Close()
			return nil, err
		}
		j.Kind = polku.JobKind(kind)
		if signup != nil {
			j.SignUp.ID = *signup
			signups = append(signups, *signup)
		}
		if oldStart != nil {
			j.OldStart = *oldStart
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	found, err := signUps(ctx, tx, `su.id = ANY($1)`, signups)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]polku.SignUp, len(found))
	for _, su := range found {
		byID[su.ID] = su
	}
	for i := range jobs {
		if id := jobs[i].SignUp.ID; id != 0 {
			jobs[i].SignUp = byID[id]
		}
	}
	return jobs, nil
}

// NextJob returns when the next job is due (the zero time when none is),
// so the runner can sleep until then.
//
// A campaign waiting to be put in the outbox (QueueCampaigns) is a job
// due now.
func (db *DB) NextJob(ctx context.Context) (time.Time, error) {
	var next *time.Time
	var campaigns bool
	err := db.pool.QueryRow(ctx, `
		SELECT (SELECT min(due_at) FROM jobs WHERE done_at IS NULL AND attempts < $1),
			EXISTS (SELECT 1 FROM campaign_sends WHERE queued_at IS NULL)`, maxJobAttempts).Scan(&next, &campaigns)
	switch {
	case err != nil:
		return time.Time{}, wrap(err, "next job")
	case campaigns:
		return db.Now(), nil
	case next == nil:
		return time.Time{}, nil
	}
	return *next, nil
}

// addJobs schedules jobs of one sign-up for its family's chat.
func addJobs(ctx context.Context, q querier, signup int64, kinds []string, dues []time.Time) error {
	_, err := q.Exec(ctx, `
		INSERT INTO jobs (kind, family_id, signup_id, chat_id, due_at)
		SELECT p.kind, su.family_id, su.id, f.chat_id, p.due_at
		FROM signups su JOIN families f ON f.id = su.family_id,
			unnest($2::text[], $3::timestamptz[]) AS p(kind, due_at)
		WHERE su.id = $1`, signup, kinds, dues)
	return err
}
