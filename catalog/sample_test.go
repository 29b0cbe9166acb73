package catalog

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"
)

func TestSample(t *testing.T) {
	// Around both changes of summer time, a leap day and a year's end.
	nows := []time.Time{
		at(2026, 11, 22, 12, 0),
		at(2027, 3, 10, 23, 59),
		at(2027, 10, 1, 0, 0),
		at(2027, 12, 31, 20, 0),
		at(2028, 2, 28, 8, 0),
	}
	for _, now := range nows {
		acts := Sample(now, helsinki)
		if len(acts) < 40 {
			t.Fatalf("%d activities, want at least 40", len(acts))
		}
		if again := Sample(now, helsinki); !reflect.DeepEqual(acts, again) {
			t.Error("two samples for the same now differ")
		}
		cats := map[polku.Category]bool{}
		audiences := map[polku.Audience]bool{}
		prices := map[polku.PriceKind]bool{}
		towns := map[string]int{}
		langs := map[string]bool{}
		access := map[polku.Access]bool{}
		ages := map[polku.AgeBand]bool{}
		var small, cancelledSession, cancelledActivity, closingSoon, weekly, once, coords int
		seen := map[[2]string]bool{}
		for _, a := range acts {
			if ps := Validate(a); ps != nil {
				t.Errorf("%s: %v", a.ExternalID, Problems(ps))
			}
			key := [2]string{a.Organiser, a.ExternalID}
			if seen[key] {
				t.Errorf("%s twice", a.ExternalID)
			}
			seen[key] = true
			if !strings.Contains(a.Organiser, "kuvitteellinen") {
				t.Errorf("%s: organiser %q does not say it is fictional", a.ExternalID, a.Organiser)
			}
			if !strings.Contains(a.Contact, "example.") && !strings.HasPrefix(a.Contact, "040 000") {
				t.Errorf("%s: contact %q is not an example", a.ExternalID, a.Contact)
			}
			if !strings.HasPrefix(a.InfoURL, "https://example.") {
				t.Errorf("%s: info URL %q is not an example", a.ExternalID, a.InfoURL)
			}
			if !strings.HasPrefix(a.Place.Address, "Esimerkki") {
				t.Errorf("%s: address %q is not fictional", a.ExternalID, a.Place.Address)
			}
			for _, lang := range mainLanguages {
				if a.Title[lang] == "" || a.Description[lang] == "" {
					t.Errorf("%s: no title or description in %s", a.ExternalID, lang)
				}
			}
			for _, c := range a.Categories {
				cats[c] = true
			}
			audiences[a.Audience] = true
			prices[a.Price.Kind] = true
			if a.Price.Kind == polku.PriceCard && a.Price.Cents == 0 {
				t.Errorf("%s: card price without the price without card", a.ExternalID)
			}
			towns[a.Municipality]++
			for _, l := range a.Languages {
				langs[l] = true
			}
			for _, x := range a.Access {
				access[x] = true
			}
			for _, b := range polku.AgeBands {
				var lo, hi int
				switch b {
				case polku.Age0to2:
					lo, hi = 0, 2
				case polku.Age3to6:
					lo, hi = 3, 6
				case polku.Age7to12:
					lo, hi = 7, 12
				case polku.Age13to17:
					lo, hi = 13, 17
				}
				if a.AgeMin <= hi && a.AgeMax >= lo {
					ages[b] = true
				}
			}
			if a.Place.Coords != nil {
				coords++
				c := *a.Place.Coords
				if a.Municipality == "Kuusamo" && (c.Lat < 65.8 || c.Lat > 66.2 || c.Lon < 28.9 || c.Lon > 29.5) ||
					a.Municipality == "Kalajoki" && (c.Lat < 64.1 || c.Lat > 64.4 || c.Lon < 23.7 || c.Lon > 24.2) {
					t.Errorf("%s: %v is not in %s", a.ExternalID, c, a.Municipality)
				}
			}
			if a.Status == polku.StatusCancelled {
				cancelledActivity++
			}
			switch n := len(a.Sessions); {
			case n == 1:
				once++
			case n >= 6:
				weekly++
			}
			if a.Sessions[0].Capacity <= 6 {
				small++
			}
			for i, s := range a.Sessions {
				if !s.Start.After(now) {
					t.Errorf("%s: session %s at %v is not after %v", a.ExternalID, s.ExternalID, s.Start, now)
				}
				if s.Start.After(now.AddDate(0, 3, 7)) {
					t.Errorf("%s: session %s at %v is over three months away", a.ExternalID, s.ExternalID, s.Start)
				}
				if i > 0 && s.Start.In(helsinki).Hour() != a.Sessions[0].Start.In(helsinki).Hour() {
					t.Errorf("%s: session %d moved with summer time", a.ExternalID, i)
				}
				if s.Status == polku.StatusCancelled && a.Status == polku.StatusScheduled {
					cancelledSession++
				}
				if !s.EnrolUntil.IsZero() && s.EnrolUntil.Sub(now) < 4*24*time.Hour && s.Open(now) {
					closingSoon++
				}
			}
		}
		for _, c := range polku.Categories {
			if !cats[c] {
				t.Errorf("no activity of category %s", c)
			}
		}
		for _, a := range polku.Audiences {
			if !audiences[a] {
				t.Errorf("no activity for %s", a)
			}
		}
		for _, p := range []polku.PriceKind{polku.PriceFree, polku.PriceCard, polku.PricePaid} {
			if !prices[p] {
				t.Errorf("no activity priced %s", p)
			}
		}
		for _, x := range polku.Accesses {
			if !access[x] {
				t.Errorf("no activity with %s", x)
			}
		}
		for _, b := range polku.AgeBands {
			if !ages[b] {
				t.Errorf("no activity for ages %s", b)
			}
		}
		for _, l := range mainLanguages {
			if !langs[l] {
				t.Errorf("no activity in %s", l)
			}
		}
		if towns["Kuusamo"] < 15 || towns["Kalajoki"] < 15 || len(towns) != 2 {
			t.Errorf("towns %v", towns)
		}
		if !slices.ContainsFunc(acts, func(a polku.Activity) bool { return len(a.Languages) > 1 }) {
			t.Error("no bilingual activity")
		}
		if small < 3 || cancelledSession != 1 || cancelledActivity != 1 || closingSoon == 0 || weekly < 10 || once < 3 || coords < 10 {
			t.Errorf("small %d, cancelled sessions %d, cancelled activities %d, closing soon %d, weekly %d, once %d, with coordinates %d",
				small, cancelledSession, cancelledActivity, closingSoon, weekly, once, coords)
		}
	}
}

// Editing what Sample returned must not change the next sample.
func TestSampleCopies(t *testing.T) {
	now := at(2026, 11, 22, 12, 0)
	a := Sample(now, helsinki)
	a[0].Title["fi"] = "muutettu"
	a[0].Categories[0] = polku.CategoryAnimals
	a[0].Languages[0] = "xx"
	a[0].Place.Coords.Lat = 0
	if !reflect.DeepEqual(Sample(now, helsinki)[0], Sample(now, helsinki)[0]) || Sample(now, helsinki)[0].Title["fi"] == "muutettu" {
		t.Error("Sample shares its data between calls")
	}
	if Sample(now, helsinki)[0].Place.Coords.Lat == 0 || Sample(now, helsinki)[0].Languages[0] == "xx" {
		t.Error("Sample shares its data between calls")
	}
}
