package catalog

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"polku"
)

// Validate reports what makes a the kind of activity Polku cannot offer to
// a family: nil when there is nothing. Problems have Line 0, and Column
// names the CSV column the value comes from (see docs/catalogue.md), so
// that every importer speaks of a problem in the same words; a session's
// problem says which session in Detail.
func Validate(a polku.Activity) []Problem {
	ps := validateActivity(a)
	if len(a.Sessions) == 0 {
		ps = append(ps, Problem{Column: "date", Code: CodeRequired, Detail: "no sessions"})
	}
	seen := make(map[string]bool, len(a.Sessions))
	for _, s := range a.Sessions {
		for _, p := range validateSession(s) {
			p.Detail = "session " + clip(s.ExternalID) + ": " + p.Detail
			ps = append(ps, p)
		}
		if seen[s.ExternalID] {
			ps = append(ps, Problem{Column: "session_id", Code: CodeConflict, Detail: "session " + clip(s.ExternalID) + " twice"})
		}
		seen[s.ExternalID] = true
	}
	return ps
}

// validateActivity checks what belongs to the activity as a whole.
func validateActivity(a polku.Activity) []Problem {
	var ps []Problem
	add := func(col, code, format string, args ...any) {
		ps = append(ps, Problem{Column: col, Code: code, Detail: fmt.Sprintf(format, args...)})
	}
	text := func(col, s string, required bool, limit int) {
		switch {
		case s == "" && required:
			add(col, CodeRequired, "%s missing", col)
		case utf8.RuneCountInString(s) > limit:
			add(col, CodeTooLong, "over %d characters", limit)
		}
	}
	text("organiser", a.Organiser, true, MaxText)
	text("id", a.ExternalID, true, MaxText)

	titled := false
	for _, lang := range sortedKeys(a.Title) {
		col := "title_" + lang
		if !validLanguage(lang) {
			add(col, CodeBadLanguage, "title language %s", clip(lang))
		}
		if a.Title[lang] != "" {
			titled = true
		}
		text(col, a.Title[lang], false, MaxTitle)
	}
	if !titled {
		add("title_fi", CodeRequired, "no title in any language")
	}
	for _, lang := range sortedKeys(a.Description) {
		col := "description_" + lang
		if !validLanguage(lang) {
			add(col, CodeBadLanguage, "description language %s", clip(lang))
		}
		text(col, a.Description[lang], false, MaxDescription)
	}

	if len(a.Categories) == 0 {
		add("categories", CodeRequired, "no category")
	}
	for _, c := range a.Categories {
		if !slices.Contains(polku.Categories, c) {
			add("categories", CodeUnknownCategory, "category %s", clip(string(c)))
		}
	}
	text("municipality", a.Municipality, true, MaxText)
	for _, n := range a.Neighbours {
		text("neighbours", n, true, MaxText)
	}
	text("place", a.Place.Name, true, MaxText)
	text("address", a.Place.Address, false, MaxText)
	if c := a.Place.Coords; c != nil && !validCoords(*c) {
		// %g, since %f makes a long detail of a huge number.
		add("lat", CodeBadCoords, "%.6g, %.6g is not a place on Earth", c.Lat, c.Lon)
	}

	switch {
	case a.AgeMin < 0 || a.AgeMin > polku.MaxAge:
		add("age_min", CodeBadAges, "age_min %d outside 0..%d", a.AgeMin, polku.MaxAge)
	case a.AgeMax < 0 || a.AgeMax > polku.MaxAge:
		add("age_max", CodeBadAges, "age_max %d outside 0..%d", a.AgeMax, polku.MaxAge)
	case a.AgeMin > a.AgeMax:
		add("age_max", CodeBadAges, "age_max %d below age_min %d", a.AgeMax, a.AgeMin)
	}
	if !slices.Contains(polku.Audiences, a.Audience) {
		add("audience", CodeUnknownAudience, "audience %s", clip(string(a.Audience)))
	}
	switch {
	case a.Price.Cents < 0:
		add("price", CodeBadPrice, "negative price")
	case a.Price.Kind == polku.PriceFree && a.Price.Cents != 0:
		add("price", CodeBadPrice, "free with an amount")
	case a.Price.Kind != polku.PriceFree && a.Price.Kind != polku.PriceCard && a.Price.Kind != polku.PricePaid:
		add("price", CodeBadPrice, "price kind %s", clip(string(a.Price.Kind)))
	}
	for _, x := range a.Access {
		if !slices.Contains(polku.Accesses, x) {
			add("access", CodeUnknownAccess, "feature %s", clip(string(x)))
		}
	}
	for _, l := range a.Languages {
		if !validLanguage(l) {
			add("languages", CodeBadLanguage, "language %s", clip(l))
		}
	}
	if !validStatus(a.Status) {
		add("status", CodeUnknownStatus, "status %s", clip(string(a.Status)))
	}
	text("contact", a.Contact, false, MaxText)
	text("info_url", a.InfoURL, false, MaxText)
	return ps
}

// validateSession checks one session on its own; duplicates are the
// caller's to find.
func validateSession(s polku.Session) []Problem {
	var ps []Problem
	add := func(col, code, detail string) {
		ps = append(ps, Problem{Column: col, Code: code, Detail: detail})
	}
	if s.ExternalID == "" {
		add("session_id", CodeRequired, "session without an ID")
	} else if utf8.RuneCountInString(s.ExternalID) > MaxText {
		add("session_id", CodeTooLong, fmt.Sprintf("over %d characters", MaxText))
	}
	if s.Start.IsZero() {
		add("date", CodeRequired, "session without a start")
	} else if !s.End.After(s.Start) {
		add("end", CodeEndBeforeStart, "the session ends before it starts")
	}
	if s.Capacity <= 0 {
		ps = append(ps, Problem{Column: "capacity", Code: CodeBadNumber,
			Detail: fmt.Sprintf("capacity %d: at least one seat", s.Capacity), Value: strconv.Itoa(s.Capacity)})
	}
	if !s.EnrolFrom.IsZero() && !s.EnrolUntil.IsZero() && !s.EnrolUntil.After(s.EnrolFrom) {
		add("enrol_until", CodeEndBeforeStart, "enrolment closes before it opens")
	}
	// Enrolment that opens only when the session has started would never
	// let anyone in; one that closes after the start is harmless (a
	// session that has started takes nobody) and common in spreadsheets.
	if !s.EnrolFrom.IsZero() && !s.Start.IsZero() && !s.EnrolFrom.Before(s.Start) {
		add("enrol_from", CodeBadDate, "enrolment opens after the session starts")
	}
	if !validStatus(s.Status) {
		add("status", CodeUnknownStatus, "status "+clip(string(s.Status)))
	}
	return ps
}

func validStatus(s polku.Status) bool {
	return s == polku.StatusScheduled || s == polku.StatusCancelled || s == polku.StatusPostponed
}

func validCoords(c polku.Coords) bool {
	if math.IsNaN(c.Lat) || math.IsNaN(c.Lon) {
		return false
	}
	// 0,0 is in the Gulf of Guinea: in a Finnish catalogue it is a
	// spreadsheet's empty cell, not a place.
	return c.Lat >= -90 && c.Lat <= 90 && c.Lon >= -180 && c.Lon <= 180 && (c.Lat != 0 || c.Lon != 0)
}

// validLanguage reports whether l is a BCP 47 base language code as
// Polku keeps them: two or three lower-case letters.
func validLanguage(l string) bool {
	if len(l) < 2 || len(l) > 3 {
		return false
	}
	for _, r := range l {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func sortedKeys(l polku.Localized) []string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
