package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"polku"
)

func TestSignUpOutcomes(t *testing.T) {
	db := newDB(t)
	window := sess("window", day5, 4)
	window.EnrolFrom, window.EnrolUntil = t0.Add(time.Hour), t0.Add(48*time.Hour)
	cancelled := sess("cancelled", day5, 4)
	cancelled.Status = polku.StatusCancelled
	postponed := act("postponed", sess("1", day5, 4))
	postponed.Status = polku.StatusPostponed
	importAt(t, db, t0,
		act("a", sess("small", day5, 4), sess("big", day5, 20), sess("past", t0.Add(-time.Hour), 4), window, cancelled),
		postponed)
	small, big := sessionID(t, db, "a", "small"), sessionID(t, db, "a", "big")
	for chat := int64(1); chat <= 5; chat++ {
		consent(t, db, chat)
	}

	var first polku.SignUp
	for _, c := range []struct {
		name              string
		chat, session     int64
		children, adults  int
		now               time.Time
		want              polku.SignUpOutcome
		code              string
		position, taken   int
		waitingPeople     int
		wantFirstSignUpID bool
	}{
		{name: "seats free", chat: 1, session: small, children: 1, adults: 1, want: polku.OutcomeConfirmed, taken: 2},
		{name: "again", chat: 1, session: small, children: 2, adults: 1, want: polku.OutcomeAlready, taken: 2, wantFirstSignUpID: true},
		{name: "full for three", chat: 2, session: small, children: 2, adults: 1, want: polku.OutcomeWaiting, position: 1, taken: 2, waitingPeople: 3},
		// Two seats are free, but a family waits: first come, first served.
		{name: "behind the waiting", chat: 3, session: small, adults: 1, want: polku.OutcomeWaiting, position: 2, taken: 2, waitingPeople: 4},
		{name: "more than the session holds", chat: 4, session: small, children: 3, adults: 2, want: polku.OutcomeTooMany},
		{name: "more than a party may be", chat: 4, session: big, children: 8, adults: 2, want: polku.OutcomeTooMany},
		{name: "the most a party may be", chat: 4, session: big, children: 7, adults: 2, want: polku.OutcomeConfirmed, taken: 9},
		{name: "past", chat: 5, session: sessionID(t, db, "a", "past"), adults: 1, want: polku.OutcomeClosed},
		{name: "enrolment not open yet", chat: 5, session: sessionID(t, db, "a", "window"), adults: 1, want: polku.OutcomeClosed},
		{name: "enrolment open", chat: 5, session: sessionID(t, db, "a", "window"), adults: 1, now: t0.Add(time.Hour), want: polku.OutcomeConfirmed, taken: 1},
		{name: "enrolment over", chat: 4, session: sessionID(t, db, "a", "window"), adults: 1, now: t0.Add(48 * time.Hour), want: polku.OutcomeClosed},
		{name: "session cancelled", chat: 5, session: sessionID(t, db, "a", "cancelled"), adults: 1, want: polku.OutcomeClosed},
		{name: "activity postponed", chat: 5, session: sessionID(t, db, "postponed", "1"), adults: 1, want: polku.OutcomeClosed},
		{name: "nobody", chat: 5, session: small, code: polku.EINVALID},
		{name: "negative children", chat: 5, session: small, children: -1, adults: 2, code: polku.EINVALID},
		{name: "negative adults", chat: 5, session: small, children: 2, adults: -1, code: polku.EINVALID},
		{name: "no consent", chat: 99, session: small, adults: 1, code: polku.EFORBIDDEN},
		{name: "unknown session", chat: 5, session: 9999, adults: 1, code: polku.ENOTFOUND},
	} {
		now := c.now
		if now.IsZero() {
			now = t0
		}
		o, su, err := join(db, c.chat, c.session, c.children, c.adults, now)
		if c.code != "" {
			if err == nil {
				t.Errorf("%s: %q, no error; want %s", c.name, o, c.code)
				continue
			}
			wantCode(t, err, c.code)
			continue
		}
		if err != nil || o != c.want {
			t.Errorf("%s: %q, %v; want %q", c.name, o, err, c.want)
			continue
		}
		if c.name == "seats free" {
			first = su
		}
		s := su.Session()
		if su.Activity.ExternalID == "" || len(su.Activity.Sessions) != 1 || s.ID != c.session {
			t.Errorf("%s: sign-up's activity %+v", c.name, su.Activity)
		}
		switch c.want {
		case polku.OutcomeClosed, polku.OutcomeTooMany:
			if su.ID != 0 {
				t.Errorf("%s: a sign-up was stored: %+v", c.name, su)
			}
			continue
		}
		if su.ID == 0 || su.Position != c.position || s.Taken != c.taken || s.Waiting != c.waitingPeople || !su.Created.Equal(now) {
			t.Errorf("%s: sign-up %+v, session %+v; want position %d, taken %d, waiting %d", c.name, su, s, c.position, c.taken, c.waitingPeople)
		}
		if c.wantFirstSignUpID && (su.ID != first.ID || su.Children != 1) {
			t.Errorf("%s: %+v, want the first sign-up unchanged %+v", c.name, su, first)
		}
	}
	// Only the confirmed have reminders.
	if got, want := pending(t, db, 1), planned(day5, t0); !slices.Equal(got, want) {
		t.Errorf("confirmed family's jobs %q, want %q", got, want)
	}
	if got := pending(t, db, 2); len(got) != 0 {
		t.Errorf("waiting family's jobs %q", got)
	}
	for kind, want := range map[string]int64{"signup_confirmed": 3, "signup_waiting": 2} {
		if got := stat(t, db, kind); got != want {
			t.Errorf("stat %s = %d, want %d", kind, got, want)
		}
	}
	if got := scalar[string](t, db, `SELECT string_agg(DISTINCT municipality, ',') FROM stats`); got != "Kuusamo" {
		t.Errorf("stats' municipalities %q", got)
	}
}

