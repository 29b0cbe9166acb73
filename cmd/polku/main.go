// Command polku runs Polku, the family-service guidance bot: the real bot
// on Telegram, the local console, migrations, flow diagrams and the load
// benchmark. main is wiring only.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Helsinki on machines without zoneinfo

	"polku/bot"
	"polku/flows"
	"polku/internal/console"
	"polku/internal/httpguard"
	"polku/internal/load"
	"polku/internal/redact"
	"polku/locales"
	"polku/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "polku:", err)
		os.Exit(1)
	}
}

const usage = `Polku: a family-service guidance bot for Telegram.

Usage: polku [command]

Commands:
  (none)     the console when TELEGRAM_BOT_TOKEN is unset, the real bot when it is set
  serve      run the bot on Telegram (webhook or long polling)
  console    try Polku in this terminal against a local fake Telegram
  migrate    bring the database schema up to date
  import FILE|URL  import the activity catalogue: a CSV file (docs/catalogue.md),
             a Linked Events JSON file, or a Linked Events API URL
  import -sample   import the fictional sample catalogue (dates from today)
  flows [DIR]  print each flow as a Mermaid diagram, or write them to DIR
  load       the load benchmark: simulated families through the intake
  secret     print a new random secret for POLKU_WEBHOOK_SECRET
  help       this text

Environment:
`

// run is the whole program; main only gives it the process's world.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "" {
		cmd = "console"
		if getenv("TELEGRAM_BOT_TOKEN") != "" {
			cmd = "serve"
		}
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		for _, v := range variables {
			def := ""
			if v.Default != "" {
				def = " (default " + v.Default + ")"
			}
			fmt.Fprintf(stdout, "  %-22s %s%s\n", v.Name, v.Help, def)
		}
		return nil
	case "flows":
		return writeFlows(args, stdout)
	case "secret":
		_, err := fmt.Fprintln(stdout, newSecret())
		return err
	}
	cfg, err := parseConfig(getenv, cmd != "serve")
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	cfg.Now = time.Now
	log := newLogger(cfg, stderr)
	switch cmd {
	case "serve":
		return serve(ctx, cfg, log)
	case "migrate":
		db, err := openDB(ctx, cfg, 2)
		if err != nil {
			return err
		}
		defer db.Close()
		fmt.Fprintln(stdout, "database schema is up to date")
		return nil
	case "console":
		return runConsole(ctx, cfg, log, stdin, stdout)
	case "load":
		return runLoad(ctx, cfg, args, stdout)
	case "import":
		return importCatalogue(ctx, cfg, args, stdout)
	}
	return fmt.Errorf("unknown command %q; try `polku help`", cmd)
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if cfg.LogFormat == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	// The bot never logs its secrets; this masks them should a library's
	// error carry one.
	return slog.New(redact.New(cfg.Token, cfg.WebhookSecret).Handler(h))
}

// poolSize is the database connections the bot needs: one for each
// worker and each send in flight (it holds its outbox row while Telegram
// answers), and a few for the rest (the job runner, the sender's lock,
// /healthz).
func poolSize(cfg config) int32 { return int32(cfg.Workers + bot.DefaultSenders + 4) }

// openDB connects and migrates.
func openDB(ctx context.Context, cfg config, conns int32) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, store.Options{MaxConns: conns, Now: cfg.Now, Location: cfg.Location})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// Seats freed by a family who erases its data go to the waiting list
	// with reminders planned as configured.
	db.Reminders = cfg.Reminders
	return db, nil
}

// runConsole runs the console with the database and the bot serve would
// have, on the console's clock and fake Telegram.
func runConsole(ctx context.Context, cfg config, log *slog.Logger, stdin io.Reader, stdout io.Writer) error {
	return console.Run(ctx, console.Setup{
		DatabaseURL: cfg.DatabaseURL, AnyDatabase: cfg.ConsoleAnyDatabase, Languages: cfg.Languages,
		Crisis: cfg.Coordinators.Crisis, Now: cfg.Now, Location: cfg.Location, Reminders: cfg.Reminders,
		Open: func(ctx context.Context, now func() time.Time) (*store.DB, error) {
			c := cfg
			c.Now = now
			return openDB(ctx, c, poolSize(c))
		},
		Bot: func(db *store.DB, f console.Fake) (*bot.Bot, error) {
			c := cfg
			c.Now, c.operator, c.Coordinators.Group, c.Coordinators.Crisis = f.Now, f.Operator, f.Group, f.Crisis
			return newBot(c, db, log, f.APIURL, f.Token)
		},
	}, stdin, stdout)
}

