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
package bot

import (
	"context"
	"encoding/json"
	"errors"
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
	// Municipalities are those the bot offers families: an imported
	// activity elsewhere is refused, since nobody would see it.
	Municipalities []string
	// Retention is how long applied updates and sent messages are kept;
	// Drafts how long a half-done intake keeps its answers (see Prune).
	Retention time.Duration
	Drafts    time.Duration
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
		{"Now", c.Now == nil}, {"Workers", c.Workers <= 0}, {"Senders", c.Senders <= 0},
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
	render    renderer
	tg        *tgbot.Bot
	// http makes Polku's own Bot API calls (getUpdates) and downloads;
	// like go-telegram/bot's client, it masks the token in its errors.
	http client
	log  *slog.Logger
	// Now is the service's clock (Config.Now).
	Now func() time.Time
	// wall is the wall clock, for what runs on real seconds whatever the
	// service's clock says: Telegram's rate limits and retry_after,
	// back-off, polling and caches. Never for anything a person sees.
	wall func() time.Time

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
	me      sync.Mutex
	user    string
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
		http: client{http: &http.Client{Timeout: cfg.PollTimeout + 10*time.Second}, secrets: secrets},
		log:  log, Now: cfg.Now, wall: time.Now,
		applyWake: make(chan struct{}, 1), sendWake: make(chan struct{}, 1), jobWake: make(chan struct{}, 1),
		answers: make(chan ack, answerQueue),
	}
	sc := staff.Config{
		Now: cfg.Now, Card: staff.CardTerms{Days: cfg.Card.Days, Visits: cfg.Card.Visits},
		VerifyPerHour: cfg.VerifyPerHour, ProviderLinkDays: cfg.ProviderLinkDays, Link: b.link,
		HasGroup: cfg.Group != 0, ShowNames: cfg.ShowNames, Templates: cfg.Templates, Languages: append([]string{cfg.GroupLang}, loc.Languages()...),
	}
	b.coord, b.cases, b.providers = staff.NewCoordinators(sc), staff.NewCases(sc), staff.NewProviders(sc)
	return b, nil
}

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

// Button answers wait in a queue of answerQueue; one that waited longer
// than answerMaxAge is dropped, as Telegram no longer takes it.
const (
	answerQueue  = 1024
	answerMaxAge = 15 * time.Second
)

// ack is a button's answer waiting to be sent, and since when (wall time,
// as Telegram's limit for it is).
type ack struct {
	a  out
	at time.Time
}

// answer queues a button's answer and never waits: when the queue is full
// (Telegram is slow to take them), the oldest answer is dropped. An answer
// only stops a spinner, which then stops by itself.
func (b *Bot) answer(a out) {
	q := ack{a, b.wall()}
	for {
		select {
		case b.answers <- q:
			return
		default:
		}
		select {
		case old := <-b.answers:
			b.dropAnswer(old)
		default:
		}
	}
}

func (b *Bot) dropAnswer(q ack) {
	b.count.answersDropped.Add(1)
	b.answering.Add(-1)
	b.log.Debug("button answer dropped", "chat_id", q.a.ChatID, "waited", b.wall().Sub(q.at))
}

// answerLoop answers button presses. An answer only stops the spinner on
// the person's button and shows a short notice; it is not a message, so
// it is sent straight after the commit instead of through the outbox, and
// one lost in a crash only lets the spinner time out.
func (b *Bot) answerLoop(ctx context.Context) {
	for q := range b.answers {
		if b.wall().Sub(q.at) > answerMaxAge {
			b.dropAnswer(q)
			continue
		}
		a := q.a
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		_, err := b.tg.AnswerCallbackQuery(work, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: a.Callback, Text: a.Text})
		cancel()
		if err != nil {
			b.log.Debug("answerCallbackQuery", "chat_id", a.ChatID, "err", err)
		}
		b.answering.Add(-1)
	}
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

