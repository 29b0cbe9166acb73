package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// Every change to a session's sign-ups (signing up, cancelling, promoting,
// an import's change) first locks the session's row, so seats are counted
// and taken one family at a time and a session is never overbooked. The
// waiting list is in the order of the sign-ups' IDs: under that lock, the
// order they joined.

// SignUp takes seats in a session for the chat's family, or puts it on the
// waiting list, in the update's transaction. The outcome says which:
//
//   - OutcomeConfirmed: seats taken; reminders and the follow-up are
//     planned with r.
//   - OutcomeWaiting: the session is full, or families already wait (the
//     list is first come, first served); no reminders yet.
//   - OutcomeAlready: the family has a live sign-up for the session; it is
//     returned unchanged.
//   - OutcomeClosed: the session is not open at now (past, outside its
//     enrolment, cancelled) or its activity is not scheduled.
//   - OutcomeTooMany: the party is bigger than the session or than
//     polku.MaxPartySize. WaitFor puts a party bigger than the session on
//     the waiting list all the same.
//
// A party of no one, or of negative counts, is EINVALID; a chat without a
// family (no consent) is EFORBIDDEN; an unknown session ENOTFOUND. The
// sign-up returned has the activity with only this session (ID zero for
// Closed and TooMany) and, on the waiting list, its position.
func (t *Tx) SignUp(ctx context.Context, sessionID int64, children, adults int, now time.Time, r polku.Reminders) (polku.SignUpOutcome, polku.SignUp, error) {
	return t.signUp(ctx, sessionID, children, adults, now, r, false)
}

// WaitFor is SignUp for a party bigger than the session: it joins the
// waiting list (OutcomeWaiting), in case the organiser adds seats, and
// does not hold up the smaller parties behind it (see promote). A party
// that fits is signed up as SignUp would.
func (t *Tx) WaitFor(ctx context.Context, sessionID int64, children, adults int, now time.Time, r polku.Reminders) (polku.SignUpOutcome, polku.SignUp, error) {
	return t.signUp(ctx, sessionID, children, adults, now, r, true)
}

