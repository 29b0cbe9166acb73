package staff_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"polku/staff"
	"polku/store"
)

// TestNotProvider: whoever is not a provider learns nothing about a card
// and cannot link with a code that is no provider's; /verify and other
// commands go on to the family flows. (Checks by a linked provider are in
// the bot's transcripts card.txt and providers.txt.)
func TestNotProvider(t *testing.T) {
	clock := func() time.Time { return start }
	db := newDB(t, clock)
	p := staff.NewProviders(staff.Config{Now: clock, VerifyPerHour: 60})
	const someone int64 = 777
	here := func(id string) []staff.Message {
		return []staff.Message{{To: staff.Here, Lines: []staff.Line{staff.L(id, nil)}}}
	}
	for _, tc := range []struct {
		name    string
		in      staff.Input
		want    []staff.Message
		toast   staff.Line
		handled bool
	}{
		{"help", staff.Input{Command: "help"}, nil, staff.Line{}, false},
		{"start", staff.Input{Command: "start", Arg: "demo-school"}, nil, staff.Line{}, false},
		{"verify", staff.Input{Command: "verify", Arg: "ABCD-2345"}, nil, staff.Line{}, false},
		{"a family's button", staff.Input{Data: "M"}, nil, staff.Line{}, false},
		{"card scanned", staff.Input{Command: "start", Arg: "card_ABCD2345"}, here("verify.not_provider"), staff.Line{}, true},
		{"check's button", staff.Input{Data: "V:ABCD2345:1", Pressed: 9}, nil, staff.L("input.unknown_button", nil), true},
		{"no such link", staff.Input{Command: "start", Arg: "prov_nothing"}, here("provider.link_invalid"), staff.Line{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.User, in.Name, in.Lang = someone, "Liisa", "en"
			var ms []staff.Message
			var toast staff.Line
			var handled bool
			apply(t, db, someone, func(ctx context.Context, tx *store.Tx) error {
				var err error
				ms, toast, handled, err = p.Handle(ctx, tx, in)
				return err
			})
			if !reflect.DeepEqual(ms, tc.want) || !reflect.DeepEqual(toast, tc.toast) || handled != tc.handled {
				t.Errorf("got %+v, %+v, %v; want %+v, %+v, %v", ms, toast, handled, tc.want, tc.toast, tc.handled)
			}
		})
	}
}
