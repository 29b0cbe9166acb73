package flows

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Text hygiene: how what a family types is compared with the bot's words,
// and how it is kept and shown to the coordinators.
//
// Phones and copy-paste send the same words as different code points: "ä"
// as one letter, or as "a" and a combining diaeresis (U+0308); with
// invisible format characters in between (bidi marks from a right-to-left
// keyboard, zero-width spaces from a web page). Compared, such texts must
// be equal. Kept and shown, the invisible characters must go: a
// right-to-left override or a line break in a family's words could make
// them look like the bot's own lines in the case summary.
//
// This lives here and not in the root package because normalization needs
// golang.org/x/text, and the root package imports only the standard
// library; it hands the root package Fold where it compares (SafetyWords).

// Fold makes text comparable, never showable: canonical composition (NFC),
// Unicode case folding (full folding, so "ß" is "ss" and "ﬁ" is "fi"), and
// no invisible characters (bidi controls, zero-width characters, soft
// hyphens). A capital dotted İ, from a Turkish keyboard with caps lock,
// folds to a plain i.
func Fold(s string) string {
	// Decomposed first, so that folding sees every mark, and an invisible
	// character between a letter and its mark cannot keep them apart.
	s = cases.Fold().String(norm.NFD.String(s))
	s = strings.ReplaceAll(s, "i\u0307", "i")
	s = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFC.String(s)
}

// invisible reports whether r is a format character (bidi controls
// U+200E/F, U+202A–U+202E, U+2066–U+2069, U+061C; zero-width U+200B–U+200D,
// U+2060, U+FEFF; the soft hyphen; tag characters) or another character
// Unicode says to ignore when it cannot be shown (Hangul fillers, the
// combining grapheme joiner).
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r)
}
