package report_test

import (
	"archive/zip"
	"bytes"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"polku"
	"polku/report"
)

// TestVisitReport: the provider's month as a workbook, in the provider's
// language, the sessions at the service's wall clock, with the totals
// and a note of where the counts come from; and the same tables as CSV.
// The counts are written as they are, small ones too: they are the
// organiser's own roster and marks.
func TestVisitReport(t *testing.T) {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	title := polku.Localized{"fi": "Laulukerho", "en": "Singing club"}
	v := polku.Visits{
		Organiser: "Esimerkkiopisto", Month: time.Date(2026, 11, 1, 0, 0, 0, 0, helsinki),
		Sessions: []polku.SessionVisits{
			{Activity: 1, Title: title, Start: time.Date(2026, 11, 4, 17, 0, 0, 0, helsinki), Parties: 3, People: 7, Came: 2, CamePeople: 5, Unmarked: 1},
			{Activity: 1, Title: title, Start: time.Date(2026, 11, 11, 17, 0, 0, 0, helsinki), Parties: 1, People: 2, Came: 1, CamePeople: 2},
		},
		Cards: []polku.CardVisits{{Activity: 1, Title: title, Visits: 2}, {Visits: 1}},
	}
	files, err := report.VisitReport(words(t), "en", v, helsinki, true)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(files.XLSX))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"Sessions", "Card visits"}) {
		t.Errorf("sheets %q", got)
	}
	rows, err := f.GetRows("Sessions")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Activity", "Session", "Sign-ups", "People signed up", "Came (marked)", "People who came (marked)", "Not marked"},
		{"Singing club", "2026-11-04 17:00", "3", "7", "2", "5", "1"},
		{"Singing club", "2026-11-11 17:00", "1", "2", "1", "2", "0"},
		{"Total", "", "4", "9", "3", "7", "1"},
		nil,
		{"Came: as the organiser's providers marked it in Polku. Card visits: as they checked the cards. The families' own answers are not in this file."},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("sessions\n%q\nwant\n%q", rows, want)
	}
	rows, err = f.GetRows("Card visits")
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]string{{"Activity", "Card visits"}, {"Singing club", "2"}, {"(no activity chosen)", "1"}, {"Total", "3"}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("card visits %q, want %q", rows, want)
	}
	z, err := zip.NewReader(bytes.NewReader(files.CSVZip), int64(len(files.CSVZip)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, zf := range z.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		got[zf.Name] = string(b)
	}
	wantCSV := map[string]string{
		"sessions.csv": "Activity,Session,Sign-ups,People signed up,Came (marked),People who came (marked),Not marked\n" +
			"Singing club,2026-11-04 17:00,3,7,2,5,1\nSinging club,2026-11-11 17:00,1,2,1,2,0\nTotal,,4,9,3,7,1\n",
		"card_visits.csv": "Activity,Card visits\nSinging club,2\n(no activity chosen),1\nTotal,3\n",
	}
	if !reflect.DeepEqual(got, wantCSV) {
		t.Errorf("CSV %q, want %q", got, wantCSV)
	}
	fi, err := report.VisitReport(words(t), "fi", v, helsinki, false)
	if err != nil || fi.CSVZip != nil {
		t.Fatalf("without CSV: %v, %d bytes of CSV", err, len(fi.CSVZip))
	}
}
