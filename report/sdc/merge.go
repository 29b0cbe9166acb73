package sdc

import "slices"

// Group is a part of the service that the report shows as one row or one
// bar: a municipality, say.
type Group struct {
	// Name is the caller's name for the group; "" for the group Merge
	// makes of the small ones, which the report calls "others" in the
	// manager's language.
	Name string
	// N is the group's size, the count the rule is about: the families
	// reached, or the n of the shares the row will show.
	N int
	// Counts are the group's other figures, summed when groups merge;
	// every group has as many. They still go through [Protect].
	Counts []int
	// Members are the names of the groups merged into this one, in the
	// order they were given; nil for a group that is not a merge.
	Members []string
	// Why is Shown, or [SmallGroup] for a merged group that is still
	// under the size even with every group but the empty ones in it:
	// then it is not shown at all.
	Why Reason
}

// Merge returns groups with those of size 1 to least − 1 merged into one
// group of "others", placed last; the groups not merged keep their
// order. Where the
// others together are still under least, the next-smallest group joins them
// (the first of equal ones), and the next, until they are not; where even
// all of them are not enough, the others are hidden ([SmallGroup]). Groups
// of size 0 stay as they are: they tell about nobody, and adding them to
// the others would make it no bigger.
//
// least is the size the figures of the rows need: [MinCount] for rows of
// counts, [MinN] for rows with shares or means. The groups given are not
// changed.
func Merge(groups []Group, least int) []Group {
	merged := make([]bool, len(groups))
	var others Group
	join := func(i int) {
		merged[i] = true
		others.N += groups[i].N
		if others.Counts == nil && len(groups[i].Counts) > 0 {
			others.Counts = make([]int, len(groups[i].Counts))
		}
		if len(groups[i].Counts) != len(others.Counts) {
			panic("sdc: merged groups with different counts")
		}
		for j, n := range groups[i].Counts {
			others.Counts[j] += n
		}
	}
	for i, g := range groups {
		if g.N > 0 && g.N < least {
			join(i)
		}
	}
	if !slices.Contains(merged, true) {
		return slices.Clone(groups)
	}
	for others.N < least {
		next := -1
		for i, g := range groups {
			if !merged[i] && g.N > 0 && (next < 0 || g.N < groups[next].N) {
				next = i
			}
		}
		if next < 0 {
			others.Why = SmallGroup
			break
		}
		join(next)
	}
	var out []Group
	for i, g := range groups {
		if merged[i] {
			others.Members = append(others.Members, g.Name)
		} else {
			out = append(out, g)
		}
	}
	return append(out, others)
}
