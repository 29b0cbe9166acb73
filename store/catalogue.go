package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// ImportResult counts what an import did. Added, Changed and Unchanged
// count records, activities and sessions alike, so they add up to
// Activities+Sessions. Notices counts the jobs that tell families of a
// change (cancelled, moved, or a seat from the waiting list).
type ImportResult struct{ Activities, Sessions, Added, Changed, Unchanged, Notices int }

// ImportCatalogue upserts activities and their sessions by (organiser,
// external ID) and (activity, session external ID), all in one
// transaction: all or nothing. Nothing missing from the file is deleted: a
// file may hold one organiser's part, and cancelling is done with the
// status.
//
// When a session that has not ended yet is cancelled or postponed (itself
// or through its activity) or moved (start or end changed), every family
// with a live sign-up gets a notice due at now (JobCancelled, or JobMoved
// with the old start), in the same transaction. A cancelled or postponed
// session's sign-ups are cancelled and their pending jobs removed (a
// postponed session has no date to remind of); a moved session's reminders
// and follow-ups are planned again with r. A capacity increase promotes
// families from the waiting list. Importing the same file again changes
// nothing.
func (db *DB) ImportCatalogue(ctx context.Context, acts []polku.Activity, now time.Time, r polku.Reminders) (ImportResult, error) {
	if err := checkCatalogue(acts); err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		res = ImportResult{}
		var promoted []promotion
		for _, a := range acts {
			p, err := importActivity(ctx, tx, a, now, r, &res)
			if err != nil {
				return fmt.Errorf("activity %s/%s: %w", a.Organiser, a.ExternalID, err)
			}
			promoted = append(promoted, p...)
		}
		return countPromoted(ctx, tx, db, now, promoted)
	})
	if err != nil {
		return ImportResult{}, wrap(err, "import catalogue")
	}
	return res, nil
}

// checkCatalogue refuses what the database could not tell apart: missing
// or repeated keys, and statuses outside the domain's.
func checkCatalogue(acts []polku.Activity) error {
	type key struct{ org, ext string }
	seen := map[key]bool{}
	for i, a := range acts {
		k := key{a.Organiser, a.ExternalID}
		switch {
		case a.Organiser == "" || a.ExternalID == "":
			return polku.Errorf(polku.EINVALID, "activity %d of the file has no organiser or ID", i+1)
		case seen[k]:
			return polku.Errorf(polku.EINVALID, "activity %s/%s is in the file twice", a.Organiser, a.ExternalID)
		case !validStatus(a.Status):
			return polku.Errorf(polku.EINVALID, "activity %s/%s has status %q", a.Organiser, a.ExternalID, a.Status)
		}
		seen[k] = true
		sessions := map[string]bool{}
		for j, s := range a.Sessions {
			switch {
			case s.ExternalID == "":
				return polku.Errorf(polku.EINVALID, "session %d of activity %s/%s has no ID", j+1, a.Organiser, a.ExternalID)
			case sessions[s.ExternalID]:
				return polku.Errorf(polku.EINVALID, "session %s of activity %s/%s is in the file twice", s.ExternalID, a.Organiser, a.ExternalID)
			case !validStatus(s.Status):
				return polku.Errorf(polku.EINVALID, "session %s of activity %s/%s has status %q", s.ExternalID, a.Organiser, a.ExternalID, s.Status)
			case s.Start.IsZero():
				return polku.Errorf(polku.EINVALID, "session %s of activity %s/%s has no start", s.ExternalID, a.Organiser, a.ExternalID)
			}
			sessions[s.ExternalID] = true
		}
	}
	return nil
}

func validStatus(s polku.Status) bool {
	return s == polku.StatusScheduled || s == polku.StatusCancelled || s == polku.StatusPostponed
}

// effective is a session's status as families see it: an activity that is
// cancelled or postponed takes all its sessions with it.
func effective(activity, session polku.Status) polku.Status {
	if activity != polku.StatusScheduled {
		return activity
	}
	return session
}

