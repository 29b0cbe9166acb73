package polku

import (
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
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
	finland := mustHours(t, "mon-fri 9-16", "", hel)
	finland.Public = true
	finlandAndOwn := mustHours(t, "mon-fri 9-16", "2026-12-31", hel)
	finlandAndOwn.Public = true
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
		// Finland's days off, with none typed in.
		{"Independence Day, a Sunday", finland, at(12, 6, 10, 0), false, at(12, 7, 9, 0)},
		{"Christmas Eve, Finland's", finland, at(12, 23, 16, 0), false, at(12, 28, 9, 0)},
		{"Good Friday to Easter Monday", finland, at(4, 2, 17, 0), false, at(4, 7, 9, 0)},
		{"Ascension Day", finland, at(5, 14, 10, 0), false, at(5, 15, 9, 0)},
		{"Midsummer Eve", finland, at(6, 19, 10, 0), false, at(6, 22, 9, 0)},
		{"the day after Midsummer Day is a Sunday", finland, at(6, 20, 10, 0), false, at(6, 22, 9, 0)},
		{"Finland's days off, and the service's own", finlandAndOwn, at(12, 30, 17, 0), false, time.Date(2027, 1, 4, 9, 0, 0, 0, hel)},
		{"without Finland's days off", office, at(5, 14, 10, 0), true, at(5, 14, 10, 0)},
		{"always, Finland's days off ignored", OfficeHours{Public: true, Location: hel}, at(12, 24, 3, 0), true, at(12, 24, 3, 0)},
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
	for i := range 400 {
		items := randomWeek(r, 4)
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

// randomWeek is 1 to most random "DAYS FROM-TO" items, in quarter hours.
func randomWeek(r *mrand.Rand, most int) []string {
	clock := func(m int) string { return fmt.Sprintf("%d.%02d", m/60, m%60) }
	var items []string
	for range 1 + r.IntN(most) {
		from := r.IntN(24*4) * 15
		to := from + 15*(1+r.IntN(24*4-from/15))
		items = append(items, fmt.Sprintf("%s-%s %s-%s", dayNames[r.IntN(7)], dayNames[r.IntN(7)], clock(from), clock(to)))
	}
	return items
}

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

// TestOfficeHoursWithin: how long a family waited within office hours, by
// table, and against a walk through every minute with Open.
func TestOfficeHoursWithin(t *testing.T) {
	hel := helsinki(t)
	h := mustHours(t, "mon-fri 9-16", "2026-12-24,2026-12-25", hel)
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, hel) }
	for _, c := range []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"within one span", at(1, 10, 0), at(1, 10, 25), 25 * time.Minute},
		{"asked at night, answered at opening", at(1, 22, 0), at(2, 9, 0), 0},
		{"asked at night, answered later", at(1, 22, 0), at(2, 9, 40), 40 * time.Minute},
		{"over a weekend", at(4, 15, 0), at(7, 10, 0), 2 * time.Hour},
		{"over a holiday", at(23, 15, 30), at(28, 9, 30), 60 * time.Minute},
		{"answered before asked", at(2, 10, 0), at(1, 10, 0), 0},
		{"answered outside hours", at(1, 17, 0), at(1, 20, 0), 0},
	} {
		if got := h.Within(c.a, c.b); got != c.want {
			t.Errorf("%s: Within(%v, %v) = %v, want %v", c.name, c.a, c.b, got, c.want)
		}
	}
	if got := (OfficeHours{}).Within(at(1, 22, 0), at(2, 9, 0)); got != 11*time.Hour {
		t.Errorf("always open: %v, want 11h", got)
	}

	r := mrand.New(mrand.NewPCG(3, 4))
	for range 100 {
		items := randomWeek(r, 3)
		base := time.Date(2026, 11, 2, 0, 0, 0, 0, hel)
		h := mustHours(t, strings.Join(items, ", "), base.AddDate(0, 0, 1+r.IntN(5)).Format(time.DateOnly), hel)
		a := base.Add(time.Duration(r.IntN(5*24*60)) * time.Minute)
		b := a.Add(time.Duration(r.IntN(4*24*60)) * time.Minute)
		var want time.Duration
		for m := a; m.Before(b); m = m.Add(time.Minute) {
			if h.Open(m) {
				want += time.Minute
			}
		}
		if got := h.Within(a, b); got != want {
			t.Errorf("%q: Within(%v, %v) = %v, want %v", strings.Join(items, ", "), a, b, got, want)
		}
	}
}
