package staff_test

import (
	"context"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/staff"
	"polku/store"
)

// rosterRig is a service with two organisers' sessions, a provider of
// each (Liisa and Pekka for the college, Sami for the club) and two
// families signed up for the college's session on 25 November at 17.00.
type rosterRig struct {
	db                 *store.DB
	now                *time.Time
	p                  *staff.Providers
	college, club      int64 // the sessions
	first, second      int64 // the sign-ups
	liisa, pekka, sami int64 // the providers' users
}

func newRosterRig(t *testing.T) *rosterRig {
	t.Helper()
	now := start
	clock := func() time.Time { return now }
	r := &rosterRig{db: newDB(t, clock), now: &now, liisa: 201, pekka: 202, sami: 203}
	r.p = staff.NewProviders(staff.Config{Now: clock, VerifyPerHour: 60, Location: time.UTC})
	session := func(at time.Time) polku.Session {
		return polku.Session{ExternalID: at.Format(time.RFC3339), Start: at, End: at.Add(time.Hour), Capacity: 30, Status: polku.StatusScheduled}
	}
	act := func(org, ext string, at time.Time) polku.Activity {
		return polku.Activity{Organiser: org, ExternalID: ext, Title: polku.Localized{"fi": "Laulukerho " + ext, "en": "Singing club " + ext},
			Categories: []polku.Category{polku.CategoryMusic}, Municipality: "Kuusamo", AgeMin: 3, AgeMax: 12,
			Audience: polku.AudienceFamily, Price: polku.Price{Kind: polku.PriceFree}, Status: polku.StatusScheduled,
			Sessions: []polku.Session{session(at)}}
	}
	wed := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	if _, err := r.db.ImportCatalogue(context.Background(), []polku.Activity{
		act("Esimerkkiopisto", "a", wed), act("Esimerkkiseura", "b", wed.Add(time.Hour)),
	}, start, polku.DefaultReminders(time.UTC)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		org  string
		user int64
		name string
	}{{"Esimerkkiopisto", r.liisa, "Liisa"}, {"Esimerkkiopisto", r.pekka, "Pekka"}, {"Esimerkkiseura", r.sami, "Sami"}} {
		var code string
		apply(t, r.db, group, func(ctx context.Context, tx *store.Tx) error {
			pr, _, err := tx.AddProvider(ctx, p.org, p.name, aino, 7)
			code = pr.LinkCode
			return err
		})
		apply(t, r.db, p.user, func(ctx context.Context, tx *store.Tx) error {
			_, err := tx.LinkProvider(ctx, code, p.user, p.name)
			return err
		})
	}
	apply(t, r.db, r.sami, func(ctx context.Context, tx *store.Tx) error {
		for org, id := range map[string]*int64{"Esimerkkiopisto": &r.college, "Esimerkkiseura": &r.club} {
			rs, err := tx.RosterSessions(ctx, org, start, start.AddDate(0, 0, 7))
			if err != nil || len(rs) != 1 {
				t.Fatalf("%s's sessions: %v, %v", org, rs, err)
			}
			*id = rs[0].Session.ID
		}
		return nil
	})
	for i, chat := range []int64{family, family + 1} {
		apply(t, r.db, chat, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.RecordConsent(ctx, "fi", "v1", ""); err != nil {
				return err
			}
			if i == 0 {
				if _, err := tx.SaveProfile(ctx, "fi", polku.Answers{Municipality: "Kuusamo", Contact: polku.ContactNone,
					Children: map[polku.AgeBand]int{polku.Age3to6: 1, polku.Age7to12: 1}}); err != nil {
					return err
				}
			}
			_, su, err := tx.SignUp(ctx, r.college, 2-i, 1, start, polku.DefaultReminders(time.UTC))
			if i == 0 {
				r.first = su.ID
			} else {
				r.second = su.ID
			}
			return err
		})
	}
	return r
}

