package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"polku"
	"polku/locales"
)

// The service described by its own file (POLKU_CONFIG; the settings are
// explained in docs/configuration.md). Each municipality's setting is its
// own value, else its region's, else the file's [defaults], else the
// environment's or the built-in default; an environment variable that is
// set wins over [defaults] (overrides says which over which).

// maxButtons is the most municipalities (or regions) offered at once: a
// phone screen of buttons.
const maxButtons = 40

// regionID is what a region's id may be: it is written in scopes
// ("region:kainuu") and never shown.
var regionID = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// overrides are the environment's variables that, when set, win over
// the file's [defaults]: each with its key there.
var overrides = []struct{ Variable, Key string }{
	{"POLKU_COORDINATORS_GROUP", "group"},
	{"POLKU_OFFICE_HOURS", "office_hours"},
	{"POLKU_HOLIDAYS", "holidays"},
	{"POLKU_PUBLIC_HOLIDAYS", "public_holidays"},
	{"POLKU_CRISIS_LINES", "crisis_lines"},
	{"POLKU_CARD_DAYS", "card_days"},
	{"POLKU_CARD_VISITS", "card_visits"},
	{"POLKU_LANGUAGES", "languages"},
}

// service reads POLKU_CONFIG's file into the configuration: the service,
// the roles it grants, and the service's own settings where the rest of
// the configuration still reads them flat (the coordinators' group, office
// hours, crisis lines, card terms, languages, the municipalities' IDs).
func (c *config) service(file string, get func(name, def string) string, errs *[]error) {
	if get("POLKU_MUNICIPALITIES", "") != "" {
		*errs = append(*errs, errors.New("POLKU_MUNICIPALITIES: POLKU_CONFIG's file lists the municipalities; unset POLKU_MUNICIPALITIES"))
	}
	text, err := os.ReadFile(file)
	if err != nil {
		*errs = append(*errs, fmt.Errorf("POLKU_CONFIG: %w", err))
		return
	}
	s, grants, err := readService(file, string(text), get, c.Coordinators, c.Languages, c.Location)
	if err != nil {
		*errs = append(*errs, err)
		return
	}
	c.Service, c.Roles, c.Municipalities, c.Languages = s, grants, s.IDs(), spoken(s)
	co, d := &c.Coordinators, s.Default
	co.Group, co.Hours, co.Crisis, co.CardDays, co.CardVisits = d.Group, d.Hours, d.Crisis, d.Card.Days, d.Card.Visits
}

// written is one table's settings as the file writes them: nil where it
// gives none, so that the next table out is asked.
type written struct {
	group                       *int64
	hours, public               *string
	holidays, crisis, languages *[]string
	cardDays, cardVisits        *int
	controller                  *polku.Controller
}

// readService reads the service's file: the service with every setting
// resolved, the roles it grants, and every problem of the file together.
// co and langs are the environment's settings as parsed from it, get
// the environment itself (to tell which are set).
func readService(name, text string, get func(name, def string) string, co coordination, langs []string, loc *time.Location) (polku.Service, []polku.Grant, error) {
	f := &serviceFile{name: name, lines: scanLines(text), loc: loc}
	top, ok := f.decode(text)
	if !ok {
		return polku.Service{}, nil, f.err()
	}
	top.who = "service"
	var s polku.Service
	s.Name, _ = top.names("name")
	var d written
	if t, ok := top.sub("defaults"); ok {
		t.who, t.prefix = "defaults", ""
		d = t.settings()
		t.unknown()
	}
	d = serviceWide(d, get, co, langs)
	s.Default = resolve(loc, d)
	regions := readRegions(top, &s)
	readMunicipalities(top, &s, regions, d)
	grants := readRoles(top, s)
	top.unknown()
	checkService(f, top, s)
	if err := f.err(); err != nil {
		return polku.Service{}, nil, err
	}
	return s, grants, nil
}

