package catalog

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"polku"
)

// The words a coordinator may write for a code, in English, Finnish and
// Swedish. Keys are lower case; lists are split on spaces, so every word
// here is one word.
var (
	categoryWords = map[string]polku.Category{
		"nature": polku.CategoryNature, "luonto": polku.CategoryNature, "natur": polku.CategoryNature,
		"art": polku.CategoryArt, "taide": polku.CategoryArt, "konst": polku.CategoryArt,
		"music": polku.CategoryMusic, "musiikki": polku.CategoryMusic, "musik": polku.CategoryMusic,
		"crafts": polku.CategoryCrafts, "craft": polku.CategoryCrafts, "käsityö": polku.CategoryCrafts,
		"käsityöt": polku.CategoryCrafts, "hantverk": polku.CategoryCrafts,
		"culture": polku.CategoryCulture, "kulttuuri": polku.CategoryCulture, "historia": polku.CategoryCulture,
		"kultur": polku.CategoryCulture, "history": polku.CategoryCulture,
		"sport": polku.CategorySport, "liikunta": polku.CategorySport, "urheilu": polku.CategorySport,
		"idrott": polku.CategorySport, "motion": polku.CategorySport,
		"animals": polku.CategoryAnimals, "eläimet": polku.CategoryAnimals, "djur": polku.CategoryAnimals,
		"family": polku.CategoryFamily, "perhe": polku.CategoryFamily, "perheaika": polku.CategoryFamily,
		"familj": polku.CategoryFamily,
	}
	audienceWords = map[string]polku.Audience{
		"family": polku.AudienceFamily, "perhe": polku.AudienceFamily, "familj": polku.AudienceFamily,
		"children": polku.AudienceChildren, "lapset": polku.AudienceChildren, "barn": polku.AudienceChildren,
		"parents": polku.AudienceParents, "vanhemmat": polku.AudienceParents, "föräldrar": polku.AudienceParents,
	}
	accessWords = map[string]polku.Access{
		"step_free": polku.AccessStepFree, "esteetön": polku.AccessStepFree, "tillgänglig": polku.AccessStepFree,
		"hearing_loop": polku.AccessHearingLoop, "induktiosilmukka": polku.AccessHearingLoop, "hörslinga": polku.AccessHearingLoop,
		"sensory_friendly": polku.AccessSensory, "aistiystävällinen": polku.AccessSensory, "sinnesvänlig": polku.AccessSensory,
		"accessible_toilet": polku.AccessToilet, "inva_wc": polku.AccessToilet, "invawc": polku.AccessToilet,
		"inva_toalett": polku.AccessToilet,
	}
	statusWords = map[string]polku.Status{
		"scheduled": polku.StatusScheduled, "tulossa": polku.StatusScheduled, "planerad": polku.StatusScheduled,
		"cancelled": polku.StatusCancelled, "canceled": polku.StatusCancelled, "peruttu": polku.StatusCancelled,
		"inställd":  polku.StatusCancelled,
		"postponed": polku.StatusPostponed, "siirretty": polku.StatusPostponed, "uppskjuten": polku.StatusPostponed,
	}
	// languageNames are the Finnish names of the four languages of the
	// bot; any other language is written as its code.
	languageNames = map[string]string{"suomi": "fi", "ruotsi": "sv", "englanti": "en", "ukraina": "uk"}
)

// word normalizes one list item or cell for a vocabulary look-up: lower
// case, and "-" the same as "_" (step-free, inva-wc).
func word(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
}

// splitList splits a cell holding a list. Spreadsheets quote cells with
// commas, so any of , ; | and spaces separates.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '|' || unicode.IsSpace(r)
	})
}

// language normalizes a language code or a Finnish language name to the
// BCP 47 base code Polku keeps ("fi-FI" and "zh_hans" keep the base).
func language(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if code, ok := languageNames[s]; ok {
		return code
	}
	if i := strings.IndexAny(s, "-_"); i > 0 {
		s = s[:i]
	}
	return s
}

