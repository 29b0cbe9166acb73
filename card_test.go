package polku

import (
	"testing"
	"time"
)

func TestCardState(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	card := Card{Code: "K7QM3XPB", ValidFrom: from, ValidUntil: until, Visits: 10, Used: 3}
	with := func(f func(*Card)) Card { c := card; f(&c); return c }
	tests := []struct {
		name string
		c    Card
		now  time.Time
		want CardState
	}{
		{"in the middle", card, from.AddDate(0, 6, 0), CardValid},
		{"at ValidFrom", card, from, CardValid},
		{"just before ValidFrom", card, from.Add(-time.Nanosecond), CardNotYet},
		{"just before ValidUntil", card, until.Add(-time.Nanosecond), CardValid},
		{"at ValidUntil", card, until, CardExpired},
		{"after ValidUntil", card, until.AddDate(1, 0, 0), CardExpired},
		{"one visit left", with(func(c *Card) { c.Used = 9 }), from, CardValid},
		{"used up", with(func(c *Card) { c.Used = 10 }), from, CardUsedUp},
		{"over-used", with(func(c *Card) { c.Used = 11 }), from, CardUsedUp},
		{"unlimited", with(func(c *Card) { c.Visits, c.Used = 0, 500 }), from, CardValid},
		{"revoked", with(func(c *Card) { c.Revoked = true }), from, CardRevoked},
		{"revoked and expired", with(func(c *Card) { c.Revoked = true }), until, CardRevoked},
		{"expired and used up", with(func(c *Card) { c.Used = 10 }), until, CardExpired},
		{"not yet and used up", with(func(c *Card) { c.Used = 10 }), from.Add(-time.Hour), CardNotYet},
		{"open ends", Card{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), CardValid},
	}
	for _, tt := range tests {
		if got := tt.c.State(tt.now); got != tt.want {
			t.Errorf("%s: State = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestCardLeft(t *testing.T) {
	tests := []struct {
		visits, used int
		want         int
		wantLimited  bool
	}{
		{10, 3, 7, true},
		{10, 10, 0, true},
		{10, 12, 0, true},
		{1, 0, 1, true},
		{0, 5, 0, false},
	}
	for _, tt := range tests {
		n, limited := Card{Visits: tt.visits, Used: tt.used}.Left()
		if n != tt.want || limited != tt.wantLimited {
			t.Errorf("Visits %d, Used %d: Left = %d, %v; want %d, %v", tt.visits, tt.used, n, limited, tt.want, tt.wantLimited)
		}
	}
}
