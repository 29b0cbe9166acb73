package staff_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

// TestResettled: a family whose case is open changes its municipality.
// Within the case's group nothing is said; for another group's
// municipality the topic gets one line with a button, not naming the
// municipality of a family that shares no answers; the button refuses to
// move a case moved by hand since the answer, and moves one that was not;
// a closed case gets no line.
func TestResettled(t *testing.T) {
	const other int64 = -1002
	now := start
	clock := func() time.Time { return now }
	db := newDB(t, clock)
	service := polku.Service{Municipalities: []polku.Municipality{
		{ID: "Kuusamo", Name: polku.Localized{"fi": "Kuusamo"}, Settings: polku.Settings{Group: group}},
		{ID: "Kalajoki", Name: polku.Localized{"fi": "Kalajoki"}, Settings: polku.Settings{Group: other}},
		{ID: "Posio", Name: polku.Localized{"fi": "Posio"}, Settings: polku.Settings{Group: group}},
	}}
	cfg := staff.Config{Now: clock, HasGroup: true, Service: service}
	cases, coord := staff.NewCases(cfg), staff.NewCoordinators(cfg)

	var c polku.Case
	apply(t, db, family, func(ctx context.Context, stx *store.Tx) error {
		if err := stx.RecordConsent(ctx, "fi", "v1", ""); err != nil {
			return err
		}
		var err error
		c, _, _, err = cases.Open(ctx, routedTx{caseTx{tx{stx}}, group}, flows.Conversation{Lang: "fi", Answers: polku.Answers{Municipality: "Kuusamo"}}, false, false)
		return err
	})
	// resettled saves the family's answer and returns the line of its
	// case's topic.
	resettled := func(was, to string) []staff.Message {
		var ms []staff.Message
		apply(t, db, family, func(ctx context.Context, stx *store.Tx) error {
			if _, err := stx.SaveProfile(ctx, "fi", polku.Answers{Municipality: to, Contact: polku.ContactNone,
				Children: map[polku.AgeBand]int{polku.Age7to12: 1}}); err != nil {
				return err
			}
			var err error
			ms, err = cases.Resettled(ctx, caseTx{tx{stx}}, was, to)
			return err
		})
		return ms
	}
	// press presses a button of the case's topic in its group.
	press := func(data string) ([]staff.Message, staff.Line) {
		var ms []staff.Message
		var notice staff.Line
		apply(t, db, group, func(ctx context.Context, stx *store.Tx) error {
			var err error
			ms, notice, err = coord.Button(ctx, tx{stx}, staff.Input{User: aino, Name: "Aino", Data: data})
			return err
		})
		return ms, notice
	}

	if ms := resettled("Kuusamo", "Posio"); len(ms) != 0 {
		t.Errorf("a municipality of the case's own group: %+v, want nothing", ms)
	}
	ms := resettled("Posio", "Kalajoki")
	if len(ms) != 1 || ms[0].To != staff.Topic || ms[0].Case != c.ID || len(ms[0].Lines) != 1 || ms[0].Lines[0].Text.ID != "coord.resettled_unshared" ||
		len(ms[0].Buttons) != 1 || len(ms[0].Buttons[0]) != 1 || ms[0].Buttons[0][0].Label.Text.ID != "case.button.move_theirs" {
		t.Fatalf("another group's municipality, answers not shared: %+v", ms)
	}
	button := ms[0].Buttons[0][0].Data
	if want := staff.CasePayload("moveto", c.ID, "1") + ":"; !strings.HasPrefix(button, want) || len(button) > 64 {
		t.Errorf("button data %q, want %q and the answer's time, at most 64 bytes", button, want)
	}

	// Moved by hand to Kalajoki and back since the answer: the line's
	// button is out of date.
	now = now.Add(time.Minute)
	apply(t, db, group, func(ctx context.Context, stx *store.Tx) error {
		if _, _, err := stx.MoveCase(ctx, c.ID, "Kalajoki", other); err != nil {
			return err
		}
		_, _, err := stx.MoveCase(ctx, c.ID, "Kuusamo", group)
		return err
	})
	got, notice := press(button)
	if notice.Text.ID != "coord.moved_since" || len(got) != 1 || got[0].To != staff.Pressed || got[0].Buttons != nil {
		t.Errorf("moved by hand since: notice %q, %+v; want coord.moved_since and the button gone", notice.Text.ID, got)
	}

	// Told again after the move, the button moves the case.
	now = now.Add(time.Minute)
	ms = resettled("Kuusamo", "Kalajoki")
	if len(ms) != 1 {
		t.Fatalf("told again: %+v", ms)
	}
	got, notice = press(ms[0].Buttons[0][0].Data)
	if notice.Text.ID != "coord.moved_you" || len(got) == 0 || got[0].Kind != staff.Moved || got[0].Group != other {
		t.Errorf("the line's button: notice %q, %+v; want the case moved to group %d", notice.Text.ID, got, other)
	}

	// A closed case opens again in its family's group by itself: no line.
	apply(t, db, other, func(ctx context.Context, stx *store.Tx) error {
		_, err := stx.CloseCase(ctx, c.ID, polku.OutcomeActivities)
		return err
	})
	if ms := resettled("Kalajoki", "Kuusamo"); len(ms) != 0 {
		t.Errorf("a closed case: %+v, want nothing", ms)
	}
}
