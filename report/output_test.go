package report_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"image/png"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"polku"
	"polku/locales"
	"polku/report"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// words are the real locales: the report's keys are checked in every
// language by the locales' own tests, and here in use.
func words(t testing.TB) report.Words {
	t.Helper()
	b, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with testdata/name, or writes it there with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// smallCount is a count of 1 to 4 written out: no output has one where a
// count stands.
var smallCount = regexp.MustCompile(`^[1-4]$`)

// checkCSV reads every CSV file back and checks each cell against the
// report's: the figure as the report writes it, a mark where it is hidden,
// and never a count of 1 to 4.
func checkCSV(t *testing.T, w report.Words, r report.Report, lang string) {
	t.Helper()
	files := report.CSV(w, r, lang)
	for _, tp := range r.Topics {
		for _, tb := range tp.Tables {
			cr := csv.NewReader(bytes.NewReader(files[tb.ID+".csv"]))
			if lang != "en" {
				cr.Comma = ';'
			}
			got, err := cr.ReadAll()
			if err != nil {
				t.Fatalf("%s %s.csv: %v", lang, tb.ID, err)
			}
			if len(got) != len(tb.Rows)+1 {
				t.Fatalf("%s %s.csv: %d lines, want %d", lang, tb.ID, len(got), len(tb.Rows)+1)
			}
			for i, row := range tb.Rows {
				for j, c := range row.Cells {
					s := got[i+1][j+1]
					if c.Kind == report.KindCount && smallCount.MatchString(s) {
						t.Errorf("%s %s.csv line %d column %d: count %s", lang, tb.ID, i+2, j+2, s)
					}
					if !c.Shown() && s != report.MarkSmall && s != report.MarkHidden {
						t.Errorf("%s %s.csv line %d column %d: hidden figure written as %q", lang, tb.ID, i+2, j+2, s)
					}
				}
			}
		}
	}
}

// checkXLSX opens the workbook and reads every sheet back: a sheet a topic
// and the methods, each table's title, header and rows where they belong,
// a shown figure as its number, a hidden one as its mark, never a count
// of 1 to 4.
func checkXLSX(t *testing.T, w report.Words, r report.Report, lang string) {
	t.Helper()
	b, err := report.XLSX(w, r, lang)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: the workbook does not open: %v", lang, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != len(r.Topics)+1 {
		t.Fatalf("%s: sheets %q, want %d topics and the methods", lang, sheets, len(r.Topics))
	}
	if want := w.Message(lang, "report.topic.methods", nil, nil); sheets[len(sheets)-1] != want {
		t.Errorf("%s: last sheet %q, want %q", lang, sheets[len(sheets)-1], want)
	}
	for s, tp := range r.Topics {
		rows, err := f.GetRows(sheets[s], excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		y := 0
		for _, tb := range tp.Tables {
			if want := w.Message(lang, "report.table."+tb.ID, nil, nil); rows[y][0] != want {
				t.Errorf("%s %s row %d: %q, want the title %q", lang, sheets[s], y+1, rows[y][0], want)
			}
			y += 2
			for _, row := range tb.Rows {
				for j, c := range row.Cells {
					got := ""
					if j+1 < len(rows[y]) {
						got = rows[y][j+1]
					}
					where := sheets[s] + " " + tb.ID + " row " + strconv.Itoa(y+1) + " column " + strconv.Itoa(j+2)
					switch {
					case c.Kind == report.KindCount && smallCount.MatchString(got):
						t.Errorf("%s %s: count %s", lang, where, got)
					case !c.Shown():
						if got != report.MarkSmall && got != report.MarkHidden {
							t.Errorf("%s %s: hidden figure written as %q", lang, where, got)
						}
					case c.Kind == report.KindChange:
						if !strings.Contains(got, "…") {
							t.Errorf("%s %s: change %q without its interval", lang, where, got)
						}
					default:
						x, err := strconv.ParseFloat(got, 64)
						if err != nil || math.Abs(x-c.X) > 1e-9*max(1, math.Abs(c.X)) {
							t.Errorf("%s %s: %q, want the number %v", lang, where, got, c.X)
						}
					}
				}
				y++
			}
			y++
		}
	}
	methods, err := f.GetRows(sheets[len(sheets)-1])
	if err != nil {
		t.Fatal(err)
	}
	text := ""
	for _, row := range methods {
		text += strings.Join(row, " ") + "\n"
	}
	if r.Instrument == report.WHO5 && !strings.Contains(text, "Psychiatric Research Unit, Mental Health Centre North Zealand") {
		t.Errorf("%s: the methods do not name the WHO-5's source:\n%s", lang, text)
	}
}

// Every output of reports of groups of 1 to 25 shows nothing the rules
// hide, in every language.
func TestOutputsProtectEveryCell(t *testing.T) {
	w := words(t)
	for size := 1; size <= 25; size++ {
		r := report.Build(sample(uint64(size), 3, size))
		for _, lang := range polku.Languages() {
			checkCSV(t, w, r, lang)
			checkXLSX(t, w, r, lang)
			if s := report.Summary(w, r, lang); utf8.RuneCountInString(s) > report.MaxSummary {
				t.Errorf("%s: summary of %d characters", lang, utf8.RuneCountInString(s))
			}
		}
		if t.Failed() {
			t.Fatalf("size %d", size)
		}
	}
}

// The CSV tables and the summary of one report, as a manager reads them.
func TestGolden(t *testing.T) {
	w := words(t)
	r := report.Build(sample(3, 4, 40))
	for _, lang := range []string{"fi", "en"} {
		files := report.CSV(w, r, lang)
		var all bytes.Buffer
		for _, name := range slices.Sorted(maps.Keys(files)) {
			all.WriteString("== " + name + "\n")
			all.Write(files[name])
		}
		golden(t, "csv."+lang+".golden", all.Bytes())
		golden(t, "summary."+lang+".golden", []byte(report.Summary(w, r, lang)+"\n"))
	}
}

// The picture decodes as a PNG as wide as a phone shows a photo, in every
// language, and for a service with no figures at all.
func TestPNG(t *testing.T) {
	w := words(t)
	for _, d := range []report.Data{sample(5, 4, 30), sample(6, 1, 2), {Now: report.Figures{}, Before: report.Figures{}}} {
		r := report.Build(d)
		for _, lang := range polku.Languages() {
			b, err := report.PNG(w, r, lang)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", lang, err)
			}
			if got := img.Bounds().Dx(); got != 1080 {
				t.Errorf("%s: %d px wide, want 1080", lang, got)
			}
			if got, want := img.Bounds().Dy(), 720*max(1, len(r.Charts)); got != want {
				t.Errorf("%s: %d px high, want %d", lang, got, want)
			}
		}
	}
}

// TestMethodsSayTheFollowUpPoint: with a follow-up asked, the Methods
// sheet says in every language that the change is of the first point and
// after how many weeks; with none, it says nothing of a point.
func TestMethodsSayTheFollowUpPoint(t *testing.T) {
	w := words(t)
	d := sample(5, 2, 20)
	d.FollowUpWeeks = 8
	r := report.Build(d)
	for _, lang := range []string{"fi", "sv", "en", "uk"} {
		point := w.Message(lang, "report.methods.point", map[string]any{"Weeks": 8}, nil)
		if !strings.Contains(point, "8") || !slices.Contains(report.Methods(w, r, lang), point) {
			t.Errorf("%s: the methods do not say which follow-up the change is of", lang)
		}
	}
	d.FollowUpWeeks = 0
	none := report.Methods(w, report.Build(d), "en")
	if slices.Contains(none, w.Message("en", "report.methods.point", map[string]any{"Weeks": 0}, nil)) {
		t.Error("no follow-up asked, yet the methods name its point")
	}
}
