// Command polku runs Polku, the family-service guidance bot: the real bot
// on Telegram, the local console, migrations, flow diagrams and the load
// benchmark. It is wiring only: main.go builds the logger, the database
// and the bot and hands them to the subcommands; config.go is the
// configuration table (every default, read once from the environment);
// service.go, servicefile.go, servicecheck.go and lines.go the service's
// own file (POLKU_CONFIG), configcheck.go `polku config check`;
// serve.go the HTTP servers around the bot; import.go the catalogue
// import; flowdoc.go the flow diagrams. The console (internal/console),
// the benchmarks (internal/load) and everything a family or coordinator
// sees (bot, flows) live in their own packages.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Helsinki on machines without zoneinfo

	"polku"

	"polku/bot"
	"polku/flows"
	"polku/internal/console"
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
  config check [FILE]  check a service's file (POLKU_CONFIG's without FILE):
             every problem with its line, or a summary of the service
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
	case "config":
		return configCheck(args, getenv, stdout)
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
// worker, and a few for the rest (the sender's reads and the outcomes it
// writes, its lock, the job runner, /healthz). A send no longer holds a
// connection while Telegram answers.
func poolSize(cfg config) int32 { return int32(cfg.Workers + 8) }

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
			c.ManagersGroup = f.ManagersGroup
			c.Service = onConsole(c.Service, f.Group, f.Crisis)
			return newBot(c, db, log, f.APIURL, f.Token)
		},
	}, stdin, stdout)
}

// onConsole is the service as the console plays it: its fake Telegram has
// one coordinators' group, which takes every municipality's cases, and
// its fictional crisis line where the service gives none.
func onConsole(s polku.Service, group int64, crisis []string) polku.Service {
	set := func(st *polku.Settings) {
		st.Group = group
		if len(st.Crisis) == 0 {
			st.Crisis = crisis
		}
	}
	set(&s.Default)
	s.Municipalities = slices.Clone(s.Municipalities)
	for i := range s.Municipalities {
		set(&s.Municipalities[i].Settings)
	}
	return s
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
// firstFollowUp is the weeks of the first wellbeing follow-up, as the
// flows tell the family: negative when none is asked.
func firstFollowUp(r polku.Reminders) int {
	if w := r.WellbeingWeeksAt(1); w > 0 {
		return w
	}
	return -1
}

func newBot(cfg config, db *store.DB, log *slog.Logger, apiURL, token string) (*bot.Bot, error) {
	loc, err := locales.Load(cfg.Languages...)
	if err != nil {
		return nil, err
	}
	notice, err := loc.Texts(flows.NoticeIDs)
	if err != nil {
		return nil, err
	}
	co := cfg.Coordinators
	engine := flows.New(flows.Config{Service: cfg.Service, Notice: notice, Languages: loc.Languages(), ResumeAfter: cfg.ResumeAfter, Location: cfg.Location,
		NoCoordinators: co.Group == 0 && len(cfg.Service.Groups()) == 0,
		Hours:          co.Hours, Safety: co.Safety, Crisis: co.Crisis, Wellbeing: cfg.Wellbeing, FollowUpWeeks: firstFollowUp(cfg.Reminders)})
	return bot.New(bot.Config{
		Now: cfg.Now, Token: token, APIURL: apiURL, Workers: cfg.Workers, ApplyBatch: cfg.ApplyBatch, Senders: cfg.Senders,
		GlobalRate: cfg.GlobalRate, ChatRate: cfg.ChatRate, ChatBurst: cfg.ChatBurst, GroupRate: groupRate, GroupBurst: groupBurst,
		PollTimeout: pollTimeout, Idle: idle, MaxAttempts: maxAttempts, TelegramAttempts: telegramAttempts, Backoff: backoff,
		GroupProbe: groupProbe, JobIdle: jobIdle,
		Location: cfg.Location, Reminders: cfg.Reminders, Operators: cfg.Operators, Operator: cfg.operator, Service: cfg.Service,
		Group: co.Group, GroupLang: co.GroupLang, ShowNames: co.ShowNames, NudgeAfter: co.NudgeAfter, Hours: co.Hours,
		Card: store.CardTerms{Days: co.CardDays, Visits: co.CardVisits}, Templates: bot.NewTemplateFile(co.Templates, log).Get, MemberCache: co.MemberCache,
		ProviderLinkDays: co.ProviderLinkDays, VerifyPerHour: co.VerifyPerHour,
		Retention: cfg.Retention, Drafts: time.Duration(cfg.DraftDays) * 24 * time.Hour, Retain: cfg.Retain,
		Managers: cfg.Managers, ManagersGroup: cfg.ManagersGroup, ManagersLang: cfg.ManagersLang, ReportAt: reportAt, Costs: cfg.Costs, Wellbeing: cfg.Wellbeing,
		Roles: cfg.Roles,
	}, db, engine, loc, log)
}