// applyLoop hands chats with waiting updates to the workers, one worker
// per chat at a time in this process; the store's chat lock does the same
// across processes.
func (b *Bot) applyLoop(ctx context.Context) {
	type result struct {
		chat int64
		// elsewhere: another process holds the chat.
		elsewhere bool
	}
	jobs := make(chan int64)
	done := make(chan result, b.cfg.Workers)
	var wg sync.WaitGroup
	for range b.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chat := range jobs {
				done <- result{chat, b.drain(ctx, chat)}
			}
		}()
	}
	busy := map[int64]bool{}
	// Chats another process holds are left alone for a moment, so this
	// loop does not spin on them.
	later := map[int64]time.Time{}
	finish := func(r result) {
		delete(busy, r.chat)
		if r.elsewhere {
			later[r.chat] = b.wall().Add(b.cfg.Idle)
		}
	}
	tick := time.NewTicker(b.cfg.Idle)
	defer func() {
		close(jobs)
		wg.Wait()
		tick.Stop()
	}()
	for ctx.Err() == nil {
		chats, err := b.db.PendingChats(ctx, 4*b.cfg.Workers, b.wall())
		if err != nil && ctx.Err() == nil {
			b.log.Error("pending chats", "err", err)
		}
		gave := false
		now := b.wall()
		for _, chat := range chats {
			if busy[chat] || now.Before(later[chat]) {
				continue
			}
			delete(later, chat)
		give:
			select {
			case jobs <- chat:
				busy[chat] = true
				gave = true
			case r := <-done:
				finish(r)
				goto give
			case <-ctx.Done():
				return
			}
		}
		if gave {
			continue
		}
		select {
		case r := <-done:
			finish(r)
		case <-b.applyWake:
		case <-tick.C:
		case <-ctx.Done():
		}
	}
}

// drain applies the chat's waiting updates one by one. A transaction that
// has begun is finished even when ctx ends, so shutdown loses nothing. It
// reports whether another process holds the chat.
func (b *Bot) drain(ctx context.Context, chat int64) (elsewhere bool) {
	for ctx.Err() == nil {
		var update int64
		var attempts int
		var conv flows.Conversation
		var answer *out
		b.answering.Add(1)
		work, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		did, err := b.db.Apply(work, chat, b.wall(), func(ctx context.Context, tx *store.Tx, p store.Pending) error {
			update, attempts = p.UpdateID, p.Attempts
			var err error
			answer, conv, err = b.step(ctx, tx, p)
			return err
		})
		cancel()
		if did && err == nil && answer != nil {
			b.answer(*answer)
		} else {
			b.answering.Add(-1)
		}
		if did && err == nil {
			b.count.applied.Add(1)
			b.log.Debug("applied", "update_id", update, "chat_id", chat, "flow", conv.Flow, "state", conv.State)
		}
		switch {
		case errors.Is(err, store.ErrBusy):
			return true
		case polku.ErrorCode(err) == polku.EUNAVAILABLE:
			// The database is away: not the update's fault, so it does
			// not count against the update's attempts. The loop comes back.
			b.log.Warn("database unavailable", "chat_id", chat, "err", err)
			return false
		case err != nil:
			b.failed(ctx, chat, update, attempts, err)
			return false
		case !did:
			return false
		}
		wake(b.sendWake)
	}
	return false
}

