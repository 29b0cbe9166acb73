package store

import (
	"context"
	"testing"

	"polku"
)

// TestCasesByGroup: a case belongs to the group it opened in. Topics are
// numbered per group, so the same number in two groups is two cases; a
// group reaches only its own cases; a moved case leaves its topic and its
// coordinator, keeps the municipality it was moved to when the family
// writes again, and earlier cases take their municipality's group.
func TestCasesByGroup(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	ctx := context.Background()
	kuusamo, _ := openCase(t, db, 1, CaseRequest{Municipality: "Kuusamo", Group: group, Share: true})
	kalajoki, _ := openCase(t, db, 2, CaseRequest{Municipality: "Kalajoki", Group: otherGroup, Share: true})
	for _, c := range []polku.Case{kuusamo, kalajoki} {
		if _, err := db.EnsureTopic(ctx, c.ID, func() (int, error) { return 5, nil }); err != nil {
			t.Fatalf("topic 5 of case %d: %v", c.ID, err)
		}
	}
	inTx(t, db, otherGroup, func(ctx context.Context, tx *Tx) error {
		c, err := tx.CaseByThread(ctx, otherGroup, 5)
		if err != nil || c.ID != kalajoki.ID {
			t.Errorf("topic 5 of the other group: case %d, %v; want %d", c.ID, err, kalajoki.ID)
		}
		if _, err := tx.InGroup(ctx, otherGroup, kuusamo.ID); polku.ErrorCode(err) != polku.ENOTFOUND {
			t.Errorf("the other group reached Kuusamo's case: %v", err)
		}
		open, err := tx.OpenCases(ctx, otherGroup)
		if err != nil || len(open) != 1 || open[0].ID != kalajoki.ID {
			t.Errorf("the other group's open cases: %v, %v", open, err)
		}
		return nil
	})
	if _, err := claim(db, group, kuusamo.ID, aino, "Aino"); err != nil {
		t.Fatal(err)
	}
	var before, after polku.Case
	inTx(t, db, group, func(ctx context.Context, tx *Tx) error {
		var err error
		before, after, err = tx.MoveCase(ctx, kuusamo.ID, "Kalajoki", otherGroup)
		return err
	})
	if before.Group != group || before.Thread != 5 || after.Group != otherGroup || after.Thread != 0 || after.ClaimedBy != 0 || after.Municipality != "Kalajoki" {
		t.Errorf("moved: before %+v, after %+v", before, after)
	}
	again, _ := openCase(t, db, 1, CaseRequest{Municipality: "Kuusamo", Group: group, Share: true})
	if again.Municipality != "Kalajoki" || again.Group != otherGroup {
		t.Errorf("the family wrote again: case in %s, group %d; want Kalajoki's", again.Municipality, again.Group)
	}
	// Cases from before groups (0): one with a topic stays in the group
	// its topic is in (the one there was), one without goes to its
	// municipality's.
	const legacy int64 = -1009
	old, _ := openCase(t, db, 3, CaseRequest{Municipality: "Kuusamo"})
	topicked, _ := openCase(t, db, 4, CaseRequest{Municipality: "Kalajoki"})
	if _, err := db.EnsureTopic(ctx, topicked.ID, func() (int, error) { return 77, nil }); err != nil {
		t.Fatal(err)
	}
	if err := db.AdoptCases(ctx, legacy, func(m string) int64 { return map[string]int64{"Kuusamo": group, "Kalajoki": otherGroup}[m] }); err != nil {
		t.Fatal(err)
	}
	if c, err := db.CaseTopic(ctx, old.ID); err != nil || c.Group != group {
		t.Errorf("an earlier case without a topic: group %d, %v; want its municipality's %d", c.Group, err, group)
	}
	if c, err := db.CaseTopic(ctx, topicked.ID); err != nil || c.Group != legacy || c.Thread != 77 {
		t.Errorf("an earlier case with a topic: group %d, topic %d, %v; want the one group there was, %d, topic 77", c.Group, c.Thread, err, legacy)
	}
}

