package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"polku"

	"github.com/xuri/excelize/v2"

	"polku/report"
)

// auditRows writes n rows of a busy service's audit to l, a second apart
// from 1 November 2026 at 08:00 in Helsinki, the coordinators and actions
// taking turns.
func auditRows(t testing.TB, l *report.AuditLog, n int) {
	t.Helper()
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, helsinki)
	actions := []struct{ action, detail string }{{"claim", ""}, {"message", "text"}, {"close", "activities"}, {"verify", "ok"}, {"later_action", "x"}}
	for i := range n {
		a := actions[i%len(actions)]
		r := polku.AuditRow{At: start.Add(time.Duration(i) * time.Second), Who: int64(7001 + i%3), Name: []string{"Anna", "Ben", ""}[i%3],
			Action: a.action, Case: int64(1 + i%50), Detail: a.detail}
		if a.action == "verify" {
			r.Case = 0
		}
		if err := l.Add(r); err != nil {
			t.Fatal(err)
		}
	}
}

// written is the audit log of n rows (auditRows) in lang, and its
// workbook opened.
func written(t *testing.T, lang string, withCSV bool, n int) (report.AuditFiles, *excelize.File) {
	t.Helper()
	l, err := report.NewAuditLog(words(t), lang, withCSV)
	if err != nil {
		t.Fatal(err)
	}
	auditRows(t, l, n)
	files, err := l.Close()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(files.XLSX))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return files, f
}

// unzipCSV is the one file of the audit log's zip file, audit.csv.
func unzipCSV(t *testing.T, data []byte) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || len(z.File) != 1 || z.File[0].Name != "audit.csv" {
		t.Fatalf("the CSV's zip: %v", err)
	}
	rc, err := z.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	csv, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return csv
}

// TestAuditLog: the workbook opens and holds every row as written, in
// order, with its header in the manager's language, the time as the
// service's wall clock, the action in words beside its code (the code
// alone for an action the locales have no words for), no case where
// there is none; the CSV file holds the same rows; the summary counts
// them per action, the most first (by code when as many).
func TestAuditLog(t *testing.T) {
	files, f := written(t, "en", true, 6)
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "Audit log" {
		t.Fatalf("sheets %q", got)
	}
	rows, err := f.GetRows("Audit log")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"When", "Telegram user ID", "First name", "What", "Code", "Case", "Detail"},
		{"2026-11-01 08:00:00", "7001", "Anna", "Took a case", "claim", "1"},
		{"2026-11-01 08:00:01", "7002", "Ben", "Wrote to a family", "message", "2", "text"},
		{"2026-11-01 08:00:02", "7003", "", "Closed a case", "close", "3", "activities"},
		{"2026-11-01 08:00:03", "7001", "Anna", "Checked a wellbeing card", "verify", "", "ok"},
		{"2026-11-01 08:00:04", "7002", "Ben", "later_action", "later_action", "5", "x"},
		{"2026-11-01 08:00:05", "7003", "", "Took a case", "claim", "6"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("the workbook's rows:\n got %q\nwant %q", rows, want)
	}
	lines, err := csv.NewReader(bytes.NewReader(unzipCSV(t, files.CSVZip))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// A spreadsheet leaves out the empty cells a row ends with; a CSV
	// file keeps them.
	want[1], want[6] = append(want[1], ""), append(want[6], "")
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("the CSV's rows:\n got %q\nwant %q", lines, want)
	}
	got := report.AuditSummary(words(t), "en", report.Period{First: "2026-11", Last: "2026-11"}, files)
	summary := "🗂 Audit log 2026-11, rows: 6. The file is below.\n• Took a case (claim): 2\n• Closed a case (close): 1\n• later_action (later_action): 1\n• Wrote to a family (message): 1\n• Checked a wellbeing card (verify): 1"
	if got != summary {
		t.Errorf("the summary:\n got %q\nwant %q", got, summary)
	}
	none, err := report.NewAuditLog(words(t), "fi", false)
	if err != nil {
		t.Fatal(err)
	}
	empty, err := none.Close()
	if err != nil || empty.CSVZip != nil || empty.Rows != 0 {
		t.Fatalf("an empty log: %v, %d rows, CSV %v", err, empty.Rows, empty.CSVZip != nil)
	}
	if got := report.AuditSummary(words(t), "fi", report.Period{First: "2026-01", Last: "2026-06"}, empty); !strings.Contains(got, "kukaan ei tehnyt") {
		t.Errorf("an empty log's summary: %q", got)
	}
}

// TestAuditLogSheets: rows beyond what one sheet holds go on on the next,
// under the same header.
func TestAuditLogSheets(t *testing.T) {
	defer report.SetAuditSheetRows(4)()
	_, f := written(t, "fi", false, 7)
	var got []string
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s: %d, %s", s, len(rows), rows[0][0]))
	}
	if want := "[Tapahtumaloki: 4, Milloin Tapahtumaloki 2: 4, Milloin Tapahtumaloki 3: 2, Milloin]"; fmt.Sprint(got) != want {
		t.Errorf("sheets %q, want %s", got, want)
	}
}

// TestAuditLogLarge: 100,000 rows (a busy service's year) are written in
// a few seconds, while the memory in use stays far below what holding the
// rows would take, and the workbook opens with every row.
func TestAuditLogLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 rows")
	}
	const n = 100000
	l, err := report.NewAuditLog(words(t), "fi", true)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	auditRows(t, l, n)
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	files, err := l.Close()
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows in %v; %d MB in use before closing; workbook %d kB, CSV zip %d kB", n, took, m.HeapAlloc>>20, len(files.XLSX)>>10, len(files.CSVZip)>>10)
	if took > 30*time.Second {
		t.Errorf("%d rows took %v", n, took)
	}
	if m.HeapAlloc > 200<<20 {
		t.Errorf("%d MB in use while writing %d rows", m.HeapAlloc>>20, n)
	}
	f, err := excelize.OpenReader(bytes.NewReader(files.XLSX))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows("Tapahtumaloki")
	if err != nil {
		t.Fatal(err)
	}
	count, last := 0, []string(nil)
	for rows.Next() {
		count++
		if last, err = rows.Columns(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if count != n+1 || last[0] != "2026-11-02 11:46:39" {
		t.Errorf("the workbook has %d rows, the last %q; want %d and 2026-11-02 11:46:39", count, last, n+1)
	}
	if got := bytes.Count(unzipCSV(t, files.CSVZip), []byte("\n")); got != n+1 {
		t.Errorf("the CSV has %d lines, want %d", got, n+1)
	}
}

// BenchmarkAuditLog writes the workbook of 100,000 audit rows.
func BenchmarkAuditLog(b *testing.B) {
	for b.Loop() {
		l, err := report.NewAuditLog(words(b), "fi", false)
		if err != nil {
			b.Fatal(err)
		}
		auditRows(b, l, 100000)
		if _, err := l.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
