package ical

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/event.ics")

func helsinki(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func event(loc *time.Location) Event {
	return Event{
		UID:     "signup-42@polku.example",
		Start:   time.Date(2026, 12, 3, 17, 30, 0, 0, loc),
		End:     time.Date(2026, 12, 3, 19, 0, 0, 0, loc),
		Summary: "Luontoretki perheille: Oulangan talvi",
		Description: "Lähdemme yhdessä lumikenkäilemään; mukaan lämpimät vaatteet, eväät ja termospullo.\n" +
			"Ilmoittautuminen: Polku-botissa. Kysyttävää? Kirjoita botille, vastaamme arkisin.",
		Location: "Kuusamon luontokeskus, Torangintaival 2, 93600 Kuusamo",
		URL:      "https://www.example.fi/tapahtumat/luontoretki?id=42&lang=fi",
		Status:   "CONFIRMED",
		Created:  time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC),
		Alarm:    2 * time.Hour,
	}
}

func write(t *testing.T, loc *time.Location, events ...Event) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, loc, events...); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	loc := helsinki(t)
	got := write(t, loc, event(loc))
	path := filepath.Join("testdata", "event.ics")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// checkLines fails unless every line of s ends in CRLF, is at most 75
// octets and is valid UTF-8 on its own.
func checkLines(t *testing.T, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("output does not end in CRLF")
	}
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > maxLine {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
	}
}

func TestLines(t *testing.T) {
	loc := helsinki(t)
	e := event(loc)
	e.Description = strings.Repeat("Pitkä kuvaus, jossa on ääkkösiä ja 🙂. ", 20)
	for _, loc := range []*time.Location{loc, time.UTC} {
		checkLines(t, write(t, loc, e, event(loc)))
	}
}

// prop is one unfolded content line.
type prop struct {
	name   string
	params map[string]string
	value  string
}

// parse is a tiny iCalendar reader: it unfolds lines and splits them into
// name, parameters and value. Enough for what Write produces (no quoted
// parameter values).
func parse(t *testing.T, s string) []prop {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(lines) == 0 {
				t.Fatal("continuation line first")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var out []prop
	for _, l := range lines {
		head, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("no colon in %q", l)
		}
		parts := strings.Split(head, ";")
		p := prop{name: parts[0], params: map[string]string{}, value: value}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.params[k] = v
		}
		out = append(out, p)
	}
	return out
}

// unescape reverses TEXT escaping.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// find returns the properties named name, in order.
func find(ps []prop, name string) []prop {
	var out []prop
	for _, p := range ps {
		if p.name == name {
			out = append(out, p)
		}
	}
	return out
}

func TestParseBack(t *testing.T) {
	loc := helsinki(t)
	e := event(loc)
	ps := parse(t, write(t, loc, e))

	var nesting []string
	for _, p := range ps {
		switch p.name {
		case "BEGIN":
			nesting = append(nesting, p.value)
		case "END":
			if len(nesting) == 0 || nesting[len(nesting)-1] != p.value {
				t.Fatalf("END:%s does not close %v", p.value, nesting)
			}
			nesting = nesting[:len(nesting)-1]
		}
	}
	if len(nesting) != 0 {
		t.Fatalf("unclosed %v", nesting)
	}

	// The event's own properties: from BEGIN:VEVENT on.
	var ev []prop
	for i, p := range ps {
		if p.name == "BEGIN" && p.value == "VEVENT" {
			ev = ps[i:]
			break
		}
	}
	for _, p := range ps[:len(ps)-len(ev)] {
		if p.name == "TZID" && p.value != "Europe/Helsinki" {
			t.Errorf("TZID = %q", p.value)
		}
	}
	one := func(name string) prop {
		t.Helper()
		got := find(ev, name)
		if len(got) != 1 {
			t.Fatalf("%d %s, want 1", len(got), name)
		}
		return got[0]
	}
	for i, want := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Polku//Polku//FI", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VTIMEZONE", "TZID:Europe/Helsinki"} {
		if got := ps[i].name + ":" + ps[i].value; got != want {
			t.Errorf("line %d = %q, want %q", i+1, got, want)
		}
	}
	for name, want := range map[string]string{
		"UID": e.UID, "SUMMARY": e.Summary, "LOCATION": e.Location,
		"URL": e.URL, "STATUS": "CONFIRMED", "DTSTAMP": "20261122T101500Z", "TRIGGER": "-PT2H", "ACTION": "DISPLAY",
	} {
		if got := unescape(one(name).value); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if d := find(ev, "DESCRIPTION"); len(d) != 2 || unescape(d[0].value) != e.Description || unescape(d[1].value) != e.Summary {
		t.Errorf("DESCRIPTION = %v, want the event's and the alarm's (the summary)", d)
	}
	for name, want := range map[string]time.Time{"DTSTART": e.Start, "DTEND": e.End} {
		p := one(name)
		if p.params["TZID"] != "Europe/Helsinki" {
			t.Errorf("%s has TZID %q", name, p.params["TZID"])
		}
		got, err := time.ParseInLocation(localFormat, p.value, loc)
		if err != nil || !got.Equal(want) {
			t.Errorf("%s = %v (%v), want %v", name, got, err, want)
		}
	}
}

