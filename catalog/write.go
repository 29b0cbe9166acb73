package catalog

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"polku"
)

// WriteCSV writes activities as the catalogue CSV that ReadCSV reads back:
// one row per session with its session_id, times local in loc (nil means
// UTC). It writes what Finnish and Swedish Excel open as they are: a UTF-8
// byte order mark, semicolons and decimal commas.
//
// A text cell that would start a spreadsheet formula (= + - @, a tab, a
// carriage return or a line feed) is written with a leading apostrophe,
// which ReadCSV drops, so that a title from someone else's feed cannot
// run in a coordinator's spreadsheet.
func WriteCSV(w io.Writer, acts []polku.Activity, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	titles, descs := slices.Clone(mainLanguages), slices.Clone(mainLanguages)
	for _, a := range acts {
		titles = addLanguages(titles, a.Title)
		descs = addLanguages(descs, a.Description)
	}
	header := []string{"organiser", "id", "session_id"}
	for _, l := range titles {
		header = append(header, "title_"+l)
	}
	for _, l := range descs {
		header = append(header, "description_"+l)
	}
	header = append(header, "categories", "audience", "age_min", "age_max", "municipality", "neighbours", "place",
		"address", "lat", "lon", "price", "price_without_card", "access", "languages",
		"date", "start", "end", "repeat_until", "capacity", "status", "enrol_from", "enrol_until",
		"contact", "info_url")

	if _, err := w.Write(bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, a := range acts {
		if len(a.Sessions) == 0 {
			return polku.Errorf(polku.EINVALID, "activity %s of %s has no sessions: a CSV row is a session", a.ExternalID, a.Organiser)
		}
		for _, s := range a.Sessions {
			row := []string{guard(a.Organiser), guard(a.ExternalID), guard(s.ExternalID)}
			for _, l := range titles {
				row = append(row, guard(a.Title[l]))
			}
			for _, l := range descs {
				row = append(row, guard(a.Description[l]))
			}
			lat, lon := "", ""
			if c := a.Place.Coords; c != nil {
				lat, lon = decimal(c.Lat), decimal(c.Lon)
			}
			price, without := priceCells(a.Price)
			status := s.Status
			if a.Status != polku.StatusScheduled {
				status = a.Status // the CSV has one status, and a cancelled activity cancels every session
			}
			start, end := s.Start.In(loc), s.End.In(loc)
			endCell := clock(end)
			if end.Year() != start.Year() || end.YearDay() != start.YearDay() {
				endCell = end.Format(time.DateOnly) + " " + endCell
			}
			row = append(row,
				joinList(a.Categories), string(a.Audience), strconv.Itoa(a.AgeMin), strconv.Itoa(a.AgeMax),
				guard(a.Municipality), guard(strings.Join(a.Neighbours, ", ")), guard(a.Place.Name), guard(a.Place.Address), lat, lon, price, without,
				joinList(a.Access), strings.Join(a.Languages, ", "),
				start.Format(time.DateOnly), clock(start), endCell, "", strconv.Itoa(s.Capacity), string(status),
				dateTime(s.EnrolFrom, loc), dateTime(s.EnrolUntil, loc),
				guard(a.Contact), guard(a.InfoURL))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func addLanguages(langs []string, l polku.Localized) []string {
	for _, k := range sortedKeys(l) {
		if !slices.Contains(langs, k) {
			langs = append(langs, k)
		}
	}
	return langs
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula: = + - @, and the tab and carriage return (OWASP's
// CSV injection list) and line feed that some spreadsheets skip before
// one.
const formulaStart = "=+-@\t\r\n"

func guard(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// unguard undoes guard on a cell read back.
func unguard(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}

func decimal(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

func priceCells(p polku.Price) (price, without string) {
	switch p.Kind {
	case polku.PriceFree:
		return "free", ""
	case polku.PriceCard:
		if p.Cents > 0 {
			return "card", formatCents(p.Cents)
		}
		return "card", ""
	}
	if p.Cents > 0 {
		return formatCents(p.Cents), ""
	}
	return "paid", "" // an amount not told
}

func clock(t time.Time) string {
	if t.Second() != 0 {
		return t.Format("15:04:05")
	}
	return t.Format("15:04")
}

func dateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(loc)
	return t.Format(time.DateOnly) + " " + clock(t)
}

func joinList[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
