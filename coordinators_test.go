package polku

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// week builds the Week of OfficeHours from day → spans.
func week(m map[time.Weekday][]Span) [7][]Span {
	var w [7][]Span
	for d, s := range m {
		w[d] = s
	}
	return w
}

func TestParseOfficeHours(t *testing.T) {
	workdays := func(s ...Span) [7][]Span {
		return week(map[time.Weekday][]Span{time.Monday: s, time.Tuesday: s, time.Wednesday: s, time.Thursday: s, time.Friday: s})
	}
	nine4 := Span{9 * 60, 16 * 60}
	tests := []struct {
		week, holidays string
		want           [7][]Span
		wantHolidays   []string
		wantErr        string // a piece the message must quote; "" for success
	}{
		{week: "", want: [7][]Span{}},
		{week: "  ", want: [7][]Span{}},
		{week: "24h", want: [7][]Span{}},
		{week: "Always", want: [7][]Span{}},
		{week: "mon-fri 9-16", want: workdays(nine4)},
		{week: "MON-FRI 09-16", want: workdays(nine4)},
		{week: "ma-pe 9-16", want: workdays(nine4)},
		{week: "Ma-Pe 9.00-16.00", want: workdays(nine4)},
		{week: "mon - fri 9 – 16", want: workdays(nine4)},
		{week: "mon-fri: 9-16", want: workdays(nine4)},
		{week: "ma-pe 8.30-16", want: workdays(Span{8*60 + 30, 16 * 60})},
		{week: "mon-thu 9-16, fri 9-14:30", want: week(map[time.Weekday][]Span{
			time.Monday: {nine4}, time.Tuesday: {nine4}, time.Wednesday: {nine4}, time.Thursday: {nine4},
			time.Friday: {{9 * 60, 14*60 + 30}},
		})},
		{week: "mon 13-16; mon 9-12", want: week(map[time.Weekday][]Span{time.Monday: {{9 * 60, 12 * 60}, {13 * 60, 16 * 60}}})},
		{week: "mon 9-12, mon 11-14, mon 14-15", want: week(map[time.Weekday][]Span{time.Monday: {{9 * 60, 15 * 60}}})},
		{week: "mon-fri 9-16, wed 8-10", want: func() [7][]Span {
			w := workdays(nine4)
			w[time.Wednesday] = []Span{{8 * 60, 16 * 60}}
			return w
		}()},
		{week: "fri-mon 10-12", want: week(map[time.Weekday][]Span{
			time.Friday: {{600, 720}}, time.Saturday: {{600, 720}}, time.Sunday: {{600, 720}}, time.Monday: {{600, 720}},
		})},
		{week: "su 10-12", want: week(map[time.Weekday][]Span{time.Sunday: {{600, 720}}})},
		{week: "to 10-12", want: week(map[time.Weekday][]Span{time.Thursday: {{600, 720}}})},
		{week: "fri 20-24", want: week(map[time.Weekday][]Span{time.Friday: {{20 * 60, 24 * 60}}})},
		{week: "sat-sun 24h", want: week(map[time.Weekday][]Span{time.Saturday: {{0, 1440}}, time.Sunday: {{0, 1440}}})},
		{week: "mon 0-24", want: week(map[time.Weekday][]Span{time.Monday: {{0, 1440}}})},
		{week: "mon 9-16,", want: week(map[time.Weekday][]Span{time.Monday: {nine4}})},
		{week: "mon-fri 9-16", holidays: "2026-12-24, 2026-12-25", want: workdays(nine4), wantHolidays: []string{"2026-12-24", "2026-12-25"}},
		{week: "mon-fri 9-16", holidays: "24.12.2026 25.12.2026;1.5.2026", want: workdays(nine4), wantHolidays: []string{"2026-05-01", "2026-12-24", "2026-12-25"}},
		{week: "", holidays: "2026-12-24", want: [7][]Span{}, wantHolidays: []string{"2026-12-24"}},

		{week: "mon-fro 9-16", wantErr: `"fro"`},
		{week: "monday 9-16", wantErr: `"monday"`},
		{week: "mon-fri", wantErr: `"mon-fri"`},
		{week: "9-16", wantErr: `"9-16"`},
		{week: "mon-fri 9-16 17-18", wantErr: `"mon-fri 9-16 17-18"`},
		{week: "mon-tue-wed 9-16", wantErr: `"tue-wed"`},
		{week: "mon 9", wantErr: `"9"`},
		{week: "mon 16-9", wantErr: `"16-9"`},
		{week: "mon 9-9", wantErr: `"9-9"`},
		{week: "mon 22-6", wantErr: "across midnight"},
		{week: "mon 9-25", wantErr: `"25"`},
		{week: "mon 9-24:30", wantErr: `"24:30"`},
		{week: "mon 9:60-16", wantErr: `"9:60"`},
		{week: "mon 9:5-16", wantErr: `"9:5"`},
		{week: "mon 9.-16", wantErr: `"9."`},
		{week: "mon -16", wantErr: `"mon -16"`},
		{week: "mon 9-16-18", wantErr: `"16-18"`},
		{week: "mon 9am-4pm", wantErr: `"9am"`},
		{week: "mon 009-16", wantErr: `"009"`},
		{week: ", ;", wantErr: `", ;"`},
		{week: "always, mon 9-16", wantErr: `"always"`},
		{week: "mon-fri 9-16", holidays: "2026-12-32", wantErr: `"2026-12-32"`},
		{week: "mon-fri 9-16", holidays: "24.12.", wantErr: `"24.12."`},
		{week: "mon-fri 9-16", holidays: "2026-2-1", wantErr: `"2026-2-1"`},
		{week: "mon-fri 9-16", holidays: "joulu", wantErr: `"joulu"`},
		{week: "mon-fri 9-16", holidays: "2026-12-24 29.2.2026", wantErr: `"29.2.2026"`},
	}
	for _, tt := range tests {
		t.Run(tt.week+"|"+tt.holidays, func(t *testing.T) {
			got, err := ParseOfficeHours(tt.week, tt.holidays, time.UTC)
			if tt.wantErr != "" {
				if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %s naming %s", err, EINVALID, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Week, tt.want) {
				t.Errorf("Week = %v, want %v", got.Week, tt.want)
			}
			var hols []string
			for d := range got.Holidays {
				hols = append(hols, d)
			}
			slices.Sort(hols)
			if !slices.Equal(hols, tt.wantHolidays) {
				t.Errorf("Holidays = %v, want %v", hols, tt.wantHolidays)
			}
			if got.Always() != reflect.DeepEqual(tt.want, [7][]Span{}) {
				t.Errorf("Always() = %v", got.Always())
			}
		})
	}
}

