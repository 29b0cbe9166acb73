package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"polku/internal/pgtest"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConfigReportsEveryProblemTogether(t *testing.T) {
	_, err := parseConfig(env(map[string]string{
		"TELEGRAM_BOT_TOKEN":   "not-a-token",
		"POLKU_RATE_GLOBAL":    "fast",
		"POLKU_RESUME_AFTER":   "soon",
		"POLKU_LANGUAGES":      "fi,de",
		"POLKU_WEBHOOK_URL":    "https://example.invalid/hook",
		"POLKU_WEBHOOK_SECRET": "has spaces",
		"POLKU_RETENTION":      "200h",
		"POLKU_DRAFT_DAYS":     "0",
		"POLKU_LOG_FORMAT":     "xml",
	}), false)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"DATABASE_URL", "TELEGRAM_BOT_TOKEN", "POLKU_RATE_GLOBAL", "POLKU_RESUME_AFTER", `"de"`, "POLKU_WEBHOOK_SECRET", "POLKU_RETENTION", "POLKU_DRAFT_DAYS", "POLKU_LOG_FORMAT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s:\n%v", want, err)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := parseConfig(env(map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1/db"}), true)
	if err != nil {
		t.Fatal(err)
	}
	if c.GlobalRate != 30 || c.ChatRate != 1 || c.ChatBurst != 3 || c.ResumeAfter != 6*time.Hour || c.DraftDays != 30 ||
		strings.Join(c.Languages, ",") != "fi,sv,en,uk" || strings.Join(c.Municipalities, ",") != "Kuusamo,Kalajoki" || c.LogFormat != "text" {
		t.Errorf("defaults: %+v", c)
	}
	// The real bot needs a token; the console does not.
	if _, err := parseConfig(env(map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1/db"}), false); err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Errorf("serve without a token: %v", err)
	}
}

func TestHelpAndREADMEListEveryVariable(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, env(nil), nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range variables {
		if !strings.Contains(out.String(), v.Name) {
			t.Errorf("polku help does not list %s", v.Name)
		}
		if !strings.Contains(string(readme), "`"+v.Name+"`") {
			t.Errorf("README does not document %s", v.Name)
		}
	}
}

// TestConsole plays a family in the console, as a newcomer would after
// `make run`.
// consoleRun runs the console on input and returns what it wrote.
func consoleRun(t *testing.T, input string) *bytes.Buffer {
	t.Helper()
	url := pgtest.URL(t)
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, []string{"console"}, env(map[string]string{"DATABASE_URL": url, "POLKU_LOG_LEVEL": "warn"}), strings.NewReader(input), &out, &out)
	if err != nil {
		t.Fatalf("console: %v\n%s", err, out.String())
	}
	return &out
}

func TestConsole(t *testing.T) {
	out := consoleRun(t, "/start\n4\n1\n:sticker\n/language\n1\n:quit\n")
	for _, want := range []string{
		"This is NOT Telegram",
		"Hei! Olen Polku",                    // the welcome, in Finnish
		"[4] English",                        // numbered buttons
		"Which municipality do you live in?", // after switching to English and starting
		"Sorry, I can't open stickers",
		"Which language would you like to use?",
		"Missä kunnassa asut?", // asked again in Finnish
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestConfigWebhookURLMustBeHTTPS(t *testing.T) {
	base := map[string]string{
		"DATABASE_URL":         "postgres://x@127.0.0.1/db",
		"TELEGRAM_BOT_TOKEN":   "123456789:AAE2e-fake-token_for-polku-tests",
		"POLKU_WEBHOOK_SECRET": strongSecret,
	}
	for url, ok := range map[string]bool{
		"https://polku.example.fi/telegram": true,
		"HTTPS://polku.example.fi/telegram": true,
		"http://polku.example.fi/telegram":  false, // Telegram only delivers to HTTPS
		"ftp://polku.example.fi/telegram":   false,
		"https:///telegram":                 false,
		"polku.example.fi/telegram":         false,
	} {
		vars := map[string]string{"POLKU_WEBHOOK_URL": url}
		for k, v := range base {
			vars[k] = v
		}
		_, err := parseConfig(env(vars), false)
		if ok && err != nil {
			t.Errorf("%s: %v", url, err)
		}
		if !ok && (err == nil || !strings.Contains(err.Error(), "POLKU_WEBHOOK_URL")) {
			t.Errorf("%s: accepted (err %v)", url, err)
		}
	}
}

func TestConfigConsoleAnyDatabase(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "1": true} {
		c, err := parseConfig(env(map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1/db", "POLKU_CONSOLE_ANY_DATABASE": v}), true)
		if err != nil || c.ConsoleAnyDatabase != want {
			t.Errorf("POLKU_CONSOLE_ANY_DATABASE=%q: %v, %v", v, c.ConsoleAnyDatabase, err)
		}
	}
	if _, err := parseConfig(env(map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1/db", "POLKU_CONSOLE_ANY_DATABASE": "yes"}), true); err == nil || !strings.Contains(err.Error(), "POLKU_CONSOLE_ANY_DATABASE") {
		t.Errorf("POLKU_CONSOLE_ANY_DATABASE=yes: %v", err)
	}
}

// TestConsoleRefusesRemoteDatabase: the console writes demo data, so it
// runs only on a database on this computer unless told otherwise.
func TestConsoleRefusesRemoteDatabase(t *testing.T) {
	// 192.0.2.0/24 is for documentation: nothing answers there.
	remote := "postgres://polku@192.0.2.1:5432/polku?connect_timeout=1"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"console"}, env(map[string]string{"DATABASE_URL": remote}), strings.NewReader(":quit\n"), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "192.0.2.1") || !strings.Contains(err.Error(), "POLKU_CONSOLE_ANY_DATABASE=1") {
		t.Errorf("console on a remote database: %v", err)
	}
	if strings.Contains(out.String(), "This is NOT Telegram") {
		t.Errorf("the console started:\n%s", out.String())
	}
	// With the override it goes on and tries to connect, which fails here.
	err = run(ctx, []string{"console"}, env(map[string]string{"DATABASE_URL": remote, "POLKU_CONSOLE_ANY_DATABASE": "1"}), strings.NewReader(":quit\n"), &out, &out)
	if err == nil || strings.Contains(err.Error(), "POLKU_CONSOLE_ANY_DATABASE") {
		t.Errorf("console on a remote database with POLKU_CONSOLE_ANY_DATABASE=1: %v", err)
	}
}

// TestConsoleCrisisLine: the console's demo tells a family who writes a
// safety word a (fictional) crisis line beside 112.
func TestConsoleCrisisLine(t *testing.T) {
	out := consoleRun(t, "/start\n:new\nMieheni lyö minua.\n:quit\n")
	for _, want := range []string{"112", "Esimerkkikriisipuhelin 0800 000 000 (kuvitteellinen)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestConsoleNewFamilyAcrossRuns: a family made with :new starts from the
// beginning even when an earlier console run on the same database made one.
func TestConsoleNewFamilyAcrossRuns(t *testing.T) {
	url := pgtest.URL(t)
	vars := env(map[string]string{"DATABASE_URL": url, "POLKU_LOG_LEVEL": "warn"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	// The first run's new family switches to English.
	if err := run(ctx, []string{"console"}, vars, strings.NewReader(":new\n/start\n4\n:quit\n"), &out, &out); err != nil {
		t.Fatalf("console: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Hello! I'm Polku") {
		t.Fatalf("the first run's new family did not switch to English:\n%s", out.String())
	}
	time.Sleep(2 * time.Millisecond) // :new's IDs come from the clock
	out.Reset()
	if err := run(ctx, []string{"console"}, vars, strings.NewReader(":new\n/start\n:quit\n"), &out, &out); err != nil {
		t.Fatalf("console: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Hei! Olen Polku") {
		t.Errorf("the second run's new family is not greeted as new, in Finnish:\n%s", out.String())
	}
}

// TestLoggerMasksSecrets: whatever reaches the process's log, the token and
// the webhook secret are masked (the net under libraries' errors).
func TestLoggerMasksSecrets(t *testing.T) {
	const token, secret = "123456789:AAsecret-part-of-the-token", "webhook-secret-0123456789abcdefghijklmnop"
	for _, format := range []string{"json", "text"} {
		var buf strings.Builder
		log := newLogger(config{Token: token, WebhookSecret: secret, LogFormat: format, LogLevel: "info"}, &buf)
		log.Error("download failed", "err", errors.New(`Get "https://api.telegram.org/file/bot`+token+`/x": EOF`), "secret", secret)
		if strings.Contains(buf.String(), "AAsecret-part") || strings.Contains(buf.String(), secret) {
			t.Errorf("%s log holds a secret: %s", format, buf.String())
		}
	}
}
