package store

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// The providers' roster of an organiser's sessions, their marks of who
// came, and the month's visit report for reimbursement. A roster shows a
// sign-up's party and the age bands of the family's children, nothing else
// of the family; the marks stand beside the family's own answer.

// attendedSQL says whether a sign-up su counts as attended: by the
// provider's mark when there is one, else by the family's own answer.
const attendedSQL = `(su.mark = 'came' OR (su.mark IS NULL AND su.attendance = 'yes'))`

// attended is attendedSQL for a sign-up's mark and answer in hand.
func attended(mark polku.Mark, answer polku.Attendance) bool {
	return mark == polku.MarkCame || (mark == "" && answer == polku.Attended)
}

// RosterSessions lists the scheduled sessions of an organiser's
// scheduled activities that start from from until to, soonest first,
// without their parties (Roster has them).
func (t *Tx) RosterSessions(ctx context.Context, organiser string, from, to time.Time) ([]polku.Roster, error) {
	rows, err := t.tx.Query(ctx, `
		SELECT `+sessionCols+`, a.id, a.data->'title', a.organiser
		FROM sessions s JOIN activities a ON a.id = s.activity_id`+seatsJoin+`
		WHERE a.organiser = $1 AND a.status = 'scheduled' AND s.status = 'scheduled'
		  AND s.starts_at >= $2 AND s.starts_at < $3
		ORDER BY s.starts_at, s.id`, organiser, from, to)
	if err != nil {
		return nil, wrap(err, "roster sessions")
	}
	rs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.Roster, error) {
		var ro polku.Roster
		var err error
		ro.Session, err = scanSession(r, &ro.Activity, &ro.Title, &ro.Organiser)
		return ro, err
	})
	return rs, wrap(err, "roster sessions")
}

// Roster is a session with its parties: the confirmed sign-ups in the
// order they were made, each with the bands of the family's children and
// the provider's mark. ENOTFOUND for no such session. Whose it is
// (Organiser) is the caller's to check.
func (t *Tx) Roster(ctx context.Context, session int64) (polku.Roster, error) {
	var ro polku.Roster
	var err error
	ro.Session, err = scanSession(t.tx.QueryRow(ctx, `
		SELECT `+sessionCols+`, a.id, a.data->'title', a.organiser
		FROM sessions s JOIN activities a ON a.id = s.activity_id`+seatsJoin+`
		WHERE s.id = $1`, session), &ro.Activity, &ro.Title, &ro.Organiser)
	if err != nil {
		return ro, wrap(err, "roster")
	}
	rows, err := t.tx.Query(ctx, `
		SELECT su.id, su.children, su.adults, COALESCE(f.answers->'children', '{}'), COALESCE(su.mark, '')
		FROM signups su JOIN families f ON f.id = su.family_id
		WHERE su.session_id = $1 AND su.status = 'confirmed'
		ORDER BY su.id`, session)
	if err != nil {
		return ro, wrap(err, "roster")
	}
	ro.Parties, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.Party, error) {
		var p polku.Party
		var children map[polku.AgeBand]int
		var mark string
		err := r.Scan(&p.SignUp, &p.Children, &p.Adults, &children, &mark)
		for _, b := range polku.AgeBands {
			if children[b] > 0 {
				p.Bands = append(p.Bands, b)
			}
		}
		p.Mark = polku.Mark(mark)
		return p, err
	})
	return ro, wrap(err, "roster")
}