func mustHours(t testing.TB, week, holidays string, loc *time.Location) OfficeHours {
	t.Helper()
	h, err := ParseOfficeHours(week, holidays, loc)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestOfficeHoursOpenNext(t *testing.T) {
	hel := helsinki(t)
	at := func(mo time.Month, d, h, m int) time.Time { return time.Date(2026, mo, d, h, m, 0, 0, hel) }
	office := mustHours(t, "mon-thu 9-16, fri 9-14:30", "2026-12-24, 25.12.2026, 2026-12-26, 2026-12-31, 1.1.2027", hel)
	late := mustHours(t, "fri 20-24, sat 0-2", "", hel)
	sunday := mustHours(t, "su 9-16", "", hel)
	gap := mustHours(t, "sun 3:30-5", "", hel)          // 29 March: 3.00 jumps to 4.00
	repeat := mustHours(t, "sun 3-3:30", "", hel)       // 25 October: 3.00–3.59 happens twice
	night := mustHours(t, "sun 0-24, mon 0-1", "", hel) // a 23- and a 25-hour Sunday
	tests := []struct {
		name     string
		h        OfficeHours
		t        time.Time
		wantOpen bool
		wantNext time.Time
	}{
		{"Tuesday morning", office, at(12, 1, 10, 0), true, at(12, 1, 10, 0)},
		{"at opening", office, at(12, 1, 9, 0), true, at(12, 1, 9, 0)},
		{"a second before opening", office, at(12, 1, 8, 59).Add(59 * time.Second), false, at(12, 1, 9, 0)},
		{"last second", office, at(12, 1, 15, 59).Add(59 * time.Second), true, at(12, 1, 15, 59).Add(59 * time.Second)},
		{"at closing", office, at(12, 1, 16, 0), false, at(12, 2, 9, 0)},
		{"Tuesday midnight", office, at(12, 1, 0, 0), false, at(12, 1, 9, 0)},
		{"a minute before midnight", office, at(12, 1, 23, 59), false, at(12, 2, 9, 0)},
		{"Friday's shorter day", office, at(12, 4, 14, 30), false, at(12, 7, 9, 0)},
		{"Friday before closing", office, at(12, 4, 14, 29), true, at(12, 4, 14, 29)},
		{"Saturday", office, at(12, 5, 12, 0), false, at(12, 7, 9, 0)},
		{"Sunday night", office, at(12, 6, 23, 59), false, at(12, 7, 9, 0)},
		{"Christmas Eve", office, at(12, 24, 10, 0), false, at(12, 28, 9, 0)},
		{"before Christmas Eve", office, at(12, 23, 16, 0), false, at(12, 28, 9, 0)},
		{"New Year's Eve", office, at(12, 30, 17, 0), false, time.Date(2027, 1, 4, 9, 0, 0, 0, hel)},
		{"span to 24:00, last second", late, at(12, 4, 23, 59).Add(59 * time.Second), true, at(12, 4, 23, 59).Add(59 * time.Second)},
		{"span from 0:00 after one to 24:00", late, at(12, 5, 0, 0), true, at(12, 5, 0, 0)},
		{"after the night", late, at(12, 5, 2, 0), false, at(12, 11, 20, 0)},
		{"Friday evening", late, at(12, 4, 19, 0), false, at(12, 4, 20, 0)},
		{"DST starts: Saturday", sunday, at(3, 28, 20, 0), false, time.Date(2026, 3, 29, 6, 0, 0, 0, time.UTC)},
		{"DST starts: Friday to Monday", office, at(3, 27, 17, 0), false, time.Date(2026, 3, 30, 6, 0, 0, 0, time.UTC)},
		{"DST starts: Sunday 2.30", sunday, time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), false, time.Date(2026, 3, 29, 6, 0, 0, 0, time.UTC)},
		{"DST starts: span in the skipped hour", gap, at(3, 29, 0, 0), false, time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		{"DST ends: Saturday", sunday, at(10, 24, 20, 0), false, time.Date(2026, 10, 25, 7, 0, 0, 0, time.UTC)},
		{"DST ends: Friday to Monday", office, at(10, 23, 17, 0), false, time.Date(2026, 10, 26, 7, 0, 0, 0, time.UTC)},
		{"DST ends: first 3.10", repeat, time.Date(2026, 10, 25, 0, 10, 0, 0, time.UTC), true, time.Date(2026, 10, 25, 0, 10, 0, 0, time.UTC)},
		{"DST ends: first 3.40, open again at the second 3.00", repeat, time.Date(2026, 10, 25, 0, 40, 0, 0, time.UTC), false, time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC)},
		{"DST ends: second 3.40", repeat, time.Date(2026, 10, 25, 1, 40, 0, 0, time.UTC), false, time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC)},
		{"23-hour Sunday, last minute", night, time.Date(2026, 3, 29, 20, 59, 0, 0, time.UTC), true, time.Date(2026, 3, 29, 20, 59, 0, 0, time.UTC)},
		{"25-hour Sunday, last minute", night, time.Date(2026, 10, 25, 21, 59, 0, 0, time.UTC), true, time.Date(2026, 10, 25, 21, 59, 0, 0, time.UTC)},
		{"always", OfficeHours{}, at(12, 24, 3, 0), true, at(12, 24, 3, 0)},
		{"always, holidays ignored", mustHours(t, "always", "2026-12-24", hel), at(12, 24, 3, 0), true, at(12, 24, 3, 0)},
		{"nil location is UTC", mustHours(t, "mon 9-10", "", nil), time.Date(2026, 12, 7, 9, 30, 0, 0, hel), false, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.h.Open(tt.t); got != tt.wantOpen {
				t.Errorf("Open(%v) = %v, want %v", tt.t, got, tt.wantOpen)
			}
			got := tt.h.Next(tt.t)
			if !got.Equal(tt.wantNext) {
				t.Errorf("Next(%v) = %v, want %v", tt.t, got, tt.wantNext)
			}
			if !got.IsZero() && !tt.h.Open(got) {
				t.Errorf("Next(%v) = %v, which is not open", tt.t, got)
			}
		})
	}
}