func TestCancelSignUpPromotes(t *testing.T) {
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 4)))
	s := sessionID(t, db, "a", "1")
	for chat := int64(1); chat <= 5; chat++ {
		consent(t, db, chat)
	}
	a := mustJoin(t, db, 1, s, 1, 1, polku.OutcomeConfirmed)
	b := mustJoin(t, db, 2, s, 1, 1, polku.OutcomeConfirmed)
	c := mustJoin(t, db, 3, s, 2, 1, polku.OutcomeWaiting)
	d := mustJoin(t, db, 4, s, 0, 1, polku.OutcomeWaiting)
	e := mustJoin(t, db, 5, s, 0, 2, polku.OutcomeWaiting)
	cancel := func(chat, id int64, now time.Time) (polku.SignUp, error) {
		var su polku.SignUp
		err := tryTx(db, chat, func(ctx context.Context, tx *Tx) error {
			var err error
			su, err = tx.CancelSignUp(ctx, id, now, rem)
			return err
		})
		return su, err
	}
	statuses := func() []string {
		var out []string
		for _, su := range []polku.SignUp{a, b, c, d, e} {
			out = append(out, status(t, db, su.ID))
		}
		return out
	}

	// Another family's sign-up, or none at all: not found.
	_, err := cancel(2, a.ID, t0)
	wantCode(t, err, polku.ENOTFOUND)
	_, err = cancel(1, 9999, t0)
	wantCode(t, err, polku.ENOTFOUND)
	_, err = cancel(99, a.ID, t0)
	wantCode(t, err, polku.ENOTFOUND)

	// Two seats free, but the first in line needs three: nobody moves,
	// not even the party of one behind them.
	now := t0.Add(time.Hour)
	got, err := cancel(1, a.ID, now)
	if err != nil || got.Status != polku.Cancelled || got.ID != a.ID {
		t.Fatalf("cancel: %+v, %v", got, err)
	}
	if want := []string{"cancelled", "confirmed", "waiting", "waiting", "waiting"}; !slices.Equal(statuses(), want) {
		t.Errorf("after the first cancel %q, want %q", statuses(), want)
	}
	if got := pending(t, db, 1); len(got) != 0 {
		t.Errorf("a cancelled sign-up keeps jobs %q", got)
	}
	_, err = cancel(1, a.ID, now)
	wantCode(t, err, polku.ECONFLICT)

	// Four free: three for the first in line, one for the next; the
	// party of two after them does not fit.
	later := now.Add(time.Hour)
	if _, err := cancel(2, b.ID, later); err != nil {
		t.Fatal(err)
	}
	if want := []string{"cancelled", "cancelled", "confirmed", "confirmed", "waiting"}; !slices.Equal(statuses(), want) {
		t.Errorf("after the second cancel %q, want %q", statuses(), want)
	}
	promoted := planned(day5, later, "notice_promoted@"+later.Format("01-02 15:04"))
	for _, chat := range []int64{3, 4} {
		if got := pending(t, db, chat); !slices.Equal(got, promoted) {
			t.Errorf("promoted chat %d jobs %q, want %q", chat, got, promoted)
		}
	}
	var gotE polku.SignUp
	inTx(t, db, 5, func(ctx context.Context, tx *Tx) error {
		var err error
		gotE, err = tx.SignUpByID(ctx, e.ID)
		return err
	})
	if gotE.Position != 1 || gotE.Session().Taken != 4 || gotE.Session().Waiting != 2 {
		t.Errorf("the one still waiting: %+v", gotE)
	}

	// A confirmed party of one leaves: the party of two waiting does not
	// fit in the one seat free.
	if _, err := cancel(4, d.ID, later); err != nil {
		t.Fatal(err)
	}
	if want := []string{"cancelled", "cancelled", "confirmed", "cancelled", "waiting"}; !slices.Equal(statuses(), want) {
		t.Errorf("after the third cancel %q, want %q", statuses(), want)
	}
	for kind, want := range map[string]int64{"signup_cancelled": 3, "promoted": 2} {
		if got := stat(t, db, kind); got != want {
			t.Errorf("stat %s = %d, want %d", kind, got, want)
		}
	}
}

