package httpguard

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

const secret = "Kq3v_9-ZfXlP0aW7bRt2YcNm8uHs4DgE"

// from is a request from addr, through the proxies in xff when given.
func from(addr string, xff ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/hook", nil)
	r.RemoteAddr = addr
	for _, v := range xff {
		r.Header.Add("X-Forwarded-For", v)
	}
	return r
}

func TestGateThrottlesGuesser(t *testing.T) {
	g := NewGate(secret, nil)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	g.now = func() time.Time { return now }
	attacker, telegram := "198.51.100.7:40000", "149.154.167.220:443"
	for i := range guessBurst {
		if ok, wait := g.Check(from(attacker), fmt.Sprintf("guess-%d", i)); ok || wait != 0 {
			t.Fatalf("wrong guess %d: ok %v, wait %v; want refused, not throttled yet", i, ok, wait)
		}
	}
	// Throttled: even the right secret is not accepted, so the answer
	// tells nothing.
	for range 3 {
		if ok, wait := g.Check(from(attacker), secret); ok || wait <= 0 || wait > guessEvery {
			t.Fatalf("throttled guess of the secret: ok %v, wait %v", ok, wait)
		}
	}
	// Another source is not slowed by the guesser.
	for range 10 {
		if ok, wait := g.Check(from(telegram), secret); !ok || wait != 0 {
			t.Fatalf("another source with the secret: ok %v, wait %v", ok, wait)
		}
	}
	if n := g.Sources(); n != 1 {
		t.Errorf("%d sources remembered, want only the guesser", n)
	}
	// After the wait one more guess, then throttled again.
	_, wait := g.Check(from(attacker), "x")
	now = now.Add(wait)
	if ok, wait := g.Check(from(attacker), "still-wrong"); ok || wait != 0 {
		t.Fatalf("guess after the wait: ok %v, wait %v", ok, wait)
	}
	if _, wait := g.Check(from(attacker), secret); wait != guessEvery {
		t.Errorf("right after: wait %v, want %v", wait, guessEvery)
	}
	// Once the debt is paid the source may guess freely again.
	now = now.Add(guessBurst * guessEvery)
	if ok, wait := g.Check(from(attacker), secret); !ok || wait != 0 {
		t.Errorf("after the debt is paid: ok %v, wait %v", ok, wait)
	}
}

// TestGateIPv6Subnet: the addresses of one IPv6 /64 are one source.
func TestGateIPv6Subnet(t *testing.T) {
	g := NewGate(secret, nil)
	for i := range guessBurst {
		g.Check(from(fmt.Sprintf("[2001:db8:1:2::%x]:5000", i+1)), "wrong")
	}
	if _, wait := g.Check(from("[2001:db8:1:2:ffff::1]:5000"), secret); wait <= 0 {
		t.Error("another address of the same /64 is not throttled")
	}
	if ok, _ := g.Check(from("[2001:db8:1:3::1]:5000"), secret); !ok {
		t.Error("the next /64 is throttled")
	}
}

// TestGateTableBounded: however many sources guess, the gate remembers at
// most tableSize, the latest.
func TestGateTableBounded(t *testing.T) {
	g := NewGate(secret, nil)
	addr := func(i int) string {
		return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String() + ":1"
	}
	r := from("")
	for i := range 100_000 {
		r.RemoteAddr = addr(i)
		g.Check(r, "wrong")
		if n := g.Sources(); n > tableSize {
			t.Fatalf("after %d sources the gate remembers %d", i+1, n)
		}
	}
	if n := g.Sources(); n != tableSize {
		t.Errorf("the gate remembers %d sources, want %d", n, tableSize)
	}
	// The latest guesser is still throttled after a few more wrong
	// guesses; the first was forgotten.
	for range guessBurst {
		g.Check(from(addr(99_999)), "wrong")
	}
	if _, wait := g.Check(from(addr(99_999)), secret); wait <= 0 {
		t.Error("the latest guesser is not throttled")
	}
	if ok, _ := g.Check(from(addr(0)), secret); !ok {
		t.Error("the first guesser, long forgotten, was refused")
	}
}

