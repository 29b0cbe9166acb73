package catalog

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"
	"unicode/utf8" // the tests need Europe/Helsinki on any machine

	"polku"
)

var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, helsinki)
}

// checkActivities compares activities field by field, so that a failure
// says where they differ.
func checkActivities(t *testing.T, got, want []polku.Activity) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d activities, want %d: %v", len(got), len(want), ids(got))
	}
	for i := range want {
		g, w := got[i], want[i]
		gs, ws := g.Sessions, w.Sessions
		g.Sessions, w.Sessions = nil, nil
		if !reflect.DeepEqual(g, w) {
			t.Errorf("activity %d:\n got %+v\nwant %+v", i, g, w)
		}
		if len(gs) != len(ws) {
			t.Errorf("activity %s: got %d sessions, want %d", w.ExternalID, len(gs), len(ws))
			continue
		}
		for j := range ws {
			if !sameSession(gs[j], ws[j]) {
				t.Errorf("activity %s session %d:\n got %+v\nwant %+v", w.ExternalID, j, gs[j], ws[j])
			}
		}
	}
}

func sameSession(a, b polku.Session) bool {
	return a.ExternalID == b.ExternalID && a.Start.Equal(b.Start) && a.End.Equal(b.End) &&
		a.Capacity == b.Capacity && a.EnrolFrom.Equal(b.EnrolFrom) && a.EnrolUntil.Equal(b.EnrolUntil) &&
		a.Status == b.Status && a.ID == b.ID && a.Taken == b.Taken && a.Waiting == b.Waiting
}

func ids(acts []polku.Activity) []string {
	var out []string
	for _, a := range acts {
		out = append(out, a.ExternalID)
	}
	return out
}

func weekly(prefix string, first time.Time, d time.Duration, n, capacity int, enrolUntil time.Time) []polku.Session {
	var out []polku.Session
	for i := range n {
		start := first.AddDate(0, 0, 7*i)
		id := start.Format("2006-01-02T15:04")
		if prefix != "" {
			id = prefix + "-" + start.Format("2006-01-02")
		}
		out = append(out, polku.Session{ExternalID: id, Start: start, End: start.Add(d), Capacity: capacity,
			EnrolUntil: enrolUntil, Status: polku.StatusScheduled})
	}
	return out
}

