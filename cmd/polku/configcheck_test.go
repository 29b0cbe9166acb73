package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// TestConfigCheck: `polku config check FILE` needs nothing else (no
// database, no token); a good file gets a summary on one screen, a broken
// one every problem and exit 1; without FILE it checks POLKU_CONFIG's.
func TestConfigCheck(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"config", "check", "../../docs/service-three-regions.toml"},
		env(map[string]string{"POLKU_CARD_DAYS": "30"}), nil, &out, &out)
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"../../docs/service-three-regions.toml: no problems.\n",
		"Perheiden Polku Pohjoinen (esimerkki): 23 municipalities in 3 regions; 5 coordinators' groups; languages fi, sv, en, uk; 6 roles.\n",
		"  Kainuu (kainuu), 8: Kajaani, Hyrynsalmi, Kuhmo, Paltamo, Puolanka, Ristijärvi, Sotkamo, Suomussalmi\n",
		"  -1001000000000: \"somewhere else\"\n",
		"  -1001000000004: Kajaani\n",
		"  -1001000000002: Hyrynsalmi, Kuhmo,",
		"Roles: 1 operator, 3 managers, 1 provider, 1 referrer.\n",
		"The environment sets [defaults] card_days (POLKU_CARD_DAYS).\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the summary lacks %q:\n%s", want, got)
		}
	}
	if lines := strings.Count(got, "\n"); lines > 24 {
		t.Errorf("the summary is %d lines: more than a screen", lines)
	}

	out.Reset()
	err = run(context.Background(), []string{"config", "check"}, env(map[string]string{"POLKU_CONFIG": "testdata/service-broken.toml"}), nil, &out, &out)
	if err == nil || !strings.HasPrefix(err.Error(), "testdata/service-broken.toml: 27 problems:\ntestdata/service-broken.toml:2: ") || out.Len() > 0 {
		t.Errorf("a broken file: %v\n%s", err, out.String())
	}
	for _, args := range [][]string{{"config"}, {"config", "check"}, {"config", "lint", "x.toml"}} {
		if err := run(context.Background(), args, env(nil), nil, &out, &out); err == nil || !strings.Contains(err.Error(), "usage: polku config check FILE") {
			t.Errorf("%v: %v", args, err)
		}
	}
}

// TestConfigurationDocs: docs/configuration.md tells of every setting a
// table takes, every variable that overrides one, and the check; the
// README links it.
func TestConfigurationDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	tb := (&serviceFile{}).table("", "", map[string]any{})
	tb.settings()
	keys := append(tb.order, "name", "id", "region", "contact", "dpo", "user", "role", "scope", "[defaults]", "[[region]]", "[[municipality]]", "[[role]]")
	for _, k := range keys {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("docs/configuration.md does not tell of `%s`", k)
		}
	}
	for _, o := range overrides {
		if !strings.Contains(string(doc), "| `"+o.Variable+"` | `"+o.Key+"` |") {
			t.Errorf("docs/configuration.md's table of overrides lacks %s over %s", o.Variable, o.Key)
		}
	}
	if !strings.Contains(string(doc), "polku config check") {
		t.Error("docs/configuration.md does not tell of polku config check")
	}
	readme, _ := os.ReadFile("../../README.md")
	if !strings.Contains(string(readme), "(docs/configuration.md)") {
		t.Error("the README does not link docs/configuration.md")
	}
}