// readRegions reads the [[region]] tables into s, and returns each
// one's settings as written, by id.
func readRegions(top *table, s *polku.Service) map[string]written {
	regions := map[string]written{}
	for i, m := range top.entries("region") {
		t := top.f.table(fmt.Sprintf("region.%d", i), fmt.Sprint("region ", i+1), m)
		id, _ := t.str("id")
		t.who = "region " + cmp.Or(id, fmt.Sprint(i+1))
		switch _, dup := regions[id]; {
		case id == "":
			t.problem("", "no id: give one such as id = \"kainuu\"")
		case !regionID.MatchString(id):
			t.problem("id", "want small letters a–z, digits, - and _, such as \"oulu-region\", got %q", id)
		case dup:
			t.problem("id", "a second region %s: ids are one each", id)
		}
		r := polku.Region{ID: id}
		r.Name, _ = t.names("name")
		regions[id] = t.settings()
		t.unknown()
		s.Regions = append(s.Regions, r)
	}
	return regions
}

// readMunicipalities reads the [[municipality]] tables into s, each
// setting resolved: its own, its region's, the service's (d).
func readMunicipalities(top *table, s *polku.Service, regions map[string]written, d written) {
	for i, m := range top.entries("municipality") {
		t := top.f.table(fmt.Sprintf("municipality.%d", i), fmt.Sprint("municipality ", i+1), m)
		id, _ := t.str("id")
		t.who = "municipality " + cmp.Or(id, fmt.Sprint(i+1))
		_, dup := s.Municipality(id)
		switch {
		case id == "":
			t.problem("", "no id: give its name as the catalogue and the answers write it, such as id = \"Kuusamo\"")
		case strings.EqualFold(id, polku.Other):
			t.problem("id", "%q is the families' \"somewhere else\", served by [defaults]; give the municipality's name", id)
		case dup:
			t.problem("id", "a second municipality %s (case does not matter): ids are one each", id)
		case strings.ContainsFunc(id, func(r rune) bool { return r == ',' || r == ';' || unicode.IsControl(r) }):
			t.problem("id", "%q: a name without commas or semicolons, which separate names in lists of them", id)
		}
		mu := polku.Municipality{ID: id}
		mu.Name, _ = t.names("name")
		region, hasRegion := t.str("region")
		rw, known := regions[region]
		switch {
		case len(s.Regions) == 0 && hasRegion:
			t.problem("region", "there is no [[region]] %q: the file has no regions", region)
		case len(s.Regions) > 0 && !hasRegion:
			t.problem("", "no region: the service has regions, and its families pick one first (%s)", ids(s.Regions))
		case hasRegion && !known:
			t.problem("region", "there is no [[region]] %q (%s)", region, ids(s.Regions))
		}
		mu.Region = region
		mu.Settings = resolve(top.f.loc, t.settings(), rw, d)
		t.unknown()
		s.Municipalities = append(s.Municipalities, mu)
	}
}

// ids lists the regions' ids for a problem's text.
func ids(rs []polku.Region) string {
	var out []string
	for _, r := range rs {
		if !slices.Contains(out, r.ID) {
			out = append(out, r.ID)
		}
	}
	return "the regions are " + strings.Join(out, ", ")
}

