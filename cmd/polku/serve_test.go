package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"polku/internal/pgtest"
	"polku/internal/telegramtest"
)

const fakeToken = "123456789:AAE2e-fake-token_for-polku-tests"

// httpClient gives up only after a generous while.
var httpClient = &http.Client{Timeout: 30 * time.Second}

// get fetches url, returning the status and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := httpClient.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// deliver posts a text update to url as Telegram would, and returns the
// status.
func deliver(t *testing.T, url, secret string, updateID int64) int {
	t.Helper()
	body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%[1]d,"from":{"id":7300,"is_bot":false,"first_name":"Anna"},`+
		`"chat":{"id":7300,"type":"private"},"date":%d,"text":"hi"}}`, updateID, time.Now().Unix())
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// inInbox says whether the update was filed.
func inInbox(t *testing.T, dbURL string, updateID int64) bool {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM inbox WHERE update_id = $1`, updateID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// serving runs serveOn with vars until the test ends.
func serving(t *testing.T, vars map[string]string, lns listeners) {
	t.Helper()
	cfg, err := parseConfig(env(vars), false)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Now = time.Now // what run does
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveOn(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), lns) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
}

func listenLocal(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// TestServeWebhookPath: the webhook answers at exactly the path of its
// URL, whatever characters it holds; as a ServeMux pattern, {x} was a
// wildcard that took any path, and "{" or a repeated {x} panicked.
func TestServeWebhookPath(t *testing.T) {
	dbURL := pgtest.URL(t)
	id := int64(100)
	for _, c := range []struct {
		url, hit string
		misses   []string
	}{
		{"https://example.org/hook/{x}", "/hook/%7Bx%7D", []string{"/hook/other", "/hook/", "/hook"}},
		{"https://example.org/hook/{", "/hook/%7B", []string{"/hook/x", "/hook/"}},
		{"https://example.org/a/{x}/{x}", "/a/%7Bx%7D/%7Bx%7D", []string{"/a/1/2"}},
		{"https://example.org/a/{x...}/b", "/a/%7Bx...%7D/b", []string{"/a/1/b"}},
		{"https://example.org/my%20hook/a%7Bb%7D%25", "/my%20hook/a%7Bb%7D%25", []string{"/my%20hook/", "/my%20hook/a"}},
		{"https://example.org/with space", "/with%20space", []string{"/with"}},
	} {
		t.Run(c.url, func(t *testing.T) {
			fake := telegramtest.New(telegramtest.Options{Token: fakeToken})
			defer fake.Close()
			vars := serveVars(t, fake, "off")
			vars["DATABASE_URL"] = dbURL
			vars["POLKU_WEBHOOK_URL"] = c.url
			vars["POLKU_WEBHOOK_SECRET"] = strongSecret
			ln := listenLocal(t)
			serving(t, vars, listeners{hook: ln})
			base := "http://" + ln.Addr().String()
			id++
			if code := deliver(t, base+c.hit, strongSecret, id); code != http.StatusOK || !inInbox(t, dbURL, id) {
				t.Errorf("POST %s: status %d, filed %v; want 200, filed", c.hit, code, inInbox(t, dbURL, id))
			}
			for _, miss := range c.misses {
				id++
				if code := deliver(t, base+miss, strongSecret, id); code != http.StatusNotFound || inInbox(t, dbURL, id) {
					t.Errorf("POST %s: status %d, filed %v; want 404, not filed", miss, code, inInbox(t, dbURL, id))
				}
			}
			// /healthz and /metrics are elsewhere (here: off).
			if code, _ := get(t, base+"/healthz"); code != http.StatusNotFound {
				t.Errorf("GET /healthz on the webhook's server: %d, want 404", code)
			}
		})
	}
}

// TestServeOpsApart: when polling, nothing listens on POLKU_LISTEN;
// /healthz and /metrics answer on POLKU_OPS_LISTEN, whose server keeps at
// most opsConns connections however many silent clients come.
func TestServeOpsApart(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{Token: fakeToken})
	defer fake.Close()
	hook, ops := freePort(t), freePort(t)
	vars := serveVars(t, fake, "127.0.0.1:"+strconv.Itoa(ops))
	vars["POLKU_LISTEN"] = "127.0.0.1:" + strconv.Itoa(hook)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out bytes.Buffer
	go func() { done <- run(ctx, []string{"serve"}, env(vars), nil, &out, &out) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, out.String())
		}
	}()
	base := "http://127.0.0.1:" + strconv.Itoa(ops)
	waitUp(t, base)
	if code, body := get(t, base+"/metrics"); code != http.StatusOK || !strings.Contains(body, "polku_updates_applied_total") ||
		!strings.Contains(body, `polku_http_connections{server="ops"}`) || strings.Contains(body, `server="webhook"`) {
		t.Errorf("GET /metrics: %d\n%s", code, body)
	}
	if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(hook)); err == nil {
		c.Close()
		t.Errorf("something listens on POLKU_LISTEN while polling")
	}

	// A flood of silent clients: the oldest make room for the newest,
	// and /healthz still answers.
	const extra = 40
	for range opsConns + extra {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(ops))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	var m map[string]int
	waitFor(t, "the silent clients to be made room for", func() bool {
		m = connMetrics(t, base, "ops")
		return m["polku_http_connections_closed_total"] >= extra
	})
	if m["polku_http_connections_peak"] > opsConns || m["polku_http_connections"] > opsConns {
		t.Errorf("the server held %d connections at once (%d now), at most %d", m["polku_http_connections_peak"], m["polku_http_connections"], opsConns)
	}
	if code, body := get(t, base+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("GET /healthz during the flood: %d %q", code, body)
	}
}

