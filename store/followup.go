package store

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// The wellbeing follow-up: the baseline's instrument asked again weeks
// later, at each point of Reminders.WellbeingWeeks (planned by
// SaveProfile, see planWellbeing), with one reminder a few days after
// the question when it is still unanswered. Its answers are the family's,
// stored in wellbeing as kind 'followup' with their point (erased and
// exported with the family); for the report they leave an anonymous pair
// of the baseline and the follow-up, with its point, in stat_pairs, and
// counts of the follow-ups asked and answered in stats.

// kindFollowUpAnswered is a wellbeing follow-up answered, by the family's
// municipality, in the month it was answered, by instrument:
// "followup_answered_who5", "followup_answered_own".
const kindFollowUpAnswered = "followup_answered_"

// kindFollowUpAsked is a wellbeing follow-up question sent (the question,
// not its reminder), by the family's municipality, in the month it was
// sent, by the baseline's instrument: "followup_asked_who5", ….
const kindFollowUpAsked = "followup_asked_"

// FollowUp is a family's wellbeing follow-up beside its baseline, each
// on its instrument's own scale (WHO-5: 0–100). Paired is false when
// there is nothing to put them beside: the baseline or the follow-up was
// answered in part, or in another instrument.
type FollowUp struct {
	Instrument    polku.Instrument
	Before, After int
	Paired        bool
}