// failed records a failed update (its attempts so far: attempts) and when
// it is tried again; after the last attempt the person is told that
// something went wrong, so they are never left in silence. The chat's
// later updates wait meanwhile, in order, but never for long: a failure on
// Telegram's side gets a few minutes of tries with back-off (honouring
// retry_after), one that waiting cannot mend (a file Telegram no longer
// has) none.
func (b *Bot) failed(ctx context.Context, chat, update int64, attempts int, err error) {
	b.log.Error("apply update", "chat_id", chat, "update_id", update, "attempt", attempts+1, "err", err)
	if update == 0 {
		return
	}
	most, wait, reason := b.retryPlan(err, attempts)
	lang := b.cfg.GroupLang
	if chat != b.cfg.Group {
		lang = b.db.Lang(context.WithoutCancel(ctx), chat)
	}
	notice := out{Method: "send", ChatID: chat, Text: b.render.loc.Message(lang, "error.internal", nil, nil)}
	gaveUp, ferr := b.db.Failed(context.WithoutCancel(ctx), update, reason, most, b.wall().Add(wait),
		[]store.Out{{ChatID: chat, Priority: store.PriorityReply, Payload: encode(notice)}})
	if ferr != nil {
		b.log.Error("record failure", "update_id", update, "err", ferr)
		return
	}
	if gaveUp {
		b.count.failed.Add(1)
		wake(b.sendWake)
	}
}

// retryPlan says how many attempts in all a failed update gets, how long
// until the next, and the reason recorded (an error code, no personal
// data).
func (b *Bot) retryPlan(err error, attempts int) (most int, wait time.Duration, reason string) {
	var te *tgError
	if !errors.As(err, &te) {
		// A fault of Polku's own (or of the data): a few quick tries.
		return b.cfg.MaxAttempts, min(time.Minute, b.cfg.Backoff<<min(attempts, 6)), polku.ErrorCode(err)
	}
	reason = "telegram: " + te.class.String()
	switch te.class {
	case failTransient, failRateLimited, failToken:
		return b.cfg.TelegramAttempts, max(te.retryAfter, min(5*time.Minute, b.cfg.Backoff<<min(attempts, 9))), reason
	}
	return 1, 0, reason
}

// step runs one update through the flows, in the store's transaction. It
// returns the answer to a pressed button, to be sent after the commit.
func (b *Bot) step(ctx context.Context, tx *store.Tx, p store.Pending) (answer *out, conv flows.Conversation, err error) {
	defer func() {
		if r := recover(); r != nil {
			answer, conv, err = nil, flows.Conversation{}, polku.Errorf(polku.EINTERNAL, "panic applying update: %v", r)
		}
	}()
	var u models.Update
	if err := json.Unmarshal(p.Payload, &u); err != nil {
		b.log.Warn("unreadable update", "update_id", p.UpdateID)
		return nil, conv, nil
	}
	x := parse(&u)
	if x.blocked != nil {
		return nil, conv, tx.SetBlocked(ctx, *x.blocked)
	}
	if b.cfg.Group != 0 && x.chat == b.cfg.Group && x.member != nil {
		return nil, conv, b.botMember(ctx, tx, x.member)
	}
	if b.cfg.Group != 0 && x.chat == b.cfg.Group {
		answer, err := b.coordinate(ctx, tx, x)
		return answer, conv, err
	}
	if !x.private || x.in.Kind == 0 {
		return nil, conv, nil
	}
	now := b.Now()
	data := tx.Conversation()
	if data == nil || json.Unmarshal(data, &conv) != nil || !b.engine.Valid(conv) {
		conv = b.engine.NewConversation(b.render.loc.Match(x.lang), now)
	} else if !conv.LangChosen && x.lang != "" {
		conv.Lang = b.render.loc.Match(x.lang)
	}
	if !conv.LangChosen && x.lang != "" {
		// Telegram in a language we do not speak (often Russian, for
		// Ukrainian families): the language is asked first.
		conv.AskLang = !b.render.loc.Offers(x.lang)
	}
	if x.document != nil && b.operator(x.from) {
		return nil, conv, b.importDocument(ctx, tx, p.ChatID, conv, x.document)
	}
	if answer, ok, err := b.provider(ctx, tx, p.ChatID, conv, x); ok || err != nil {
		return answer, conv, err
	}
	in := x.in
	in.Now = now
	in.Unreachable = b.unreachable(ctx)
	if in.Kind == flows.KindText && !conv.Talking() {
		if payload, ok := b.render.typedButton(conv.Lang, b.engine.Ask(conv), in.Text); ok {
			in = flows.Input{Kind: flows.KindButton, Payload: payload, Now: now}
		}
	}
	res := b.engine.Step(conv, in)
	extra, err := b.effects(ctx, tx, p.ChatID, res)
	if err != nil {
		return nil, conv, err
	}
	if res.Query != nil {
		// The step needs data: answer its query and let it draw the
		// screen, in the same transaction.
		found, err := b.query(ctx, tx, *res.Query, now)
		if err != nil {
			return nil, conv, err
		}
		more := b.engine.Step(res.Conv, flows.Input{Kind: flows.KindFound, Found: found, MessageID: in.MessageID, Now: now})
		more2, err := b.effects(ctx, tx, p.ChatID, more)
		if err != nil {
			return nil, conv, err
		}
		extra = append(extra, more2...)
		res.Conv = more.Conv
		res.Replies = append(res.Replies, more.Replies...)
		if res.Toast == nil {
			res.Toast = more.Toast
		}
	}
	data, err = json.Marshal(res.Conv)
	if err != nil {
		return nil, conv, err
	}
	calls := b.render.replies(res.Conv.Lang, p.ChatID, x.callback, res)
	for i, c := range calls {
		if c.card != nil {
			photo, err := b.cardPhoto(ctx, res.Conv.Lang, p.ChatID, *c.card, nil)
			if err != nil {
				return nil, conv, err
			}
			photo.Text, photo.Inline = b.cardCaption(res.Conv.Lang, *c.card, c.Text), c.Inline
			calls[i] = photo
		}
	}
	outs := make([]store.Out, len(calls), len(calls)+len(extra))
	for i, c := range calls {
		outs[i] = store.Out{ChatID: p.ChatID, Priority: store.PriorityReply, Payload: encode(c)}
	}
	outs = append(outs, extra...)
	return b.render.answer(res.Conv.Lang, p.ChatID, x.callback, res), res.Conv, tx.Save(ctx, data, outs)
}

