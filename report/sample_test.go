package report_test

import (
	"fmt"
	"math/rand/v2"

	"polku"
	"polku/report"
)

// sample is a service of the given municipalities, each with figures
// drawn at random up to size (so a size of 25 gives groups of 0 to 25),
// for the same seed the same.
func sample(seed uint64, municipalities, size int) report.Data {
	r := rand.New(rand.NewPCG(seed, 7))
	n := func() int { return r.IntN(size + 1) }
	d := empty(report.Period{First: "2026-11", Last: "2026-11"}, report.Period{First: "2026-10", Last: "2026-10"},
		polku.Costs{Monthly: 500000, PerSession: 4000, PerVisit: 1500, StaffHours: 20, HourlyRate: 3500})
	orgs := []string{"Nature school", "Art house", "Sports club", ""}
	refs := []string{"School nurse", "Child welfare", ""}
	for _, f := range []report.Figures{d.Now, d.Before} {
		for m := range municipalities {
			a := f.Of(fmt.Sprintf("Kunta %c", 'A'+m))
			for _, b := range polku.AgeBands {
				a.Families[string(b)] = n()
			}
			for _, ref := range refs {
				a.Referrals[ref] = 0
			}
			// The referrals add up to the families, as the store's do.
			total := 0
			for _, c := range a.Families {
				total += c
			}
			for total > 0 {
				k := min(total, 1+r.IntN(size+1))
				a.Referrals[refs[r.IntN(len(refs))]] += k
				total -= k
			}
			a.Intakes = n()
			a.Completed = r.IntN(a.Intakes + 1)
			for _, c := range polku.Categories[:4] {
				for _, o := range orgs[:1+r.IntN(len(orgs))] {
					su := n()
					a.Use[report.Activity{Category: string(c), Organiser: o}] = report.Use{
						SignUps: su, Attended: r.IntN(su + 1), Moves: r.IntN(3), Visits: n() / 2, Sessions: 1 + r.IntN(4),
					}
				}
			}
			a.Attenders1 = n()
			a.Attenders3 = r.IntN(a.Attenders1 + 1)
			a.CasesOpened = n()
			for range n() {
				a.FirstAnswer = append(a.FirstAnswer, float64(5+r.IntN(240)))
			}
			for _, o := range polku.Outcomes {
				a.Outcomes[string(o)] = r.IntN(size/2 + 1)
			}
			for s := 1; s <= 5; s++ {
				a.Feedback[s] = r.IntN(size/3 + 1)
			}
			for range n() {
				a.Baseline = append(a.Baseline, float64(4*r.IntN(26)))
			}
			a.FollowUps = n()
			a.Answered = r.IntN(a.FollowUps + 1)
			for range n() {
				before := float64(4 * r.IntN(26))
				after := min(100, max(0, before+float64(4*(r.IntN(11)-4))))
				a.Pairs = append(a.Pairs, report.Pair{Before: before, After: after, Attended: r.IntN(3) > 0})
			}
		}
	}
	return d
}

// empty is the Data of a WHO-5 service with costs, without figures yet.
func empty(period, previous report.Period, costs polku.Costs) report.Data {
	return report.Data{
		Period: period, Previous: previous, Instrument: report.WHO5, Costs: costs, CostsBefore: costs,
		Now: report.Figures{}, Before: report.Figures{},
	}
}
