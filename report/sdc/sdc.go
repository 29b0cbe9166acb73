// Package sdc is the statistical disclosure control of the managers'
// report: every figure of the report passes through it before anything is
// drawn or written, so that no figure, alone or beside the others, tells
// anything about one family.
//
// The rules, in plain words:
//
//   - A count of 1 to 4 is not shown; the report writes "< 5" instead
//     (reason [Small]). A count of 0 is shown: nobody is in it, so it tells
//     about nobody. (A 0 beside a total can say that all of a group are in
//     one cell, but that cell is then shown only when it holds 5 or more,
//     and a count of 5 or more is what the rule lets the report show.)
//   - A table's totals are figures too. Where a row or a column, its total
//     counted as one of its cells, has exactly one hidden cell, that cell
//     could be computed by subtracting the others from the total; so the
//     next-smallest cell of the row or column is hidden as well (reason
//     [Protects]), until no row or column has a single hidden cell. A
//     hidden total is treated the same way in the row or column of totals.
//     The cell chosen is never a 0, which would protect nothing, and is a
//     cell of the table rather than a total where there is one, because
//     the totals are what a manager reads first. The report marks such a
//     cell differently from "< 5" (a dot, say): it may hold any number.
//   - Tables that break the same counts down in different ways (families
//     by municipality and age band, and by municipality and who referred
//     them) share their totals: they are protected together
//     ([ProtectLinked]), or a total hidden in one would show in the other.
//   - Beyond that single subtraction, Protect checks what a careful reader
//     could still work out from every row and column together, knowing
//     that a "< 5" is 1 to 4 and that every other hidden count is at
//     least 1 (zeros are always shown): two "< 5" in a row whose hidden
//     cells add up to 2 must both be 1, and one row's total less a column
//     that shares its other hidden cells can leave one alone. It hides
//     more cells until no hidden count can be pinned to one number (for
//     one table, or two linked ones, exactly; see [ProtectLinked]). Where only the "< 5"
//     itself gives a number away (four "< 5" in a row whose total is "< 5"
//     must each be 1), such a count is marked [Protects] instead, which
//     does not say how big it is.
//   - Shares (percentages), means, standard deviations and confidence
//     intervals are shown only for groups of at least 10 (reason [FewN]).
//   - A share of 0 % or 100 % is shown only for groups of at least 20
//     (reason [AllOrNone]): "all 12 families of the village" is a fact
//     about each of them. It is hidden, not rounded to 1 % or 99 %.
//   - A share is not shown where it would give away a count of 1 to 4,
//     of those in it or of those not in it (reason [RevealsSmall]): 25 %
//     of 12 is 3 families, and 75 % of 12 leaves 3 out.
//   - A mean of a group under 20 in which everyone has the same value is
//     not shown (reason [Uniform]): like 100 %, it tells each member's own
//     answer.
//   - Municipalities (or any groups) too small for the rule are merged into
//     one "others" group ([Merge]), and if that is still too small the
//     next-smallest group joins it, until it is big enough; when even all
//     of them together are too few, it is not shown ([SmallGroup]).
//
// A hidden figure carries no value: its number fields are zero, so that no
// renderer can show it by mistake; only its reason says why it is hidden.
// The reasons are codes, not text: the report says them in the manager's
// language.
//
// The package is pure and imports only the standard library: no Telegram,
// no SQL, no languages and no formatting of numbers; the report renders
// what it returns.
package sdc

import "strconv"

// The thresholds of the rules.
const (
	// MinCount is the smallest count shown other than 0.
	MinCount = 5
	// MinN is the smallest group for which a share, a mean, a standard
	// deviation or a confidence interval is shown.
	MinN = 10
	// MinAllOrNone is the smallest group for which a share of 0 % or
	// 100 %, or a mean in which everyone has the same value, is shown.
	MinAllOrNone = 20
)

// Reason says why a figure is hidden. The zero value, Shown, says it is
// not hidden.
type Reason int

const (
	Shown        Reason = iota // not hidden
	Small                      // a count of 1 to 4: shown as "< 5"
	Protects                   // hidden so that a hidden count cannot be worked out from the others
	FewN                       // a share, mean or interval of a group under 10
	AllOrNone                  // a share of 0 % or 100 % of a group under 20
	RevealsSmall               // a share that would give away a count of 1 to 4
	Uniform                    // a mean of a group under 20 in which everyone has the same value
	SmallGroup                 // a merged group still under the size the rule asks, with every other group in it
)

// String says the reason in plain English words, for tests and logs; the
// report says it in the manager's language from the code.
func (r Reason) String() string {
	switch r {
	case Shown:
		return "shown"
	case Small:
		return "fewer than 5"
	case Protects:
		return "to protect a hidden cell"
	case FewN:
		return "n below 10"
	case AllOrNone:
		return "share of a group under 20 would be 0 % or 100 %"
	case RevealsSmall:
		return "share would reveal a count under 5"
	case Uniform:
		return "everyone in a group under 20 has the same value"
	case SmallGroup:
		return "too few even with every small group merged"
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Cell is a count as the report may show it: N when Why is Shown, nothing
// (N is 0) otherwise.
type Cell struct {
	N   int
	Why Reason
}

// Shown reports whether the count may be shown.
func (c Cell) Shown() bool { return c.Why == Shown }

// Count protects a count that stands alone, outside any table: 1 to 4 is
// hidden. A count that is part of a total the report also shows belongs in
// a [Table], so that [Protect] sees both.
func Count(n int) Cell {
	if n < 0 {
		panic("sdc: negative count " + strconv.Itoa(n))
	}
	if n > 0 && n < MinCount {
		return Cell{Why: Small}
	}
	return Cell{N: n}
}

// Value is a share, a mean or another measured number as the report may
// show it: X when Why is Shown, nothing (X is 0) otherwise.
type Value struct {
	X   float64
	Why Reason
}

// Shown reports whether the value may be shown.
func (v Value) Shown() bool { return v.Why == Shown }

// Stat protects a number measured over a group of n, such as a median: it
// is shown only for n of at least [MinN].
func Stat(x float64, n int) Value {
	if n < MinN {
		return Value{Why: FewN}
	}
	return Value{X: x}
}
