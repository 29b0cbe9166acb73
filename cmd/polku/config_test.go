package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"polku"
	"polku/store"
)

// strongSecret is a webhook secret the configuration accepts.
const strongSecret = "Xq3v_9-ZfXlP0aW7bRt2YcNm8uHs4DgE"

// serveEnv is a valid environment of `polku serve` with the webhook,
// changed by vars.
func serveEnv(vars map[string]string) func(string) string {
	all := map[string]string{
		"DATABASE_URL":         "postgres://x@127.0.0.1/db",
		"TELEGRAM_BOT_TOKEN":   "123456789:AAE2e-fake-token_for-polku-tests",
		"POLKU_WEBHOOK_URL":    "https://polku.example.fi/telegram",
		"POLKU_WEBHOOK_SECRET": strongSecret,
	}
	maps.Copy(all, vars)
	return env(all)
}

// TestConfigNumbers: counts are whole numbers within their range, rates
// decimals above 0 and bounded; every bad value is reported in one error.
func TestConfigNumbers(t *testing.T) {
	counts := []string{"POLKU_WORKERS", "POLKU_SENDERS", "POLKU_RATE_CHAT_BURST", "POLKU_CARD_DAYS", "POLKU_CARD_VISITS"}
	rates := []string{"POLKU_RATE_GLOBAL", "POLKU_RATE_CHAT"}
	for _, c := range []struct {
		value string
		// ok are the settings that take value.
		ok []string
	}{
		{"0.5", rates},
		{"-1", nil},
		{"1e3", rates},
		{"", append(counts, rates...)}, // unset: the defaults
		{"99999999999999999999", nil},
		{"1e400", nil},
		{"eight", nil},
		{"8 workers", nil},
		{"NaN", nil},
		{"Inf", nil},
		{"0", []string{"POLKU_CARD_VISITS"}},
		{"257", append(rates, "POLKU_RATE_CHAT_BURST", "POLKU_CARD_DAYS", "POLKU_CARD_VISITS")}, // workers and senders: 1–256
	} {
		vars := map[string]string{}
		for _, name := range append(counts, rates...) {
			vars[name] = c.value
		}
		_, err := parseConfig(serveEnv(vars), false)
		for _, name := range append(counts, rates...) {
			reported := err != nil && strings.Contains(err.Error(), fmt.Sprintf("%s: want", name))
			if want := !slices.Contains(c.ok, name); reported != want {
				t.Errorf("%s=%q: reported %v, want %v (error: %v)", name, c.value, reported, want, err)
			}
		}
	}
	c, err := parseConfig(serveEnv(map[string]string{"POLKU_WORKERS": "256", "POLKU_RATE_CHAT_BURST": "10000", "POLKU_RATE_CHAT": "0.5",
		"POLKU_RATE_GLOBAL": "100000", "POLKU_CARD_DAYS": "1", "POLKU_CARD_VISITS": "0"}), false)
	if err != nil || c.Workers != 256 || c.ChatBurst != 10000 || c.ChatRate != 0.5 || c.GlobalRate != 100000 ||
		c.Coordinators.CardDays != 1 || c.Coordinators.CardVisits != 0 {
		t.Errorf("the bounds: %v, %+v", err, c)
	}
	_, err = parseConfig(serveEnv(map[string]string{"POLKU_WORKERS": "0.5"}), false)
	if err == nil || !strings.Contains(err.Error(), `POLKU_WORKERS: want a whole number 1–256, got "0.5"`) {
		t.Errorf("POLKU_WORKERS=0.5: %v", err)
	}
}

