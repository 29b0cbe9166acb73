package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// The figures of the managers' report, read from the anonymous statistics
// (stats.go) and the catalogue, never from a family's rows: a family that
// erases its data changes none of them. The types mirror the report's
// (polku/report, which store may not import), field for field, so that the
// caller converts them.

// Figures are a period's figures by municipality ("" for not told).
type Figures map[string]*Area

// of returns the figures of a municipality, adding empty ones first.
func (f Figures) of(municipality string) *Area {
	if a, ok := f[municipality]; ok {
		return a
	}
	a := &Area{Families: map[string]int{}, Referrals: map[string]int{}, Use: map[Activity]Use{},
		Outcomes: map[string]int{}, Feedback: map[int]int{}}
	f[municipality] = a
	return a
}

// Area is one municipality's figures of a period. Keys that are "" stand
// for "not told" (an age band, a referral, a category, an organiser, an
// outcome). The wellbeing figures are by instrument.
type Area struct {
	// Families are the new families (their first consent in the period),
	// by the age band of the youngest child; Referrals the same families
	// by the organisation of their referral code. Until a family finishes
	// the intake its municipality and band are not told.
	Families  map[string]int
	Referrals map[string]int
	// Intakes are the intakes begun (with the consent) in the period,
	// Completed how many of them were finished so far.
	Intakes, Completed int

	// Use is the participation in the period's sessions, by activity.
	Use map[Activity]Use
	// Attenders1 and Attenders3 are the families who attended the
	// municipality's sessions at least once and at least three times in
	// a month, summed over the period's months.
	Attenders1, Attenders3 int

	// CasesOpened are the cases opened for the first time; FirstAnswer
	// the minutes each case opened (or opened again) waited within office
	// hours for the first answer, as the month it was answered keeps
	// them; Outcomes the cases closed by outcome; Feedback the feedback
	// answers by score (1–5).
	CasesOpened int
	FirstAnswer []float64
	Outcomes    map[string]int
	Feedback    map[int]int

	// Baseline holds, by instrument ("who5", "own"), the first complete
	// wellbeing baselines given in the period, on 0–100; nil for none.
	Baseline map[string][]float64
	// Asked are the wellbeing follow-up questions sent in the period
	// (not their reminders), by the baseline's instrument; Answered the
	// follow-ups answered in the period, by instrument; Pairs the
	// anonymous pairs of a baseline and its follow-up (complete, of one
	// instrument), of every point, answered in the period. Nil for none.
	Asked    map[string]int
	Answered map[string]int
	Pairs    map[string][]Pair
}

// Activity is what participation is counted by: the activity's first
// category and its organiser.
type Activity struct{ Category, Organiser string }

// Use is the participation in one kind of activity: sign-ups made (a seat
// or the waiting list), sign-ups answered "yes" to "Did you make it?",
// places passed on from the waiting list, wellbeing-card visits, and
// sessions held. Sign-ups, attendances and moves are of the period's
// sessions, visits of the period's days.
type Use struct {
	SignUps, Attended, Moves, Visits, Sessions int
}

// ReportFigures returns the figures of the local months from first's to
// last's, both included, by municipality. Sessions held are those started
// by now. municipalities, unless nil, are the only ones read (a region's
// or a municipality's manager's report): the figures of the others, and
// those whose municipality was not told, are not even read. One query a
// topic, in one snapshot of the database.
func (db *DB) ReportFigures(ctx context.Context, first, last time.Time, municipalities []string) (Figures, error) {
	from, until := db.month(first), db.month(last).AddDate(0, 1, 0)
	// Every topic's query takes the months as $1 and $2 and the
	// municipalities as $3 (inScope).
	days := []any{db.day(from), db.day(until), municipalities}
	f := Figures{}
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		for _, topic := range []func(context.Context, pgx.Tx, Figures, []any) error{
			reach, participation, db.sessionsHeld(from, until), casework, firstAnswers, baselines, followUps,
		} {
			if err := topic(ctx, tx, f, days); err != nil {
				return err
			}
		}
		return nil
	})
	return f, wrap(err, "report figures")
}

// inScope is the condition of a topic's query that column is one of the
// municipalities asked ($3), or any when none were (NULL).
func inScope(column string) string {
	return "($3::text[] IS NULL OR " + column + " = ANY($3))"
}

// reach reads the new families and the intakes, by band and by the
// organisation of the referral code.
func reach(ctx context.Context, tx pgx.Tx, f Figures, days []any) error {
	rows, err := tx.Query(ctx, `
		SELECT s.municipality, s.kind, s.band, COALESCE(r.organisation, ''), sum(s.count)::int
		FROM stats s LEFT JOIN referral_codes r ON r.code = s.referral
		WHERE s.day >= $1 AND s.day < $2 AND s.kind IN ('`+kindFamily+`', '`+kindIntake+`') AND `+inScope("s.municipality")+`
		GROUP BY 1, 2, 3, 4 HAVING sum(s.count) <> 0`, days...)
	if err != nil {
		return err
	}
	var m, kind, band, org string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&m, &kind, &band, &org, &n}, func() error {
		a := f.of(m)
		switch kind {
		case kindFamily:
			a.Families[band] += n
			a.Referrals[org] += n
			a.Intakes += n
		case kindIntake:
			a.Completed += n
		}
		return nil
	})
	return err
}