// effects stores what the step asked for, in the same transaction, and
// returns the messages it makes besides the step's replies: for the
// coordinators, and the family's data when it asked for it.
func (b *Bot) effects(ctx context.Context, tx *store.Tx, chat int64, res flows.Result) ([]store.Out, error) {
	c := res.Conv
	var outs []store.Out
	// stale: the answers or the contact changed, so the case's summary
	// must be written again (unless opening the case wrote it).
	stale := false
	for _, e := range res.Effects {
		var err error
		var more []store.Out
		var written bool
		switch e := e.(type) {
		case flows.RecordConsent:
			if e.Agreed {
				err = tx.RecordConsent(ctx, c.Lang, e.Version, e.Referral)
				if err == nil {
					err = tx.Count(ctx, "consent_given", "")
				}
			} else {
				// Declining takes back any earlier consent: nothing
				// personal is kept but a request to talk to a person.
				err = tx.Count(ctx, "consent_declined", "")
				if err == nil {
					more, err = b.withdraw(ctx, tx, false)
				}
				if err == nil {
					err = tx.Decline(ctx)
				}
			}
		case flows.SaveProfile:
			var first bool
			first, err = tx.SaveProfile(ctx, c.Lang, e.Answers)
			if err == nil && first {
				err = tx.Count(ctx, "intake_completed", e.Answers.Municipality)
			}
			if err == nil && e.Answers.Contact == polku.ContactNone {
				err = tx.WithdrawRequest(ctx)
			}
			stale = true
		case flows.RequestPerson:
			phone := ""
			if e.Contact == polku.ContactPhone {
				phone = c.Answers.Phone
			}
			err = tx.RequestPerson(ctx, e.Reason, e.Contact, phone)
			if err == nil {
				err = tx.Count(ctx, "person_requested", c.Answers.Municipality)
			}
			stale = true
		case flows.ShareAnswered:
			stale = true
		case flows.OpenCase:
			_, more, written, err = b.openCase(ctx, tx, c, e.Share, e.Urgent)
		case flows.Relay:
			more, written, err = b.relay(ctx, tx, chat, c, e)
		case flows.Started:
			err = tx.Started(ctx, e.Referral)
		case flows.Erase:
			more, err = b.withdraw(ctx, tx, true)
			if err == nil {
				err = tx.Erase(ctx)
			}
			if err == nil {
				err = tx.Count(ctx, "erased", "")
			}
		case flows.Export:
			more, err = b.export(ctx, tx, chat, c.Lang)
		}
		if err != nil {
			return nil, err
		}
		if written {
			stale = false
		}
		outs = append(outs, more...)
	}
	if stale {
		more, err := b.refreshFamily(ctx, tx, c)
		if err != nil {
			return nil, err
		}
		outs = append(outs, more...)
	}
	return outs, nil
}

