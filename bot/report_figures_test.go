package bot

import (
	"reflect"
	"testing"

	"polku/report"
	"polku/store"
)

// TestFiguresFollowUps: the follow-ups asked and answered and the
// anonymous pairs reach the report of their instrument only, never mixed
// with another's; the change is of the first follow-up point only, never
// mixed with the second's.
func TestFiguresFollowUps(t *testing.T) {
	fs := store.Figures{"Kuusamo": {
		Asked:    map[string]int{"who5": 7, "own": 2},
		Answered: map[string]int{"who5": 3, "own": 1},
		Pairs: map[string][]store.Pair{
			"who5": {{Point: 1, Before: 20, After: 24}, {Point: 2, Before: 20, After: 90}, {Point: 1, Before: 64, After: 72, Attended: true}},
			"own":  {{Point: 1, Before: 50, After: 75}},
		},
	}}
	got := figures(fs, "who5").Of("Kuusamo")
	want := []report.Pair{{Before: 20, After: 24}, {Before: 64, After: 72, Attended: true}}
	if got.FollowUps != 7 || got.Answered != 3 || !reflect.DeepEqual(got.Pairs, want) {
		t.Errorf("who5: asked %d, answered %d, pairs %v; want 7, 3, %v", got.FollowUps, got.Answered, got.Pairs, want)
	}
	if off := figures(fs, "").Of("Kuusamo"); off.FollowUps != 0 || off.Answered != 0 || off.Pairs != nil {
		t.Errorf("no instrument: asked %d, answered %d, pairs %v", off.FollowUps, off.Answered, off.Pairs)
	}
}