func TestOfficeHoursNextLocal(t *testing.T) {
	hel := helsinki(t)
	h := mustHours(t, "mon-fri 9-16", "", hel)
	for _, from := range []time.Time{
		time.Date(2026, 3, 27, 16, 0, 0, 0, hel),  // before the spring change
		time.Date(2026, 10, 23, 16, 0, 0, 0, hel), // before the autumn change
	} {
		got := h.Next(from)
		if got.Location() != hel || got.Hour() != 9 || got.Minute() != 0 || got.Weekday() != time.Monday {
			t.Errorf("Next(%v) = %v, want Monday 9.00 in Helsinki", from, got)
		}
	}
}

func TestOfficeHoursNextNever(t *testing.T) {
	hel := helsinki(t)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, hel) // a Thursday
	mondays := func(n int) OfficeHours {
		h := OfficeHours{Location: hel, Holidays: map[string]bool{}}
		h.Week[time.Monday] = []Span{{9 * 60, 16 * 60}}
		for i := range n {
			h.Holidays[time.Date(2026, 1, 5+7*i, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)] = true
		}
		return h
	}
	if got := mondays(53).Next(from); !got.IsZero() {
		t.Errorf("every Monday a holiday: Next = %v, want the zero time", got)
	}
	want := time.Date(2026, 12, 28, 9, 0, 0, 0, hel) // the 52nd Monday after the first
	if got := mondays(51).Next(from); !got.Equal(want) {
		t.Errorf("51 Mondays off: Next = %v, want %v", got, want)
	}
	broken := OfficeHours{Location: hel}
	broken.Week[time.Monday] = []Span{{600, 600}}
	if got := broken.Next(from); !got.IsZero() {
		t.Errorf("an empty span: Next = %v, want the zero time", got)
	}
}

