package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"polku/bot"
	"polku/internal/httpguard"
)

// Connections each HTTP server keeps open at most: Telegram opens up to
// 100 (setWebhook's max_connections, 40 unless told); the operators'
// server has a health check and a metrics scraper or two. Slow and idle
// connections give way to new ones (see internal/httpguard).
const (
	hookConns = 512
	opsConns  = 64
)

// listeners are serve's open listeners: the webhook's (nil when polling)
// and the one for /healthz and /metrics (nil when turned off, or when it
// shares the webhook's).
type listeners struct{ hook, ops net.Listener }

// listen opens the listeners cfg asks for.
func listen(cfg config) (listeners, error) {
	var l listeners
	if cfg.WebhookURL != "" {
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return l, fmt.Errorf("webhook server (POLKU_LISTEN): %w", err)
		}
		l.hook = ln
	}
	if cfg.OpsListen != "" && !cfg.opsShared() {
		ln, err := net.Listen("tcp", cfg.OpsListen)
		if err != nil {
			if l.hook != nil {
				l.hook.Close()
			}
			return l, fmt.Errorf("health and metrics server (POLKU_OPS_LISTEN): %w", err)
		}
		l.ops = ln
	}
	return l, nil
}

// serve runs the real bot until ctx ends, then finishes the work in hand
// and returns nil. When an HTTP server (the webhook, or /healthz and
// /metrics) fails, it stops the same way but returns the server's error,
// so the process exits non-zero and a supervisor restarts it.
func serve(ctx context.Context, cfg config, log *slog.Logger) error {
	// Listen first: a taken port is reported before anything else starts,
	// and before Telegram is told to deliver to a webhook nobody serves.
	lns, err := listen(cfg)
	if err != nil {
		return err
	}
	return serveOn(ctx, cfg, log, lns)
}

