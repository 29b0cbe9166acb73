package bot

import (
	"archive/zip"
	"bytes"
	"slices"
	"strings"
	"testing"

	"polku/internal/telegramtest"
)

// TestVisitsWorkbook: a provider's /visits csv brings last month's
// summary, its workbook and its CSV files; the workbook lists each of the
// organiser's sessions at the service's wall clock (Helsinki), with the
// sign-ups and the provider's marks.
func TestVisitsWorkbook(t *testing.T) {
	h := newHarness(t, fast)
	fam := telegramtest.User{ID: 4242, FirstName: "Test", LanguageCode: "en"}
	h.names = map[int64]string{fam.ID: ""}
	h.family = fam.ID
	for _, a := range []string{"(joins, no news)", "/activities", "[📚 Browse all activities]", "[🎵 Music]", "[Next week ▶️]",
		"[2. Singing club for children]", "[✍️ Sign up]", "[✔️ Sign up 1 person]", "#Anna (general) /provider add Esimerkkiopisto"} {
		h.act(fam, a)
		h.settle()
	}
	liisa := h.other("Liisa", "en")
	for _, a := range []string{"(open prov_)", "(wait 3d)", "(wait 7h)", "/roster", "[1 ✅ came]", "(wait 25d)", "/visits csv"} {
		h.act(liisa, a)
		h.settle()
	}
	msgs := h.fake.Messages(liisa.ID)
	if len(msgs) < 3 {
		t.Fatalf("%d messages", len(msgs))
	}
	summary, book, files := msgs[len(msgs)-3], msgs[len(msgs)-2], msgs[len(msgs)-1]
	if !strings.HasPrefix(summary.Text, "📊 Visits: Esimerkkiopisto Kuusamo (kuvitteellinen), 2026-11\nSign-ups: 1 (people: 1)\nCame, as marked: 1 (people: 1)") {
		t.Errorf("the summary: %q", summary.Text)
	}
	f := workbook(t, &rig{harness: h}, book, "polku-visits-2026-11")
	rows, err := f.GetRows("Sessions")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rows, func(r []string) bool {
		return slices.Equal(r, []string{"Singing club for children", "2026-11-25 17:00", "1", "1", "1", "1", "0"})
	}) {
		t.Errorf("no row of the singing club on Wednesday at 17:00 in Helsinki, marked: %q", rows)
	}
	if files.Media != "document" || files.Document != "polku-visits-2026-11-csv.zip" {
		t.Fatalf("the CSV files: %s %q", files.Media, files.Document)
	}
	data, _ := h.fake.File(files.FileID)
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, zf := range z.File {
		names = append(names, zf.Name)
	}
	if !slices.Equal(names, []string{"sessions.csv", "card_visits.csv"}) {
		t.Errorf("the zip holds %q", names)
	}
}