// SaveFollowUp stores the family's answers to wellbeing follow-up point
// (1, 2, …) in instrument, and returns them beside its baseline; its
// reminder, if still to come, is not sent. A point is answered once: a
// second answer to it is not stored (ECONFLICT). A complete follow-up of
// a complete baseline of the same instrument adds the anonymous pair, of
// that point, to the month's statistics, with whether the family attended
// any activity (a sign-up answered "yes") whose session started between
// the two.
func (t *Tx) SaveFollowUp(ctx context.Context, point int, instrument polku.Instrument, scores []int) (FollowUp, error) {
	fu := FollowUp{Instrument: instrument}
	if err := instrument.Check(scores); err != nil {
		return fu, err
	}
	if point < 1 {
		return fu, polku.Errorf(polku.EINVALID, "follow-up point %d", point)
	}
	var id int64
	var municipality, baseInstrument string
	var base []int
	var baseAt *time.Time
	err := t.tx.QueryRow(ctx, `
		SELECT f.id, COALESCE(f.answers->>'municipality', ''), COALESCE(w.instrument, ''), COALESCE(w.scores, '{}'), w.taken_at
		FROM families f LEFT JOIN wellbeing w ON w.family_id = f.id AND w.kind = 'baseline'
		WHERE f.chat_id = $1`, t.chat).Scan(&id, &municipality, &baseInstrument, &base, &baseAt)
	if err != nil {
		return fu, wrap(err, "save follow-up")
	}
	now := t.db.Now()
	tag, err := t.tx.Exec(ctx, `
		INSERT INTO wellbeing (family_id, kind, instrument, scores, taken_at, point) VALUES ($1, 'followup', $2, $3, $4, $5)
		ON CONFLICT (family_id, point) WHERE kind = 'followup' DO NOTHING`,
		id, string(instrument), scores, now, point)
	if err != nil {
		return fu, wrap(err, "save follow-up")
	}
	if tag.RowsAffected() == 0 {
		return fu, polku.Errorf(polku.ECONFLICT, "follow-up %d answered already", point)
	}
	if _, err := t.tx.Exec(ctx, `UPDATE jobs SET done_at = $4 WHERE family_id = $1 AND kind = $2 AND done_at IS NULL AND (data->>'point')::int = $3`,
		id, string(polku.JobWellbeingRemind), point, now); err != nil {
		return fu, wrap(err, "save follow-up")
	}
	municipality = municipalityOf(municipality)
	if err := (tally{day: t.db.monthOf(now), kind: kindFollowUpAnswered + string(instrument), municipality: municipality}).add(ctx, t.counts(), 1); err != nil {
		return fu, err
	}
	before, ok1 := instrument.Score(base)
	after, ok2 := instrument.Score(scores)
	if !ok1 || !ok2 || baseAt == nil || polku.Instrument(baseInstrument) != instrument {
		return fu, nil
	}
	fu.Before, fu.After, fu.Paired = before, after, true
	var attended bool
	if err := t.tx.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM signups su JOIN sessions s ON s.id = su.session_id
			WHERE su.family_id = $1 AND `+attendedSQL+` AND s.starts_at >= $2 AND s.starts_at <= $3)`,
		id, *baseAt, now).Scan(&attended); err != nil {
		return fu, wrap(err, "save follow-up")
	}
	b, _ := instrument.Percent(base)
	a, _ := instrument.Percent(scores)
	_, err = t.tx.Exec(ctx, `
		INSERT INTO stat_pairs (month, municipality, instrument, point, before, after, attended, count) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)
		ON CONFLICT (month, municipality, instrument, point, before, after, attended) DO UPDATE SET count = stat_pairs.count + 1`,
		t.db.monthOf(now), municipality, string(instrument), point, int(math.Round(b)), int(math.Round(a)), attended)
	return fu, wrap(err, "save follow-up pair")
}

// wellbeingKinds are the jobs of the wellbeing follow-up: the questions
// and their reminders.
var wellbeingKinds = []string{string(polku.JobWellbeing), string(polku.JobWellbeingRemind)}

// StopFollowUps remembers that the family of the chat wants no more
// wellbeing follow-ups ("don't ask again"): its follow-ups and reminders
// not yet sent are taken away, and none is planned again until the family
// turns them back on (StartFollowUps). A chat without a family is
// EFORBIDDEN.
func (t *Tx) StopFollowUps(ctx context.Context) error {
	tag, err := t.tx.Exec(ctx, `UPDATE families SET follow_ups = false WHERE chat_id = $1`, t.chat)
	if err != nil {
		return wrap(err, "stop follow-ups")
	}
	if tag.RowsAffected() == 0 {
		return polku.Errorf(polku.EFORBIDDEN, "follow-ups without consent")
	}
	_, err = t.tx.Exec(ctx, `DELETE FROM jobs WHERE chat_id = $1 AND kind = ANY($2) AND done_at IS NULL`, t.chat, wellbeingKinds)
	return wrap(err, "stop follow-ups")
}

// StartFollowUps turns the family's wellbeing follow-ups back on, from
// /settings: the points of its complete baseline still to come are
// planned again (a point whose moment passed meanwhile is not asked).
// A chat without a family is EFORBIDDEN.
func (t *Tx) StartFollowUps(ctx context.Context) error {
	var id int64
	var baseAt *time.Time
	var scores []int
	var instrument *string
	err := t.tx.QueryRow(ctx, `
		UPDATE families f SET follow_ups = true WHERE f.chat_id = $1
		RETURNING f.id, (SELECT taken_at FROM wellbeing w WHERE w.family_id = f.id AND w.kind = 'baseline'),
			(SELECT scores FROM wellbeing w WHERE w.family_id = f.id AND w.kind = 'baseline'),
			(SELECT instrument FROM wellbeing w WHERE w.family_id = f.id AND w.kind = 'baseline')`, t.chat).Scan(&id, &baseAt, &scores, &instrument)
	if errors.Is(err, pgx.ErrNoRows) {
		return polku.Errorf(polku.EFORBIDDEN, "follow-ups without consent")
	}
	if err != nil {
		return wrap(err, "start follow-ups")
	}
	if baseAt == nil || instrument == nil {
		return nil
	}
	if _, complete := polku.Instrument(*instrument).Score(scores); !complete {
		return nil
	}
	return t.planPoints(ctx, id, *baseAt)
}

// FollowUps reports whether the family wants wellbeing follow-ups; true
// for a chat without a family, as for a new one.
func (t *Tx) FollowUps(ctx context.Context) (bool, error) {
	return t.setting(ctx, "follow_ups")
}

// asked is what a wellbeing follow-up question sent at now leaves beside
// its message: the question counted (kindFollowUpAsked, by the family's
// municipality and the baseline's instrument) for the report's response
// rate, and its one reminder planned (Reminders.WellbeingRemindDue).
func (db *DB) asked(ctx context.Context, tx pgx.Tx, j Job, now time.Time) error {
	var municipality, instrument string
	err := tx.QueryRow(ctx, `
		SELECT COALESCE(f.answers->>'municipality', ''), COALESCE(w.instrument, '')
		FROM families f LEFT JOIN wellbeing w ON w.family_id = f.id AND w.kind = 'baseline'
		WHERE f.id = $1`, j.family).Scan(&municipality, &instrument)
	if err != nil {
		return wrap(err, "follow-up asked")
	}
	if instrument != "" {
		if err := (tally{day: db.monthOf(now), kind: kindFollowUpAsked + instrument, municipality: municipalityOf(municipality)}).add(ctx, tx, 1); err != nil {
			return err
		}
	}
	due, ok := db.Reminders.WellbeingRemindDue(now)
	if !ok {
		return nil
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO jobs (kind, family_id, chat_id, due_at, data)
		SELECT $2, $1, $3, $4, jsonb_build_object('point', $5::int)
		WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE family_id = $1 AND kind = $2 AND (data->>'point')::int = $5)
		  AND NOT EXISTS (SELECT 1 FROM wellbeing WHERE family_id = $1 AND kind = 'followup' AND point = $5)`,
		j.family, string(polku.JobWellbeingRemind), j.ChatID, due, j.Point)
	return wrap(err, "plan follow-up reminder")
}

