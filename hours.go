package polku

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Coordinators are people with working hours. Outside them a family who
// asks for a person is told when someone will answer, with the emergency
// numbers; so the bot needs to know both "open now?" and "open when?".

// Span is an opening time within one day, in minutes after local midnight
// (To > From, To ≤ 24*60). Minutes of the wall clock, not elapsed time, so
// "9-16" stays 9.00–16.00 on the days the clocks change.
type Span struct{ From, To int }

// OfficeHours says when coordinators answer: spans per weekday, closed on
// holidays, in Location (UTC when nil).
//
// The zero value, with no spans at all, is a deployment that configured no
// hours: always open, holidays included, because then nobody promised
// families a closed office and the out-of-office answer would only confuse.
type OfficeHours struct {
	Week     [7][]Span       // indexed by time.Weekday
	Holidays map[string]bool // local dates "2006-01-02"
	// Public closes the office on Finland's days off too
	// (FinnishHolidays), besides Holidays.
	Public   bool
	Location *time.Location
}

// closed reports whether the local date d (any time of it, in the
// office's zone, or its midnight UTC) is a day off.
func (h OfficeHours) closed(d time.Time) bool {
	if h.Holidays[d.Format(dateLayout)] {
		return true
	}
	_, public := FinnishHoliday(d)
	return h.Public && public
}

const dateLayout = "2006-01-02"

// ParseOfficeHours reads office hours from configuration (environment
// variables), forgiving in form and strict about errors: every malformed
// piece is an EINVALID error that quotes it, so a typo never silently
// closes or opens the office.
//
// week is a list of "DAYS HOURS" items separated by commas or semicolons:
//
//	mon-fri 9-16
//	mon-thu 9-16, fri 9-14:30
//	ma-pe 8.30-16; la 10-13
//	mon 9-12, mon 13-16
//	sat-sun 24h
//
// DAYS is a day or a range of days (wrapping past Sunday is fine: "fri-mon")
// in English three-letter (mon … sun) or Finnish two-letter (ma, ti, ke, to,
// pe, la, su) abbreviations, any case. HOURS is FROM-TO with times as 9,
// 09, 9:30 or 9.30 (as Finns write it), up to 24; dashes may be en dashes
// and may have spaces around them. A span cannot cross midnight: write
// "fri 22-24, sat 0-6". Overlapping and touching spans of a day are merged.
// An empty week, "24h" or "always" is always open.
//
// holidays is a list of dates, separated by commas, semicolons or spaces,
// as 2026-12-24 or 24.12.2026; the office is closed all of these local
// days (unless it is always open).
func ParseOfficeHours(week, holidays string, loc *time.Location) (OfficeHours, error) {
	h := OfficeHours{Location: loc}
	for _, d := range strings.FieldsFunc(holidays, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		day, err := parseDate(d)
		if err != nil {
			return OfficeHours{}, err
		}
		if h.Holidays == nil {
			h.Holidays = map[string]bool{}
		}
		h.Holidays[day] = true
	}
	switch strings.ToLower(strings.TrimSpace(week)) {
	case "", "24h", "always":
		return h, nil
	}
	n := 0
	for _, item := range strings.FieldsFunc(week, func(r rune) bool { return r == ',' || r == ';' }) {
		if strings.TrimSpace(item) == "" {
			continue // a trailing separator is harmless
		}
		days, span, err := parseHoursItem(item)
		if err != nil {
			return OfficeHours{}, err
		}
		for _, d := range days {
			h.Week[d] = append(h.Week[d], span)
		}
		n++
	}
	if n == 0 {
		return OfficeHours{}, Errorf(EINVALID, "office hours %q: no days and hours", week)
	}
	for d := range h.Week {
		h.Week[d] = mergeSpans(h.Week[d])
	}
	return h, nil
}

func parseDate(s string) (string, error) {
	layout := dateLayout
	if strings.Contains(s, ".") {
		layout = "2.1.2006"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return "", Errorf(EINVALID, "holiday %q: want a date like 2026-12-24 or 24.12.2026", s)
	}
	return t.Format(dateLayout), nil
}

var weekdays = map[string]time.Weekday{
	"mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"fri": time.Friday, "sat": time.Saturday, "sun": time.Sunday,
	"ma": time.Monday, "ti": time.Tuesday, "ke": time.Wednesday, "to": time.Thursday,
	"pe": time.Friday, "la": time.Saturday, "su": time.Sunday,
}

// parseHoursItem parses one "DAYS HOURS" item.
func parseHoursItem(item string) ([]time.Weekday, Span, error) {
	item = strings.TrimSpace(item)
	norm := strings.NewReplacer("–", "-", "—", "-", "‐", "-", "‑", "-").Replace(strings.ToLower(item))
	// Glue "mon - fri 9 - 16" back into two fields.
	var fields []string
	for _, f := range strings.Fields(norm) {
		if n := len(fields); n > 0 && (strings.HasSuffix(fields[n-1], "-") || strings.HasPrefix(f, "-")) {
			fields[n-1] += f
			continue
		}
		fields = append(fields, f)
	}
	if len(fields) != 2 {
		return nil, Span{}, Errorf(EINVALID, "office hours %q: want days and hours, like \"mon-fri 9-16\"", item)
	}
	days, err := parseDays(item, strings.TrimSuffix(fields[0], ":"))
	if err != nil {
		return nil, Span{}, err
	}
	span, err := parseSpan(item, fields[1])
	return days, span, err
}

