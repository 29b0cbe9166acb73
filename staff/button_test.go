package staff_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"polku"
	"polku/staff"
	"polku/store"
)

// press is what coordinator user (named name) gets for pressing data.
func press(t *testing.T, db *store.DB, s *staff.Coordinators, user int64, name, data string) ([]staff.Message, staff.Line) {
	t.Helper()
	var ms []staff.Message
	var toast staff.Line
	apply(t, db, group, func(ctx context.Context, stx *store.Tx) error {
		var err error
		ms, toast, err = s.Button(ctx, tx{stx}, staff.Input{User: user, Name: name, Data: data})
		return err
	})
	return ms, toast
}

func TestButtons(t *testing.T) {
	clock := func() time.Time { return start }
	db := newDB(t, clock)
	s := staff.NewCoordinators(staff.Config{Now: clock})
	c := openCase(t, db, store.CaseRequest{Urgent: true}, 0)
	const bertta int64 = 102
	id := c.ID
	data := func(action string) string { return fmt.Sprintf("C:%s:%d", action, id) }
	keys := func(c polku.Case) staff.Message {
		return staff.Message{To: staff.Pressed, Case: id, Buttons: staff.CaseKeys(c)}
	}
	topic := func(l staff.Line) staff.Message {
		return staff.Message{To: staff.Topic, Case: id, Lines: []staff.Line{l}}
	}
	claimed := c
	claimed.ClaimedBy, claimed.ClaimedName = aino, "Aino"
	closed := claimed
	closed.Status, closed.Urgent = polku.CaseClosed, false
	outcome := polku.Outcomes[0]

	for _, tc := range []struct {
		name      string
		user      int64
		who, data string
		want      []staff.Message
		toast     staff.Line
	}{
		{"forged", aino, "Aino", "C:claim:x", nil, staff.L("input.unknown_button", nil)},
		{"gone", aino, "Aino", "C:claim:999", nil, staff.L("coord.case_gone", nil)},
		{"not claimed", aino, "Aino", data("release"), []staff.Message{keys(c)}, staff.L("coord.not_claimed", nil)},
		{"claim", aino, "Aino", data("claim"), []staff.Message{keys(claimed), topic(staff.L("coord.claimed", map[string]any{"Name": "Aino"}))},
			staff.L("coord.claimed_you", nil)},
		{"claim again", aino, "Aino", data("claim"), nil, staff.L("coord.yours", nil)},
		{"claimed by another", bertta, "Bertta", data("claim"), nil, staff.L("coord.claimed_by", map[string]any{"Name": "Aino"})},
		{"none held", aino, "Aino", data("held"), []staff.Message{{To: staff.Pressed, Case: id}}, staff.L("coord.held_none", nil)},
		{"bad outcome", aino, "Aino", data("out") + ":maybe", nil, staff.L("input.unknown_button", nil)},
		{"close", aino, "Aino", data("out") + ":" + string(outcome), []staff.Message{
			keys(closed),
			topic(staff.L("coord.closed", map[string]any{"Name": "Aino", "Outcome": staff.L("outcome."+string(outcome), nil).Text})),
			{To: staff.Topic, Kind: staff.CloseTopic, Case: id},
			{To: staff.Topic, Kind: staff.Retitle, Case: id, Lines: []staff.Line{staff.Raw(fmt.Sprintf("#%d", id))}},
			{To: staff.Family, Chat: family, Later: true, Lines: []staff.Line{staff.L("feedback.question", nil)}, Buttons: [][]staff.Button{{
				{Label: staff.L("feedback.value", map[string]any{"Value": 1}), Data: fmt.Sprintf("F:%d:1", id)},
				{Label: staff.L("feedback.value", map[string]any{"Value": 2}), Data: fmt.Sprintf("F:%d:2", id)},
				{Label: staff.L("feedback.value", map[string]any{"Value": 3}), Data: fmt.Sprintf("F:%d:3", id)},
				{Label: staff.L("feedback.value", map[string]any{"Value": 4}), Data: fmt.Sprintf("F:%d:4", id)},
				{Label: staff.L("feedback.value", map[string]any{"Value": 5}), Data: fmt.Sprintf("F:%d:5", id)},
			}}},
		}, staff.L("coord.closed_you", nil)},
		{"closed already", aino, "Aino", data("close"), []staff.Message{keys(closed)}, staff.L("coord.already_closed", nil)},
		{"claim closed", bertta, "Bertta", data("claim"), []staff.Message{keys(closed)}, staff.L("coord.already_closed", nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, toast := press(t, db, s, tc.user, tc.who, tc.data)
			if !reflect.DeepEqual(got, tc.want) || !reflect.DeepEqual(toast, tc.toast) {
				t.Errorf("got  %+v, %+v\nwant %+v, %+v", got, toast, tc.want, tc.toast)
			}
		})
	}
}

func TestCaseKeys(t *testing.T) {
	open := staff.CaseKeys(polku.Case{ID: 4})
	if len(open) != 2 || open[0][0].Data != "C:claim:4" || open[1][1].Data != "C:close:4" {
		t.Errorf("open case: %+v", open)
	}
	claimed := staff.CaseKeys(polku.Case{ID: 4, ClaimedBy: aino, ClaimedName: "Aino"})
	if want := staff.L("case.button.release", map[string]any{"Name": "Aino"}); !reflect.DeepEqual(claimed[0][0].Label, want) || claimed[0][0].Data != "C:release:4" {
		t.Errorf("claimed case: %+v", claimed)
	}
	if closed := staff.CaseKeys(polku.Case{ID: 4, Status: polku.CaseClosed}); len(closed) != 1 || closed[0][0].Data != "C:card:4" {
		t.Errorf("closed case: %+v", closed)
	}
}
