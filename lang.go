package polku

import "slices"

// Spoken lists the languages a family can say they are comfortable in, as
// BCP 47 codes; "other" stands for any language not listed.
var Spoken = []string{"fi", "sv", "en", "uk", "ru", "ar", "so", "other"}

// Localized is a text in several languages, keyed by BCP 47 base code.
type Localized map[string]string

// In returns the text in lang, falling back to Finnish and then to any
// language present.
func (l Localized) In(lang string) string {
	if s := l[lang]; s != "" {
		return s
	}
	if s := l["fi"]; s != "" {
		return s
	}
	keys := make([]string, 0, len(l))
	for k, v := range l {
		if v != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return l[keys[0]]
}

// Languages returns the languages Polku speaks with families, the default
// (Finnish) first, as BCP 47 base codes: the intake's default offer, the
// catalogue file's title and description columns and the default of
// POLKU_LANGUAGES. Each has a message file in locales (a test there
// checks), so adding a language is adding its file and its code here.
//
// The list lives in the domain rather than in locales because flows and
// catalog need it and may import only the domain (see imports_test.go).
// It is a new slice each time, so no caller can change another's.
func Languages() []string { return []string{"fi", "sv", "en", "uk"} }