// TestConfigRetention: the defaults, 0 turning a rule off, and every value
// out of range reported together.
func TestConfigRetention(t *testing.T) {
	c, err := parseConfig(serveEnv(nil), false)
	if want := (store.Retention{InactiveMonths: 24, CasesMonths: 12, SignUpsDays: 90, CardsDays: 90, AuditYears: 5}); err != nil || c.Retain != want {
		t.Errorf("defaults: %+v, %v; want %+v", c.Retain, err, want)
	}
	names := []string{"POLKU_RETAIN_INACTIVE_MONTHS", "POLKU_RETAIN_CASES_MONTHS", "POLKU_RETAIN_SIGNUPS_DAYS", "POLKU_RETAIN_CARDS_DAYS", "POLKU_RETAIN_AUDIT_YEARS"}
	off := map[string]string{}
	for _, n := range names {
		off[n] = "0"
	}
	if c, err := parseConfig(serveEnv(off), false); err != nil || c.Retain != (store.Retention{}) {
		t.Errorf("all 0: %+v, %v; want every rule off", c.Retain, err)
	}
	c, err = parseConfig(serveEnv(map[string]string{"POLKU_RETAIN_INACTIVE_MONTHS": "120", "POLKU_RETAIN_CASES_MONTHS": "1",
		"POLKU_RETAIN_SIGNUPS_DAYS": "3650", "POLKU_RETAIN_CARDS_DAYS": "7", "POLKU_RETAIN_AUDIT_YEARS": "50"}), false)
	if want := (store.Retention{InactiveMonths: 120, CasesMonths: 1, SignUpsDays: 3650, CardsDays: 7, AuditYears: 50}); err != nil || c.Retain != want {
		t.Errorf("the bounds: %+v, %v; want %+v", c.Retain, err, want)
	}
	for _, bad := range [][]string{{"-1", "-1", "-1", "-1", "-1"}, {"121", "121", "3651", "3651", "51"}, {"two", "1.5", "90d", "1e2", " - "}} {
		vars := map[string]string{}
		for i, n := range names {
			vars[n] = bad[i]
		}
		_, err := parseConfig(serveEnv(vars), false)
		for _, n := range names {
			if err == nil || !strings.Contains(err.Error(), n+": want a whole number") {
				t.Errorf("%s=%q not reported: %v", n, vars[n], err)
			}
		}
	}
}

// TestConfigWebhookSecret: the secret is long enough that guessing it is
// hopeless; the error says how to make one and never shows the value.
func TestConfigWebhookSecret(t *testing.T) {
	for secret, ok := range map[string]bool{
		strongSecret:                     true,
		strongSecret[:31]:                false,
		"a":                              false,
		"ab":                             false,
		strings.Repeat("A", 256):         true,
		strings.Repeat("A", 257):         false,
		strongSecret[:31] + " ":          false, // trimmed: 31
		strongSecret[:31] + "!":          false,
		strongSecret[:31] + "ä":          false,
		strings.Repeat("_-", 16):         true,
		"":                               false,
		"0123456789abcdefghijABCDEFGHIJ": false,
	} {
		_, err := parseConfig(serveEnv(map[string]string{"POLKU_WEBHOOK_SECRET": secret}), false)
		if ok && err != nil {
			t.Errorf("secret of %d: %v", len(secret), err)
		}
		if !ok {
			if err == nil || !strings.Contains(err.Error(), "POLKU_WEBHOOK_SECRET") || !strings.Contains(err.Error(), "`polku secret`") {
				t.Errorf("secret of %d characters: %v", len(secret), err)
			} else if len(secret) >= 8 && strings.Contains(err.Error(), secret) {
				t.Errorf("the error shows the secret: %v", err)
			}
		}
	}
}

// TestSecretCommand: `polku secret` prints a new secret the configuration
// takes, different every time.
func TestSecretCommand(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		var out bytes.Buffer
		if err := run(context.Background(), []string{"secret"}, env(nil), nil, &out, &out); err != nil {
			t.Fatal(err)
		}
		s := strings.TrimSuffix(out.String(), "\n")
		if !secretRE.MatchString(s) || len(s) != 64 || seen[s] {
			t.Fatalf("polku secret printed %q", out.String())
		}
		seen[s] = true
		if _, err := parseConfig(serveEnv(map[string]string{"POLKU_WEBHOOK_SECRET": s}), false); err != nil {
			t.Errorf("the configuration refuses what polku secret made: %v", err)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"help"}, env(nil), nil, &out, &out); err != nil || !strings.Contains(out.String(), "secret ") {
		t.Errorf("polku help does not tell of polku secret: %v\n%s", err, out.String())
	}
}