// settings reads the settings a table may give, each checked where it
// is written.
func (t *table) settings() written {
	var w written
	if v, ok := t.value("group"); ok {
		g, isInt := v.(int64)
		if !isInt || g > -1000000000000 {
			t.problem("group", "want a supergroup's chat ID, such as -1001234567890, got %s (a group with topics on is a supergroup; its ID starts with -100)", kind(v))
			g = -1 // not "no group": what is wrong is said once, here
		}
		w.group = &g
	}
	if v, ok := t.str("office_hours"); ok {
		if _, err := polku.ParseOfficeHours(v, "", t.f.loc); err != nil {
			t.problem("office_hours", "%s", reason(err))
		} else {
			w.hours = &v
		}
	}
	if v, ok := t.strs("holidays"); ok {
		if _, err := polku.ParseOfficeHours("", strings.Join(v, ","), t.f.loc); err != nil {
			t.problem("holidays", "%s", reason(err))
		} else {
			w.holidays = &v
		}
	}
	if v, ok := t.str("public_holidays"); ok {
		if v != "fi" && v != "none" {
			t.problem("public_holidays", "want \"fi\" or \"none\", got %q", v)
		} else {
			w.public = &v
		}
	}
	if v, ok := t.strs("crisis_lines"); ok {
		w.crisis = &v
	}
	if n, ok := t.whole("card_days", 1, 3660); ok {
		d := int(n)
		w.cardDays = &d
	}
	if n, ok := t.whole("card_visits", 0, 1000); ok {
		v := int(n)
		w.cardVisits = &v
	}
	if v, ok := t.strs("languages"); ok {
		// The good ones stand, so that what else is said of the names
		// is of the languages meant.
		var good []string
		for _, l := range v {
			switch {
			case !slices.Contains(locales.Files(), l):
				t.problem("languages", "no messages for %q (have %s)", l, strings.Join(locales.Files(), ", "))
			case slices.Contains(good, l):
				t.problem("languages", "%q twice", l)
			default:
				good = append(good, l)
			}
		}
		if len(v) == 0 {
			t.problem("languages", "give at least one, the fallback first, such as [\"fi\", \"sv\"]")
		}
		if len(good) > 0 {
			w.languages = &good
		}
	}
	if c, ok := t.sub("controller"); ok {
		var ctl polku.Controller
		ctl.Name, _ = c.names("name")
		for _, k := range []struct {
			key, what string
			to        *string
		}{{"contact", "how a family reaches it about its data (an address, a phone number or a web page)", &ctl.Contact}, {"dpo", "its data protection officer's contact", &ctl.DPO}} {
			if v, ok := c.str(k.key); ok && v != "" {
				*k.to = v
			} else if !ok {
				c.problem("", "no %s: give %s", c.prefix+k.key, k.what)
			} else {
				c.problem(k.key, "empty: give %s", k.what)
			}
		}
		c.unknown()
		w.controller = &ctl
	}
	return w
}

// reason is an error's message without its code.
func reason(err error) string {
	if e, ok := err.(*polku.Error); ok {
		return e.Message
	}
	return err.Error()
}

// serviceWide is the service's own settings: each the environment's
// where its variable is set (overrides pairs them), else the file's
// [defaults], else the built-in default (co and langs hold it when the
// variable is unset).
func serviceWide(d written, get func(name, def string) string, co coordination, langs []string) written {
	env := func(name string, inFile bool) bool { return !inFile || get(name, "") != "" }
	text := func(name string) *string {
		v := get(name, builtIn(name))
		return &v
	}
	if env("POLKU_COORDINATORS_GROUP", d.group != nil) {
		d.group = &co.Group
	}
	if env("POLKU_OFFICE_HOURS", d.hours != nil) {
		d.hours = text("POLKU_OFFICE_HOURS")
	}
	if env("POLKU_HOLIDAYS", d.holidays != nil) {
		days := strings.FieldsFunc(*text("POLKU_HOLIDAYS"), func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) })
		d.holidays = &days
	}
	if env("POLKU_PUBLIC_HOLIDAYS", d.public != nil) {
		d.public = text("POLKU_PUBLIC_HOLIDAYS")
	}
	if env("POLKU_CRISIS_LINES", d.crisis != nil) {
		d.crisis = &co.Crisis
	}
	if env("POLKU_CARD_DAYS", d.cardDays != nil) {
		d.cardDays = &co.CardDays
	}
	if env("POLKU_CARD_VISITS", d.cardVisits != nil) {
		d.cardVisits = &co.CardVisits
	}
	if env("POLKU_LANGUAGES", d.languages != nil) {
		d.languages = &langs
	}
	return d
}

// builtIn is a variable's default, from the one table of them.
func builtIn(name string) string {
	i := slices.IndexFunc(variables, func(v variable) bool { return v.Name == name })
	return variables[i].Default
}