// TestCancelWaitingHead: when the party at the head of the list that did
// not fit leaves, those behind it that fit move up.
func TestCancelWaitingHead(t *testing.T) {
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 4)))
	s := sessionID(t, db, "a", "1")
	for chat := int64(1); chat <= 3; chat++ {
		consent(t, db, chat)
	}
	mustJoin(t, db, 1, s, 2, 1, polku.OutcomeConfirmed)
	head := mustJoin(t, db, 2, s, 1, 1, polku.OutcomeWaiting)
	next := mustJoin(t, db, 3, s, 0, 1, polku.OutcomeWaiting)
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { _, err := tx.CancelSignUp(ctx, head.ID, t0, rem); return err })
	if got := status(t, db, next.ID); got != "confirmed" {
		t.Errorf("the party that fits is %s", got)
	}
}

func TestSignUpsAndAttend(t *testing.T) {
	db := newDB(t)
	// Ten days before the test's "now": a session to answer about, one
	// long past, one to come.
	now := day5.Add(3 * 24 * time.Hour)
	importAt(t, db, t0,
		act("a", sess("soon", day5, 10), sess("old", t0.Add(time.Hour), 10), sess("later", day5.Add(5*24*time.Hour), 1)))
	consent(t, db, 1)
	consent(t, db, 2)
	soon := mustJoin(t, db, 1, sessionID(t, db, "a", "soon"), 1, 1, polku.OutcomeConfirmed)
	mustJoin(t, db, 1, sessionID(t, db, "a", "old"), 1, 1, polku.OutcomeConfirmed)
	theirs := mustJoin(t, db, 2, sessionID(t, db, "a", "later"), 0, 1, polku.OutcomeConfirmed)
	waiting := mustJoin(t, db, 1, sessionID(t, db, "a", "later"), 0, 1, polku.OutcomeWaiting)

	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		list, err := tx.SignUps(ctx, now)
		if err != nil {
			return err
		}
		var got []string
		for _, su := range list {
			got = append(got, fmt.Sprintf("%s:%s:%d", su.Session().ExternalID, su.Status, su.Position))
		}
		if want := []string{"soon:confirmed:0", "later:waiting:1"}; !slices.Equal(got, want) {
			t.Errorf("SignUps = %q, want %q", got, want)
		}
		// Another family's sign-up is not found; its own, in any status.
		if _, err := tx.SignUpByID(ctx, theirs.ID); polku.ErrorCode(err) != polku.ENOTFOUND {
			t.Errorf("another family's sign-up: %v", err)
		}
		if su, err := tx.SignUpByID(ctx, soon.ID); err != nil || su.Activity.Title.In("fi") != "Satutunti a" {
			t.Errorf("own sign-up %+v, %v", su, err)
		}
		return nil
	})
	inTx(t, db, 3, func(ctx context.Context, tx *Tx) error {
		list, err := tx.SignUps(ctx, now)
		if err != nil || len(list) != 0 {
			t.Errorf("SignUps without a family = %v, %v", list, err)
		}
		return nil
	})

	attend := func(chat, id int64, a polku.Attendance, at time.Time) error {
		return tryTx(db, chat, func(ctx context.Context, tx *Tx) error { return tx.Attend(ctx, id, a, at) })
	}
	if err := attend(1, soon.ID, polku.Attended, now); err != nil {
		t.Fatal(err)
	}
	// Changing the answer a day later moves the count.
	if err := attend(1, soon.ID, polku.CouldNotCome, now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := attend(1, soon.ID, polku.CouldNotCome, now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := scalar[string](t, db, `SELECT attendance FROM signups WHERE id = $1`, soon.ID); got != "could_not" {
		t.Errorf("attendance %q", got)
	}
	for kind, want := range map[string]int64{"attended_yes": 0, "attended_could_not": 1, "attended_no": 0} {
		if got := stat(t, db, kind); got != want {
			t.Errorf("stat %s = %d, want %d", kind, got, want)
		}
	}
	wantCode(t, attend(1, waiting.ID, polku.Attended, now), polku.ENOTFOUND)
	wantCode(t, attend(2, soon.ID, polku.Attended, now), polku.ENOTFOUND)
	wantCode(t, attend(1, soon.ID, "maybe", now), polku.EINVALID)
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		su, err := tx.SignUpByID(ctx, soon.ID)
		if su.Attendance != polku.CouldNotCome {
			t.Errorf("SignUpByID attendance %q", su.Attendance)
		}
		return err
	})
}

