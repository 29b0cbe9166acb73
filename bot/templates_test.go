package bot

import (
	"strings"
	"testing"

	"polku/locales"
)

// TestTemplatesSpeakAsTheBot: the built-in reply templates exist in every
// language and name the coordinator as the bot itself does (the Swedish
// bot says samordnare, never koordinator).
func TestTemplatesSpeakAsTheBot(t *testing.T) {
	ts, err := ReadTemplates("")
	if err != nil {
		t.Fatal(err)
	}
	b, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	// The stems of the bot's word, and of a word it does not use.
	words := map[string]struct{ bot, not string }{
		"fi": {"koordinaattor", ""},
		"sv": {"samordnar", "koordinator"},
		"en": {"coordinator", ""},
		"uk": {"координатор", ""},
	}
	for _, lang := range b.Languages() {
		w, ok := words[lang]
		if !ok {
			t.Errorf("no word for the coordinator in %s", lang)
			continue
		}
		if bot := strings.ToLower(b.Message(lang, "talk.open", nil, nil)); !strings.Contains(bot, w.bot) {
			t.Errorf("%s: the bot does not say %q: %q", lang, w.bot, bot)
		}
		if hello := strings.ToLower(ts["hello"][lang]); !strings.Contains(hello, w.bot) {
			t.Errorf("%s: the hello template does not say %q: %q", lang, w.bot, hello)
		}
		for name, langs := range ts {
			text, ok := langs[lang]
			switch {
			case !ok:
				t.Errorf("template %s has no %s", name, lang)
			case w.not != "" && strings.Contains(strings.ToLower(text), w.not):
				t.Errorf("template %s (%s) says %q, the bot %q: %q", name, lang, w.not, w.bot, text)
			}
		}
	}
}
