package locales

import (
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"polku"
)

// source is the language the others are translated from.
const source = "en"

// pluralForms are the CLDR plural categories go-i18n uses for integer and
// decimal counts in each language; a plural message must have exactly these.
var pluralForms = map[string][]string{
	"en": {"one", "other"},
	"fi": {"one", "other"},
	"sv": {"one", "other"},
	"uk": {"few", "many", "one", "other"},
}

// allForms are the keys that make a TOML table a go-i18n plural message.
var allForms = []string{"zero", "one", "two", "few", "many", "other"}

// raw parses every embedded file into language → key → value, where a value
// is a string or, for a plural message, a map of form → string.
func raw(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, lang := range Files() {
		b, err := fs.ReadFile(files, lang+".toml")
		if err != nil {
			t.Fatalf("%s.toml: %v", lang, err)
		}
		m := map[string]any{}
		if err := toml.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s.toml: %v", lang, err)
		}
		out[lang] = m
	}
	if _, ok := out[source]; !ok {
		t.Fatalf("no %s.toml among %v", source, Files())
	}
	return out
}

// forms gives a message's texts by plural form; a plain string is "other".
func forms(t *testing.T, lang, key string, v any) map[string]string {
	t.Helper()
	switch v := v.(type) {
	case string:
		return map[string]string{"other": v}
	case map[string]any:
		out := map[string]string{}
		var bad []string
		defer func() {
			if len(bad) > 0 {
				slices.Sort(bad)
				t.Errorf("%s.toml %q: %d entries that are not plural forms, such as %q: a [table] header runs "+
					"to the next header and swallows the keys below it; write plural forms as "+
					"\"key\".one = \"…\" lines (or put tables last)", lang, key, len(bad), bad[0])
			}
		}()
		for form, text := range v {
			s, ok := text.(string)
			if !ok || !slices.Contains(allForms, form) {
				bad = append(bad, form)
				continue
			}
			out[form] = s
		}
		return out
	default:
		t.Errorf("%s.toml %q: unexpected value %T", lang, key, v)
		return nil
	}
}

var (
	action = regexp.MustCompile(`\{\{(.*?)\}\}`)
	field  = regexp.MustCompile(`(?:^|[\s(|-])\.([A-Za-z_][A-Za-z0-9_]*)`)
)

