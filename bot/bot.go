// Package bot is Polku's Telegram adapter: it files every update in the
// store's inbox before Telegram is told it arrived (webhook or Polku's own
// long polling), applies each chat's updates in order with the flows
// engine, renders the replies in the family's language into the outbox,
// and sends the outbox within Telegram's limits. It also runs the durable
// jobs (reminders, nudges) and prunes what is kept only for a while.
//
// Its settings come from cmd/polku's configuration table: Config has no
// defaults of its own, and New names every setting left unset.
//
// bot wraps go-telegram/bot (imported as tgbot) and hides it from the rest;
// it reaches PostgreSQL only through store and never imports pgx.
//
// One update, in the order it travels:
//
//   - ingest.go: the webhook and long polling file updates in the inbox;
//     update.go reads the few fields they need and parses an update for
//     the flows.
//   - apply.go: each chat's updates in order, one transaction each: step
//     runs the flows (or, for staff, coordinate.go, provider.go, cases.go
//     and staff.go hand it to package staff), then its effects.
//   - render.go: the flows' replies in the family's language, as outbox
//     rows written in that transaction.
//   - sender.go: the outbox sent within Telegram's limits; telegram.go
//     says what a failed call means; groups.go, the coordinators' group as
//     the bot can reach it.
//
// Beside them: role.go (who holds which staff role, and the roles'
// commands in a private chat), jobs.go (reminders and other durable jobs, pruning),
// export.go (a family's data), importer.go (catalogue files sent in
// Telegram), templates.go, token.go (a refused token), metrics.go and
// panic.go.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"polku"
	"polku/flows"
	"polku/internal/redact"
	"polku/locales"
	"polku/staff"
	"polku/store"
)

