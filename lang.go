package polku

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