// do is what provider user gets for in.
func (r *rosterRig) do(t *testing.T, user int64, in staff.Input) ([]staff.Message, staff.Line, bool) {
	t.Helper()
	in.User, in.Lang = user, "en"
	var ms []staff.Message
	var toast staff.Line
	var handled bool
	apply(t, r.db, user, func(ctx context.Context, tx *store.Tx) error {
		var err error
		ms, toast, handled, err = r.p.Handle(ctx, tx, in)
		return err
	})
	return ms, toast, handled
}

// ids are a message's lines' message IDs (a Parts line as its parts'
// IDs joined by +) and its buttons' data.
func ids(m staff.Message) (lines, data []string) {
	for _, l := range m.Lines {
		id := l.Text.ID
		for _, p := range l.Parts {
			id += "+" + p.Text.ID
		}
		lines = append(lines, id)
	}
	for _, row := range m.Buttons {
		for _, b := range row {
			data = append(data, b.Data)
		}
	}
	return lines, data
}

// TestRosterScreens: the roster shows the organiser's session with its
// parties (how many, the children's bands) and, once it has begun, a
// came / did-not-come pair for each; a mark shows to the organiser's
// other provider too, and is audited with the session, never more.
func TestRosterScreens(t *testing.T) {
	r := newRosterRig(t)
	ms, _, handled := r.do(t, r.liisa, staff.Input{Command: "roster"})
	if !handled || len(ms) != 1 {
		t.Fatalf("/roster: %v %+v", handled, ms)
	}
	lines, data := ids(ms[0])
	if want := []string{"roster.title", "roster.when", "roster.signed_up", "", "roster.party_bands", "roster.party", "", "roster.mark_later"}; !reflect.DeepEqual(lines, want) {
		t.Errorf("before the session: lines %q, want %q", lines, want)
	}
	if len(data) != 0 {
		t.Errorf("before the session: buttons %q (one session: nothing to move to, nothing to mark)", data)
	}
	if got := ms[0].Lines[4].Text.Data; got["Bands"] != "3–6, 7–12" || got["People"] != 3 || got["Number"] != 1 {
		t.Errorf("the first party: %v", got)
	}

	*r.now = time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC)
	ms, _, _ = r.do(t, r.liisa, staff.Input{Command: "roster"})
	_, data = ids(ms[0])
	came := staff.RosterPayload("y", r.first, 0)
	if want := []string{came, staff.RosterPayload("n", r.first, 0), staff.RosterPayload("y", r.second, 0), staff.RosterPayload("n", r.second, 0)}; !reflect.DeepEqual(data, want) {
		t.Fatalf("after the session: buttons %q, want %q", data, want)
	}
	ms, toast, _ := r.do(t, r.liisa, staff.Input{Data: came, Pressed: 77})
	if toast.Text.ID != "roster.marked" || len(ms) != 1 || ms[0].Edit != 77 {
		t.Fatalf("marking: %+v, %+v", ms, toast)
	}
	lines, _ = ids(ms[0])
	if lines[4] != "+roster.party_bands+roster.marked_came" || lines[5] != "roster.party" {
		t.Errorf("marked: lines %q", lines)
	}
	// Pekka checks for the same college: he sees Liisa's mark.
	ms, _, _ = r.do(t, r.pekka, staff.Input{Command: "roster"})
	if lines, _ = ids(ms[0]); lines[4] != "+roster.party_bands+roster.marked_came" {
		t.Errorf("Pekka's roster: lines %q", lines)
	}
	var audit []string
	if err := r.db.AuditLog(context.Background(), start.AddDate(0, -1, 0), start, nil, func(a polku.AuditRow) error {
		if strings.HasPrefix(a.Action, "attendance") {
			audit = append(audit, a.Action+" "+a.Detail)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"attendance " + strconv.FormatInt(r.college, 10) + " came"}; !reflect.DeepEqual(audit, want) {
		t.Errorf("audit %q, want %q", audit, want)
	}
	// After polku.MarkDays the marks close.
	*r.now = time.Date(2026, 11, 28, 18, 0, 0, 0, time.UTC)
	_, toast, _ = r.do(t, r.liisa, staff.Input{Data: staff.RosterPayload("n", r.first, 0), Pressed: 77})
	if toast.Text.ID != "roster.marks_closed" {
		t.Errorf("after the marks closed: %+v", toast)
	}
}

// TestRosterForged: a provider acts only on their own organiser's
// sessions, whatever a button's data says; the refusal tells nothing of
// the session and is audited. Someone who is no provider gets nothing.
func TestRosterForged(t *testing.T) {
	r := newRosterRig(t)
	*r.now = time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC)
	for _, data := range []string{
		staff.RosterPayload("y", r.first, 0), staff.RosterPayload("n", r.second, 0), staff.RosterPayload("s", r.college, 0),
		staff.RosterPayload("y", 99999, 0), staff.RosterPayload("s", 99999, 0),
	} {
		ms, toast, handled := r.do(t, r.sami, staff.Input{Data: data, Pressed: 5})
		if !handled || ms != nil || toast.Text.ID != "roster.not_yours" {
			t.Errorf("Sami presses %s: %v %+v %+v", data, handled, ms, toast)
		}
	}
	for _, data := range []string{"R:y:x:0", "R:q:1:0", "R:s:1", "R:s:-1:0"} {
		if _, toast, _ := r.do(t, r.sami, staff.Input{Data: data}); toast.Text.ID != "input.unknown_button" {
			t.Errorf("Sami presses %s: %+v", data, toast)
		}
	}
	var marks int
	apply(t, r.db, r.liisa, func(ctx context.Context, tx *store.Tx) error {
		ro, err := tx.Roster(ctx, r.college)
		for _, p := range ro.Parties {
			if p.Mark != "" {
				marks++
			}
		}
		return err
	})
	if marks != 0 {
		t.Errorf("%d marks after forged presses", marks)
	}
	refused := 0
	if err := r.db.AuditLog(context.Background(), start.AddDate(0, -1, 0), start, nil, func(a polku.AuditRow) error {
		if a.Who == r.sami && strings.HasSuffix(a.Action, "_refused") {
			refused++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if refused != 5 {
		t.Errorf("%d refusals audited, want 5", refused)
	}
	// Sami's own roster is the club's.
	ms, _, _ := r.do(t, r.sami, staff.Input{Command: "roster"})
	if got := ms[0].Lines[0].Text.Data["Title"]; got != "Singing club b" {
		t.Errorf("Sami's roster: %v", got)
	}
	// Not a provider: the commands and the roster's buttons are the
	// family flows', as any unknown one.
	for _, in := range []staff.Input{{Command: "roster"}, {Command: "visits"}, {Data: staff.RosterPayload("y", r.first, 0)}} {
		if ms, toast, handled := r.do(t, 999, in); handled || ms != nil || !reflect.DeepEqual(toast, staff.Line{}) {
			t.Errorf("not a provider's %+v: %v %+v %+v", in, handled, ms, toast)
		}
	}
}

// TestVisitsCommand: /visits is last month, /visits 2026-11 a month; a
// month to come or a run of months is refused with how to ask. The
// month's counts go with the message for the adapter's workbook.
func TestVisitsCommand(t *testing.T) {
	r := newRosterRig(t)
	*r.now = time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC)
	r.do(t, r.liisa, staff.Input{Data: staff.RosterPayload("y", r.first, 0)})
	r.do(t, r.liisa, staff.Input{Data: staff.RosterPayload("n", r.second, 0)})
	*r.now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		arg, month string
		csv        bool
	}{{"", "2026-11", false}, {"2026-11", "2026-11", false}, {"csv", "2026-11", true}, {"2026-10 csv", "2026-10", true}} {
		ms, _, _ := r.do(t, r.pekka, staff.Input{Command: "visits", Arg: tc.arg})
		if len(ms) != 1 || ms[0].Visits == nil || ms[0].CSV != tc.csv || ms[0].Visits.Month.Format("2006-01") != tc.month {
			t.Fatalf("/visits %s: %+v", tc.arg, ms)
		}
		if tc.month != "2026-11" {
			continue
		}
		v := ms[0].Visits
		if len(v.Sessions) != 1 || v.Sessions[0].Parties != 2 || v.Sessions[0].Came != 1 || v.Sessions[0].CamePeople != 3 || v.Organiser != "Esimerkkiopisto" {
			t.Errorf("/visits %s: %+v", tc.arg, v)
		}
		if got := ms[0].Lines[2].Text.Data; got["Came"] != 1 || got["CamePeople"] != 3 {
			t.Errorf("/visits %s: the summary's came %v", tc.arg, got)
		}
	}
	for arg, want := range map[string]string{"2027-01": "visits.period_future", "2026-10..2026-11": "visits.period_format", "marraskuu": "visits.period_format"} {
		ms, _, _ := r.do(t, r.pekka, staff.Input{Command: "visits", Arg: arg})
		if len(ms) != 1 || ms[0].Visits != nil || ms[0].Lines[0].Text.ID != want {
			t.Errorf("/visits %s: %+v, want %s", arg, ms, want)
		}
	}
}

// TestRosterPayloadFits: a roster button's data fits Telegram's 64 bytes
// with the largest numbers it can carry.
func TestRosterPayloadFits(t *testing.T) {
	for _, a := range []string{"s", "y", "n"} {
		if p := staff.RosterPayload(a, math.MaxInt64, math.MaxInt32); len(p) > 64 {
			t.Errorf("%s: %d bytes", p, len(p))
		}
	}
}

// TestRosterPages: a session with more parties than a screen holds is
// shown RosterPage parties at a time, numbered on, and a mark keeps the
// page it was given on.
func TestRosterPages(t *testing.T) {
	r := newRosterRig(t)
	var last int64
	for chat := int64(601); chat < 611; chat++ {
		apply(t, r.db, chat, func(ctx context.Context, tx *store.Tx) error {
			if err := tx.RecordConsent(ctx, "fi", "v1", ""); err != nil {
				return err
			}
			_, su, err := tx.SignUp(ctx, r.college, 1, 0, start, polku.DefaultReminders(time.UTC))
			last = su.ID
			return err
		})
	}
	*r.now = time.Date(2026, 11, 25, 18, 30, 0, 0, time.UTC)
	ms, _, _ := r.do(t, r.liisa, staff.Input{Command: "roster"})
	lines, data := ids(ms[0])
	if parties := strings.Count(strings.Join(lines, " "), "roster.party"); parties != staff.RosterPage {
		t.Errorf("first page: %d parties, want %d", parties, staff.RosterPage)
	}
	next := staff.RosterPayload("s", r.college, 1)
	if len(data) != 2*staff.RosterPage+1 || data[len(data)-1] != next {
		t.Fatalf("first page's buttons %q: want a pair a party and %s", data, next)
	}
	ms, _, _ = r.do(t, r.liisa, staff.Input{Data: next, Pressed: 9})
	_, data = ids(ms[0])
	mark := staff.RosterPayload("y", last, 1)
	// Parties 11 and 12 (the last to sign up), and back to the first page.
	if len(data) != 5 || data[2] != mark || data[4] != staff.RosterPayload("s", r.college, 0) {
		t.Fatalf("second page's buttons %q", data)
	}
	if got := ms[0].Lines[4].Text.Data["Number"]; got != 11 {
		t.Errorf("the second page begins with party %v, want 11", got)
	}
	ms, _, _ = r.do(t, r.liisa, staff.Input{Data: mark, Pressed: 9})
	if _, data = ids(ms[0]); len(data) != 5 {
		t.Errorf("after a mark on the second page: buttons %q", data)
	}
}