// fields lists the template fields ({{.X}}) a text uses, sorted, unique.
func fields(s string) []string {
	var out []string
	for _, a := range action.FindAllStringSubmatch(s, -1) {
		for _, f := range field.FindAllStringSubmatch(a[1], -1) {
			out = append(out, f[1])
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// The files are the domain's list of languages (polku.Languages), no more
// and no fewer, and its first is the default.
func TestFilesAreTheLanguages(t *testing.T) {
	got := Files()
	langs := polku.Languages()
	if want := slices.Sorted(slices.Values(langs)); !slices.Equal(got, want) {
		t.Errorf("Files() = %v, want polku.Languages() %v: a language is its file and its code there", got, want)
	}
	if langs[0] != Default {
		t.Errorf("polku.Languages()[0] = %q, want the default %q", langs[0], Default)
	}
	for _, lang := range got {
		if _, ok := pluralForms[lang]; !ok {
			t.Errorf("%s.toml: add the language's plural forms to pluralForms in this test", lang)
		}
	}
}

func TestSameKeys(t *testing.T) {
	all := raw(t)
	langs := slices.Sorted(maps.Keys(all))
	for _, a := range langs {
		for _, b := range langs {
			if a == b {
				continue
			}
			t.Run(a+"→"+b, func(t *testing.T) {
				var missing []string
				for key := range all[a] {
					if _, ok := all[b][key]; !ok {
						missing = append(missing, key)
					}
				}
				if len(missing) > 0 {
					slices.Sort(missing)
					t.Errorf("%s.toml lacks %d key(s) that %s.toml has: %s", b, len(missing), a, strings.Join(missing, ", "))
				}
			})
		}
	}
}

func TestSameTemplateFields(t *testing.T) {
	all := raw(t)
	for _, lang := range slices.Sorted(maps.Keys(all)) {
		if lang == source {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			for _, key := range slices.Sorted(maps.Keys(all[source])) {
				v, ok := all[lang][key]
				if !ok {
					continue // TestSameKeys reports it
				}
				ref := forms(t, source, key, all[source][key])
				for form, text := range forms(t, lang, key, v) {
					want, ok := ref[form]
					if !ok {
						want = ref["other"] // a form English does not use, such as "few"
					}
					if got, want := fields(text), fields(want); !slices.Equal(got, want) {
						t.Errorf("%q (%s): fields %v, %s.toml has %v", key, form, got, source, want)
					}
				}
			}
		})
	}
}

func TestPluralForms(t *testing.T) {
	all := raw(t)
	for _, lang := range slices.Sorted(maps.Keys(all)) {
		t.Run(lang, func(t *testing.T) {
			want := pluralForms[lang]
			for _, key := range slices.Sorted(maps.Keys(all[lang])) {
				v := all[lang][key]
				_, plural := v.(map[string]any)
				if _, srcPlural := all[source][key].(map[string]any); srcPlural != plural {
					t.Errorf("%q: plural is %v here, %v in %s.toml", key, plural, srcPlural, source)
				}
				if !plural {
					continue
				}
				got := slices.Sorted(maps.Keys(forms(t, lang, key, v)))
				if !slices.Equal(got, want) {
					t.Errorf("%q: plural forms %v, %s needs exactly %v", key, got, lang, want)
				}
			}
		})
	}
}

// hasWord reports whether s contains w as a whole word (or number).
func hasWord(s, w string) bool {
	return regexp.MustCompile(`(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(w) + `($|[^\p{L}\p{N}])`).MatchString(s)
}

func TestChildrenBand(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	nouns := map[string][]string{
		"en": {"child", "children"},
		"fi": {"lapsi", "lasta"},
		"sv": {"barn"},
		"uk": {"дитина", "дитини", "дітей"},
	}
	tests := []struct {
		lang  string
		count any
		noun  string
	}{
		{"en", 1, "child"}, {"en", 2, "children"}, {"en", 5, "children"}, {"en", 21, "children"},
		{"fi", 1, "lapsi"}, {"fi", 2, "lasta"}, {"fi", 5, "lasta"}, {"fi", 21, "lasta"},
		{"sv", 1, "barn"}, {"sv", 2, "barn"}, {"sv", 5, "barn"}, {"sv", 21, "barn"},
		{"uk", 1, "дитина"}, {"uk", 2, "дитини"}, {"uk", 5, "дітей"}, {"uk", 21, "дитина"},
		{"uk", 4, "дитини"}, {"uk", 11, "дітей"}, {"uk", 12, "дітей"}, {"uk", 22, "дитини"},
		{"uk", 25, "дітей"}, {"uk", 101, "дитина"}, {"uk", "1.5", "дитини"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", tt.lang, tt.count), func(t *testing.T) {
			band := b.Message(tt.lang, "age.3-6", nil, nil)
			got := b.Message(tt.lang, "summary.children_band", map[string]any{"Band": band, "Count": tt.count}, tt.count)
			if got == "summary.children_band" {
				t.Fatalf("summary.children_band did not render for count %v", tt.count)
			}
			if n := fmt.Sprint(tt.count); !hasWord(got, n) {
				t.Errorf("%q lacks the count %s", got, n)
			}
			if !strings.Contains(got, band) {
				t.Errorf("%q lacks the age group %q", got, band)
			}
			for _, noun := range nouns[tt.lang] {
				if want := noun == tt.noun; hasWord(got, noun) != want {
					t.Errorf("%q: has %q = %v, want %v", got, noun, !want, want)
				}
			}
		})
	}
}

func TestEveryMessageRenders(t *testing.T) {
	all := raw(t)
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range b.Languages() {
		t.Run(lang, func(t *testing.T) {
			for _, key := range slices.Sorted(maps.Keys(all[lang])) {
				data := map[string]any{}
				var count any
				for _, text := range forms(t, lang, key, all[lang][key]) {
					for _, f := range fields(text) {
						data[f] = "X" + f
					}
				}
				if _, plural := all[lang][key].(map[string]any); plural {
					count, data["Count"] = 3, 3
				}
				got := b.Message(lang, key, data, count)
				if got == key && !strings.Contains(fmt.Sprint(all[lang][key]), key) {
					t.Errorf("%q did not render", key)
				}
				if strings.Contains(got, "<no value>") || strings.TrimSpace(got) == "" {
					t.Errorf("%q renders as %q", key, got)
				}
			}
		})
	}
}

func TestEndonymsAgree(t *testing.T) {
	all := raw(t)
	for key, want := range all[source] {
		if !strings.HasPrefix(key, "language.self.") && !strings.HasPrefix(key, "spoken.") || key == "spoken.other" {
			continue
		}
		for lang, m := range all {
			if got, ok := m[key]; ok && got != want {
				t.Errorf("%s.toml %q = %q, want the endonym %q as in %s.toml", lang, key, got, want, source)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ code, want string }{
		{"sv-FI", "sv"},
		{"sv", "sv"},
		{"uk", "uk"},
		{"uk-UA", "uk"},
		{"en-US", "en"},
		{"en", "en"},
		{"fi", "fi"},
		{"fi-FI", "fi"},
		{"de", "fi"},
		{"ru", "fi"},
		{"", "fi"},
		{"zz-garbage!", "fi"},
	}
	for _, tt := range tests {
		if got := b.Match(tt.code); got != tt.want {
			t.Errorf("Match(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		langs []string
		want  []string
	}{
		{"default", nil, []string{"fi", "en", "sv", "uk"}},
		{"given order", []string{"fi", "sv", "en", "uk"}, []string{"fi", "sv", "en", "uk"}},
		{"other fallback", []string{"sv", "fi"}, []string{"sv", "fi"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Load(tt.langs...)
			if err != nil {
				t.Fatal(err)
			}
			got := b.Languages()
			if tt.langs == nil {
				if got[0] != Default {
					t.Errorf("Load() languages %v, want %q first", got, Default)
				}
				if !slices.Equal(slices.Sorted(slices.Values(got)), Files()) {
					t.Errorf("Load() languages %v, want every file %v", got, Files())
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("languages %v, want %v", got, tt.want)
			}
			if got, want := b.Match("de"), tt.want[0]; got != want {
				t.Errorf("Match(\"de\") = %q, want the fallback %q", got, want)
			}
		})
	}
	if _, err := Load("fi", "xx"); err == nil {
		t.Error(`Load("fi", "xx") = nil error, want one for the missing file`)
	}
}

func TestMissingIDRendersAsID(t *testing.T) {
	b, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range append(b.Languages(), "zz") {
		const id = "no.such.message"
		if got := b.Message(lang, id, nil, nil); got != id {
			t.Errorf("Message(%q, %q) = %q, want the ID", lang, id, got)
		}
		if got := b.Message(lang, id, nil, 2); got != id {
			t.Errorf("Message(%q, %q, count 2) = %q, want the ID", lang, id, got)
		}
	}
}
