// Package ical writes iCalendar files (RFC 5545): the .ics a family gets
// with a sign-up confirmation, so the session lands in the phone's own
// calendar with a reminder.
//
// It owns the text format only: content lines, folding, TEXT escaping, date
// and time values and the Europe/Helsinki time zone. It knows nothing of
// Polku's domain (the caller fills an Event) and imports only the standard
// library.
package ical

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one VEVENT.
type Event struct {
	// UID identifies the event for good: the same UID updates the event
	// already in a calendar instead of adding a second one.
	UID         string
	Start, End  time.Time // End zero: no DTEND
	Summary     string
	Description string
	Location    string
	URL         string
	// Status is "CONFIRMED", "TENTATIVE", "CANCELLED" or empty (none
	// written).
	Status string
	// Created is the DTSTAMP: when this version of the event was made.
	Created time.Time
	// Alarm > 0 adds a reminder that long before the start; 0 none.
	Alarm time.Duration
}

// prodID is the calendar's PRODID.
const prodID = "-//Polku//Polku//FI"

// maxLine is the longest content line in octets, CRLF excluded.
const maxLine = 75

const (
	localFormat = "20060102T150405"
	utcFormat   = "20060102T150405Z"
)

// helsinkiZone is the VTIMEZONE of Europe/Helsinki: EET, with EEST from the
// last Sunday of March 03:00 to the last Sunday of October 04:00 local
// (01:00 UTC both, the EU rule). 1970 is the customary epoch of
// rule-based definitions; the rule is right for every date Polku writes.
var helsinkiZone = []string{
	"BEGIN:VTIMEZONE",
	"TZID:Europe/Helsinki",
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:+0200",
	"TZOFFSETTO:+0300",
	"TZNAME:EEST",
	"DTSTART:19700329T030000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:+0300",
	"TZOFFSETTO:+0200",
	"TZNAME:EET",
	"DTSTART:19701025T040000",
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
}

// Write writes one VCALENDAR holding events. Times are written in local
// time with a VTIMEZONE when loc is Europe/Helsinki, in UTC otherwise;
// DTSTAMP is always UTC. Nothing is written when an event is invalid.
func Write(w io.Writer, loc *time.Location, events ...Event) error {
	for i, e := range events {
		if err := e.validate(); err != nil {
			return fmt.Errorf("ical: event %d: %w", i, err)
		}
	}
	zone := loc != nil && loc.String() == "Europe/Helsinki"
	var b bytes.Buffer
	line := func(name, value string) { fold(&b, name+":"+value) }
	when := func(name string, t time.Time) {
		if zone {
			line(name+";TZID=Europe/Helsinki", t.In(loc).Format(localFormat))
		} else {
			line(name, t.UTC().Format(utcFormat))
		}
	}

	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", prodID)
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if zone {
		for _, l := range helsinkiZone {
			fold(&b, l)
		}
	}
	for _, e := range events {
		line("BEGIN", "VEVENT")
		line("UID", text(e.UID))
		line("DTSTAMP", e.Created.UTC().Format(utcFormat))
		when("DTSTART", e.Start)
		if !e.End.IsZero() {
			when("DTEND", e.End)
		}
		line("SUMMARY", text(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", text(e.Description))
		}
		if e.Location != "" {
			line("LOCATION", text(e.Location))
		}
		if e.URL != "" {
			line("URL", e.URL)
		}
		if e.Status != "" {
			line("STATUS", e.Status)
		}
		if e.Alarm > 0 {
			line("BEGIN", "VALARM")
			line("ACTION", "DISPLAY")
			line("DESCRIPTION", text(e.Summary))
			line("TRIGGER", "-"+duration(e.Alarm))
			line("END", "VALARM")
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	_, err := w.Write(b.Bytes())
	return err
}

func (e Event) validate() error {
	switch {
	case strings.TrimSpace(e.UID) == "":
		return errors.New("no UID")
	case e.Start.IsZero():
		return errors.New("no start")
	case !e.End.IsZero() && e.End.Before(e.Start):
		return errors.New("ends before it starts")
	case e.Created.IsZero():
		return errors.New("no DTSTAMP (Created)")
	case strings.TrimSpace(e.Summary) == "":
		return errors.New("no summary")
	case e.Alarm < 0:
		return errors.New("negative alarm")
	case strings.ContainsFunc(e.URL, func(r rune) bool { return r < ' ' || r == 0x7f || r == ' ' }):
		return errors.New("URL with spaces or control characters")
	}
	switch e.Status {
	case "", "CONFIRMED", "TENTATIVE", "CANCELLED":
		return nil
	}
	return fmt.Errorf("status %q", e.Status)
}

// text escapes s as an RFC 5545 TEXT value: backslash, semicolon and comma
// get a backslash, any line break becomes \n, and other control characters
// (which TEXT cannot hold) are dropped.
func text(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteByte(c)
		default:
			if c < ' ' || c == 0x7f {
				continue
			}
			b.WriteByte(c)
		}
	}
	return strings.ToValidUTF8(b.String(), "\uFFFD")
}

// fold writes one content line ending in CRLF, folded so that no line is
// longer than 75 octets: each continuation line starts with a space, and
// no UTF-8 sequence is split.
func fold(b *bytes.Buffer, l string) {
	limit := maxLine
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		b.WriteString(l[:cut])
		b.WriteString("\r\n ")
		l = l[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	b.WriteString(l)
	b.WriteString("\r\n")
}

// duration formats d as an RFC 5545 dur-time ("PT1H30M"), to the second.
func duration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	out := "PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dM", m)
	}
	if s > 0 || h == 0 && m == 0 {
		out += fmt.Sprintf("%dS", s)
	}
	return out
}