func TestTemplate(t *testing.T) {
	f, err := os.Open("../docs/catalogue-template.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := ReadCSV(f, helsinki)
	if err != nil {
		t.Fatalf("the template does not read: %v", err)
	}
	cancelled := polku.Session{ExternalID: "s2", Start: at(2036, 12, 18, 15, 0), End: at(2036, 12, 18, 15, 45),
		Capacity: 4, Status: polku.StatusCancelled}
	want := []polku.Activity{
		{
			Organiser: "Esimerkkiyhdistys ry (kuvitteellinen)", ExternalID: "kivimaalaus",
			Title: polku.Localized{"fi": "Perheiden kivimaalauspaja", "sv": "Stenmålning för familjer",
				"en": "Family stone painting", "uk": "Сімейне розмальовування камінців"},
			Description: polku.Localized{
				"fi": "Maalataan kiviä pieniksi taideteoksiksi koko perheen voimin.",
				"sv": "Vi målar stenar till små konstverk med hela familjen.",
				"en": "Paint stones into small works of art, the whole family together.",
				"uk": "Розмальовуємо камінці на маленькі витвори мистецтва всією родиною.",
			},
			Categories:   []polku.Category{polku.CategoryCrafts, polku.CategoryArt},
			Municipality: "Kuusamo",
			Neighbours:   []string{"Kalajoki"},
			Place: polku.Place{Name: "Esimerkkitalo", Address: "Esimerkkitie 3, 93600 Kuusamo",
				Coords: &polku.Coords{Lat: 65.9655, Lon: 29.188}},
			AgeMin: 3, AgeMax: 12, Audience: polku.AudienceFamily,
			Price:     polku.Price{Kind: polku.PricePaid, Cents: 550},
			Access:    []polku.Access{polku.AccessStepFree, polku.AccessToilet},
			Languages: []string{"fi"}, Status: polku.StatusScheduled,
			Contact: "perhe@example.org", InfoURL: "https://example.org/kivimaalaus",
			Sessions: []polku.Session{{ExternalID: "2036-12-06T13:00", Start: at(2036, 12, 6, 13, 0), End: at(2036, 12, 6, 15, 0),
				Capacity: 6, EnrolUntil: at(2036, 12, 5, 0, 0), Status: polku.StatusScheduled}},
		},
		{
			Organiser: "Esimerkkiseura ry (kuvitteellinen)", ExternalID: "temppurata",
			Title: polku.Localized{"fi": "Perheiden temppurata", "sv": "Familjens hinderbana", "en": "Family obstacle course"},
			Description: polku.Localized{"fi": "Juostaan, kiipeillään ja temppuillaan yhdessä.",
				"sv": "Vi springer, klättrar och gör konster tillsammans."},
			Categories:   []polku.Category{polku.CategorySport, polku.CategoryFamily},
			Municipality: "Kalajoki",
			Place:        polku.Place{Name: "Esimerkkihalli", Address: "Esimerkkikuja 7, 85100 Kalajoki"},
			AgeMin:       2, AgeMax: 6, Audience: polku.AudienceFamily,
			Price:     polku.Price{Kind: polku.PriceCard, Cents: 300},
			Languages: []string{"fi", "sv"}, Status: polku.StatusScheduled,
			Contact: "040 000 0000", InfoURL: "https://example.org/temppurata",
			Sessions: weekly("temppu", at(2037, 1, 11, 10, 0), time.Hour, 8, 20, time.Time{}),
		},
		{
			Organiser: "Esimerkkikirjasto (kuvitteellinen)", ExternalID: "lautapelit",
			Title:        polku.Localized{"fi": "Lautapelikerho kirjastossa", "uk": "Клуб настільних ігор у бібліотеці"},
			Description:  polku.Localized{"fi": "Pelataan lautapelejä yhdessä rauhallisessa nurkassa.", "uk": "Граємо в настільні ігри разом у затишному куточку."},
			Categories:   []polku.Category{polku.CategoryCulture, polku.CategoryFamily},
			Municipality: "Kuusamo",
			Place:        polku.Place{Name: "Esimerkkikirjasto", Address: "Esimerkkikatu 1, 93600 Kuusamo"},
			AgeMin:       6, AgeMax: 10, Audience: polku.AudienceChildren,
			Price:     polku.Price{Kind: polku.PriceFree},
			Access:    []polku.Access{polku.AccessSensory, polku.AccessStepFree},
			Languages: []string{"fi", "uk"}, Status: polku.StatusScheduled,
			Contact: "kirjasto@example.org",
			Sessions: []polku.Session{
				{ExternalID: "s1", Start: at(2036, 12, 11, 15, 0), End: at(2036, 12, 11, 15, 45), Capacity: 4, Status: polku.StatusScheduled},
				cancelled,
			},
		},
	}
	checkActivities(t, got, want)
}

// templateHorizon is the day before which the template has no session:
// its dates are far ahead so that it imports as is, on any day, without a
// warning that a session is over (docs/catalogue.md says so). When this
// day comes near, move the template's dates on by whole weeks.
var templateHorizon = time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)

// The template imports beside the sample without a clash: no activity of
// one has the ID or a title of the other's, so a
// family never sees one activity twice; and its sessions are ahead of
// every day Polku's tests run on.
func TestTemplateBesideSample(t *testing.T) {
	data, err := os.ReadFile("../docs/catalogue-template.csv")
	if err != nil {
		t.Fatal(err)
	}
	copied, err := os.ReadFile("../bot/testdata/files/catalogue-template.csv")
	if err != nil || !bytes.Equal(data, copied) {
		t.Errorf("bot/testdata/files/catalogue-template.csv is not a copy of docs/catalogue-template.csv (%v)", err)
	}
	template, err := ReadCSV(bytes.NewReader(data), helsinki)
	if err != nil {
		t.Fatal(err)
	}
	ids, titles := map[string]bool{}, map[string]bool{}
	for _, a := range Sample(templateHorizon, helsinki) {
		ids[a.ExternalID] = true
		for _, title := range a.Title {
			titles[strings.ToLower(title)] = true
		}
	}
	for _, a := range template {
		if ids[a.ExternalID] {
			t.Errorf("the template's %s is also the ID of an activity of the sample", a.ExternalID)
		}
		for lang, title := range a.Title {
			if titles[strings.ToLower(title)] {
				t.Errorf("the template's %s has the sample's title %q (%s)", a.ExternalID, title, lang)
			}
		}
		for _, s := range a.Sessions {
			if s.Start.Before(templateHorizon) {
				t.Errorf("the template's %s has a session on %s, before %s", a.ExternalID, s.Start.Format(time.DateOnly), templateHorizon.Format(time.DateOnly))
			}
		}
	}
}

