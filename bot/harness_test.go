package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"polku"
	"polku/catalog"
	"polku/flows"
	"polku/internal/pgtest"
	"polku/internal/telegramtest"
	"polku/locales"
	"polku/store"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// clock is a test clock the transcripts move forward.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// harness is the real adapter, on a fresh database, against the fake Bot
// API.
type harness struct {
	t     testing.TB
	pool  *pgxpool.Pool
	fake  *telegramtest.Server
	db    *store.DB
	bot   *Bot
	clock *clock
	seen  int
	// names are the families of a transcript: the main one ("") and
	// the others, by chat.
	names map[int64]string
	// sampleAt is when the sample catalogue's dates were made.
	sampleAt time.Time
	// family is the transcript's family's chat.
	family int64
	// shift is how many days the rig's clock started after canonical;
	// canon writes the bot's dates as they would be on the canonical
	// dates (nil when shift is 0).
	shift int
	canon *strings.Replacer
}

// other is another family of a transcript, by name.
func (h *harness) other(name, lang string) telegramtest.User {
	for id, n := range h.names {
		if n == name {
			return telegramtest.User{ID: id, FirstName: name, LanguageCode: lang}
		}
	}
	id := int64(5000 + len(h.names))
	h.names[id] = name
	return telegramtest.User{ID: id, FirstName: name, LanguageCode: lang}
}

// reimport imports the sample catalogue again with one activity (by its
// Finnish or English title) cancelled, moved, or open to the families of
// another municipality too, as an operator would.
func (h *harness) reimport(action string) {
	h.t.Helper()
	spec := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(action, "(cancel activity "), "(move activity "), "(neighbours of activity "), ")")
	var shift time.Duration
	var neighbour string
	if strings.HasPrefix(action, "(neighbours of ") {
		i := strings.LastIndex(spec, ": ")
		if i < 0 {
			h.t.Fatalf("%s: want (neighbours of activity TITLE: MUNICIPALITY)", action)
		}
		spec, neighbour = spec[:i], spec[i+len(": "):]
	}
	if strings.HasPrefix(action, "(move ") {
		i := strings.LastIndex(spec, " ")
		d, err := time.ParseDuration(spec[i+1:])
		if err != nil {
			h.t.Fatalf("%s: %v", action, err)
		}
		spec, shift = spec[:i], d
	}
	acts := catalog.Sample(h.sampleAt, helsinki)
	found := false
	for i, a := range acts {
		if a.Title["fi"] != spec && a.Title["en"] != spec {
			continue
		}
		found = true
		if neighbour != "" {
			acts[i].Neighbours = append(acts[i].Neighbours, neighbour)
			continue
		}
		if shift == 0 {
			acts[i].Status = polku.StatusCancelled
			continue
		}
		for j := range a.Sessions {
			acts[i].Sessions[j].Start = a.Sessions[j].Start.Add(shift)
			acts[i].Sessions[j].End = a.Sessions[j].End.Add(shift)
		}
	}
	if !found {
		h.t.Fatalf("%s: no such activity in the sample", action)
	}
	if _, err := h.db.ImportCatalogue(context.Background(), acts, h.clock.Now(), polku.DefaultReminders(helsinki)); err != nil {
		h.t.Fatal(err)
	}
}

type harnessOptions struct {
	fake telegramtest.Options
	cfg  Config
	// hours are the coordinators' office hours (always open when empty).
	hours string
	// wellbeing is the intake's wellbeing instrument: Polku's own
	// statements when empty, as every transcript written before the
	// instrument could be chosen asks them.
	wellbeing polku.Instrument
	// controller is the data controller the privacy notice names; none
	// when zero.
	controller polku.Controller
	// start is when the rig's clock starts; zero is canonical.
	start time.Time
	// fault is the bot's fault hook (see Bot.fault).
	fault func(what string, chat int64)
	// api, when set, stands between the bot and the fake: it wraps the
	// fake's handler, as a slow network or a slow Telegram would.
	api func(http.Handler) http.Handler
	// answers, when set, is how many button answers may wait.
	answers int
	// twoGroups routes Kalajoki's cases to a second coordinators' group
	// (group2, whose member is Cleo); Kuusamo's and everyone else's stay
	// in group.
	twoGroups bool
	// regions puts the service's two municipalities in two regions:
	// Kuusamo in Koillismaa, Kalajoki in Kalajokilaakso.
	regions bool
	// service is the service the bot and the flows serve; Kuusamo and
	// Kalajoki, without regions, when it has no municipalities.
	service polku.Service
}

