package bot

import (
	"reflect"
	"testing"

	"polku/report"
	"polku/store"
)

// TestFiguresFollowUps: the follow-ups answered and the anonymous pairs
// reach the report of their instrument only, never mixed with another's.
func TestFiguresFollowUps(t *testing.T) {
	fs := store.Figures{"Kuusamo": {
		Answered: map[string]int{"who5": 3, "own": 1},
		Pairs: map[string][]store.Pair{
			"who5": {{Before: 20, After: 24}, {Before: 64, After: 72, Attended: true}},
			"own":  {{Before: 50, After: 75}},
		},
	}}
	got := figures(fs, "who5").Of("Kuusamo")
	want := []report.Pair{{Before: 20, After: 24}, {Before: 64, After: 72, Attended: true}}
	if got.Answered != 3 || !reflect.DeepEqual(got.Pairs, want) {
		t.Errorf("who5: answered %d, pairs %v; want 3, %v", got.Answered, got.Pairs, want)
	}
	if off := figures(fs, "").Of("Kuusamo"); off.Answered != 0 || off.Pairs != nil {
		t.Errorf("no instrument: answered %d, pairs %v", off.Answered, off.Pairs)
	}
}