// Pair is one anonymous pair of a baseline and its follow-up, on 0–100,
// and whether the family attended any activity in between; it mirrors
// report.Pair. Point is the follow-up's point (1, 2, …).
type Pair struct {
	Point         int
	Before, After float64
	Attended      bool
}

// followUps reads the follow-ups asked and answered and their pairs, by
// instrument, in the months they were asked and answered.
func followUps(ctx context.Context, tx pgx.Tx, f Figures, days []any) error {
	rows, err := tx.Query(ctx, `
		SELECT municipality, kind LIKE '`+kindFollowUpAsked+`%', regexp_replace(kind, '^(`+kindFollowUpAsked+`|`+kindFollowUpAnswered+`)', ''), sum(count)::int FROM stats
		WHERE day >= $1 AND day < $2 AND (kind LIKE '`+kindFollowUpAnswered+`%' OR kind LIKE '`+kindFollowUpAsked+`%') AND `+inScope("municipality")+`
		GROUP BY 1, 2, 3 HAVING sum(count) <> 0 ORDER BY 1, 2, 3`, days...)
	if err != nil {
		return err
	}
	var m, instrument string
	var n int
	var asked bool
	if _, err := pgx.ForEachRow(rows, []any{&m, &asked, &instrument, &n}, func() error {
		a := f.of(m)
		into := &a.Answered
		if asked {
			into = &a.Asked
		}
		if *into == nil {
			*into = map[string]int{}
		}
		(*into)[instrument] += n
		return nil
	}); err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `
		SELECT municipality, instrument, point, before, after, attended, sum(count)::int FROM stat_pairs
		WHERE month >= $1 AND month < $2 AND `+inScope("municipality")+`
		GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`, days...)
	if err != nil {
		return err
	}
	var point, before, after int
	var attended bool
	_, err = pgx.ForEachRow(rows, []any{&m, &instrument, &point, &before, &after, &attended, &n}, func() error {
		a := f.of(m)
		if a.Pairs == nil {
			a.Pairs = map[string][]Pair{}
		}
		for range n {
			a.Pairs[instrument] = append(a.Pairs[instrument], Pair{Point: point, Before: float64(before), After: float64(after), Attended: attended})
		}
		return nil
	})
	return err
}
