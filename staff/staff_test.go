package staff_test

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"polku"
	"polku/flows"
	"polku/internal/pgtest"
	"polku/staff"
	"polku/store"
)

// The staff's side runs on a real PostgreSQL through staff.Tx, as the bot
// runs it; only Telegram is left out: what a coordinator gets is read as
// staff's messages, before any rendering.

const (
	group  int64 = -1001
	family int64 = 501
	aino   int64 = 101
)

var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func newDB(t *testing.T, now func() time.Time) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), pgtest.URL(t), store.Options{MaxConns: 4, Now: now, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// tx is the store's transaction as staff calls it (the bot has the same
// few lines): only the family's chat comes back as a store type.
type tx struct{ *store.Tx }

func (t tx) FamilyChat(ctx context.Context, chat int64) (staff.FamilyChat, error) {
	f, err := t.Tx.FamilyChat(ctx, chat)
	return staff.FamilyChat{Lang: f.Lang, Talk: f.Talk, Blocked: f.Blocked}, err
}

func (t tx) IssueCard(ctx context.Context, c polku.Case, by int64, terms staff.CardTerms) (polku.Card, error) {
	return t.Tx.IssueCard(ctx, c, by, store.CardTerms{Days: terms.Days, Visits: terms.Visits})
}

var updateIDs atomic.Int64

// apply runs fn in the transaction of a new update of chat, as a worker.
func apply(t *testing.T, db *store.DB, chat int64, fn func(ctx context.Context, tx *store.Tx) error) {
	t.Helper()
	ctx := context.Background()
	id := updateIDs.Add(1)
	if err := db.Enqueue(ctx, []store.Update{{ID: id, ChatID: chat, Payload: []byte(`{}`)}}); err != nil {
		t.Fatal(err)
	}
	did, err := db.Apply(ctx, chat, start, func(ctx context.Context, tx *store.Tx, _ store.Pending) error {
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return tx.Finish(ctx, nil)
	})
	if err != nil || !did {
		t.Fatalf("apply: %v (applied %v)", err, did)
	}
}

// openCase opens the family's case, with a forum topic numbered thread
// unless thread is 0.
func openCase(t *testing.T, db *store.DB, r store.CaseRequest, thread int) polku.Case {
	t.Helper()
	var c polku.Case
	apply(t, db, family, func(ctx context.Context, tx *store.Tx) error {
		var err error
		c, _, _, err = tx.OpenCase(ctx, r)
		return err
	})
	if thread != 0 {
		got, err := db.EnsureTopic(context.Background(), c.ID, func() (int, error) { return thread, nil })
		if err != nil || got != thread {
			t.Fatalf("topic %d of case %d: %v", got, c.ID, err)
		}
		c.Thread = thread
	}
	return c
}

// command is what coordinator Aino gets for a command in thread.
func command(t *testing.T, db *store.DB, s *staff.Coordinators, thread int, cmd, arg string) []staff.Message {
	t.Helper()
	var ms []staff.Message
	apply(t, db, group, func(ctx context.Context, stx *store.Tx) error {
		var err error
		ms, err = s.Command(ctx, tx{stx}, staff.Input{User: aino, Name: "Aino", Thread: thread, Command: cmd, Arg: arg})
		return err
	})
	return ms
}

func TestCommands(t *testing.T) {
	now := start
	clock := func() time.Time { return now }
	db := newDB(t, clock)
	s := staff.NewCoordinators(staff.Config{Now: clock})

	const thread = 77
	c := openCase(t, db, store.CaseRequest{Municipality: "Kuusamo", Bands: "0-2,7-12", Share: true}, thread)
	now = now.Add(2*time.Hour + 5*time.Minute)

	say := func(lines ...staff.Line) []staff.Message { return []staff.Message{{To: staff.Here, Lines: lines}} }
	inCase := func(ms []staff.Message) []staff.Message {
		for i := range ms {
			ms[i].Case = c.ID
		}
		return ms
	}
	for _, tc := range []struct {
		name     string
		thread   int
		cmd, arg string
		want     []staff.Message
	}{
		{"help", 0, "help", "", say(staff.L("coord.help", nil))},
		{"unknown", 0, "frobnicate", "", say(staff.L("coord.unknown", nil))},
		{"cases", 0, "cases", "", say(
			staff.L("coord.cases", map[string]any{"Count": 1}),
			staff.Raw(""),
			staff.Line{Parts: []staff.Line{
				staff.Raw(fmt.Sprintf("#%d · Kuusamo · 0–2, 7–12 — ", c.ID)),
				staff.L("coord.age.hours", map[string]any{"H": 2, "M": 5}),
				staff.Raw(", "),
				staff.L("coord.unclaimed", nil),
			}},
			staff.Line{Topic: thread},
		)},
		{"note outside a case", 0, "note", "called", say(staff.L("coord.not_in_case", nil))},
		{"empty note", thread, "note", "", inCase(say(staff.L("coord.note_empty", nil)))},
		{"note", thread, "note", "called", inCase(say(staff.L("coord.noted", nil)))},
		{"duty off", 0, "duty", "off", say(staff.L("coord.duty_off", map[string]any{"Name": "Aino"}))},
		// The family saved no answers (it never finished the intake).
		{"answers", thread, "answers", "", inCase(say(staff.L("case.not_shared", nil)))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := command(t, db, s, tc.thread, tc.cmd, tc.arg)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestNoCases(t *testing.T) {
	db := newDB(t, func() time.Time { return start })
	s := staff.NewCoordinators(staff.Config{Now: func() time.Time { return start }})
	got := command(t, db, s, 0, "cases", "")
	want := []staff.Message{{To: staff.Here, Lines: []staff.Line{staff.L("coord.cases_none", nil)}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestTopicTitle(t *testing.T) {
	for _, tc := range []struct {
		c    polku.Case
		want string
	}{
		{polku.Case{ID: 7}, "#7"},
		{polku.Case{ID: 7, Urgent: true, Municipality: "Kalajoki", Bands: "13-17"}, "🆘 #7 · Kalajoki · 13–17"},
	} {
		if got := staff.TopicTitle(tc.c); got != tc.want {
			t.Errorf("TopicTitle(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestNudgeAge(t *testing.T) {
	c := polku.Case{ID: 3, Opened: start}
	for _, tc := range []struct {
		after time.Duration
		want  flows.Text
	}{
		{-time.Minute, flows.Text{ID: "coord.age.minutes", Data: map[string]any{"M": 0}}},
		{14*time.Minute + 40*time.Second, flows.Text{ID: "coord.age.minutes", Data: map[string]any{"M": 15}}},
		{26*time.Hour + 3*time.Minute, flows.Text{ID: "coord.age.days", Data: map[string]any{"D": 1, "H": 2}}},
	} {
		got := staff.Nudge(c, start.Add(tc.after))
		want := staff.Message{To: staff.Topic, Case: 3, Lines: []staff.Line{staff.L("case.nudge", map[string]any{"ID": int64(3), "Age": tc.want})}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("after %v: got %+v, want %+v", tc.after, got, want)
		}
	}
}

// The cases of the staff tests are opened in no group (0): the
// adapter's group scoping (bot's groupTx) is tested with the transcripts.

func (t tx) CaseByThread(ctx context.Context, thread int) (polku.Case, error) {
	return t.Tx.CaseByThread(ctx, 0, thread)
}

func (t tx) OpenCases(ctx context.Context) ([]polku.Case, error) { return t.Tx.OpenCases(ctx, 0) }

func (t tx) OnDuty(ctx context.Context) ([]polku.Coordinator, error) { return t.Tx.OnDuty(ctx, 0) }