// Config is how a deployment runs the adapter.
type Config struct {
	// Now is the service's one clock, passed in by main (or a test rig):
	// every time a family, coordinator or report sees comes from it.
	// Required.
	Now   func() time.Time
	Token string
	// APIURL is the Bot API server, e.g. https://api.telegram.org or a
	// local Bot API server.
	APIURL string
	// Workers apply updates of different chats in parallel.
	Workers int
	// ApplyBatch is the most chats whose updates one worker applies in
	// one transaction (POLKU_APPLY_BATCH; 1: a transaction an update).
	ApplyBatch int
	// Senders is the most messages of different chats sent at once
	// (POLKU_SENDERS); each holds a database connection while Telegram
	// answers. Below it the sender keeps as many in
	// flight as Telegram's latency needs to reach GlobalRate.
	Senders int
	// GlobalRate is messages per second over all chats; ChatRate and
	// ChatBurst limit one chat.
	GlobalRate float64
	ChatRate   float64
	ChatBurst  int
	// GroupRate and GroupBurst limit one group (Telegram allows 20
	// messages a minute).
	GroupRate  float64
	GroupBurst int
	// PollTimeout is the long-polling timeout of getUpdates.
	PollTimeout time.Duration
	// Idle is how often workers look for work they were not told about
	// (another process's updates).
	Idle time.Duration
	// MaxAttempts is how often one update is tried before it is given up;
	// TelegramAttempts when it failed because Telegram did (tried with
	// back-off, 2^n seconds up to 5 minutes, or Telegram's retry_after).
	MaxAttempts      int
	TelegramAttempts int
	// GroupProbe is how often a message held for an unreachable group is
	// tried again.
	GroupProbe time.Duration
	// Backoff is the first wait before a failed update is tried again;
	// it doubles with every attempt (up to a minute for Polku's own
	// faults, 5 minutes for Telegram's).
	Backoff time.Duration
	// Location is the deployment's time zone (Europe/Helsinki): dates are
	// written and reminders planned in it.
	Location *time.Location
	// Reminders is when families are reminded and asked how it went.
	Reminders polku.Reminders
	// Operators are the Telegram user IDs allowed to send a catalogue
	// file to the bot.
	Operators []int64
	// Operator, when set, says who else may send one: the console lets
	// each family it plays act as the operator.
	Operator func(user int64) bool
	// Roles are the configuration's grants: managers of a municipality,
	// a region or the service, operators, referrers (Managers and
	// Operators are the service's managers and operators beside them).
	// Those granted in Telegram the store keeps.
	Roles []polku.Grant
	// Service is the service's municipalities with their own settings
	// (groups, hours, card terms, controller). When it has none, New makes
	// a simple one of Municipalities, Group, Hours and Card.
	Service polku.Service
	// Municipalities are those the bot offers families: an imported
	// activity elsewhere is refused, since nobody would see it. New sets
	// it from Service.
	Municipalities []string
	// Retention is how long applied updates and sent messages are kept;
	// Drafts how long a half-done intake keeps its answers (see Prune).
	Retention time.Duration
	Drafts    time.Duration
	// Retain is how long the families' data is kept (see Prune); its
	// zeros keep that until the family erases it.
	Retain store.Retention
	// JobIdle is the longest the job runner sleeps before it looks for
	// due jobs again (another process may have added some).
	JobIdle time.Duration

	// Group is the coordinators' supergroup (forum topics on): every
	// case gets a topic there. 0 leaves the coordinators' side off;
	// cases are still stored.
	Group int64
	// GroupLang is the language the bot speaks in the group.
	GroupLang string
	// ShowNames shows the family a coordinator's first name.
	ShowNames bool
	// NudgeAfter is how long a case waits unclaimed, within office
	// hours, before the group is reminded of it.
	NudgeAfter time.Duration
	// Hours are the coordinators' office hours: nudges wait for them.
	Hours polku.OfficeHours
	// Card are the terms of a card issued with the case's button.
	Card store.CardTerms
	// Templates returns the coordinators' reply templates (/t NAME):
	// name, then language, then text. It is asked on every use, so an
	// edited file takes effect at once.
	Templates func() map[string]map[string]string
	// MemberCache is how long a membership check of the group is
	// trusted.
	MemberCache time.Duration
	// ProviderLinkDays is how many days a provider's link works;
	// VerifyPerHour how many cards one provider may check within an hour.
	ProviderLinkDays int
	VerifyPerHour    int
	// Username is the bot's username for links; asked from Telegram
	// when empty.
	Username string

	// Managers are the service's managers by Telegram user ID: they may
	// ask for the report in a private chat or in the coordinators'
	// group. ManagersGroup is the managers' group: its members may ask
	// there, and last month's report comes there by itself on the first
	// weekday of a month (0: none). ManagersLang is the report's language
	// in a group.
	Managers      []int64
	ManagersGroup int64
	ManagersLang  string
	// ReportAt is the local time of day, on the first weekday of a
	// month, when last month's report is due in the managers' group.
	ReportAt time.Duration
	// Costs are the configuration's costs for the report, in effect
	// until a manager sets some in Telegram (/costs).
	Costs polku.Costs
	// Wellbeing is the service's wellbeing measure, as the flows ask it
	// ("" is the own statements): the report shows that one's results.
	Wellbeing polku.Instrument
}

