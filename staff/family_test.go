package staff_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"polku"
	"polku/flows"
	"polku/staff"
	"polku/store"
)

// caseTx is the family's transaction as staff's cases call it (the bot
// has the same few lines).
type caseTx struct{ tx }

func (t caseTx) OpenCase(ctx context.Context, r staff.CaseRequest) (c, before polku.Case, did staff.Opening, err error) {
	c, before, opening, err := t.Tx.OpenCase(ctx, store.CaseRequest{Share: r.Share, Urgent: r.Urgent, Municipality: r.Municipality, Bands: r.Bands})
	return c, before, map[store.Opening]staff.Opening{store.CaseNew: staff.New, store.CaseReopened: staff.Reopened}[opening], err
}

func (t caseTx) Backlog(ctx context.Context, caseID int64) (int, error) {
	return t.Waiting(ctx, group, caseID)
}

func TestFamilyCase(t *testing.T) {
	clock := func() time.Time { return start }
	db := newDB(t, clock)
	s := staff.NewCases(staff.Config{Now: clock, HasGroup: true})
	conv := flows.Conversation{Lang: "sv", Answers: polku.Answers{Municipality: "Kuusamo"}}
	inFamily := func(fn func(ctx context.Context, tx caseTx) error) {
		apply(t, db, family, func(ctx context.Context, stx *store.Tx) error { return fn(ctx, caseTx{tx{stx}}) })
	}

	var c polku.Case
	var ms []staff.Message
	inFamily(func(ctx context.Context, tx caseTx) error {
		var err error
		var written bool
		c, ms, written, err = s.Open(ctx, tx, conv, false, false)
		if !written {
			t.Error("a new case's summary is written")
		}
		return err
	})
	want := []staff.Message{{To: staff.Topic, Kind: staff.PinSummary, Case: c.ID, Lines: staff.Summary(c, conv, ""), Buttons: staff.CaseKeys(c)}}
	if !reflect.DeepEqual(ms, want) {
		t.Errorf("new case: got %+v\nwant %+v", ms, want)
	}

	// A safety word: the 🆘 in the title, and an alert nobody is on
	// duty for.
	inFamily(func(ctx context.Context, tx caseTx) error {
		var err error
		ms, _, err = s.Relay(ctx, tx, family, conv, flows.Relay{Message: 12, Urgent: true})
		return err
	})
	want = []staff.Message{
		{To: staff.Topic, Kind: staff.Retitle, Case: c.ID, Lines: []staff.Line{staff.Raw(fmt.Sprintf("🆘 #%d", c.ID))}},
		{To: staff.Topic, Kind: staff.Alert, Case: c.ID, Lines: []staff.Line{staff.L("case.urgent", map[string]any{"ID": c.ID}), staff.L("case.urgent_nobody", nil)}},
		{To: staff.Topic, Kind: staff.Copy, Case: c.ID, From: family, Copied: 12},
		{To: staff.Family, Kind: staff.Received, Chat: family, Copied: 12},
	}
	if len(ms) == 4 && len(ms[1].Mention) == 0 {
		ms[1].Mention = nil // nobody on duty, as an empty list or none
	}
	if !reflect.DeepEqual(ms, want) {
		t.Errorf("urgent: got %+v\nwant %+v", ms, want)
	}

	// An edit is copied after a line that says so; the family gets its
	// receipt again.
	inFamily(func(ctx context.Context, tx caseTx) error {
		var err error
		ms, _, err = s.Relay(ctx, tx, family, conv, flows.Relay{Message: 12, Edited: true})
		return err
	})
	want = []staff.Message{
		{To: staff.Topic, Case: c.ID, Lines: []staff.Line{staff.L("case.edited", nil)}},
		{To: staff.Topic, Kind: staff.Copy, Case: c.ID, From: family, Copied: 12},
		{To: staff.Family, Kind: staff.Received, Chat: family, Copied: 12},
	}
	if !reflect.DeepEqual(ms, want) {
		t.Errorf("edited: got %+v\nwant %+v", ms, want)
	}

	// Erasing deletes the topic, and says why in the General topic.
	inFamily(func(ctx context.Context, tx caseTx) error {
		var err error
		ms, err = s.Withdraw(ctx, tx, true)
		return err
	})
	want = []staff.Message{
		{To: staff.Thread, Kind: staff.DeleteTopic},
		{To: staff.Thread, Lines: []staff.Line{staff.L("case.erased", map[string]any{"ID": c.ID})}},
	}
	if !reflect.DeepEqual(ms, want) {
		t.Errorf("erased: got %+v\nwant %+v", ms, want)
	}
}