// inRegions is the transcripts' service with its municipalities in two
// regions, each municipality with the settings s gives them all.
func inRegions(s polku.Service) polku.Service {
	s.Regions = []polku.Region{
		{ID: "koillismaa", Name: polku.Localized{"fi": "Koillismaa", "sv": "Koillismaa", "en": "Koillismaa", "uk": "Койлісмаа"}},
		{ID: "kalajokilaakso", Name: polku.Localized{"fi": "Kalajokilaakso", "sv": "Kalajokidalen", "en": "Kalajoki valley", "uk": "Долина Калайокі"}},
	}
	for i, m := range s.Municipalities {
		s.Municipalities[i].Region = map[string]string{"Kuusamo": "koillismaa", "Kalajoki": "kalajokilaakso"}[m.ID]
	}
	return s
}

// canonical is when the rig's clock starts unless told otherwise: a Sunday
// late morning, as the transcripts are written. They are replayed from other
// Sundays too (transcriptDates), a year apart and on a daylight-saving
// change, with the dates the bot writes translated back to this one's.
var canonical = time.Date(2026, 11, 22, 11, 0, 0, 0, helsinki)

// The coordinators' group of the tests, and its members; group2 is
// Kalajoki's when a test has two (harnessOptions.twoGroups).
const (
	group  = -1001000000001
	group2 = -1001000000002
)

var (
	anna = telegramtest.User{ID: 7001, FirstName: "Anna", LanguageCode: "fi"}
	ben  = telegramtest.User{ID: 7002, FirstName: "Ben", LanguageCode: "fi"}
	cleo = telegramtest.User{ID: 7003, FirstName: "Cleo", LanguageCode: "fi"}
)

// twoGroupService is the tests' service with Kalajoki's own group: the
// same hours, card terms and crisis lines everywhere, so that only the
// routing differs.
func twoGroupService(hours polku.OfficeHours, card store.CardTerms, crisis []string) polku.Service {
	set := polku.Settings{Group: group, Hours: hours, Crisis: crisis, Card: polku.CardTerms{Days: card.Days, Visits: card.Visits}}
	kalajoki := set
	kalajoki.Group = group2
	return polku.Service{
		Default: set,
		Municipalities: []polku.Municipality{
			{ID: "Kuusamo", Name: polku.Localized{"fi": "Kuusamo", "uk": "Куусамо"}, Settings: set},
			{ID: "Kalajoki", Name: polku.Localized{"fi": "Kalajoki", "uk": "Калайокі"}, Settings: kalajoki},
		},
	}
}

// codes is a fixed sequence of "random" bytes, so card, referral and
// provider codes are the same on every run.
type codes struct {
	mu sync.Mutex
	n  byte
}

func (c *codes) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range p {
		c.n = c.n*31 + 17
		p[i] = c.n
	}
	return len(p), nil
}

// operator is the transcripts' family's Telegram ID, allowed to send a
// catalogue file.
const operator = 4242

// newHarness runs the adapter, polling included.
func newHarness(t testing.TB, o harnessOptions) *harness {
	t.Helper()
	return newRig(t, o, true).harness
}

// rig is a harness with direct access to the database, to check what
// PostgreSQL holds.
type rig struct {
	*harness
	url  string
	pool *pgxpool.Pool
}

// newBot builds the adapter on db against the fake, as newHarness does,
// without running it.
func newBot(t testing.TB, db *store.DB, fake *telegramtest.Server, cfg Config) *Bot {
	t.Helper()
	return newBotWith(t, db, fake, harnessOptions{cfg: cfg})
}

