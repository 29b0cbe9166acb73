package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"polku"
)

func rosterOf(t *testing.T, db *DB, session int64) polku.Roster {
	t.Helper()
	ro, err := get(db, 201, func(ctx context.Context, tx *Tx) (polku.Roster, error) { return tx.Roster(ctx, session) })
	if err != nil {
		t.Fatal(err)
	}
	return ro
}

func mark(db *DB, p polku.Provider, signup int64, m polku.Mark) (int64, error) {
	return get(db, p.UserID, func(ctx context.Context, tx *Tx) (int64, error) { return tx.MarkAttendance(ctx, signup, p, m) })
}

// parties writes a roster's parties as "people bands mark".
func parties(ro polku.Roster) []string {
	var out []string
	for _, p := range ro.Parties {
		out = append(out, fmt.Sprintf("%d %v %s", p.People(), p.Bands, p.Mark))
	}
	return out
}

// TestRoster: an organiser's roster lists its own scheduled sessions in
// the window, and a session's parties with the bands of the children of
// families who saved answers, in the order they signed up; the waiting
// list is counted, not listed.
func TestRoster(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	later := act("d", sess("1", t0.AddDate(0, 0, 20), 10), sess("2", day5.Add(24*time.Hour), 10))
	off := sess("3", day5.Add(48*time.Hour), 10)
	off.Status = polku.StatusCancelled
	later.Sessions = append(later.Sessions, off)
	sports := act("c", sess("1", day5, 10))
	sports.Organiser = "kuusamo-sports"
	importAt(t, db, t0, act("a", sess("1", day5, 4)), act("b", sess("1", t0.Add(2*time.Hour), 10)), sports, later)

	got, err := get(db, 201, func(ctx context.Context, tx *Tx) ([]polku.Roster, error) {
		return tx.RosterSessions(ctx, "kuusamo-library", t0, t0.AddDate(0, 0, 14))
	})
	if err != nil {
		t.Fatal(err)
	}
	var list []string
	for _, ro := range got {
		list = append(list, fmt.Sprintf("%s %s %s", ro.Title.In("en"), ro.Session.Start.In(helsinki).Format("02.01. 15:04"), ro.Organiser))
	}
	want := []string{"Story hour b 01.12. 12:00 kuusamo-library", "Story hour a 05.12. 17:00 kuusamo-library", "Story hour d 06.12. 17:00 kuusamo-library"}
	if !reflect.DeepEqual(list, want) {
		t.Errorf("sessions %q, want %q (not the sports club's, not a cancelled one, not after the window)", list, want)
	}

	s := sessionID(t, db, "a", "1")
	for chat, children := range map[int64]map[polku.AgeBand]int{1: {polku.Age7to12: 1, polku.Age0to2: 1}, 2: nil} {
		consent(t, db, chat)
		if children != nil {
			inTx(t, db, chat, func(ctx context.Context, tx *Tx) error {
				_, err := tx.SaveProfile(ctx, "fi", polku.Answers{Municipality: "Kuusamo", Children: children, Contact: polku.ContactNone})
				return err
			})
		}
	}
	mustJoin(t, db, 1, s, 2, 1, polku.OutcomeConfirmed)
	mustJoin(t, db, 2, s, 1, 0, polku.OutcomeConfirmed)
	consent(t, db, 3)
	mustJoin(t, db, 3, s, 2, 2, polku.OutcomeWaiting)
	ro := rosterOf(t, db, s)
	if want := []string{"3 [0-2 7-12] ", "1 [] "}; !reflect.DeepEqual(parties(ro), want) {
		t.Errorf("parties %q, want %q", parties(ro), want)
	}
	if ro.Organiser != "kuusamo-library" || ro.Session.Waiting != 4 || ro.Session.Taken != 4 {
		t.Errorf("roster %+v: want the library's, 4 seats taken and 4 waiting", ro)
	}
	if _, err := get(db, 201, func(ctx context.Context, tx *Tx) (polku.Roster, error) { return tx.Roster(ctx, 9999) }); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("no such session: %v", err)
	}
}