// MarkAttendance records provider p's mark m of a confirmed sign-up and
// returns the sign-up's session. ENOTFOUND when there is no such sign-up
// in a session of p's organiser (one of another organiser is no
// different from none), ECONFLICT (with the session) when the session
// cannot be marked now (polku.Session.Markable), EINVALID for no mark of polku's. The report's
// attendances follow the mark: where it changes whether the sign-up
// counts as attended (attendedSQL), the month's counts change with it.
func (t *Tx) MarkAttendance(ctx context.Context, signup int64, p polku.Provider, m polku.Mark) (int64, error) {
	if m != polku.MarkCame && m != polku.MarkAbsent {
		return 0, polku.Errorf(polku.EINVALID, "mark %q", m)
	}
	var session, family, actID int64
	var answer, was, organiser, municipality string
	var s polku.Session
	var end *time.Time
	var data []byte
	err := t.tx.QueryRow(ctx, `
		SELECT su.session_id, su.family_id, COALESCE(su.attendance, ''), COALESCE(su.mark, ''),
		       s.starts_at, s.ends_at, a.organiser, a.municipality, a.id, a.data
		FROM signups su JOIN sessions s ON s.id = su.session_id JOIN activities a ON a.id = s.activity_id
		WHERE su.id = $1 AND su.status = 'confirmed'
		FOR UPDATE OF su`, signup).Scan(&session, &family, &answer, &was, &s.Start, &end, &organiser, &municipality, &actID, &data)
	if err != nil {
		return 0, wrap(err, "mark attendance")
	}
	if organiser != p.Organiser {
		return 0, polku.Errorf(polku.ENOTFOUND, "sign-up %d is not of %q", signup, p.Organiser)
	}
	if end != nil {
		s.End = *end
	}
	now := t.db.Now()
	if !s.Markable(now) {
		return session, polku.Errorf(polku.ECONFLICT, "session %d not markable now", session)
	}
	if polku.Mark(was) == m {
		return session, nil
	}
	if _, err := t.tx.Exec(ctx, `UPDATE signups SET mark = $2, marked_by = $3, marked_at = $4 WHERE id = $1`,
		signup, string(m), p.ID, now); err != nil {
		return 0, wrap(err, "mark attendance")
	}
	before, after := attended(polku.Mark(was), polku.Attendance(answer)), attended(m, polku.Attendance(answer))
	if before == after {
		return session, nil
	}
	act, err := activity(actID, data)
	if err != nil {
		return 0, wrap(err, "mark attendance")
	}
	delta := 1
	if !after {
		delta = -1
	}
	if err := use(kindAttended, t.db.monthOf(s.Start), act).add(ctx, t.counts(), delta); err != nil {
		return 0, err
	}
	return session, countAttenders(ctx, t.tx, t.db, family, municipality, s.Start, after)
}

// Visits is an organiser's month (from month's first day, in the
// service's time zone) for its visit report: each scheduled session of
// its activities that began in the month with its counts, the soonest
// first, and the card visits its providers checked, by activity. The
// counts are of the sign-ups as they are now: a family that erased its
// data, or sign-ups the retention took, are no longer in them.
func (t *Tx) Visits(ctx context.Context, organiser string, month time.Time) (polku.Visits, error) {
	from := t.db.month(month)
	to := from.AddDate(0, 1, 0)
	v := polku.Visits{Organiser: organiser, Month: from}
	rows, err := t.tx.Query(ctx, `
		SELECT a.id, a.data->'title', s.starts_at,
		       count(su.id),
		       COALESCE(sum(su.children + su.adults), 0)::int,
		       count(su.id) FILTER (WHERE su.mark = 'came'),
		       COALESCE(sum(su.children + su.adults) FILTER (WHERE su.mark = 'came'), 0)::int,
		       count(su.id) FILTER (WHERE su.mark IS NULL)
		FROM sessions s JOIN activities a ON a.id = s.activity_id
		LEFT JOIN signups su ON su.session_id = s.id AND su.status = 'confirmed'
		WHERE a.organiser = $1 AND s.status = 'scheduled' AND s.starts_at >= $2 AND s.starts_at < $3
		GROUP BY a.id, s.id
		ORDER BY s.starts_at, s.id`, organiser, from, to)
	if err != nil {
		return v, wrap(err, "visits")
	}
	v.Sessions, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.SessionVisits, error) {
		var s polku.SessionVisits
		err := r.Scan(&s.Activity, &s.Title, &s.Start, &s.Parties, &s.People, &s.Came, &s.CamePeople, &s.Unmarked)
		return s, err
	})
	if err != nil {
		return v, wrap(err, "visits")
	}
	rows, err = t.tx.Query(ctx, `
		SELECT COALESCE(a.id, 0), a.data->'title', count(*)::int
		FROM card_visits cv JOIN providers p ON p.id = cv.provider_id
		LEFT JOIN activities a ON a.id = cv.activity_id
		WHERE p.organiser = $1 AND cv.visited_at >= $2 AND cv.visited_at < $3
		GROUP BY a.id
		ORDER BY a.id NULLS LAST`, organiser, from, to)
	if err != nil {
		return v, wrap(err, "visits")
	}
	v.Cards, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (polku.CardVisits, error) {
		var c polku.CardVisits
		err := r.Scan(&c.Activity, &c.Title, &c.Visits)
		return c, err
	})
	if err != nil {
		return v, wrap(err, "visits")
	}
	// The sessions of one activity side by side in the month's order of
	// their first: what a claim lists.
	first := map[int64]int{}
	for i, s := range v.Sessions {
		if _, ok := first[s.Activity]; !ok {
			first[s.Activity] = i
		}
	}
	slices.SortStableFunc(v.Sessions, func(a, b polku.SessionVisits) int { return first[a.Activity] - first[b.Activity] })
	return v, nil
}