// bruteNext finds Next minute by minute.
func bruteNext(h OfficeHours, t time.Time, limit time.Duration) time.Time {
	if h.Open(t) {
		return t
	}
	for u := t.Truncate(time.Minute).Add(time.Minute); u.Sub(t) < limit; u = u.Add(time.Minute) {
		if h.Open(u) {
			return u
		}
	}
	return time.Time{}
}

// TestOfficeHoursNextBrute checks Next against a minute-by-minute search
// around both changes of the clocks in 2026.
func TestOfficeHoursNextBrute(t *testing.T) {
	hel := helsinki(t)
	r := mrand.New(mrand.NewPCG(1, 2))
	clock := func(m int) string { return fmt.Sprintf("%d.%02d", m/60, m%60) }
	for i := range 400 {
		var items []string
		for range 1 + r.IntN(4) {
			from := r.IntN(24*4) * 15
			to := from + 15*(1+r.IntN(24*4-from/15))
			items = append(items, fmt.Sprintf("%s-%s %s-%s", dayNames[r.IntN(7)], dayNames[r.IntN(7)], clock(from), clock(to)))
		}
		base := time.Date(2026, 3, 26, 0, 0, 0, 0, hel)
		if i%2 == 1 {
			base = time.Date(2026, 10, 22, 0, 0, 0, 0, hel)
		}
		hol := base.AddDate(0, 0, 2+r.IntN(3)).Format(time.DateOnly)
		h := mustHours(t, strings.Join(items, ", "), hol, hel)
		from := base.Add(time.Duration(r.IntN(5*24*60)) * time.Minute).Add(time.Duration(r.IntN(60)) * time.Second)
		got, want := h.Next(from), bruteNext(h, from, 30*24*time.Hour)
		if !got.Equal(want) {
			t.Errorf("%q (holiday %s): Next(%v) = %v, want %v", strings.Join(items, ", "), hol, from, got, want)
		}
	}
}

var dayNames = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

func FuzzParseOfficeHours(f *testing.F) {
	for _, s := range []string{"", "24h", "mon-fri 9-16", "mon-thu 9-16, fri 9-14:30", "ma-pe 8.30-16", "mon 9-12, mon 13-16", "fri 20-24", "sat-sun 24h", "mon - fri 9 – 16", "su 3:30-5"} {
		f.Add(s, "2026-12-24, 24.12.2026", int64(1774746000))
	}
	hel, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, week, holidays string, sec int64) {
		h, err := ParseOfficeHours(week, holidays, hel)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("error %v, want code %s", err, EINVALID)
			}
			return
		}
		for d, spans := range h.Week {
			for i, s := range spans {
				if s.From < 0 || s.To <= s.From || s.To > 24*60 || (i > 0 && s.From <= spans[i-1].To) {
					t.Fatalf("day %d: spans %v are not sorted, disjoint and within the day", d, spans)
				}
			}
		}
		from := time.Unix(sec%(1<<35), 0) // about ±1000 years
		next := h.Next(from)
		if !next.IsZero() && (!h.Open(next) || next.Before(from)) {
			t.Fatalf("Next(%v) = %v: closed or earlier", from, next)
		}
	})
}