// BenchmarkGateManySources: wrong guesses from ever new sources; the
// memory stays that of tableSize sources (see -benchmem and the
// sources/op figure).
func BenchmarkGateManySources(b *testing.B) {
	g := NewGate(secret, nil)
	r := from("")
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		r.RemoteAddr = netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}).String() + ":1"
		g.Check(r, "wrong")
	}
	b.ReportMetric(float64(g.Sources()), "sources")
}

func TestSource(t *testing.T) {
	local, _ := ParseProxies(DefaultProxies)
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.10, ::1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		trusted Proxies
		remote  string
		xff     []string
		want    string
	}{
		{"no proxy", local, "198.51.100.7:1234", nil, "198.51.100.7"},
		{"untrusted peer's header is ignored", local, "198.51.100.7:1234", []string{"203.0.113.1"}, "198.51.100.7"},
		{"local proxy", local, "127.0.0.1:1234", []string{"203.0.113.1"}, "203.0.113.1"},
		{"local proxy, IPv6", local, "[::1]:1234", []string{"2001:db8::5"}, "2001:db8::5"},
		{"a client's forged entries lie left", local, "127.0.0.1:1234", []string{"1.1.1.1, 2.2.2.2, 203.0.113.1"}, "203.0.113.1"},
		{"a chain of trusted proxies", proxies, "192.0.2.10:80", []string{"6.6.6.6, 203.0.113.1, 10.1.2.3", "10.9.9.9"}, "203.0.113.1"},
		{"with ports", proxies, "10.0.0.1:80", []string{"203.0.113.1:5555, [2001:db8::9]:80"}, "2001:db8::9"},
		{"IPv4 in IPv6", local, "[::ffff:127.0.0.1]:80", []string{"::ffff:203.0.113.1"}, "203.0.113.1"},
		{"nonsense right of the client: only the proxy is believed", proxies, "10.0.0.1:80", []string{"203.0.113.1, unknown"}, "10.0.0.1"},
		{"no header", local, "127.0.0.1:1234", nil, "127.0.0.1"},
		{"only trusted hops: the left-most", proxies, "10.0.0.1:80", []string{"10.0.0.2, 10.0.0.3"}, "10.0.0.2"},
		{"no proxy trusted", nil, "127.0.0.1:1234", []string{"203.0.113.1"}, "127.0.0.1"},
		{"unreadable peer", local, "pipe", nil, "invalid IP"},
	} {
		if got := c.trusted.Source(from(c.remote, c.xff...)).String(); got != c.want {
			t.Errorf("%s: source %s, want %s", c.name, got, c.want)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.1-10.0.0.9", "fe80::1%eth0"} {
		if _, err := ParseProxies(bad); err == nil {
			t.Errorf("ParseProxies(%q) accepted", bad)
		}
	}
	if p, err := ParseProxies("none"); err != nil || len(p) != 0 {
		t.Errorf("none: %v, %v", p, err)
	}
}

// TestGateBelievesOnlyTrustedProxies: a guesser behind the local proxy
// is throttled by its own address, and cannot escape by forging
// X-Forwarded-For; a direct guesser cannot frame another address.
func TestGateBelievesOnlyTrustedProxies(t *testing.T) {
	local, _ := ParseProxies(DefaultProxies)
	g := NewGate(secret, local)
	for i := range guessBurst {
		g.Check(from("127.0.0.1:1", fmt.Sprintf("9.9.9.%d, 203.0.113.1", i)), "wrong")
	}
	if _, wait := g.Check(from("127.0.0.1:2", "8.8.8.8, 203.0.113.1"), secret); wait <= 0 {
		t.Error("the guesser escaped the throttle by forging X-Forwarded-For")
	}
	if ok, _ := g.Check(from("127.0.0.1:3", "149.154.167.220"), secret); !ok {
		t.Error("another client of the same proxy was refused")
	}
	// A direct client naming Telegram's address is throttled as itself.
	for range guessBurst {
		g.Check(from("198.51.100.7:1", "149.154.167.220"), "wrong")
	}
	if ok, _ := g.Check(from("127.0.0.1:3", "149.154.167.220"), secret); !ok {
		t.Error("a direct guesser got the address it named throttled")
	}
}