// serveOn is serve with the listeners already open; it closes them.
func serveOn(ctx context.Context, cfg config, log *slog.Logger, lns listeners) error {
	for _, ln := range []net.Listener{lns.hook, lns.ops} {
		if ln != nil {
			defer ln.Close()
		}
	}
	db, err := openDB(ctx, cfg, poolSize(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := newBot(cfg, db, log, cfg.APIURL, cfg.Token)
	if err != nil {
		return err
	}
	// A token Telegram refuses would make a bot that runs and reaches
	// nobody: say so and stop before anything starts.
	if err := b.CheckToken(ctx); bot.IsTokenRefused(err) {
		return err
	} else if err != nil {
		log.Warn("could not reach Telegram at start; trying on", "err", err)
	}
	if err := b.SetCommands(ctx); err != nil {
		log.Warn("could not set the command menu", "err", err)
	}

	var servers []server
	ops := http.NewServeMux()
	ops.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.Ping(r.Context()); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		// A refused token (revoked while running) reaches nobody: the
		// check fails so that monitoring sees it.
		if b.TokenRefused(r.Context()) {
			http.Error(w, "Telegram refuses the bot token: set TELEGRAM_BOT_TOKEN to the token @BotFather gives and restart", http.StatusServiceUnavailable)
			return
		}
		// Degraded is still up (200): restarting would not help, but an
		// operator must act; /metrics has the same as numbers.
		if why := b.Degraded(r.Context()); len(why) > 0 {
			fmt.Fprintln(w, "degraded: "+strings.Join(why, "; "))
			return
		}
		fmt.Fprintln(w, "ok")
	})
	ops.Handle("GET /metrics", withConns(b.Metrics(), &servers))
	mode := "polling"
	if lns.hook != nil {
		mode = "webhook"
		var rest http.Handler = http.NotFoundHandler()
		if cfg.opsShared() {
			rest = ops
		}
		h := routeWebhook(cfg.WebhookPath, b.Webhook(cfg.WebhookSecret, cfg.TrustedProxies), rest)
		servers = append(servers, server{"webhook", httpguard.New(h, hookConns, log), lns.hook})
	}
	if lns.ops != nil {
		servers = append(servers, server{"ops", httpguard.New(ops, opsConns, log), lns.ops})
	}
	// Serve always returns an error; http.ErrServerClosed only after
	// Shutdown.
	srvErr := make(chan error, len(servers))
	for _, s := range servers {
		go func() { srvErr <- fmt.Errorf("http server (%s) on %s: %w", s.name, s.ln.Addr(), s.srv.Serve(s.ln)) }()
	}
	// shutdown stops the HTTP servers, letting webhook calls in hand
	// commit.
	shutdown := func() {
		shut, stop := context.WithTimeout(context.Background(), 20*time.Second)
		defer stop()
		for _, s := range servers {
			_ = s.srv.Shutdown(shut)
		}
	}
	if mode == "webhook" {
		if err := b.SetWebhook(ctx, cfg.WebhookURL, cfg.WebhookSecret); err != nil {
			shutdown()
			return fmt.Errorf("setWebhook: %w", err)
		}
	}
	attrs := []any{"mode", mode, "languages", strings.Join(cfg.Languages, ",")}
	for _, s := range servers {
		attrs = append(attrs, s.name, s.ln.Addr().String())
	}
	log.Info("polku is running", attrs...)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = b.Run(runCtx) }()
	go func() { defer wg.Done(); b.Prune(runCtx) }()
	pollEnd := make(chan error, 1)
	if mode == "polling" {
		wg.Add(1)
		go func() { defer wg.Done(); pollEnd <- b.Poll(runCtx) }()
	}

	// Run until the signal, or until an HTTP server or the poller fails.
	var failed error
	select {
	case <-ctx.Done():
	case failed = <-srvErr:
	case err := <-pollEnd:
		// Poll returns only when ctx ends, unless something is wrong.
		if err == nil && ctx.Err() == nil {
			err = errors.New("stopped unexpectedly")
		}
		if err != nil {
			failed = fmt.Errorf("long polling: %w", err)
		}
	}
	if failed != nil {
		log.Error("stopping", "err", failed)
	}
	// Stop taking updates, then let the work in hand finish.
	cancel()
	shutdown()
	wg.Wait()
	// The operator sizes the machine by it (and the benchmark reports it).
	log.Info("polku stopped", "peak_memory_mb", peakMemory()>>20)
	return failed
}

// server is one of serve's HTTP servers.
type server struct {
	name string
	srv  *httpguard.Server
	ln   net.Listener
}

// withConns adds the HTTP servers' connection counts to the bot's metrics.
func withConns(metrics http.Handler, servers *[]server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		metrics.ServeHTTP(sw, r)
		if sw.code != http.StatusOK {
			return
		}
		for _, m := range []struct {
			name, kind, help string
			value            func(httpguard.Conns) int64
		}{
			{"polku_http_connections", "gauge", "Connections the HTTP server holds open.", func(c httpguard.Conns) int64 { return int64(c.Open) }},
			{"polku_http_connections_peak", "gauge", "Most connections the HTTP server held at once since it started.", func(c httpguard.Conns) int64 { return int64(c.Peak) }},
			{"polku_http_connections_closed_total", "counter", "Slow or idle connections closed to make room for new ones.", func(c httpguard.Conns) int64 { return c.Closed }},
			{"polku_http_connections_refused_total", "counter", "New connections closed because no other could give way: each was handling a request or had just arrived.", func(c httpguard.Conns) int64 { return c.Refused }},
		} {
			fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.kind)
			for _, s := range *servers {
				fmt.Fprintf(w, "%s{server=%q} %d\n", m.name, s.name, m.value(s.srv.Conns()))
			}
		}
	})
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// routeWebhook sends the requests for path, exactly, to hook, and the others to
// rest. The path is the operator's: as a ServeMux pattern its {…} would be
// wildcards, or make the mux panic.
func routeWebhook(path string, hook, rest http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			hook.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}
