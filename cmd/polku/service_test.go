package main

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"
)

// loadService reads a service's file as parseConfig does, with the
// environment vars.
func loadService(t *testing.T, name, text string, vars map[string]string) (polku.Service, []polku.Grant, error) {
	t.Helper()
	get := getter(env(vars))
	var errs []error
	loc, _ := reminders(get, &errs)
	co := coordinators(get, loc, &errs)
	langs := languages(get, &errs)
	if len(errs) > 0 {
		t.Fatalf("the environment %v: %v", vars, errs)
	}
	return readService(name, text, get, co, langs, loc)
}

// loadSample reads a sample file of docs/.
func loadSample(t *testing.T, file string, vars map[string]string) (polku.Service, []polku.Grant) {
	t.Helper()
	text, err := os.ReadFile("../../docs/" + file)
	if err != nil {
		t.Fatal(err)
	}
	s, grants, err := loadService(t, file, string(text), vars)
	if err != nil {
		t.Fatalf("%s:\n%v", file, err)
	}
	return s, grants
}

// helsinki is the office hours' zone in these tests.
var helsinki, _ = time.LoadLocation("Europe/Helsinki")

// open says whether settings' office is open at a local time of
// 2026-12-04 (a Friday) or another day.
func open(s polku.Settings, date string, hour, minute int) bool {
	d, _ := time.ParseInLocation(time.DateOnly, date, helsinki)
	return s.Hours.Open(d.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute))
}

// TestServiceSampleKuusamoKalajoki: two municipalities, two groups;
// Kuusamo's families and those from somewhere else go to Kuusamo's group,
// Kalajoki's to its own, with its own hours, card days and controller.
func TestServiceSampleKuusamoKalajoki(t *testing.T) {
	s, grants := loadSample(t, "service-kuusamo-kalajoki.toml", nil)
	if got := s.IDs(); !slices.Equal(got, []string{"Kuusamo", "Kalajoki"}) || len(s.Regions) != 0 {
		t.Fatalf("municipalities %v, regions %v", got, s.Regions)
	}
	if g := s.Groups(); !slices.Equal(g, []int64{-1001234567890, -1001234567892}) {
		t.Errorf("groups %v", g)
	}
	if s.GroupOf("Kuusamo") != -1001234567890 || s.GroupOf(polku.Other) != -1001234567890 || s.GroupOf("Kalajoki") != -1001234567892 {
		t.Errorf("routing: Kuusamo %d, other %d, Kalajoki %d", s.GroupOf("Kuusamo"), s.GroupOf(polku.Other), s.GroupOf("Kalajoki"))
	}
	ku, ka := s.SettingsOf("Kuusamo"), s.SettingsOf("Kalajoki")
	// Friday 4.12.2026 at 15.00: Kuusamo (mon-fri 9-16) is open, Kalajoki
	// (fri 8.30-14) is not; 31.12. is the service's own day off.
	if !open(ku, "2026-12-04", 15, 0) || open(ka, "2026-12-04", 15, 0) || !open(ka, "2026-12-04", 8, 30) {
		t.Errorf("office hours: Kuusamo %+v, Kalajoki %+v", ku.Hours.Week, ka.Hours.Week)
	}
	if open(ku, "2026-12-31", 10, 0) || open(ka, "2026-12-31", 10, 0) || open(ku, "2026-12-24", 10, 0) {
		t.Error("open on the service's day off or on Christmas Eve")
	}
	if ku.Card != (polku.CardTerms{Days: 180, Visits: 10}) || ka.Card != (polku.CardTerms{Days: 90, Visits: 10}) {
		t.Errorf("cards: %+v, %+v", ku.Card, ka.Card)
	}
	if !strings.Contains(ku.Controller.Name.In("sv"), "Kuusamo") || !strings.Contains(ka.Controller.Name.In("uk"), "Калайокі") ||
		ka.Controller.DPO != "tietosuoja.kalajoki@example.org" || s.Default.Controller.Contact != ku.Controller.Contact {
		t.Errorf("controllers: %+v, %+v", ku.Controller, ka.Controller)
	}
	if len(ku.Crisis) != 2 || !strings.Contains(ka.Crisis[0], "0800 000 000") {
		t.Errorf("crisis lines %q", ka.Crisis)
	}
	if !slices.Equal(ka.Languages, []string{"fi", "sv", "en", "uk"}) || s.NameOf("Kalajoki", "uk") != "Калайокі" || s.Name.In("en") == "" {
		t.Errorf("languages %v, names %v", ka.Languages, s.Name)
	}
	want := []polku.Grant{
		{User: 100000001, Role: polku.RoleOperator, Scope: polku.Scope{Kind: polku.ScopeService}},
		{User: 100000002, Role: polku.RoleManager, Scope: polku.Scope{Kind: polku.ScopeService}},
		{User: 100000003, Role: polku.RoleManager, Scope: polku.Scope{Kind: polku.ScopeMunicipality, ID: "Kalajoki"}},
	}
	if !slices.Equal(grants, want) {
		t.Errorf("roles %+v, want %+v", grants, want)
	}
}

