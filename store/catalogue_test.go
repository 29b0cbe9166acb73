package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"polku"
)

// The tests' clock: every call is given its now, none reads the wall.
var (
	t0  = time.Date(2026, 12, 1, 10, 0, 0, 0, helsinki)
	rem = polku.DefaultReminders(helsinki)
	// day5 is the start of the usual test session: 5 December, 17.00.
	day5 = time.Date(2026, 12, 5, 17, 0, 0, 0, helsinki)
)

func act(ext string, sessions ...polku.Session) polku.Activity {
	return polku.Activity{
		Organiser: "kuusamo-library", ExternalID: ext,
		Title:        polku.Localized{"fi": "Satutunti " + ext, "en": "Story hour " + ext},
		Categories:   []polku.Category{polku.CategoryCulture},
		Municipality: "Kuusamo", Place: polku.Place{Name: "Kirjasto"},
		AgeMin: 3, AgeMax: 8, Audience: polku.AudienceFamily, Price: polku.Price{Kind: polku.PriceFree},
		Status: polku.StatusScheduled, Sessions: sessions,
	}
}

func sess(ext string, start time.Time, capacity int) polku.Session {
	return polku.Session{ExternalID: ext, Start: start, End: start.Add(2 * time.Hour), Capacity: capacity, Status: polku.StatusScheduled}
}