// withServeSettings gives every setting a test left unset the value
// serve has by default (cmd/polku's configuration table): bot.New takes
// none of its own.
func withServeSettings(c Config) Config {
	set := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setF := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	setD := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	set(&c.Workers, 8)
	set(&c.ApplyBatch, 8)
	set(&c.Senders, 64) // POLKU_SENDERS' default
	setF(&c.GlobalRate, 30)
	setF(&c.ChatRate, 1)
	set(&c.ChatBurst, 3)
	setF(&c.GroupRate, 18.0/60)
	set(&c.GroupBurst, 10)
	setD(&c.PollTimeout, 25*time.Second)
	setD(&c.Idle, 250*time.Millisecond)
	set(&c.MaxAttempts, 3)
	set(&c.TelegramAttempts, 10)
	setD(&c.Backoff, time.Second)
	setD(&c.GroupProbe, time.Minute)
	if c.Location == nil {
		c.Location = time.UTC
	}
	if c.Reminders.Location == nil {
		c.Reminders = polku.DefaultReminders(c.Location)
	}
	setD(&c.JobIdle, 5*time.Second)
	setD(&c.Retention, 72*time.Hour)
	setD(&c.Drafts, 30*24*time.Hour)
	// Every rule off is a field left unset here, not a wish: a test that
	// wants one off gives the others.
	if c.Retain == (store.Retention{}) {
		c.Retain = store.Retention{InactiveMonths: 24, CasesMonths: 12, SignUpsDays: 90, CardsDays: 90, AuditYears: 5}
	}
	set(&c.ProviderLinkDays, 7)
	set(&c.VerifyPerHour, 60)
	if c.GroupLang == "" {
		c.GroupLang = "fi"
	}
	setD(&c.NudgeAfter, 2*time.Hour)
	set(&c.Card.Days, 180)
	setD(&c.MemberCache, 5*time.Minute)
	return c
}

func newBotWith(t testing.TB, db *store.DB, fake *telegramtest.Server, o harnessOptions) *Bot {
	t.Helper()
	cfg := o.cfg
	loc, err := locales.Load(polku.Languages()...)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Location = helsinki
	hours, err := polku.ParseOfficeHours(o.hours, "", helsinki)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Hours = hours
	cfg.Municipalities = []string{"Kuusamo", "Kalajoki"}
	notice, err := loc.Texts(flows.NoticeIDs)
	if err != nil {
		t.Fatal(err)
	}
	crisis := []string{"Esimerkkikriisilinja (kuvitteellinen) 0800 000 000"}
	card := withServeSettings(cfg).Card
	if o.twoGroups {
		cfg.Service = twoGroupService(hours, card, crisis)
	}
	if o.regions {
		cfg.Service = inRegions(polku.Simple(nil, cfg.Municipalities, polku.Settings{Group: cfg.Group, Hours: hours, Crisis: crisis,
			Card: polku.CardTerms{Days: card.Days, Visits: card.Visits}}))
	}
	if len(o.service.Municipalities) > 0 {
		cfg.Service, cfg.Municipalities = o.service, o.service.IDs()
	}
	if !o.controller.Zero() {
		if len(cfg.Service.Municipalities) == 0 {
			cfg.Service = polku.Simple(nil, cfg.Municipalities, polku.Settings{Group: cfg.Group, Hours: hours, Crisis: crisis,
				Card: polku.CardTerms{Days: card.Days, Visits: card.Visits}, Languages: loc.Languages()})
		}
		cfg.Service.Default.Controller = o.controller
		cfg.Service.Municipalities = slices.Clone(cfg.Service.Municipalities)
		for i := range cfg.Service.Municipalities {
			cfg.Service.Municipalities[i].Controller = o.controller
		}
	}
	engine := flows.New(flows.Config{Service: cfg.Service, Municipalities: cfg.Municipalities, Notice: notice, Languages: loc.Languages(), Location: helsinki,
		Hours: hours, Safety: polku.DefaultSafetyWords(), Crisis: crisis, Wellbeing: o.wellbeing})
	cfg.Token = fake.Token()
	if cfg.APIURL == "" {
		cfg.APIURL = fake.URL()
	}
	if cfg.Now == nil {
		// One clock: the database's.
		cfg.Now = func() time.Time { return db.Now() }
	}
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 2 * time.Second
	}
	if cfg.Idle == 0 {
		cfg.Idle = 20 * time.Millisecond
	}
	b, err := New(withServeSettings(cfg), db, engine, loc, secretFreeLog(t, fake))
	if err != nil {
		t.Fatal(err)
	}
	b.fault = o.fault
	if o.answers > 0 {
		b.answers = make(chan ack, o.answers)
	}
	return b
}