func TestSafetyWordsDefault(t *testing.T) {
	w := DefaultSafetyWords()
	urgent := map[string][]string{
		"fi": {
			"Kotona on väkivaltaa",
			"PERHEVÄKIVALTA on arkea meillä",
			"lähisuhde-väkivalta",
			"Isä lyö meitä",
			"Hän löi minua eilen.",
			"mies on hakannut minut",
			"poikaa on pahoinpidelty",
			"Minua on hyväksikäytetty",
			"Tytöllä on itsetuhoisia ajatuksia",
			"Poika viiltelee itseään",
			"olen ajatellut itsemurhaa",
			"itsemurhayritys viime vuonna",
			"En jaksa elää enää 😢",
			"haluan kuolla",
			"Hän uhkailee meitä",
		},
		"sv": {
			"Pappa slår mig",
			"Det finns våld hemma",
			"familjevåldet blir värre",
			"Jag vill dö.",
			"Jag har självmordstankar",
			"Jag skär mig ibland",
			"barnmisshandel",
			"Han misshandlade henne",
			"sexuella övergrepp",
		},
		"en": {
			"My dad HITS ME!!",
			"he hit me.",
			"domestic violence",
			"I was abused as a kid",
			"I want to die 😞",
			"I've been self-harming",
			"self harm",
			"I don’t want to live anymore",
			"thinking about suicide",
			"I might kill myself",
			"he threatened to kill us",
		},
		"uk": {
			"Тато б’є мене",
			"Тато бʼє мене",
			"Тато б'є мене",
			"Мене побили в школі",
			"домашнє насильство",
			"думки про самогубство",
			"Я хочу померти",
			"я не хочу жити",
			"він зґвалтував її",
			"він згвалтував її",
			"хочу накласти на себе руки",
			"💔ВБИТИ СЕБЕ💔",
		},
	}
	innocent := map[string][]string{
		"fi": {
			"Lapset soittavat lyömäsoittimia",
			"Joukkue oli lyömätön!",
			"Meillä on tapana käydä metsässä",
			"Hakkaraiset tulevat mukaan",
			"Lapsi ahdistuu helposti uusissa paikoissa",
			"Haluan kuulla lisää kerhosta",
			"Raskausaikana oli pahoinvointia",
			"Haluamme elää terveellisesti ja liikkua 🌲",
			"Mummo kuoli viime vuonna",
		},
		"sv": {
			"Vi vill döpa vår dotter",
			"Vi vill dölja ingenting",
			"Jag slår på tv:n",
			"Det slog mig att vi borde gå oftare",
			"Vi skär morötter",
			"Barnen älskar att måla",
		},
		"en": {
			"I want to diet",
			"We'd love a violin class!",
			"The kids love hitting the piñata",
			"What a hit! Meeting friends was great",
			"It beats me why the bus was late",
			"We went to the therapist",
			"A busy week",
		},
		"uk": {
			"Ми п'ємо чай у п’ятницю",
			"Насилу встигли на автобус",
			"Діти люблять малювати",
			"Хочу жити у Фінляндії",
			"Побачимося в суботу",
		},
	}
	for lang, texts := range urgent {
		for _, s := range texts {
			if !w.Match(s, nil) {
				t.Errorf("%s: %q is not urgent", lang, s)
			}
		}
	}
	for lang, texts := range innocent {
		for _, s := range texts {
			if w.Match(s, nil) {
				t.Errorf("%s: %q is urgent", lang, s)
			}
		}
	}
	for _, lang := range Languages() {
		if len(w[lang]) == 0 {
			t.Errorf("no default safety words for %s", lang)
		}
	}
}

// TestSafetyWordsDefaultParse checks that every default stem is written
// as ParseSafetyWords would store it, so an operator can copy them into
// the environment.
func TestSafetyWordsDefaultParse(t *testing.T) {
	for lang, stems := range DefaultSafetyWords() {
		if !isLangCode(lang) {
			t.Errorf("language %q", lang)
		}
		for _, s := range stems {
			got, err := parseStem(s)
			if err != nil || got != s {
				t.Errorf("%s: stem %q parses as %q, %v", lang, s, got, err)
			}
		}
	}
	a, b := DefaultSafetyWords(), DefaultSafetyWords()
	a["fi"][0] = "changed"
	if b["fi"][0] == "changed" {
		t.Error("DefaultSafetyWords shares its slices between calls")
	}
}

