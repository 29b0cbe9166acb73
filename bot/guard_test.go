package bot

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"polku/internal/httpguard"
	"polku/internal/pgtest"
	"polku/internal/telegramtest"
	"polku/store"
)

// syncBuffer is a log that handlers on several connections write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// loggedBot is a bot that is not running (what the webhook files stays
// unapplied), on a fresh database, logging everything to a buffer.
func loggedBot(t *testing.T) (*Bot, *syncBuffer) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, pgtest.URL(t), storeOptions(4))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	fake := telegramtest.New(telegramtest.Options{})
	t.Cleanup(fake.Close)
	b := newBot(t, db, fake, Config{})
	logs := &syncBuffer{}
	b.log = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return b, logs
}

// filed is how many updates the webhook committed.
func filed(t *testing.T, b *Bot) int {
	t.Helper()
	n, err := b.db.Unapplied(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// checkNoSecret fails when the log holds the secret or a piece of it.
func checkNoSecret(t *testing.T, logs *syncBuffer) {
	t.Helper()
	if !strings.Contains(logs.String(), "wrong secret") {
		t.Errorf("the wrong guesses were not logged at all:\n%s", logs)
	}
	for _, piece := range []string{secret, secret[:8], secret[len(secret)-8:]} {
		if strings.Contains(logs.String(), piece) {
			t.Errorf("the log holds %q of the secret:\n%s", piece, logs)
		}
	}
}

// TestWebhookThrottlesGuesses: a source that guesses the secret wrong a
// few times gets 429 and cannot get even the right secret accepted while
// throttled; Telegram, which never guessed wrong, is not slowed.
func TestWebhookThrottlesGuesses(t *testing.T) {
	b, logs := loggedBot(t)
	local, _ := httpguard.ParseProxies(httpguard.DefaultProxies)
	h := b.Webhook(secret, local)
	const attacker, telegram = "198.51.100.7", "149.154.167.220"
	guesses := []string{"", "guess", secret[:len(secret)-1], secret + "x", strings.ToUpper(secret)}
	for i, g := range guesses {
		if w := postFrom(h, attacker+":4000", "", g, textUpdate(int64(100+i), 7101, "forged")); w.Code != http.StatusForbidden {
			t.Errorf("wrong guess %d: status %d, want 403", i, w.Code)
		}
	}
	for i := range 3 {
		// The right secret, from the throttled source: not even compared.
		w := postFrom(h, attacker+":4001", "", secret, textUpdate(int64(200+i), 7101, "forged"))
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || w.Header().Get("Connection") != "close" {
			t.Errorf("throttled guess %d: status %d, headers %v; want 429 with Retry-After, closing", i, w.Code, w.Header())
		}
	}
	// Through the local reverse proxy the guesser is still itself, and
	// cannot name another address to escape.
	if w := postFrom(h, "127.0.0.1:5000", "203.0.113.99, "+attacker, secret, textUpdate(300, 7101, "forged")); w.Code != http.StatusTooManyRequests {
		t.Errorf("the guesser through the proxy: status %d, want 429", w.Code)
	}
	if n := filed(t, b); n != 0 {
		t.Errorf("%d forged updates filed", n)
	}
	// Telegram, directly and through the proxy, is not slowed.
	for i := range 10 {
		if w := postFrom(h, telegram+":443", "", secret, textUpdate(int64(400+i), 7102, "hi")); w.Code != http.StatusOK {
			t.Errorf("Telegram's delivery %d: status %d, want 200", i, w.Code)
		}
		if w := postFrom(h, "127.0.0.1:5001", attacker+", "+telegram, secret, textUpdate(int64(500+i), 7102, "hi")); w.Code != http.StatusOK {
			t.Errorf("Telegram's delivery %d through the proxy (with a forged entry): status %d, want 200", i, w.Code)
		}
	}
	if n := filed(t, b); n != 20 {
		t.Errorf("%d of Telegram's 20 updates filed", n)
	}
	// X-Forwarded-For from an untrusted peer is not believed: the
	// guesser cannot get Telegram's address throttled.
	for range 10 {
		postFrom(h, attacker+":4002", telegram, "wrong", textUpdate(600, 7101, "forged"))
	}
	if w := postFrom(h, telegram+":443", "", secret, textUpdate(601, 7102, "hi")); w.Code != http.StatusOK {
		t.Errorf("after a guesser named Telegram's address: status %d, want 200", w.Code)
	}
	checkNoSecret(t, logs)
}

// TestWebhookRefusesBeforeBody: a wrong secret is answered before the
// body is sent, and the connection is closed, so the server never waits
// for (or reads) a body it would not use.
func TestWebhookRefusesBeforeBody(t *testing.T) {
	b, logs := loggedBot(t)
	srv := httptest.NewServer(b.Webhook(secret, nil))
	t.Cleanup(srv.Close)
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "POST /telegram HTTP/1.1\r\nHost: polku\r\nX-Telegram-Bot-Api-Secret-Token: wrong\r\nContent-Length: 100000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second)) // only to give up
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusForbidden || !resp.Close {
		t.Errorf("status %d, close %v; want 403, closing", resp.StatusCode, resp.Close)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after the answer: %v, want the connection closed without waiting for the body", err)
	}
	checkNoSecret(t, logs)
}

// TestWebhookUnderFlood: while a flood of slow clients (half a header a
// byte at a time, or nothing, connecting again whenever the server drops
// them) holds every connection it can, Telegram's deliveries still get
// 200, and the server never holds more than its limit of connections.
// The figures: go test -run TestWebhookUnderFlood -v ./bot/
func TestWebhookUnderFlood(t *testing.T) {
	const limit, deliveries = 200, 20
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		t.Fatal(err)
	}
	// Each slow client is two descriptors in this process (its end and
	// the server's); keep room for the database and the deliveries.
	flood := min(1500, (int(rl.Cur)-limit-300)/2)
	if flood < 2*limit {
		t.Skipf("ulimit -n is %d: too few descriptors for a flood", rl.Cur)
	}
	b, _ := loggedBot(t)
	mux := http.NewServeMux()
	mux.Handle("/telegram", b.Webhook(secret, nil))
	srv := httpguard.New(mux, limit, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	addr := ln.Addr().String()

	before := heapInuse()
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var dials atomic.Int64
	for i := range flood {
		wg.Add(1)
		go func() { defer wg.Done(); slowClient(ctx, addr, i%2 == 0, &dials) }()
	}
	defer func() { stop(); wg.Wait() }()
	waitFor(t, "the flood to be in", func() bool {
		return dials.Load() >= int64(flood) && srv.Conns().Closed >= int64(flood-limit)
	})
	during := heapInuse()

	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range deliveries {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram", strings.NewReader(textUpdate(int64(1000+i), 7200, "hi")))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("delivery %d during the flood: %v (%+v)", i, err, srv.Conns())
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("delivery %d during the flood: status %d", i, resp.StatusCode)
		}
	}
	if n := filed(t, b); n != deliveries {
		t.Errorf("%d of %d deliveries filed", n, deliveries)
	}
	got := srv.Conns()
	if got.Peak > limit {
		t.Errorf("the server held %d connections at once, limit %d", got.Peak, limit)
	}
	stop()
	wg.Wait()
	waitFor(t, "the flood's connections to be gone", func() bool { return srv.Conns().Open == 0 })
	after := heapInuse()
	t.Logf("flood of %d slow clients (%d connections made), limit %d: peak %d open, %d closed to make room, %d refused; "+
		"%d deliveries got 200; heap in use %.1f MB before, %.1f MB during the flood, %.1f MB after",
		flood, dials.Load(), limit, got.Peak, got.Closed, got.Refused, deliveries, mb(before), mb(during), mb(after))
}

// slowClient holds a connection to addr without finishing a request:
// dribbling half a header a byte at a time, or sending nothing. When the
// server drops it, it connects again within a second or two, until ctx
// ends.
func slowClient(ctx context.Context, addr string, dribble bool, dials *atomic.Int64) {
	const half = "POST /telegram HTTP/1.1\r\nHost: polku\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: "
	var d net.Dialer
	for ctx.Err() == nil {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			dials.Add(1)
			stop := context.AfterFunc(ctx, func() { c.Close() })
			if dribble {
				for i := 0; i < len(half) && ctx.Err() == nil; i++ {
					if _, err := c.Write([]byte{half[i]}); err != nil {
						break
					}
					pause(ctx, 50*time.Millisecond)
				}
			}
			// Silent now: wait until the server (or ctx) closes it.
			_, _ = c.Read(make([]byte, 1))
			stop()
			c.Close()
		}
		pause(ctx, time.Second/2+rand.N(time.Second))
	}
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// waitFor waits until cond holds, giving up after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
	}
}

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func mb(n uint64) float64 { return float64(n) / (1 << 20) }
