package staff_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

// TestReportCounts: what coordinators and providers do is counted for the
// managers' report where they do it: the case opened and its first answer
// (the minutes within office hours; the second answer is not measured;
// a case whose answers are shared after it opened moves to their
// municipality),
// its outcome by the case's municipality, and a card visit by the
// activity's category and organiser.
func TestReportCounts(t *testing.T) {
	ctx := context.Background()
	now := start // a Monday, 9.00
	clock := func() time.Time { return now }
	db := newDB(t, clock)
	hours, err := polku.ParseOfficeHours("mon-fri 9-16", "", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	cfg := staff.Config{Now: clock, HasGroup: true, Hours: hours, VerifyPerHour: 60}
	cases, coord, providers := staff.NewCases(cfg), staff.NewCoordinators(cfg), staff.NewProviders(cfg)

	conv := flows.Conversation{Lang: "fi", Answers: polku.Answers{Municipality: "Kuusamo", Children: map[polku.AgeBand]int{polku.Age3to6: 1}}}
	var c polku.Case
	apply(t, db, family, func(ctx context.Context, stx *store.Tx) error {
		var err error
		c, _, _, err = cases.Open(ctx, caseTx{tx{stx}}, conv, true, false)
		return err
	})
	// Another family asks for a person first and shares its answers then:
	// its case moves to its municipality.
	const later int64 = 502
	for _, share := range []bool{false, true} {
		apply(t, db, later, func(ctx context.Context, stx *store.Tx) error {
			_, _, _, err := cases.Open(ctx, caseTx{tx{stx}}, conv, share, false)
			return err
		})
	}
	const thread = 99
	if _, err := db.EnsureTopic(ctx, c.ID, func() (int, error) { return thread, nil }); err != nil {
		t.Fatal(err)
	}
	// Asked at 9.00 on Monday; answered at 16.30 (7 hours within office
	// hours), and again on Tuesday.
	for _, at := range []time.Duration{7*time.Hour + 30*time.Minute, 26 * time.Hour} {
		now = start.Add(at)
		apply(t, db, group, func(ctx context.Context, stx *store.Tx) error {
			_, err := coord.Relay(ctx, tx{stx}, staff.Input{User: aino, Name: "Aino", Chat: group, Thread: thread, Message: 5, Text: "Hei!"})
			return err
		})
	}
	press(t, db, coord, aino, "Aino", staff.CasePayload("out", c.ID, string(polku.OutcomeActivities)))

	// A provider of the library checks the family's card.
	story := polku.Activity{Organiser: "kuusamo-library", ExternalID: "story", Title: polku.Localized{"fi": "Satutunti"},
		Categories: []polku.Category{polku.CategoryCulture, polku.CategoryArt}, Municipality: "Kuusamo", Status: polku.StatusScheduled,
		Sessions: []polku.Session{{ExternalID: "1", Start: now.Add(2 * time.Hour), Capacity: 10, Status: polku.StatusScheduled}}}
	if _, err := db.ImportCatalogue(ctx, []polku.Activity{story}, now, polku.DefaultReminders(time.UTC)); err != nil {
		t.Fatal(err)
	}
	const liisa int64 = 301
	var card polku.Card
	apply(t, db, group, func(ctx context.Context, stx *store.Tx) error {
		p, _, err := stx.AddProvider(ctx, "kuusamo-library", "Liisa", aino, 7)
		if err != nil {
			return err
		}
		if _, err := stx.LinkProvider(ctx, p.LinkCode, liisa, "Liisa"); err != nil {
			return err
		}
		card, err = stx.IssueCard(ctx, c, aino, store.CardTerms{Days: 30, Visits: 5})
		return err
	})
	apply(t, db, liisa, func(ctx context.Context, stx *store.Tx) error {
		_, _, _, err := providers.Handle(ctx, stx, staff.Input{User: liisa, Name: "Liisa", Chat: liisa, Lang: "fi", Command: "start", Arg: "card_" + card.Code})
		return err
	})

	f, err := db.ReportFigures(ctx, start, start, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Figures{"Kuusamo": {
		Families: map[string]int{}, Referrals: map[string]int{},
		Use:         map[store.Activity]store.Use{{Category: "culture", Organiser: "kuusamo-library"}: {Visits: 1}},
		CasesOpened: 2, FirstAnswer: []float64{7 * 60}, Outcomes: map[string]int{"activities": 1}, Feedback: map[int]int{},
	}}
	if len(f) != 1 || f["Kuusamo"] == nil || !reflect.DeepEqual(*f["Kuusamo"], *want["Kuusamo"]) {
		for m, a := range f {
			t.Errorf("%q: %+v", m, *a)
		}
		t.Errorf("want %+v", *want["Kuusamo"])
	}
}