// TestSpreadsheetExport reads what Finnish Excel saves: a byte order mark,
// semicolons, CRLF, decimal commas, Finnish dates and times, a quoted cell
// over two lines, blank rows, a note column and a trailing delimiter.
func TestSpreadsheetExport(t *testing.T) {
	data, err := os.ReadFile("testdata/excel-fi.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(bytes.NewReader(data), helsinki)
	if err != nil {
		t.Fatal(err)
	}
	skating := polku.Activity{
		Organiser: "Esimerkkiseura ry (kuvitteellinen)", ExternalID: "luistelu",
		Title:        polku.Localized{"fi": "Perheluistelu", "uk": "Сімейне катання на ковзанах"},
		Description:  polku.Localized{"fi": "Vapaata luistelua koko perheelle;\nkypärä mukaan, \"ehdottomasti\"."},
		Categories:   []polku.Category{polku.CategorySport, polku.CategoryFamily},
		Municipality: "Kalajoki",
		Place:        polku.Place{Name: "Esimerkkihalli", Coords: &polku.Coords{Lat: 64.2592, Lon: 23.9481}},
		AgeMin:       0, AgeMax: 17, Audience: polku.AudienceFamily,
		Price:     polku.Price{Kind: polku.PricePaid, Cents: 250},
		Access:    []polku.Access{polku.AccessStepFree},
		Languages: []string{"fi", "uk"}, Status: polku.StatusScheduled,
		Sessions: []polku.Session{
			{ExternalID: "2026-12-03T17:00", Start: at(2026, 12, 3, 17, 0), End: at(2026, 12, 3, 18, 30), Capacity: 40, Status: polku.StatusScheduled},
			{ExternalID: "2026-12-10T17:00", Start: at(2026, 12, 10, 17, 0), End: at(2026, 12, 10, 18, 30), Capacity: 40, Status: polku.StatusCancelled},
		},
	}
	babies := polku.Activity{
		Organiser: "Esimerkkikerho (kuvitteellinen)", ExternalID: "vauvat",
		Title:        polku.Localized{"fi": "Vauvamuskari"},
		Categories:   []polku.Category{polku.CategoryMusic},
		Municipality: "Kalajoki",
		Place:        polku.Place{Name: "Esimerkkiperhekeskus"},
		AgeMin:       0, AgeMax: 2, Audience: polku.AudienceFamily,
		Price:     polku.Price{Kind: polku.PriceCard, Cents: 400},
		Languages: []string{"fi"}, Status: polku.StatusScheduled,
		Sessions: weekly("", at(2027, 1, 7, 9, 30), 45*time.Minute, 4, 8, at(2027, 1, 6, 0, 0)),
	}
	checkActivities(t, got, []polku.Activity{skating, babies})
}

// The header and the row a broken file starts from; cases replace cells.
const (
	header = "organiser,id,session_id,title_fi,categories,audience,age_min,age_max,municipality,place,lat,lon,price,price_without_card,access,languages,date,start,end,repeat_until,capacity,status,enrol_from,enrol_until\n"
	good   = "Esimerkki ry,a1,,Kerho,music,family,3,9,Kuusamo,Talo,,,free,,,fi,2026-12-03,17:00,18:00,,10,,,\n"
)

// line returns good with the named cells replaced.
func line(cells ...string) string {
	cols := strings.Split(strings.TrimSuffix(header, "\n"), ",")
	vals := strings.Split(strings.TrimSuffix(good, "\n"), ",")
	for i := 0; i+1 < len(cells); i += 2 {
		found := false
		for j, c := range cols {
			if c == cells[i] {
				vals[j] = cells[i+1]
				found = true
			}
		}
		if !found {
			panic("no column " + cells[i])
		}
	}
	return strings.Join(vals, ",") + "\n"
}

type where struct {
	Line   int
	Column string
	Code   string
}

func TestProblems(t *testing.T) {
	long := strings.Repeat("x", MaxTitle+1)
	tests := []struct {
		name string
		in   string
		want []where
	}{
		{"latin-1", header + good + "Esimerkki ry,a2,,K\xe4sity\xf6,crafts,,,,Kuusamo,Talo,,,free,,,,2026-12-03,17,18,,5,,,\n",
			[]where{{3, "", CodeEncoding}}},
		{"nothing", "", []where{{0, "", CodeEmpty}}},
		{"header only", header, []where{{1, "", CodeEmpty}}},
		{"blank rows only", header + "\n,,,,\n\n", []where{{1, "", CodeEmpty}}},
		{"required column missing", "organiser,id,title_fi,categories,municipality,place,price,date,start,end\n" + "x",
			[]where{{1, "capacity", CodeMissingColumn}}},
		{"no title column", "organiser,id,categories,municipality,place,price,date,start,end,capacity\nx",
			[]where{{1, "title_fi", CodeMissingColumn}}},
		{"unknown and duplicate", strings.TrimSuffix(header, "\n") + ",hinta,Place\n" + strings.TrimSuffix(good, "\n") + ",5,Talo\n",
			[]where{{1, "hinta", CodeUnknownColumn}, {1, "place", CodeDuplicateColumn}}},
		{"too many cells", header + strings.TrimSuffix(good, "\n") + ",extra\n", []where{{2, "", CodeExtraCells}}},
		// A quote never closed would make the rest of the file one cell.
		{"unclosed quote", header + line("title_fi", "\"Kerho") + line("date", "2026-12-10"), []where{{2, "", CodeUnclosedQuote}}},
		{"unclosed quote after a good row", header + good + line("place", "\"Talo, \"\"iso\"\"") + good, []where{{3, "", CodeUnclosedQuote}}},
		{"required", header + line("place", ""), []where{{2, "place", CodeRequired}}},
		{"no title", header + line("title_fi", ""), []where{{2, "title_fi", CodeRequired}}},
		{"bad date", header + line("date", "32.12.2026"), []where{{2, "date", CodeBadDate}}},
		{"two-digit year", header + line("date", "3.12.26"), []where{{2, "date", CodeBadDate}}},
		{"bad time", header + line("start", "25:00"), []where{{2, "start", CodeBadTime}}},
		{"bad end", header + line("end", "soon"), []where{{2, "end", CodeBadTime}}},
		{"bad number", header + line("capacity", "kymmenen"), []where{{2, "capacity", CodeBadNumber}}},
		{"no seats", header + line("capacity", "0"), []where{{2, "capacity", CodeBadNumber}}},
		{"bad price", header + line("price", "viisi euroa"), []where{{2, "price", CodeBadPrice}}},
		{"without card but paid", header + line("price", "5", "price_without_card", "7"), []where{{2, "price_without_card", CodeBadPrice}}},
		{"ages the wrong way", header + line("age_min", "9", "age_max", "3"), []where{{2, "age_max", CodeBadAges}}},
		{"adult", header + line("age_max", "18"), []where{{2, "age_max", CodeBadAges}}},
		{"age not a number", header + line("age_min", "vauva"), []where{{2, "age_min", CodeBadAges}}},
		{"end before start", header + line("start", "17", "end", "16.30"), []where{{2, "end", CodeEndBeforeStart}}},
		{"enrolment backwards", header + line("enrol_from", "2026-12-01", "enrol_until", "2026-11-30"), []where{{2, "enrol_until", CodeEndBeforeStart}}},
		{"enrolment after start", header + line("enrol_from", "2026-12-04"), []where{{2, "enrol_from", CodeBadDate}}},
		{"bad enrolment date", header + line("enrol_until", "huomenna"), []where{{2, "enrol_until", CodeBadDate}}},
		{"repeat before date", header + line("repeat_until", "1.12.2026"), []where{{2, "repeat_until", CodeBadRecurrence}}},
		{"repeat for years", header + line("repeat_until", "1.12.2028"), []where{{2, "repeat_until", CodeBadRecurrence}}},
		{"bad repeat date", header + line("repeat_until", "joulu"), []where{{2, "repeat_until", CodeBadDate}}},
		{"unknown category", header + line("categories", "music ruoka"), []where{{2, "categories", CodeUnknownCategory}}},
		{"no category", header + line("categories", " ; "), []where{{2, "categories", CodeRequired}}},
		{"unknown audience", header + line("audience", "mummot"), []where{{2, "audience", CodeUnknownAudience}}},
		{"unknown access", header + line("access", "hissi"), []where{{2, "access", CodeUnknownAccess}}},
		{"unknown status", header + line("status", "ehkä"), []where{{2, "status", CodeUnknownStatus}}},
		{"bad language", header + line("languages", "fi suomeksi"), []where{{2, "languages", CodeBadLanguage}}},
		{"lat out of range", header + line("lat", "95", "lon", "29"), []where{{2, "lat", CodeBadCoords}}},
		{"lat alone", header + line("lat", "66"), []where{{2, "lon", CodeBadCoords}}},
		{"lon not a number", header + line("lat", "66", "lon", "itä"), []where{{2, "lon", CodeBadCoords}}},
		{"title too long", header + line("title_fi", long), []where{{2, "title_fi", CodeTooLong}}},
		{"cell too long", header + line("place", strings.Repeat("y", MaxDescription+1)), []where{{2, "place", CodeTooLong}}},
		{"conflict", header + good + line("place", "Toinen talo", "date", "2026-12-10"), []where{{3, "place", CodeConflict}}},
		{"same session twice", header + good + good, []where{{3, "date", CodeConflict}}},
		{"same session id twice", header + line("session_id", "s1") + line("session_id", "s1", "date", "2026-12-10"),
			[]where{{3, "session_id", CodeConflict}}},
		{"recurrence overlaps a row", header + line("repeat_until", "2026-12-17") + line("date", "2026-12-10"),
			[]where{{3, "date", CodeConflict}}},
		{
			// The quoted title spans lines 2-3: the date after it is on
			// line 3, and the next row starts on line 4.
			"multi-line cell", header + line("title_fi", "\"Kerho,\nkaksi riviä\"", "date", "1.1.2026x") + line("date", "2026-12-10", "start", "x"),
			[]where{{3, "date", CodeBadDate}, {4, "title_fi", CodeConflict}, {4, "start", CodeBadTime}},
		},
		{
			"several problems, sorted", header + line("end", "16") + line("price", "x", "date", "2026-12-10") + line("id", "", "date", "2026-12-11"),
			[]where{{2, "end", CodeEndBeforeStart}, {3, "price", CodeBadPrice}, {4, "id", CodeRequired}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acts, err := ReadCSV(strings.NewReader(tt.in), helsinki)
			if acts != nil {
				t.Errorf("got %d activities from a file with problems", len(acts))
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("got error %v, want Problems", err)
			}
			var got []where
			for _, p := range ps {
				got = append(got, where{p.Line, p.Column, p.Code})
				if n := len([]rune(p.Detail)); n > 80 {
					t.Errorf("detail of %d characters: %q", n, p.Detail)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v\n%v", got, tt.want, err)
			}
		})
	}
}

func TestProblemsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for i := range 300 {
		b.WriteString(line("id", fmt.Sprint("a", i), "date", "x"))
	}
	_, err := ReadCSV(strings.NewReader(b.String()), helsinki)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != MaxProblems {
		t.Fatalf("got %d problems, want %d", len(ps), MaxProblems)
	}
	if ps[0].Line != 2 || ps[len(ps)-1].Line != MaxProblems+1 {
		t.Errorf("problems from line %d to %d", ps[0].Line, ps[len(ps)-1].Line)
	}
}

// The problems must not carry whole cells into logs.
func TestProblemDetailClipped(t *testing.T) {
	secret := strings.Repeat("salainen ", 20)
	_, err := ReadCSV(strings.NewReader(header+line("audience", secret)), helsinki)
	if err == nil || strings.Contains(err.Error(), secret[:60]) {
		t.Errorf("error %q echoes the cell", err)
	}
	// Quoted, a control character is four characters or more; a cell of
	// them is cut as short.
	for _, cell := range []string{strings.Repeat("\x03", 30), strings.Repeat("\u200b", 30), strings.Repeat(`"`, 60)} {
		if got := clip(cell); utf8.RuneCountInString(got) > 43 {
			t.Errorf("clip(%q) = %s", cell, got)
		}
	}
}

func TestProblemsError(t *testing.T) {
	ps := Problems{
		{Line: 7, Column: "date", Code: CodeBadDate, Detail: `not a date: "32.13."`},
		{Line: 8, Code: CodeColumns},
		{Column: "kuv:e1", Code: CodeBadAges, Detail: "for adults"},
	}
	want := "line 7, column date: bad_date (not a date: \"32.13.\")\nline 8: columns\nkuv:e1: bad_ages (for adults)"
	if got := ps.Error(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// A weekly club keeps its local time over the change to summer time (last
// Sunday of March) and back (last Sunday of October).
func TestRecurrenceAcrossDST(t *testing.T) {
	tests := []struct {
		date, until string
		offsets     []int // hours east of UTC, session by session
	}{
		{"18.3.2027", "8.4.2027", []int{2, 2, 3, 3}},
		{"2026-10-15", "2026-11-05", []int{3, 3, 2, 2}},
	}
	for _, tt := range tests {
		in := header + line("session_id", "k", "date", tt.date, "repeat_until", tt.until, "start", "17.00", "end", "18.15")
		acts, err := ReadCSV(strings.NewReader(in), helsinki)
		if err != nil {
			t.Fatal(err)
		}
		ss := acts[0].Sessions
		if len(ss) != len(tt.offsets) {
			t.Fatalf("%s: got %d sessions, want %d", tt.date, len(ss), len(tt.offsets))
		}
		for i, s := range ss {
			local := s.Start.In(helsinki)
			_, off := local.Zone()
			if local.Hour() != 17 || local.Minute() != 0 || off != tt.offsets[i]*3600 || s.End.Sub(s.Start) != 75*time.Minute {
				t.Errorf("%s: session %d at %v–%v", tt.date, i, local, s.End.In(helsinki))
			}
			if want := "k-" + local.Format("2006-01-02"); s.ExternalID != want {
				t.Errorf("session %d: id %q, want %q", i, s.ExternalID, want)
			}
		}
	}
}

func TestValues(t *testing.T) {
	dates := map[string]string{
		"2026-12-03": "2026-12-03", "3.12.2026": "2026-12-03", "03.12.2026": "2026-12-03",
		"29.2.2028": "2028-02-29", "29.2.2027": "", "2026-13-01": "", "3.12.": "", "": "", "3/12/2026": "",
		"-1.12.2026": "", "1.-12.2026": "",
	}
	for in, want := range dates {
		y, m, d, ok := parseDate(in)
		got := ""
		if ok {
			got = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
		}
		if got != want {
			t.Errorf("parseDate(%q) = %q, want %q", in, got, want)
		}
	}
	clocks := map[string]string{
		"17:00": "17:00:00", "17.00": "17:00:00", "17": "17:00:00", "9:30": "09:30:00", "09.05": "09:05:00",
		"17:00:30": "17:00:30", "24:00": "", "17:60": "", "17:5": "", "17:": "", "": "", "klo 17": "", "1700": "",
	}
	for in, want := range clocks {
		h, m, s, ok := parseClock(in)
		got := ""
		if ok {
			got = fmt.Sprintf("%02d:%02d:%02d", h, m, s)
		}
		if got != want {
			t.Errorf("parseClock(%q) = %q, want %q", in, got, want)
		}
	}
	cents := map[string]int{
		"5": 500, "5,5": 550, "5,50": 550, "5.50 €": 550, "€5": 500, "5 e": 500, "1 200,00 euroa": 120000,
		"0": 0, "0,00 €": 0, "5,-": 500, "5,": 500, "5,505": -1, "-5": -1, "viisi": -1, "": -1, ",5": -1, "5.5.5": -1, "+5": -1,
	}
	for in, want := range cents {
		got, ok := parseCents(in)
		if !ok {
			got = -1
		}
		if got != want {
			t.Errorf("parseCents(%q) = %d, want %d", in, got, want)
		}
	}
	langs := map[string]string{"fi": "fi", "FI": "fi", "fi-FI": "fi", "suomi": "fi", "Ukraina": "uk", "zh_hans": "zh", "se": "se"}
	for in, want := range langs {
		if got := language(in); got != want {
			t.Errorf("language(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := map[string]rune{
		"a,b,c\n":               ',',
		"a;b;c\n1,5;2;3":        ';',
		"\n\na;b\n":             ';',
		"\"x,y,z\";b\n":         ';',
		"a\tb\tc\n":             '\t',
		"single\n1,2,3,4,5,6\n": ',',
	}
	for in, want := range tests {
		if got := sniffDelimiter([]byte(in)); got != want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteCSVRoundTrip(t *testing.T) {
	now := at(2026, 11, 22, 12, 0)
	want := Sample(now, helsinki)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, want, helsinki); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), bom) {
		t.Error("no byte order mark: Excel would not read it as UTF-8")
	}
	got, err := ReadCSV(&buf, helsinki)
	if err != nil {
		t.Fatal(err)
	}
	// Written session by session, every session keeps its own ID.
	checkActivities(t, got, want)
}

// A text cell that a spreadsheet would run as a formula is written with
// an apostrophe before it, and reads back as it was. The keys (organiser,
// IDs) and the address of the info page are read as they are, so every
// character that starts a formula (OWASP's = + - @ tab and carriage
// return, and a line feed) is tried on them; the texts a family reads are
// tried with the printable ones, since the reader cleans white space off
// their edges.
func TestWriteCSVGuardsFormulas(t *testing.T) {
	for _, c := range []string{"=", "+", "-", "@", "\t", "\r", "\n"} {
		t.Run(fmt.Sprintf("%q", c), func(t *testing.T) {
			a := Sample(at(2026, 11, 22, 12, 0), helsinki)[0]
			a.Sessions = a.Sessions[:1]
			a.Organiser, a.ExternalID, a.Sessions[0].ExternalID = c+"1+1", c+"cmd|' /C calc'!A0", c+"SUM(A1:A9)"
			a.InfoURL = c + "HYPERLINK(\"https://example.com\")"
			if c[0] > ' ' {
				a.Title = polku.Localized{"fi": c + "HYPERLINK(\"https://example.com\",\"Avaa\")"}
				a.Description = polku.Localized{"fi": c + "1+1 kuvaus"}
				a.Place.Name, a.Place.Address, a.Contact = c+"A1", c+"2+3", c+"358 40 000 0000"
			}
			var buf bytes.Buffer
			if err := WriteCSV(&buf, []polku.Activity{a}, helsinki); err != nil {
				t.Fatal(err)
			}
			cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), bom)))
			cr.Comma = ';'
			rows, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows[1:] {
				for i, cell := range row {
					if cell != "" && strings.ContainsAny(cell[:1], "=+-@\t\r\n") {
						t.Errorf("column %s starts a formula: %q", rows[0][i], cell)
					}
				}
			}
			got, err := ReadCSV(&buf, helsinki)
			if err != nil {
				t.Fatal(err)
			}
			checkActivities(t, got, []polku.Activity{a})
		})
	}
}

