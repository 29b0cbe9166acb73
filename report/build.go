package report

import (
	"maps"
	"slices"

	"gonum.org/v1/gonum/stat"

	"polku"
	"polku/report/sdc"
)

// Points is the change of a wellbeing score, on the 0–100 scale, that
// counts as better or worse.
const Points = 10

// Build protects every figure of d and lays them out as the report's
// tables, headline and charts.
//
// Municipalities too small for the rule of shares and means (sdc.MinN) are
// merged into "others" first, the same in both periods, so that no table
// can be set against another. Counts that add up to one another are
// protected together, as parts of one total: the families of a
// municipality by age band and by referral; the sign-ups by category and
// by organiser, split into those attended and not, beside the attended of
// the municipality; the completed intakes and the rest, and so on. A share
// is shown only where its two counts are.
func Build(d Data) Report {
	groups := merge(d)
	r := Report{Period: d.Period, Previous: d.Previous, Instrument: d.Instrument}
	now, before := side(d, d.Now, groups, d.Period), side(d, d.Before, groups, d.Previous)
	rows := make([]Label, 0, len(groups)+1)
	for _, g := range groups {
		rows = append(rows, g.label)
	}
	rows = append(rows, Label{ID: "report.total"})
	k := keysOf(d)

	// Reach.
	r.Topics = append(r.Topics, Topic{ID: "reach", Tables: []Table{
		areaTable("reach", rows, now.columns, before.columns, "families", "intakes", "completed", "completion"),
		breakdown("bands", "report.col.band", k.bands, bandLabel, now.bands, before.bands),
		breakdown("referrals", "report.col.referral", k.referrals, referralLabel, now.referrals, before.referrals),
	}})
	// Participation.
	r.Topics = append(r.Topics, Topic{ID: "participation", Tables: []Table{
		areaTable("participation", rows, now.columns, before.columns, "signups", "attended", "rate", "attenders1", "attenders3", "moves", "visits"),
		useTable("categories", "report.col.category", k.categories, categoryLabel, now.categories, before.categories),
		useTable("organisers", "report.col.organiser", k.organisers, organiserLabel, now.organisers, before.organisers),
	}})
	// The coordinators' work.
	r.Topics = append(r.Topics, Topic{ID: "cases", Tables: []Table{
		areaTable("cases", rows, now.columns, before.columns, "opened", "closed", "first_answer", "feedback_n", "feedback"),
		breakdown("outcomes", "report.col.outcome", k.outcomes, outcomeLabel, now.outcomes, before.outcomes),
	}})
	if d.Instrument != "" {
		r.Topics = append(r.Topics, Topic{ID: "wellbeing", Tables: []Table{
			areaTable("wellbeing", rows, now.columns, before.columns, "baseline_n", "baseline", "low", "followups", "answered", "response",
				"pairs", "change", "improved", "unchanged", "worse"),
			areaTable("attendance", []Label{{ID: "report.attended.yes"}, {ID: "report.attended.no"}, {ID: "report.total"}},
				now.attendance, before.attendance, "pairs", "change", "improved", "unchanged", "worse"),
		}})
	}
	if !d.Costs.zero() {
		r.Topics = append(r.Topics, Topic{ID: "costs", Tables: []Table{
			areaTable("costs", []Label{{ID: "report.total"}}, now.costs, before.costs,
				"cost", "per_family", "per_participant", "per_visit", "per_improved"),
		}})
	}

	last := len(rows) - 1
	head := func(id string, fig string) Figure {
		return Figure{Label: Label{ID: "report.head." + id}, Now: now.col[fig][last], Before: before.col[fig][last]}
	}
	r.Headline = []Figure{
		head("families", "families"), head("attenders", "attenders1"), head("attended", "attended"),
		head("rate", "rate"), head("opened", "opened"), head("first_answer", "first_answer"),
	}
	if d.Instrument != "" {
		r.Headline = append(r.Headline, head("pairs", "pairs"), head("change", "change"), head("improved", "improved"))
	}
	if !d.Costs.zero() {
		r.Headline = append(r.Headline, Figure{Label: Label{ID: "report.head.per_participant"},
			Now: now.costs.col["per_participant"][0], Before: before.costs.col["per_participant"][0]})
	}

	r.Charts = []Chart{{
		Title: Label{ID: "report.chart.families"}, Groups: rows[:last],
		Now: now.col["families"][:last], Before: before.col["families"][:last],
	}}
	var cats []Label
	var catNow, catBefore []Cell
	for j, c := range k.categories {
		cats = append(cats, categoryLabel(c))
		catNow = append(catNow, count(now.categories.attended[j]))
		catBefore = append(catBefore, count(before.categories.attended[j]))
	}
	r.Charts = append(r.Charts, Chart{Title: Label{ID: "report.chart.attended"}, Groups: cats, Now: catNow, Before: catBefore})
	if d.Instrument != "" {
		var ch Chart
		ch.Title = Label{ID: "report.chart.change"}
		for _, f := range []string{"improved", "unchanged", "worse"} {
			ch.Groups = append(ch.Groups, Label{ID: "report.col." + f})
			ch.Now = append(ch.Now, now.col[f][last])
			ch.Before = append(ch.Before, before.col[f][last])
		}
		r.Charts = append(r.Charts, ch)
	}
	return r
}

