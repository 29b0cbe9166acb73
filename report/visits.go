package report

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"polku"

	"github.com/xuri/excelize/v2"
)

// A provider's visit report for reimbursement (/visits): the month's
// sessions of an organiser with their sign-ups and the parties its
// providers marked as come, and its card visits by activity, as a
// workbook and, when asked, CSV files in a zip file. Its counts do not
// pass through sdc: they are the organiser's own roster and marks, which
// its providers already saw party by party, and a claim needs them exact;
// nothing the organiser did not see (the families' own answers, their
// municipality, wellbeing or anything of the intake) is in it. See
// docs/reports.md.

// VisitFiles are a visit report written: the workbook, and the CSV files
// in a zip file when asked for.
type VisitFiles struct {
	XLSX, CSVZip []byte
}

// VisitReport writes v in lang, the sessions' times in loc; withCSV adds
// the CSV files.
func VisitReport(w Words, lang string, v polku.Visits, loc *time.Location, withCSV bool) (VisitFiles, error) {
	say := func(id string) string { return w.Message(lang, "visits."+id, nil, nil) }
	title := func(t polku.Localized) string {
		if t == nil {
			return say("no_activity")
		}
		return t.In(lang)
	}
	sessions := [][]any{{say("column.activity"), say("column.session"), say("column.signups"), say("column.people"),
		say("column.came"), say("column.came_people"), say("column.unmarked")}}
	total := []int{0, 0, 0, 0, 0}
	for _, s := range v.Sessions {
		at := s.Start.In(loc)
		// The wall clock of the service's time zone: a spreadsheet has
		// none of its own.
		wall := time.Date(at.Year(), at.Month(), at.Day(), at.Hour(), at.Minute(), 0, 0, time.UTC)
		row := []any{title(s.Title), wall}
		for i, n := range []int{s.Parties, s.People, s.Came, s.CamePeople, s.Unmarked} {
			row = append(row, n)
			total[i] += n
		}
		sessions = append(sessions, row)
	}
	sessions = append(sessions, []any{say("total"), "", total[0], total[1], total[2], total[3], total[4]})
	cards := [][]any{{say("column.activity"), say("column.visits")}}
	visits := 0
	for _, c := range v.Cards {
		cards = append(cards, []any{title(c.Title), c.Visits})
		visits += c.Visits
	}
	cards = append(cards, []any{say("total"), visits})

	f := excelize.NewFile()
	defer f.Close()
	format := "yyyy-mm-dd hh:mm"
	when, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return VisitFiles{}, fmt.Errorf("visit report: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return VisitFiles{}, fmt.Errorf("visit report: %w", err)
	}
	sheet := func(name string, rows [][]any, widths []float64, first bool) error {
		name = sheetName(name)
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		for i, wd := range widths {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(name, col, col, wd); err != nil {
				return err
			}
		}
		for y, row := range rows {
			at, _ := excelize.CoordinatesToCellName(1, y+1)
			if err := f.SetSheetRow(name, at, &row); err != nil {
				return err
			}
			// The header and the total in bold, the sessions' times as
			// times.
			for x, c := range row {
				at, _ := excelize.CoordinatesToCellName(x+1, y+1)
				style := 0
				if _, ok := c.(time.Time); ok {
					style = when
				} else if y == 0 || (len(row) > 0 && row[0] == say("total")) {
					style = bold
				}
				if style != 0 {
					if err := f.SetCellStyle(name, at, at, style); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	note := say("note")
	if err := sheet(say("sheet.sessions"), append(sessions, []any{}, []any{note}), []float64{40, 18, 12, 16, 14, 18, 12}, true); err != nil {
		return VisitFiles{}, fmt.Errorf("visit report: %w", err)
	}
	if err := sheet(say("sheet.cards"), cards, []float64{40, 14}, false); err != nil {
		return VisitFiles{}, fmt.Errorf("visit report: %w", err)
	}
	f.SetActiveSheet(0)
	b, err := f.WriteToBuffer()
	if err != nil {
		return VisitFiles{}, fmt.Errorf("visit report: %w", err)
	}
	out := VisitFiles{XLSX: b.Bytes()}
	if !withCSV {
		return out, nil
	}
	var zipped bytes.Buffer
	z := zip.NewWriter(&zipped)
	for _, file := range []struct {
		name string
		rows [][]any
	}{{"sessions.csv", sessions}, {"card_visits.csv", cards}} {
		wr, err := z.Create(file.name)
		if err != nil {
			return VisitFiles{}, fmt.Errorf("visit report: %w", err)
		}
		cw := csv.NewWriter(wr)
		if lang != "en" {
			cw.Comma = ';'
		}
		for _, row := range file.rows {
			var rec []string
			for _, c := range row {
				switch c := c.(type) {
				case time.Time:
					rec = append(rec, c.Format("2006-01-02 15:04"))
				case int:
					rec = append(rec, strconv.Itoa(c))
				default:
					rec = append(rec, fmt.Sprint(c))
				}
			}
			if err := cw.Write(rec); err != nil {
				return VisitFiles{}, fmt.Errorf("visit report: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return VisitFiles{}, fmt.Errorf("visit report: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return VisitFiles{}, fmt.Errorf("visit report: %w", err)
	}
	out.CSVZip = zipped.Bytes()
	return out, nil
}