// TestSignUpConcurrently: families taking the last seats at once never
// take more than there are; the rest wait, each in a place of its own.
func TestSignUpConcurrently(t *testing.T) {
	for _, c := range []struct {
		families, capacity int
	}{{2, 1}, {20, 5}} {
		t.Run(fmt.Sprintf("%d families for %d seats", c.families, c.capacity), func(t *testing.T) {
			db := newDB(t)
			importAt(t, db, t0, act("a", sess("1", day5, c.capacity)))
			s := sessionID(t, db, "a", "1")
			for chat := 1; chat <= c.families; chat++ {
				consent(t, db, int64(chat))
			}
			start := make(chan struct{})
			outcomes := make([]polku.SignUpOutcome, c.families)
			positions := make([]int, c.families)
			errs := make([]error, c.families)
			var wg sync.WaitGroup
			for i := range c.families {
				wg.Go(func() {
					<-start
					o, su, err := join(db, int64(i+1), s, 0, 1, t0)
					outcomes[i], positions[i], errs[i] = o, su.Position, err
				})
			}
			close(start)
			wg.Wait()
			var confirmed int
			var places []int
			for i, o := range outcomes {
				if errs[i] != nil {
					t.Fatalf("family %d: %v", i+1, errs[i])
				}
				switch o {
				case polku.OutcomeConfirmed:
					confirmed++
				case polku.OutcomeWaiting:
					places = append(places, positions[i])
				default:
					t.Errorf("family %d: %q", i+1, o)
				}
			}
			slices.Sort(places)
			want := make([]int, c.families-c.capacity)
			for i := range want {
				want[i] = i + 1
			}
			if confirmed != c.capacity || !slices.Equal(places, want) {
				t.Errorf("%d confirmed, waiting at %v; want %d and %v", confirmed, places, c.capacity, want)
			}
			if taken := scalar[int](t, db, `SELECT sum(children + adults) FROM signups WHERE status = 'confirmed'`); taken != c.capacity {
				t.Errorf("%d seats taken of %d", taken, c.capacity)
			}
		})
	}
}

// TestEraseReleasesSeats: seats an erased (or declining) family held go to
// the next family, who is told; nothing of the erased family is left.
func TestEraseReleasesSeats(t *testing.T) {
	for _, leave := range []string{"erase", "decline"} {
		t.Run(leave, func(t *testing.T) {
			ctx := context.Background()
			db := newDB(t)
			now := t0.Add(time.Hour)
			db.Now = func() time.Time { return now }
			importAt(t, db, t0, act("a", sess("1", day5, 2), sess("2", day5.Add(24*time.Hour), 2)))
			s1, s2 := sessionID(t, db, "a", "1"), sessionID(t, db, "a", "2")
			family(t, db, 1)
			consent(t, db, 2)
			consent(t, db, 3)
			mustJoin(t, db, 1, s1, 1, 1, polku.OutcomeConfirmed)
			mustJoin(t, db, 1, s2, 0, 1, polku.OutcomeConfirmed)
			next := mustJoin(t, db, 2, s1, 0, 2, polku.OutcomeWaiting)
			mustJoin(t, db, 3, s2, 0, 1, polku.OutcomeConfirmed)
			id := scalar[int64](t, db, `SELECT id FROM families WHERE chat_id = 1`)

			inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
				if leave == "erase" {
					return tx.Erase(ctx)
				}
				return tx.Decline(ctx)
			})
			if got := status(t, db, next.ID); got != "confirmed" {
				t.Errorf("the next family is %s", got)
			}
			if got, want := pending(t, db, 2), planned(day5, now, "notice_promoted@"+now.Format("01-02 15:04")); !slices.Equal(got, want) {
				t.Errorf("the next family's jobs %q, want %q", got, want)
			}
			for _, q := range []string{
				`SELECT count(*) FROM signups WHERE family_id = $1`,
				`SELECT count(*) FROM jobs WHERE family_id = $1 OR chat_id = 1`,
				`SELECT count(*) FROM families WHERE id = $1`,
			} {
				if n := scalar[int](t, db, q, id); n != 0 {
					t.Errorf("after %s: %s = %d", leave, q, n)
				}
			}
			if _, err := db.Export(ctx, 1); polku.ErrorCode(err) != polku.ENOTFOUND {
				t.Errorf("export after %s: %v", leave, err)
			}
			if n := scalar[int](t, db, `SELECT count(*) FROM signups`); n != 2 {
				t.Errorf("%d sign-ups left, want the other families' 2", n)
			}
		})
	}
}

