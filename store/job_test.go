package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"polku"
)

// addDueJobs files n jobs per family, due one second apart up to due,
// for every family there is.
func addDueJobs(t *testing.T, db *DB, n int, due time.Time) {
	t.Helper()
	if _, err := db.pool.Exec(context.Background(), `
		INSERT INTO jobs (kind, family_id, chat_id, due_at)
		SELECT 'remind_day', f.id, f.chat_id, $1::timestamptz - g * interval '1 second'
		FROM families f, generate_series(1, $2) g`, due, n); err != nil {
		t.Fatal(err)
	}
}

func jobOut(j Job) []Out {
	return []Out{{ChatID: j.ChatID, Priority: PriorityBackground, Payload: fmt.Appendf(nil, `{"job":%d}`, j.ID)}}
}

// TestRunJobsConcurrently: two processes running jobs at once render
// every due job exactly once, and no job that is not due.
func TestRunJobsConcurrently(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	other := openDB(t, db.pool.Config().ConnString())
	for chat := int64(1); chat <= 10; chat++ {
		consent(t, db, chat)
	}
	addDueJobs(t, db, 100, t0)
	addDueJobs(t, db, 1, t0.Add(time.Hour)) // not due yet

	var mu sync.Mutex
	rendered := map[int64]int{}
	render := func(ctx context.Context, j Job) ([]Out, error) {
		mu.Lock()
		rendered[j.ID]++
		mu.Unlock()
		return jobOut(j), nil
	}
	start := make(chan struct{})
	did := make([]int, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, runner := range []*DB{db, other} {
		wg.Go(func() {
			<-start
			for {
				n, err := runner.RunJobs(ctx, t0, 37, render)
				if err != nil {
					errs[i] = err
					return
				}
				if n == 0 {
					return
				}
				did[i] += n
			}
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if len(rendered) != 1000 || did[0]+did[1] != 1000 {
		t.Errorf("rendered %d jobs, runners report %v; want 1000", len(rendered), did)
	}
	for id, n := range rendered {
		if n != 1 {
			t.Errorf("job %d rendered %d times", id, n)
		}
	}
	if did[0] == 0 || did[1] == 0 {
		t.Logf("one runner did all the work: %v", did) // allowed, only less telling
	}
	if n := scalar[int](t, db, `SELECT count(DISTINCT payload->>'job') FROM outbox`); n != 1000 {
		t.Errorf("outbox holds %d jobs' messages, want 1000", n)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox`); n != 1000 {
		t.Errorf("outbox holds %d messages, want 1000", n)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE done_at IS NULL`); n != 10 {
		t.Errorf("%d jobs not done, want the 10 not due", n)
	}
	if next, err := db.NextJob(ctx); err != nil || !next.Equal(t0.Add(time.Hour-time.Second)) {
		t.Errorf("NextJob = %v, %v", next, err)
	}
}

// TestRunJobsRender: a job comes with what rendering it needs.
func TestRunJobsRender(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 10)))
	s := sessionID(t, db, "a", "1")
	for chat := int64(1); chat <= 3; chat++ {
		consent(t, db, chat)
		mustJoin(t, db, chat, s, 1, 1, polku.OutcomeConfirmed)
	}
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		return tx.Save(ctx, Conversation{Data: []byte(`{"lang":"sv"}`), Lang: "sv"}, nil)
	})
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.SetReminders(ctx, false) })
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error {
		if err := tx.Save(ctx, Conversation{Data: []byte(`{"lang":"uk"}`), Lang: "uk"}, nil); err != nil {
			return err
		}
		return tx.SetBlocked(ctx, true)
	})

	dayBefore := rem.Plan(polku.Session{Start: day5, End: day5.Add(2 * time.Hour)}, t0)[0]
	if next, err := db.NextJob(ctx); err != nil || !next.Equal(dayBefore.At) {
		t.Fatalf("NextJob = %v, %v; want %v", next, err, dayBefore.At)
	}
	// Nothing is due before its time.
	if n, err := db.RunJobs(ctx, dayBefore.At.Add(-time.Second), 10, func(ctx context.Context, j Job) ([]Out, error) {
		return nil, fmt.Errorf("job %d run early", j.ID)
	}); n != 0 || err != nil {
		t.Fatalf("RunJobs before the time: %d, %v", n, err)
	}

	var got []Job
	n, err := db.RunJobs(ctx, dayBefore.At, 10, func(ctx context.Context, j Job) ([]Out, error) {
		got = append(got, j)
		if !j.Reminders || j.Blocked {
			return nil, nil // as the bot would: nothing to send
		}
		return jobOut(j), nil
	})
	if err != nil || n != 3 || len(got) != 3 {
		t.Fatalf("RunJobs = %d, %v; rendered %d", n, err, len(got))
	}
	slices.SortFunc(got, func(a, b Job) int { return int(a.ChatID - b.ChatID) })
	for i, want := range []struct {
		lang               string
		reminders, blocked bool
	}{{"sv", true, false}, {"fi", false, false}, {"uk", true, true}} {
		j := got[i]
		if j.Kind != polku.JobRemindDay || j.ChatID != int64(i+1) || j.Lang != want.lang || j.Reminders != want.reminders || j.Blocked != want.blocked || !j.OldStart.IsZero() {
			t.Errorf("job of chat %d: %+v, want %+v", i+1, j, want)
		}
		su := j.SignUp
		if su.ID == 0 || su.Status != polku.SignedUp || su.Seats() != 2 || su.Activity.Title.In("fi") != "Satutunti a" ||
			su.Session().ID != s || !su.Session().Start.Equal(day5) || su.Session().Taken != 6 {
			t.Errorf("job of chat %d: sign-up %+v", i+1, su)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox`); n != 1 {
		t.Errorf("%d messages queued, want only chat 1's", n)
	}
	if got := pending(t, db, 2); len(got) != 2 {
		t.Errorf("chat 2 still has %q, want the two later jobs", got)
	}
}

// TestRunJobsFailure: a render error undoes the whole batch; a job that
// keeps failing is left aside so the others go on.
func TestRunJobsFailure(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	consent(t, db, 1)
	if next, err := db.NextJob(ctx); err != nil || !next.IsZero() {
		t.Errorf("NextJob with no jobs = %v, %v", next, err)
	}
	addDueJobs(t, db, 3, t0)
	addDueJobs(t, db, 1, t0.Add(time.Hour))
	ids := ints(t, db, `SELECT id FROM jobs ORDER BY due_at`)
	broken := ids[1]
	boom := polku.Errorf(polku.EINTERNAL, "cannot render")
	var rendered []int64
	render := func(ctx context.Context, j Job) ([]Out, error) {
		rendered = append(rendered, j.ID)
		if j.ID == broken {
			return nil, boom
		}
		return jobOut(j), nil
	}
	for attempt := 1; attempt <= maxJobAttempts; attempt++ {
		n, err := db.RunJobs(ctx, t0, 10, render)
		if n != 0 || !errors.Is(err, boom) {
			t.Fatalf("attempt %d: RunJobs = %d, %v; want the render error", attempt, n, err)
		}
		if got := scalar[int](t, db, `SELECT attempts FROM jobs WHERE id = $1`, broken); got != attempt {
			t.Errorf("attempt %d: the job counts %d attempts", attempt, got)
		}
		if n := scalar[int](t, db, `SELECT count(*) FROM outbox`); n != 0 {
			t.Errorf("attempt %d: a failed batch queued %d messages", attempt, n)
		}
		if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE done_at IS NOT NULL`); n != 0 {
			t.Errorf("attempt %d: a failed batch marked %d jobs done", attempt, n)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE attempts > 0 AND id <> $1`, broken); n != 0 {
		t.Errorf("%d jobs that did not fail count attempts", n)
	}

	// Given up: the others are done without it.
	rendered = nil
	n, err := db.RunJobs(ctx, t0, 10, render)
	if err != nil || n != 2 || slices.Contains(rendered, broken) {
		t.Fatalf("after giving up: RunJobs = %d, %v, rendered %v", n, err, rendered)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox`); n != 2 {
		t.Errorf("%d messages queued, want 2", n)
	}
	// The next job is the one not due yet, not the given-up one.
	if next, err := db.NextJob(ctx); err != nil || !next.Equal(t0.Add(time.Hour-time.Second)) {
		t.Errorf("NextJob = %v, %v", next, err)
	}
	if n, err := db.RunJobs(ctx, t0.Add(time.Hour), 10, render); n != 1 || err != nil {
		t.Errorf("the last job: %d, %v", n, err)
	}
	if next, err := db.NextJob(ctx); err != nil || !next.IsZero() {
		t.Errorf("NextJob when only a given-up job is left = %v, %v", next, err)
	}
}

