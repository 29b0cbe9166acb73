package main

import (
	"fmt"
	"slices"
	"strings"

	"polku"
	"polku/locales"
)

// checkService checks what no one table of the service's file can say:
// how many buttons a family is shown, the names in every language the
// service speaks, and that every family's case has a group and its
// privacy notice a controller.
func checkService(f *serviceFile, top *table, s polku.Service) {
	if len(s.Municipalities) == 0 {
		top.problem("", "no [[municipality]]: give at least one")
	}
	if len(s.Regions) == 0 && len(s.Municipalities) > maxButtons {
		top.problem("", "%d municipalities and no regions: at most %d buttons fit a phone's screen; put them in [[region]]s, which a family picks first", len(s.Municipalities), maxButtons)
	}
	if len(s.Regions) > maxButtons {
		top.problem("", "%d regions: at most %d buttons fit a phone's screen", len(s.Regions), maxButtons)
	}
	for i, r := range s.Regions {
		path, who := fmt.Sprintf("region.%d", i), "region "+r.ID
		switch n := len(s.InRegion(r.ID)); {
		case n == 0:
			f.add(path, who, "no municipality is in it: a family who picks it would find none")
		case n > maxButtons:
			f.add(path, who, fmt.Sprintf("%d municipalities: at most %d buttons fit a phone's screen; split it in two regions", n, maxButtons))
		}
	}
	checkNames(f, spoken(s))
	groups := len(s.Groups()) > 0
	for i, m := range s.Municipalities {
		path, who := fmt.Sprintf("municipality.%d", i), "municipality "+m.ID
		if groups && m.Group == 0 {
			f.add(path, who, "no group, and [defaults] has none: its families' cases would be stored but no coordinators' group told; give it, its region or [defaults] a group")
		}
		if m.Controller.Zero() {
			f.add(path, who, "no controller: the privacy notice names who is responsible for its families' data; give it, its region or [defaults] a [controller]")
		}
	}
	if groups && s.Default.Group == 0 {
		f.add("defaults", "defaults", "no group: the cases of families from \"somewhere else\" would be stored but no coordinators' group told; give [defaults] a group (POLKU_COORDINATORS_GROUP sets it too)")
	}
	if s.Default.Controller.Zero() {
		f.add("defaults", "defaults", "no controller: the privacy notice of families from \"somewhere else\" names who is responsible for their data; give [defaults.controller]")
	}
}

// spoken is every language the service speaks: the service's own first,
// then those only some municipalities offer.
func spoken(s polku.Service) []string {
	langs := slices.Clone(s.Default.Languages)
	for _, m := range s.Municipalities {
		for _, l := range m.Languages {
			if !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
		}
	}
	return langs
}

// checkNames checks that every name the file gives is in every language
// the service speaks, and in no language Polku does not have (a misspelt
// one, such as se for Swedish, would never be shown). A name in a
// language the service does not speak now is kept for when it does.
func checkNames(f *serviceFile, langs []string) {
	for _, n := range f.names {
		var missing []string
		for _, l := range langs {
			if n.name[l] == "" {
				missing = append(missing, l)
			}
		}
		if len(missing) > 0 {
			n.at.problem(n.key, "no name in %s (the service speaks %s)", strings.Join(missing, ", "), strings.Join(langs, ", "))
		}
		var unknown []string
		for l := range n.name {
			if !slices.Contains(locales.Files(), l) {
				unknown = append(unknown, l)
			}
		}
		slices.Sort(unknown)
		for _, l := range unknown {
			n.at.problem(n.key+"."+l, "no language %q (have %s)", l, strings.Join(locales.Files(), ", "))
		}
	}
}
