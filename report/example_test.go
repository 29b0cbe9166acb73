package report_test

import (
	"fmt"

	"polku/locales"
	"polku/report"
)

// *locales.Bundle says the report's words as it is.
var _ report.Words = (*locales.Bundle)(nil)

// A store fills Data from its aggregates, one GROUP BY a field, and the
// caller builds the report and renders it in the manager's language.
func Example() {
	d := report.Data{
		Period:   report.Period{First: "2026-11", Last: "2026-11"},
		Previous: report.Period{First: "2026-10", Last: "2026-10"},
		Now:      report.Figures{},
		Before:   report.Figures{},
	}
	// SELECT municipality, youngest_band, count(*) … GROUP BY 1, 2
	for _, row := range []struct {
		municipality, band string
		n                  int
	}{
		{"Kuusamo", "0-2", 14}, {"Kuusamo", "3-6", 22}, {"Kuusamo", "7-12", 3},
		{"Kalajoki", "3-6", 9}, {"Kalajoki", "13-17", 11},
		{"Taivalkoski", "7-12", 2},
	} {
		a := d.Now.Of(row.municipality)
		a.Families[row.band] += row.n
		a.Referrals[""] += row.n
	}
	d.Before.Of("Kuusamo").Families["3-6"] = 31
	d.Before.Of("Kuusamo").Referrals[""] = 31

	words, err := locales.Load()
	if err != nil {
		panic(err)
	}
	r := report.Build(d)
	// Taivalkoski's 2 families are too few for a row of their own, and
	// Kalajoki's 20 join them so that "others" is big enough. Kuusamo's
	// 3 families of 7–12 are hidden, and so are its 14 of 0–2, or its 39
	// less the others would tell the 3.
	files := report.CSV(words, r, "en")
	fmt.Printf("%s", files["reach.csv"])
	fmt.Printf("%s", files["bands.csv"])
	// Output:
	// Municipality,New families 2026-11,New families 2026-10,Intakes begun 2026-11,Intakes begun 2026-10,Intakes finished 2026-11,Intakes finished 2026-10,Intake completion 2026-11,Intake completion 2026-10
	// Kuusamo,39,31,0,0,0,0,•,•
	// Others (merged),22,0,0,0,0,0,•,•
	// All,61,31,0,0,0,0,•,•
	// Age band,New families 2026-11,New families 2026-10
	// 0–2 years,•,0
	// 3–6 years,31,31
	// 7–12 years,•,0
	// 13–17 years,11,0
	// All,61,31
}
