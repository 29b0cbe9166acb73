package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// The anonymous statistics: counts a local day, by kind and by the
// dimensions the managers' report needs (stats), and measured values as
// counts a month of each value (stat_values). Neither holds a key of a
// family, a chat or a case, nor a time finer than a day, so a family's
// erasure deletes none of it and changes no figure already counted. What
// a count needs to know of a family (its referral, the month's other
// attendances) is read when it is counted, while the family's rows still
// exist.

// statKey is the primary key of stats, as ON CONFLICT names it.
const statKey = `(day, kind, municipality, referral, band, category, organiser)`

// tally is one row of stats: a count of kind on a local day ("2006-01-02"),
// by its dimensions.
type tally struct {
	day, kind, municipality, referral, band, category, organiser string
}

// add adds delta to the statistic.
func (s tally) add(ctx context.Context, q querier, delta int) error {
	_, err := q.Exec(ctx, `
		INSERT INTO stats (day, kind, municipality, referral, band, category, organiser, count)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT `+statKey+` DO UPDATE SET count = stats.count + $8`,
		s.day, s.kind, s.municipality, s.referral, s.band, s.category, s.organiser, delta)
	return wrap(err, "count "+s.kind)
}

// Count adds one to an anonymous statistic of today. The referral source
// is the family's known referral code, never the raw text of a link.
func (t *Tx) Count(ctx context.Context, kind, municipality string) error {
	_, err := t.counts().Exec(ctx, `
		INSERT INTO stats (day, kind, municipality, referral, count)
		VALUES ($1, $2, $3, COALESCE((SELECT referral FROM families WHERE chat_id = $4), ''), 1)
		ON CONFLICT `+statKey+` DO UPDATE SET count = stats.count + 1`,
		t.db.day(t.db.Now()), kind, municipality, t.chat)
	return wrap(err, "count")
}

// count adds delta to an anonymous statistic of the day (DB.day),
// under the family's referral source, as Tx.Count does for the chat's.
func count(ctx context.Context, q querier, day string, kind, municipality string, family int64, delta int) error {
	_, err := q.Exec(ctx, `
		INSERT INTO stats (day, kind, municipality, referral, count)
		VALUES ($1, $2, $3, COALESCE((SELECT referral FROM families WHERE id = $4), ''), $5)
		ON CONFLICT `+statKey+` DO UPDATE SET count = stats.count + $5`,
		day, kind, municipality, family, delta)
	return wrap(err, "count")
}

// The kinds of the report's counts, kept by month (on its first day): the
// report is of months, and a month is less telling of a family than a
// day, and keeps the rows few. Reach is counted in the month the family
// first agreed; the use of a session in the session's month (so that a
// month's sign-ups, attendances and sessions are of the same sessions);
// card visits in the month of the visit; what happened to a case in its
// month, by the case's municipality (beside the older daily counts of
// Tx.Count, which do not tell the municipality of an outcome or a score).
const (
	// kindFamily is a family that consented for the first time, by the
	// municipality and youngest band of its first profile ('' until it
	// finishes the intake) and its referral code.
	kindFamily = "family"
	// kindIntake is such a family that finished the intake.
	kindIntake = "intake_done"
	// Sign-ups made (whether a seat or the waiting list), attendances
	// answered "yes", moves from the waiting list, wellbeing-card visits,
	// by the activity's municipality, category and organiser.
	kindSignUp   = "use_signup"
	kindAttended = "use_attended"
	kindMove     = "use_promoted"
	kindVisit    = "use_visit"
	// Families whose attendances in a month's sessions of a municipality
	// reached 1 and 3.
	kindAttenders1 = "attenders_1"
	kindAttenders3 = "attenders_3"
	// Cases (CountCase): opened for the first time, closed by outcome,
	// and the families' feedback by score.
	kindCase         = "cases_"
	kindCaseOpened   = kindCase + "opened"
	kindCaseClosed   = kindCase + "closed_"
	kindFeedback     = kindCase + "feedback_"
	valueFirstAnswer = "first_answer"
	// valueBaseline is a family's first complete wellbeing baseline, on
	// 0–100, by its instrument: "baseline_who5", "baseline_own".
	valueBaseline = "baseline_"
)

// municipalityOf is a municipality as the report counts it: the intake's
// "somewhere else" is not told, as in a case.
func municipalityOf(m string) string {
	if m == "other" {
		return ""
	}
	return m
}