func TestFoldRoundTrip(t *testing.T) {
	long := "Kevätretki Oulangalle: äidit, isät, mummot ja lapset yhdessä luontoon. " +
		"Прогулянка природою для всієї родини; збір біля входу, візьміть теплий одяг і термос. " +
		"Ta med matsäck, det blir en lång dag i skogen! 🌲🦌❄️ Tervetuloa — ласкаво просимо!"
	loc := helsinki(t)
	e := event(loc)
	e.Summary, e.Description, e.Location = long, long+"\n"+long, long
	out := write(t, loc, e)
	checkLines(t, out)
	ps := parse(t, out)
	for _, name := range []string{"SUMMARY", "LOCATION"} {
		if got := unescape(find(ps, name)[0].value); got != long {
			t.Errorf("%s round trip:\n got %q\nwant %q", name, got, long)
		}
	}
	if got := unescape(find(ps, "DESCRIPTION")[0].value); got != long+"\n"+long {
		t.Errorf("DESCRIPTION round trip:\n got %q", got)
	}
	if n := strings.Count(out, "\r\n "); n < 10 {
		t.Errorf("only %d folds: the test text is not long enough to test folding", n)
	}
}

func TestFold(t *testing.T) {
	// Every alignment of 2-, 3- and 4-octet characters against the fold.
	for _, r := range []string{"ä", "ж", "€", "🙂"} {
		for pad := range 8 {
			for n := range 60 {
				in := "X:" + strings.Repeat("a", pad) + strings.Repeat(r, n)
				var b bytes.Buffer
				fold(&b, in)
				checkLines(t, b.String())
				if got := strings.ReplaceAll(strings.TrimSuffix(b.String(), "\r\n"), "\r\n ", ""); got != in {
					t.Fatalf("%q pad %d n %d: unfolds to %q", r, pad, n, got)
				}
			}
		}
	}
	var b bytes.Buffer
	fold(&b, strings.Repeat("x", 75))
	if b.String() != strings.Repeat("x", 75)+"\r\n" {
		t.Errorf("a 75-octet line was folded")
	}
	b.Reset()
	fold(&b, strings.Repeat("x", 76+74))
	if want := strings.Repeat("x", 75) + "\r\n " + strings.Repeat("x", 74) + "\r\n x\r\n"; b.String() != want {
		t.Errorf("fold = %q, want %q", b.String(), want)
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`back\slash`, `back\\slash`},
		{"semi;colon", `semi\;colon`},
		{"com,ma", `com\,ma`},
		{"co:lon", "co:lon"},
		{`"quotes"`, `"quotes"`},
		{"line\nbreak", `line\nbreak`},
		{"crlf\r\nbreak", `crlf\nbreak`},
		{"cr\rbreak", `cr\nbreak`},
		{"tab\tkept", "tab\tkept"},
		{"bell\adropped\x7f", "belldropped"},
		{`all\;,` + "\n", `all\\\;\,\n`},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"äö ж 🙂", "äö ж 🙂"},
	}
	for _, tt := range tests {
		if got := text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLocalTimes(t *testing.T) {
	loc := helsinki(t)
	tests := []struct {
		name       string
		start      time.Time
		loc        *time.Location
		want       string // the DTSTART line
		wantZone   bool
		wantOffset string
	}{
		{"summer", time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC), loc,
			"DTSTART;TZID=Europe/Helsinki:20260610T180000\r\n", true, "+0300"},
		{"winter", time.Date(2026, 12, 3, 15, 30, 0, 0, time.UTC), loc,
			"DTSTART;TZID=Europe/Helsinki:20261203T173000\r\n", true, "+0200"},
		{"summer elsewhere", time.Date(2026, 6, 10, 18, 0, 0, 0, loc), time.UTC,
			"DTSTART:20260610T150000Z\r\n", false, ""},
		{"winter elsewhere", time.Date(2026, 12, 3, 17, 30, 0, 0, loc), time.FixedZone("EET", 2*3600),
			"DTSTART:20261203T153000Z\r\n", false, ""},
		{"no location", time.Date(2026, 12, 3, 17, 30, 0, 0, loc), nil,
			"DTSTART:20261203T153000Z\r\n", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := event(loc)
			e.Start, e.End = tt.start, time.Time{}
			out := write(t, tt.loc, e)
			if !strings.Contains(out, tt.want) {
				t.Errorf("no %q in\n%s", tt.want, out)
			}
			if strings.Contains(out, "DTEND") {
				t.Error("DTEND written for an event without an end")
			}
			if got := strings.Contains(out, "BEGIN:VTIMEZONE\r\n"); got != tt.wantZone {
				t.Errorf("VTIMEZONE written: %v, want %v", got, tt.wantZone)
			}
			if !strings.Contains(out, "DTSTAMP:20261122T101500Z\r\n") {
				t.Error("DTSTAMP not in UTC")
			}
			if tt.wantOffset != "" {
				if _, off := tt.start.In(loc).Zone(); (off == 3*3600) != (tt.wantOffset == "+0300") {
					t.Errorf("test data: %v is not at %s", tt.start, tt.wantOffset)
				}
			}
		})
	}
}

