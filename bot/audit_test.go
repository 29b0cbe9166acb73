package bot

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"polku/internal/telegramtest"
)

// workbook checks that m is a workbook named name….xlsx that excelize
// opens, and returns it opened.
func workbook(t *testing.T, r *rig, m telegramtest.Message, name string) *excelize.File {
	t.Helper()
	if m.Media != "document" || !strings.HasPrefix(m.Document, name) || !strings.HasSuffix(m.Document, ".xlsx") {
		t.Fatalf("the workbook: %s %q", m.Media, m.Document)
	}
	data, ok := r.fake.File(m.FileID)
	if !ok {
		t.Fatal("the workbook's bytes are not there")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// auditBook checks that msgs end with the audit log's summary and
// workbook, the summary beginning with title, and returns the workbook's
// rows, its header first.
func auditBook(t *testing.T, r *rig, msgs []telegramtest.Message, title string) [][]string {
	t.Helper()
	if len(msgs) < 2 {
		t.Fatalf("want the audit log's summary and workbook, got %d messages", len(msgs))
	}
	summary, book := msgs[len(msgs)-2], msgs[len(msgs)-1]
	if !strings.HasPrefix(summary.Text, title) {
		t.Fatalf("the summary: %q, want it to begin %q", summary.Text, title)
	}
	f := workbook(t, r, book, "polku-audit-")
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestAuditInTheGroups: a coordinator who is a manager gets the audit log
// in the coordinators' group, with every row of the month written as the
// store holds it and the coordinators' first names; one who is neither a
// manager nor an operator is refused kindly; a member of the managers'
// group gets it there, CSV too; every ask is audited, refused ones too.
func TestAuditInTheGroups(t *testing.T) {
	r := managersRig(t, time.Time{})
	ctx := context.Background()
	// October's report, which comes to the managers' group by itself as
	// the bot starts (TestMonthlyReport), is the bot's own row.
	r.bot.monthlyReport(ctx)
	r.settle()
	r.clock.Add(time.Minute)
	r.fake.SendGroupText(group, 0, ben, "/cases")
	r.settle()
	r.fake.SendGroupText(group, 0, ben, "/audit")
	r.settle()
	if m, _ := r.fake.LastMessage(group); !strings.Contains(m.Text, "Tapahtumaloki on palvelun esihenkilöille ja ylläpitäjille") {
		t.Errorf("a coordinator who is neither: %q", m.Text)
	}
	r.clock.Add(time.Minute)
	r.fake.SendGroupText(group, 0, anna, "/audit")
	r.settle()
	rows := auditBook(t, r, r.fake.Messages(group), "🗂 Tapahtumaloki 2026-11, rivejä: 3.")
	var got []string
	for _, row := range rows {
		got = append(got, strings.Join(row, "|"))
	}
	want := []string{
		"Milloin|Telegram-käyttäjätunnus|Etunimi|Mitä|Koodi|Asia|Tarkenne",
		"2026-11-22 11:00:00|0|Polku (botti)|Lähetti kuukauden raportin|report_monthly||2026-10",
		"2026-11-22 11:01:00|7002|Ben|Listasi asiat|list_cases",
		"2026-11-22 11:01:00|7002|Ben|Tapahtumalokia ei annettu|audit_refused",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the workbook:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	summary := r.fake.Messages(group)[len(r.fake.Messages(group))-2].Text
	if !strings.Contains(summary, "• Listasi asiat (list_cases): 1") {
		t.Errorf("the summary: %q", summary)
	}

	r.fake.SendGroupText(managersGroup, 0, carl, "/audit 2026-11 csv")
	r.settle()
	msgs := r.fake.Messages(managersGroup)
	last := msgs[len(msgs)-1]
	if last.Media != "document" || last.Document != "polku-audit-2026-11-csv.zip" {
		t.Fatalf("the CSV file: %s %q", last.Media, last.Document)
	}
	data, _ := r.fake.File(last.FileID)
	if z, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil || len(z.File) != 1 {
		t.Fatalf("the CSV's zip: %v", err)
	}
	if rows := auditBook(t, r, msgs[:len(msgs)-1], "🗂 Tapahtumaloki 2026-11, rivejä: 4."); len(rows) != 5 {
		t.Errorf("the managers' group's workbook has %d rows, want 5 (Anna's ask among them)", len(rows))
	}
	r.fake.SendGroupText(managersGroup, 0, carl, "/audit someday")
	r.settle()
	if m, _ := r.fake.LastMessage(managersGroup); !strings.Contains(m.Text, "/audit 2026-11") {
		t.Errorf("a period not understood: %q", m.Text)
	}
	r.fake.SendGroupText(managersGroup, 0, carl, "/help")
	r.settle()
	if m, _ := r.fake.LastMessage(managersGroup); !strings.Contains(m.Text, "/report 2026-01..2026-06") || !strings.Contains(m.Text, "/audit 2026-11") {
		t.Errorf("/help in the managers' group: %q", m.Text)
	}

	var audit string
	if err := r.pool.QueryRow(ctx, `SELECT string_agg(coordinator || ' ' || action || ' ' || detail, '|' ORDER BY id) FROM audit WHERE action LIKE 'audit%'`).Scan(&audit); err != nil {
		t.Fatal(err)
	}
	if want := "7002 audit_refused |7001 audit 2026-11|7003 audit 2026-11 csv|7003 audit ?"; audit != want {
		t.Errorf("audited %q, want %q", audit, want)
	}
}

// TestAuditInPrivate: an operator gets the audit log in a private chat, in
// their own language.
func TestAuditInPrivate(t *testing.T) {
	r := managersRig(t, time.Time{})
	r.bot.monthlyReport(context.Background())
	r.settle()
	op := telegramtest.User{ID: operator, FirstName: "Olli", LanguageCode: "en"}
	r.fake.SendText(op, "/audit 2026-11")
	r.settle()
	rows := auditBook(t, r, r.fake.Messages(op.ID), "🗂 Audit log 2026-11, rows: 1.")
	if len(rows) != 2 || rows[0][3] != "What" || rows[1][4] != "report_monthly" {
		t.Errorf("the operator's workbook: %q", rows)
	}
	// A family typing /audit: TestReportInPrivate.
}

// TestAuditLarge: a month of 100,000 audit rows comes out of PostgreSQL
// and into the workbook row by row in seconds, and the workbook opens
// with every one of them.
func TestAuditLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 rows")
	}
	o := fast
	o.cfg.Managers, o.cfg.ManagersLang = []int64{anna.ID}, "fi"
	r := newRig(t, o, true)
	ctx := context.Background()
	if _, err := r.pool.Exec(ctx, `
		INSERT INTO audit (at, coordinator, action, detail)
		SELECT $1::timestamptz + i * interval '10 seconds', 7001 + i % 2, (ARRAY['claim', 'message', 'close', 'verify'])[1 + i % 4], 'text'
		FROM generate_series(1, 100000) i`, time.Date(2026, 11, 2, 0, 0, 0, 0, helsinki)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r.fake.SendText(anna, "/audit")
	r.settle()
	took := time.Since(start)
	t.Logf("/audit of 100,000 rows answered in %v", took)
	if took > 60*time.Second {
		t.Errorf("/audit of 100,000 rows took %v", took)
	}
	if rows := auditBook(t, r, r.fake.Messages(anna.ID), "🗂 Tapahtumaloki 2026-11, rivejä: 100\u00a0000."); len(rows) != 100001 {
		t.Errorf("the workbook has %d rows, want 100,001", len(rows))
	}
}