func importAt(t *testing.T, db *DB, now time.Time, acts ...polku.Activity) ImportResult {
	t.Helper()
	res, err := db.ImportCatalogue(context.Background(), acts, now, rem)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// sessionID finds a stored session by its activity's and its own
// external IDs.
func sessionID(t *testing.T, db *DB, activity, session string) int64 {
	t.Helper()
	return scalar[int64](t, db, `
		SELECT s.id FROM sessions s JOIN activities a ON a.id = s.activity_id
		WHERE a.external_id = $1 AND s.external_id = $2`, activity, session)
}

// consent makes a family for chat.
func consent(t *testing.T, db *DB, chat int64) {
	t.Helper()
	inTx(t, db, chat, func(ctx context.Context, tx *Tx) error { return tx.RecordConsent(ctx, "fi", "v1", "") })
}

// join signs the family of chat up, as the flows would.
func join(db *DB, chat, session int64, children, adults int, now time.Time) (polku.SignUpOutcome, polku.SignUp, error) {
	var o polku.SignUpOutcome
	var su polku.SignUp
	err := tryTx(db, chat, func(ctx context.Context, tx *Tx) error {
		var err error
		o, su, err = tx.SignUp(ctx, session, children, adults, now, rem)
		return err
	})
	return o, su, err
}

// mustJoin signs up and checks the outcome.
func mustJoin(t *testing.T, db *DB, chat, session int64, children, adults int, want polku.SignUpOutcome) polku.SignUp {
	t.Helper()
	o, su, err := join(db, chat, session, children, adults, t0)
	if err != nil || o != want {
		t.Fatalf("chat %d signs up %d+%d: %q, %v; want %q", chat, children, adults, o, err, want)
	}
	return su
}

// pending lists the chat's jobs not yet done, as "kind@MM-DD hh:mm" in
// Finnish time, by due time.
func pending(t *testing.T, db *DB, chat int64) []string {
	t.Helper()
	rows, err := db.pool.Query(context.Background(), `
		SELECT kind, due_at FROM jobs WHERE chat_id = $1 AND done_at IS NULL ORDER BY due_at, kind`, chat)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind string
		var due time.Time
		if err := rows.Scan(&kind, &due); err != nil {
			t.Fatal(err)
		}
		out = append(out, kind+"@"+due.In(helsinki).Format("01-02 15:04"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// planned is what pending shows for the jobs of a sign-up made at now
// for a session starting at start, after the notices given.
func planned(start, now time.Time, notices ...string) []string {
	out := slices.Clone(notices)
	for _, d := range rem.Plan(polku.Session{Start: start, End: start.Add(2 * time.Hour)}, now) {
		out = append(out, string(d.Kind)+"@"+d.At.In(helsinki).Format("01-02 15:04"))
	}
	return out
}

func status(t *testing.T, db *DB, signup int64) string {
	t.Helper()
	return scalar[string](t, db, `SELECT status FROM signups WHERE id = $1`, signup)
}

func stat(t *testing.T, db *DB, kind string) int64 {
	t.Helper()
	return scalar[int64](t, db, `SELECT COALESCE(sum(count), 0)::bigint FROM stats WHERE kind = $1`, kind)
}

func titles(acts []polku.Activity) []string {
	var out []string
	for _, a := range acts {
		s := a.Title.In("fi") + ":"
		for _, x := range a.Sessions {
			s += fmt.Sprintf(" %s(%d/%d %s)", x.ExternalID, x.Taken, x.Capacity, x.Status)
		}
		out = append(out, s)
	}
	return out
}

func TestImportCatalogue(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	file := []polku.Activity{
		act("late", sess("1", day5.Add(48*time.Hour), 10)),
		act("early", sess("1", day5, 8), sess("2", day5.Add(24*time.Hour), 8)),
	}
	other := act("elsewhere", sess("1", day5, 5))
	other.Municipality = "Oulu"
	other.Organiser = "oulu"

	steps := []struct {
		name string
		file []polku.Activity
		want ImportResult
		// want in Kuusamo's catalogue afterwards
		catalogue []string
	}{
		{"insert", append(slices.Clone(file), other), ImportResult{Activities: 3, Sessions: 4, Added: 7},
			[]string{"Satutunti early: 1(0/8 scheduled) 2(0/8 scheduled)", "Satutunti late: 1(0/10 scheduled)"}},
		{"same file again", file, ImportResult{Activities: 2, Sessions: 3, Unchanged: 5}, nil},
		{"title changed", func() []polku.Activity {
			f := slices.Clone(file)
			f[0].Title = polku.Localized{"fi": "Satutunti myöhään"}
			return f
		}(), ImportResult{Activities: 2, Sessions: 3, Changed: 1, Unchanged: 4},
			[]string{"Satutunti early: 1(0/8 scheduled) 2(0/8 scheduled)", "Satutunti myöhään: 1(0/10 scheduled)"}},
		{"a session added, one left out", []polku.Activity{act("early", sess("3", day5.Add(72*time.Hour), 8))},
			ImportResult{Activities: 1, Sessions: 1, Added: 1, Unchanged: 1},
			[]string{"Satutunti early: 1(0/8 scheduled) 2(0/8 scheduled) 3(0/8 scheduled)", "Satutunti myöhään: 1(0/10 scheduled)"}},
	}
	for _, step := range steps {
		got := importAt(t, db, t0, step.file...)
		if got != step.want {
			t.Errorf("%s: %+v, want %+v", step.name, got, step.want)
		}
		if step.catalogue == nil {
			continue
		}
		acts, err := db.Catalogue(ctx, "Kuusamo", t0)
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(acts); !slices.Equal(got, step.catalogue) {
			t.Errorf("%s: catalogue %q, want %q", step.name, got, step.catalogue)
		}
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM jobs`); n != 0 {
		t.Errorf("changes nobody signed up for made %d jobs", n)
	}

	// What is stored comes back as it was given, with the store's IDs.
	acts, err := db.Catalogue(ctx, "", t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 3 || acts[0].Organiser != "kuusamo-library" || acts[1].Municipality != "Oulu" {
		t.Fatalf("all municipalities: %q", titles(acts))
	}
	a := acts[0]
	if a.ID == 0 || a.Place.Name != "Kirjasto" || a.Price.Kind != polku.PriceFree || a.AgeMax != 8 || a.Sessions[0].ID == 0 ||
		!a.Sessions[0].Start.Equal(day5) || !a.Sessions[0].End.Equal(day5.Add(2*time.Hour)) {
		t.Errorf("stored activity %+v", a)
	}
	// Sessions that have started are left out; so are activities with
	// none left.
	acts, err = db.Catalogue(ctx, "Kuusamo", day5.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := titles(acts), []string{"Satutunti early: 2(0/8 scheduled) 3(0/8 scheduled)", "Satutunti myöhään: 1(0/10 scheduled)"}; !slices.Equal(got, want) {
		t.Errorf("catalogue after the first session started: %q, want %q", got, want)
	}
	if acts, err := db.Catalogue(ctx, "Kuusamo", day5.Add(100*time.Hour)); err != nil || len(acts) != 0 {
		t.Errorf("catalogue when all is past: %q, %v", titles(acts), err)
	}

	// Tx.Activity: one activity, its upcoming sessions; unknown is ENOTFOUND.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		got, err := tx.Activity(ctx, a.ID, day5.Add(time.Minute))
		if err != nil {
			return err
		}
		if got.ID != a.ID || got.ExternalID != "early" || len(got.Sessions) != 2 || got.Sessions[0].ExternalID != "2" {
			t.Errorf("Activity = %q", titles([]polku.Activity{got}))
		}
		_, err = tx.Activity(ctx, 9999, t0)
		wantCode(t, err, polku.ENOTFOUND)
		return nil
	})
}

func TestImportRefused(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 4)), act("b", sess("1", day5, 4)))
	consent(t, db, 1)
	mustJoin(t, db, 1, sessionID(t, db, "a", "1"), 1, 1, polku.OutcomeConfirmed)
	jobsBefore := pending(t, db, 1)

	changedA := act("a", sess("1", day5.Add(time.Hour), 4)) // a move: notices
	changedA.Title = polku.Localized{"fi": "Muuttunut"}
	noSeats := act("c", sess("1", day5, 0))
	dup := act("b", sess("1", day5, 4))
	noID := act("", sess("1", day5, 4))
	badStatus := act("d", sess("1", day5, 4))
	badStatus.Status = "maybe"
	twice := act("e", sess("1", day5, 4), sess("1", day5, 4))
	for _, c := range []struct {
		name string
		file []polku.Activity
	}{
		// The CHECK fails in the middle of the transaction: what came
		// before it is undone.
		{"a session without seats", []polku.Activity{changedA, noSeats, act("f", sess("1", day5, 4))}},
		{"an activity twice", []polku.Activity{changedA, act("b", sess("1", day5, 4)), dup}},
		{"no ID", []polku.Activity{changedA, noID}},
		{"unknown status", []polku.Activity{changedA, badStatus}},
		{"a session twice", []polku.Activity{changedA, twice}},
	} {
		res, err := db.ImportCatalogue(ctx, c.file, t0, rem)
		wantCode(t, err, polku.EINVALID)
		if res != (ImportResult{}) {
			t.Errorf("%s: result %+v of a refused import", c.name, res)
		}
		if n := scalar[int](t, db, `SELECT count(*) FROM activities`); n != 2 {
			t.Errorf("%s: %d activities, want the 2 before", c.name, n)
		}
		if got := scalar[string](t, db, `SELECT data->'title'->>'fi' FROM activities WHERE external_id = 'a'`); got != "Satutunti a" {
			t.Errorf("%s: title became %q", c.name, got)
		}
		if got := scalar[time.Time](t, db, `SELECT starts_at FROM sessions WHERE id = $1`, sessionID(t, db, "a", "1")); !got.Equal(day5) {
			t.Errorf("%s: the session moved to %v", c.name, got)
		}
		if got := pending(t, db, 1); !slices.Equal(got, jobsBefore) {
			t.Errorf("%s: jobs %q, want %q", c.name, got, jobsBefore)
		}
	}
}

func TestImportMove(t *testing.T) {
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 3)))
	s := sessionID(t, db, "a", "1")
	for chat := int64(1); chat <= 3; chat++ {
		consent(t, db, chat)
	}
	confirmed := mustJoin(t, db, 1, s, 1, 1, polku.OutcomeConfirmed)
	cancelled := mustJoin(t, db, 3, s, 0, 1, polku.OutcomeConfirmed)
	waiting := mustJoin(t, db, 2, s, 1, 1, polku.OutcomeWaiting)
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error {
		_, err := tx.CancelSignUp(ctx, cancelled.ID, t0, rem)
		return err
	})
	if got, want := pending(t, db, 1), planned(day5, t0); !slices.Equal(got, want) {
		t.Fatalf("jobs before the move %q, want %q", got, want)
	}

	// A day later, and longer: both families are told; the confirmed one's
	// reminders follow the session.
	moved := sess("1", day5.Add(24*time.Hour), 3)
	moved.End = moved.Start.Add(3 * time.Hour)
	now := t0.Add(time.Hour)
	res := importAt(t, db, now, act("a", moved))
	if want := (ImportResult{Activities: 1, Sessions: 1, Changed: 1, Unchanged: 1, Notices: 2}); res != want {
		t.Errorf("import %+v, want %+v", res, want)
	}
	notice := "notice_moved@" + now.Format("01-02 15:04")
	want := []string{notice}
	for _, d := range rem.Plan(moved, now) {
		want = append(want, string(d.Kind)+"@"+d.At.In(helsinki).Format("01-02 15:04"))
	}
	if got := pending(t, db, 1); !slices.Equal(got, want) {
		t.Errorf("confirmed family's jobs %q, want %q", got, want)
	}
	if got := pending(t, db, 2); !slices.Equal(got, []string{notice}) {
		t.Errorf("waiting family's jobs %q, want only the notice", got)
	}
	if got := pending(t, db, 3); len(got) != 0 {
		t.Errorf("a family that cancelled got %q", got)
	}
	if status(t, db, confirmed.ID) != "confirmed" || status(t, db, waiting.ID) != "waiting" {
		t.Error("a move changed the sign-ups")
	}
	// The notice carries where the session was.
	var got []Job
	if _, err := db.RunJobs(context.Background(), now, 10, func(ctx context.Context, j Job) ([]Out, error) {
		got = append(got, j)
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d jobs due after the move, want the 2 notices", len(got))
	}
	for _, j := range got {
		if j.Kind != polku.JobMoved || !j.OldStart.Equal(day5) || !j.SignUp.Session().Start.Equal(moved.Start) || j.SignUp.Session().End.Sub(moved.Start) != 3*time.Hour {
			t.Errorf("moved notice %+v", j)
		}
	}
	// The same file again: no more notices.
	if res := importAt(t, db, now, act("a", moved)); res.Notices != 0 || res.Unchanged != 2 {
		t.Errorf("re-import after the move: %+v", res)
	}
}

func TestImportCancel(t *testing.T) {
	for _, c := range []struct {
		name string
		// change makes the file that cancels session "1" of activity "a"
		change func(a polku.Activity) polku.Activity
		// session's status in the catalogue afterwards ("" when the
		// activity is no longer listed)
		listed polku.Status
	}{
		{"session cancelled", func(a polku.Activity) polku.Activity {
			a.Sessions[0].Status = polku.StatusCancelled
			return a
		}, polku.StatusCancelled},
		{"session postponed", func(a polku.Activity) polku.Activity {
			a.Sessions[0].Status = polku.StatusPostponed
			return a
		}, polku.StatusPostponed},
		// The file need not list the sessions of a cancelled activity.
		{"activity cancelled", func(a polku.Activity) polku.Activity {
			a.Status, a.Sessions = polku.StatusCancelled, nil
			return a
		}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			db := newDB(t)
			file := act("a", sess("1", day5, 2), sess("2", day5.Add(24*time.Hour), 2))
			importAt(t, db, t0, file, act("b", sess("1", day5, 2)))
			s1, s2 := sessionID(t, db, "a", "1"), sessionID(t, db, "a", "2")
			for chat := int64(1); chat <= 3; chat++ {
				consent(t, db, chat)
			}
			confirmed := mustJoin(t, db, 1, s1, 1, 1, polku.OutcomeConfirmed)
			waiting := mustJoin(t, db, 2, s1, 0, 1, polku.OutcomeWaiting)
			other := mustJoin(t, db, 3, sessionID(t, db, "b", "1"), 0, 1, polku.OutcomeConfirmed)

			res := importAt(t, db, t0, c.change(act("a", sess("1", day5, 2), sess("2", day5.Add(24*time.Hour), 2))))
			if res.Notices != 2 || res.Changed != 1 {
				t.Errorf("import %+v, want 1 changed and 2 notices", res)
			}
			now := t0.Format("01-02 15:04")
			for _, chat := range []int64{1, 2} {
				if got := pending(t, db, chat); !slices.Equal(got, []string{"notice_cancelled@" + now}) {
					t.Errorf("chat %d jobs %q, want only the notice", chat, got)
				}
			}
			if status(t, db, confirmed.ID) != "cancelled" || status(t, db, waiting.ID) != "cancelled" {
				t.Error("the sign-ups are still live")
			}
			if status(t, db, other.ID) != "confirmed" || len(pending(t, db, 3)) != 3 {
				t.Error("another activity's sign-up was touched")
			}
			// Families cannot sign up any more.
			if o, _, err := join(db, 3, s1, 0, 1, t0); o != polku.OutcomeClosed || err != nil {
				t.Errorf("sign-up after cancellation: %q, %v", o, err)
			}
			if c.listed == "" {
				if o, _, err := join(db, 3, s2, 0, 1, t0); o != polku.OutcomeClosed || err != nil {
					t.Errorf("sign-up to another session of a cancelled activity: %q, %v", o, err)
				}
			}
			acts, err := db.Catalogue(ctx, "Kuusamo", t0)
			if err != nil {
				t.Fatal(err)
			}
			var listed polku.Status
			for _, a := range acts {
				if a.ExternalID == "a" {
					listed = a.Sessions[0].Status
				}
			}
			if listed != c.listed {
				t.Errorf("catalogue lists the session as %q, want %q", listed, c.listed)
			}
			// Importing the same again tells no one twice.
			if res := importAt(t, db, t0, c.change(act("a", sess("1", day5, 2), sess("2", day5.Add(24*time.Hour), 2)))); res.Notices != 0 || res.Changed != 0 {
				t.Errorf("re-import: %+v", res)
			}
		})
	}
}

// TestImportPast: a change to a session that is over tells nobody.
func TestImportPast(t *testing.T) {
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 2)))
	consent(t, db, 1)
	su := mustJoin(t, db, 1, sessionID(t, db, "a", "1"), 0, 1, polku.OutcomeConfirmed)
	cancelled := sess("1", day5, 2)
	cancelled.Status = polku.StatusCancelled
	if res := importAt(t, db, day5.Add(3*time.Hour), act("a", cancelled)); res.Notices != 0 || res.Changed != 1 {
		t.Errorf("import %+v", res)
	}
	if status(t, db, su.ID) != "confirmed" {
		t.Error("a sign-up for a past session was cancelled")
	}
}

func TestImportCapacityPromotes(t *testing.T) {
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 2)))
	s := sessionID(t, db, "a", "1")
	for chat := int64(1); chat <= 4; chat++ {
		consent(t, db, chat)
	}
	mustJoin(t, db, 1, s, 1, 1, polku.OutcomeConfirmed)
	b := mustJoin(t, db, 2, s, 0, 1, polku.OutcomeWaiting)
	c := mustJoin(t, db, 3, s, 1, 1, polku.OutcomeWaiting)
	d := mustJoin(t, db, 4, s, 0, 1, polku.OutcomeWaiting)

	// Two more seats: the first in line fits, the second does not (one
	// seat left for two), and the third waits behind them.
	now := t0.Add(time.Hour)
	res := importAt(t, db, now, act("a", sess("1", day5, 4)))
	if want := (ImportResult{Activities: 1, Sessions: 1, Changed: 1, Unchanged: 1, Notices: 1}); res != want {
		t.Errorf("import %+v, want %+v", res, want)
	}
	if got, want := []string{status(t, db, b.ID), status(t, db, c.ID), status(t, db, d.ID)}, []string{"confirmed", "waiting", "waiting"}; !slices.Equal(got, want) {
		t.Errorf("statuses %q, want %q", got, want)
	}
	if got, want := pending(t, db, 2), planned(day5, now, "notice_promoted@"+now.Format("01-02 15:04")); !slices.Equal(got, want) {
		t.Errorf("promoted family's jobs %q, want %q", got, want)
	}
	if stat(t, db, "promoted") != 1 {
		t.Error("the promotion is not counted")
	}
}

// An activity that welcomes neighbouring municipalities is in their
// catalogue too; a re-import that changes only its neighbours changes it.
func TestCatalogueNeighbours(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	open := act("open", sess("1", day5, 10))
	open.Neighbours = []string{"Kalajoki", "Posio"}
	own := act("own", sess("1", day5, 10))
	own.Municipality, own.Organiser = "Kalajoki", "kalajoki"
	importAt(t, db, t0, open, own, act("home", sess("1", day5, 10)))

	for muni, want := range map[string][]string{
		"Kalajoki": {"Satutunti open: 1(0/10 scheduled)", "Satutunti own: 1(0/10 scheduled)"},
		"Posio":    {"Satutunti open: 1(0/10 scheduled)"},
		"Oulu":     nil,
		"Kuusamo":  {"Satutunti open: 1(0/10 scheduled)", "Satutunti home: 1(0/10 scheduled)"},
	} {
		acts, err := db.Catalogue(ctx, muni, t0)
		if err != nil {
			t.Fatal(err)
		}
		if got := titles(acts); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", muni, got, want)
		}
		for _, a := range acts {
			if a.ExternalID == "open" && !slices.Equal(a.Neighbours, open.Neighbours) {
				t.Errorf("%s: neighbours came back as %q", muni, a.Neighbours)
			}
		}
	}

	open.Neighbours = []string{"Kalajoki"}
	if got := importAt(t, db, t0, open); got.Changed != 1 {
		t.Errorf("neighbours changed: %+v, want the activity changed", got)
	}
	if acts, err := db.Catalogue(ctx, "Posio", t0); err != nil || len(acts) != 0 {
		t.Errorf("Posio after the change: %q, %v", titles(acts), err)
	}
	if n := scalar[int](t, db, `SELECT count(*) FROM activities WHERE neighbours = '{}'`); n != 2 {
		t.Errorf("%d activities without neighbours, want 2 (stored as an empty list, not NULL)", n)
	}
}