// TestServiceSampleThreeRegions: 23 municipalities in three regions, each
// region's settings its municipalities' unless they give their own.
func TestServiceSampleThreeRegions(t *testing.T) {
	s, grants := loadSample(t, "service-three-regions.toml", nil)
	if len(s.Municipalities) != 23 || len(s.Regions) != 3 {
		t.Fatalf("%d municipalities in %d regions", len(s.Municipalities), len(s.Regions))
	}
	for region, n := range map[string]int{"oulu": 8, "kainuu": 8, "oulunkaari": 7} {
		if got := len(s.InRegion(region)); got != n {
			t.Errorf("region %s: %d municipalities, want %d", region, got, n)
		}
	}
	for id, group := range map[string]int64{
		"Oulu": -1001000000001, "Hailuoto": -1001000000001, "Kajaani": -1001000000004, "Sotkamo": -1001000000002,
		"Kuusamo": -1001000000003, polku.Other: -1001000000000,
	} {
		if got := s.GroupOf(id); got != group {
			t.Errorf("%s's group %d, want %d", id, got, group)
		}
	}
	oulu, hailuoto, sotkamo, kajaani, ii := s.SettingsOf("Oulu"), s.SettingsOf("Hailuoto"), s.SettingsOf("Sotkamo"), s.SettingsOf("Kajaani"), s.SettingsOf("Ii")
	if oulu.Card.Days != 180 || sotkamo.Card.Days != 90 || kajaani.Card.Days != 90 || sotkamo.Card.Visits != 10 {
		t.Errorf("card days: Oulu %d, Sotkamo %d, Kajaani %d", oulu.Card.Days, sotkamo.Card.Days, kajaani.Card.Days)
	}
	// Friday 4.12.2026: Kainuu answers 8–15.30, Kajaani 8–16, Hailuoto
	// only on Tuesday and Thursday mornings, Oulunkaari until 13.
	for _, c := range []struct {
		name   string
		s      polku.Settings
		h, m   int
		isOpen bool
	}{
		{"Sotkamo", sotkamo, 15, 45, false}, {"Kajaani", kajaani, 15, 45, true}, {"Oulu", oulu, 15, 45, true},
		{"Hailuoto", hailuoto, 10, 0, false}, {"Ii", ii, 12, 30, true}, {"Ii", ii, 13, 30, false},
	} {
		if got := open(c.s, "2026-12-04", c.h, c.m); got != c.isOpen {
			t.Errorf("%s at %d.%02d: open %v, want %v", c.name, c.h, c.m, got, c.isOpen)
		}
	}
	if !open(hailuoto, "2026-12-03", 10, 0) || open(ii, "2026-12-29", 10, 0) || !open(oulu, "2026-12-29", 10, 0) {
		t.Error("Hailuoto on Thursday, Oulunkaari's own days off")
	}
	if !strings.Contains(sotkamo.Crisis[0], "Kainuun") || strings.Contains(oulu.Crisis[0], "Kainuun") {
		t.Errorf("crisis lines: Sotkamo %q, Oulu %q", sotkamo.Crisis, oulu.Crisis)
	}
	if !strings.Contains(ii.Controller.Name.In("fi"), "Oulunkaaren") || !strings.Contains(s.Default.Controller.Name.In("fi"), "Pohjoisen") {
		t.Errorf("controllers: Ii %v, the service %v", ii.Controller.Name, s.Default.Controller.Name)
	}
	if s.NameOf("Oulu", "sv") != "Uleåborg" || s.NameOf("Kajaani", "sv") != "Kajana" {
		t.Errorf("Swedish names: %s, %s", s.NameOf("Oulu", "sv"), s.NameOf("Kajaani", "sv"))
	}
	if len(grants) != 6 || grants[2].Scope != (polku.Scope{Kind: polku.ScopeRegion, ID: "kainuu"}) ||
		grants[4].Scope != (polku.Scope{Kind: polku.ScopeOrganiser, ID: "Esimerkkiseura ry"}) {
		t.Errorf("roles %+v", grants)
	}
}

