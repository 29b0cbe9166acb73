package sdc

import (
	"fmt"
	"testing"
)

// TestMerge feeds a municipality of every size from 0 to 25 beside two
// bigger ones and an empty one, under the rule for counts (5) and for
// shares (10), and checks every group of every output.
func TestMerge(t *testing.T) {
	for _, min := range []int{MinCount, MinN} {
		for n := 0; n <= 25; n++ {
			in := []Group{
				{Name: "A", N: n, Counts: []int{n, 0}},
				{Name: "B", N: 12, Counts: []int{7, 5}},
				{Name: "C", N: 0, Counts: []int{0, 0}},
				{Name: "D", N: 30, Counts: []int{10, 20}},
			}
			got := Merge(in, min)
			want := in
			if n > 0 && n < min {
				// A alone is under the rule; B, the next-smallest, joins it.
				want = []Group{in[2], in[3], {N: n + 12, Counts: []int{n + 7, 5}, Members: []string{"A", "B"}}}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("min %d, A of %d:\n got %v\nwant %v", min, n, got, want)
			}
		}
	}
}

func TestMergeCases(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []Group
		min  int
		want []Group
	}{
		{"none small", []Group{{Name: "A", N: 5}, {Name: "B", N: 0}}, 5, []Group{{Name: "A", N: 5}, {Name: "B", N: 0}}},
		{
			"the small ones are enough together", []Group{{Name: "A", N: 3}, {Name: "B", N: 40}, {Name: "C", N: 2}},
			5, []Group{{Name: "B", N: 40}, {N: 5, Members: []string{"A", "C"}}},
		},
		{
			"the next-smallest joins, the first of equals", []Group{{Name: "A", N: 3}, {Name: "B", N: 40}, {Name: "C", N: 2}, {Name: "D", N: 12}, {Name: "E", N: 12}},
			10, []Group{{Name: "B", N: 40}, {Name: "E", N: 12}, {N: 17, Members: []string{"A", "C", "D"}}},
		},
		{
			"all together too few", []Group{{Name: "A", N: 3}, {Name: "B", N: 0}, {Name: "C", N: 4}},
			10, []Group{{Name: "B", N: 0}, {N: 7, Members: []string{"A", "C"}, Why: SmallGroup}},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Merge(c.in, c.min)
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("Merge(%v, %d)\n got %v\nwant %v", c.in, c.min, got, c.want)
			}
		})
	}
}

// TestMergeLeavesInput: merging sums into a fresh group, never into the
// caller's.
func TestMergeLeavesInput(t *testing.T) {
	in := []Group{{Name: "A", N: 2, Counts: []int{2}}, {Name: "B", N: 3, Counts: []int{3}}, {Name: "C", N: 9, Counts: []int{9}}}
	Merge(in, 10)
	if fmt.Sprint(in) != fmt.Sprint([]Group{{Name: "A", N: 2, Counts: []int{2}}, {Name: "B", N: 3, Counts: []int{3}}, {Name: "C", N: 9, Counts: []int{9}}}) {
		t.Errorf("Merge changed its input: %v", in)
	}
}