// TestServeOpsShared: POLKU_OPS_LISTEN may be POLKU_LISTEN; one server
// then answers both the webhook and /healthz and /metrics.
func TestServeOpsShared(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{Token: fakeToken})
	defer fake.Close()
	vars := serveVars(t, fake, "127.0.0.1:0")
	vars["POLKU_LISTEN"] = "127.0.0.1:0"
	vars["POLKU_WEBHOOK_URL"] = "https://polku.example.fi/telegram"
	vars["POLKU_WEBHOOK_SECRET"] = strongSecret
	ln := listenLocal(t)
	serving(t, vars, listeners{hook: ln})
	base := "http://" + ln.Addr().String()
	waitUp(t, base)
	if code := deliver(t, base+"/telegram", strongSecret, 42); code != http.StatusOK || !inInbox(t, vars["DATABASE_URL"], 42) {
		t.Errorf("the webhook on the shared server: %d", code)
	}
	if code := deliver(t, base+"/telegram", "wrong", 43); code != http.StatusForbidden {
		t.Errorf("a wrong secret: %d, want 403", code)
	}
	if code, body := get(t, base+"/metrics"); code != http.StatusOK || !strings.Contains(body, `polku_http_connections{server="webhook"}`) {
		t.Errorf("GET /metrics: %d\n%s", code, body)
	}
}

// waitUp waits until /healthz at base answers 200.
func waitUp(t *testing.T, base string) {
	t.Helper()
	waitFor(t, "/healthz to answer", func() bool {
		resp, err := httpClient.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

// waitFor waits until cond holds, giving up after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
	}
}

var connMetricRE = regexp.MustCompile(`(?m)^(polku_http_connections\w*)\{server="(\w+)"\} (\d+)$`)

// connMetrics reads the connection counts of one server from /metrics.
func connMetrics(t *testing.T, base, server string) map[string]int {
	t.Helper()
	_, body := get(t, base+"/metrics")
	m := map[string]int{}
	for _, g := range connMetricRE.FindAllStringSubmatch(body, -1) {
		if g[2] == server {
			m[g[1]], _ = strconv.Atoi(g[3])
		}
	}
	return m
}

// TestServeRefusedToken: with a token Telegram refuses, serve does not
// start a bot that reaches nobody: it stops at once and says what to do,
// never printing the token.
func TestServeRefusedToken(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{Token: fakeToken})
	defer fake.Close()
	vars := serveVars(t, fake, "127.0.0.1:0")
	vars["TELEGRAM_BOT_TOKEN"] = "123456789:AAE2e-not-the-bots-token_for-tests"
	vars["POLKU_LOG_LEVEL"] = "info"
	ctx, stop := context.WithTimeout(context.Background(), time.Minute)
	defer stop()
	var out bytes.Buffer
	err := run(ctx, []string{"serve"}, env(vars), nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "Telegram refused TELEGRAM_BOT_TOKEN") || !strings.Contains(err.Error(), "@BotFather") {
		t.Fatalf("serve with a refused token: %v\n%s", err, out.String())
	}
	for _, secret := range []string{vars["TELEGRAM_BOT_TOKEN"], "AAE2e-not-the-bots-token_for-tests"} {
		if strings.Contains(err.Error()+out.String(), secret) {
			t.Errorf("the token is printed:\n%v\n%s", err, out.String())
		}
	}
	if strings.Contains(out.String(), "polku is running") {
		t.Errorf("serve said it runs:\n%s", out.String())
	}
}

