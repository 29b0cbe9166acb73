package sdc

import "testing"

// TestShare feeds every share of groups of 1 to 25 and checks each
// output.
func TestShare(t *testing.T) {
	for n := 1; n <= 25; n++ {
		for k := 0; k <= n; k++ {
			var want Value
			switch {
			case n < 10:
				want.Why = FewN
			case (k == 0 || k == n) && n < 20:
				want.Why = AllOrNone
			case k >= 1 && k <= 4, n-k >= 1 && n-k <= 4:
				want.Why = RevealsSmall
			default:
				want.X = float64(k) / float64(n)
			}
			if got := Share(k, n); got != want {
				t.Errorf("Share(%d, %d) = %+v, want %+v", k, n, got, want)
			}
		}
	}
}

// TestShareCases are the shares the package doc speaks of.
func TestShareCases(t *testing.T) {
	for _, c := range []struct {
		k, n int
		want Value
	}{
		{5, 9, Value{Why: FewN}},
		{5, 10, Value{X: 0.5}},
		{0, 19, Value{Why: AllOrNone}},
		{12, 12, Value{Why: AllOrNone}},
		{0, 20, Value{X: 0}},
		{20, 20, Value{X: 1}},
		{3, 12, Value{Why: RevealsSmall}}, // 25 % of 12 is 3 families
		{9, 12, Value{Why: RevealsSmall}}, // and 75 % leaves 3 out
		{95, 100, Value{X: 0.95}},
		{199, 200, Value{Why: RevealsSmall}}, // would round to 100 %, and leaves 1 out
	} {
		if got := Share(c.k, c.n); got != c.want {
			t.Errorf("Share(%d, %d) = %+v, want %+v", c.k, c.n, got, c.want)
		}
	}
}

func TestStat(t *testing.T) {
	for n := 0; n <= 25; n++ {
		want := Value{X: 4.5}
		if n < 10 {
			want = Value{Why: FewN}
		}
		if got := Stat(4.5, n); got != want {
			t.Errorf("Stat(4.5, %d) = %+v, want %+v", n, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	for n := 0; n <= 25; n++ {
		want := Cell{N: n}
		if n >= 1 && n <= 4 {
			want = Cell{Why: Small}
		}
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %+v, want %+v", n, got, want)
		}
	}
}
