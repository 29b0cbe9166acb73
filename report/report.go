// Package report owns the managers' report: it turns one period's
// figures beside the previous period's ([Data], filled by the store from
// anonymous aggregates) into a protected [Report], and renders that as a
// PNG of the headline charts, an XLSX workbook, CSV tables and a short
// text summary, in the manager's language.
//
// Every figure passes through polku/report/sdc in [Build], before anything
// is drawn or written: a [Cell] of the report is made only from what sdc
// returns, so an output cannot show what sdc hid. The outputs take only
// the Report.
//
// The package is pure: no Telegram, no SQL, no store and no locales. It
// gets its words through [Words], which *locales.Bundle satisfies, and
// returns bytes for the caller to send or write.
package report

import (
	"polku"
	"polku/report/sdc"
)

// Words says a message of the locales in a language, as
// (*locales.Bundle).Message does: data fills the template and count, when
// not nil, picks the plural form.
type Words interface {
	Message(lang, id string, data map[string]any, count any) string
}

// Report is the protected report: nothing in it is a figure sdc has not
// let through.
type Report struct {
	Period, Previous Period
	Instrument       string
	// FollowUpWeeks is Data.FollowUpWeeks: the Methods sheet says which
	// follow-up the change is of.
	FollowUpWeeks int
	// Costs and CostsBefore are the costs each period is counted with,
	// for the Methods sheet to say whose they are. They are the
	// service's settings, not figures of families.
	Costs, CostsBefore polku.Costs
	// Topics are the workbook's sheets before the methods: reach,
	// participation, the coordinators' work, wellbeing and costs.
	Topics []Topic
	// Headline are the figures of the summary.
	Headline []Figure
	// Charts are the data the PNG draws.
	Charts []Chart
}

// Topic is one sheet of the workbook: its tables one under the other.
type Topic struct {
	ID     string // the sheet's name is "report.topic." + ID
	Tables []Table
}

// Table is a table of the report: its title is "report.table." + ID, and
// its CSV file is named by ID.
type Table struct {
	ID      string
	Corner  Label // the header of the column of row labels
	Columns []Column
	Rows    []Row
}

// Column is the header of a column of figures: a figure of the period, or
// of the previous period.
type Column struct {
	Label    Label
	Previous bool
}

// Row is a row of a table: its label and one cell a column.
type Row struct {
	Label Label
	Cells []Cell
}

// Label is a text of the report: a message of the locales when ID is set,
// or Text as it is (a municipality's or an organiser's name).
type Label struct {
	ID   string
	Text string
}

// Kind says what a cell holds and how it is written.
type Kind int

const (
	KindCount   Kind = iota // a count
	KindShare               // a share from 0 to 1, written as a percentage
	KindScore               // a mean score (wellbeing 0–100, feedback 1–5)
	KindChange              // a mean change in points with its 95 % interval Low…High
	KindMinutes             // a median time in minutes
	KindMoney               // euros
)

// Cell is one figure as the report may show it: X (and Low and High for a
// change) when Why is sdc.Shown, and nothing otherwise. N is the size of
// the group a share or a mean is of, and only where the figure is shown.
type Cell struct {
	Kind      Kind
	X         float64
	Low, High float64
	N         int
	Why       sdc.Reason
}

// Shown reports whether the cell's figure may be shown.
func (c Cell) Shown() bool { return c.Why == sdc.Shown }

// Figure is a headline figure of the period beside the previous one.
type Figure struct {
	Label       Label
	Now, Before Cell
}

// Chart is one chart of the PNG: a figure by group (a municipality, a
// category), in the period and in the previous one.
type Chart struct {
	Title       Label
	Groups      []Label
	Now, Before []Cell
}