// youngest is the age band of the family's youngest child, "" for none.
func youngest(a polku.Answers) string {
	for _, b := range polku.AgeBands {
		if a.Children[b] > 0 {
			return string(b)
		}
	}
	return ""
}

// use is the statistic of kind for an activity on day (a month's first):
// by its
// municipality and by what participation is counted by (activityOf).
func use(kind, day string, a polku.Activity) tally {
	k := activityOf(a)
	return tally{day: day, kind: kind, municipality: a.Municipality, category: k.Category, organiser: k.Organiser}
}

// activityOf is what the participation in an activity is counted by: its
// first category (its main one; "" for none), so that each sign-up is
// counted once, and its organiser.
func activityOf(a polku.Activity) Activity {
	k := Activity{Organiser: a.Organiser}
	if len(a.Categories) > 0 {
		k.Category = string(a.Categories[0])
	}
	return k
}

// CountNewFamily counts the chat's family as a new family when the
// consent just recorded (RecordConsent) created it, rather than renewed
// the consent of a family already there. It is counted on the day it
// agreed, by its referral code, its municipality and band not yet told:
// CountIntake moves it there when the family finishes the intake.
func (t *Tx) CountNewFamily(ctx context.Context) error {
	var created, agreed time.Time
	var referral string
	err := t.tx.QueryRow(ctx, `SELECT created_at, consent_at, COALESCE(referral, '') FROM families WHERE chat_id = $1`,
		t.chat).Scan(&created, &agreed, &referral)
	if errors.Is(err, pgx.ErrNoRows) || err == nil && !created.Equal(agreed) {
		return nil
	}
	if err != nil {
		return wrap(err, "count family")
	}
	return tally{day: t.db.monthOf(created), kind: kindFamily, referral: referral}.add(ctx, t.counts(), 1)
}

// CountIntake counts that the chat's family finished its intake with the
// answers of its first profile (the caller knows it is the first: see
// SaveProfile): on the day the family agreed, as the intake it began then,
// by the municipality it named and the age band of its youngest child.
// The family's count as new (CountNewFamily) moves from "not told" to the
// same municipality and band, so that a month's new families are told by
// band as soon as they say it. A family that agreed before these counts
// existed is not counted as new now.
func (t *Tx) CountIntake(ctx context.Context, a polku.Answers) error {
	var created time.Time
	var referral string
	err := t.tx.QueryRow(ctx, `SELECT created_at, COALESCE(referral, '') FROM families WHERE chat_id = $1`,
		t.chat).Scan(&created, &referral)
	if err != nil {
		return wrap(err, "count intake")
	}
	was := tally{day: t.db.monthOf(created), kind: kindFamily, referral: referral}
	now := was
	now.municipality, now.band = municipalityOf(a.Municipality), youngest(a)
	if err := move(ctx, t.tx, was, now); err != nil {
		return err
	}
	now.kind = kindIntake
	return now.add(ctx, t.counts(), 1)
}

// move moves one count from one statistic to another, when the first has
// one: a count made before it was known where it belongs.
func move(ctx context.Context, q querier, from, to tally) error {
	tag, err := q.Exec(ctx, `
		UPDATE stats SET count = count - 1
		WHERE (day, kind, municipality, referral, band, category, organiser) = ($1, $2, $3, $4, $5, $6, $7) AND count > 0`,
		from.day, from.kind, from.municipality, from.referral, from.band, from.category, from.organiser)
	if err != nil || tag.RowsAffected() == 0 {
		return wrap(err, "count "+from.kind)
	}
	return to.add(ctx, q, 1)
}

// CountCase adds one to the report's count of what happened to a case
// this month ("opened", "closed_" and the outcome, "feedback_" and the
// score), by the case's municipality.
func (t *Tx) CountCase(ctx context.Context, what, municipality string) error {
	return tally{day: t.db.monthOf(t.db.Now()), kind: kindCase + what, municipality: municipality}.add(ctx, t.counts(), 1)
}

// CountCaseShared is told that the family of case c, open since it asked
// for a person, has now shared its answers and so its municipality: the
// case's count as opened (in the month it was opened) moves there from
// "not told", so that the case's figures are of one municipality.
func (t *Tx) CountCaseShared(ctx context.Context, c polku.Case) error {
	was := tally{day: t.db.monthOf(c.Opened), kind: kindCaseOpened}
	now := was
	now.municipality = c.Municipality
	return move(ctx, t.tx, was, now)
}

