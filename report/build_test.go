package report_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"

	"polku/report"
	"polku/report/sdc"
)

// check fails for a cell that shows what the rules hide: a count of 1 to
// 4, a share, mean or median of a group under 10, a share of 0 % or 100 %
// of a group under 20 or one that gives away a count of 1 to 4, or a
// hidden cell that carries a value.
func check(t *testing.T, where string, c report.Cell) {
	t.Helper()
	if !c.Shown() {
		if c.X != 0 || c.Low != 0 || c.High != 0 || c.N != 0 {
			t.Errorf("%s: hidden (%v) but carries %+v", where, c.Why, c)
		}
		return
	}
	switch c.Kind {
	case report.KindCount:
		if c.X != math.Trunc(c.X) || c.X < 0 || c.X > 0 && c.X < sdc.MinCount {
			t.Errorf("%s: count %v shown", where, c.X)
		}
	case report.KindShare:
		k := int(math.Round(c.X * float64(c.N)))
		switch {
		case c.N < sdc.MinN:
			t.Errorf("%s: share of a group of %d shown", where, c.N)
		case (k == 0 || k == c.N) && c.N < sdc.MinAllOrNone:
			t.Errorf("%s: share %v of a group of %d shown", where, c.X, c.N)
		case k > 0 && k < c.N && (k < sdc.MinCount || c.N-k < sdc.MinCount):
			t.Errorf("%s: share %d of %d shown", where, k, c.N)
		}
	case report.KindScore, report.KindChange, report.KindMinutes:
		if c.N < sdc.MinN {
			t.Errorf("%s: statistic of a group of %d shown", where, c.N)
		}
	case report.KindMoney:
		if c.N > 0 && c.N < sdc.MinCount {
			t.Errorf("%s: cost per one of %d shown", where, c.N)
		}
	}
}

// checkReport checks every cell of the report, and that no column of
// counts, shares or means with its total shown has exactly one hidden
// cell, which the total less the others would give away (a share or mean
// times its n is a count or a sum).
func checkReport(t *testing.T, r report.Report) {
	t.Helper()
	for _, tp := range r.Topics {
		for _, tb := range tp.Tables {
			for i, row := range tb.Rows {
				for j, c := range row.Cells {
					check(t, tb.ID+" row "+itoa(i)+" column "+itoa(j), c)
				}
			}
			for j := range tb.Columns {
				last := tb.Rows[len(tb.Rows)-1].Cells[j]
				if last.Kind == report.KindMinutes || last.Kind == report.KindMoney || !last.Shown() || len(tb.Rows) < 2 {
					continue
				}
				hidden := 0
				for _, row := range tb.Rows[:len(tb.Rows)-1] {
					if !row.Cells[j].Shown() {
						hidden++
					}
				}
				if hidden == 1 {
					t.Errorf("%s column %d: one hidden figure beside a shown total", tb.ID, j)
				}
			}
		}
	}
	for _, f := range r.Headline {
		check(t, "headline "+f.Label.ID, f.Now)
		check(t, "headline "+f.Label.ID+" before", f.Before)
	}
	for _, ch := range r.Charts {
		for i := range ch.Groups {
			check(t, "chart "+ch.Title.ID, ch.Now[i])
			check(t, "chart "+ch.Title.ID+" before", ch.Before[i])
		}
	}
}

