package sdc

import "strconv"

// Share protects the share k of n, a fraction from 0 to 1 (the report
// writes it as a percentage): those of a group of n who did something, or
// are something. It is hidden for a group under [MinN] ([FewN]); where k
// or n − k is 1 to 4, because the share and the group's size together
// would give that count away ([RevealsSmall]); and where it is 0 or 1 in a
// group under [MinAllOrNone] ([AllOrNone]).
//
// n itself is a count: the report shows it through [Count] or a [Table].
func Share(k, n int) Value {
	if k < 0 || k > n {
		panic("sdc: share " + strconv.Itoa(k) + " of " + strconv.Itoa(n))
	}
	switch {
	case n < MinN:
		return Value{Why: FewN}
	case k == 0 || k == n:
		if n < MinAllOrNone {
			return Value{Why: AllOrNone}
		}
	case k < MinCount || n-k < MinCount:
		return Value{Why: RevealsSmall}
	}
	return Value{X: float64(k) / float64(n)}
}