// participation reads the use of the activities and the unique attenders.
func participation(ctx context.Context, tx pgx.Tx, f Figures, days []any) error {
	rows, err := tx.Query(ctx, `
		SELECT municipality, kind, category, organiser, sum(count)::int FROM stats
		WHERE day >= $1 AND day < $2 AND kind IN ('`+kindSignUp+`', '`+kindAttended+`', '`+kindMove+`', '`+kindVisit+`',
			'`+kindAttenders1+`', '`+kindAttenders3+`') AND `+inScope("municipality")+`
		GROUP BY 1, 2, 3, 4 HAVING sum(count) <> 0`, days...)
	if err != nil {
		return err
	}
	var m, kind, category, organiser string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&m, &kind, &category, &organiser, &n}, func() error {
		a := f.of(m)
		k := Activity{category, organiser}
		u := a.Use[k]
		switch kind {
		case kindSignUp:
			u.SignUps += n
		case kindAttended:
			u.Attended += n
		case kindMove:
			u.Moves += n
		case kindVisit:
			u.Visits += n
		case kindAttenders1:
			a.Attenders1 += n
			return nil
		case kindAttenders3:
			a.Attenders3 += n
			return nil
		}
		a.Use[k] = u
		return nil
	})
	return err
}

// sessionsHeld reads from the catalogue the sessions that started in the
// months (by now), not cancelled or postponed: a query per activity, as
// an activity's category is in its document.
func (db *DB) sessionsHeld(from, until time.Time) func(context.Context, pgx.Tx, Figures, []any) error {
	return func(ctx context.Context, tx pgx.Tx, f Figures, days []any) error {
		if now := db.Now(); now.Before(until) {
			until = now
		}
		rows, err := tx.Query(ctx, `
			SELECT a.id, a.data, count(*)::int FROM sessions s JOIN activities a ON a.id = s.activity_id
			WHERE s.starts_at >= $1 AND s.starts_at < $2 AND s.status = 'scheduled' AND `+inScope("a.municipality")+`
			GROUP BY a.id`, from, until, days[2])
		if err != nil {
			return err
		}
		var id int64
		var data []byte
		var n int
		_, err = pgx.ForEachRow(rows, []any{&id, &data, &n}, func() error {
			act, err := activity(id, data)
			if err != nil {
				return err
			}
			a, k := f.of(act.Municipality), activityOf(act)
			s := a.Use[k]
			s.Sessions += n
			a.Use[k] = s
			return nil
		})
		return err
	}
}

// caseKinds are the kinds of the cases' counts: opened, closed by each
// outcome, feedback by each score.
var caseKinds = func() []string {
	kinds := []string{kindCaseOpened}
	for _, o := range polku.Outcomes {
		kinds = append(kinds, kindCaseClosed+string(o))
	}
	for score := 1; score <= 5; score++ {
		kinds = append(kinds, kindFeedback+strconv.Itoa(score))
	}
	return kinds
}()

// casework reads the cases opened, their outcomes and the feedback.
func casework(ctx context.Context, tx pgx.Tx, f Figures, days []any) error {
	rows, err := tx.Query(ctx, `
		SELECT municipality, kind, sum(count)::int FROM stats
		WHERE day >= $1 AND day < $2 AND kind = ANY($4) AND `+inScope("municipality")+`
		GROUP BY 1, 2 HAVING sum(count) <> 0`, append(days, caseKinds)...)
	if err != nil {
		return err
	}
	var m, kind string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&m, &kind, &n}, func() error {
		a := f.of(m)
		if kind == kindCaseOpened {
			a.CasesOpened += n
		} else if outcome, ok := strings.CutPrefix(kind, kindCaseClosed); ok {
			a.Outcomes[outcome] += n
		} else if score, err := strconv.Atoi(strings.TrimPrefix(kind, kindFeedback)); err == nil {
			a.Feedback[score] += n
		}
		return nil
	})
	return err
}

// firstAnswers reads the minutes to the first answers, as a list.
func firstAnswers(ctx context.Context, tx pgx.Tx, f Figures, days []any) error {
	rows, err := tx.Query(ctx, `
		SELECT municipality, value, sum(count)::int FROM stat_values
		WHERE month >= $1 AND month < $2 AND kind = '`+valueFirstAnswer+`' AND `+inScope("municipality")+`
		GROUP BY 1, 2 ORDER BY 1, 2`, days...)
	if err != nil {
		return err
	}
	var m string
	var v, n int
	_, err = pgx.ForEachRow(rows, []any{&m, &v, &n}, func() error {
		a := f.of(m)
		for range n {
			a.FirstAnswer = append(a.FirstAnswer, float64(v))
		}
		return nil
	})
	return err
}

// baselines reads the first wellbeing baselines, as a list by instrument.
func baselines(ctx context.Context, tx pgx.Tx, f Figures, days []any) error {
	rows, err := tx.Query(ctx, `
		SELECT municipality, substr(kind, length('`+valueBaseline+`') + 1), value, sum(count)::int FROM stat_values
		WHERE month >= $1 AND month < $2 AND kind LIKE '`+valueBaseline+`%' AND `+inScope("municipality")+`
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, days...)
	if err != nil {
		return err
	}
	var m, instrument string
	var v, n int
	_, err = pgx.ForEachRow(rows, []any{&m, &instrument, &v, &n}, func() error {
		a := f.of(m)
		if a.Baseline == nil {
			a.Baseline = map[string][]float64{}
		}
		for range n {
			a.Baseline[instrument] = append(a.Baseline[instrument], float64(v))
		}
		return nil
	})
	return err
}
