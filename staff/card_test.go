package staff_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

func TestCards(t *testing.T) {
	clock := func() time.Time { return start }
	db := newDB(t, clock)
	s := staff.NewCoordinators(staff.Config{Now: clock, Card: staff.CardTerms{Days: 90, Visits: 0}})
	const thread = 88
	c := openCase(t, db, store.CaseRequest{}, thread)
	here := func(l staff.Line) []staff.Message {
		return []staff.Message{{To: staff.Here, Case: c.ID, Lines: []staff.Line{l}}}
	}

	if got, want := command(t, db, s, thread, "card", ""), here(staff.L("coord.no_card", nil)); !reflect.DeepEqual(got, want) {
		t.Errorf("no card: got %+v, want %+v", got, want)
	}
	if got, want := command(t, db, s, thread, "card", "30 x"), here(staff.L("coord.card_usage", nil)); !reflect.DeepEqual(got, want) {
		t.Errorf("bad terms: got %+v, want %+v", got, want)
	}
	if got, want := command(t, db, s, 0, "card", "30"), []staff.Message{{To: staff.Here, Lines: []staff.Line{staff.L("coord.not_in_case", nil)}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("outside a case: got %+v, want %+v", got, want)
	}

	got := command(t, db, s, thread, "card", "30 2")
	if len(got) != 2 || got[1].Card == nil {
		t.Fatalf("issued: got %+v", got)
	}
	card := *got[1].Card
	until := start.AddDate(0, 0, 30)
	want := []staff.Message{
		{To: staff.Topic, Case: c.ID, Lines: []staff.Line{staff.L("coord.card_issued", map[string]any{
			"Name": "Aino", "Code": polku.FormatCardCode(card.Code), "Until": flows.When{Start: card.ValidUntil, Day: true}, "Visits": "2"})}},
		{To: staff.Family, Chat: family, Card: &card, Lines: []staff.Line{staff.L("card.issued", nil)}},
	}
	if !reflect.DeepEqual(got, want) || !card.ValidUntil.Equal(until) || card.Visits != 2 {
		t.Errorf("issued: got %+v\nwant %+v", got, want)
	}

	got = command(t, db, s, thread, "card", "")
	want = here(staff.L("coord.card_state", map[string]any{
		"Code": polku.FormatCardCode(card.Code), "State": flows.T("coord.card_state.valid"),
		"Until": flows.When{Start: card.ValidUntil, Day: true}, "Visits": "2/2"}))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("state: got %+v\nwant %+v", got, want)
	}

	ms, toast := press(t, db, s, aino, "Aino", fmt.Sprintf("C:card:%d", c.ID))
	rows := [][]staff.Button{
		{{Label: staff.L("case.button.issue", map[string]any{"Days": 90, "Visits": flows.T("coord.visits_unlimited")}), Data: fmt.Sprintf("C:issue:%d", c.ID)}},
		{{Label: staff.L("case.button.revoke", nil), Data: fmt.Sprintf("C:revoke:%d", c.ID)}},
		{{Label: staff.L("case.button.cancel", nil), Data: fmt.Sprintf("C:keys:%d", c.ID)}},
	}
	if want := []staff.Message{{To: staff.Pressed, Case: c.ID, Buttons: rows}}; !reflect.DeepEqual(ms, want) || !reflect.DeepEqual(toast, staff.L("coord.card_hint", nil)) {
		t.Errorf("card menu: got %+v, %+v", ms, toast)
	}

	ms, _ = press(t, db, s, aino, "Aino", fmt.Sprintf("C:revoke:%d", c.ID))
	want = []staff.Message{
		{To: staff.Topic, Case: c.ID, Lines: []staff.Line{staff.L("coord.card_revoked", map[string]any{"Name": "Aino"})}},
		{To: staff.Family, Chat: family, Lines: []staff.Line{staff.L("card.revoked_notice", nil)}},
		{To: staff.Pressed, Case: c.ID, Buttons: staff.CaseKeys(c)},
	}
	if !reflect.DeepEqual(ms, want) {
		t.Errorf("revoked: got %+v\nwant %+v", ms, want)
	}
	if got, want := command(t, db, s, thread, "card", "revoke"), []staff.Message{{To: staff.Topic, Case: c.ID, Lines: []staff.Line{staff.L("coord.no_card", nil)}}}; !reflect.DeepEqual(got, want) {
		t.Errorf("revoked twice: got %+v, want %+v", got, want)
	}
}
