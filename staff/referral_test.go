package staff_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"
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

// A referral code can carry its municipality: "/ref add MUNICIPALITY:
// NAME", the municipality written by its ID or a name in any language, in
// any case; one the service does not have is refused, naming those it has.
func TestReferralMunicipality(t *testing.T) {
	clock := func() time.Time { return start }
	db := newDB(t, clock)
	link := func(_ context.Context, start string) (string, error) {
		return "https://t.me/polku_bot?start=" + start, nil
	}
	service := polku.Service{Municipalities: []polku.Municipality{
		{ID: "Kuusamo", Name: polku.Localized{"fi": "Kuusamo"}},
		{ID: "Pyhäjärvi", Name: polku.Localized{"fi": "Pyhäjärvi", "sv": "Pyhäjärvi"}},
		{ID: "Raahe", Name: polku.Localized{"fi": "Raahe", "sv": "Brahestad"}},
	}}
	s := staff.NewCoordinators(staff.Config{Now: clock, Link: link, Service: service})

	got := command(t, db, s, 0, "ref", "add Muonio: Koulu")
	want := []staff.Message{{To: staff.Here, Lines: []staff.Line{staff.L("coord.ref_unknown_municipality",
		map[string]any{"Name": "Muonio", "Municipalities": "Kuusamo, Pyhäjärvi, Raahe"})}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("unknown municipality: got %+v, want %+v", got, want)
	}
	if got := command(t, db, s, 0, "ref", "add Raahe:  "); len(got) != 1 || got[0].Lines[0].Text.ID != "coord.ref_usage" {
		t.Errorf("no name: got %+v", got)
	}

	var codes []string
	for _, arg := range []string{"add brahestad: Koulu", "add PYHÄJÄRVI :Neuvola", "add Perhekeskus"} {
		got := command(t, db, s, 0, "ref", arg)
		if len(got) != 1 || got[0].Poster == nil {
			t.Fatalf("ref %s: %+v", arg, got)
		}
		codes = append(codes, strings.TrimSuffix(strings.TrimPrefix(got[0].Poster.FileName, "polku-"), ".png"))
		if arg == "add brahestad: Koulu" {
			if n := len(got[0].Lines); n != 2 || !reflect.DeepEqual(got[0].Lines[1], staff.L("coord.ref_added_in", map[string]any{"Municipality": "Raahe"})) {
				t.Errorf("ref %s: lines %+v, want the municipality told", arg, got[0].Lines)
			}
		}
	}
	got = command(t, db, s, 0, "ref", "list")
	lines := map[string]staff.Line{
		codes[0]: staff.L("coord.ref_line_in", map[string]any{"Name": "Koulu", "Municipality": "Raahe", "Code": codes[0], "Started": 0, "Finished": 0}),
		codes[1]: staff.L("coord.ref_line_in", map[string]any{"Name": "Neuvola", "Municipality": "Pyhäjärvi", "Code": codes[1], "Started": 0, "Finished": 0}),
		codes[2]: staff.L("coord.ref_line", map[string]any{"Name": "Perhekeskus", "Code": codes[2], "Started": 0, "Finished": 0}),
	}
	slices.Sort(codes) // made at one moment: listed by code
	want = []staff.Message{{To: staff.Here, Lines: []staff.Line{staff.L("coord.refs", nil), lines[codes[0]], lines[codes[1]], lines[codes[2]]}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ref list: got %+v\nwant %+v", got, want)
	}
}