func TestSafetyWordsMatch(t *testing.T) {
	w := SafetyWords{"xx": {"väkival", "*foo", "bar$", "hurt myself", "b'є", "Upper"}}
	tests := []struct {
		text string
		want bool
	}{
		{"väkival", true},
		{"VÄKIVALTAA", true},
		{"(väkivaltaa)", true},
		{"«väkivaltaa»", true},
		{"'väkivaltaa'", true},
		{"🙁väkivaltaa", true},
		{"2väkivaltaa", true},
		{"perheväkivaltaa", false}, // not a word start
		{"perhe-väkivaltaa", true},
		{"väki valtaa", false},
		{"afoob", true},
		{"fo o", false},
		{"bar", true},
		{"bar!", true},
		{"a bar.", true},
		{"barn", false},
		{"rebar", false},
		{"I hurt myself", true},
		{"I hurt\n  myself", true},
		{"I hurt-myself", true},
		{"I hurtmyself", false},
		{"hurting myself", false},
		{"b’є", true},
		{"bʼє", true},
		{"b`є", true},
		{"bє", false},
		{"upper", true},
		{"", false},
		{"väki\u00advaltaa", true},       // soft hyphen
		{"väki\u200evaltaa", true},       // left-to-right mark
		{"\u202eväkivaltaa\u202c", true}, // right-to-left override
		{"väki\u2066valtaa\u2069", true}, // isolate
		{"\u061cväkivaltaa", true},       // Arabic letter mark
		{"väki\u200b\u200c\u2060\ufeffvaltaa", true},
		{"bʹє", true},
		{"b´є", true},
		{"b＇є", true},
		{"bar\u0301", false}, // the mark belongs to the word
		{"a\u0301väkivaltaa", false},
	}
	for _, tt := range tests {
		if got := w.Match(tt.text, nil); got != tt.want {
			t.Errorf("Match(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if (SafetyWords{"xx": {"", "$", "*", " "}}).Match("anything", nil) {
		t.Error("empty stems match")
	}
	if (SafetyWords{}).Match("väkivaltaa", nil) || SafetyWords(nil).Match("väkivaltaa", nil) {
		t.Error("no stems match")
	}
}

// TestSafetyWordsFold checks that the caller's fold is applied to the text
// and to the stems alike; flows tests the real one (NFC and case folding).
func TestSafetyWordsFold(t *testing.T) {
	w := SafetyWords{"xx": {"väkival", "Straße$"}}
	plain := func(s string) string { return strings.NewReplacer("ä", "a", "ß", "ss").Replace(strings.ToLower(s)) }
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"vakivaltaa", true},
		{"VÄKIVALTAA", true},
		{"strasse", true},
		{"STRASSE!", true},
		{"strassen", false},
	} {
		if got := w.Match(tt.text, plain); got != tt.want {
			t.Errorf("Match(%q, fold) = %v, want %v", tt.text, got, tt.want)
		}
	}
	if w.Match("vakivaltaa", nil) {
		t.Error("Match without a fold folds ä")
	}
}