// group is a row of municipalities: one, or the others merged.
type group struct {
	label   Label
	members []string
}

// merge decides the rows of municipalities, the same for both periods.
func merge(d Data) []group {
	names := slices.Sorted(maps.Keys(d.Now))
	for n := range d.Before {
		if _, ok := d.Now[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var gs []sdc.Group
	for _, n := range names {
		size := 0
		for _, f := range []Figures{d.Now, d.Before} {
			if a, ok := f[n]; ok {
				size = max(size, a.size())
			}
		}
		gs = append(gs, sdc.Group{Name: n, N: size})
	}
	var out []group
	for _, g := range sdc.Merge(gs, sdc.MinN) {
		if g.Members == nil {
			out = append(out, group{label: Label{Text: g.Name}, members: []string{g.Name}})
		} else {
			out = append(out, group{label: Label{ID: "report.others"}, members: g.Members})
		}
	}
	return out
}

// keys are the values of each dimension, in both periods, in the order
// the report lists them.
type keys struct {
	bands, referrals, categories, organisers, outcomes []string
}

func keysOf(d Data) keys {
	seen := func(get func(a *Area) []string, first []string) []string {
		set := map[string]bool{}
		for _, f := range []Figures{d.Now, d.Before} {
			for _, a := range f {
				for _, k := range get(a) {
					set[k] = true
				}
			}
		}
		var out []string
		for _, k := range first {
			if set[k] {
				out = append(out, k)
				delete(set, k)
			}
		}
		rest := slices.Sorted(maps.Keys(set))
		// "Not told" goes last.
		if len(rest) > 0 && rest[0] == "" {
			rest = append(rest[1:], "")
		}
		return append(out, rest...)
	}
	bands, cats, outcomes := names(polku.AgeBands), names(polku.Categories), names(polku.Outcomes)
	return keys{
		bands:     seen(func(a *Area) []string { return slices.Collect(maps.Keys(a.Families)) }, bands),
		referrals: seen(func(a *Area) []string { return slices.Collect(maps.Keys(a.Referrals)) }, nil),
		categories: seen(func(a *Area) []string {
			var ks []string
			for act := range a.Use {
				ks = append(ks, act.Category)
			}
			return ks
		}, cats),
		organisers: seen(func(a *Area) []string {
			var ks []string
			for act := range a.Use {
				ks = append(ks, act.Organiser)
			}
			return ks
		}, nil),
		outcomes: seen(func(a *Area) []string { return slices.Collect(maps.Keys(a.Outcomes)) }, outcomes),
	}
}

// names are the values of one of the domain's lists, as the report's
// keys.
func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// labeller names the values of a dimension: the message prefix + value
// for a value of known, or the value itself where prefix is "" (a name);
// the message none for "" and for a value not in known (known nil: any
// value is known).
func labeller(prefix string, known []string, none string) func(string) Label {
	return func(k string) Label {
		switch {
		case k == "" || known != nil && !slices.Contains(known, k):
			return Label{ID: none}
		case prefix == "":
			return Label{Text: k}
		}
		return Label{ID: prefix + k}
	}
}

var (
	bandLabel      = labeller("age.", names(polku.AgeBands), "report.unknown")
	referralLabel  = labeller("", nil, "report.no_referral")
	categoryLabel  = labeller("category.", names(polku.Categories), "report.unknown")
	organiserLabel = labeller("", nil, "report.unknown")
	outcomeLabel   = labeller("outcome.", names(polku.Outcomes), "report.no_outcome")
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

// sideOf is one period protected.
type sideOf struct {
	columns
	bands, referrals, outcomes dim
	categories, organisers     uses
	attendance, costs          columns
}

// side protects one period's figures, laid out by the rows of groups
// (and their total).
func side(d Data, f Figures, groups []group, p Period) sideOf {
	k := keysOf(d)
	areas := make([]*Area, len(groups))
	for i, g := range groups {
		a := NewArea()
		for _, m := range g.members {
			if b, ok := f[m]; ok {
				a.add(b)
			}
		}
		areas[i] = a
	}
	all := NewArea()
	for _, a := range areas {
		all.add(a)
	}
	s := sideOf{columns: columns{col: map[string][]Cell{}}}
	n := len(areas)
	set := func(fig string, cells ...Cell) { s.col[fig] = cells }
	build := func(kind func(i int) Cell) []Cell {
		cells := make([]Cell, n+1)
		for i := range cells {
			cells[i] = kind(i)
		}
		return cells
	}
	// rowOf is area i, or the whole service for i == n.
	rowOf := func(i int) *Area {
		if i == n {
			return all
		}
		return areas[i]
	}
	// rowTotal and cellOf read a protected table by row, the column
	// totals standing for the service.
	rowTotal := func(p sdc.Protected, i int) sdc.Cell {
		if i == n {
			return p.Total
		}
		return p.RowTotals[i]
	}
	cellOf := func(p sdc.Protected, i, j int) sdc.Cell {
		if i == n {
			return p.ColTotals[j]
		}
		return p.Cells[i][j]
	}
	table := func(row func(a *Area) []int) sdc.Table {
		if n == 0 {
			// A service without figures: one empty row gives the
			// table its columns, and its totals are all 0.
			return sdc.Table{row(NewArea())}
		}
		t := make(sdc.Table, n)
		for i, a := range areas {
			t[i] = row(a)
		}
		return t
	}
	byKeys := func(ks []string, m func(a *Area) map[string]int) sdc.Table {
		return table(func(a *Area) []int {
			row := make([]int, len(ks))
			for j, key := range ks {
				row[j] = m(a)[key]
			}
			return row
		})
	}
	dimOf := func(p sdc.Protected) dim { return append(slices.Clone(p.ColTotals), p.Total) }

	// Reach: the families by band and by referral add up alike.
	fam := sdc.ProtectLinked(
		byKeys(k.bands, func(a *Area) map[string]int { return a.Families }),
		byKeys(k.referrals, func(a *Area) map[string]int { return a.Referrals }))
	s.bands, s.referrals = dimOf(fam[0]), dimOf(fam[1])
	set("families", build(func(i int) Cell { return count(rowTotal(fam[0], i)) })...)
	intake := sdc.Protect(table(func(a *Area) []int { return []int{min(a.Completed, a.Intakes), max(a.Intakes-a.Completed, 0)} }))
	set("intakes", build(func(i int) Cell { return count(rowTotal(intake, i)) })...)
	set("completed", build(func(i int) Cell { return count(cellOf(intake, i, 0)) })...)
	set("completion", build(func(i int) Cell {
		a := rowOf(i)
		return shareOf(cellOf(intake, i, 0), rowTotal(intake, i), min(a.Completed, a.Intakes), max(a.Intakes, a.Completed))
	})...)

	// Participation: the attended sign-ups by category and by organiser
	// add up alike, and so do those not attended; a sign-up count is the
	// sum of the two, shown only where both are.
	cat := func(act Activity) string { return act.Category }
	org := func(act Activity) string { return act.Organiser }
	counted := func(dk []string, key func(Activity) string, field func(Use) int) sdc.Table {
		return table(func(a *Area) []int {
			row := make([]int, len(dk))
			for act, u := range a.Use {
				row[slices.Index(dk, key(act))] += field(u)
			}
			return row
		})
	}
	linked := func(field func(Use) int) []sdc.Protected {
		return sdc.ProtectLinked(counted(k.categories, cat, field), counted(k.organisers, org, field))
	}
	att := linked(func(u Use) int { return min(u.Attended, u.SignUps) })
	not := linked(func(u Use) int { return u.SignUps - min(u.Attended, u.SignUps) })
	moves := linked(func(u Use) int { return u.Moves })
	visits := linked(func(u Use) int { return u.Visits })
	attended := func(a *Area) (att, signups int) {
		for _, u := range a.Use {
			att += min(u.Attended, u.SignUps)
			signups += u.SignUps
		}
		return att, signups
	}
	signups := func(i int) sdc.Cell { return sum(rowTotal(att[0], i), rowTotal(not[0], i)) }
	set("signups", build(func(i int) Cell { return count(signups(i)) })...)
	set("attended", build(func(i int) Cell { return count(rowTotal(att[0], i)) })...)
	set("rate", build(func(i int) Cell {
		k, n := attended(rowOf(i))
		return shareOf(rowTotal(att[0], i), signups(i), k, n)
	})...)
	attenders := sdc.Protect(table(func(a *Area) []int {
		at3 := min(a.Attenders3, a.Attenders1)
		return []int{at3, a.Attenders1 - at3}
	}))
	set("attenders1", build(func(i int) Cell { return count(rowTotal(attenders, i)) })...)
	set("attenders3", build(func(i int) Cell { return count(cellOf(attenders, i, 0)) })...)
	set("moves", build(func(i int) Cell { return count(rowTotal(moves[0], i)) })...)
	set("visits", build(func(i int) Cell { return count(rowTotal(visits[0], i)) })...)
	usesOf := func(t int, dk []string, key func(Activity) string) uses {
		var u uses
		for j, v := range dk {
			u.signups = append(u.signups, sum(att[t].ColTotals[j], not[t].ColTotals[j]))
			u.attended = append(u.attended, att[t].ColTotals[j])
			u.moves = append(u.moves, moves[t].ColTotals[j])
			u.visits = append(u.visits, visits[t].ColTotals[j])
			a, su := 0, 0
			for act, x := range all.Use {
				if key(act) == v {
					a += min(x.Attended, x.SignUps)
					su += x.SignUps
				}
			}
			u.k = append(u.k, [2]int{a, su})
		}
		a, su := attended(all)
		u.signups = append(u.signups, sum(att[t].Total, not[t].Total))
		u.attended = append(u.attended, att[t].Total)
		u.moves = append(u.moves, moves[t].Total)
		u.visits = append(u.visits, visits[t].Total)
		u.k = append(u.k, [2]int{a, su})
		return u
	}
	s.categories, s.organisers = usesOf(0, k.categories, cat), usesOf(1, k.organisers, org)

	// The coordinators' work.
	opened := sdc.Protect(table(func(a *Area) []int { return []int{a.CasesOpened} }))
	set("opened", build(func(i int) Cell { return count(rowTotal(opened, i)) })...)
	outcomes := sdc.Protect(byKeys(k.outcomes, func(a *Area) map[string]int { return a.Outcomes }))
	s.outcomes = dimOf(outcomes)
	set("closed", build(func(i int) Cell { return count(rowTotal(outcomes, i)) })...)
	answers := sdc.Protect(table(func(a *Area) []int { return []int{len(a.FirstAnswer)} }))
	set("first_answer", build(func(i int) Cell {
		xs := slices.Clone(rowOf(i).FirstAnswer)
		slices.Sort(xs)
		med := 0.0
		if len(xs) > 0 {
			med = stat.Quantile(0.5, stat.Empirical, xs, nil)
		}
		return statOf(KindMinutes, sdc.Stat(med, len(xs)), rowTotal(answers, i), len(xs))
	})...)
	feedback := sdc.Protect(table(func(a *Area) []int { return []int{len(a.feedback())} }))
	set("feedback_n", build(func(i int) Cell { return count(rowTotal(feedback, i)) })...)
	set("feedback", build(func(i int) Cell { return meanOf(KindScore, sdc.MeanOf(rowOf(i).feedback()), rowTotal(feedback, i)) })...)

	// Wellbeing.
	low := sdc.Protect(table(func(a *Area) []int {
		k := 0
		for _, x := range a.Baseline {
			if x <= 50 {
				k++
			}
		}
		return []int{k, len(a.Baseline) - k}
	}))
	set("baseline_n", build(func(i int) Cell { return count(rowTotal(low, i)) })...)
	set("baseline", build(func(i int) Cell { return meanOf(KindScore, sdc.MeanOf(rowOf(i).Baseline), rowTotal(low, i)) })...)
	set("low", build(func(i int) Cell {
		a := rowOf(i)
		k := 0
		for _, x := range a.Baseline {
			if x <= 50 {
				k++
			}
		}
		return shareOf(cellOf(low, i, 0), rowTotal(low, i), k, len(a.Baseline))
	})...)
	follow := sdc.Protect(table(func(a *Area) []int {
		ans := min(a.Answered, a.FollowUps)
		return []int{ans, a.FollowUps - ans}
	}))
	set("followups", build(func(i int) Cell { return count(rowTotal(follow, i)) })...)
	set("answered", build(func(i int) Cell { return count(cellOf(follow, i, 0)) })...)
	set("response", build(func(i int) Cell {
		a := rowOf(i)
		return shareOf(cellOf(follow, i, 0), rowTotal(follow, i), min(a.Answered, a.FollowUps), a.FollowUps)
	})...)
	// The pairs by municipality and by better, unchanged or worse, of
	// the families who attended and of those who did not: two tables,
	// whose sums are shown only where both parts are.
	split := func(attended bool) sdc.Protected {
		return sdc.Protect(table(func(a *Area) []int {
			ks := changes(a.Pairs)
			if attended {
				return ks[:3]
			}
			return ks[3:]
		}))
	}
	pa, pn := split(true), split(false)
	pairsOf := func(t *columns, rows int, get func(i int) ([]sdc.Cell, sdc.Cell, []Pair)) {
		t.col["pairs"] = make([]Cell, rows)
		for _, f := range []string{"change", "improved", "unchanged", "worse"} {
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
			for j, f := range []string{"improved", "unchanged", "worse"} {
				t.col[f][i] = shareOf(parts[j], nc, ks[j]+ks[3+j], len(ps))
			}
		}
	}
	pairsOf(&s.columns, n+1, func(i int) ([]sdc.Cell, sdc.Cell, []Pair) {
		var parts []sdc.Cell
		for j := range 3 {
			parts = append(parts, sum(cellOf(pa, i, j), cellOf(pn, i, j)))
		}
		return parts, sum(rowTotal(pa, i), rowTotal(pn, i)), rowOf(i).Pairs
	})
	s.attendance = columns{col: map[string][]Cell{}}
	pairsOf(&s.attendance, 3, func(i int) ([]sdc.Cell, sdc.Cell, []Pair) {
		var ps []Pair
		for _, p := range all.Pairs {
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

	settle(s.col, n, "completion", "rate", "feedback", "baseline", "low", "response", "change", "improved", "unchanged", "worse")
	settle(s.attendance.col, 2, "change", "improved", "unchanged", "worse")

	// Costs, for the service: a cost per family is shown only where the
	// count it divides by is, and the total only where the card visits it
	// counts are.
	s.costs = columns{col: map[string][]Cell{}}
	var sessions int
	for _, u := range all.Use {
		sessions += u.Sessions
	}
	visitsN := visits[0].Total
	cost := d.Costs.total(p.Months(), sessions, visitsN.N) / 100
	total := Cell{Kind: KindMoney, X: cost}
	if !visitsN.Shown() {
		total = Cell{Kind: KindMoney, Why: sdc.Protects}
	}
	improved := sum(pa.ColTotals[0], pn.ColTotals[0])
	if !visitsN.Shown() {
		cost = 0
	}
	perOf := func(nc sdc.Cell) Cell {
		if !visitsN.Shown() {
			return Cell{Kind: KindMoney, Why: sdc.Protects}
		}
		return per(cost, nc)
	}
	s.costs.col["cost"] = []Cell{total}
	s.costs.col["per_family"] = []Cell{perOf(fam[0].Total)}
	s.costs.col["per_participant"] = []Cell{perOf(attenders.Total)}
	s.costs.col["per_visit"] = []Cell{perOf(att[0].Total)}
	s.costs.col["per_improved"] = []Cell{perOf(improved)}
	return s
}

// changes counts pairs as attended and better, unchanged, worse by
// [Points], then not attended and the same three.
func changes(ps []Pair) []int {
	out := make([]int, 6)
	for _, p := range ps {
		j := 1
		switch d := p.After - p.Before; {
		case d >= Points:
			j = 0
		case d <= -Points:
			j = 2
		}
		if !p.Attended {
			j += 3
		}
		out[j]++
	}
	return out
}

// hideLone hides, where exactly one of shares that add up to 100 % is
// hidden, the smallest shown one too. It reports whether it hid one.
func hideLone(shares ...[]Cell) bool {
	hidden, small := 0, -1
	for i, s := range shares {
		if !s[0].Shown() {
			hidden++
		} else if small < 0 || s[0].X < shares[small][0].X {
			small = i
		}
	}
	if hidden == 1 && small >= 0 {
		shares[small][0] = Cell{Kind: KindShare, Why: sdc.Protects}
		return true
	}
	return false
}

// settle protects shares and means across the rows of a table: the total's
// share times its n, less the other rows', is the count a hidden share of
// one row stands for, and likewise for a mean's sum. Where exactly one row
// of such a column is hidden beside a shown total, the shown row of the
// smallest group is hidden too, or the total where there is none; and the
// three shares of the change (better, unchanged, worse) are kept from
// showing two of three, until neither rule hides anything more. The rows
// are col[fig][:rows], the total col[fig][rows].
func settle(col map[string][]Cell, rows int, figs ...string) {
	for changed := true; changed; {
		changed = false
		for _, f := range figs {
			cells := col[f]
			if cells[rows].Shown() {
				hidden, small := 0, -1
				for i, c := range cells[:rows] {
					if !c.Shown() {
						hidden++
					} else if small < 0 || c.N < cells[small].N {
						small = i
					}
				}
				if hidden == 1 {
					if small < 0 {
						small = rows
					}
					cells[small] = Cell{Kind: cells[small].Kind, Why: sdc.Protects}
					changed = true
				}
			}
		}
		if col["improved"] == nil {
			continue
		}
		for i := range rows + 1 {
			if hideLone(col["improved"][i:i+1], col["unchanged"][i:i+1], col["worse"][i:i+1]) {
				changed = true
			}
		}
	}
}

// areaTable lays out figures by row (the municipalities and the total),
// each in the period and in the previous one.
func areaTable(id string, rows []Label, now, before columns, figs ...string) Table {
	t := Table{ID: id, Corner: Label{ID: "report.col.municipality"}}
	if id == "attendance" || id == "costs" {
		t.Corner = Label{}
	}
	for _, f := range figs {
		t.Columns = append(t.Columns, Column{Label: Label{ID: "report.col." + f}}, Column{Label: Label{ID: "report.col." + f}, Previous: true})
	}
	for i, l := range rows {
		row := Row{Label: l}
		for _, f := range figs {
			row.Cells = append(row.Cells, now.col[f][i], before.col[f][i])
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// breakdown lays out a count by the values of a dimension for the
// service, in the period and in the previous one, the total last.
func breakdown(id, corner string, ks []string, label func(string) Label, now, before dim) Table {
	t := Table{ID: id, Corner: Label{ID: corner}, Columns: []Column{
		{Label: Label{ID: "report.col." + id}}, {Label: Label{ID: "report.col." + id}, Previous: true},
	}}
	for j, k := range ks {
		t.Rows = append(t.Rows, Row{Label: label(k), Cells: []Cell{count(now[j]), count(before[j])}})
	}
	t.Rows = append(t.Rows, Row{Label: Label{ID: "report.total"}, Cells: []Cell{count(now[len(ks)]), count(before[len(ks)])}})
	return t
}

// useTable lays out participation by the values of a dimension.
func useTable(id, corner string, ks []string, label func(string) Label, now, before uses) Table {
	figs := []string{"signups", "attended", "rate", "moves", "visits"}
	t := Table{ID: id, Corner: Label{ID: corner}}
	for _, f := range figs {
		t.Columns = append(t.Columns, Column{Label: Label{ID: "report.col." + f}}, Column{Label: Label{ID: "report.col." + f}, Previous: true})
	}
	cols := func(u uses) map[string][]Cell {
		col := map[string][]Cell{}
		for j := range u.signups {
			col["signups"] = append(col["signups"], count(u.signups[j]))
			col["attended"] = append(col["attended"], count(u.attended[j]))
			col["rate"] = append(col["rate"], shareOf(u.attended[j], u.signups[j], u.k[j][0], u.k[j][1]))
			col["moves"] = append(col["moves"], count(u.moves[j]))
			col["visits"] = append(col["visits"], count(u.visits[j]))
		}
		settle(col, len(ks), "rate")
		return col
	}
	n, b := cols(now), cols(before)
	for j := range len(ks) + 1 {
		l := Label{ID: "report.total"}
		if j < len(ks) {
			l = label(ks[j])
		}
		row := Row{Label: l}
		for _, f := range figs {
			row.Cells = append(row.Cells, n[f][j], b[f][j])
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}
