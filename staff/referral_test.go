package staff_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"polku/staff"
)

func TestReferralsAndProviders(t *testing.T) {
	clock := func() time.Time { return start }
	db := newDB(t, clock)
	link := func(_ context.Context, start string) (string, error) {
		return "https://t.me/polku_bot?start=" + start, nil
	}
	s := staff.NewCoordinators(staff.Config{Now: clock, Link: link, ProviderLinkDays: 7})
	say := func(l staff.Line) []staff.Message { return []staff.Message{{To: staff.Here, Lines: []staff.Line{l}}} }

	for _, tc := range []struct{ cmd, arg, id string }{
		{"ref", "", "coord.ref_usage"},
		{"ref", "add " + strings.Repeat("x", 101), "coord.ref_usage"},
		{"ref", "list", "coord.refs_none"},
		{"provider", "", "coord.provider_usage"},
		{"provider", "list", "coord.providers_none"},
	} {
		if got, want := command(t, db, s, 0, tc.cmd, tc.arg), say(staff.L(tc.id, nil)); !reflect.DeepEqual(got, want) {
			t.Errorf("/%s %s: got %+v, want %+v", tc.cmd, tc.arg, got, want)
		}
	}
	got := command(t, db, s, 0, "provider", "remove Nobody")
	if want := say(staff.L("coord.provider_remove_none", map[string]any{"Name": "Nobody"})); !reflect.DeepEqual(got, want) {
		t.Errorf("remove: got %+v, want %+v", got, want)
	}
	got = command(t, db, s, 0, "provider", "add Nobody")
	if want := say(staff.L("coord.provider_none", map[string]any{"Name": "Nobody"})); !reflect.DeepEqual(got, want) {
		t.Errorf("add: got %+v, want %+v", got, want)
	}

	got = command(t, db, s, 0, "ref", "add Koulu")
	if len(got) != 1 || got[0].Poster == nil {
		t.Fatalf("ref add: %+v", got)
	}
	p := *got[0].Poster
	code := strings.TrimSuffix(strings.TrimPrefix(p.FileName, "polku-"), ".png")
	if p.Title != "Koulu" || p.Link != "https://t.me/polku_bot?start="+code {
		t.Errorf("poster %+v", p)
	}
	got = command(t, db, s, 0, "ref", "list")
	want := []staff.Message{{To: staff.Here, Lines: []staff.Line{
		staff.L("coord.refs", nil),
		staff.L("coord.ref_line", map[string]any{"Name": "Koulu", "Code": code, "Started": 0, "Finished": 0}),
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ref list: got %+v\nwant %+v", got, want)
	}
}
