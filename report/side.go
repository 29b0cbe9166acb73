package report

import (
	"slices"

	"gonum.org/v1/gonum/stat"

	"polku"
	"polku/report/sdc"
)

// columns are protected figures by name, a cell for each row of a table,
// the total last.
type columns struct {
	col map[string][]Cell
}

// dim is a protected count by the values of a dimension, for the service
// as a whole: a cell a value, then the total.
type dim []sdc.Cell

// uses are participation by the values of a dimension, for the service.
type uses struct {
	signups, attended, moves, visits []sdc.Cell // a cell a value, then the total
	k                                [][2]int   // attended and sign-ups a value, for the rate
}

// side is one period protected: the figures by municipality (and their
// total), and by the values of each dimension.
type side struct {
	columns
	bands, referrals, outcomes dim
	categories, organisers     uses
	attendance, costs          columns
}

// protector protects one period's figures, a topic at a time, laid out by
// the rows of municipalities.
type protector struct {
	k     keys
	areas []*Area // a row each
	all   *Area   // the whole service: the total row
	n     int     // rows before the total
	s     side
	// The service's totals the costs divide by.
	families, participants, attended, improved, visits sdc.Cell
}

// protect protects the figures f of period p, counted with costs c, by
// the rows of groups.
func protect(k keys, f Figures, groups []group, p Period, c polku.Costs) side {
	b := &protector{k: k, all: NewArea(), n: len(groups)}
	for _, g := range groups {
		a := NewArea()
		for _, m := range g.members {
			if x, ok := f[m]; ok {
				a.add(x)
			}
		}
		b.areas = append(b.areas, a)
		b.all.add(a)
	}
	b.s = side{
		columns:    columns{col: map[string][]Cell{}},
		attendance: columns{col: map[string][]Cell{}},
		costs:      columns{col: map[string][]Cell{}},
	}
	b.reach()
	b.participation()
	b.cases()
	b.wellbeing()
	settle(b.s.col, b.n, "completion", "rate", "feedback", "baseline", "low", "response", "change", "improved", "unchanged", "worse")
	settle(b.s.attendance.col, 2, "change", "improved", "unchanged", "worse")
	b.costs(c, p)
	return b.s
}

// set sets a figure's column, row by row and the total last.
func (b *protector) set(fig string, cell func(i int) Cell) {
	cells := make([]Cell, b.n+1)
	for i := range cells {
		cells[i] = cell(i)
	}
	b.s.col[fig] = cells
}

// row is the figures of row i, or of the whole service for i == n.
func (b *protector) row(i int) *Area {
	if i == b.n {
		return b.all
	}
	return b.areas[i]
}

// rowTotal and cell read a protected table by row, the column totals
// standing for the service.
func (b *protector) rowTotal(p sdc.Protected, i int) sdc.Cell {
	if i == b.n {
		return p.Total
	}
	return p.RowTotals[i]
}

func (b *protector) cell(p sdc.Protected, i, j int) sdc.Cell {
	if i == b.n {
		return p.ColTotals[j]
	}
	return p.Cells[i][j]
}

// table is a table of counts, a row a municipality.
func (b *protector) table(row func(a *Area) []int) sdc.Table {
	if b.n == 0 {
		// A service without figures: one empty row gives the table its
		// columns, and its totals are all 0.
		return sdc.Table{row(NewArea())}
	}
	t := make(sdc.Table, b.n)
	for i, a := range b.areas {
		t[i] = row(a)
	}
	return t
}

// byKeys is a table of counts by the values ks of a dimension.
func (b *protector) byKeys(ks []string, m func(a *Area) map[string]int) sdc.Table {
	return b.table(func(a *Area) []int {
		row := make([]int, len(ks))
		for j, key := range ks {
			row[j] = m(a)[key]
		}
		return row
	})
}

// dimOf is a protected table's column totals and total.
func dimOf(p sdc.Protected) dim { return append(slices.Clone(p.ColTotals), p.Total) }

// reach: the families by band and by referral add up alike.
func (b *protector) reach() {
	fam := sdc.ProtectLinked(
		b.byKeys(b.k.bands, func(a *Area) map[string]int { return a.Families }),
		b.byKeys(b.k.referrals, func(a *Area) map[string]int { return a.Referrals }))
	b.s.bands, b.s.referrals = dimOf(fam[0]), dimOf(fam[1])
	b.families = fam[0].Total
	b.set("families", func(i int) Cell { return count(b.rowTotal(fam[0], i)) })
	intake := sdc.Protect(b.table(func(a *Area) []int {
		return []int{min(a.Completed, a.Intakes), max(a.Intakes-a.Completed, 0)}
	}))
	b.set("intakes", func(i int) Cell { return count(b.rowTotal(intake, i)) })
	b.set("completed", func(i int) Cell { return count(b.cell(intake, i, 0)) })
	b.set("completion", func(i int) Cell {
		a := b.row(i)
		return shareOf(b.cell(intake, i, 0), b.rowTotal(intake, i), min(a.Completed, a.Intakes), max(a.Intakes, a.Completed))
	})
}

func category(act Activity) string  { return act.Category }
func organiser(act Activity) string { return act.Organiser }

