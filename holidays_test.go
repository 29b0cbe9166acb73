package polku

import (
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	// Easter Sundays from the almanac.
	for _, want := range []string{"2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2028-04-16", "2038-04-25", "2285-03-22", "2000-04-23"} {
		d, _ := time.Parse(dateLayout, want)
		if got := easter(d.Year()); !got.Equal(d) {
			t.Errorf("Easter %d: %s, want %s", d.Year(), got.Format(dateLayout), want)
		}
	}
}

func TestFinnishHolidays(t *testing.T) {
	want := map[int][]string{
		2026: {"2026-01-01", "2026-01-06", "2026-04-03", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-24",
			"2026-06-19", "2026-06-20", "2026-10-31", "2026-12-06", "2026-12-24", "2026-12-25", "2026-12-26"},
		2027: {"2027-01-01", "2027-01-06", "2027-03-26", "2027-03-28", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-16",
			"2027-06-25", "2027-06-26", "2027-11-06", "2027-12-06", "2027-12-24", "2027-12-25", "2027-12-26"},
	}
	for year, dates := range want {
		hs := FinnishHolidays(year)
		if len(hs) != len(dates) {
			t.Fatalf("%d: %d days, want %d", year, len(hs), len(dates))
		}
		for i, h := range hs {
			if got := h.Date.Format(dateLayout); got != dates[i] {
				t.Errorf("%d: day %d (%s) is %s, want %s", year, i+1, h.Name, got, dates[i])
			}
		}
	}
	// Midsummer Day and All Saints' Day are Saturdays, Midsummer Eve a
	// Friday, every year.
	for year := 2000; year <= 2100; year++ {
		for _, h := range FinnishHolidays(year) {
			switch h.Name {
			case "juhannuspäivä", "pyhäinpäivä":
				if h.Date.Weekday() != time.Saturday {
					t.Errorf("%s %s is a %s", h.Name, h.Date.Format(dateLayout), h.Date.Weekday())
				}
			case "juhannusaatto", "pitkäperjantai":
				if h.Date.Weekday() != time.Friday {
					t.Errorf("%s %s is a %s", h.Name, h.Date.Format(dateLayout), h.Date.Weekday())
				}
			}
		}
	}
	if name, ok := FinnishHoliday(time.Date(2026, 12, 6, 23, 30, 0, 0, time.FixedZone("EET", 2*3600))); !ok || name != "itsenäisyyspäivä" {
		t.Errorf("6.12.2026 late evening: %q %v", name, ok)
	}
	if _, ok := FinnishHoliday(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)); ok {
		t.Error("7.12.2026 is a working day")
	}
}
