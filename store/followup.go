package store

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"polku"
)

// The wellbeing follow-up: the baseline's instrument asked again weeks
// later (planned by SaveProfile, see planWellbeing). Its answers are the
// family's, stored in wellbeing as kind 'followup' (erased and exported
// with the family); for the report they leave an anonymous pair of the
// baseline and the follow-up in stat_pairs and a count of the follow-ups
// answered in stats.

// kindFollowUpAnswered is a wellbeing follow-up answered, by the family's
// municipality, in the month it was answered, by instrument:
// "followup_answered_who5", "followup_answered_own".
const kindFollowUpAnswered = "followup_answered_"

// FollowUp is a family's wellbeing follow-up beside its baseline, each
// on its instrument's own scale (WHO-5: 0–100). Paired is false when
// there is nothing to put them beside: the baseline or the follow-up was
// answered in part, or in another instrument.
type FollowUp struct {
	Instrument    polku.Instrument
	Before, After int
	Paired        bool
}

// SaveFollowUp stores the family's answers to a wellbeing follow-up in
// instrument, and returns them beside its baseline. A complete follow-up
// of a complete baseline of the same instrument adds the anonymous pair
// to the month's statistics, with whether the family attended any
// activity (a sign-up answered "yes") whose session started between the
// two.
func (t *Tx) SaveFollowUp(ctx context.Context, instrument polku.Instrument, scores []int) (FollowUp, error) {
	fu := FollowUp{Instrument: instrument}
	if err := instrument.Check(scores); err != nil {
		return fu, err
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
	if _, err := t.tx.Exec(ctx, `INSERT INTO wellbeing (family_id, kind, instrument, scores, taken_at) VALUES ($1, 'followup', $2, $3, $4)`,
		id, string(instrument), scores, now); err != nil {
		return fu, wrap(err, "save follow-up")
	}
	municipality = municipalityOf(municipality)
	if err := (tally{day: t.db.monthOf(now), kind: kindFollowUpAnswered + string(instrument), municipality: municipality}).add(ctx, t.tx, 1); err != nil {
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
			WHERE su.family_id = $1 AND su.attendance = 'yes' AND s.starts_at >= $2 AND s.starts_at <= $3)`,
		id, *baseAt, now).Scan(&attended); err != nil {
		return fu, wrap(err, "save follow-up")
	}
	b, _ := instrument.Percent(base)
	a, _ := instrument.Percent(scores)
	_, err = t.tx.Exec(ctx, `
		INSERT INTO stat_pairs (month, municipality, instrument, before, after, attended, count) VALUES ($1, $2, $3, $4, $5, $6, 1)
		ON CONFLICT (month, municipality, instrument, before, after, attended) DO UPDATE SET count = stat_pairs.count + 1`,
		t.db.monthOf(now), municipality, string(instrument), int(math.Round(b)), int(math.Round(a)), attended)
	return fu, wrap(err, "save follow-up pair")
}

// StopFollowUps remembers that the family of the chat wants no more
// wellbeing follow-ups ("don't ask again"): its follow-ups not yet asked
// are marked done, and none is planned again.
func (t *Tx) StopFollowUps(ctx context.Context) error {
	b := &pgx.Batch{}
	b.Queue(`UPDATE families SET follow_ups = false WHERE chat_id = $1`, t.chat)
	b.Queue(`UPDATE jobs SET done_at = $3 WHERE chat_id = $1 AND kind = $2 AND done_at IS NULL`, t.chat, string(polku.JobWellbeing), t.db.Now())
	return wrap(t.tx.SendBatch(ctx, b).Close(), "stop follow-ups")
}

// Pair is one anonymous pair of a baseline and its follow-up, on 0–100,
// and whether the family attended any activity in between; it mirrors
// report.Pair.
type Pair struct {
	Before, After float64
	Attended      bool
}

// followUps reads the follow-ups answered and their pairs, by instrument,
// in the months they were answered.
func followUps(ctx context.Context, tx pgx.Tx, f Figures, days []any) error {
	rows, err := tx.Query(ctx, `
		SELECT municipality, substr(kind, length('`+kindFollowUpAnswered+`') + 1), sum(count)::int FROM stats
		WHERE day >= $1 AND day < $2 AND kind LIKE '`+kindFollowUpAnswered+`%'
		GROUP BY 1, 2 HAVING sum(count) <> 0 ORDER BY 1, 2`, days...)
	if err != nil {
		return err
	}
	var m, instrument string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&m, &instrument, &n}, func() error {
		a := f.of(m)
		if a.Answered == nil {
			a.Answered = map[string]int{}
		}
		a.Answered[instrument] += n
		return nil
	}); err != nil {
		return err
	}
	rows, err = tx.Query(ctx, `
		SELECT municipality, instrument, before, after, attended, sum(count)::int FROM stat_pairs
		WHERE month >= $1 AND month < $2
		GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`, days...)
	if err != nil {
		return err
	}
	var before, after int
	var attended bool
	_, err = pgx.ForEachRow(rows, []any{&m, &instrument, &before, &after, &attended, &n}, func() error {
		a := f.of(m)
		if a.Pairs == nil {
			a.Pairs = map[string][]Pair{}
		}
		for range n {
			a.Pairs[instrument] = append(a.Pairs[instrument], Pair{Before: float64(before), After: float64(after), Attended: attended})
		}
		return nil
	})
	return err
}
