package polku

import (
	"slices"
	"testing"
)

func TestServiceRouting(t *testing.T) {
	s := Service{
		Default: Settings{Group: -1},
		Regions: []Region{{ID: "north", Name: Localized{"fi": "Pohjoinen"}}, {ID: "south"}},
		Municipalities: []Municipality{
			{ID: "Kuusamo", Name: Localized{"fi": "Kuusamo", "uk": "Куусамо"}, Region: "north", Settings: Settings{Group: -2}},
			{ID: "Kalajoki", Region: "south", Settings: Settings{Group: -3}},
			{ID: "Pudasjärvi", Region: "north", Settings: Settings{Group: -2}},
			{ID: "Taivalkoski", Region: "north"}, // no group of its own: the default's
		},
	}
	for id, want := range map[string]int64{"Kuusamo": -2, "kalajoki": -3, "Taivalkoski": -1, Other: -1, "Gone": -1} {
		if got := s.GroupOf(id); got != want {
			t.Errorf("GroupOf(%s) = %d, want %d", id, got, want)
		}
	}
	if got := s.Served(-2); !slices.Equal(got, []string{"Kuusamo", "Pudasjärvi"}) {
		t.Errorf("Served(-2) = %v", got)
	}
	if got := s.Served(-1); !slices.Equal(got, []string{"Taivalkoski", Other}) {
		t.Errorf("Served(-1) = %v", got)
	}
	if got := s.Groups(); !slices.Equal(got, []int64{-1, -2, -3}) {
		t.Errorf("Groups = %v", got)
	}
	if got := len(s.InRegion("north")); got != 3 {
		t.Errorf("InRegion(north) = %d municipalities", got)
	}
	if got := s.NameOf("Kuusamo", "uk"); got != "Куусамо" {
		t.Errorf("NameOf uk = %q", got)
	}
	if got := s.NameOf("Kalajoki", "sv"); got != "Kalajoki" {
		t.Errorf("NameOf without names = %q", got)
	}
	if s.SettingsOfGroup(-3).Group != -3 || s.SettingsOfGroup(-1).Group != -1 {
		t.Error("SettingsOfGroup")
	}
}
