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
	return []Out{{ChatID: j.ChatID, Priority: 1, Payload: fmt.Appendf(nil, `{"job":%d}`, j.ID)}}
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
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Save(ctx, []byte(`{"lang":"sv"}`), nil) })
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { return tx.SetReminders(ctx, false) })
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error {
		if err := tx.Save(ctx, []byte(`{"lang":"uk"}`), nil); err != nil {
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