// secretFreeLog is the bot's logger in a test, at debug level: every line
// is kept, and the test fails if any holds the bot's token (as the fake had
// it when the bot started, or when the test ended: it may be revoked), or
// its secret half alone. The log is the bot's own, without the masking
// main adds, so a leak at its source is seen.
func secretFreeLog(t testing.TB, fake *telegramtest.Server) *slog.Logger {
	t.Helper()
	logs := &lockedBuffer{}
	var w io.Writer = logs
	if testing.Verbose() {
		w = io.MultiWriter(logs, os.Stderr)
	}
	first := fake.Token()
	t.Cleanup(func() {
		for _, token := range []string{first, fake.Token()} {
			_, half, _ := strings.Cut(token, ":")
			for _, secret := range []string{token, half} {
				if n := strings.Count(logs.String(), secret); n > 0 {
					t.Errorf("the bot's log holds its token %d times", n)
					return
				}
			}
		}
	})
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// lockedBuffer is a bytes.Buffer for several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// migrated opens a fresh, migrated database; it returns its URL too.
func migrated(t testing.TB) (string, *store.DB) {
	t.Helper()
	url := pgtest.URL(t)
	db, err := store.Open(context.Background(), url, storeOptions(20))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return url, db
}

// newRig starts the adapter (Run, and Poll when poll is set) on a fresh
// database against a fake Bot API with o's options.
func newRig(t testing.TB, o harnessOptions, poll bool) *rig {
	t.Helper()
	ctx := context.Background()
	url, db := migrated(t)
	if err := db.AddReferralCode(ctx, "demo-school", "Sample school (fictional)"); err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	start := o.start
	if start.IsZero() {
		start = canonical
	}
	clk := &clock{now: start}
	db.Now = clk.Now
	db.Random = &codes{}
	// The fictional sample catalogue, its dates relative to the test
	// clock, as the console has it.
	if _, err := db.ImportCatalogue(ctx, catalog.Sample(clk.now, helsinki), clk.now, polku.DefaultReminders(helsinki)); err != nil {
		t.Fatal(err)
	}
	if o.fake.CallbackTimeout == 0 {
		o.fake.CallbackTimeout = -1
	}
	fake := telegramtest.New(o.fake)
	t.Cleanup(fake.Close)
	fake.AddGroup(group, "Koordinaattorit", true)
	fake.SetMember(group, anna, telegramtest.StatusMember)
	fake.SetMember(group, ben, telegramtest.StatusMember)
	if o.twoGroups {
		fake.AddGroup(group2, "Kalajoen koordinaattorit", true)
		fake.SetMember(group2, cleo, telegramtest.StatusMember)
	}
	if o.cfg.ManagersGroup != 0 {
		fake.AddGroup(o.cfg.ManagersGroup, "Esihenkilöt", false)
	}
	o.cfg.Group = group
	if o.api != nil {
		srv := httptest.NewServer(o.api(fake))
		t.Cleanup(srv.Close)
		o.cfg.APIURL = srv.URL
	}
	b := newBotWith(t, db, fake, o)
	b.Now = clk.Now
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = b.Run(runCtx) }()
	if poll {
		wg.Add(1)
		go func() { defer wg.Done(); _ = b.Poll(runCtx) }()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	h := &harness{t: t, pool: pool, fake: fake, db: db, bot: b, clock: clk, sampleAt: clk.now}
	h.shift = canonicalShift(start)
	h.canon = canonicalDates(b.render, start, h.shift)
	return &rig{harness: h, url: url, pool: pool}
}

// canonicalShift is how many days start is after canonical, a whole number
// of weeks (so every weekday is the same); it fails on any other start.
func canonicalShift(start time.Time) int {
	a, b := start.In(helsinki), canonical
	days := int(time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC).Sub(time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)).Hours() / 24)
	if days%7 != 0 || a.Hour() != b.Hour() || a.Minute() != b.Minute() {
		panic(fmt.Sprintf("rig start %v: not the canonical weekday and time of day", start))
	}
	return days
}