// TestServiceBroken: every problem of a file is reported together, each
// with its line, in the file's order; a secret's value is never shown.
func TestServiceBroken(t *testing.T) {
	text, err := os.ReadFile("testdata/service-broken.toml")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = loadService(t, "broken.toml", string(text), nil)
	if err == nil {
		t.Fatal("no problems")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{
		`broken.toml:2: service: name.se: no language "se" (have en, fi, sv, uk)`,
		`broken.toml:3: service: token: secrets stay in the environment: set TELEGRAM_BOT_TOKEN there`,
		`broken.toml:5: defaults: no group: the cases of families from "somewhere else" would be stored but no coordinators' group told`,
		`broken.toml:6: defaults: office_hours: office hours "sun"`,
		`broken.toml:7: defaults: holidays: holiday "31.13.2026"`,
		`broken.toml:8: defaults: public_holidays: want "fi" or "none", got "yes"`,
		`broken.toml:9: defaults: card_days: want a whole number 1–3660, got 0`,
		`broken.toml:10: defaults: languages: no messages for "de"`,
		`broken.toml:11: defaults: colour: unknown key (here: group, office_hours,`,
		`broken.toml:13: defaults: no controller.dpo`,
		`broken.toml:22: region north: id: a second region north`,
		`broken.toml:25: region Etelä: no municipality is in it`,
		`broken.toml:26: region Etelä: id: want small letters`,
		`broken.toml:27: region Etelä: name: no name in sv (the service speaks fi, sv)`,
		`broken.toml:36: municipality kuusamo: id: a second municipality kuusamo (case does not matter)`,
		`broken.toml:39: municipality kuusamo: group: want a supergroup's chat ID, such as -1001234567890, got -123456`,
		`broken.toml:41: municipality Kalajoki: no group, and [defaults] has none: its families' cases would be stored but no coordinators' group told`,
		`broken.toml:44: municipality Kalajoki: region: there is no [[region]] "south" (the regions are north, Etelä)`,
		`broken.toml:45: municipality Kalajoki: ofice_hours: unknown key (here: id, name, region, group, office_hours,`,
		`broken.toml:47: municipality other: no group`,
		`broken.toml:48: municipality other: id: "other" is the families' "somewhere else"`,
		`broken.toml:51: municipality other: database_url: secrets stay in the environment: set DATABASE_URL there`,
		`broken.toml:56: role 1: scope: there is no [[region]] "south"`,
		`broken.toml:59: role 2: user: want a Telegram user ID (a whole number above 0), got -5`,
		`broken.toml:60: role 2: role: want operator, manager, provider or referrer, got "boss"`,
		`broken.toml:65: role 3: scope: a provider's scope is organiser:ID, not municipality:Kuusamo`,
		`broken.toml:70: role 4: scope: there is no [[municipality]] "Oulu"`,
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n%v", len(got), len(want), err)
	}
	for i := range min(len(got), len(want)) {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s…", i+1, got[i], want[i])
		}
	}
	for _, secret := range []string{"AAE2e", "postgres://"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the problems show a secret's value: %v", err)
		}
	}
}

