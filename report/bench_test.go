package report_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"polku"
	"polku/report"
)

// service is a service the size the issue names: 100,000 families over
// two years, the report of the second year beside the first, in 23
// municipalities with 120 organisers. Per year each family is counted in
// the reach once, half of them sign up for about four sessions, a third
// open a case, most give a baseline and a third of those a follow-up.
func service() report.Data {
	r := rand.New(rand.NewPCG(12, 100000))
	d := empty(report.Period{First: "2026-01", Last: "2026-12"}, report.Period{First: "2025-01", Last: "2025-12"},
		polku.Costs{Monthly: 2000000, PerSession: 5000, PerVisit: 1500, StaffHours: 160, HourlyRate: 3500})
	var orgs []string
	for i := range 120 {
		orgs = append(orgs, fmt.Sprintf("Organiser %03d", i))
	}
	refs := []string{"", "School nurse", "Child health clinic", "Social services", "Parish", "Sports club", "Library"}
	for _, f := range []report.Figures{d.Now, d.Before} {
		for range 50000 {
			// Municipalities of very different sizes, as a region's are.
			m := int(23 * r.Float64() * r.Float64())
			a := f.Of(fmt.Sprintf("Municipality %02d", m))
			a.Families[string(polku.AgeBands[r.IntN(len(polku.AgeBands))])]++
			a.Referrals[refs[r.IntN(len(refs))]]++
			a.Intakes++
			if r.IntN(10) < 8 {
				a.Completed++
			}
			if r.IntN(2) == 0 {
				times := 1 + r.IntN(7)
				a.Attenders1++
				if times >= 3 {
					a.Attenders3++
				}
				for range times {
					act := report.Activity{Category: string(polku.Categories[r.IntN(len(polku.Categories))]), Organiser: orgs[r.IntN(len(orgs))]}
					u := a.Use[act]
					u.SignUps++
					if r.IntN(4) > 0 {
						u.Attended++
					}
					if r.IntN(20) == 0 {
						u.Moves++
					}
					if r.IntN(5) == 0 {
						u.Visits++
					}
					if r.IntN(8) == 0 {
						u.Sessions++
					}
					a.Use[act] = u
				}
			}
			if r.IntN(3) == 0 {
				a.CasesOpened++
				a.FirstAnswer = append(a.FirstAnswer, float64(r.IntN(600)))
				a.Outcomes[string(polku.Outcomes[r.IntN(len(polku.Outcomes))])]++
				if r.IntN(2) == 0 {
					a.Feedback[1+r.IntN(5)]++
				}
			}
			if r.IntN(10) < 7 {
				before := float64(4 * r.IntN(26))
				a.Baseline = append(a.Baseline, before)
				if r.IntN(3) == 0 {
					a.FollowUps++
					if r.IntN(3) > 0 {
						a.Answered++
						after := min(100, max(0, before+float64(4*(r.IntN(11)-4))))
						a.Pairs = append(a.Pairs, report.Pair{Before: before, After: after, Attended: r.IntN(2) == 0})
					}
				}
			}
		}
	}
	return d
}

// BenchmarkBuild times the report of a service of 100,000 families and
// two years, protected and laid out, and then every output of it:
//
//	go test -run '^$' -bench Build -benchtime 5x ./report/
func BenchmarkBuild(b *testing.B) {
	d := service()
	b.Run("build", func(b *testing.B) {
		for b.Loop() {
			report.Build(d)
		}
	})
	w := words(b)
	b.Run("build+outputs", func(b *testing.B) {
		for b.Loop() {
			r := report.Build(d)
			if _, err := report.PNG(w, r, "fi"); err != nil {
				b.Fatal(err)
			}
			if _, err := report.XLSX(w, r, "fi"); err != nil {
				b.Fatal(err)
			}
			report.CSV(w, r, "fi")
			report.Summary(w, r, "fi")
		}
	})
}

// The service-sized report is protected like any other.
func TestServiceProtected(t *testing.T) {
	if testing.Short() {
		t.Skip("a service-sized report")
	}
	checkReport(t, report.Build(service()))
}