func TestWriteCSVMultiDaySession(t *testing.T) {
	a := Sample(at(2026, 11, 22, 12, 0), helsinki)[0]
	a.Sessions = a.Sessions[:1]
	a.Sessions[0].End = a.Sessions[0].Start.AddDate(0, 0, 1)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []polku.Activity{a}, helsinki); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(&buf, helsinki)
	if err != nil {
		t.Fatal(err)
	}
	checkActivities(t, got, []polku.Activity{a})
}

// Splitting a weekly series to cancel one of its times keeps every
// session's ID, as docs/catalogue.md promises.
func TestSplitSeriesKeepsIDs(t *testing.T) {
	series := header + line("session_id", "jumppa", "date", "10.1.2027", "repeat_until", "28.2.2027")
	split := header + line("session_id", "jumppa", "date", "10.1.2027", "repeat_until", "17.1.2027") +
		line("session_id", "jumppa-2027-01-24", "date", "24.1.2027", "status", "cancelled") +
		line("session_id", "jumppa", "date", "31.1.2027", "repeat_until", "28.2.2027")
	before, err := ReadCSV(strings.NewReader(series), helsinki)
	if err != nil {
		t.Fatal(err)
	}
	after, err := ReadCSV(strings.NewReader(split), helsinki)
	if err != nil {
		t.Fatal(err)
	}
	before[0].Sessions[2].Status = polku.StatusCancelled // the one time cancelled
	checkActivities(t, after[:1], []polku.Activity{before[0]})
}

func TestOverlappingSeriesToldOnce(t *testing.T) {
	in := header + line("date", "3.12.2026", "repeat_until", "31.12.2026") + line("date", "10.12.2026", "repeat_until", "24.12.2026")
	_, err := ReadCSV(strings.NewReader(in), helsinki)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Code != CodeConflict || ps[0].Line != 3 {
		t.Errorf("got %v, want one conflict on line 3", err)
	}
}