// attended is the attended sign-ups of a and all its sign-ups.
func attended(a *Area, of func(Activity) bool) (att, signups int) {
	for act, u := range a.Use {
		if of(act) {
			att += min(u.Attended, u.SignUps)
			signups += u.SignUps
		}
	}
	return att, signups
}

func anyActivity(Activity) bool { return true }

// participation: the attended sign-ups by category and by organiser add
// up alike, and so do those not attended; a count of sign-ups is the sum
// of the two, shown only where both are.
func (b *protector) participation() {
	counted := func(dk []string, key func(Activity) string, field func(Use) int) sdc.Table {
		return b.table(func(a *Area) []int {
			row := make([]int, len(dk))
			for act, u := range a.Use {
				row[slices.Index(dk, key(act))] += field(u)
			}
			return row
		})
	}
	linked := func(field func(Use) int) []sdc.Protected {
		return sdc.ProtectLinked(counted(b.k.categories, category, field), counted(b.k.organisers, organiser, field))
	}
	att := linked(func(u Use) int { return min(u.Attended, u.SignUps) })
	not := linked(func(u Use) int { return u.SignUps - min(u.Attended, u.SignUps) })
	moves := linked(func(u Use) int { return u.Moves })
	visits := linked(func(u Use) int { return u.Visits })
	b.attended, b.visits = att[0].Total, visits[0].Total

	signups := func(i int) sdc.Cell { return sum(b.rowTotal(att[0], i), b.rowTotal(not[0], i)) }
	b.set("signups", func(i int) Cell { return count(signups(i)) })
	b.set("attended", func(i int) Cell { return count(b.rowTotal(att[0], i)) })
	b.set("rate", func(i int) Cell {
		k, n := attended(b.row(i), anyActivity)
		return shareOf(b.rowTotal(att[0], i), signups(i), k, n)
	})
	attenders := sdc.Protect(b.table(func(a *Area) []int {
		at3 := min(a.Attenders3, a.Attenders1)
		return []int{at3, a.Attenders1 - at3}
	}))
	b.participants = attenders.Total
	b.set("attenders1", func(i int) Cell { return count(b.rowTotal(attenders, i)) })
	b.set("attenders3", func(i int) Cell { return count(b.cell(attenders, i, 0)) })
	b.set("moves", func(i int) Cell { return count(b.rowTotal(moves[0], i)) })
	b.set("visits", func(i int) Cell { return count(b.rowTotal(visits[0], i)) })

	usesOf := func(t int, dk []string, key func(Activity) string) uses {
		var u uses
		for j, v := range dk {
			u.signups = append(u.signups, sum(att[t].ColTotals[j], not[t].ColTotals[j]))
			u.attended = append(u.attended, att[t].ColTotals[j])
			u.moves = append(u.moves, moves[t].ColTotals[j])
			u.visits = append(u.visits, visits[t].ColTotals[j])
			a, su := attended(b.all, func(act Activity) bool { return key(act) == v })
			u.k = append(u.k, [2]int{a, su})
		}
		a, su := attended(b.all, anyActivity)
		u.signups = append(u.signups, sum(att[t].Total, not[t].Total))
		u.attended = append(u.attended, att[t].Total)
		u.moves = append(u.moves, moves[t].Total)
		u.visits = append(u.visits, visits[t].Total)
		u.k = append(u.k, [2]int{a, su})
		return u
	}
	b.s.categories, b.s.organisers = usesOf(0, b.k.categories, category), usesOf(1, b.k.organisers, organiser)
}

// cases: the coordinators' work.
func (b *protector) cases() {
	opened := sdc.Protect(b.table(func(a *Area) []int { return []int{a.CasesOpened} }))
	b.set("opened", func(i int) Cell { return count(b.rowTotal(opened, i)) })
	outcomes := sdc.Protect(b.byKeys(b.k.outcomes, func(a *Area) map[string]int { return a.Outcomes }))
	b.s.outcomes = dimOf(outcomes)
	b.set("closed", func(i int) Cell { return count(b.rowTotal(outcomes, i)) })
	answers := sdc.Protect(b.table(func(a *Area) []int { return []int{len(a.FirstAnswer)} }))
	b.set("first_answer", func(i int) Cell {
		xs := slices.Clone(b.row(i).FirstAnswer)
		slices.Sort(xs)
		med := 0.0
		if len(xs) > 0 {
			med = stat.Quantile(0.5, stat.Empirical, xs, nil)
		}
		return statOf(KindMinutes, sdc.Stat(med, len(xs)), b.rowTotal(answers, i), len(xs))
	})
	feedback := sdc.Protect(b.table(func(a *Area) []int { return []int{len(a.feedback())} }))
	b.set("feedback_n", func(i int) Cell { return count(b.rowTotal(feedback, i)) })
	b.set("feedback", func(i int) Cell {
		return meanOf(KindScore, sdc.MeanOf(b.row(i).feedback()), b.rowTotal(feedback, i))
	})
}

// low counts the scores of 50 or less: low wellbeing on the WHO-5.
func low(xs []float64) int {
	k := 0
	for _, x := range xs {
		if x <= 50 {
			k++
		}
	}
	return k
}

