package staff_test

import (
	"context"
	"testing"
	"time"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

// routedTx is the family's transaction with its municipality's group, as
// the bot's caseTx has it.
type routedTx struct {
	caseTx
	route int64
}

func (t routedTx) OpenCase(ctx context.Context, r staff.CaseRequest) (c, before polku.Case, did staff.Opening, err error) {
	c, before, opening, err := t.Tx.OpenCase(ctx, store.CaseRequest{Share: r.Share, Municipality: r.Municipality, Bands: r.Bands, Group: t.route})
	return c, before, map[store.Opening]staff.Opening{store.CaseNew: staff.New, store.CaseReopened: staff.Reopened}[opening], err
}

// TestReopenedInAnotherGroup: a family whose case closed and who now lives
// in a municipality of another group writes again: the case goes on there
// as a new topic with its summary, and the old group's topic is deleted
// with a line in its General topic.
func TestReopenedInAnotherGroup(t *testing.T) {
	const other int64 = -1002
	clock := func() time.Time { return start.Add(time.Hour) }
	db := newDB(t, clock)
	s := staff.NewCases(staff.Config{Now: clock, HasGroup: true})
	open := func(route int64, m string) (polku.Case, []staff.Message) {
		var c polku.Case
		var ms []staff.Message
		apply(t, db, family, func(ctx context.Context, stx *store.Tx) error {
			var err error
			c, ms, _, err = s.Open(ctx, routedTx{caseTx{tx{stx}}, route}, flows.Conversation{Lang: "fi", Answers: polku.Answers{Municipality: m}}, true, false)
			return err
		})
		return c, ms
	}
	c, _ := open(group, "Kuusamo")
	if _, err := db.EnsureTopic(context.Background(), c.ID, func() (int, error) { return 9, nil }); err != nil {
		t.Fatal(err)
	}
	apply(t, db, group, func(ctx context.Context, stx *store.Tx) error {
		_, err := stx.CloseCase(ctx, c.ID, polku.OutcomeActivities)
		return err
	})
	again, ms := open(other, "Kalajoki")
	if again.Group != other {
		t.Fatalf("reopened in group %d, want %d", again.Group, other)
	}
	var deleted, told, pinned bool
	for _, m := range ms {
		switch {
		case m.To == staff.Thread && m.Kind == staff.DeleteTopic && m.Thread == 9 && m.Group == group:
			deleted = true
		case m.To == staff.Thread && m.Group == group && len(m.Lines) == 1 && m.Lines[0].Text.ID == "coord.reopened_elsewhere":
			told = true
		case m.To == staff.Topic && m.Kind == staff.PinSummary && m.Group == 0:
			pinned = true
		}
	}
	if !deleted || !told || !pinned {
		t.Errorf("old topic deleted %v, old group told %v, summary pinned in the new %v: %+v", deleted, told, pinned, ms)
	}
}