// parseDate reads a calendar date as Finnish and Swedish spreadsheets
// write it: 2026-12-03, 3.12.2026 or 03.12.2026.
func parseDate(s string) (y int, m time.Month, d int, ok bool) {
	var parts []string
	switch {
	case strings.Count(s, "-") == 2:
		parts = strings.Split(s, "-")
	case strings.Count(s, ".") == 2:
		p := strings.Split(s, ".")
		parts = []string{p[2], p[1], p[0]}
	default:
		return 0, 0, 0, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || p == "" || len(p) > 4 {
			return 0, 0, 0, false
		}
		n[i] = v
	}
	// Two-digit years are ambiguous enough to refuse.
	if len(parts[0]) != 4 {
		return 0, 0, 0, false
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if t.Year() != n[0] || t.Month() != time.Month(n[1]) || t.Day() != n[2] {
		return 0, 0, 0, false // 31.2. and the like
	}
	return n[0], time.Month(n[1]), n[2], true
}

// parseClock reads a time of day: 17:00, 17.00, 17, 9:30 or 17:00:30.
func parseClock(s string) (h, m, sec int, ok bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '.' })
	if len(parts) == 0 || len(parts) > 3 || strings.HasSuffix(s, ":") {
		return 0, 0, 0, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || len(p) > 2 || (i > 0 && len(p) != 2) || v < 0 {
			return 0, 0, 0, false
		}
		n[i] = v
	}
	if n[0] > 23 || n[1] > 59 || n[2] > 59 {
		return 0, 0, 0, false
	}
	return n[0], n[1], n[2], true
}

// parseDateTime reads a date with an optional time ("2026-12-03 17:00",
// "3.12.2026 17.00", "2026-12-03T17:00"), local in loc. dateOnly says the
// time was left out: the caller decides what a bare date means.
func parseDateTime(s string, loc *time.Location) (t time.Time, dateOnly, ok bool) {
	ds, cs, hasClock := strings.Cut(strings.TrimSpace(s), "T")
	if !hasClock {
		ds, cs, hasClock = strings.Cut(s, " ")
	}
	y, m, d, ok := parseDate(strings.TrimSpace(ds))
	if !ok {
		return time.Time{}, false, false
	}
	if !hasClock || strings.TrimSpace(cs) == "" {
		return time.Date(y, m, d, 0, 0, 0, 0, loc), true, true
	}
	h, mi, sec, ok := parseClock(strings.TrimSpace(cs))
	if !ok {
		return time.Time{}, false, false
	}
	return time.Date(y, m, d, h, mi, sec, 0, loc), false, true
}

// parseDecimal reads a number with a decimal point or comma.
func parseDecimal(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// parseCents reads an amount of euros: 5, 5,5, 5,50, 5.50 €, €5, 5 e,
// 5,-, 1 200,00 euroa. It returns cents.
func parseCents(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, unit := range []string{"euroa", "euro", "eur", "€", "e"} {
		if t, ok := strings.CutSuffix(s, unit); ok {
			s = t
			break
		}
	}
	s = strings.TrimPrefix(strings.TrimSpace(s), "€")
	// "5,-" is how a Finnish price list writes whole euros.
	s = strings.TrimSuffix(strings.TrimSuffix(s, ",-"), ".-")
	// Thousands may be grouped with spaces, also non-breaking ones.
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	whole, frac, _ := strings.Cut(strings.ReplaceAll(s, ",", "."), ".")
	if whole == "" || len(whole) > 7 || len(frac) > 2 || strings.ContainsAny(frac, ".") {
		return 0, false
	}
	if len(frac) == 1 {
		frac += "0"
	}
	if frac == "" {
		frac = "00"
	}
	e, err1 := strconv.Atoi(whole)
	c, err2 := strconv.Atoi(frac)
	if err1 != nil || err2 != nil || e < 0 || c < 0 || strings.ContainsAny(whole+frac, "+-") {
		return 0, false
	}
	return e*100 + c, true
}

// formatCents writes cents the Finnish way, 5,50.
func formatCents(c int) string {
	return strconv.Itoa(c/100) + "," + twoDigits(c%100)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