func TestParseSafetyWords(t *testing.T) {
	tests := []struct {
		spec    string
		want    SafetyWords
		wantErr string
	}{
		{spec: "", want: SafetyWords{}},
		{spec: " ; ", wantErr: `" ; "`},
		{spec: "fi:väkival|itsetuho|tapan;sv:våld|självmord;en:violen|suicid;uk:насильств|самогубств", want: SafetyWords{
			"fi": {"väkival", "itsetuho", "tapan"}, "sv": {"våld", "självmord"}, "en": {"violen", "suicid"}, "uk": {"насильств", "самогубств"},
		}},
		{spec: " FI : Väkival | ItseTuho ; ", want: SafetyWords{"fi": {"väkival", "itsetuho"}}},
		{spec: "fi:foo;fi:bar|FOO", want: SafetyWords{"fi": {"foo", "bar"}}},
		{spec: "fi:lyö$|*väkival|* perhe $", want: SafetyWords{"fi": {"lyö$", "*väkival", "*perhe$"}}},
		{spec: "en:self-harm|Hurt   Myself", want: SafetyWords{"en": {"self harm", "hurt myself"}}},
		{spec: "uk:б’є|бʼють", want: SafetyWords{"uk": {"б'є", "б'ють"}}},
		{spec: "fil:foo", want: SafetyWords{"fil": {"foo"}}},

		{spec: "väkival", wantErr: `"väkival"`},
		{spec: "fi väkival", wantErr: `"fi väkival"`},
		{spec: ":väkival", wantErr: `":väkival"`},
		{spec: "finnish:väkival", wantErr: `"finnish:väkival"`},
		{spec: "f1:väkival", wantErr: `"f1:väkival"`},
		{spec: "fi:", wantErr: `""`},
		{spec: "fi:a", wantErr: `"a"`},
		{spec: "fi:väkival||itsetuho", wantErr: `""`},
		{spec: "fi:väkival|", wantErr: `""`},
		{spec: "fi:*$", wantErr: `"*$"`},
		{spec: "fi:fo*o", wantErr: `"fo*o"`},
		{spec: "fi:fo$o", wantErr: `"fo$o"`},
		{spec: "fi:12", wantErr: `"12"`},
		{spec: "en:violen;sv", wantErr: `"sv"`},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseSafetyWords(tt.spec)
			if tt.wantErr != "" {
				if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %s naming %s", err, EINVALID, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// constReader gives the same byte forever.
type constReader byte

func (c constReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

func TestCodeAlphabet(t *testing.T) {
	if len(CodeAlphabet) != 27 {
		t.Errorf("%d characters", len(CodeAlphabet))
	}
	for i, r := range CodeAlphabet {
		if strings.ContainsRune("0O1ILAEUYÅÄÖ", r) {
			t.Errorf("%q is a look-alike or a vowel", r)
		}
		if strings.IndexRune(CodeAlphabet, r) != i {
			t.Errorf("%q twice", r)
		}
		if !(r >= '2' && r <= '9' || r >= 'A' && r <= 'Z') {
			t.Errorf("%q is not an upper-case ASCII letter or digit", r)
		}
	}
}

func TestNewCode(t *testing.T) {
	// 8 characters read 11 bytes; 243 and 255 would bias the choice.
	r := bytes.NewReader([]byte{0, 26, 27, 242, 243, 255, 5, 1, 2, 3, 4})
	got, err := NewCode(r, CardCodeLen)
	if want := "2Z2Z7345"; got != want || err != nil {
		t.Errorf("NewCode = %q, %v; want %q", got, err, want)
	}
	// All rejected in the first read: it reads again.
	r = bytes.NewReader([]byte{250, 250, 250, 8, 9, 0})
	if got, err := NewCode(r, 2); got != "BC" || err != nil {
		t.Errorf("NewCode after rejects = %q, %v; want \"BC\"", got, err)
	}
	for _, n := range []int{0, -1, 65} {
		if _, err := NewCode(rand.Reader, n); ErrorCode(err) != EINVALID {
			t.Errorf("NewCode(%d): err = %v, want %s", n, err, EINVALID)
		}
	}
	boom := errors.New("boom")
	if _, err := NewCode(iotest.ErrReader(boom), 8); ErrorCode(err) != EINTERNAL || !errors.Is(err, boom) {
		t.Errorf("failing reader: err = %v, want %s wrapping it", err, EINTERNAL)
	}
	if _, err := NewCode(bytes.NewReader([]byte{1, 2}), 8); ErrorCode(err) != EINTERNAL {
		t.Errorf("short reader: err = %v, want %s", err, EINTERNAL)
	}
	if _, err := NewCode(constReader(255), 8); ErrorCode(err) != EINTERNAL {
		t.Errorf("useless reader: err = %v, want %s", err, EINTERNAL)
	}
	seen := map[byte]bool{}
	for range 200 {
		code, err := NewCode(rand.Reader, LinkCodeLen)
		if err != nil || len(code) != LinkCodeLen {
			t.Fatalf("NewCode = %q, %v", code, err)
		}
		for i := range len(code) {
			if !strings.ContainsRune(CodeAlphabet, rune(code[i])) {
				t.Fatalf("%q outside the alphabet", code)
			}
			seen[code[i]] = true
		}
	}
	if len(seen) != len(CodeAlphabet) {
		t.Errorf("3200 random characters use %d of %d", len(seen), len(CodeAlphabet))
	}
}

func TestFormatCardCode(t *testing.T) {
	for in, want := range map[string]string{
		"K7QM3XPB": "K7QM-3XPB", "": "", "K7Q": "K7Q", "K7QM": "K7QM", "K7QM3": "K7QM-3", "K7QM3XPBCD": "K7QM-3XPB-CD",
	} {
		if got := FormatCardCode(in); got != want {
			t.Errorf("FormatCardCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when not a code
	}{
		{"K7QM3XPB", "K7QM3XPB"},
		{"k7qm 3xpb", "K7QM3XPB"},
		{"K7QM-3XPB", "K7QM3XPB"},
		{" k7qm – 3xpb\n", "K7QM3XPB"},
		{"К7QМ3ХРВ", "K7QM3XPB"}, // Cyrillic К, М, Х, Р, В
		{"к7qм3хрв", "K7QM3XPB"},
		{"K7QM3XPA", ""}, // a vowel
		{"K7QM3XP0", ""},
		{"K7QM3XPO", ""},
		{"K7QM3XP1", ""},
		{"K7QM3XPl", ""},
		{"K7QM3XPI", ""},
		{"K7QM3XP", ""},
		{"K7QM3XPBB", ""},
		{"", ""},
		{"K7QM.3XPB", ""},
		{"K7QM3XPБ", ""},
		{"Ｋ7QM3XPB", ""}, // full-width
	}
	for _, tt := range tests {
		got, ok := NormalizeCode(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	for range 100 {
		code, err := NewCode(rand.Reader, CardCodeLen)
		if err != nil {
			t.Fatal(err)
		}
		for _, typed := range []string{code, FormatCardCode(code), strings.ToLower(FormatCardCode(code)), strings.Join(strings.Split(code, ""), " ")} {
			if got, ok := NormalizeCode(typed); got != code || !ok {
				t.Errorf("NormalizeCode(%q) = %q, %v; want %q", typed, got, ok, code)
			}
		}
	}
}

func TestCardState(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	card := Card{Code: "K7QM3XPB", ValidFrom: from, ValidUntil: until, Visits: 10, Used: 3}
	with := func(f func(*Card)) Card { c := card; f(&c); return c }
	tests := []struct {
		name string
		c    Card
		now  time.Time
		want CardState
	}{
		{"in the middle", card, from.AddDate(0, 6, 0), CardValid},
		{"at ValidFrom", card, from, CardValid},
		{"just before ValidFrom", card, from.Add(-time.Nanosecond), CardNotYet},
		{"just before ValidUntil", card, until.Add(-time.Nanosecond), CardValid},
		{"at ValidUntil", card, until, CardExpired},
		{"after ValidUntil", card, until.AddDate(1, 0, 0), CardExpired},
		{"one visit left", with(func(c *Card) { c.Used = 9 }), from, CardValid},
		{"used up", with(func(c *Card) { c.Used = 10 }), from, CardUsedUp},
		{"over-used", with(func(c *Card) { c.Used = 11 }), from, CardUsedUp},
		{"unlimited", with(func(c *Card) { c.Visits, c.Used = 0, 500 }), from, CardValid},
		{"revoked", with(func(c *Card) { c.Revoked = true }), from, CardRevoked},
		{"revoked and expired", with(func(c *Card) { c.Revoked = true }), until, CardRevoked},
		{"expired and used up", with(func(c *Card) { c.Used = 10 }), until, CardExpired},
		{"not yet and used up", with(func(c *Card) { c.Used = 10 }), from.Add(-time.Hour), CardNotYet},
		{"open ends", Card{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), CardValid},
	}
	for _, tt := range tests {
		if got := tt.c.State(tt.now); got != tt.want {
			t.Errorf("%s: State = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCardLeft(t *testing.T) {
	tests := []struct {
		visits, used int
		want         int
		wantLimited  bool
	}{
		{10, 3, 7, true},
		{10, 10, 0, true},
		{10, 12, 0, true},
		{1, 0, 1, true},
		{0, 5, 0, false},
	}
	for _, tt := range tests {
		n, limited := Card{Visits: tt.visits, Used: tt.used}.Left()
		if n != tt.want || limited != tt.wantLimited {
			t.Errorf("Visits %d, Used %d: Left = %d, %v; want %d, %v", tt.visits, tt.used, n, limited, tt.want, tt.wantLimited)
		}
	}
}

func TestOutcomes(t *testing.T) {
	want := []Outcome{"activities", "card", "referred", "no_need"}
	if !slices.Equal(Outcomes, want) {
		t.Errorf("Outcomes = %v, want %v", Outcomes, want)
	}
}
