package flows

import (
	"testing"

	"polku"
)

func TestFold(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Hyvinvointi", "HYVINVOINTI"},
		{"Kyllä", "KYLLA\u0308"}, // decomposed Ä
		{"Någon annanstans", "NA\u030aGON ANNANSTANS"},
		{"Övergrepp", "o\u0308vergrepp"},
		{"Її", "І\u0308і\u0308"},     // Ukrainian ї decomposed
		{"Й", "и\u0306"},             // й decomposed
		{"ґанок", "ҐАНОК"},           // ґ has no decomposition: only case
		{"straße", "STRASSE"},        // full case folding
		{"ﬁka", "fika"},              // a ligature
		{"itsetuho", "İTSETUHO"},     // a Turkish keyboard's capital İ
		{"start", "st\u200bart"},     // zero-width space
		{"menu", "\u200emenu\u200f"}, // bidi marks
		{"Kuusamo", "\u2066Kuusamo\u2069"},
		{"Kalajoki", "Kala\u00adjoki"}, // soft hyphen
	}
	for _, tt := range tests {
		if a, b := Fold(tt.a), Fold(tt.b); a != b {
			t.Errorf("Fold(%q) = %q, Fold(%q) = %q: want equal", tt.a, a, tt.b, b)
		}
	}
	for _, tt := range []struct{ a, b string }{{"Kyllä", "Kylla"}, {"ї", "і"}, {"ґ", "г"}, {"å", "a"}} {
		if Fold(tt.a) == Fold(tt.b) {
			t.Errorf("Fold(%q) = Fold(%q): different letters are equal", tt.a, tt.b)
		}
	}
}

// TestSafetyWordsFold checks the safety words through Fold, as the engine
// matches them: decomposed letters of all four languages, and of a
// language a service adds (Arabic, whose hamza composes).
func TestSafetyWordsFold(t *testing.T) {
	w := polku.DefaultSafetyWords()
	w["ar"] = []string{"أذى"}
	for _, text := range []string{
		"PERHEVA\u0308KIVALTAA", "va\u0308kivaltaa", "Minua on hyva\u0308ksika\u0308ytetty",
		"Det finns va\u030ald hemma", "sexuella O\u0308VERGREPP", "do\u0308dshot",
		"SELF\u2011HARM", "I DON\u2019T WANT TO LIVE", "sui\u200bcide",
		"думки про суі\u0308цид", "СУІ\u0308ЦИД", "мене побили", "Тато бʹє мене", "зҐвалтував",
		"ا\u0654ذى جسدي",
	} {
		if !w.Match(text, Fold) {
			t.Errorf("%q is not urgent", text)
		}
	}
	for _, text := range []string{"Lapset soittavat lyo\u0308ma\u0308soittimia", "I want to diet", "Насилу встигли"} {
		if w.Match(text, Fold) {
			t.Errorf("%q is urgent", text)
		}
	}
}