func (t *Tx) signUp(ctx context.Context, sessionID int64, children, adults int, now time.Time, r polku.Reminders, wait bool) (polku.SignUpOutcome, polku.SignUp, error) {
	if children < 0 || adults < 0 || children+adults < 1 {
		return "", polku.SignUp{}, polku.Errorf(polku.EINVALID, "a party of %d children and %d adults", children, adults)
	}
	family, err := t.family(ctx)
	if err != nil {
		return "", polku.SignUp{}, err
	}
	if family == 0 {
		return "", polku.SignUp{}, polku.Errorf(polku.EFORBIDDEN, "sign-up without consent")
	}
	a, err := lockSession(ctx, t.tx, sessionID)
	if err != nil {
		return "", polku.SignUp{}, wrap(err, "sign up")
	}
	live, err := signUps(ctx, t.tx, `su.family_id = $1 AND su.session_id = $2 AND su.status <> 'cancelled'`, family, sessionID)
	if err != nil {
		return "", polku.SignUp{}, wrap(err, "sign up")
	}
	if len(live) > 0 {
		return polku.OutcomeAlready, live[0], nil
	}
	s := a.Sessions[0]
	party := children + adults
	switch {
	case a.Status != polku.StatusScheduled || !s.Open(now):
		return polku.OutcomeClosed, polku.SignUp{Activity: a}, nil
	case party > polku.MaxPartySize || party > s.Capacity && !wait:
		return polku.OutcomeTooMany, polku.SignUp{Activity: a}, nil
	}

	status, outcome := polku.SignedUp, polku.OutcomeConfirmed
	if s.Waiting > 0 || s.SeatsLeft() < party {
		status, outcome = polku.Waiting, polku.OutcomeWaiting
	}
	var id int64
	err = t.tx.QueryRow(ctx, `
		INSERT INTO signups (family_id, session_id, children, adults, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, family, sessionID, children, adults, string(status), now).Scan(&id)
	if err != nil {
		return "", polku.SignUp{}, wrap(err, "sign up")
	}
	if status == polku.SignedUp {
		kinds, dues := plan(s, now, r)
		if err := addJobs(ctx, t.tx, id, kinds, dues); err != nil {
			return "", polku.SignUp{}, wrap(err, "sign up")
		}
	}
	if err := count(ctx, t.tx, t.db.day(now), "signup_"+string(status), a.Municipality, family, 1); err != nil {
		return "", polku.SignUp{}, err
	}
	if err := use(kindSignUp, t.db.monthOf(s.Start), a).add(ctx, t.counts(), 1); err != nil {
		return "", polku.SignUp{}, err
	}
	if err := campaignSignUp(ctx, t.tx, family, a.ID, now); err != nil {
		return "", polku.SignUp{}, err
	}
	su, err := signUp(ctx, t.tx, id)
	return outcome, su, wrap(err, "sign up")
}

// SignUps lists the family's live sign-ups whose session ends after a week
// before now (so "Did you make it?" can still be answered), soonest first,
// with positions on waiting lists. A chat without a family has none.
func (t *Tx) SignUps(ctx context.Context, now time.Time) ([]polku.SignUp, error) {
	out, err := signUps(ctx, t.tx, `
		su.family_id = (SELECT id FROM families WHERE chat_id = $1) AND su.status <> 'cancelled'
		AND COALESCE(s.ends_at, s.starts_at) > $2`, t.chat, now.Add(-7*24*time.Hour))
	return out, wrap(err, "sign-ups")
}

// SignUpByID returns one of the family's sign-ups, in any status;
// another family's is ENOTFOUND.
func (t *Tx) SignUpByID(ctx context.Context, id int64) (polku.SignUp, error) {
	out, err := signUps(ctx, t.tx, `su.id = $1 AND su.family_id = (SELECT id FROM families WHERE chat_id = $2)`, id, t.chat)
	if err != nil {
		return polku.SignUp{}, wrap(err, "sign-up")
	}
	if len(out) == 0 {
		return polku.SignUp{}, polku.Errorf(polku.ENOTFOUND, "sign-up %d", id)
	}
	return out[0], nil
}

// CancelSignUp cancels one of the family's live sign-ups and removes its
// pending jobs. Another family's or an unknown sign-up is ENOTFOUND; one
// already cancelled ECONFLICT. The waiting list then moves on, first come
// first served: the first in line is promoted while their party fits, and
// the list stops at the first that does not. (This also runs when a
// waiting sign-up is cancelled: it may have been the party that did not
// fit.) Each promoted family gets its reminders and a JobPromoted notice
// due at now.
func (t *Tx) CancelSignUp(ctx context.Context, id int64, now time.Time, r polku.Reminders) (polku.SignUp, error) {
	var session, family int64
	err := t.tx.QueryRow(ctx, `
		SELECT su.session_id, su.family_id FROM signups su JOIN families f ON f.id = su.family_id
		WHERE su.id = $1 AND f.chat_id = $2`, id, t.chat).Scan(&session, &family)
	if err != nil {
		return polku.SignUp{}, wrap(err, "cancel sign-up")
	}
	a, err := lockSession(ctx, t.tx, session)
	if err != nil {
		return polku.SignUp{}, wrap(err, "cancel sign-up")
	}
	if len(a.Sessions) > 0 && !a.Sessions[0].Start.After(now) {
		return polku.SignUp{}, polku.Errorf(polku.EINVALID, "sign-up %d: the session has started", id)
	}
	// Under the session's lock the status can no longer change.
	tag, err := t.tx.Exec(ctx, `
		UPDATE signups SET status = 'cancelled', cancelled_at = $2
		WHERE id = $1 AND status <> 'cancelled'`, id, now)
	if err != nil {
		return polku.SignUp{}, wrap(err, "cancel sign-up")
	}
	if tag.RowsAffected() == 0 {
		return polku.SignUp{}, polku.Errorf(polku.ECONFLICT, "sign-up %d already cancelled", id)
	}
	if _, err := t.tx.Exec(ctx, `DELETE FROM jobs WHERE signup_id = $1 AND done_at IS NULL`, id); err != nil {
		return polku.SignUp{}, wrap(err, "cancel sign-up")
	}
	if err := count(ctx, t.tx, t.db.day(now), "signup_cancelled", a.Municipality, family, 1); err != nil {
		return polku.SignUp{}, err
	}
	promoted, err := promote(ctx, t.tx, a, now, r)
	if err != nil {
		return polku.SignUp{}, wrap(err, "cancel sign-up")
	}
	if err := countPromoted(ctx, t.tx, t.db, now, promoted); err != nil {
		return polku.SignUp{}, err
	}
	su, err := signUp(ctx, t.tx, id)
	return su, wrap(err, "cancel sign-up")
}

// Attend records the family's answer to "Did you make it?" for one of its
// confirmed sign-ups (ENOTFOUND otherwise). Answering again replaces the
// answer, and the statistics with it. Where a provider marked the sign-up
// the report's attendances follow the mark (attendedSQL): the answer is
// kept and counted as the family's answer, and changes nothing else.
func (t *Tx) Attend(ctx context.Context, id int64, a polku.Attendance, now time.Time) error {
	switch a {
	case polku.Attended, polku.NotAttended, polku.CouldNotCome:
	default:
		return polku.Errorf(polku.EINVALID, "attendance %q", a)
	}
	var family, actID int64
	var municipality string
	var was *string
	var wasAt *time.Time
	var mark string
	var start time.Time
	var data []byte
	err := t.tx.QueryRow(ctx, `
		WITH old AS (
			SELECT su.id, su.family_id, su.attendance, su.attended_at, COALESCE(su.mark, '') AS mark, act.municipality, s.starts_at, act.id AS activity_id, act.data
			FROM signups su JOIN sessions s ON s.id = su.session_id JOIN activities act ON act.id = s.activity_id
			WHERE su.id = $1 AND su.status = 'confirmed'
			  AND su.family_id = (SELECT id FROM families WHERE chat_id = $2)
			FOR UPDATE OF su)
		UPDATE signups su SET attendance = $3, attended_at = $4 FROM old WHERE su.id = old.id
		RETURNING old.family_id, old.municipality, old.attendance, old.attended_at, old.mark, old.starts_at, old.activity_id, old.data`,
		id, t.chat, string(a), now).Scan(&family, &municipality, &was, &wasAt, &mark, &start, &actID, &data)
	if err != nil {
		return wrap(err, "attend")
	}
	if was != nil && *was == string(a) {
		return nil
	}
	if was != nil {
		if err := count(ctx, t.tx, t.db.day(*wasAt), "attended_"+*was, municipality, family, -1); err != nil {
			return err
		}
	}
	if err := count(ctx, t.tx, t.db.day(now), "attended_"+string(a), municipality, family, 1); err != nil {
		return err
	}
	// The report's attendances: of the session's month, and the month's
	// unique attenders, when "yes" was given or taken back.
	yes := a == polku.Attended
	if mark != "" || (!yes && (was == nil || *was != string(polku.Attended))) {
		return nil
	}
	act, err := activity(actID, data)
	if err != nil {
		return wrap(err, "attend")
	}
	delta := 1
	if !yes {
		delta = -1
	}
	if err := use(kindAttended, t.db.monthOf(start), act).add(ctx, t.counts(), delta); err != nil {
		return err
	}
	return countAttenders(ctx, t.tx, t.db, family, municipality, start, yes)
}

// releaseSeats cancels the family's live sign-ups for sessions still to
// come, before the family is deleted, so that the seats it held go to the
// families waiting (who are told).
func (t *Tx) releaseSeats(ctx context.Context) error {
	now := t.db.Now()
	rows, err := t.tx.Query(ctx, `
		SELECT DISTINCT su.session_id FROM signups su
		JOIN families f ON f.id = su.family_id JOIN sessions s ON s.id = su.session_id
		WHERE f.chat_id = $1 AND su.status <> 'cancelled' AND s.starts_at > $2
		ORDER BY 1`, t.chat, now)
	if err != nil {
		return wrap(err, "release seats")
	}
	// In the order of the sessions' IDs, so that two erasures never wait
	// for each other in a circle.
	sessions, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return wrap(err, "release seats")
	}
	var promoted []promotion
	for _, id := range sessions {
		a, err := lockSession(ctx, t.tx, id)
		if err != nil {
			return wrap(err, "release seats")
		}
		_, err = t.tx.Exec(ctx, `
			UPDATE signups SET status = 'cancelled', cancelled_at = $3
			WHERE session_id = $1 AND status <> 'cancelled'
			  AND family_id = (SELECT id FROM families WHERE chat_id = $2)`, id, t.chat, now)
		if err != nil {
			return wrap(err, "release seats")
		}
		p, err := promote(ctx, t.tx, a, now, t.db.Reminders)
		if err != nil {
			return wrap(err, "release seats")
		}
		promoted = append(promoted, p...)
	}
	return countPromoted(ctx, t.tx, t.db, now, promoted)
}

// lockSession locks a session's row and returns its activity with only
// that session, Taken and Waiting counted after the lock was granted.
func lockSession(ctx context.Context, q querier, id int64) (polku.Activity, error) {
	var act int64
	var data []byte
	s, err := scanSession(q.QueryRow(ctx, `
		SELECT s.id, s.external_id, s.starts_at, s.ends_at, s.capacity, s.enrol_from, s.enrol_until, s.status, 0, 0, a.id, a.data
		FROM sessions s JOIN activities a ON a.id = s.activity_id
		WHERE s.id = $1 FOR UPDATE OF s`, id), &act, &data)
	if err != nil {
		return polku.Activity{}, err
	}
	// A statement of its own: a statement sees what was committed when it
	// began, so counting in the one that waited for the lock could miss
	// the seats its last holder took.
	err = q.QueryRow(ctx, `SELECT n.taken, n.waiting FROM sessions s `+seatsJoin+` WHERE s.id = $1`, id).Scan(&s.Taken, &s.Waiting)
	if err != nil {
		return polku.Activity{}, err
	}
	a, err := activity(act, data)
	a.Sessions = []polku.Session{s}
	return a, err
}

// promotion is a family promoted from the waiting list of a session (the
// activity's only one), to be counted.
type promotion struct {
	family   int64
	activity polku.Activity
}

// promote moves families from the session's waiting list to its free
// seats, first in line first, and stops at the first party that does not
// fit; a party bigger than the whole session (WaitFor) is passed over, so
// it holds up no one until seats are added. Each gets its reminders and a JobPromoted notice due at now. The
// caller holds the session's lock, and counts the promotions once it has
// taken every session lock it needs: a statistics row is shared by all,
// and holding one while waiting for a session could deadlock.
func promote(ctx context.Context, tx txQuerier, a polku.Activity, now time.Time, r polku.Reminders) ([]promotion, error) {
	s := a.Sessions[0]
	if !s.Start.After(now) {
		return nil, nil
	}
	var taken int
	if err := tx.QueryRow(ctx, `
		SELECT COALESCE(sum(children + adults), 0)::int FROM signups
		WHERE session_id = $1 AND status = 'confirmed'`, s.ID).Scan(&taken); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `
		SELECT id, family_id, children + adults FROM signups
		WHERE session_id = $1 AND status = 'waiting' ORDER BY id`, s.ID)
	if err != nil {
		return nil, err
	}
	type waiting struct{ ID, Family, Party int64 }
	line, err := pgx.CollectRows(rows, pgx.RowToStructByPos[waiting])
	if err != nil {
		return nil, err
	}
	kinds, dues := plan(s, now, r)
	kinds = append([]string{string(polku.JobPromoted)}, kinds...)
	dues = append([]time.Time{now}, dues...)
	var promoted []promotion
	for _, w := range line {
		if int(w.Party) > s.Capacity {
			continue
		}
		if taken+int(w.Party) > s.Capacity {
			break
		}
		taken += int(w.Party)
		if _, err := tx.Exec(ctx, `UPDATE signups SET status = 'confirmed' WHERE id = $1`, w.ID); err != nil {
			return nil, err
		}
		if err := addJobs(ctx, tx, w.ID, kinds, dues); err != nil {
			return nil, err
		}
		promoted = append(promoted, promotion{w.Family, a})
	}
	return promoted, nil
}

// countPromoted counts promotions made at now in the statistics: on
// now's day, and for the report in the session's month.
func countPromoted(ctx context.Context, q querier, db *DB, now time.Time, promoted []promotion) error {
	for _, p := range promoted {
		if err := count(ctx, q, db.day(now), "promoted", p.activity.Municipality, p.family, 1); err != nil {
			return err
		}
		if err := use(kindMove, db.monthOf(p.activity.Sessions[0].Start), p.activity).add(ctx, q, 1); err != nil {
			return err
		}
	}
	return nil
}

// signUpCols reads a polku.SignUp (scanSignUp) from signups su, its
// session s with seats n, and its activity a.
const signUpCols = sessionCols + `, su.id, su.status, su.children, su.adults, COALESCE(su.attendance, ''), su.created_at,
	CASE WHEN su.status = 'waiting' THEN (
		SELECT count(*) FROM signups w WHERE w.session_id = su.session_id AND w.status = 'waiting' AND w.id <= su.id
		AND (w.id = su.id OR w.children + w.adults <= s.capacity))
	ELSE 0 END::int,
	a.id, a.data`

const signUpFrom = `
	FROM signups su JOIN sessions s ON s.id = su.session_id JOIN activities a ON a.id = s.activity_id ` + seatsJoin

// signUps reads the sign-ups that match where, soonest session first.
func signUps(ctx context.Context, q querier, where string, args ...any) ([]polku.SignUp, error) {
	rows, err := q.Query(ctx, `SELECT `+signUpCols+signUpFrom+` WHERE `+where+` ORDER BY s.starts_at, su.id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (polku.SignUp, error) { return scanSignUp(row) })
}

// signUp reads one sign-up by ID.
func signUp(ctx context.Context, q querier, id int64) (polku.SignUp, error) {
	out, err := signUps(ctx, q, `su.id = $1`, id)
	if err == nil && len(out) == 0 {
		err = pgx.ErrNoRows
	}
	if err != nil {
		return polku.SignUp{}, err
	}
	return out[0], nil
}

func scanSignUp(row pgx.Row) (polku.SignUp, error) {
	var su polku.SignUp
	var status, attendance string
	var act int64
	var data []byte
	s, err := scanSession(row, &su.ID, &status, &su.Children, &su.Adults, &attendance, &su.Created, &su.Position, &act, &data)
	if err != nil {
		return su, err
	}
	su.Status, su.Attendance = polku.SignUpStatus(status), polku.Attendance(attendance)
	su.Activity, err = activity(act, data)
	su.Activity.Sessions = []polku.Session{s}
	return su, err
}