func importActivity(ctx context.Context, tx pgx.Tx, a polku.Activity, now time.Time, r polku.Reminders, res *ImportResult) ([]promotion, error) {
	res.Activities++
	res.Sessions += len(a.Sessions)
	stored := a
	stored.ID, stored.Sessions = 0, nil
	data, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	neighbours := a.Neighbours
	if neighbours == nil {
		neighbours = []string{} // the column is never NULL
	}

	var id int64
	var oldStatus string
	var same bool
	err = tx.QueryRow(ctx, `
		SELECT id, status, status = $3 AND municipality = $4 AND neighbours = $6 AND data = ($5::jsonb - 'sessions')
		FROM activities WHERE organiser = $1 AND external_id = $2
		FOR UPDATE`, a.Organiser, a.ExternalID, string(a.Status), a.Municipality, data, neighbours).Scan(&id, &oldStatus, &same)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = tx.QueryRow(ctx, `
			INSERT INTO activities (organiser, external_id, status, municipality, neighbours, data, updated_at)
			VALUES ($1, $2, $3, $4, $7, $5::jsonb - 'sessions', $6) RETURNING id`,
			a.Organiser, a.ExternalID, string(a.Status), a.Municipality, data, now, neighbours).Scan(&id)
		if err != nil {
			return nil, err
		}
		res.Added++
	case err != nil:
		return nil, err
	case same:
		res.Unchanged++
	default:
		_, err = tx.Exec(ctx, `
			UPDATE activities SET status = $2, municipality = $3, neighbours = $6, data = $4::jsonb - 'sessions', updated_at = $5
			WHERE id = $1`, id, string(a.Status), a.Municipality, data, now, neighbours)
		if err != nil {
			return nil, err
		}
		res.Changed++
	}

	// The sessions stored before, locked: sign-ups count seats under the
	// same lock, so none slips in while the session changes.
	rows, err := tx.Query(ctx, `
		SELECT id, external_id, starts_at, ends_at, capacity, enrol_from, enrol_until, status, 0, 0
		FROM sessions WHERE activity_id = $1 ORDER BY id FOR UPDATE`, id)
	if err != nil {
		return nil, err
	}
	old, err := pgx.CollectRows(rows, collectSession)
	if err != nil {
		return nil, err
	}
	current := map[string]polku.Session{}
	for _, s := range old {
		current[s.ExternalID] = s
	}

	for _, s := range a.Sessions {
		s = normalize(s)
		prev, ok := current[s.ExternalID]
		switch {
		case !ok:
			err = tx.QueryRow(ctx, `
				INSERT INTO sessions (activity_id, external_id, starts_at, ends_at, capacity, enrol_from, enrol_until, status)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
				id, s.ExternalID, s.Start, nullTime(s.End), s.Capacity, nullTime(s.EnrolFrom), nullTime(s.EnrolUntil), string(s.Status)).Scan(&s.ID)
			res.Added++
		case sameSession(prev, s):
			s.ID = prev.ID
			res.Unchanged++
		default:
			s.ID = prev.ID
			_, err = tx.Exec(ctx, `
				UPDATE sessions SET starts_at = $2, ends_at = $3, capacity = $4, enrol_from = $5, enrol_until = $6, status = $7
				WHERE id = $1`,
				s.ID, s.Start, nullTime(s.End), s.Capacity, nullTime(s.EnrolFrom), nullTime(s.EnrolUntil), string(s.Status))
			res.Changed++
		}
		if err != nil {
			return nil, fmt.Errorf("session %s: %w", s.ExternalID, err)
		}
		current[s.ExternalID] = s
	}

	// What the changes mean to the families signed up, session by session
	// (also those the file left out, when the activity's status changed).
	var promoted []promotion
	for _, was := range old {
		is := current[was.ExternalID]
		if !sessionEnd(was).After(now) {
			continue // history: nobody is told of a change to the past
		}
		before := effective(polku.Status(oldStatus), was.Status)
		after := effective(a.Status, is.Status)
		n, p, err := sessionChanged(ctx, tx, a, was, is, before, after, now, r)
		if err != nil {
			return nil, fmt.Errorf("session %s: %w", is.ExternalID, err)
		}
		res.Notices += n
		promoted = append(promoted, p...)
	}
	return promoted, nil
}

// sessionChanged acts on one stored session of activity a changing from
// was to is, with their effective statuses. It returns how many notices it
// queued and the families it promoted.
func sessionChanged(ctx context.Context, tx pgx.Tx, a polku.Activity, was, is polku.Session, before, after polku.Status, now time.Time, r polku.Reminders) (int, []promotion, error) {
	if after != polku.StatusScheduled {
		if before != polku.StatusScheduled {
			return 0, nil, nil // no live sign-ups left to tell
		}
		n, err := cancelSession(ctx, tx, is.ID, now)
		return n, nil, err
	}
	notices := 0
	if !is.Start.Equal(was.Start) || !is.End.Equal(was.End) {
		n, err := moveSession(ctx, tx, is, was.Start, now, r)
		if err != nil {
			return 0, nil, err
		}
		notices += n
	}
	var promoted []promotion
	if is.Capacity > was.Capacity {
		one := a
		one.Sessions = []polku.Session{is}
		var err error
		if promoted, err = promote(ctx, tx, one, now, r); err != nil {
			return 0, nil, err
		}
	}
	return notices + len(promoted), promoted, nil
}

// normalize rounds times to what PostgreSQL keeps (microseconds), so an
// unchanged file compares equal to what was stored from it.
func normalize(s polku.Session) polku.Session {
	for _, t := range []*time.Time{&s.Start, &s.End, &s.EnrolFrom, &s.EnrolUntil} {
		if !t.IsZero() {
			*t = t.Truncate(time.Microsecond)
		}
	}
	s.Taken, s.Waiting, s.ID = 0, 0, 0
	return s
}

func sameSession(a, b polku.Session) bool {
	return a.Start.Equal(b.Start) && a.End.Equal(b.End) && a.Capacity == b.Capacity &&
		a.EnrolFrom.Equal(b.EnrolFrom) && a.EnrolUntil.Equal(b.EnrolUntil) && a.Status == b.Status
}

// sessionEnd is when a session is over: its end, or its start when it has
// none.
func sessionEnd(s polku.Session) time.Time {
	if s.End.IsZero() || s.End.Before(s.Start) {
		return s.Start
	}
	return s.End
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// cancelSession cancels every live sign-up of a session that no longer
// happens, drops their pending jobs and tells each family. It returns how
// many notices it queued.
func cancelSession(ctx context.Context, tx pgx.Tx, session int64, now time.Time) (int, error) {
	tag, err := tx.Exec(ctx, `
		WITH cancelled AS (
			UPDATE signups SET status = 'cancelled', cancelled_at = $2
			WHERE session_id = $1 AND status <> 'cancelled'
			RETURNING id, family_id),
		dropped AS (
			DELETE FROM jobs j USING cancelled c WHERE j.signup_id = c.id AND j.done_at IS NULL)
		INSERT INTO jobs (kind, family_id, signup_id, chat_id, due_at)
		SELECT $3, c.family_id, c.id, f.chat_id, $2
		FROM cancelled c JOIN families f ON f.id = c.family_id`, session, now, string(polku.JobCancelled))
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// moveSession tells every family with a live sign-up that the session
// moved from oldStart, and plans the confirmed ones' reminders and
// follow-up again. It returns how many notices it queued.
func moveSession(ctx context.Context, tx pgx.Tx, s polku.Session, oldStart, now time.Time, r polku.Reminders) (int, error) {
	tag, err := tx.Exec(ctx, `
		WITH live AS (
			SELECT su.id, su.family_id, f.chat_id FROM signups su JOIN families f ON f.id = su.family_id
			WHERE su.session_id = $1 AND su.status <> 'cancelled'),
		dropped AS (
			DELETE FROM jobs j USING live l
			WHERE j.signup_id = l.id AND j.done_at IS NULL AND j.kind = ANY($5))
		INSERT INTO jobs (kind, family_id, signup_id, chat_id, due_at, data)
		SELECT $3, family_id, id, chat_id, $2, jsonb_build_object('old_start', $4::timestamptz)
		FROM live`, s.ID, now, string(polku.JobMoved), oldStart, plannedKinds)
	if err != nil {
		return 0, err
	}
	kinds, dues := plan(s, now, r)
	_, err = tx.Exec(ctx, `
		INSERT INTO jobs (kind, family_id, signup_id, chat_id, due_at)
		SELECT p.kind, su.family_id, su.id, f.chat_id, p.due_at
		FROM signups su JOIN families f ON f.id = su.family_id,
			unnest($2::text[], $3::timestamptz[]) AS p(kind, due_at)
		WHERE su.session_id = $1 AND su.status = 'confirmed'`, s.ID, kinds, dues)
	return int(tag.RowsAffected()), err
}

// plannedKinds are the jobs a plan makes, which a move plans again.
var plannedKinds = []string{string(polku.JobRemindDay), string(polku.JobRemindSoon), string(polku.JobFollowUp)}

// plan is r.Plan as two arrays, for unnest.
func plan(s polku.Session, now time.Time, r polku.Reminders) ([]string, []time.Time) {
	var kinds []string
	var dues []time.Time
	for _, d := range r.Plan(s, now) {
		kinds = append(kinds, string(d.Kind))
		dues = append(dues, d.At)
	}
	return kinds, dues
}

// sessionCols reads a polku.Session from sessions s and seats n (see
// seatsJoin), in the order scanSession takes them.
const sessionCols = `s.id, s.external_id, s.starts_at, s.ends_at, s.capacity, s.enrol_from, s.enrol_until, s.status, n.taken, n.waiting`

// seatsJoin counts, per session s, the seats taken by confirmed sign-ups
// and the people on the waiting list who could get seats: a party bigger
// than the session (Tx.WaitFor) waits for added seats, not in the line.
const seatsJoin = `
	CROSS JOIN LATERAL (
		SELECT COALESCE(sum(x.children + x.adults) FILTER (WHERE x.status = 'confirmed'), 0)::int AS taken,
		       COALESCE(sum(x.children + x.adults) FILTER (WHERE x.status = 'waiting' AND x.children + x.adults <= s.capacity), 0)::int AS waiting
		FROM signups x WHERE x.session_id = s.id) n`

// scanSession reads the columns of sessionCols.
func scanSession(row pgx.Row, more ...any) (polku.Session, error) {
	var s polku.Session
	var end, from, until *time.Time
	var status string
	err := row.Scan(append([]any{&s.ID, &s.ExternalID, &s.Start, &end, &s.Capacity, &from, &until, &status, &s.Taken, &s.Waiting}, more...)...)
	s.Status = polku.Status(status)
	if end != nil {
		s.End = *end
	}
	if from != nil {
		s.EnrolFrom = *from
	}
	if until != nil {
		s.EnrolUntil = *until
	}
	return s, err
}

func collectSession(row pgx.CollectableRow) (polku.Session, error) { return scanSession(row) }

// activity reads an activity's stored data and gives it its ID.
func activity(id int64, data []byte) (polku.Activity, error) {
	var a polku.Activity
	if err := json.Unmarshal(data, &a); err != nil {
		return a, err
	}
	a.ID = id
	return a, nil
}

// Catalogue returns the scheduled activities of a municipality ("" for
// all), and of the municipalities that welcome its families too, with their sessions that start after now, in any status (so the
// flows can show a cancelled one for what it is), with Taken and Waiting
// filled; soonest first session first. Activities with no such session
// are left out.
func (t *Tx) Catalogue(ctx context.Context, municipality string, now time.Time) ([]polku.Activity, error) {
	return catalogue(ctx, t.tx, municipality, now)
}

// Catalogue is Tx.Catalogue outside any update's transaction.
func (db *DB) Catalogue(ctx context.Context, municipality string, now time.Time) ([]polku.Activity, error) {
	return catalogue(ctx, db.pool, municipality, now)
}

func catalogue(ctx context.Context, q querier, municipality string, now time.Time) ([]polku.Activity, error) {
	rows, err := q.Query(ctx, `
		SELECT `+sessionCols+`, a.id, a.data
		FROM activities a JOIN sessions s ON s.activity_id = a.id `+seatsJoin+`
		WHERE a.status = 'scheduled' AND ($1 = '' OR a.municipality = $1 OR a.neighbours @> ARRAY[$1]) AND s.starts_at > $2
		ORDER BY min(s.starts_at) OVER (PARTITION BY a.id), a.id, s.starts_at, s.id`, municipality, now)
	if err != nil {
		return nil, wrap(err, "catalogue")
	}
	defer rows.Close()
	var out []polku.Activity
	for rows.Next() {
		var id int64
		var data []byte
		s, err := scanSession(rows, &id, &data)
		if err != nil {
			return nil, wrap(err, "catalogue")
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			a, err := activity(id, data)
			if err != nil {
				return nil, wrap(err, "catalogue")
			}
			out = append(out, a)
		}
		last := &out[len(out)-1]
		last.Sessions = append(last.Sessions, s)
	}
	return out, wrap(rows.Err(), "catalogue")
}

// Activity returns one activity, whatever its status, with its sessions
// that start after now (Taken and Waiting filled), or ENOTFOUND.
func (t *Tx) Activity(ctx context.Context, id int64, now time.Time) (polku.Activity, error) {
	var data []byte
	if err := t.tx.QueryRow(ctx, `SELECT data FROM activities WHERE id = $1`, id).Scan(&data); err != nil {
		return polku.Activity{}, wrap(err, "activity")
	}
	a, err := activity(id, data)
	if err != nil {
		return a, wrap(err, "activity")
	}
	rows, err := t.tx.Query(ctx, `
		SELECT `+sessionCols+` FROM sessions s `+seatsJoin+`
		WHERE s.activity_id = $1 AND s.starts_at > $2
		ORDER BY s.starts_at, s.id`, id, now)
	if err != nil {
		return a, wrap(err, "activity")
	}
	a.Sessions, err = pgx.CollectRows(rows, collectSession)
	return a, wrap(err, "activity")
}
