package flows

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
// hyphens) nor variation selectors (the U+FE0F of "⬅️", which a keyboard
// may or may not send). A capital dotted İ, from a Turkish keyboard with
// caps lock, folds to a plain i.
func Fold(s string) string {
	// Decomposed first, so that folding sees every mark, and an invisible
	// character between a letter and its mark cannot keep them apart.
	s = cases.Fold().String(norm.NFD.String(s))
	s = strings.ReplaceAll(s, "i\u0307", "i")
	s = strings.Map(func(r rune) rune {
		if invisible(r) || unicode.Is(unicode.Variation_Selector, r) {
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

// Clean is free text as Polku keeps it: valid UTF-8 in NFC, without
// control and invisible characters, every run of white space (line breaks
// included) one space, trimmed. The zero-width joiner stays only inside an
// emoji sequence, where it is part of what is seen: 👨‍👩‍👧 is one family.
func Clean(s string) string {
	s = norm.NFC.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	var prev rune
	for i, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r):
			continue
		case r == '\u200d':
			next, _ := utf8.DecodeRuneInString(s[i+len("\u200d"):])
			if !emoji(prev) || !emoji(next) {
				continue
			}
		case invisible(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// emoji reports whether r can stand on either side of a zero-width joiner
// in an emoji sequence: a symbol, the emoji presentation selector or a skin
// tone.
func emoji(r rune) bool {
	return r >= utf8.RuneSelf && unicode.Is(unicode.So, r) || r == '\ufe0f' || r >= 0x1f3fb && r <= 0x1f3ff
}

// singleQuotes turns double quotation marks into single ones.
var singleQuotes = strings.NewReplacer(
	`"`, "'", "“", "‘", "”", "’", "„", "‚", "‟", "‛", "«", "‹", "»", "›", "＂", "＇",
)

// Quotable is free text ready to be shown inside the locale's quotation
// marks, on one line: Clean, with its own double quotation marks made
// single, so that the family's words cannot seem to close the quote and go
// on as the bot's; at most max characters, the last an ellipsis when cut.
func Quotable(s string, max int) string {
	s = singleQuotes.Replace(Clean(s))
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			s = s[:i]
			break
		}
		n++
	}
	// Cut inside an emoji sequence or after a word, no joiner or space
	// is left dangling before the ellipsis.
	return strings.TrimRight(s, " \u200d") + "…"
}

// Telling reports whether a text typed where a button was expected is
// something told to a person rather than a stray reply: three words or
// more, or 20 letters (a script without spaces between words). "ok", "?",
// "7" or "Kuusamo" are not; "we have had a very hard time" is.
func Telling(s string) bool {
	words, letters := 0, 0
	for _, w := range strings.Fields(s) {
		n := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				n++
			}
		}
		if n > 0 {
			words++
		}
		letters += n
	}
	return words >= 3 || letters >= 20
}
