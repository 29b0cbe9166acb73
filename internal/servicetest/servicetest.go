// Package servicetest is a made-up service for tests: 23 municipalities in
// three regions, as a joint service of northern Finland might have them.
// The municipalities' names are real; everything else (the groups, the
// hours, the grouping itself) is fictional. Only tests import it.
package servicetest

import "polku"

// regions are the service's regions with their municipalities, in order:
// Swedish names where the municipality has one.
var regions = []struct {
	id             string
	name           polku.Localized
	municipalities [][2]string // Finnish name, Swedish name ("" when the same)
}{
	{"oulu", polku.Localized{"fi": "Oulun seutu", "sv": "Uleåborgsregionen", "en": "Oulu region", "uk": "Регіон Оулу"},
		[][2]string{{"Oulu", "Uleåborg"}, {"Hailuoto", "Karlö"}, {"Ii", "Ijo"}, {"Kempele", ""}, {"Liminka", "Limingo"},
			{"Lumijoki", ""}, {"Muhos", ""}, {"Tyrnävä", ""}}},
	{"kainuu", polku.Localized{"fi": "Kainuu", "sv": "Kajanaland", "en": "Kainuu", "uk": "Кайнуу"},
		[][2]string{{"Kajaani", "Kajana"}, {"Hyrynsalmi", ""}, {"Kuhmo", ""}, {"Paltamo", ""}, {"Puolanka", ""},
			{"Ristijärvi", ""}, {"Sotkamo", ""}, {"Suomussalmi", ""}}},
	{"oulunkaari", polku.Localized{"fi": "Oulunkaari ja Koillismaa", "sv": "Oulunkaari och Koillismaa", "en": "Oulunkaari and Koillismaa", "uk": "Оулункаарі та Койллісмаа"},
		[][2]string{{"Kuusamo", ""}, {"Pudasjärvi", ""}, {"Posio", ""}, {"Taivalkoski", ""}, {"Utajärvi", ""},
			{"Vaala", ""}, {"Simo", ""}}},
}

// Regions is the service, every municipality's cases and those of
// "somewhere else" opening in the one coordinators' group.
func Regions(group int64) polku.Service {
	svc := polku.Service{
		Name:    polku.Localized{"fi": "Esimerkkipalvelu (kuvitteellinen)", "en": "Example service (fictional)"},
		Default: polku.Settings{Group: group, Languages: polku.Languages()},
	}
	for _, r := range regions {
		svc.Regions = append(svc.Regions, polku.Region{ID: r.id, Name: r.name})
		for _, m := range r.municipalities {
			name := polku.Localized{"fi": m[0]}
			if m[1] != "" {
				name["sv"] = m[1]
			}
			svc.Municipalities = append(svc.Municipalities, polku.Municipality{ID: m[0], Name: name, Region: r.id, Settings: svc.Default})
		}
	}
	return svc
}