// canonicalDates translates the dates the bot writes in every language, from
// a rig started shift days after canonical back to what they would be on
// the canonical dates, so one transcript holds for every start; and the
// report's months, this one and the one before. Dates are
// replaced whole ("ma 7.12.", "Mon 7 Dec", "ma 4.1.2027"), longest first,
// so "1.12." is never taken out of "11.12." nor "4.1." out of "4.1.2027".
func canonicalDates(r renderer, start time.Time, shift int) *strings.Replacer {
	if shift == 0 {
		return nil
	}
	var pairs []string
	seen := map[string]bool{}
	for _, lang := range r.loc.Languages() {
		for k := -60; k <= 430; k++ {
			// Each written as on its own start: the year is added to
			// dates outside the current one.
			day := func(t time.Time) string {
				return r.at(t).when(lang, flows.When{Start: t.AddDate(0, 0, k), Day: true})
			}
			from, to := day(start), day(canonical)
			if seen[from] {
				continue
			}
			seen[from] = true
			pairs = append(pairs, from, to)
		}
		// Week numbers, as the browsing title writes them: " · week 48 (".
		for k := -9; k <= 62; k++ {
			week := func(t time.Time) string {
				_, n := t.AddDate(0, 0, 7*k).ISOWeek()
				title := r.text(lang, flows.Text{ID: "act.browse.title", Data: map[string]any{
					"Category": "\x02", "Municipality": "\x02", "Week": n, "From": "\x00", "To": "\x01"}})
				return title[strings.LastIndex(title, "\x02")+1 : strings.Index(title, "\x00")]
			}
			from, to := week(start), week(canonical)
			if !seen[from] {
				seen[from] = true
				pairs = append(pairs, from, to)
			}
		}
	}
	// Months as the managers' commands write them ("2026-11"), from the
	// start's to half a year on: no transcript goes further, and none
	// reaches back to the canonical year's example months.
	for k := -1; k <= 6; k++ {
		from, to := start.AddDate(0, 0, -start.Day()+1).AddDate(0, k, 0).Format("2006-01"), canonical.AddDate(0, 0, -canonical.Day()+1).AddDate(0, k, 0).Format("2006-01")
		if !seen[from] {
			seen[from] = true
			pairs = append(pairs, from, to)
		}
	}
	// strings.Replacer tries the olds in the order given at each place.
	idx := make([]int, len(pairs)/2)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return len(pairs[2*idx[i]]) > len(pairs[2*idx[j]]) })
	sorted := make([]string, 0, len(pairs))
	for _, i := range idx {
		sorted = append(sorted, pairs[2*i], pairs[2*i+1])
	}
	return strings.NewReplacer(sorted...)
}

// canonicalTime is t as it would be on the canonical dates.
func (h *harness) canonicalTime(t time.Time) time.Time { return t.In(helsinki).AddDate(0, 0, -h.shift) }

// fast is for conversation tests: Telegram's per-chat limit would only
// make them slow; the sender's own tests keep the strict limits.
var fast = harnessOptions{
	fake: telegramtest.Options{PerChat: telegramtest.Limit{Rate: 1000, Burst: 1000}, PerGroup: telegramtest.Limit{Rate: 1000, Burst: 1000}},
	// One send at a time: the group's lanes (each case, the alerts) go
	// side by side, and a transcript shows them in one order.
	cfg: Config{Senders: 1, ChatRate: 1000, ChatBurst: 1000, GroupRate: 1000, GroupBurst: 1000, Operators: []int64{operator}, ShowNames: true,
		Card: store.CardTerms{Days: 180, Visits: 10}},
}

