package bot

import (
	"fmt"
	"testing"
	"time"
)

// limitsCfg are Telegram's limits as serve has them by default.
var limitsCfg = Config{GlobalRate: 30, ChatRate: 1, ChatBurst: 3, GroupRate: 18.0 / 60, GroupBurst: 10}

// TestLimitsForgetIdleChats: a burst across 100,000 chats, then the time
// it takes a chat's bucket to fill up again. The limiter holds only the
// chats used since, and the others start from a full bucket, as if they
// had been remembered.
func TestLimitsForgetIdleChats(t *testing.T) {
	cfg := limitsCfg
	cfg.GlobalRate = 1e9 // only the chats' own limits here
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	l := newLimits(cfg, start)
	now := start
	const chats = 100_000
	for i := range int64(chats) {
		for n := range 3 {
			if ok, _ := l.take(i+1, now); !ok {
				t.Fatalf("chat %d refused its send %d of a burst of 3", i+1, n+1)
			}
		}
		now = now.Add(time.Microsecond)
	}
	if ok, _ := l.take(1, now); ok {
		t.Fatal("a fourth send at once was allowed")
	}
	// Two seconds later ten other chats send a burst; two seconds after
	// that the first burst's buckets are full (3 tokens at 0.9/s), the
	// ten's are not.
	now = now.Add(2 * time.Second)
	recent := map[int64]bool{}
	for i := range int64(10) {
		chat := chats + 100 + i
		recent[chat] = true
		for range 3 {
			l.take(chat, now)
		}
	}
	now = now.Add(2 * time.Second)
	if ok, _ := l.take(chats+1, now); !ok {
		t.Fatal("a new chat was refused")
	}
	if got, _ := l.held(); got > len(recent)+1 {
		t.Errorf("the limiter holds %d chats, want the %d used in the last seconds", got, len(recent)+1)
	}
	// What was forgotten is full, what was kept is not.
	for n := range 4 {
		if ok, _ := l.take(chats/2, now); ok != (n < 3) {
			t.Errorf("a chat idle since the burst: send %d allowed %v", n+1, ok)
		}
	}
	for chat := range recent {
		ok1, _ := l.take(chat, now)
		ok2, wait := l.take(chat, now)
		if !ok1 || ok2 || wait <= 0 {
			t.Errorf("chat %d, two seconds after a burst: allowed %v then %v (wait %s), want one send", chat, ok1, ok2, wait)
		}
	}
}

// TestLimitsForgetIdleGroups: the same for groups' buckets, which take
// over half a minute to fill.
func TestLimitsForgetIdleGroups(t *testing.T) {
	cfg := limitsCfg
	cfg.GlobalRate, cfg.ChatRate, cfg.ChatBurst = 1e9, 1e9, 1e9
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	l := newLimits(cfg, now)
	for i := range int64(1000) {
		for range 10 {
			if ok, _ := l.take(-(i + 1), now); !ok {
				t.Fatalf("group %d refused within its burst", i+1)
			}
		}
	}
	if ok, _ := l.take(-1, now); ok {
		t.Fatal("an eleventh message at once was allowed in a group")
	}
	now = now.Add(34 * time.Second)
	l.take(-5000, now)
	if _, got := l.held(); got != 1 {
		t.Errorf("the limiter holds %d groups, want 1", got)
	}
	for n := range 11 {
		if ok, _ := l.take(-1, now); ok != (n < 10) {
			t.Errorf("a group idle for 34s: message %d allowed %v", n+1, ok)
		}
	}
}

// TestLimitsKeepHeldChats: a chat Telegram answered 429 stays quiet for
// the whole retry_after, however long the limiter forgets idle chats.
func TestLimitsKeepHeldChats(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	l := newLimits(limitsCfg, now)
	l.take(1, now)
	l.hold(1, now, now.Add(100*time.Second))
	// Held without a send first: the 429 came after the bucket was
	// forgotten.
	l.hold(2, now, now.Add(50*time.Second))
	pass := func(d time.Duration) {
		for end := now.Add(d); now.Before(end); {
			now = now.Add(10 * time.Second)
			l.take(3, now)
		}
	}
	pass(40 * time.Second)
	if chats, _ := l.held(); chats != 3 {
		t.Errorf("the limiter holds %d chats, want the two held and the one in use", chats)
	}
	if ok, wait := l.take(2, now); ok || wait != 10*time.Second {
		t.Errorf("chat held before it was used: allowed %v, wait %s; want a wait of 10s", ok, wait)
	}
	pass(50 * time.Second)
	if chats, _ := l.held(); chats != 2 {
		t.Errorf("the limiter holds %d chats, want the one still held and the one in use", chats)
	}
	if ok, wait := l.take(1, now); ok || wait != 10*time.Second {
		t.Errorf("held chat: allowed %v, wait %s; want a wait of 10s", ok, wait)
	}
	if ok, _ := l.take(1, now.Add(10*time.Second)); !ok {
		t.Error("the chat is still held after retry_after")
	}
}

// BenchmarkLimits spends the limiter's tokens as the sender does, in
// bursts of three per chat at Telegram's global rate, one chat in ten a
// group, over 1,000 and 1,000,000 distinct chats. The cost of a send and
// the buckets held must not grow with the chats.
func BenchmarkLimits(b *testing.B) {
	for _, n := range []int{1e3, 1e6} {
		b.Run(fmt.Sprintf("chats=%d", n), func(b *testing.B) {
			now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			l := newLimits(limitsCfg, now)
			step := time.Duration(float64(time.Second) / limitsCfg.GlobalRate)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				chat := int64(i/3%n) + 1
				if chat%10 == 0 {
					chat = -chat
				}
				l.take(chat, now)
				now = now.Add(step)
			}
			chats, groups := l.held()
			b.ReportMetric(float64(chats+groups), "buckets")
		})
	}
}