// wellbeing: the baseline, the follow-ups and the paired change.
func (b *protector) wellbeing() {
	lows := sdc.Protect(b.table(func(a *Area) []int {
		k := low(a.Baseline)
		return []int{k, len(a.Baseline) - k}
	}))
	b.set("baseline_n", func(i int) Cell { return count(b.rowTotal(lows, i)) })
	b.set("baseline", func(i int) Cell {
		return meanOf(KindScore, sdc.MeanOf(b.row(i).Baseline), b.rowTotal(lows, i))
	})
	b.set("low", func(i int) Cell {
		a := b.row(i)
		return shareOf(b.cell(lows, i, 0), b.rowTotal(lows, i), low(a.Baseline), len(a.Baseline))
	})
	follow := sdc.Protect(b.table(func(a *Area) []int {
		ans := min(a.Answered, a.FollowUps)
		return []int{ans, a.FollowUps - ans}
	}))
	b.set("followups", func(i int) Cell { return count(b.rowTotal(follow, i)) })
	b.set("answered", func(i int) Cell { return count(b.cell(follow, i, 0)) })
	b.set("response", func(i int) Cell {
		a := b.row(i)
		return shareOf(b.cell(follow, i, 0), b.rowTotal(follow, i), min(a.Answered, a.FollowUps), a.FollowUps)
	})

	// The pairs by municipality and by better, unchanged or worse, of
	// the families who attended and of those who did not: two tables,
	// whose sums are shown only where both parts are.
	split := func(attended bool) sdc.Protected {
		return sdc.Protect(b.table(func(a *Area) []int {
			ks := changes(a.Pairs)
			if attended {
				return ks[:3]
			}
			return ks[3:]
		}))
	}
	pa, pn := split(true), split(false)
	b.improved = sum(pa.ColTotals[0], pn.ColTotals[0])
	pairs(&b.s.columns, b.n+1, func(i int) ([]sdc.Cell, sdc.Cell, []Pair) {
		var parts []sdc.Cell
		for j := range 3 {
			parts = append(parts, sum(b.cell(pa, i, j), b.cell(pn, i, j)))
		}
		return parts, sum(b.rowTotal(pa, i), b.rowTotal(pn, i)), b.row(i).Pairs
	})
	// The families who attended, those who did not, and all.
	pairs(&b.s.attendance, 3, func(i int) ([]sdc.Cell, sdc.Cell, []Pair) {
		var ps []Pair
		for _, p := range b.all.Pairs {
			if i == 2 || p.Attended == (i == 0) {
				ps = append(ps, p)
			}
		}
		switch i {
		case 0:
			return pa.ColTotals, pa.Total, ps
		case 1:
			return pn.ColTotals, pn.Total, ps
		}
		var parts []sdc.Cell
		for j := range 3 {
			parts = append(parts, sum(pa.ColTotals[j], pn.ColTotals[j]))
		}
		return parts, sum(pa.Total, pn.Total), ps
	})
}

// pairs sets the columns of the paired change for rows rows: get gives a
// row's protected counts of better, unchanged and worse, its protected n,
// and its pairs.
func pairs(t *columns, rows int, get func(i int) ([]sdc.Cell, sdc.Cell, []Pair)) {
	figs := []string{"improved", "unchanged", "worse"}
	for _, f := range append([]string{"pairs", "change"}, figs...) {
		t.col[f] = make([]Cell, rows)
	}
	for i := range rows {
		parts, nc, ps := get(i)
		t.col["pairs"][i] = count(nc)
		before, after := make([]float64, len(ps)), make([]float64, len(ps))
		for j, p := range ps {
			before[j], after[j] = p.Before, p.After
		}
		t.col["change"][i] = meanOf(KindChange, sdc.Change(before, after), nc)
		ks := changes(ps)
		for j, f := range figs {
			t.col[f][i] = shareOf(parts[j], nc, ks[j]+ks[3+j], len(ps))
		}
	}
}

// costs, for the service: a cost per family is shown only where the count
// it divides by is, and any cost only where the card visits it counts
// are, since the cost per visit is known.
func (b *protector) costs(c polku.Costs, p Period) {
	sessions := 0
	for _, u := range b.all.Use {
		sessions += u.Sessions
	}
	cost := c.Total(p.Months(), sessions, b.visits.N) / 100
	per := func(nc sdc.Cell) Cell {
		if !b.visits.Shown() {
			return Cell{Kind: KindMoney, Why: sdc.Protects}
		}
		return perCell(cost, nc)
	}
	total := Cell{Kind: KindMoney, X: cost}
	if !b.visits.Shown() {
		total = Cell{Kind: KindMoney, Why: sdc.Protects}
	}
	b.s.costs.col["cost"] = []Cell{total}
	b.s.costs.col["per_family"] = []Cell{per(b.families)}
	b.s.costs.col["per_participant"] = []Cell{per(b.participants)}
	b.s.costs.col["per_visit"] = []Cell{per(b.attended)}
	b.s.costs.col["per_improved"] = []Cell{per(b.improved)}
}