// settle waits until every update is applied and every message sent.
func (h *harness) settle() {
	h.t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if h.fake.Pending() == 0 {
			// Jobs and nudges first: one done has its messages in the
			// outbox in the same commit, so the outbox is counted after.
			next, err3 := h.db.NextJob(ctx)
			due := err3 == nil && !next.IsZero() && !next.After(h.clock.Now())
			if nudge, err := h.db.NextNudge(ctx, h.bot.cfg.NudgeAfter); err == nil && !nudge.IsZero() && !nudge.After(h.clock.Now()) && h.bot.cfg.Hours.Open(h.clock.Now()) {
				due = true
			}
			a, err1 := h.db.Unapplied(ctx)
			s, err2 := h.db.Unsent(ctx)
			if err2 == nil && !h.bot.unreachable(ctx, group).IsZero() {
				// The group's messages wait for the bot to be back.
				var held int
				err2 = h.pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE chat_id = $1 AND sent_at IS NULL AND dropped IS NULL`, group).Scan(&held)
				s -= held
			}
			if due {
				h.bot.WakeJobs()
			}
			if err1 == nil && err2 == nil && err3 == nil && a == 0 && s == 0 && !due && h.fake.Pending() == 0 && h.bot.answering.Load() == 0 {
				return
			}
		}
		time.Sleep(2 * time.Millisecond) // polls PostgreSQL, which has no way to tell us
	}
	a, _ := h.db.Unapplied(ctx)
	s, _ := h.db.Unsent(ctx)
	h.t.Fatalf("the bot did not settle in 20s: %d updates not applied, %d messages not sent, %d updates not fetched", a, s, h.fake.Pending())
}

// render writes what the bot did in chat since the last render, as the
// transcripts show it.
func (h *harness) render(chat int64) string {
	// A button's answer goes out beside the outbox, so it may come before
	// or after the messages: the answers are shown first, sorted. Chats
	// get their messages in order, but the messages of different chats
	// go out in parallel: so the family's come first, then the other
	// families', then the coordinators' group's.
	var notes []string
	parts := map[int64]*strings.Builder{}
	for _, e := range h.fake.Events(h.seen) {
		h.seen = max(h.seen, e.Seq)
		who := ""
		switch {
		case e.ChatID == chat:
		case e.ChatID == group:
			who = "#"
		case e.ChatID == group2:
			who = "#2"
		default:
			name, ok := h.names[e.ChatID]
			if !ok {
				continue
			}
			who = "@" + name + " "
		}
		b := parts[e.ChatID]
		if b == nil {
			b = &strings.Builder{}
			parts[e.ChatID] = b
		}
		switch e.Kind {
		case "send":
			writeMessage(b, who+"<", e.Message)
		case "edit":
			writeMessage(b, who+"<~", e.Message)
		case "answer":
			if e.AnswerText != "" {
				notes = append(notes, fmt.Sprintf("  %s! %s\n", who, e.AnswerText))
			}
		case "topic":
			what := map[string]string{"createForumTopic": "new topic", "editForumTopic": "topic renamed", "closeForumTopic": "topic closed",
				"reopenForumTopic": "topic reopened", "deleteForumTopic": "topic deleted"}[e.Method]
			fmt.Fprintf(b, "  %s(%s: %s)\n", who, what, e.Message.Topic)
		case "pin":
			fmt.Fprintf(b, "  %s(pinned)\n", who)
		case "react":
			// Telegram shows the bot's reaction under the message it
			// reacted to: here, the family's line above.
			fmt.Fprintf(b, "  %s(%s on the message)\n", who, e.Reaction)
		default:
			fmt.Fprintf(b, "  %s(%s)\n", who, e.Kind)
		}
	}
	sort.Strings(notes)
	out := strings.Join(notes, "")
	chats := make([]int64, 0, len(parts))
	for c := range parts {
		chats = append(chats, c)
	}
	order := func(c int64) string {
		switch {
		case c == chat:
			return "0"
		case c == group:
			return "2"
		case c == group2:
			return "3"
		}
		return "1" + h.names[c]
	}
	sort.Slice(chats, func(i, j int) bool { return order(chats[i]) < order(chats[j]) })
	for _, c := range chats {
		out += parts[c].String()
	}
	return out
}

func writeMessage(b *strings.Builder, prefix string, m telegramtest.Message) {
	text := m.Text
	switch m.Media {
	case "":
	case "document":
		fmt.Fprintf(b, "%s (file %s, %s)\n", prefix, m.Document, m.MimeType)
		text = m.Caption
	default:
		fmt.Fprintf(b, "%s (%s)\n", prefix, m.Media)
		text = m.Caption
	}
	var lines []string
	if text != "" || m.Media == "" {
		lines = strings.Split(text, "\n")
	}
	for _, line := range lines {
		line = visible(line)
		if line == "" {
			b.WriteString(prefix + "\n")
			continue
		}
		b.WriteString(prefix + " " + line + "\n")
	}
	for _, row := range m.Inline {
		var cells []string
		for _, x := range row {
			if x.URL != "" {
				cells = append(cells, "["+x.Text+" → "+x.URL+"]")
				continue
			}
			cells = append(cells, "["+x.Text+"]")
		}
		b.WriteString("  " + strings.Join(cells, " ") + "\n")
	}
	for _, row := range m.Keyboard {
		var cells []string
		for _, x := range row {
			cells = append(cells, "{"+x.Text+"}")
		}
		b.WriteString("  " + strings.Join(cells, " ") + "\n")
	}
	if m.RemoveKeyboard {
		b.WriteString("  (keyboard removed)\n")
	}
}

// visible writes the invisible format characters of a line (bidi controls,
// zero-width characters) as ⟨U+202E⟩, so that a transcript shows them; the
// zero-width joiner of an emoji sequence (👨‍👩‍👧) stays as it is.
func visible(line string) string {
	var b strings.Builder
	var prev rune
	for _, r := range line {
		if unicode.Is(unicode.Cf, r) && !(r == '\u200d' && (unicode.Is(unicode.So, prev) || prev == '\ufe0f')) {
			fmt.Fprintf(&b, "⟨U+%04X⟩", r)
		} else {
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// stored renders what PostgreSQL holds about the chat, for transcripts.
func (h *harness) stored(chat int64) string {
	ctx := context.Background()
	var b strings.Builder
	f, err := h.db.Family(ctx, chat)
	if err != nil {
		b.WriteString("= family: none\n")
	} else {
		profile := "no"
		if !f.ProfileAt.IsZero() {
			profile = "yes"
		}
		ref := f.Referral
		if ref == "" {
			ref = "self"
		}
		fmt.Fprintf(&b, "= family: lang=%s referral=%s consent=%s profile=%s\n", f.Lang, ref, f.ConsentVersion, profile)
		if profile == "yes" {
			wb, in := f.Answers.Wellbeing, f.Answers.WellbeingInstrument()
			f.Answers.Wellbeing, f.Answers.Instrument = nil, ""
			a, _ := json.Marshal(f.Answers)
			fmt.Fprintf(&b, "= answers: %s\n", a)
			switch {
			case wb == nil:
			case in == polku.InstrumentOwn:
				fmt.Fprintf(&b, "= wellbeing baseline: %v\n", wb)
			default:
				fmt.Fprintf(&b, "= wellbeing baseline (%s): %v\n", in, wb)
			}
		}
	}
	h.storedFollowUps(&b, chat)
	reqs, err := h.db.ContactRequests(ctx, chat)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, r := range reqs {
		fmt.Fprintf(&b, "= contact request: %s\n", r)
	}
	var caseLine string
	err = h.pool.QueryRow(ctx, `
		SELECT '#' || c.id || ': ' || c.status || CASE WHEN c.shared THEN ', answers shared' ELSE ', answers not shared' END ||
			CASE WHEN c.urgent THEN ', urgent' ELSE '' END ||
			COALESCE(', claimed by ' || c.claimed_name, '') || COALESCE(', outcome ' || c.outcome, '') ||
			COALESCE(', notes ' || NULLIF((SELECT count(*) FROM case_notes n WHERE n.case_id = c.id), 0), '') ||
			COALESCE(', feedback ' || (SELECT string_agg(score::text, ',' ORDER BY id) FROM case_feedback x WHERE x.case_id = c.id), '')
		FROM cases c WHERE c.chat_id = $1`, chat).Scan(&caseLine)
	if err == nil {
		fmt.Fprintf(&b, "= case %s\n", caseLine)
	}
	cards, err := h.pool.Query(ctx, `
		SELECT k.code, k.valid_until, k.visits,
			(SELECT count(*) FROM card_visits v WHERE v.card_id = k.id), k.revoked_at IS NOT NULL
		FROM cards k WHERE k.chat_id = $1 ORDER BY k.id`, chat)
	if err != nil {
		h.t.Fatal(err)
	}
	for cards.Next() {
		var code string
		var until time.Time
		var visits, used int
		var revoked bool
		if err := cards.Scan(&code, &until, &visits, &used, &revoked); err != nil {
			h.t.Fatal(err)
		}
		fmt.Fprintf(&b, "= card %s: until %s, visits used %d of %d (0: unlimited)", polku.FormatCardCode(code), h.canonicalTime(until).Format("02.01.2006"), used, visits)
		if revoked {
			b.WriteString(", revoked")
		}
		b.WriteString("\n")
	}
	cards.Close()
	rows, err := h.pool.Query(ctx, `
		SELECT a.data->'title'->>'fi', se.starts_at, s.status, s.children, s.adults, COALESCE(s.attendance, ''),
			COALESCE((SELECT array_agg(j.kind ORDER BY j.due_at, j.id) FROM jobs j WHERE j.signup_id = s.id AND j.done_at IS NULL), '{}'),
			COALESCE((SELECT array_agg(j.due_at ORDER BY j.due_at, j.id) FROM jobs j WHERE j.signup_id = s.id AND j.done_at IS NULL), '{}')
		FROM signups s JOIN families f ON f.id = s.family_id JOIN sessions se ON se.id = s.session_id JOIN activities a ON a.id = se.activity_id
		WHERE f.chat_id = $1 ORDER BY s.id`, chat)
	if err != nil {
		h.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var title, status, att string
		var start time.Time
		var children, adults int
		var kinds []string
		var dues []time.Time
		if err := rows.Scan(&title, &start, &status, &children, &adults, &att, &kinds, &dues); err != nil {
			h.t.Fatal(err)
		}
		var jobs []string
		for i, k := range kinds {
			jobs = append(jobs, k+" "+h.canonicalTime(dues[i]).Format("02.01. 15:04"))
		}
		fmt.Fprintf(&b, "= sign-up: %s, %s: %s, children+adults %d+%d", title, h.canonicalTime(start).Format("02.01. 15:04"), status, children, adults)
		if att != "" {
			fmt.Fprintf(&b, ", attended: %s", att)
		}
		if len(jobs) > 0 {
			fmt.Fprintf(&b, "; to send: %s", strings.Join(jobs, ", "))
		}
		b.WriteString("\n")
	}
	if err := rows.Err(); err != nil {
		h.t.Fatal(err)
	}
	return b.String()
}

// storedFollowUps renders the chat's wellbeing follow-ups answered, the
// setting when the family said "don't ask again", and a follow-up's
// reminder still to send. (The follow-up questions planned with every
// baseline are left out, so the transcripts written before them read as
// they did.)
func (h *harness) storedFollowUps(b *strings.Builder, chat int64) {
	ctx := context.Background()
	rows, err := h.pool.Query(ctx, `
		SELECT 'wellbeing follow-up ' || w.point || ' (' || w.instrument || '): ' || translate(w.scores::text, '{,}', '[ ]')
		FROM wellbeing w JOIN families f ON f.id = w.family_id WHERE f.chat_id = $1 AND w.kind = 'followup'
		UNION ALL SELECT 'follow-ups: off' FROM families WHERE chat_id = $1 AND NOT follow_ups`, chat)
	if err != nil {
		h.t.Fatal(err)
	}
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		h.t.Fatal(err)
	}
	for _, l := range lines {
		fmt.Fprintf(b, "= %s\n", l)
	}
	rows, err = h.pool.Query(ctx, `SELECT data->>'point', due_at FROM jobs WHERE chat_id = $1 AND kind = $2 AND done_at IS NULL ORDER BY due_at`,
		chat, string(polku.JobWellbeingRemind))
	if err != nil {
		h.t.Fatal(err)
	}
	var point string
	var due time.Time
	if _, err := pgx.ForEachRow(rows, []any{&point, &due}, func() error {
		fmt.Fprintf(b, "= to send: the reminder of wellbeing follow-up %s, %s\n", point, h.canonicalTime(due).Format("02.01. 15:04"))
		return nil
	}); err != nil {
		h.t.Fatal(err)
	}
}

// storeOptions opens a test database on a fixed clock (tests that move
// time replace db.Now).
func storeOptions(conns int32) store.Options {
	at := time.Date(2026, 11, 22, 11, 0, 0, 0, helsinki)
	return store.Options{MaxConns: conns, Now: func() time.Time { return at }, Location: helsinki}
}

var helsinki = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err)
	}
	return loc
}()
