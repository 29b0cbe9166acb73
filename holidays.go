package polku

import "time"

// Finland's public holidays, computed rather than typed in each year:
// the fixed ones, those that follow Easter (Good Friday, Easter Sunday and
// Monday, Ascension Day, Whit Sunday) and those that fall on a Saturday of
// a window (Midsummer Day, All Saints' Day), with Midsummer Eve and
// Christmas Eve, which are not public holidays in law but days nearly
// every office is closed. The Finnish names are those of the calendar
// (Yliopiston almanakka); a service adds its own days off to these.

// Holiday is a day off: its local date and its name.
type Holiday struct {
	Date time.Time // midnight UTC of the local date
	// Name is the day's Finnish name, as the almanac has it.
	Name string
}

// FinnishHolidays lists year's days off in Finland, in date order.
func FinnishHolidays(year int) []Holiday {
	day := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	// saturday is the Saturday of the seven days from m d on.
	saturday := func(m time.Month, d int) time.Time {
		t := day(m, d)
		return t.AddDate(0, 0, (int(time.Saturday)-int(t.Weekday())+7)%7)
	}
	e := easter(year)
	hs := []Holiday{
		{day(time.January, 1), "uudenvuodenpäivä"},
		{day(time.January, 6), "loppiainen"},
		{e.AddDate(0, 0, -2), "pitkäperjantai"},
		{e, "pääsiäispäivä"},
		{e.AddDate(0, 0, 1), "2. pääsiäispäivä"},
		{day(time.May, 1), "vappu"},
		{e.AddDate(0, 0, 39), "helatorstai"},
		{e.AddDate(0, 0, 49), "helluntaipäivä"},
		{saturday(time.June, 20).AddDate(0, 0, -1), "juhannusaatto"},
		{saturday(time.June, 20), "juhannuspäivä"},
		{saturday(time.October, 31), "pyhäinpäivä"},
		{day(time.December, 6), "itsenäisyyspäivä"},
		{day(time.December, 24), "jouluaatto"},
		{day(time.December, 25), "joulupäivä"},
		{day(time.December, 26), "tapaninpäivä"},
	}
	// Easter's days fall between March 20 and June 13: only Ascension Day
	// or Whit Sunday could pass May Day.
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].Date.Before(hs[j-1].Date); j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
	return hs
}

// FinnishHoliday reports whether the local date of t is a day off in
// Finland, and which.
func FinnishHoliday(t time.Time) (string, bool) {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for _, h := range FinnishHolidays(t.Year()) {
		if h.Date.Equal(d) {
			return h.Name, true
		}
	}
	return "", false
}

// easter is Easter Sunday of year in the Gregorian calendar (the
// anonymous algorithm of Meeus, Jones and Butcher), as midnight UTC.
func easter(year int) time.Time {
	a, b, c := year%19, year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
}
