package report

import (
	"testing"

	"polku/report/sdc"
)

func TestText(t *testing.T) {
	tests := []struct {
		lang string
		c    Cell
		want string
	}{
		{"fi", Cell{Kind: KindCount, X: 1234567}, "1\u00a0234\u00a0567"},
		{"sv", Cell{Kind: KindCount, X: 999}, "999"},
		{"en", Cell{Kind: KindCount, X: 1234567}, "1,234,567"},
		{"fi", Cell{Kind: KindShare, X: 0.456, N: 100}, "46\u00a0%"},
		{"en", Cell{Kind: KindShare, X: 0.456, N: 100}, "46%"},
		{"fi", Cell{Kind: KindScore, X: 52.26, N: 30}, "52,3"},
		{"uk", Cell{Kind: KindScore, X: 3.04, N: 30}, "3,0"},
		{"sv", Cell{Kind: KindChange, X: 4.16, Low: -0.31, High: 8.6, N: 30}, "+4,2 (-0,3…+8,6)"},
		{"en", Cell{Kind: KindChange, X: -0.04, Low: -2, High: 1.9, N: 30}, "0.0 (-2.0…+1.9)"},
		{"fi", Cell{Kind: KindMoney, X: 12345.678, N: 10}, "12\u00a0345,68\u00a0€"},
		{"en", Cell{Kind: KindMoney, X: 12345.678, N: 10}, "€12,345.68"},
		{"fi", Cell{Kind: KindMinutes, X: 95, N: 10}, "95\u00a0min"},
		{"fi", Cell{Kind: KindCount, Why: sdc.Small}, MarkSmall},
		{"en", Cell{Kind: KindShare, Why: sdc.FewN}, MarkHidden},
		{"uk", Cell{Kind: KindCount, Why: sdc.Protects}, MarkHidden},
	}
	for _, tt := range tests {
		if got := text(tt.lang, tt.c); got != tt.want {
			t.Errorf("text(%s, %+v) = %q, want %q", tt.lang, tt.c, got, tt.want)
		}
	}
}

func TestPlain(t *testing.T) {
	for in, want := range map[string]string{
		"🌲 Nature":                 "Nature",
		"🏛️ Kulttuuri ja historia": "Kulttuuri ja historia",
		"👨‍👩‍👧 Perheaika":          "Perheaika",
		"≥ 10 points":              "≥ 10 points",
		"0–2 years":                "0–2 years",
	} {
		if got := plain(in); got != want {
			t.Errorf("plain(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPeriod(t *testing.T) {
	for _, tt := range []struct {
		p      Period
		months int
		s      string
	}{
		{Period{"2026-11", "2026-11"}, 1, "2026-11"},
		{Period{"2026-01", "2026-06"}, 6, "2026-01–2026-06"},
		{Period{"2025-01", "2026-12"}, 24, "2025-01–2026-12"},
	} {
		if got := tt.p.Months(); got != tt.months {
			t.Errorf("%v.Months() = %d, want %d", tt.p, got, tt.months)
		}
		if got := tt.p.String(); got != tt.s {
			t.Errorf("String() = %q, want %q", got, tt.s)
		}
	}
}
