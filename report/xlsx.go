package report

import (
	"strconv"

	"github.com/xuri/excelize/v2"

	"polku"
)

// methods are the paragraphs of the "Methods" sheet, as message IDs; the
// instrument's come between them, by Report.Instrument.
var methods = []string{
	"report.methods.period",
	"report.methods.suppression",
	"report.methods.marks",
	"report.methods.merge",
	"report.methods.figures",
	"report.methods.change",
	"report.methods.attendance",
	"report.methods.costs",
	"report.methods.campaigns",
	"report.methods.caveats",
}

// XLSX writes the report as a workbook in lang: a sheet for each topic,
// its tables one under another with a title each, and a "Methods" sheet
// last (the rules of what is hidden, the instrument and its source, and
// what the costs do not show). Shown figures are numbers a spreadsheet can
// count with; hidden ones are their marks, as text.
func XLSX(w Words, r Report, lang string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	if err != nil {
		return nil, err
	}
	formats := map[Kind]string{KindCount: "#,##0", KindShare: "0%", KindScore: "0.0", KindMinutes: "0", KindMoney: "#,##0.00"}
	styles := map[Kind]int{}
	for k, nf := range formats {
		if styles[k], err = f.NewStyle(&excelize.Style{CustomNumFmt: &nf}); err != nil {
			return nil, err
		}
	}
	first := true
	sheet := func(name string) (string, error) {
		if first {
			first = false
			return name, f.SetSheetName("Sheet1", name)
		}
		_, err := f.NewSheet(name)
		return name, err
	}
	for _, tp := range r.Topics {
		name, err := sheet(sheetName(say(w, lang, Label{ID: "report.topic." + tp.ID})))
		if err != nil {
			return nil, err
		}
		if err := f.SetColWidth(name, "A", "A", 32); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(name, "B", "Z", 14); err != nil {
			return nil, err
		}
		y := 1
		for _, t := range tp.Tables {
			at := func(x int) string { c, _ := excelize.CoordinatesToCellName(x, y); return c }
			if err := f.SetCellStr(name, at(1), say(w, lang, Label{ID: "report.table." + t.ID})); err != nil {
				return nil, err
			}
			if err := f.SetCellStyle(name, at(1), at(1), title); err != nil {
				return nil, err
			}
			y++
			head := lines(w, lang, r, t)[0]
			for x, h := range head {
				if err := f.SetCellStr(name, at(x+1), h); err != nil {
					return nil, err
				}
			}
			if err := f.SetCellStyle(name, at(1), at(len(head)), bold); err != nil {
				return nil, err
			}
			y++
			for _, row := range t.Rows {
				if err := f.SetCellStr(name, at(1), say(w, lang, row.Label)); err != nil {
					return nil, err
				}
				for x, c := range row.Cells {
					if err := cell(f, name, at(x+2), lang, c, styles); err != nil {
						return nil, err
					}
				}
				y++
			}
			y++
		}
	}
	name, err := sheet(sheetName(say(w, lang, Label{ID: "report.topic.methods"})))
	if err != nil {
		return nil, err
	}
	if err := f.SetColWidth(name, "A", "A", 110); err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	for y, p := range Methods(w, r, lang) {
		c, _ := excelize.CoordinatesToCellName(1, y+1)
		if err := f.SetCellStr(name, c, p); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(name, c, c, wrap); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	b, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// cell writes one figure: a number where it is shown (a change, which has
// its interval beside it, as text), its mark where it is not.
func cell(f *excelize.File, sheet, at, lang string, c Cell, styles map[Kind]int) error {
	if !c.Shown() || c.Kind == KindChange {
		return f.SetCellStr(sheet, at, text(lang, c))
	}
	var err error
	if c.Kind == KindCount {
		err = f.SetCellInt(sheet, at, int64(c.X))
	} else {
		err = f.SetCellFloat(sheet, at, c.X, -1, 64)
	}
	if err != nil {
		return err
	}
	return f.SetCellStyle(sheet, at, at, styles[c.Kind])
}

// Methods are the paragraphs of the methods in lang: how the figures were
// made, the rules of what is hidden, the instrument and its source, and
// what the report does not claim.
func Methods(w Words, r Report, lang string) []string {
	data := map[string]any{"Period": r.Period.String(), "Previous": r.Previous.String(), "Weeks": r.FollowUpWeeks}
	var out []string
	for _, id := range methods {
		out = append(out, w.Message(lang, id, data, nil))
		if id == "report.methods.figures" && r.Instrument != "" {
			out = append(out, w.Message(lang, "report.methods.instrument."+r.Instrument, data, nil))
		}
		if id == "report.methods.change" && r.FollowUpWeeks > 0 {
			out = append(out, w.Message(lang, "report.methods.point", data, nil))
		}
		if id == "report.methods.costs" {
			out = append(out, costsSource(w, r, lang))
		}
	}
	return out
}

// costsSource says whose costs each period is counted with: as a manager
// set them in Telegram on a day (no one named), or the configuration's.
func costsSource(w Words, r Report, lang string) string {
	from := func(c polku.Costs) string {
		if c.Set.IsZero() {
			return w.Message(lang, "report.methods.costs_configured", nil, nil)
		}
		return w.Message(lang, "report.methods.costs_set", map[string]any{
			"Day": c.Set.Day(), "Month": w.Message(lang, "time.month."+strconv.Itoa(int(c.Set.Month())), nil, nil), "Year": c.Set.Year(),
		}, nil)
	}
	now, before := from(r.Costs), from(r.CostsBefore)
	if now == before {
		return w.Message(lang, "report.methods.costs_source_same", map[string]any{"Source": now}, nil)
	}
	return w.Message(lang, "report.methods.costs_source", map[string]any{
		"Period": r.Period.String(), "Previous": r.Previous.String(), "Source": now, "SourceBefore": before,
	}, nil)
}

// sheetName is a sheet's name as Excel takes it: at most 31 characters,
// none of : \ / ? * [ ].
func sheetName(s string) string {
	var rs []rune
	for _, r := range s {
		switch r {
		case ':', '\\', '/', '?', '*', '[', ']':
			continue
		}
		rs = append(rs, r)
	}
	return string(rs[:min(len(rs), 31)])
}
