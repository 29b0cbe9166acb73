package report

import (
	"maps"
	"slices"

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
// municipality by age band and by referral; the attended sign-ups by
// category and by organiser, and those not attended likewise; the
// completed intakes and the rest; and so on. A sum of protected counts
// (the sign-ups are the attended and the not attended) is shown only
// where each part is, a share only where its two counts are, and shares
// and means are kept from being worked out across rows (see settle).
func Build(d Data) Report {
	groups := merge(d)
	r := Report{Period: d.Period, Previous: d.Previous, Instrument: d.Instrument, FollowUpWeeks: d.FollowUpWeeks, Costs: d.Costs, CostsBefore: d.CostsBefore}
	costed := !d.Costs.None() || !d.CostsBefore.None()
	k := keysOf(d)
	now, before := protect(k, d.Now, groups, d.Period, d.Costs), protect(k, d.Before, groups, d.Previous, d.CostsBefore)
	rows := make([]Label, 0, len(groups)+1)
	for _, g := range groups {
		rows = append(rows, g.label)
	}
	rows = append(rows, Label{ID: "report.total"})

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
	if costed {
		r.Topics = append(r.Topics, Topic{ID: "costs", Tables: []Table{
			areaTable("costs", []Label{{ID: "report.total"}}, now.costs, before.costs,
				"cost", "per_family", "per_participant", "per_visit", "per_improved"),
		}})
	}

	if len(d.Campaigns) > 0 {
		r.Topics = append(r.Topics, Topic{ID: "campaigns", Tables: []Table{campaignTable(d.Campaigns)}})
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
	if costed {
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