// runLoad runs a load benchmark with the database and the bot serve would
// have, in scratch databases and against a fake Telegram.
func runLoad(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	return load.Run(ctx, load.Setup{
		DatabaseURL: cfg.DatabaseURL, Workers: cfg.Workers, Conns: poolSize(cfg), Debug: cfg.LogLevel == "debug",
		Open: func(ctx context.Context, url string, conns int32) (*store.DB, error) {
			c := cfg
			c.DatabaseURL = url
			return openDB(ctx, c, conns)
		},
		Bot: func(db *store.DB, log *slog.Logger, apiURL, token string, unlimited bool) (*bot.Bot, error) {
			c := cfg
			if unlimited {
				c.GlobalRate, c.ChatRate, c.ChatBurst = 1e6, 1e6, 1e6
			}
			return newBot(c, db, log, apiURL, token)
		},
	}, args, stdout)
}

// newBot builds the adapter and the engine from the configuration.
func newBot(cfg config, db *store.DB, log *slog.Logger, apiURL, token string) (*bot.Bot, error) {
	loc, err := locales.Load(cfg.Languages...)
	if err != nil {
		return nil, err
	}
	co := cfg.Coordinators
	engine := flows.New(flows.Config{Municipalities: cfg.Municipalities, Languages: loc.Languages(), ResumeAfter: cfg.ResumeAfter, Location: cfg.Location,
		Hours: co.Hours, Safety: co.Safety, Crisis: co.Crisis})
	return bot.New(bot.Config{
		Now: cfg.Now, Token: token, APIURL: apiURL, Workers: cfg.Workers, Senders: bot.DefaultSenders,
		GlobalRate: cfg.GlobalRate, ChatRate: cfg.ChatRate, ChatBurst: cfg.ChatBurst, GroupRate: groupRate, GroupBurst: groupBurst,
		PollTimeout: pollTimeout, Idle: idle, MaxAttempts: maxAttempts, TelegramAttempts: telegramAttempts, Backoff: backoff,
		GroupProbe: groupProbe, JobIdle: jobIdle,
		Location: cfg.Location, Reminders: cfg.Reminders, Operators: cfg.Operators, Operator: cfg.operator, Municipalities: cfg.Municipalities,
		Group: co.Group, GroupLang: co.GroupLang, ShowNames: co.ShowNames, NudgeAfter: co.NudgeAfter, Hours: co.Hours,
		Card: store.CardTerms{Days: co.CardDays, Visits: co.CardVisits}, Templates: bot.NewTemplateFile(co.Templates, log).Get, MemberCache: co.MemberCache,
		ProviderLinkDays: co.ProviderLinkDays, VerifyPerHour: co.VerifyPerHour,
		Retention: cfg.Retention, Drafts: time.Duration(cfg.DraftDays) * 24 * time.Hour,
	}, db, engine, loc, log)
}

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
	log.Info("polku stopped")
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

// writeFlows prints the flows as Mermaid, or writes them to a directory
// and refreshes the copy in README.md (between its flow markers), when the
// current directory has one.
func writeFlows(args []string, stdout io.Writer) error {
	d, err := flows.Diagram()
	if err != nil {
		return err
	}
	if len(args) == 0 {
		_, err := io.WriteString(stdout, d)
		return err
	}
	path := filepath.Join(args[0], "flow-intake.md")
	if err := os.WriteFile(path, []byte(flowDoc(d)), 0o644); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "wrote", path)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		return nil
	}
	if fresh, ok := withFlow(string(readme), d); ok && fresh != string(readme) {
		if err := os.WriteFile("README.md", []byte(fresh), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "updated README.md")
	}
	return nil
}

const (
	flowBegin = "<!-- intake flow: generated by `make flows` -->\n"
	flowEnd   = "<!-- end of intake flow -->"
)

// withFlow puts the diagram between the README's markers.
func withFlow(readme, mermaid string) (string, bool) {
	i := strings.Index(readme, flowBegin)
	j := strings.Index(readme, flowEnd)
	if i < 0 || j < i {
		return readme, false
	}
	return readme[:i+len(flowBegin)] + "```mermaid\n" + mermaid + "```\n" + readme[j:], true
}

func flowDoc(mermaid string) string {
	return "# The intake flow\n\n" +
		"Generated by `make flows` (`polku flows docs`) from the state machine in flows/intake.go; a test fails when this file is stale.\n\n" +
		flows.DiagramNote + "\n\n" +
		"```mermaid\n" + mermaid + "```\n"
}
