package bot

import (
	"strings"
	"testing"
	"time"

	"polku"
	"polku/flows"
	"polku/locales"
)

// TestTypedButton checks that a typed label finds its button however the
// keyboard wrote it: in another case, decomposed (a + U+0308, as some
// keyboards and copy-paste send it), with invisible characters, without
// the emoji.
func TestTypedButton(t *testing.T) {
	loc, err := locales.Load(polku.Languages()...)
	if err != nil {
		t.Fatal(err)
	}
	r := renderer{loc: loc}
	ask := flows.Reply{Inline: [][]flows.Button{
		{{Label: flows.T("privacy.yes"), Payload: "yes"}, {Label: flows.T("privacy.no"), Payload: "no"}},
		{{Label: flows.T("menu.change"), Payload: "change"}},
		{{Label: flows.T("municipality.other"), Payload: "other"}},
		{{Label: flows.T("button.back"), Payload: "back"}}, // "⬅️ …": an emoji with U+FE0F
		{{Label: flows.T("menu.privacy")}},                 // no payload: never typed
	}}
	tests := []struct {
		lang, typed, want string
	}{
		{"fi", "✅ Hyväksyn", "yes"},
		{"fi", "hyväksyn", "yes"},
		{"fi", "HYVA\u0308KSYN", "yes"},
		{"fi", "hyva\u0308ksyn", "yes"},
		{"fi", "hyvaksyn", ""}, // a is not ä
		{"sv", "jag godka\u0308nner", "yes"},
		{"sv", "Na\u030agon annanstans", "other"},
		{"uk", "Змінити мо\u0456\u0308 відповіді", "change"},
		{"uk", "змінити мої відповіді", "change"},
		{"en", "SOMEWHERE\u200b ELSE", "other"},
		{"en", "\u202esomewhere else\u202c", "other"},
		{"en", "Back", "back"},
		{"en", "⬅ back", "back"},
		{"fi", "takaisin", "back"},
		{"en", "privacy", ""},
		{"en", "🔒", ""},
	}
	for _, tt := range tests {
		got, ok := r.typedButton(tt.lang, ask, tt.typed)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: typed %q gives %q, %v; want %q", tt.lang, tt.typed, got, ok, tt.want)
		}
	}
}

// TestHelpListsEveryCommand: /help and the answer to an unknown command
// name every command registered with Telegram (setMyCommands), in every
// language.
func TestHelpListsEveryCommand(t *testing.T) {
	loc, err := locales.Load(polku.Languages()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range loc.Languages() {
		for _, id := range []string{"usage.text", "input.unknown_command"} {
			text := loc.Message(lang, id, nil, nil)
			for _, c := range flows.Commands {
				if !strings.Contains(text, "/"+c) {
					t.Errorf("%s %s does not name /%s", lang, id, c)
				}
			}
		}
	}
}

// TestDates checks that every language writes a date so it cannot be
// misread: English names the month, and a date outside the current year
// has its year.
func TestDates(t *testing.T) {
	loc, err := locales.Load(polku.Languages()...)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC)
	r := renderer{loc: loc, tz: time.UTC}.at(now)
	thisYear := time.Date(2026, 12, 10, 17, 0, 0, 0, time.UTC)
	nextYear := time.Date(2027, 5, 31, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang      string
		at        time.Time
		day, span string
	}{
		{"en", thisYear, "Thu 10 Dec", "Thu 10 Dec, 17:00–18:30"},
		{"en", nextYear, "Mon 31 May 2027", "Mon 31 May 2027, 0:00–1:30"},
		{"fi", thisYear, "to 10.12.", "to 10.12. klo 17.00–18.30"},
		{"fi", nextYear, "ma 31.5.2027", "ma 31.5.2027 klo 0.00–1.30"},
		{"sv", nextYear, "mån 31.5.2027", "mån 31.5.2027 kl. 0.00–1.30"},
		{"uk", thisYear, "чт 10.12", "чт 10.12, 17:00–18:30"},
		{"uk", nextYear, "пн 31.5.2027", "пн 31.5.2027, 0:00–1:30"},
	} {
		if got := r.when(tc.lang, flows.When{Start: tc.at, Day: true}); got != tc.day {
			t.Errorf("%s %v: day %q, want %q", tc.lang, tc.at, got, tc.day)
		}
		if got := r.when(tc.lang, flows.When{Start: tc.at, End: tc.at.Add(90 * time.Minute)}); got != tc.span {
			t.Errorf("%s %v: span %q, want %q", tc.lang, tc.at, got, tc.span)
		}
	}
}