func TestExportSignUps(t *testing.T) {
	ctx := context.Background()
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 4)))
	family(t, db, 1)
	family(t, db, 2)
	su := mustJoin(t, db, 1, sessionID(t, db, "a", "1"), 2, 1, polku.OutcomeConfirmed)
	mustJoin(t, db, 2, sessionID(t, db, "a", "1"), 0, 1, polku.OutcomeConfirmed)
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error {
		return tx.Attend(ctx, su.ID, polku.Attended, day5.Add(3*time.Hour))
	})
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.SetReminders(ctx, false) })
	export, err := db.Export(ctx, 1)
	doc := export.Doc
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Family struct {
			Reminders *bool `json:"reminders"`
		} `json:"family"`
		Reminders *bool `json:"reminders"`
		SignUps   []struct {
			Activity   polku.Localized `json:"activity"`
			Start      time.Time       `json:"start"`
			Status     string          `json:"status"`
			Children   int             `json:"children"`
			Adults     int             `json:"adults"`
			Attendance string          `json:"attendance"`
		} `json:"signups"`
	}
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	if got.Reminders == nil || *got.Reminders || got.Family.Reminders == nil || *got.Family.Reminders {
		t.Errorf("export's reminder setting: %s", doc)
	}
	if len(got.SignUps) != 1 {
		t.Fatalf("export has %d sign-ups, want the family's 1:\n%s", len(got.SignUps), doc)
	}
	s := got.SignUps[0]
	if s.Activity.In("fi") != "Satutunti a" || !s.Start.Equal(day5) || s.Status != "confirmed" || s.Children != 2 || s.Adults != 1 || s.Attendance != "yes" {
		t.Errorf("exported sign-up %+v", s)
	}
}

// A party bigger than the whole session may wait for added seats; it does
// not stand in the line of those who fit, nor hold them up.
func TestWaitForAddedSeats(t *testing.T) {
	db := newDB(t)
	importAt(t, db, t0, act("a", sess("1", day5, 4)))
	s := sessionID(t, db, "a", "1")
	for chat := int64(1); chat <= 4; chat++ {
		consent(t, db, chat)
	}
	wait := func(chat int64, children, adults int) (polku.SignUpOutcome, polku.SignUp) {
		var o polku.SignUpOutcome
		var su polku.SignUp
		inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
			var err error
			o, su, err = tx.WaitFor(ctx, s, children, adults, t0, rem)
			return err
		})
		return o, su
	}
	if o, su := wait(1, 4, 1); o != polku.OutcomeWaiting || su.Position != 1 {
		t.Fatalf("a party of 5 for 4 seats: %q at %d; want waiting at 1", o, su.Position)
	}
	// Seats are free for those who fit: the big party is not ahead of them.
	a := mustJoin(t, db, 2, s, 1, 1, polku.OutcomeConfirmed)
	if o, su := wait(3, 1, 0); o != polku.OutcomeConfirmed {
		t.Errorf("a party that fits, asked to wait: %q (%d); want confirmed", o, su.Position)
	}
	c := mustJoin(t, db, 4, s, 1, 1, polku.OutcomeWaiting)
	if c.Position != 1 {
		t.Errorf("position behind a party that cannot fit: %d, want 1", c.Position)
	}
	// A seat frees up: the family that fits moves up past the big party.
	inTx(t, db, 2, func(ctx context.Context, tx *Tx) error { _, err := tx.CancelSignUp(ctx, a.ID, t0, rem); return err })
	if got := status(t, db, c.ID); got != string(polku.SignedUp) {
		t.Errorf("the family behind the big party: %s, want confirmed", got)
	}
}