func parseDays(item, s string) ([]time.Weekday, error) {
	first, last, isRange := strings.Cut(s, "-")
	if !isRange {
		last = first
	}
	a, ok := weekdays[first]
	if !ok {
		return nil, Errorf(EINVALID, "office hours %q: unknown day %q (mon…sun or ma…su)", item, first)
	}
	b, ok := weekdays[last]
	if !ok {
		return nil, Errorf(EINVALID, "office hours %q: unknown day %q (mon…sun or ma…su)", item, last)
	}
	days := []time.Weekday{a}
	for d := a; d != b; {
		d = (d + 1) % 7
		days = append(days, d)
	}
	return days, nil
}

func parseSpan(item, s string) (Span, error) {
	if s == "24h" {
		return Span{0, 24 * 60}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return Span{}, Errorf(EINVALID, "office hours %q: hours %q: want FROM-TO, like 9-16", item, s)
	}
	f, err := parseClock(item, from)
	if err != nil {
		return Span{}, err
	}
	t, err := parseClock(item, to)
	if err != nil {
		return Span{}, err
	}
	if t <= f {
		return Span{}, Errorf(EINVALID, "office hours %q: hours %q end before they start (across midnight, write two items: \"fri 22-24, sat 0-6\")", item, s)
	}
	return Span{f, t}, nil
}

// parseClock parses 9, 09, 9:30 or 9.30 into minutes after midnight.
func parseClock(item, s string) (int, error) {
	bad := Errorf(EINVALID, "office hours %q: time %q: want 9, 9:30 or 9.30, at most 24", item, s)
	hh, mm, hasMin := strings.Cut(s, ":")
	if !hasMin {
		hh, mm, hasMin = strings.Cut(s, ".")
	}
	if hh == "" || len(hh) > 2 || (hasMin && len(mm) != 2) || !digits(hh) || !digits(mm) {
		return 0, bad
	}
	h, _ := strconv.Atoi(hh)
	m := 0
	if hasMin {
		m, _ = strconv.Atoi(mm)
	}
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, bad
	}
	return h*60 + m, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// mergeSpans sorts spans and merges those that overlap or touch, so that
// "mon 9-12, mon 12-16" is one span and Next never stops at 12.00.
func mergeSpans(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.From - b.From })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.From <= last.To {
			last.To = max(last.To, s.To)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Always reports whether no hours were configured (then Open is always true).
func (h OfficeHours) Always() bool {
	for _, spans := range h.Week {
		if len(spans) > 0 {
			return false
		}
	}
	return true
}

func (h OfficeHours) loc() *time.Location {
	if h.Location == nil {
		return time.UTC
	}
	return h.Location
}

// Open reports whether coordinators answer at t.
func (h OfficeHours) Open(t time.Time) bool {
	if h.Always() {
		return true
	}
	l := t.In(h.loc())
	if h.closed(l) {
		return false
	}
	m := l.Hour()*60 + l.Minute()
	for _, s := range h.Week[l.Weekday()] {
		if s.From <= m && m < s.To {
			return true
		}
	}
	return false
}

// Next returns the next moment at or after t when the office is open (t
// itself when open now); the zero time when it does not open within 366
// days, which only holidays covering every working day can cause. A later
// moment is in the office's Location, ready to show.
func (h OfficeHours) Next(t time.Time) time.Time {
	if h.Open(t) {
		return t
	}
	loc := h.loc()
	l := t.In(loc)
	for i := range 367 {
		// The calendar date, computed in UTC where every day has 24 hours.
		d := time.Date(l.Year(), l.Month(), l.Day()+i, 0, 0, 0, 0, time.UTC)
		if h.closed(d) || len(h.Week[d.Weekday()]) == 0 {
			continue
		}
		if at, ok := h.firstOn(d, t); ok {
			return at.In(loc)
		}
	}
	return time.Time{}
}

// Within is how long the office is open from a to b (zero when b is not
// after a): how long a family waited for an answer, counted within office
// hours. Always open counts all of it. Each local date's spans are its
// wall-clock times, so a day the clocks change has its hours as the clock
// shows them.
func (h OfficeHours) Within(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if h.Always() {
		return b.Sub(a)
	}
	loc := h.loc()
	l := a.In(loc)
	var open time.Duration
	// The calendar dates, computed in UTC where every day has 24 hours.
	for d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC); ; d = d.AddDate(0, 0, 1) {
		if !time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).Before(b) {
			return open
		}
		if h.closed(d) {
			continue
		}
		for _, s := range h.Week[d.Weekday()] {
			from := time.Date(d.Year(), d.Month(), d.Day(), 0, s.From, 0, 0, loc)
			to := time.Date(d.Year(), d.Month(), d.Day(), 0, s.To, 0, 0, loc)
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if to.After(from) {
				open += to.Sub(from)
			}
		}
	}
}

// firstOn returns the earliest open moment not before t on the local date
// d (given as UTC midnight). The wall clock moves evenly only between
// changes of the UTC offset, so the day is walked offset by offset: within
// one, the wall time From is a single instant. This is what makes a span
// starting in the skipped hour of March open when the clocks jump, and a
// span in the repeated hour of October open on its second pass.
func (h OfficeHours) firstOn(d, t time.Time) (time.Time, bool) {
	loc := h.loc()
	start := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
	var best time.Time
	for seg := start; seg.Before(end); {
		_, offset := seg.Zone()
		segEnd := end
		if _, zoneEnd := seg.ZoneBounds(); !zoneEnd.IsZero() && zoneEnd.Before(end) {
			segEnd = zoneEnd
		}
		for _, s := range h.Week[d.Weekday()] {
			at := d.Add(time.Duration(s.From)*time.Minute - time.Duration(offset)*time.Second)
			if at.Before(seg) {
				at = seg
			}
			if at.Before(t) {
				at = t
			}
			if at.Before(segEnd) && h.Open(at) && (best.IsZero() || at.Before(best)) {
				best = at
			}
		}
		seg = segEnd
	}
	return best, !best.IsZero()
}
