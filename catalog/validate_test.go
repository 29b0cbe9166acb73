package catalog

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"polku"
)

func TestValidate(t *testing.T) {
	base := func() polku.Activity {
		return Sample(at(2026, 11, 22, 12, 0), helsinki)[0]
	}
	type want struct{ Column, Code string }
	tests := []struct {
		name   string
		change func(a *polku.Activity)
		want   []want
	}{
		{"valid", func(a *polku.Activity) {}, nil},
		{"no organiser", func(a *polku.Activity) { a.Organiser = "" }, []want{{"organiser", CodeRequired}}},
		{"no id", func(a *polku.Activity) { a.ExternalID = "" }, []want{{"id", CodeRequired}}},
		{"no title", func(a *polku.Activity) { a.Title = polku.Localized{"fi": ""} }, []want{{"title_fi", CodeRequired}}},
		{"title in a bad language", func(a *polku.Activity) { a.Title["Suomi"] = "x" }, []want{{"title_Suomi", CodeBadLanguage}}},
		{"long title", func(a *polku.Activity) { a.Title["en"] = strings.Repeat("é", MaxTitle+1) }, []want{{"title_en", CodeTooLong}}},
		{"long description", func(a *polku.Activity) { a.Description["uk"] = strings.Repeat("ї", MaxDescription+1) },
			[]want{{"description_uk", CodeTooLong}}},
		{"no category", func(a *polku.Activity) { a.Categories = nil }, []want{{"categories", CodeRequired}}},
		{"unknown category", func(a *polku.Activity) { a.Categories = append(a.Categories, "food") }, []want{{"categories", CodeUnknownCategory}}},
		{"no municipality", func(a *polku.Activity) { a.Municipality = "" }, []want{{"municipality", CodeRequired}}},
		{"no place", func(a *polku.Activity) { a.Place.Name = "" }, []want{{"place", CodeRequired}}},
		{"NaN coordinates", func(a *polku.Activity) { a.Place.Coords = &polku.Coords{Lat: math.NaN(), Lon: 29} }, []want{{"lat", CodeBadCoords}}},
		{"null island", func(a *polku.Activity) { a.Place.Coords = &polku.Coords{} }, []want{{"lat", CodeBadCoords}}},
		{"lon out of range", func(a *polku.Activity) { a.Place.Coords = &polku.Coords{Lat: 66, Lon: 200} }, []want{{"lat", CodeBadCoords}}},
		{"negative age", func(a *polku.Activity) { a.AgeMin = -1 }, []want{{"age_min", CodeBadAges}}},
		{"adult", func(a *polku.Activity) { a.AgeMax = 18 }, []want{{"age_max", CodeBadAges}}},
		{"ages reversed", func(a *polku.Activity) { a.AgeMin, a.AgeMax = 5, 2 }, []want{{"age_max", CodeBadAges}}},
		{"no audience", func(a *polku.Activity) { a.Audience = "" }, []want{{"audience", CodeUnknownAudience}}},
		{"free with cents", func(a *polku.Activity) { a.Price = polku.Price{Kind: polku.PriceFree, Cents: 5} }, []want{{"price", CodeBadPrice}}},
		{"negative price", func(a *polku.Activity) { a.Price = polku.Price{Kind: polku.PricePaid, Cents: -5} }, []want{{"price", CodeBadPrice}}},
		{"no price kind", func(a *polku.Activity) { a.Price = polku.Price{} }, []want{{"price", CodeBadPrice}}},
		{"unknown access", func(a *polku.Activity) { a.Access = []polku.Access{"lift"} }, []want{{"access", CodeUnknownAccess}}},
		{"bad language", func(a *polku.Activity) { a.Languages = []string{"fi-FI"} }, []want{{"languages", CodeBadLanguage}}},
		{"no status", func(a *polku.Activity) { a.Status = "" }, []want{{"status", CodeUnknownStatus}}},
		{"long contact", func(a *polku.Activity) { a.Contact = strings.Repeat("x", MaxText+1) }, []want{{"contact", CodeTooLong}}},
		{"no sessions", func(a *polku.Activity) { a.Sessions = nil }, []want{{"date", CodeRequired}}},
		{"session without id", func(a *polku.Activity) { a.Sessions[1].ExternalID = "" }, []want{{"session_id", CodeRequired}}},
		{"session twice", func(a *polku.Activity) { a.Sessions[1].ExternalID = a.Sessions[0].ExternalID }, []want{{"session_id", CodeConflict}}},
		{"no start", func(a *polku.Activity) { a.Sessions[0].Start = time.Time{} }, []want{{"date", CodeRequired}}},
		{"ends at start", func(a *polku.Activity) { a.Sessions[0].End = a.Sessions[0].Start }, []want{{"end", CodeEndBeforeStart}}},
		{"no seats", func(a *polku.Activity) { a.Sessions[2].Capacity = 0 }, []want{{"capacity", CodeBadNumber}}},
		{"enrolment backwards", func(a *polku.Activity) {
			s := &a.Sessions[0]
			s.EnrolFrom, s.EnrolUntil = s.Start.Add(-time.Hour), s.Start.Add(-2*time.Hour)
		}, []want{{"enrol_until", CodeEndBeforeStart}}},
		{"enrolment opens too late", func(a *polku.Activity) { a.Sessions[0].EnrolFrom = a.Sessions[0].Start }, []want{{"enrol_from", CodeBadDate}}},
		{"session status", func(a *polku.Activity) { a.Sessions[0].Status = "maybe" }, []want{{"status", CodeUnknownStatus}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := base()
			tt.change(&a)
			var got []want
			for _, p := range Validate(a) {
				if p.Line != 0 || p.Detail == "" {
					t.Errorf("problem %+v", p)
				}
				got = append(got, want{p.Column, p.Code})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// Every code the package can report has a place in Codes (and so a text
// in the locales); the code strings are what the bot's keys are made of.
func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Codes {
		if seen[c] || c == "" || strings.ToLower(c) != c || strings.ContainsAny(c, " .") {
			t.Errorf("code %q", c)
		}
		seen[c] = true
	}
	if len(Codes) != 26 {
		t.Errorf("%d codes, want the 26 the locales carry", len(Codes))
	}
}