// check reports every setting left unset: the values come from the
// configuration table in cmd/polku (or a test's own), never from defaults
// here, so there is one place that says what they are.
func (c *Config) check() error {
	var missing []string
	for _, f := range []struct {
		name  string
		unset bool
	}{
		{"Now", c.Now == nil}, {"Workers", c.Workers <= 0}, {"ApplyBatch", c.ApplyBatch <= 0}, {"Senders", c.Senders <= 0},
		{"GlobalRate", c.GlobalRate <= 0}, {"ChatRate", c.ChatRate <= 0}, {"ChatBurst", c.ChatBurst <= 0},
		{"GroupRate", c.GroupRate <= 0}, {"GroupBurst", c.GroupBurst <= 0},
		{"PollTimeout", c.PollTimeout <= 0}, {"Idle", c.Idle <= 0},
		{"MaxAttempts", c.MaxAttempts <= 0}, {"TelegramAttempts", c.TelegramAttempts <= 0},
		{"Backoff", c.Backoff <= 0}, {"GroupProbe", c.GroupProbe <= 0},
		{"Location", c.Location == nil}, {"Reminders", c.Reminders.Location == nil},
		{"JobIdle", c.JobIdle <= 0}, {"Retention", c.Retention <= 0}, {"Drafts", c.Drafts <= 0},
		{"ProviderLinkDays", c.ProviderLinkDays <= 0}, {"VerifyPerHour", c.VerifyPerHour <= 0},
		{"GroupLang", c.GroupLang == ""}, {"NudgeAfter", c.NudgeAfter <= 0},
		{"Card.Days", c.Card.Days <= 0}, {"MemberCache", c.MemberCache <= 0},
		{"ManagersLang", (len(c.Managers) > 0 || c.ManagersGroup != 0) && c.ManagersLang == ""},
		{"ReportAt", c.ManagersGroup != 0 && c.ReportAt <= 0},
	} {
		if f.unset {
			missing = append(missing, f.name)
		}
	}
	if missing != nil {
		return polku.Errorf(polku.EINVALID, "bot: Config needs %s", strings.Join(missing, ", "))
	}
	return nil
}

// Bot is the adapter.
type Bot struct {
	cfg    Config
	db     *store.DB
	engine *flows.Engine
	// coord is what coordinators do, free of Telegram.
	coord     *staff.Coordinators
	cases     *staff.Cases
	providers *staff.Providers
	managers  *staff.Managers
	grants    *staff.Grants
	campaigns *staff.Campaigner
	// monthlyDone is the key of the last monthly report this process
	// knows was sent, so the job loop does not ask the store again.
	monthlyDone atomic.Value
	render      renderer
	tg          *tgbot.Bot
	// http makes Polku's own Bot API calls (getUpdates) and downloads;
	// like go-telegram/bot's client, it masks the token in its errors.
	http client
	// sender is the client of the calls that send (kept-alive connections,
	// a short timeout); http's waits out a long poll.
	sender client
	log    *slog.Logger
	// Now is the service's clock (Config.Now).
	Now func() time.Time
	// wall is the wall clock, for what runs on real seconds whatever the
	// service's clock says: Telegram's rate limits and retry_after,
	// back-off, polling and caches. Never for anything a person sees.
	wall func() time.Time

	// filing commits the updates that come at once together.
	filing    filer
	applyWake chan struct{}
	sendWake  chan struct{}
	jobWake   chan struct{}
	// answers carries answers to button presses, sent right after the
	// update's commit; answering counts those not yet sent or dropped.
	answers   chan ack
	answering atomic.Int64
	count     counters

	members members
	reach   reach
	// groups are the service's coordinators' groups (Service.Groups).
	groups []int64
	me     sync.Mutex
	user   string
	// token is whether Telegram refuses the bot's token (see noteToken).
	token struct {
		refused atomic.Bool
		mu      sync.Mutex
		probed  time.Time // wall time of the last call that got a 401
	}

	// fault, set only by tests, is called before a message to chat is
	// sent (what "send") and a job for chat is rendered ("job"), to fail
	// them as a bug would.
	fault func(what string, chat int64)
}

