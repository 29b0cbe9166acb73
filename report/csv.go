package report

import (
	"bytes"
	"encoding/csv"
)

// CSV writes each table of the report as a CSV file of its own, named by
// the table ("reach.csv"), in lang: the same figures and marks as the
// workbook, written as text. Finnish, Swedish and Ukrainian files are
// separated by semicolons, as a spreadsheet that reads a decimal comma
// expects; English ones by commas.
func CSV(w Words, r Report, lang string) map[string][]byte {
	out := map[string][]byte{}
	for _, tp := range r.Topics {
		for _, t := range tp.Tables {
			var b bytes.Buffer
			cw := csv.NewWriter(&b)
			if lang != "en" {
				cw.Comma = ';'
			}
			// Writing to a buffer fails only when memory does.
			_ = cw.WriteAll(lines(w, lang, r, t))
			out[t.ID+".csv"] = b.Bytes()
		}
	}
	return out
}

// lines is a table as text, its header first.
func lines(w Words, lang string, r Report, t Table) [][]string {
	head := []string{say(w, lang, t.Corner)}
	for _, c := range t.Columns {
		head = append(head, header(w, lang, r, c))
	}
	out := [][]string{head}
	for _, row := range t.Rows {
		line := []string{say(w, lang, row.Label)}
		for _, c := range row.Cells {
			line = append(line, text(lang, c))
		}
		out = append(out, line)
	}
	return out
}