// CountVisit counts a wellbeing-card visit to an organiser's activity
// today, by the activity's municipality and category; activity id 0 (or
// one gone from the catalogue) is a visit the provider did not place, of
// no municipality or category.
func (t *Tx) CountVisit(ctx context.Context, organiser string, id int64) error {
	a := polku.Activity{Organiser: organiser}
	var data []byte
	err := t.tx.QueryRow(ctx, `SELECT data FROM activities WHERE id = $1`, id).Scan(&data)
	switch {
	case err == nil:
		if a, err = activity(id, data); err != nil {
			return wrap(err, "count visit")
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return wrap(err, "count visit")
	}
	return use(kindVisit, t.db.monthOf(t.db.Now()), a).add(ctx, t.counts(), 1)
}

// Answered is told that a coordinator's message is on its way to the
// family of case c. The first since the case was opened (or opened again)
// measures how long the family waited for it within office hours h, in
// whole minutes, into the month's anonymous list. It must come before the
// message is audited (Audit "message"): the audit is how later ones know
// they are not the first.
func (t *Tx) Answered(ctx context.Context, c polku.Case, h polku.OfficeHours) error {
	var answered bool
	err := t.tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM audit WHERE case_id = $1 AND action = 'message' AND at >= $2)`,
		c.ID, c.Opened).Scan(&answered)
	if err != nil || answered {
		return wrap(err, "answered")
	}
	now := t.db.Now()
	return t.db.value(ctx, t.counts(), now, valueFirstAnswer, c.Municipality, int(h.Within(c.Opened, now)/time.Minute))
}

// value adds one measurement of kind to the anonymous list of at's month.
func (db *DB) value(ctx context.Context, q querier, at time.Time, kind, municipality string, v int) error {
	_, err := q.Exec(ctx, `
		INSERT INTO stat_values (month, kind, municipality, value, count) VALUES ($1, $2, $3, $4, 1)
		ON CONFLICT (month, kind, municipality, value) DO UPDATE SET count = stat_values.count + 1`,
		db.monthOf(at), kind, municipality, v)
	return wrap(err, "measure "+kind)
}

// month is the start of t's local month.
func (db *DB) month(t time.Time) time.Time {
	l := t.In(db.loc)
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, db.loc)
}

// monthOf is the first day of t's local month, as the report's counts are
// kept.
func (db *DB) monthOf(t time.Time) string { return db.day(db.month(t)) }

// countAttenders keeps the month's unique attenders right after one of a
// family's sign-ups (in a session of municipality starting at start) came
// to count as attended (yes; attendedSQL: the provider's mark, else the
// family's answer) or stopped counting: the family counts once among
// those who attended at least once when its count of the month reaches 1,
// and once among those who attended three times when it reaches 3, and
// stops counting when an answer changed takes it back under. The count is
// of the sign-ups as they are now, in the update's transaction.
func countAttenders(ctx context.Context, q querier, db *DB, family int64, municipality string, start time.Time, yes bool) error {
	from := db.month(start)
	var n int
	err := q.QueryRow(ctx, `
		SELECT count(*) FROM signups su JOIN sessions s ON s.id = su.session_id JOIN activities a ON a.id = s.activity_id
		WHERE su.family_id = $1 AND su.status = 'confirmed' AND `+attendedSQL+`
		  AND a.municipality = $2 AND s.starts_at >= $3 AND s.starts_at < $4`,
		family, municipality, from, from.AddDate(0, 1, 0)).Scan(&n)
	if err != nil {
		return wrap(err, "count attenders")
	}
	before, delta := n-1, 1
	if !yes {
		before, delta = n+1, -1
	}
	// In one order, so that two families' updates never wait for each
	// other's rows in a circle.
	for _, at := range []struct {
		kind string
		k    int
	}{{kindAttenders1, 1}, {kindAttenders3, 3}} {
		if (before < at.k) != (n < at.k) {
			if err := (tally{day: db.monthOf(from), kind: at.kind, municipality: municipality}).add(ctx, q, delta); err != nil {
				return err
			}
		}
	}
	return nil
}