// TestRunJobsAfterDowntime: the job runner last ran on Saturday at 7.00
// and comes back on Sunday at 3.00, 20 hours later. What fell due
// meanwhile is judged then: a reminder whose moment passed is dropped (and
// counted), the rest waits for the morning without counting an attempt,
// and only the seat in a session before the morning is told at once.
func TestRunJobsAfterDowntime(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	at := func(day, h, m int) time.Time { return time.Date(2026, 12, day, h, m, 0, 0, helsinki) }
	now := t0
	db.Now = func() time.Time { return now }
	sat, sun, early, mon := day5, at(6, 14, 0), at(6, 7, 0), at(7, 10, 0)
	monday := act("mon", sess("1", mon, 10))
	importAt(t, db, t0, act("sat", sess("1", sat, 10)), act("sun", sess("1", sun, 10)), act("early", sess("1", early, 2)), monday)
	for chat := int64(1); chat <= 6; chat++ {
		consent(t, db, chat)
	}
	mustJoin(t, db, 1, sessionID(t, db, "sun", "1"), 1, 1, polku.OutcomeConfirmed)
	mustJoin(t, db, 2, sessionID(t, db, "sat", "1"), 1, 1, polku.OutcomeConfirmed)
	mustJoin(t, db, 3, sessionID(t, db, "mon", "1"), 1, 1, polku.OutcomeConfirmed)
	taken := mustJoin(t, db, 4, sessionID(t, db, "early", "1"), 1, 1, polku.OutcomeConfirmed)
	mustJoin(t, db, 5, sessionID(t, db, "early", "1"), 1, 1, polku.OutcomeWaiting)
	mustJoin(t, db, 6, sessionID(t, db, "sun", "1"), 1, 1, polku.OutcomeConfirmed)
	inTx(t, db, 6, func(ctx context.Context, tx *Tx) error { return tx.SetReminders(ctx, false) })

	var sent []string
	run := func(at time.Time, want int) {
		t.Helper()
		now = at
		n, err := db.RunJobs(ctx, at, 100, func(ctx context.Context, j Job) ([]Out, error) {
			sent = append(sent, fmt.Sprintf("%d:%s", j.ChatID, j.Kind))
			if !j.Reminders {
				return nil, nil
			}
			return jobOut(j), nil
		})
		if err != nil || n != want {
			t.Fatalf("RunJobs at %v = %d, %v; want %d", at, n, err, want)
		}
	}
	run(at(4, 18, 0), 1) // chat 2's day before
	run(at(5, 7, 0), 0)  // the last run before the runner stopped

	// While it is down, Monday's session is cancelled, and at 23.30 chat
	// 4 gives its seats of Sunday 7.00 to chat 5.
	now = at(5, 22, 0)
	monday.Sessions[0].Status = polku.StatusCancelled
	importAt(t, db, now, monday)
	now = at(5, 23, 30)
	inTx(t, db, 4, func(ctx context.Context, tx *Tx) error {
		_, err := tx.CancelSignUp(ctx, taken.ID, now, rem)
		return err
	})

	sent = nil
	run(at(6, 3, 0), 1)
	if want := []string{"5:notice_promoted"}; !slices.Equal(sent, want) {
		t.Errorf("at 3.00 rendered %q, want %q", sent, want)
	}
	for chat, want := range map[int64][]string{
		1: {"remind_soon@12-06 12:00", "follow_up@12-06 17:00"}, // the day before dropped
		2: {"follow_up@12-06 08:00"},                            // "starts soon" dropped, the question in the morning
		3: {"notice_cancelled@12-06 08:00"},
		4: nil,
		5: {"follow_up@12-06 10:00"},
		6: {"remind_soon@12-06 12:00", "follow_up@12-06 17:00"},
	} {
		if got := pending(t, db, chat); !slices.Equal(got, want) {
			t.Errorf("chat %d after 3.00: pending %q, want %q", chat, got, want)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs WHERE attempts > 0`); n != 0 {
		t.Errorf("%d jobs count an attempt", n)
	}
	// Chat 6 turned reminders off: nothing of its was lost.
	for kind, want := range map[string]int64{"skipped_remind_day": 1, "skipped_remind_soon": 1, "skipped_follow_up": 0} {
		if got := stat(t, db, kind); got != want {
			t.Errorf("stat %s = %d, want %d", kind, got, want)
		}
	}
	if got := scalar[string](t, db, `SELECT string_agg(DISTINCT municipality || '/' || referral, ',') FROM stats WHERE kind LIKE 'skipped_%'`); got != "Kuusamo/" {
		t.Errorf("skipped counted under %q, want Kuusamo and no referral", got)
	}
	if next, err := db.NextJob(ctx); err != nil || !next.Equal(at(6, 8, 0)) {
		t.Errorf("NextJob after 3.00 = %v, %v; want 8.00", next, err)
	}
	run(at(6, 3, 1), 0) // what waits for the morning is not due again

	sent = nil
	run(at(6, 8, 0), 2)
	slices.Sort(sent)
	if want := []string{"2:follow_up", "3:notice_cancelled"}; !slices.Equal(sent, want) {
		t.Errorf("at 8.00 rendered %q, want %q", sent, want)
	}
	sent = nil
	run(at(6, 12, 0), 3)
	slices.Sort(sent)
	if want := []string{"1:remind_soon", "5:follow_up", "6:remind_soon"}; !slices.Equal(sent, want) {
		t.Errorf("at 12.00 rendered %q, want %q", sent, want)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM outbox`); n != 6 {
		t.Errorf("%d messages queued, want 6: the day before for chat 2, the seat, two questions, the cancellation and one \"starts soon\"", n)
	}
}
