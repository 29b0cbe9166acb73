package main

import (
	"strings"
	"testing"

	"polku/locales"
)

// TestProviderSettings: the providers' link days and checks per hour are
// whole numbers within their bounds, reported with every other problem.
func TestProviderSettings(t *testing.T) {
	base := map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1/db"}
	c, err := parseConfig(env(base), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Coordinators.ProviderLinkDays != 7 || c.Coordinators.VerifyPerHour != 60 {
		t.Errorf("defaults: link days %d, checks per hour %d; want 7 and 60", c.Coordinators.ProviderLinkDays, c.Coordinators.VerifyPerHour)
	}
	for _, ok := range []map[string]string{
		{"POLKU_PROVIDER_LINK_DAYS": "1", "POLKU_VERIFY_PER_HOUR": "1"},
		{"POLKU_PROVIDER_LINK_DAYS": "90", "POLKU_VERIFY_PER_HOUR": "10000"},
	} {
		for k, v := range base {
			ok[k] = v
		}
		if _, err := parseConfig(env(ok), true); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
	for _, bad := range []struct{ days, checks string }{{"0", "0"}, {"91", "10001"}, {"7d", "many"}, {"-1", "1.5"}} {
		_, err := parseConfig(env(map[string]string{"DATABASE_URL": base["DATABASE_URL"], "POLKU_RATE_GLOBAL": "fast",
			"POLKU_PROVIDER_LINK_DAYS": bad.days, "POLKU_VERIFY_PER_HOUR": bad.checks}), true)
		for _, want := range []string{"POLKU_RATE_GLOBAL", "POLKU_PROVIDER_LINK_DAYS: want a whole number 1–90", "POLKU_VERIFY_PER_HOUR: want a whole number 1–10000"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%+v: error %v does not say %q", bad, err, want)
			}
		}
	}
}

// TestTemplatesSpeakAsTheBot: the built-in reply templates exist in every
// language and name the coordinator as the bot itself does (the Swedish
// bot says samordnare, never koordinator).
func TestTemplatesSpeakAsTheBot(t *testing.T) {
	ts, err := readTemplates("")
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