// TestZoneRule checks the VTIMEZONE's rule against the time zone database:
// the offset changes at 01:00 UTC on the last Sunday of March and October.
func TestZoneRule(t *testing.T) {
	loc := helsinki(t)
	lastSunday := func(y int, m time.Month) time.Time {
		d := time.Date(y, m+1, 0, 1, 0, 0, 0, time.UTC) // last day of m, 01:00 UTC
		return d.AddDate(0, 0, -int(d.Weekday()))
	}
	offset := func(t time.Time) int { _, off := t.In(loc).Zone(); return off / 3600 }
	for y := 2024; y <= 2040; y++ {
		for _, c := range []struct {
			m           time.Month
			before, aft int
			local       string
		}{{time.March, 2, 3, "04:00"}, {time.October, 3, 2, "03:00"}} {
			at := lastSunday(y, c.m)
			if offset(at.Add(-time.Second)) != c.before || offset(at) != c.aft {
				t.Errorf("%d-%02d: the change is not at %v", y, c.m, at)
			}
			// The local wall clock reaches the VTIMEZONE's DTSTART time
			// (03:00 in March, 04:00 in October) as the change happens.
			if got, want := at.Add(-time.Second).In(loc).Format("15:04:05"), map[time.Month]string{time.March: "02:59:59", time.October: "03:59:59"}[c.m]; got != want {
				t.Errorf("%d-%02d: a second before the change is %s local, want %s", y, c.m, got, want)
			}
		}
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{2 * time.Hour, "PT2H"},
		{90 * time.Minute, "PT1H30M"},
		{15 * time.Minute, "PT15M"},
		{24 * time.Hour, "PT24H"},
		{45 * time.Second, "PT45S"},
		{time.Hour + 5*time.Second, "PT1H5S"},
		{time.Millisecond, "PT0S"},
	}
	for _, tt := range tests {
		if got := duration(tt.in); got != tt.want {
			t.Errorf("duration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	e := event(time.UTC)
	e.Alarm = 0
	if out := write(t, time.UTC, e); strings.Contains(out, "VALARM") {
		t.Error("VALARM written without an alarm")
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Event)
	}{
		{"no UID", func(e *Event) { e.UID = " " }},
		{"no start", func(e *Event) { e.Start = time.Time{} }},
		{"end before start", func(e *Event) { e.End = e.Start.Add(-time.Minute) }},
		{"no DTSTAMP", func(e *Event) { e.Created = time.Time{} }},
		{"no summary", func(e *Event) { e.Summary = "" }},
		{"negative alarm", func(e *Event) { e.Alarm = -time.Hour }},
		{"bad status", func(e *Event) { e.Status = "confirmed" }},
		{"URL with a line break", func(e *Event) { e.URL = "https://example.fi/\r\nX-EVIL:1" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := event(time.UTC)
			tt.change(&e)
			var b bytes.Buffer
			if err := Write(&b, time.UTC, event(time.UTC), e); err == nil {
				t.Fatal("no error")
			}
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes for an invalid event", b.Len())
			}
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteError(t *testing.T) {
	if err := Write(failWriter{}, time.UTC, event(time.UTC)); err == nil {
		t.Error("the writer's error was lost")
	}
}