func itoa(n int) string {
	return string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

// Groups of every size from 1 to 25, many times over: nothing the rules
// hide reaches the report.
func TestBuildProtectsEveryCell(t *testing.T) {
	for size := 1; size <= 25; size++ {
		for seed := range uint64(20) {
			for _, municipalities := range []int{1, 3, 6} {
				checkReport(t, report.Build(sample(seed, municipalities, size)))
				if t.Failed() {
					t.Fatalf("size %d, seed %d, %d municipalities", size, seed, municipalities)
				}
			}
		}
	}
}

// A service that measures no wellbeing has no wellbeing sheet, and one
// without costs no costs sheet; the instrument is the report's, named in
// the methods, so the scores of two instruments never meet in one report.
func TestTopics(t *testing.T) {
	topics := func(r report.Report) []string {
		var ids []string
		for _, tp := range r.Topics {
			ids = append(ids, tp.ID)
		}
		return ids
	}
	d := sample(1, 3, 20)
	if got, want := topics(report.Build(d)), []string{"reach", "participation", "cases", "wellbeing", "costs"}; !slices.Equal(got, want) {
		t.Errorf("topics %v, want %v", got, want)
	}
	d.Instrument, d.Costs, d.CostsBefore = "", polku.Costs{}, polku.Costs{}
	if got, want := topics(report.Build(d)), []string{"reach", "participation", "cases"}; !slices.Equal(got, want) {
		t.Errorf("without wellbeing and costs: topics %v, want %v", got, want)
	}
	if r := report.Build(d); r.Instrument != "" {
		t.Errorf("instrument %q", r.Instrument)
	}
}

// Three shares of one group (better, unchanged, worse) never show two of
// three, which would give the third.
func TestChangeSharesNotTwoOfThree(t *testing.T) {
	for size := 1; size <= 25; size++ {
		for seed := range uint64(10) {
			r := report.Build(sample(seed, 3, size))
			for _, tp := range r.Topics {
				for _, tb := range tp.Tables {
					if tb.ID != "wellbeing" && tb.ID != "attendance" {
						continue
					}
					n := len(tb.Columns)
					for _, row := range tb.Rows {
						for p := range 2 { // the period, the previous one
							hidden := 0
							for k := n - 6 + p; k < n; k += 2 {
								if !row.Cells[k].Shown() {
									hidden++
								}
							}
							if hidden == 1 {
								t.Fatalf("size %d seed %d %s: one of the three shares hidden", size, seed, tb.ID)
							}
						}
					}
				}
			}
		}
	}
}

// Each period is counted with its own costs: the same figures with the
// monthly cost doubled in the period double its cost and its cost per
// participating family; the methods say whose costs each period's are.
func TestCostsOfEachPeriod(t *testing.T) {
	d := sample(3, 1, 40)
	d.Before = d.Now // the same figures in both periods
	set := time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)
	d.Costs, d.CostsBefore = polku.Costs{Monthly: 200000, Set: set}, polku.Costs{Monthly: 100000}
	r := report.Build(d)
	var costs report.Table
	for _, tp := range r.Topics {
		if tp.ID == "costs" {
			costs = tp.Tables[0]
		}
	}
	if len(costs.Rows) != 1 {
		t.Fatalf("costs table: %+v", costs)
	}
	cells := costs.Rows[0].Cells
	// cost, per family, per participant: now and before side by side.
	if now, before := cells[0], cells[1]; !now.Shown() || now.X != 2000 || before.X != 1000 {
		t.Errorf("cost %+v (before %+v), want 2000 € and 1000 €", now, before)
	}
	if now, before := cells[4], cells[5]; !now.Shown() || now.X != 2*before.X {
		t.Errorf("per participant %+v, before %+v: want twice", now, before)
	}
	w := words(t)
	for lang, want := range map[string]string{
		"fi": "Jakson 2026-11 kustannukset ovat Telegramissa 4.11.2026 asetetut, jakson 2026-10 asetusten mukaiset.",
		"en": "The costs of 2026-11 are as set in Telegram on 4 Nov 2026; those of 2026-10 from the configuration.",
	} {
		if got := report.Methods(w, r, lang); !slices.Contains(got, want) {
			t.Errorf("%s: the methods do not say %q:\n%s", lang, want, strings.Join(got, "\n"))
		}
	}
	d.Costs.Set = time.Time{}
	if got, want := report.Methods(w, report.Build(d), "en"), "The costs of both periods are from the configuration."; !slices.Contains(got, want) {
		t.Errorf("the methods do not say %q:\n%s", want, strings.Join(got, "\n"))
	}
}
