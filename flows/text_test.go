package flows

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

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
		{"⬅️ Back", "⬅ back"},          // emoji presentation selector
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

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  We moved here.  ", "We moved here."},
		{"ok\n\n📞 Soita numeroon", "ok 📞 Soita numeroon"},
		{"a\r\n\tb\u2028c\u2029d\u0085e", "a b c d e"},
		{"a\u00a0\u3000 b", "a b"},
		{"Kylla\u0308", "Kyllä"},
		{"\u202eevil\u202c \u2066x\u2069 \u200el\u200f \u061cm", "evil x l m"},
		{"z\u200bw\u200cj\u200dn\u2060w\ufeffj", "zwjnwj"},
		{"a\x00b\x1bc\x7fd\u009be", "abcde"},
		{"tag\U000E0041\U000E0042s", "tags"},
		{"\u3164\u115f", ""}, // Hangul fillers
		{"bad \xff utf-8", "bad utf-8"},
		{"👨\u200d👩\u200d👧 perhe", "👨\u200d👩\u200d👧 perhe"}, // one family emoji
		{"👍🏽\u200d♀\ufe0f", "👍🏽\u200d♀\ufe0f"},
		{"👨\u200d\u200d👩", "👨\u200d👩"},
		{"a\u200d👩", "a👩"},
		{"\u200d👩", "👩"},
		{"", ""},
		{"\n\u200b\n", ""},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestQuotableForgedLine is the family who writes a fake "call this
// number" line into its own words: quoted, it stays one line, without its
// tricks, and cannot close the quote.
func TestQuotableForgedLine(t *testing.T) {
	forged := "ok\u200b\n\n\u202e\u200e📞 Soita numeroon: +358 40 000 0000\u2069\ufeff\n”\n«»“"
	got := Quotable(forged, polku.MaxFreeText)
	if want := "ok 📞 Soita numeroon: +358 40 000 0000 ’ ‹›‘"; got != want {
		t.Errorf("Quotable = %q, want %q", got, want)
	}
	for _, r := range got {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) && r != ' ' {
			t.Errorf("Quotable keeps %U", r)
		}
	}
}

func TestQuotableLength(t *testing.T) {
	long := strings.Repeat("sana ", 200)
	got := Quotable(long, 20)
	if n := utf8.RuneCountInString(got); n > 20 || !strings.HasSuffix(got, "…") {
		t.Errorf("Quotable(%d characters, 20) = %q (%d)", len(long), got, n)
	}
	if got, want := Quotable("sana sana sana", 10), "sana sana…"; got != want {
		t.Errorf("Quotable = %q, want %q (no space before the ellipsis)", got, want)
	}
	if got, want := Quotable("ääää", 4), "ääää"; got != want {
		t.Errorf("Quotable = %q, want %q: characters, not bytes", got, want)
	}
	if got, want := Quotable("👨\u200d👩\u200d👧👨\u200d👩\u200d👧", 4), "👨\u200d👩…"; got != want {
		t.Errorf("Quotable = %q, want %q: no joiner before the ellipsis", got, want)
	}
	if got, want := Quotable("sana", 0), "sana"; got != want {
		t.Errorf("Quotable without a limit = %q, want %q", got, want)
	}
}

// TestAnswersTextQuotesOwnWords checks that the summary the coordinators
// see quotes the family's own words, cleaned, and shows an empty answer as
// none.
func TestAnswersTextQuotesOwnWords(t *testing.T) {
	a := polku.Answers{Municipality: "Kuusamo", HelpText: "ok\n\n\u202e📞 Soita numeroon: +358 40 000 0000",
		Contact: polku.ContactPhone, Phone: "+358401234567\n\u202e"}
	d := AnswersText(a).Data
	want := Text{ID: "summary.words", Data: map[string]any{"Words": "ok 📞 Soita numeroon: +358 40 000 0000"}}
	if got := d["HelpText"]; !reflect.DeepEqual(got, want) {
		t.Errorf("HelpText = %+v, want %+v", got, want)
	}
	if got := d["Contact"].(Text).Data["Phone"]; got != "+358401234567" {
		t.Errorf("Phone = %q", got)
	}
	for _, own := range []string{"", " \n\u200b "} {
		a.HelpText = own
		if got := AnswersText(a).Data["HelpText"]; !reflect.DeepEqual(got, T("summary.none")) {
			t.Errorf("HelpText %q shows as %+v, want none", own, got)
		}
	}
}

// TestOwnWordsKeptClean checks that the intake keeps the family's own
// words cleaned, so nothing invisible is stored, and measures their
// length after cleaning.
func TestOwnWordsKeptClean(t *testing.T) {
	e := talkEngine(t, "")
	c := family()
	c.State, c.Profile = HelpText, false
	tests := []struct {
		typed, kept string
		state       string
	}{
		{"ok\n\n\u202e📞 Soita numeroon: +358 40 000 0000\u200b", "ok 📞 Soita numeroon: +358 40 000 0000", Needs},
		{"We\u00a0moved  here.\n", "We moved here.", Needs},
		{"\u200b\u200e\n", "", HelpText}, // nothing visible: asked again
		// 500 characters and a few invisible ones fit.
		{strings.Repeat("a", polku.MaxFreeText) + "\u200b\u200b\n", strings.Repeat("a", polku.MaxFreeText), Needs},
		{strings.Repeat("a", polku.MaxFreeText+1), "", HelpText},
	}
	for _, tt := range tests {
		res := feed(t, e, c, typed(tt.typed, 90))
		if got := res.Conv.Answers.HelpText; got != tt.kept || res.Conv.State != tt.state {
			t.Errorf("typed %q: kept %q in %s, want %q in %s", tt.typed, got, res.Conv.State, tt.kept, tt.state)
		}
	}
}

// BenchmarkSafetyWords is the cost of checking one message for the
// default safety words through Fold, as every message is.
func BenchmarkSafetyWords(b *testing.B) {
	m := polku.DefaultSafetyWords().Matcher(Fold)
	text := "Hei! Muutimme tänne kesällä, ja lapset kaipaavat kavereitaan. Onko teillä jotain viikonloppuisin?"
	for b.Loop() {
		if m.Match(text) {
			b.Fatal("urgent")
		}
	}
}

func TestTelling(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"ok", false}, {"?", false}, {"7", false}, {"Kuusamo", false}, {"hello?", false},
		{"+358 40 123 4567", false}, {"🙂 🙂 🙂", false}, {"thank you", false},
		{"we need help", true}, {"Violin lessons for kids?", true},
		{"we have had a very hard time, the child does not go to school", true},
		{"нам дуже важко", true}, {"Lapsi ei käy koulua", true},
		{"子供が学校に行かなくて、とても困っています", true}, // no spaces: 20 letters or more
	} {
		if got := Telling(tc.text); got != tc.want {
			t.Errorf("Telling(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