// TestConfigListeners: the webhook's address is checked only for the
// webhook; /healthz and /metrics have their own address, or none.
func TestConfigListeners(t *testing.T) {
	c, err := parseConfig(serveEnv(nil), false)
	if err != nil || c.Listen != ":8080" || c.OpsListen != "127.0.0.1:8081" || c.opsShared() || c.WebhookPath != "/telegram" {
		t.Errorf("defaults: %v, %q %q %q", err, c.Listen, c.OpsListen, c.WebhookPath)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[0].String() != "127.0.0.0/8" || c.TrustedProxies[1].String() != "::1/128" {
		t.Errorf("trusted proxies: %v", c.TrustedProxies)
	}
	c, err = parseConfig(serveEnv(map[string]string{"POLKU_OPS_LISTEN": "off"}), false)
	if err != nil || c.OpsListen != "" {
		t.Errorf("POLKU_OPS_LISTEN=off: %v, %q", err, c.OpsListen)
	}
	c, err = parseConfig(serveEnv(map[string]string{"POLKU_OPS_LISTEN": ":8080"}), false)
	if err != nil || !c.opsShared() {
		t.Errorf("POLKU_OPS_LISTEN=POLKU_LISTEN: %v, shared %v", err, c.opsShared())
	}
	// Polling: POLKU_LISTEN is not used, so not checked.
	polling := map[string]string{"POLKU_WEBHOOK_URL": "", "POLKU_WEBHOOK_SECRET": "", "POLKU_LISTEN": "nonsense", "POLKU_OPS_LISTEN": ":8080"}
	if c, err := parseConfig(serveEnv(polling), false); err != nil || c.opsShared() {
		t.Errorf("polling: %v, shared %v", err, c.opsShared())
	}
	for _, bad := range []map[string]string{
		{"POLKU_LISTEN": "8080"},
		{"POLKU_LISTEN": "127.0.0.1:http-alt"},
		{"POLKU_OPS_LISTEN": "localhost"},
		{"POLKU_OPS_LISTEN": ":99999"},
		{"POLKU_TRUSTED_PROXIES": "10.0.0.0/33"},
		{"POLKU_TRUSTED_PROXIES": "proxy.example.fi"},
		{"POLKU_OPS_LISTEN": ":8080", "POLKU_WEBHOOK_URL": "https://polku.example.fi/metrics"},
		{"POLKU_OPS_LISTEN": ":8080", "POLKU_WEBHOOK_URL": "https://polku.example.fi/healthz"},
	} {
		_, err := parseConfig(serveEnv(bad), false)
		for name := range bad {
			if name == "POLKU_OPS_LISTEN" && bad["POLKU_WEBHOOK_URL"] != "" {
				name = "POLKU_WEBHOOK_URL"
			}
			if err == nil || !strings.Contains(err.Error(), name+":") {
				t.Errorf("%v: %v", bad, err)
			}
		}
	}
	// With a separate server for them, the webhook may have any path.
	if _, err := parseConfig(serveEnv(map[string]string{"POLKU_WEBHOOK_URL": "https://polku.example.fi/metrics"}), false); err != nil {
		t.Errorf("webhook at /metrics, ops apart: %v", err)
	}
	if c, err := parseConfig(serveEnv(map[string]string{"POLKU_WEBHOOK_URL": "https://polku.example.fi"}), false); err != nil || c.WebhookPath != "/" {
		t.Errorf("webhook without a path: %v, %q", err, c.WebhookPath)
	}
}

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

// TestConfigWellbeing: the WHO-5 by default; own and off by name; anything
// else is reported.
func TestConfigWellbeing(t *testing.T) {
	for value, want := range map[string]polku.Instrument{"": polku.InstrumentWHO5, "who5": polku.InstrumentWHO5, "own": polku.InstrumentOwn, "off": polku.InstrumentOff} {
		c, err := parseConfig(serveEnv(map[string]string{"POLKU_WELLBEING": value}), false)
		if err != nil || c.Wellbeing != want {
			t.Errorf("POLKU_WELLBEING=%q: %v, %v; want %v", value, c.Wellbeing, err, want)
		}
	}
	_, err := parseConfig(serveEnv(map[string]string{"POLKU_WELLBEING": "WHO-5"}), false)
	if err == nil || !strings.Contains(err.Error(), `POLKU_WELLBEING: want who5, own or off, got "WHO-5"`) {
		t.Errorf("POLKU_WELLBEING=WHO-5: %v", err)
	}
}

// TestConfigWellbeingFollowUp: the wellbeing follow-up eight weeks after
// the baseline at 10.00 unless told otherwise, reminded after three days;
// a second point after the first; 0 weeks asks none; bad weeks (out of
// order too), a bad time of day or reminder is reported.
func TestConfigWellbeingFollowUp(t *testing.T) {
	for _, c := range []struct {
		weeks, at, remind string
		want              []int
		wantAt            time.Duration
		wantRemind        int
	}{
		{"", "", "", []int{8}, 10 * time.Hour, 3},
		{"26", "9.30", "0", []int{26}, 9*time.Hour + 30*time.Minute, 0},
		{"8, 26", "", "5", []int{8, 26}, 10 * time.Hour, 5},
		{"0", "", "", nil, 10 * time.Hour, 3},
	} {
		cfg, err := parseConfig(serveEnv(map[string]string{"POLKU_FOLLOW_UP_WEEKS": c.weeks, "POLKU_FOLLOW_UP_AT": c.at, "POLKU_FOLLOW_UP_REMIND": c.remind}), false)
		r := cfg.Reminders
		if err != nil || !slices.Equal(r.WellbeingWeeks, c.want) || r.WellbeingAt != c.wantAt || r.WellbeingRemindDays != c.wantRemind {
			t.Errorf("POLKU_FOLLOW_UP_WEEKS=%q POLKU_FOLLOW_UP_AT=%q POLKU_FOLLOW_UP_REMIND=%q: %v, %v, %v, %v",
				c.weeks, c.at, c.remind, r.WellbeingWeeks, r.WellbeingAt, r.WellbeingRemindDays, err)
		}
	}
	for _, weeks := range []string{"-1", "26,8", "8,8", "8,", "105"} {
		_, err := parseConfig(serveEnv(map[string]string{"POLKU_FOLLOW_UP_WEEKS": weeks, "POLKU_FOLLOW_UP_AT": "25:00", "POLKU_FOLLOW_UP_REMIND": "15"}), false)
		if err == nil || !strings.Contains(err.Error(), "POLKU_FOLLOW_UP_WEEKS: want") || !strings.Contains(err.Error(), "POLKU_FOLLOW_UP_AT: want") ||
			!strings.Contains(err.Error(), "POLKU_FOLLOW_UP_REMIND: want") {
			t.Errorf("bad follow-up settings (weeks %q): %v", weeks, err)
		}
	}
}

// TestConfigManagersAndCosts: managers by user ID, their group apart from
// the coordinators', costs in euros written the Finnish way or the English.
func TestConfigManagersAndCosts(t *testing.T) {
	c, err := parseConfig(serveEnv(map[string]string{
		"POLKU_MANAGERS": "11, 12", "POLKU_MANAGERS_GROUP": "-1001234567891", "POLKU_MANAGERS_LANGUAGE": "sv",
		"POLKU_COST_MONTHLY": "4 500,50", "POLKU_COST_SESSION": "120", "POLKU_COST_VISIT": "12.5",
		"POLKU_STAFF_HOURS": "37,5", "POLKU_STAFF_RATE": "32",
	}), false)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.Managers, []int64{11, 12}) || c.ManagersGroup != -1001234567891 || c.ManagersLang != "sv" {
		t.Errorf("managers: %v %v %q", c.Managers, c.ManagersGroup, c.ManagersLang)
	}
	want := polku.Costs{Monthly: 450050, PerSession: 12000, PerVisit: 1250, StaffHours: 37.5, HourlyRate: 3200}
	if c.Costs != want {
		t.Errorf("costs = %+v, want %+v", c.Costs, want)
	}
	_, err = parseConfig(serveEnv(map[string]string{
		"POLKU_MANAGERS": "ann", "POLKU_MANAGERS_GROUP": "-100", "POLKU_COORDINATORS_GROUP": "-100", "POLKU_MANAGERS_LANGUAGE": "xx",
		"POLKU_COST_MONTHLY": "-5", "POLKU_COST_VISIT": "a lot", "POLKU_STAFF_HOURS": "NaN",
	}), false)
	for _, says := range []string{"POLKU_MANAGERS: want", "POLKU_MANAGERS_GROUP: the coordinators'", "POLKU_MANAGERS_LANGUAGE: no messages",
		"POLKU_COST_MONTHLY: want euros", "POLKU_COST_VISIT: want euros", "POLKU_STAFF_HOURS: want"} {
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("want an error saying %q, got %v", says, err)
		}
	}
}
