package bot

import (
	"archive/zip"
	"bytes"
	"context"
	"image/png"
	"strings"
	"testing"
	"time"

	"polku/internal/telegramtest"
)

// managersGroup is the managers' group of the manager tests.
const managersGroup = -1001000000002

// carl is a member of the managers' group, not a coordinator.
var carl = telegramtest.User{ID: 7003, FirstName: "Carl", LanguageCode: "sv"}

// managersRig is a rig where Anna is a named manager and the managers'
// group has Carl.
func managersRig(t *testing.T, start time.Time) *rig {
	o := fast
	o.start = start
	o.cfg.Managers = []int64{anna.ID}
	o.cfg.ManagersGroup, o.cfg.ManagersLang, o.cfg.ReportAt = managersGroup, "fi", 9*time.Hour
	r := newRig(t, o, true)
	r.fake.SetMember(managersGroup, carl, telegramtest.StatusMember)
	return r
}

// checkReport checks that msgs end with a report: a picture that decodes,
// its caption the summary, and a workbook that opens.
func checkReport(t *testing.T, msgs []telegramtest.Message, r *rig, title string) {
	t.Helper()
	if len(msgs) < 2 {
		t.Fatalf("want the report's picture and workbook, got %d messages", len(msgs))
	}
	pic, book := msgs[len(msgs)-2], msgs[len(msgs)-1]
	if pic.Media != "photo" || !strings.HasPrefix(pic.Caption, title) {
		t.Fatalf("the picture: %s %q", pic.Media, pic.Caption)
	}
	data, ok := r.fake.File(pic.FileID)
	if !ok {
		t.Fatal("the picture's bytes are not there")
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("the picture: %v", err)
	}
	f := workbook(t, r, book, "polku-report-")
	if len(f.GetSheetList()) < 2 {
		t.Errorf("the workbook's sheets: %v", f.GetSheetList())
	}
}

// TestReportInTheGroups: a coordinator who is a manager gets the report in
// the coordinators' group, one who is not is told reports are for
// managers; a member of the managers' group gets it there; every ask is
// audited.
func TestReportInTheGroups(t *testing.T) {
	r := managersRig(t, time.Time{})
	r.fake.SendGroupText(group, 0, ben, "/report 2026-10")
	r.settle()
	if m, _ := r.fake.LastMessage(group); !strings.Contains(m.Text, "Raportit ovat palvelun esihenkilöille") {
		t.Errorf("a coordinator who is not a manager: %q", m.Text)
	}
	r.fake.SendGroupText(group, 0, anna, "/report 2026-10")
	r.settle()
	checkReport(t, r.fake.Messages(group), r, "📊 Raportti 2026-10 (suluissa 2026-09)")

	r.fake.SendGroupText(managersGroup, 0, carl, "/report 2026-01..2026-06")
	r.settle()
	checkReport(t, r.fake.Messages(managersGroup), r, "📊 Raportti 2026-01–2026-06 (suluissa 2025-07–2025-12)")
	r.fake.SendGroupText(managersGroup, 0, carl, "/help")
	r.settle()
	if m, _ := r.fake.LastMessage(managersGroup); !strings.Contains(m.Text, "/report 2026-01..2026-06") {
		t.Errorf("/help in the managers' group: %q", m.Text)
	}
	r.fake.SendGroupText(managersGroup, 0, carl, "/report 2030-01")
	r.settle()
	if m, _ := r.fake.LastMessage(managersGroup); !strings.Contains(m.Text, "ei ole vielä alkanut") {
		t.Errorf("a month to come: %q", m.Text)
	}

	var audit []string
	// (Last month's report came to the managers' group by itself as the
	// rig started: TestMonthlyReport.)
	rows, err := r.pool.Query(context.Background(), `SELECT coordinator || ' ' || action || ' ' || detail FROM audit WHERE action IN ('report', 'report_refused') ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		audit = append(audit, s)
	}
	want := []string{"7002 report_refused ", "7001 report 2026-10", "7003 report 2026-01..2026-06"}
	if strings.Join(audit, "|") != strings.Join(want, "|") {
		t.Errorf("audited %q, want %q", audit, want)
	}
}

// TestReportInPrivate: a named manager gets the report in a private chat,
// in their own language; anyone else typing /report or /audit is a
// family, and the flows answer as to any command they do not know.
func TestReportInPrivate(t *testing.T) {
	r := managersRig(t, time.Time{})
	a := anna
	a.LanguageCode = "en"
	r.fake.SendText(a, "/report")
	r.settle()
	checkReport(t, r.fake.Messages(a.ID), r, "📊 Report 2026-11 (in brackets 2026-10)")
	r.fake.SendText(a, "/report 2026-10 csv")
	r.settle()
	msgs := r.fake.Messages(a.ID)
	last := msgs[len(msgs)-1]
	if last.Media != "document" || last.Document != "polku-report-2026-10-csv.zip" {
		t.Fatalf("the tables: %s %q", last.Media, last.Document)
	}
	data, _ := r.fake.File(last.FileID)
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the tables' zip: %v", err)
	}
	if len(z.File) < 5 {
		t.Errorf("the tables' zip has %d files", len(z.File))
	}
	checkReport(t, msgs[:len(msgs)-1], r, "📊 Report 2026-10 (in brackets 2026-09)")

	family := telegramtest.User{ID: 5400, FirstName: "Aino", LanguageCode: "fi"}
	r.fake.SendText(family, "/report")
	r.fake.SendText(family, "/audit")
	r.settle()
	for _, m := range r.fake.Messages(family.ID) {
		if m.Media != "" || strings.Contains(m.Text, "Raport") || strings.Contains(m.Text, "loki") {
			t.Errorf("a family got %s %q", m.Media, m.Text)
		}
	}
}

// TestMonthlyReport: on the first weekday of a month at nine, last month's
// report comes to the managers' group by itself, once; a process that
// starts later in the month sends it then.
func TestMonthlyReport(t *testing.T) {
	// Sunday 29 November 2026 at 11:00 (the rig's weekday and hour): the
	// first weekday of November is long gone, and October's report was
	// never sent.
	r := managersRig(t, time.Date(2026, 11, 29, 11, 0, 0, 0, helsinki))
	r.bot.monthlyReport(context.Background())
	r.settle()
	msgs := r.fake.Messages(managersGroup)
	if len(msgs) != 2 {
		t.Fatalf("want October's report (2 messages) as the bot starts, got %d", len(msgs))
	}
	checkReport(t, msgs, r, "📊 Raportti 2026-10 (suluissa 2026-09)")
	// Tuesday 1 December at 8:59, then at 9:00.
	r.clock.Add(45*time.Hour + 59*time.Minute)
	r.bot.monthlyReport(context.Background())
	r.settle()
	if n := len(r.fake.Messages(managersGroup)); n != 2 {
		t.Fatalf("%d messages before nine, want still 2", n)
	}
	r.clock.Add(time.Minute)
	r.bot.monthlyReport(context.Background())
	r.bot.monthlyReport(context.Background()) // as another process, or after a restart
	r.settle()
	msgs = r.fake.Messages(managersGroup)
	if len(msgs) != 4 {
		t.Fatalf("want November's report once (4 messages in all), got %d", len(msgs))
	}
	checkReport(t, msgs, r, "📊 Raportti 2026-11 (suluissa 2026-10)")
}
