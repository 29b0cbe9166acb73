package polku

import (
	"slices"
	"testing"
)

func TestOutcomes(t *testing.T) {
	want := []Outcome{"activities", "card", "referred", "no_need"}
	if !slices.Equal(Outcomes, want) {
		t.Errorf("Outcomes = %v, want %v", Outcomes, want)
	}
}
