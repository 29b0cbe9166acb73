package bot

import (
	"strings"
	"testing"

	"polku/flows"
	"polku/locales"
)

// TestTypedButton checks that a typed label finds its button however the
// keyboard wrote it: in another case, decomposed (a + U+0308, as some
// keyboards and copy-paste send it), with invisible characters, without
// the emoji.
func TestTypedButton(t *testing.T) {
	loc, err := locales.Load("fi", "sv", "en", "uk")
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
	loc, err := locales.Load("fi", "sv", "en", "uk")
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