// minimal is a valid service's file of one municipality, without groups.
const minimal = `name = { fi = "Pieni", sv = "Liten", en = "Small", uk = "Малий" }
[defaults.controller]
name = { fi = "Rekisterinpitäjä", sv = "Registerförare", en = "Controller", uk = "Контролер" }
contact = "a@example.org"
dpo = "b@example.org"
`

// municipalities is n [[municipality]] tables, in region when it is not "".
func municipalities(n int, region string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "[[municipality]]\nid = \"M%d\"\nname = { fi = \"M%d\", sv = \"M%d\", en = \"M%d\", uk = \"M%d\" }\n", i, i, i, i, i)
		if region != "" {
			fmt.Fprintf(&b, "region = %q\n", region)
		}
	}
	return b.String()
}

// TestServiceShapes: what no single table can say — too many buttons for
// a phone, a group for some cases but not all, and no TOML at all.
func TestServiceShapes(t *testing.T) {
	region := "[[region]]\nid = \"r\"\nname = { fi = \"R\", sv = \"R\", en = \"R\", uk = \"R\" }\n"
	for _, c := range []struct {
		name, text string
		problems   []string // each a line's prefix; none: fine
	}{
		{"no groups at all", minimal + municipalities(2, ""), nil},
		{"40 without regions", minimal + municipalities(40, ""), nil},
		{"41 without regions", minimal + municipalities(41, ""), []string{"f.toml: service: 41 municipalities and no regions: at most 40 buttons"}},
		{"41 in a region", minimal + region + municipalities(41, "r"), []string{"f.toml:6: region r: 41 municipalities: at most 40 buttons"}},
		{"one group, no default", minimal + municipalities(2, "") + "group = -1001234567890\n", []string{
			"f.toml:2: defaults: no group: the cases of families from \"somewhere else\"",
			"f.toml:6: municipality M0: no group, and [defaults] has none",
		}},
		{"no region named", minimal + region + municipalities(1, ""), []string{
			"f.toml:6: region r: no municipality is in it", "f.toml:9: municipality M0: no region: the service has regions",
		}},
		{"no municipality, no controller", `name = { fi = "A", sv = "A", en = "A", uk = "A" }`, []string{
			"f.toml: service: no [[municipality]]", "f.toml: defaults: no controller",
		}},
		{"not TOML", minimal + "[[municipality]\nid = \"M\"\n", []string{"f.toml:6: not TOML: "}},
		{"a list for a text", minimal + "[[municipality]]\nid = [\"M\"]\n", []string{
			"f.toml:6: municipality 1: no id", "f.toml:6: municipality 1: no name", "f.toml:7: municipality 1: id: want text in quotes, got a list",
		}},
	} {
		_, _, err := loadService(t, "f.toml", c.text, nil)
		var got []string
		if err != nil {
			got = strings.Split(err.Error(), "\n")
		}
		if len(got) != len(c.problems) {
			t.Errorf("%s: %d problems, want %d: %v", c.name, len(got), len(c.problems), err)
			continue
		}
		for i, want := range c.problems {
			if !strings.HasPrefix(got[i], want) {
				t.Errorf("%s:\n got %s\nwant %s…", c.name, got[i], want)
			}
		}
	}
}

