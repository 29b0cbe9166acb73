package polku

import (
	"slices"
	"strings"
)

// A service is run jointly by several municipalities, sometimes in
// regions: each municipality's families have their own coordinators'
// group, office hours, crisis lines, card terms and data controller. The
// configuration file describes it (cmd/polku reads it); with no file the
// built-in sample service is used. Everything here is resolved: a
// municipality's Settings already holds its region's and the service's
// values where it gives none of its own.

// Other is the municipality of a family from "somewhere else": the
// service's own Settings (its default group) serves it.
const Other = "other"

// Service is the service as its configuration describes it.
type Service struct {
	// Name is the service's name in each language.
	Name Localized
	// Regions are listed in the configuration's order; none when the
	// service is small enough to offer its municipalities at once.
	Regions []Region
	// Municipalities are in the configuration's order.
	Municipalities []Municipality
	// Default is the service's own settings: the families of "somewhere
	// else" are served by it, and its group takes their cases.
	Default Settings
}

// Region is a group of municipalities a family picks first when the
// service has many.
type Region struct {
	// ID is the configuration's key, such as "kainuu" (never shown).
	ID   string
	Name Localized
}

// Municipality is one municipality of the service.
type Municipality struct {
	// ID is how the answers, the catalogue and the reports name it: its
	// Finnish name, such as "Kuusamo".
	ID   string
	Name Localized
	// Region is its region's ID, "" when the service has no regions.
	Region string
	Settings
}

// Settings are what serve one municipality's families.
type Settings struct {
	// Group is the coordinators' supergroup its cases open in (0: none,
	// the cases are stored but no group is told). Several municipalities
	// may share one group.
	Group int64
	// Hours are when its coordinators answer.
	Hours OfficeHours
	// Crisis are the crisis lines told with the emergency number 112.
	Crisis []string
	// Card are the terms of a wellbeing card its coordinators issue.
	Card CardTerms
	// Controller is the data controller the privacy notice names.
	Controller Controller
	// Languages are the languages its families are offered, the
	// fallback first.
	Languages []string
}

// CardTerms are the terms of a wellbeing card issued with a case's
// button: valid Days from the day it is issued, Visits free visits (0:
// unlimited).
type CardTerms struct {
	Days, Visits int
}

// Controller is the organisation responsible for a municipality's
// families' data, as the privacy notice names it.
type Controller struct {
	// Name is the organisation, such as "Kuusamon kaupunki".
	Name Localized
	// Contact is how a family reaches it about its data (an address, a
	// phone number or a web page).
	Contact string
	// DPO is its data protection officer's contact.
	DPO string
}

// Zero reports whether no controller was configured.
func (c Controller) Zero() bool { return len(c.Name) == 0 && c.Contact == "" && c.DPO == "" }

// Municipality returns the municipality id, if the service has it.
func (s Service) Municipality(id string) (Municipality, bool) {
	i := slices.IndexFunc(s.Municipalities, func(m Municipality) bool { return strings.EqualFold(m.ID, id) })
	if i < 0 {
		return Municipality{}, false
	}
	return s.Municipalities[i], true
}

// SettingsOf is what serves the families of municipality id: its own Settings,
// or the service's for "other" and for a name the service no longer has.
func (s Service) SettingsOf(id string) Settings {
	if m, ok := s.Municipality(id); ok {
		return m.Settings
	}
	return s.Default
}

// IDs lists the municipalities' IDs in order.
func (s Service) IDs() []string {
	ids := make([]string, len(s.Municipalities))
	for i, m := range s.Municipalities {
		ids[i] = m.ID
	}
	return ids
}

// InRegion lists the municipalities of region id in order.
func (s Service) InRegion(id string) []Municipality {
	var in []Municipality
	for _, m := range s.Municipalities {
		if m.Region == id {
			in = append(in, m)
		}
	}
	return in
}

// Region returns the region id, if the service has it.
func (s Service) Region(id string) (Region, bool) {
	i := slices.IndexFunc(s.Regions, func(r Region) bool { return r.ID == id })
	if i < 0 {
		return Region{}, false
	}
	return s.Regions[i], true
}

// NameOf is municipality id's name in lang ("other" and unknown names as
// they are).
func (s Service) NameOf(id, lang string) string {
	if m, ok := s.Municipality(id); ok {
		if n := m.Name.In(lang); n != "" {
			return n
		}
	}
	return id
}

// Groups lists every coordinators' group of the service once, the
// default's first (0 is left out).
func (s Service) Groups() []int64 {
	var gs []int64
	add := func(g int64) {
		if g != 0 && !slices.Contains(gs, g) {
			gs = append(gs, g)
		}
	}
	add(s.Default.Group)
	for _, m := range s.Municipalities {
		add(m.Group)
	}
	return gs
}

// GroupOf is the coordinators' group the cases of municipality id open in.
func (s Service) GroupOf(id string) int64 {
	if g := s.SettingsOf(id).Group; g != 0 {
		return g
	}
	return s.Default.Group
}

// Served lists the municipalities whose cases open in group: those that
// name it, and "other" when it is the default group (or every
// municipality whose own is unset).
func (s Service) Served(group int64) []string {
	var ids []string
	for _, m := range s.Municipalities {
		if s.GroupOf(m.ID) == group {
			ids = append(ids, m.ID)
		}
	}
	if s.Default.Group == group {
		ids = append(ids, Other)
	}
	return ids
}

// SettingsOfGroup is the settings a group works by: those of the first
// municipality it serves (its office hours, card terms), or the service's
// when it is the default group.
func (s Service) SettingsOfGroup(group int64) Settings {
	if group == s.Default.Group {
		return s.Default
	}
	for _, m := range s.Municipalities {
		if s.GroupOf(m.ID) == group {
			return m.Settings
		}
	}
	return s.Default
}

// Simple is a service of municipalities without regions that all share
// place: the service a configuration without a file describes.
func Simple(name Localized, municipalities []string, place Settings) Service {
	s := Service{Name: name, Default: place}
	for _, id := range municipalities {
		s.Municipalities = append(s.Municipalities, Municipality{ID: id, Name: Localized{"fi": id}, Settings: place})
	}
	return s
}