// query answers a step's query in the update's transaction. Errors the
// family should hear about (a forged or vanished ID, a sign-up already
// cancelled) go back to the flows; others fail the update.
func (b *Bot) query(ctx context.Context, tx *store.Tx, q flows.Query, now time.Time) (*flows.Found, error) {
	f := &flows.Found{Query: q}
	var err error
	switch q.Kind {
	case flows.QuerySuggest, flows.QueryBrowse:
		f.Activities, err = tx.Catalogue(ctx, q.Municipality, now)
		if err == nil {
			f.ValidCard, err = tx.HasValidCard(ctx, now)
		}
		if err == nil {
			f.SignUps, err = tx.SignUps(ctx, now)
		}
	case flows.QueryCard:
		var card polku.Card
		card, err = tx.Card(ctx)
		if err == nil {
			f.Card = &card
		} else if polku.ErrorCode(err) == polku.ENOTFOUND {
			err = nil
		}
	case flows.QueryFeedback:
		err = tx.Feedback(ctx, q.Case, q.Score)
		if err == nil {
			err = tx.Count(ctx, fmt.Sprintf("feedback_%d", q.Score), "")
		}
	case flows.QueryActivity:
		f.Activity, err = tx.Activity(ctx, q.Activity, now)
		if err == nil {
			// The family's own sign-ups, marked on the card and its times.
			f.SignUps, err = tx.SignUps(ctx, now)
		}
	case flows.QuerySignUp:
		join := tx.SignUp
		if q.Wait {
			join = tx.WaitFor
		}
		f.Outcome, f.SignUp, err = join(ctx, q.Session, q.Children, q.Adults, now, b.cfg.Reminders)
		if err == nil {
			f.Reminders, err = tx.Reminders(ctx)
		}
	case flows.QueryMine:
		f.SignUps, err = tx.SignUps(ctx, now)
	case flows.QuerySignUpOne:
		f.SignUp, err = tx.SignUpByID(ctx, q.SignUp)
	case flows.QueryCancel:
		f.SignUp, err = tx.CancelSignUp(ctx, q.SignUp, now, b.cfg.Reminders)
	case flows.QueryReminders:
		if q.Set != nil {
			err = tx.SetReminders(ctx, *q.Set)
		}
		if err == nil {
			f.Reminders, err = tx.Reminders(ctx)
		}
	case flows.QueryAttend:
		err = tx.Attend(ctx, q.SignUp, q.Attendance, now)
		if err == nil {
			f.SignUp, err = tx.SignUpByID(ctx, q.SignUp)
		}
	}
	switch code := polku.ErrorCode(err); code {
	case "":
	case polku.ENOTFOUND, polku.ECONFLICT, polku.EFORBIDDEN, polku.EINVALID:
		f.Err = code
	default:
		return nil, err
	}
	return f, nil
}