// TestMarkAttendance: a provider marks only its own organiser's
// confirmed sign-ups, from the session's start until polku.MarkDays after
// its end; the mark stands beside the family's answer, and the report's
// attendances follow the mark where there is one.
func TestMarkAttendance(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	library(t, db)
	lib := provider(t, db, "library", "Liisa", 201)
	sports := provider(t, db, "sports", "Sami", 202)
	s := sessionID(t, db, "a", "1")
	consent(t, db, 1)
	consent(t, db, 2)
	one := mustJoin(t, db, 1, s, 1, 1, polku.OutcomeConfirmed)
	two := mustJoin(t, db, 2, s, 2, 0, polku.OutcomeConfirmed)

	if _, err := mark(db, lib, one.ID, polku.MarkCame); polku.ErrorCode(err) != polku.ECONFLICT {
		t.Errorf("before the session: %v, want ECONFLICT", err)
	}
	clk.set(day5.Add(time.Hour))
	if _, err := mark(db, sports, one.ID, polku.MarkCame); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("another organiser's provider: %v, want ENOTFOUND", err)
	}
	if _, err := mark(db, lib, 9999, polku.MarkCame); polku.ErrorCode(err) != polku.ENOTFOUND {
		t.Errorf("no such sign-up: %v, want ENOTFOUND", err)
	}
	if _, err := mark(db, lib, one.ID, "maybe"); polku.ErrorCode(err) != polku.EINVALID {
		t.Errorf("no mark: %v, want EINVALID", err)
	}
	// The family said it came; the provider marks it absent: the report
	// no longer counts it, and the family's answer is kept.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Attend(ctx, one.ID, polku.Attended, clk.read()) })
	if n := stat(t, db, kindAttended); n != 1 {
		t.Fatalf("attended after the family's yes: %d", n)
	}
	if got, err := mark(db, lib, one.ID, polku.MarkAbsent); err != nil || got != s {
		t.Fatalf("mark: %d, %v", got, err)
	}
	if n, m := stat(t, db, kindAttended), stat(t, db, kindAttenders1); n != 0 || m != 0 {
		t.Errorf("attended %d, attenders %d after the provider's absent; want 0, 0", n, m)
	}
	if answer := scalar[string](t, db, `SELECT attendance FROM signups WHERE id = $1`, one.ID); answer != "yes" {
		t.Errorf("the family's answer became %q", answer)
	}
	// The family answering again changes nothing the report counts.
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Attend(ctx, one.ID, polku.NotAttended, clk.read()) })
	inTx(t, db, 1, func(ctx context.Context, tx *Tx) error { return tx.Attend(ctx, one.ID, polku.Attended, clk.read()) })
	if n := stat(t, db, kindAttended); n != 0 {
		t.Errorf("attended %d after the family answered again over a mark", n)
	}
	// Changed to came, and a second party marked: both count, once.
	for _, m := range []struct {
		id   int64
		mark polku.Mark
	}{{one.ID, polku.MarkCame}, {one.ID, polku.MarkCame}, {two.ID, polku.MarkCame}} {
		if _, err := mark(db, lib, m.id, m.mark); err != nil {
			t.Fatal(err)
		}
	}
	if n, m := stat(t, db, kindAttended), stat(t, db, kindAttenders1); n != 2 || m != 2 {
		t.Errorf("attended %d, attenders %d; want 2, 2", n, m)
	}
	if got := parties(rosterOf(t, db, s)); !reflect.DeepEqual(got, []string{"2 [] came", "2 [] came"}) {
		t.Errorf("roster %q", got)
	}
	if by := scalar[int64](t, db, `SELECT marked_by FROM signups WHERE id = $1`, two.ID); by != lib.ID {
		t.Errorf("marked by %d, want %d", by, lib.ID)
	}
	// Until MarkDays after the end, not a moment longer.
	clk.set(day5.Add(2*time.Hour).AddDate(0, 0, polku.MarkDays).Add(-time.Minute))
	if _, err := mark(db, lib, two.ID, polku.MarkAbsent); err != nil {
		t.Errorf("a minute before the marks close: %v", err)
	}
	clk.set(day5.Add(2*time.Hour).AddDate(0, 0, polku.MarkDays))
	if _, err := mark(db, lib, two.ID, polku.MarkCame); polku.ErrorCode(err) != polku.ECONFLICT {
		t.Errorf("when the marks close: %v, want ECONFLICT", err)
	}
}