// TestServeTokenRevoked: a token revoked while serve runs fails /healthz
// (503, saying why), so that monitoring sees a bot that reaches nobody.
func TestServeTokenRevoked(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{Token: fakeToken})
	defer fake.Close()
	vars := serveVars(t, fake, "127.0.0.1:0")
	ln := listenLocal(t)
	serving(t, vars, listeners{ops: ln})
	base := "http://" + ln.Addr().String()
	waitUp(t, base)
	fake.RevokeToken()
	var code int
	var body string
	waitFor(t, "/healthz to fail", func() bool {
		code, body = get(t, base+"/healthz")
		return code == http.StatusServiceUnavailable
	})
	if !strings.Contains(body, "refuses the bot token") || strings.Contains(body, fakeToken) {
		t.Errorf("GET /healthz: %d %q", code, body)
	}
}

// serveVars is the environment of `polku serve` (long polling) against
// fake, /healthz and /metrics on ops.
func serveVars(t *testing.T, fake *telegramtest.Server, ops string) map[string]string {
	return map[string]string{
		"TELEGRAM_BOT_TOKEN": fake.Token(),
		"TELEGRAM_API_URL":   fake.URL(),
		"DATABASE_URL":       pgtest.URL(t),
		"POLKU_OPS_LISTEN":   ops,
		"POLKU_LOG_LEVEL":    "error",
	}
}

// TestServeListenAddressInUse: with its port taken there is no /healthz,
// or no webhook, so serve fails instead of running on without them.
func TestServeListenAddressInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	fake := telegramtest.New(telegramtest.Options{Token: "123456789:AAE2e-fake-token_for-polku-tests"})
	defer fake.Close()
	webhook := serveVars(t, fake, "127.0.0.1:0")
	webhook["POLKU_WEBHOOK_URL"] = "https://polku.example.fi/telegram"
	webhook["POLKU_WEBHOOK_SECRET"] = strongSecret
	webhook["POLKU_LISTEN"] = taken.Addr().String()
	for name, vars := range map[string]map[string]string{
		"POLKU_OPS_LISTEN": serveVars(t, fake, taken.Addr().String()),
		"POLKU_LISTEN":     webhook,
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var out bytes.Buffer
		err = run(ctx, []string{"serve"}, env(vars), nil, &out, &out)
		if err == nil || ctx.Err() != nil {
			t.Fatalf("serve with %s taken: %v (ctx %v)\n%s", name, err, ctx.Err(), out.String())
		}
		if !strings.Contains(err.Error(), "address already in use") || !strings.Contains(err.Error(), name+")") {
			t.Errorf("serve with %s taken: %v", name, err)
		}
	}
}

// TestServeStops: serve returns nil when told to stop, and the HTTP
// server's error when that fails while the bot runs.
func TestServeStops(t *testing.T) {
	fake := telegramtest.New(telegramtest.Options{Token: "123456789:AAE2e-fake-token_for-polku-tests"})
	defer fake.Close()
	cfg, err := parseConfig(env(serveVars(t, fake, "127.0.0.1:0")), false)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Now = time.Now // what run does
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// start runs serveOn and waits until it polls.
	start := func(ctx context.Context) (net.Listener, chan error) {
		t.Helper()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		polls := func() int {
			n := 0
			for _, c := range fake.Calls() {
				if c.Method == "deleteWebhook" {
					n++
				}
			}
			return n
		}
		before := polls()
		done := make(chan error, 1)
		go func() { done <- serveOn(ctx, cfg, log, listeners{ops: ln}) }()
		wait, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := fake.Wait(wait, func() bool { return polls() > before }); err != nil {
			t.Fatalf("serve did not start polling: %v", err)
		}
		return ln, done
	}
	result := func(done chan error) error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not return")
			return nil
		}
	}

	ctx, stop := context.WithCancel(context.Background())
	_, done := start(ctx)
	stop() // SIGTERM
	if err := result(done); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}

	ln, done := start(context.Background())
	ln.Close() // the HTTP server fails
	if err := result(done); err == nil || !strings.Contains(err.Error(), "http server") {
		t.Errorf("serve after its HTTP server failed: %v", err)
	}
}
