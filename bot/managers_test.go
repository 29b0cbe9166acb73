package bot

import (
	"archive/zip"
	"bytes"
	"context"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"polku"
	"polku/internal/telegramtest"
)

// managersGroup is the managers' group of the manager tests.
const managersGroup = -1001000000002

// carl is a member of the managers' group, not a coordinator.
var carl = telegramtest.User{ID: 7003, FirstName: "Carl", LanguageCode: "sv"}

// managersRig is a rig where Anna is a named manager and the managers'
// group has Carl.
func managersRig(t *testing.T, start time.Time) *rig { return costsRig(t, start, polku.Costs{}) }

// costsRig is a managersRig with the configuration's costs.
func costsRig(t *testing.T, start time.Time, costs polku.Costs) *rig {
	o := fast
	o.start = start
	o.cfg.Costs = costs
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

// groupSays checks that what u writes in a group is answered there with a
// message that says want.
func (r *rig) groupSays(t *testing.T, chat int64, u telegramtest.User, text, want string) {
	t.Helper()
	before := len(r.fake.Messages(chat))
	r.fake.SendGroupText(chat, 0, u, text)
	r.settle()
	// Not just the last message: last month's report may come to the
	// managers' group by itself at any moment (TestMonthlyReport).
	var got []string
	for _, m := range r.fake.Messages(chat)[before:] {
		if m.FromBot && strings.Contains(m.Text, want) {
			return
		}
		got = append(got, m.Text)
	}
	t.Errorf("%s in %d: %q, want a message that says %q", text, chat, got, want)
}

// audited are the audit's rows of the actions, in order, written as "who
// action detail".
func (r *rig) audited(t *testing.T, actions ...string) []string {
	t.Helper()
	rows, err := r.pool.Query(context.Background(), `SELECT coordinator || ' ' || action || ' ' || detail FROM audit WHERE action = ANY($1) ORDER BY id`, actions)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestReportInTheGroups: a coordinator who is a manager gets the report in
// the coordinators' group, one who is not is told reports are for
// managers; a member of the managers' group gets it there; every ask is
// audited.
func TestReportInTheGroups(t *testing.T) {
	r := managersRig(t, time.Time{})
	r.groupSays(t, group, ben, "/report 2026-10", "Raportit ovat palvelun esihenkilöille")
	r.fake.SendGroupText(group, 0, anna, "/report 2026-10")
	r.settle()
	checkReport(t, r.fake.Messages(group), r, "📊 Raportti 2026-10 (suluissa 2026-09)")

	r.fake.SendGroupText(managersGroup, 0, carl, "/report 2026-01..2026-06")
	r.settle()
	checkReport(t, r.fake.Messages(managersGroup), r, "📊 Raportti 2026-01–2026-06 (suluissa 2025-07–2025-12)")
	r.groupSays(t, managersGroup, carl, "/help", "/report 2026-01..2026-06")
	r.groupSays(t, managersGroup, carl, "/report 2030-01", "ei ole vielä alkanut")

	// (Last month's report came to the managers' group by itself as the
	// rig started: TestMonthlyReport.)
	audit := r.audited(t, "report", "report_refused")
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

// TestReportCostsOverHistory: a report counts each period with the costs
// in effect at its end: the configuration's before any change, then each
// change from its month on, while earlier months keep theirs.
func TestReportCostsOverHistory(t *testing.T) {
	r := costsRig(t, time.Time{}, polku.Costs{Monthly: 100000}) // Sunday 22 November 2026
	r.counted("(counted last month in Kuusamo: 12 new families, 8 of them took part)")
	r.counted("(counted this month in Kuusamo: 14 new families, 10 of them took part)")
	r.fake.SendText(anna, "/costs monthly 2000")
	r.settle()
	r.clock.Add(14 * 24 * time.Hour) // Sunday 6 December
	r.counted("(counted this month in Kuusamo: 15 new families, 5 of them took part)")
	r.fake.SendText(anna, "/costs monthly 3000")
	r.settle()

	line := "Kustannus osallistunutta perhettä kohden: "
	for _, tc := range []struct{ period, want string }{
		{"2026-10", "125,00 € (•)"},        // 1000 € / 8 families; nobody took part in September
		{"2026-11", "200,00 € (125,00 €)"}, // 2000 € / 10, beside October's
		{"", "600,00 € (200,00 €)"},        // December so far: 3000 € / 5, beside November's
	} {
		r.fake.SendText(anna, strings.TrimSpace("/report "+tc.period))
		r.settle()
		msgs := r.fake.Messages(anna.ID)
		pic := msgs[len(msgs)-2]
		// The report writes a no-break space before the euro sign.
		if !strings.Contains(pic.Caption, line+strings.ReplaceAll(tc.want, " €", "\u00a0€")) {
			t.Errorf("/report %s: want %q in the summary:\n%s", tc.period, line+tc.want, pic.Caption)
		}
	}
	msgs := r.fake.Messages(anna.ID)
	data, _ := r.fake.File(msgs[len(msgs)-1].FileID)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	rows, err := f.GetRows(sheets[len(sheets)-1])
	if err != nil {
		t.Fatal(err)
	}
	want := "Jakson 2026-12 kustannukset ovat Telegramissa 6.12.2026 asetetut, jakson 2026-11 Telegramissa 22.11.2026 asetetut."
	found := false
	for _, row := range rows {
		found = found || slices.Contains(row, want)
	}
	if !found {
		t.Errorf("the Methods sheet does not say %q: %q", want, rows)
	}
}

// TestCostsWhereReportsAre: /costs works where /report does, for managers
// only: a member of the managers' group sets a cost there (audited with
// the values), /help there explains it, a coordinator who is not a
// manager is refused (audited), and a family typing /costs is answered as
// any command it does not know.
func TestCostsWhereReportsAre(t *testing.T) {
	r := managersRig(t, time.Time{})
	r.groupSays(t, managersGroup, carl, "/costs session 45", "Pidettyä toimintakertaa kohden: 45,00 €")
	r.groupSays(t, managersGroup, carl, "/help", "/costs")
	r.groupSays(t, group, ben, "/costs", "esihenkilöiden nähtävissä ja asetettavissa")
	family := telegramtest.User{ID: 5400, FirstName: "Aino", LanguageCode: "fi"}
	r.fake.SendText(family, "/costs monthly 1")
	r.settle()
	for _, m := range r.fake.Messages(family.ID) {
		if strings.Contains(m.Text, "kustannu") {
			t.Errorf("a family got %q", m.Text)
		}
	}
	audit := r.audited(t, "costs", "costs_refused")
	want := []string{"7003 costs monthly 0.00, session 45.00, visit 0.00, staff 0 h at 0.00", "7002 costs_refused "}
	if !slices.Equal(audit, want) {
		t.Errorf("audited %q, want %q", audit, want)
	}
}