// TestVisits: an organiser's month counts each session's sign-ups and
// people, those the providers marked as come and those not marked (not
// the families' own answers); and the card visits its providers
// checked, by activity. Another organiser's and another month's are not
// in it.
func TestVisits(t *testing.T) {
	db := newDB(t)
	clk := setClock(db, t0)
	seeded(db)
	a, _, c := library(t, db)
	lib := provider(t, db, "library", "Liisa", 201)
	sports := provider(t, db, "sports", "Sami", 202)
	sa, sc := sessionID(t, db, "a", "1"), sessionID(t, db, "c", "1")
	var ups []polku.SignUp
	for chat := int64(1); chat <= 4; chat++ {
		consent(t, db, chat)
		ups = append(ups, mustJoin(t, db, chat, sa, int(chat%2)+1, 1, polku.OutcomeConfirmed))
	}
	consent(t, db, 5)
	mustJoin(t, db, 5, sc, 1, 1, polku.OutcomeConfirmed)
	clk.set(day5.Add(time.Hour))
	for _, m := range []struct {
		i    int
		mark polku.Mark
	}{{0, polku.MarkCame}, {1, polku.MarkCame}, {2, polku.MarkAbsent}} {
		if _, err := mark(db, lib, ups[m.i].ID, m.mark); err != nil {
			t.Fatal(err)
		}
	}
	// The family's own yes is not the provider's to know.
	inTx(t, db, 4, func(ctx context.Context, tx *Tx) error { return tx.Attend(ctx, ups[3].ID, polku.Attended, clk.read()) })
	// Card visits: two at a, one without an activity, and the sports
	// club's own.
	for chat := int64(11); chat <= 14; chat++ {
		cs, _ := openCase(t, db, chat, CaseRequest{})
		card := mustIssue(t, db, cs, CardTerms{Days: 10})
		p, at := lib, a
		switch chat {
		case 13:
			at = 0
		case 14:
			p, at = sports, c
		}
		if _, _, _, err := verify(db, p, card.Code, at); err != nil {
			t.Fatal(err)
		}
	}
	v, err := get(db, 201, func(ctx context.Context, tx *Tx) (polku.Visits, error) {
		return tx.Visits(ctx, "kuusamo-library", time.Date(2026, 12, 17, 0, 0, 0, 0, helsinki))
	})
	if err != nil {
		t.Fatal(err)
	}
	if !v.Month.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, helsinki)) || v.Organiser != "kuusamo-library" {
		t.Errorf("visits of %s %v", v.Organiser, v.Month)
	}
	var got []string
	for _, s := range v.Sessions {
		got = append(got, fmt.Sprintf("%s %s: %d/%d came %d/%d unmarked %d", s.Title.In("en"), s.Start.In(helsinki).Format("02.01. 15:04"),
			s.Parties, s.People, s.Came, s.CamePeople, s.Unmarked))
	}
	for _, cv := range v.Cards {
		got = append(got, fmt.Sprintf("cards %s: %d", cv.Title.In("en"), cv.Visits))
	}
	want := []string{
		"Story hour b 01.12. 12:00: 0/0 came 0/0 unmarked 0",
		"Story hour a 05.12. 17:00: 4/10 came 2/5 unmarked 1",
		"cards Story hour a: 2",
		"cards : 1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("visits\n%q\nwant\n%q", got, want)
	}
	nov, err := get(db, 201, func(ctx context.Context, tx *Tx) (polku.Visits, error) {
		return tx.Visits(ctx, "kuusamo-library", time.Date(2026, 11, 1, 0, 0, 0, 0, helsinki))
	})
	if err != nil || len(nov.Sessions)+len(nov.Cards) != 0 {
		t.Errorf("November: %+v, %v", nov, err)
	}
}