// New builds the adapter. It does not talk to Telegram yet.
func New(cfg Config, db *store.DB, engine *flows.Engine, loc *locales.Bundle, log *slog.Logger) (*Bot, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if len(cfg.Service.Municipalities) == 0 {
		cfg.Service = polku.Simple(nil, cfg.Municipalities, polku.Settings{
			Group: cfg.Group, Hours: cfg.Hours, Card: polku.CardTerms{Days: cfg.Card.Days, Visits: cfg.Card.Visits}})
	}
	cfg.Municipalities = cfg.Service.IDs()
	secrets := redact.New(cfg.Token)
	// As many kept-alive connections to Telegram as sends may be in
	// flight: a new TLS handshake per call would add to every send.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = cfg.Senders + 8
	api := client{http: &http.Client{Timeout: 30 * time.Second, Transport: transport}, secrets: secrets}
	opts := []tgbot.Option{tgbot.WithSkipGetMe(), tgbot.WithHTTPClient(cfg.PollTimeout+10*time.Second, api)}
	if cfg.APIURL != "" {
		opts = append(opts, tgbot.WithServerURL(cfg.APIURL))
	}
	tg, err := tgbot.New(cfg.Token, opts...)
	if err != nil {
		return nil, polku.Errorf(polku.EINVALID, "telegram client: %v", err)
	}
	b := &Bot{
		cfg: cfg, db: db, engine: engine, render: renderer{loc: loc, tz: cfg.Location, now: cfg.Now}, tg: tg,
		http: client{http: &http.Client{Timeout: cfg.PollTimeout + 10*time.Second}, secrets: secrets}, sender: api,
		log: log, Now: cfg.Now, wall: time.Now,
		applyWake: make(chan struct{}, 1), sendWake: make(chan struct{}, 1), jobWake: make(chan struct{}, 1),
		answers: make(chan ack, answerQueue),
		groups:  cfg.Service.Groups(),
	}
	sc := staff.Config{
		Now: cfg.Now, Card: staff.CardTerms{Days: cfg.Card.Days, Visits: cfg.Card.Visits},
		VerifyPerHour: cfg.VerifyPerHour, ProviderLinkDays: cfg.ProviderLinkDays, Link: b.link,
		HasGroup: len(cfg.Service.Groups()) > 0, Service: cfg.Service, ShowNames: cfg.ShowNames, Templates: cfg.Templates, Languages: append([]string{cfg.GroupLang}, loc.Languages()...),
		Hours: cfg.Hours, Location: cfg.Location,
	}
	b.coord, b.cases, b.providers = staff.NewCoordinators(sc), staff.NewCases(sc), staff.NewProviders(sc)
	b.managers = staff.NewManagers(func() time.Time { return b.Now().In(b.cfg.Location) }, b.cfg.Costs, cfg.Service)
	b.grants = staff.NewGrants(sc, cfg.Service)
	b.campaigns = &staff.Campaigner{Languages: loc.Languages(), Municipalities: cfg.Municipalities}
	return b, nil
}

// isGroup says whether chat is one of the coordinators' groups.
func (b *Bot) isGroup(chat int64) bool { return chat != 0 && slices.Contains(b.groups, chat) }

// operator says whether user may send the bot a catalogue file.
func (b *Bot) operator(user int64) bool {
	return slices.Contains(b.cfg.Operators, user) || (b.cfg.Operator != nil && b.cfg.Operator(user))
}

func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Run applies updates and sends the outbox until ctx ends; then it lets
// the work in hand finish and returns. Ingestion (Poll or the webhook
// handler) runs beside it.
func (b *Bot) Run(ctx context.Context) error {
	// Cases from before the service knew groups go to their
	// municipality's (a database that is away is asked again next start).
	if err := b.db.AdoptCases(ctx, b.cfg.Service.Default.Group, b.cfg.Service.GroupOf); err != nil {
		b.log.Warn("give earlier cases their groups", "err", err)
	}
	var wg, answering sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); b.applyLoop(ctx); close(b.answers) }()
	go func() { defer wg.Done(); b.sendWhileHeld(ctx) }()
	go func() { defer wg.Done(); b.jobLoop(ctx) }()
	for range 4 {
		answering.Add(1)
		go func() { defer answering.Done(); b.answerLoop(ctx) }()
	}
	wg.Wait()
	answering.Wait()
	return nil
}

// SetCommands shows the commands in Telegram's menu, in each language.
func (b *Bot) SetCommands(ctx context.Context) error {
	langs := b.render.loc.Languages()
	for i, lang := range append([]string{""}, langs...) {
		l := lang
		if i == 0 {
			l = langs[0]
		}
		var cmds []models.BotCommand
		for _, c := range flows.Commands {
			cmds = append(cmds, models.BotCommand{Command: c, Description: b.render.loc.Message(l, "command."+c, nil, nil)})
		}
		if _, err := b.tg.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: cmds, LanguageCode: lang}); err != nil {
			return fmt.Errorf("setMyCommands %q: %w", lang, err)
		}
	}
	return nil
}
