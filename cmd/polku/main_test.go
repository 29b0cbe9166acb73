package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"polku/flows"
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
		"POLKU_LOG_FORMAT":     "xml",
	}), false)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"DATABASE_URL", "TELEGRAM_BOT_TOKEN", "POLKU_RATE_GLOBAL", "POLKU_RESUME_AFTER", `"de"`, "POLKU_WEBHOOK_SECRET", "POLKU_RETENTION", "POLKU_LOG_FORMAT"} {
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
	if c.GlobalRate != 30 || c.ChatRate != 1 || c.ChatBurst != 3 || c.ResumeAfter != 6*time.Hour ||
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

func TestFlowDiagramIsCurrent(t *testing.T) {
	dir := t.TempDir()
	if err := writeFlows([]string{dir}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	fresh, _ := os.ReadFile(dir + "/flow-intake.md")
	kept, err := os.ReadFile("../../docs/flow-intake.md")
	if err != nil || !bytes.Equal(fresh, kept) {
		t.Errorf("docs/flow-intake.md is stale: run `make flows` (err %v)", err)
	}
	readme, _ := os.ReadFile("../../README.md")
	d, _ := flows.Diagram()
	if got, ok := withFlow(string(readme), d); !ok || got != string(readme) {
		t.Errorf("the intake flow in README.md is stale or its markers are gone: run `make flows`")
	}
}

// TestConsole plays a family in the console, as a newcomer would after
// `make run`.
func TestConsole(t *testing.T) {
	url := pgtest.URL(t)
	in := strings.NewReader("/start\n4\n1\n1\n:sticker\n/language\n1\n:quit\n")
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := run(ctx, []string{"console"}, env(map[string]string{"DATABASE_URL": url, "POLKU_LOG_LEVEL": "warn"}), in, &out, &out)
	if err != nil {
		t.Fatalf("console: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"This is NOT Telegram",
		"Hei! Olen Polku",                    // the welcome, in Finnish
		"[4] English",                        // numbered buttons
		"Which municipality do you live in?", // after switching to English and agreeing
		"Sorry, I can't open stickers",
		"Which language would you like to use?",
		"Missä kunnassa asut?", // asked again in Finnish
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output lacks %q:\n%s", want, out.String())
		}
	}
}