// TestServiceEnvironmentOverrides: a variable that is set wins over the
// file's [defaults] key it overrides, and only over that: a region's or
// municipality's own value still wins over both.
func TestServiceEnvironmentOverrides(t *testing.T) {
	checks := map[string]struct {
		value string
		// ok says whether the service's own settings, and Kalajoki's
		// (which gives its own group, hours and card days), took it.
		ok func(service, kalajoki polku.Settings) bool
	}{
		"POLKU_COORDINATORS_GROUP": {"-1009999999999", func(d, k polku.Settings) bool { return d.Group == -1009999999999 && k.Group == -1001234567892 }},
		"POLKU_OFFICE_HOURS":       {"24h", func(d, k polku.Settings) bool { return open(d, "2026-12-05", 3, 0) && !open(k, "2026-12-05", 3, 0) }},
		"POLKU_HOLIDAYS":           {"2026-12-04", func(d, k polku.Settings) bool { return !open(d, "2026-12-04", 10, 0) && open(d, "2026-12-31", 10, 0) }},
		"POLKU_PUBLIC_HOLIDAYS":    {"none", func(d, k polku.Settings) bool { return !d.Hours.Public && !k.Hours.Public }},
		"POLKU_CRISIS_LINES":       {"Linja 0800 000 009", func(d, k polku.Settings) bool { return slices.Equal(d.Crisis, []string{"Linja 0800 000 009"}) }},
		"POLKU_CARD_DAYS":          {"30", func(d, k polku.Settings) bool { return d.Card.Days == 30 && k.Card.Days == 90 }},
		"POLKU_CARD_VISITS":        {"0", func(d, k polku.Settings) bool { return d.Card.Visits == 0 && k.Card.Visits == 0 }},
		"POLKU_LANGUAGES":          {"fi,sv,en", func(d, k polku.Settings) bool { return slices.Equal(k.Languages, []string{"fi", "sv", "en"}) }},
	}
	for _, o := range overrides {
		c, ok := checks[o.Variable]
		if !ok {
			t.Errorf("%s (over %s) is not tried", o.Variable, o.Key)
			continue
		}
		if !slices.ContainsFunc(variables, func(v variable) bool { return v.Name == o.Variable }) {
			t.Errorf("%s is not in the table of variables", o.Variable)
		}
		s, _ := loadSample(t, "service-kuusamo-kalajoki.toml", map[string]string{o.Variable: c.value})
		if !c.ok(s.Default, s.SettingsOf("Kalajoki")) {
			t.Errorf("%s=%s: the service %+v, Kalajoki %+v", o.Variable, c.value, s.Default, s.SettingsOf("Kalajoki"))
		}
	}
	if len(checks) != len(overrides) {
		t.Errorf("%d checks for %d overrides", len(checks), len(overrides))
	}
}

// TestConfigServiceFile: with POLKU_CONFIG, the service, its roles and the
// municipalities come from the file, and the flat settings the rest still
// reads are the service's own; its problems are reported with the
// environment's, and POLKU_MUNICIPALITIES beside it is one.
func TestConfigServiceFile(t *testing.T) {
	file := "../../docs/service-three-regions.toml"
	c, err := parseConfig(env(map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1/db", "POLKU_CONFIG": file}), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Service.Municipalities) != 23 || !slices.Equal(c.Municipalities, c.Service.IDs()) || len(c.Roles) != 6 {
		t.Errorf("service of %d, municipalities %v, roles %d", len(c.Service.Municipalities), c.Municipalities, len(c.Roles))
	}
	if co := c.Coordinators; co.Group != -1001000000000 || co.CardDays != 180 || len(co.Crisis) != 2 || !slices.Equal(c.Languages, []string{"fi", "sv", "en", "uk"}) {
		t.Errorf("the service's own settings: group %d, card days %d, crisis %q, languages %v", co.Group, co.CardDays, co.Crisis, c.Languages)
	}
	_, err = parseConfig(env(map[string]string{"POLKU_CONFIG": "testdata/service-broken.toml", "POLKU_MUNICIPALITIES": "Oulu", "POLKU_RATE_GLOBAL": "fast"}), true)
	for _, want := range []string{"DATABASE_URL: required", "POLKU_RATE_GLOBAL: want", "POLKU_MUNICIPALITIES: POLKU_CONFIG's file lists",
		"testdata/service-broken.toml:3: service: token:", "testdata/service-broken.toml:70: role 4:"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	_, err = parseConfig(env(map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1/db", "POLKU_CONFIG": "testdata/none.toml"}), true)
	if err == nil || !strings.Contains(err.Error(), "POLKU_CONFIG: open testdata/none.toml") {
		t.Errorf("a missing file: %v", err)
	}
	// The managers' group is none of the coordinators' groups.
	_, err = parseConfig(env(map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1/db", "POLKU_CONFIG": file, "POLKU_MANAGERS_GROUP": "-1001000000004"}), true)
	if err == nil || !strings.Contains(err.Error(), "POLKU_MANAGERS_GROUP: the coordinators' group cannot be the managers' too") {
		t.Errorf("the managers' group is Kajaani's coordinators': %v", err)
	}
}
