package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"polku"
)

// TestWellbeingFollowUpPlanned: the first complete baseline plans one
// wellbeing follow-up, WellbeingWeeks later at WellbeingAt local time; a
// baseline answered in part plans none, a changed one no second; the job
// is exported with the family and erased with it; a deployment asking no
// follow-up plans none.
func TestWellbeingFollowUpPlanned(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	db.Now = func() time.Time { return t0 }
	save := func(chat int64, scores []int) {
		t.Helper()
		a := answers()
		a.Wellbeing, a.Instrument = scores, polku.InstrumentWHO5
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error { _, err := tx.SaveProfile(ctx, "en", a); return err })
	}
	jobs := func(chat int64) []time.Time {
		t.Helper()
		rows, err := db.pool.Query(ctx, `SELECT due_at FROM jobs WHERE chat_id = $1 AND kind = $2 ORDER BY id`, chat, string(polku.JobWellbeing))
		if err != nil {
			t.Fatal(err)
		}
		var dues []time.Time
		for rows.Next() {
			var d time.Time
			if err := rows.Scan(&d); err != nil {
				t.Fatal(err)
			}
			dues = append(dues, d)
		}
		return dues
	}
	// t0 is Tuesday 1 December 2026, 10.00 in Helsinki: eight weeks
	// later is Tuesday 26 January 2027.
	want := time.Date(2027, 1, 26, 10, 0, 0, 0, helsinki)

	for _, chat := range []int64{1, 2, 3} {
		consent(t, db, chat)
	}
	save(1, []int{3, 4, 2, 5, 1})
	if got := jobs(1); len(got) != 1 || !got[0].Equal(want) {
		t.Fatalf("follow-up planned %v, want one at %v", got, want)
	}
	save(1, []int{5, 5, 5, 5, 5})
	if got := jobs(1); len(got) != 1 || !got[0].Equal(want) {
		t.Errorf("a changed baseline: follow-ups %v, want the one at %v", got, want)
	}

	save(2, []int{3, 4})
	if got := jobs(2); len(got) != 0 {
		t.Errorf("a baseline in part planned %v", got)
	}
	db.Now = func() time.Time { return t0.Add(time.Hour) }
	save(2, []int{3, 4, 2, 5, 1})
	if got := jobs(2); len(got) != 1 || !got[0].Equal(want) {
		t.Errorf("completed later: follow-ups %v, want one at %v", got, want)
	}

	x, err := db.Export(ctx, 1)
	if err != nil || !strings.Contains(string(x.Doc), `"kind" : "wellbeing_followup"`) || !strings.Contains(string(x.Doc), `"follow_ups": true`) {
		t.Errorf("export: %s, %v", x.Doc, err)
	}

	if next, err := db.NextJob(ctx); err != nil || !next.Equal(want) {
		t.Errorf("NextJob = %v, %v; want the follow-up at %v", next, err, want)
	}

	// Family 2 says "don't ask again": its follow-up is done unasked, and
	// a baseline changed after plans none again.
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.StopFollowUps(ctx) })
	save(2, []int{1, 1, 1, 1, 1})
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE chat_id = 2 AND done_at IS NULL`); n != 0 || scalar[bool](t, db, `SELECT follow_ups FROM families WHERE chat_id = 2`) {
		t.Errorf("stopped: %d follow-ups still to ask", n)
	}

	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Erase(ctx) })
	if got := jobs(1); len(got) != 0 {
		t.Errorf("erased, still planned %v", got)
	}

	db.Reminders.WellbeingWeeks = nil
	save(3, []int{3, 4, 2, 5, 1})
	if got := jobs(3); len(got) != 0 {
		t.Errorf("no follow-ups configured, planned %v", got)
	}
}

// TestSaveFollowUp: a follow-up is stored as the family's, beside its
// baseline; the report gets the follow-ups answered and the anonymous
// pairs (with whether the family attended in between) in the month they
// were answered, and keeps them after the families erase their data. A
// baseline answered in part, or in another instrument, makes no pair.
func TestSaveFollowUp(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	story, _ := reportCatalogue(t, db)
	baseline := func(chat int64, in polku.Instrument, scores []int) {
		t.Helper()
		agree(t, db, chat, "")
		a := answers()
		a.Wellbeing, a.Instrument = scores, in
		profile(t, db, chat, a)
	}
	baseline(1, polku.InstrumentWHO5, []int{3, 3, 3, 3, 4}) // 64
	baseline(2, polku.InstrumentWHO5, []int{1, 1, 1, 1, 1}) // 20
	baseline(3, polku.InstrumentWHO5, []int{1, 1})
	baseline(4, polku.InstrumentOwn, []int{2, 3, 4, 5})
	su := mustJoin(t, db, 1, story[0], 1, 1, polku.OutcomeConfirmed)
	attend(t, db, 1, su.ID, polku.Attended, day5.AddDate(0, 0, 1))

	later := t0.AddDate(0, 0, 56)
	clk.set(later)
	for _, c := range []struct {
		chat   int64
		scores []int
		want   FollowUp
	}{
		{1, []int{4, 4, 3, 3, 4}, FollowUp{polku.InstrumentWHO5, 64, 72, true}},
		{2, []int{1, 1, 1, 1, 2}, FollowUp{polku.InstrumentWHO5, 20, 24, true}},
		{3, []int{2, 2, 2, 2, 2}, FollowUp{Instrument: polku.InstrumentWHO5}},
		{4, []int{2, 2, 2, 2, 2}, FollowUp{Instrument: polku.InstrumentWHO5}},
	} {
		var got FollowUp
		inTx(t, db, c.chat, func(ctx context.Context, tx *Tx) error {
			var err error
			got, err = tx.SaveFollowUp(ctx, 1, polku.InstrumentWHO5, c.scores)
			return err
		})
		if got != c.want {
			t.Errorf("family %d: SaveFollowUp = %+v, want %+v", c.chat, got, c.want)
		}
	}
	if err := tryTx(db, 1, func(ctx context.Context, tx *Tx) error {
		_, err := tx.SaveFollowUp(ctx, 2, polku.InstrumentWHO5, []int{6})
		return err
	}); polku.ErrorCode(err) != polku.EINVALID {
		t.Errorf("an answer out of range: %v", err)
	}
	if err := tryTx(db, 1, func(ctx context.Context, tx *Tx) error {
		_, err := tx.SaveFollowUp(ctx, 1, polku.InstrumentWHO5, []int{5, 5, 5, 5, 5})
		return err
	}); polku.ErrorCode(err) != polku.ECONFLICT {
		t.Errorf("point 1 answered twice: %v", err)
	}
	if got := scalar[string](t, db, `SELECT string_agg(instrument || ' ' || scores::text, '; ' ORDER BY id) FROM wellbeing WHERE kind = 'followup' AND family_id = (SELECT id FROM families WHERE chat_id = 1)`); got != "who5 {4,4,3,3,4}" {
		t.Errorf("family 1's follow-ups: %q", got)
	}

	check := func(when string) {
		t.Helper()
		a := figures(t, db, later, later)["Kuusamo"]
		want := []Pair{{Point: 1, Before: 20, After: 24}, {Point: 1, Before: 64, After: 72, Attended: true}}
		if a == nil || a.Answered["who5"] != 4 || !reflect.DeepEqual(a.Pairs["who5"], want) || len(a.Pairs["own"]) != 0 {
			t.Errorf("%s: January's follow-ups %+v", when, a)
		}
		if d := figures(t, db, t0, t0)["Kuusamo"]; d != nil && (len(d.Pairs) != 0 || len(d.Answered) != 0) {
			t.Errorf("%s: December has follow-ups %v %v", when, d.Answered, d.Pairs)
		}
	}
	check("answered")
	for chat := int64(1); chat <= 4; chat++ {
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error { return tx.Erase(ctx) })
	}
	check("after the erasures")
	if n := scalar[int](t, db, `SELECT count(*) FROM wellbeing`); n != 0 {
		t.Errorf("%d wellbeing rows after the erasures", n)
	}
}

// TestWellbeingFollowUpRun: the follow-up question goes when due, to the
// family's chat, and is counted as asked by municipality and instrument;
// its one reminder is planned WellbeingRemindDays later at the same hour
// and goes while the point is unanswered, but not once it is answered,
// stopped or erased. A blocked chat gets nothing, and nothing is counted
// or planned for it. Each point of WellbeingWeeks is its own job, and
// turning the follow-ups back on plans the points still to come.
func TestWellbeingFollowUpRun(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	clk := setClock(db, t0)
	db.Reminders.WellbeingWeeks = []int{8, 26}
	for chat := int64(1); chat <= 4; chat++ {
		agree(t, db, chat, "")
		a := answers()
		a.Wellbeing, a.Instrument = []int{3, 3, 3, 3, 4}, polku.InstrumentWHO5
		profile(t, db, chat, a)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE kind = $1 AND chat_id = 1`, string(polku.JobWellbeing)); n != 2 {
		t.Fatalf("%d follow-ups planned, want one a point", n)
	}
	// Family 4 blocked the bot (as Tx.SetBlocked marks it).
	if _, err := db.pool.Exec(ctx, `
		INSERT INTO conversations (chat_id, data, blocked_at, updated_at) VALUES (4, '{}', $1, $1)
		ON CONFLICT (chat_id) DO UPDATE SET blocked_at = $1`, t0); err != nil {
		t.Fatal(err)
	}
	var ran []string
	render := func(ctx context.Context, j Job) ([]Out, error) {
		if j.Blocked || !j.FollowUps {
			return nil, nil
		}
		ran = append(ran, fmt.Sprintf("%d %s %d", j.ChatID, j.Kind, j.Point))
		return jobOut(j), nil
	}
	run := func(at time.Time) []string {
		t.Helper()
		clk.set(at)
		ran = nil
		if _, err := db.RunJobs(ctx, at, 100, render); err != nil {
			t.Fatal(err)
		}
		return ran
	}
	asked := time.Date(2027, 1, 26, 10, 0, 0, 0, helsinki)
	if got := run(asked.Add(-time.Minute)); len(got) != 0 {
		t.Errorf("before it is due: %v", got)
	}
	// 11.30: the question came late, and its reminder keeps that hour.
	at := asked.Add(90 * time.Minute)
	want := []string{"1 wellbeing_followup 1", "2 wellbeing_followup 1", "3 wellbeing_followup 1"}
	if got := run(at); !reflect.DeepEqual(got, want) {
		t.Errorf("due: %v, want %v", got, want)
	}
	if a := figures(t, db, at, at)["Kuusamo"]; a == nil || a.Asked["who5"] != 3 {
		t.Errorf("asked: %+v", a)
	}
	remind := time.Date(2027, 1, 29, 11, 30, 0, 0, helsinki)
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE kind = $1 AND due_at = $2 AND data->>'point' = '1'`, string(polku.JobWellbeingRemind), remind); n != 3 {
		t.Errorf("%d reminders at %v, want 3 (none for the blocked chat)", n, remind)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		_, err := tx.SaveFollowUp(ctx, 1, polku.InstrumentWHO5, []int{4, 4, 3, 3, 4})
		return err
	})
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.StopFollowUps(ctx) })
	if got := run(remind); !reflect.DeepEqual(got, []string{"3 wellbeing_remind 1"}) {
		t.Errorf("reminders: %v, want only the unanswered family's", got)
	}
	if a := figures(t, db, at, at)["Kuusamo"]; a.Asked["who5"] != 3 {
		t.Errorf("the reminder counted as asked: %+v", a.Asked)
	}
	if got := run(remind.AddDate(0, 0, 10)); len(got) != 0 {
		t.Errorf("a second reminder: %v", got)
	}

	// Family 2 turns the follow-ups back on: its second point is planned
	// again, at 26 weeks; family 3 erases its data, and its second point
	// goes with it.
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.StartFollowUps(ctx) })
	on := false
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { var err error; on, err = tx.FollowUps(ctx); return err })
	if !on {
		t.Error("turned back on, FollowUps says off")
	}
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error { return tx.Erase(ctx) })
	second := time.Date(2027, 6, 1, 10, 0, 0, 0, helsinki)
	if got := run(second); !reflect.DeepEqual(got, []string{"1 wellbeing_followup 2", "2 wellbeing_followup 2"}) {
		t.Errorf("the second point: %v", got)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE chat_id = 3`); n != 0 {
		t.Errorf("erased: %d jobs left", n)
	}
	if err := tryTx(db, 99, func(ctx context.Context, tx *Tx) error { return tx.StopFollowUps(ctx) }); polku.ErrorCode(err) != polku.EFORBIDDEN {
		t.Errorf("stopping without a family: %v", err)
	}
}

// TestFollowUpPairsByPoint: the pairs of the second point are kept apart
// from the first's.
func TestFollowUpPairsByPoint(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	agree(t, db, 1, "")
	a := answers()
	a.Wellbeing, a.Instrument = []int{3, 3, 3, 3, 4}, polku.InstrumentWHO5
	profile(t, db, 1, a)
	later := t0.AddDate(0, 0, 56)
	clk.set(later)
	for point, scores := range map[int][]int{1: {4, 4, 3, 3, 4}, 2: {5, 5, 5, 5, 5}} {
		inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
			_, err := tx.SaveFollowUp(ctx, point, polku.InstrumentWHO5, scores)
			return err
		})
	}
	got := figures(t, db, later, later)["Kuusamo"].Pairs["who5"]
	want := []Pair{{Point: 1, Before: 64, After: 72}, {Point: 2, Before: 64, After: 100}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pairs %+v, want %+v", got, want)
	}
}