// TestProvidersIn: a coordinators' group of some municipalities adds
// providers only for the organisers of activities there, or welcoming
// their families.
func TestProvidersIn(t *testing.T) {
	db := newDB(t)
	setClock(db, t0)
	seeded(db)
	kalajoki := act("k", sess("1", day5, 10))
	kalajoki.Organiser, kalajoki.Municipality = "kalajoki-museum", "Kalajoki"
	welcoming := act("w", sess("1", day5, 10))
	welcoming.Organiser, welcoming.Neighbours = "kuusamo-club", []string{"Kalajoki"}
	importAt(t, db, t0, act("a", sess("1", day5, 10)), kalajoki, welcoming)
	inTx(t, db, otherGroup, func(ctx context.Context, tx *Tx) error {
		orgs, err := tx.OrganisersIn(ctx, []string{"Kalajoki"})
		if err != nil || len(orgs) != 2 || orgs[0] != "kalajoki-museum" || orgs[1] != "kuusamo-club" {
			t.Errorf("Kalajoki's organisers: %v, %v", orgs, err)
		}
		if _, _, err := tx.AddProviderIn(ctx, []string{"Kalajoki"}, "kuusamo-library", "Liisa", aino, 7); polku.ErrorCode(err) != polku.ENOTFOUND {
			t.Errorf("Kuusamo's library from Kalajoki's group: %v, want not found", err)
		}
		p, _, err := tx.AddProviderIn(ctx, []string{"Kalajoki"}, "museum", "Mika", aino, 7)
		if err != nil || p.Organiser != "kalajoki-museum" {
			t.Errorf("Kalajoki's museum: %+v, %v", p, err)
		}
		return nil
	})
}

// TestReopenedElsewhere: a closed case opened again after the family's
// municipality became another group's goes on in that group, without its
// old topic or coordinator; an open case stays, and so does a case a
// coordinator moved by hand.
func TestReopenedElsewhere(t *testing.T) {
	// Telegram's supergroup IDs are beyond 32 bits.
	const group, otherGroup int64 = -1001000000001, -1001000000002
	db := newDB(t)
	setClock(db, t0)
	ctx := context.Background()
	c, _ := openCase(t, db, 1, CaseRequest{Municipality: "Kuusamo", Group: group, Share: true})
	if _, err := db.EnsureTopic(ctx, c.ID, func() (int, error) { return 5, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := claim(db, group, c.ID, aino, "Aino"); err != nil {
		t.Fatal(err)
	}
	if again, _ := openCase(t, db, 1, CaseRequest{Municipality: "Kalajoki", Group: otherGroup, Share: true}); again.Group != group || again.Thread != 5 {
		t.Errorf("an open case went to group %d, topic %d: want it kept", again.Group, again.Thread)
	}
	mustClose(t, db, c.ID, polku.OutcomeActivities)
	again, did := openCase(t, db, 1, CaseRequest{Municipality: "Kalajoki", Group: otherGroup, Share: true})
	if did != CaseReopened || again.Group != otherGroup || again.Thread != 0 || again.ClaimedBy != 0 {
		t.Errorf("reopened elsewhere: %v, group %d, topic %d, claimed by %d", did, again.Group, again.Thread, again.ClaimedBy)
	}
	// Moved by hand, it keeps the group it was moved to.
	inTx(t, db, otherGroup, func(ctx context.Context, tx *Tx) error {
		_, _, err := tx.MoveCase(ctx, c.ID, "Kuusamo", group)
		return err
	})
	mustClose(t, db, c.ID, polku.OutcomeActivities)
	if kept, _ := openCase(t, db, 1, CaseRequest{Municipality: "Kalajoki", Group: otherGroup, Share: true}); kept.Group != group {
		t.Errorf("a moved case reopened in group %d, want the one it was moved to", kept.Group)
	}
}
