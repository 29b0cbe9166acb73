package main

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestScanLines: headers, array tables' entries by index, dotted and
// quoted keys, and values over several lines that hold what looks like
// keys or headers.
func TestScanLines(t *testing.T) {
	text := `# a comment = not a key
name = { fi = "A", sv = "B" }  # an inline table: one line

[defaults]
office_hours = "mon-fri 9-16" # a comment [not a table]
crisis_lines = [
  "Line [1] = 0800 000 000",
  'it is = "fine"',
]
[defaults.controller]
  contact = "x@example.org"
card.days = 3

[[municipality]]
id = "A"
notes = """
group = -1
[[municipality]]
"""
"quoted key" = 1

[[municipality]]
id = "B"
[municipality.controller]
dpo = 'd'
[ region ]
'id' = "r"
`
	if _, err := toml.Decode(text, new(map[string]any)); err != nil {
		t.Fatalf("not TOML: %v", err)
	}
	at := scanLines(text)
	for path, want := range map[string]int{
		"name":                          2,
		"name.fi":                       2, // in its inline table: the table's line
		"defaults":                      4,
		"defaults.office_hours":         5,
		"defaults.crisis_lines":         6,
		"defaults.controller":           10,
		"defaults.controller.contact":   11,
		"defaults.controller.card.days": 12,
		"municipality.0":                14,
		"municipality.0.id":             15,
		"municipality.0.notes":          16,
		"municipality.0.group":          14, // inside the string: not a key, its table's line
		"municipality.0.quoted key":     20,
		"municipality.1":                22,
		"municipality.1.id":             23,
		"municipality.1.controller":     24,
		"municipality.1.controller.dpo": 25,
		"municipality.2":                14, // none: the first [[municipality]]
		"municipality":                  14,
		"region.id":                     27,
		"nothing":                       0,
	} {
		if got := at.lineOf(path); got != want {
			t.Errorf("lineOf(%q) = %d, want %d", path, got, want)
		}
	}
	if len(at) != 18 {
		t.Errorf("%d paths found, want 18: %v", len(at), at)
	}
}

// FuzzScanLines: any text, TOML or not, is scanned without a panic, and
// every line found is one of the text's.
func FuzzScanLines(f *testing.F) {
	for _, seed := range []string{minimal, "[[a.b]]\n[a.c]\nx.'y'.\"z\" = [\n\"\"\"\n]", "[.\n=\n'''", `a = "\"" # [`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		n := strings.Count(text, "\n") + 1
		for path, line := range scanLines(text) {
			if line < 1 || line > n {
				t.Errorf("%q at line %d of %d", path, line, n)
			}
		}
	})
}
