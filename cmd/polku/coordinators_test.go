package main

import (
	"strings"
	"testing"
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