// resolve is the settings of the first of ws (the municipality, its
// region, the service) that gives each.
func resolve(loc *time.Location, ws ...written) polku.Settings {
	pick := func(get func(w written) bool) written {
		for _, w := range ws {
			if get(w) {
				return w
			}
		}
		return written{}
	}
	s := polku.Settings{
		Group:     deref(pick(func(w written) bool { return w.group != nil }).group),
		Crisis:    slices.Clone(deref(pick(func(w written) bool { return w.crisis != nil }).crisis)),
		Languages: slices.Clone(deref(pick(func(w written) bool { return w.languages != nil }).languages)),
		Card: polku.CardTerms{
			Days:   deref(pick(func(w written) bool { return w.cardDays != nil }).cardDays),
			Visits: deref(pick(func(w written) bool { return w.cardVisits != nil }).cardVisits),
		},
		Controller: deref(pick(func(w written) bool { return w.controller != nil }).controller),
	}
	week := deref(pick(func(w written) bool { return w.hours != nil }).hours)
	days := deref(pick(func(w written) bool { return w.holidays != nil }).holidays)
	// Each was checked where it is written (or by the environment's own
	// check): what is wrong is already a problem.
	s.Hours, _ = polku.ParseOfficeHours(week, strings.Join(days, ","), loc)
	s.Hours.Public = deref(pick(func(w written) bool { return w.public != nil }).public) == "fi"
	return s
}

// deref is *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// readRoles reads the [[role]] tables: who holds which role where.
func readRoles(top *table, s polku.Service) []polku.Grant {
	var grants []polku.Grant
	for i, m := range top.entries("role") {
		t := top.f.table(fmt.Sprintf("role.%d", i), fmt.Sprintf("role %d", i+1), m)
		var g polku.Grant
		if v, ok := t.value("user"); !ok {
			t.problem("", "no user: give the person's Telegram user ID, such as user = 123456789")
		} else if id, ok := v.(int64); !ok || id <= 0 {
			t.problem("user", "want a Telegram user ID (a whole number above 0), got %s", kind(v))
		} else {
			g.User = id
		}
		role, ok := t.str("role")
		g.Role = polku.Role(role)
		kinds := map[polku.Role][]polku.ScopeKind{
			polku.RoleOperator: {polku.ScopeService},
			polku.RoleManager:  {polku.ScopeService, polku.ScopeRegion, polku.ScopeMunicipality},
			polku.RoleProvider: {polku.ScopeOrganiser},
			polku.RoleReferrer: {polku.ScopeOrganisation},
		}
		if _, known := kinds[g.Role]; !known {
			if ok {
				t.problem("role", "want operator, manager, provider or referrer, got %q", role)
			} else {
				t.problem("", "no role: give operator, manager, provider or referrer")
			}
		}
		sc := "service"
		if v, ok := t.str("scope"); ok {
			sc = v
		}
		scope, err := polku.ParseScope(sc)
		switch {
		case err != nil:
			t.problem("scope", "%s", reason(err))
		case kinds[g.Role] != nil && !slices.Contains(kinds[g.Role], scope.Kind):
			t.problem("scope", "a %s's scope is %s, not %s", g.Role, scopeKinds(kinds[g.Role]), scope)
		case scope.Kind == polku.ScopeRegion:
			if _, ok := s.Region(scope.ID); !ok {
				t.problem("scope", "there is no [[region]] %q", scope.ID)
			}
		case scope.Kind == polku.ScopeMunicipality:
			if _, ok := s.Municipality(scope.ID); !ok {
				t.problem("scope", "there is no [[municipality]] %q", scope.ID)
			}
		}
		g.Scope = scope
		t.unknown()
		if slices.Contains(grants, g) {
			t.problem("", "the same as an earlier [[role]]")
		}
		grants = append(grants, g)
	}
	return grants
}

// scopeKinds says the kinds of scope a role may have, as the file writes
// them.
func scopeKinds(kinds []polku.ScopeKind) string {
	var out []string
	for _, k := range kinds {
		if k == polku.ScopeService {
			out = append(out, "service")
		} else {
			out = append(out, string(k)+":ID")
		}
	}
	return strings.Join(out, ", ")
}
