package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"polku"
	"polku/bot"
	"polku/internal/httpguard"
	"polku/locales"
	"polku/store"
)

// config is everything Polku reads from the environment, parsed once.
type config struct {
	// Now is the service's one clock. run sets it to the wall clock (the
	// console moves it on with :later); everything that writes or shows a
	// time takes it from here.
	Now            func() time.Time
	Token          string
	DatabaseURL    string
	APIURL         string
	WebhookURL     string
	WebhookSecret  string
	WebhookPath    string // of WebhookURL; the webhook answers there exactly
	Listen         string // the webhook's address
	OpsListen      string // of /healthz and /metrics; "" when off
	TrustedProxies httpguard.Proxies
	Languages      []string
	Municipalities []string
	// Service is the service's municipalities, each with its own
	// settings: from POLKU_CONFIG's file, or the built-in sample service
	// made of the environment's settings.
	Service polku.Service
	// Roles are the roles POLKU_CONFIG's file grants (none without one).
	Roles       []polku.Grant
	GlobalRate  float64
	ChatRate    float64
	ChatBurst   int
	Workers     int
	ApplyBatch  int
	Senders     int
	ResumeAfter time.Duration
	Retention   time.Duration
	// DraftDays is how long a half-done intake keeps its answers.
	DraftDays int
	// Retain is how long the families' data is kept.
	Retain store.Retention
	// Wellbeing is the intake's wellbeing instrument.
	Wellbeing polku.Instrument
	LogFormat string
	LogLevel  string
	Location  *time.Location
	Reminders polku.Reminders
	Operators []int64
	// Managers may ask for the report; ManagersGroup is their group,
	// where the monthly report comes; ManagersLang its language.
	Managers      []int64
	ManagersGroup int64
	ManagersLang  string
	// Costs are the configuration's costs for the report, in effect
	// until a manager sets some in Telegram (/costs).
	Costs polku.Costs
	// operator, set by the console, says who else may send a catalogue
	// file: every family the console plays.
	operator     func(user int64) bool
	Coordinators coordination
	// ConsoleAnyDatabase lets the console write its demo data to a
	// database that is not on this computer.
	ConsoleAnyDatabase bool
}

// variable documents one environment variable; help and the README list
// them from here.
type variable struct {
	Name, Default, Help string
}

var variables = []variable{
	{"TELEGRAM_BOT_TOKEN", "", "The bot's token from BotFather. Unset: `polku` runs the local console instead of the real bot."},
	{"DATABASE_URL", "", "PostgreSQL connection URL, e.g. postgres://polku@127.0.0.1:15432/polku?sslmode=disable. Required."},
	{"TELEGRAM_API_URL", "https://api.telegram.org", "Bot API server: Telegram's, or a self-hosted/local Bot API server."},
	{"POLKU_WEBHOOK_URL", "", "Public HTTPS URL Telegram delivers updates to. Unset: Polku long-polls getUpdates."},
	{"POLKU_WEBHOOK_SECRET", "", "Secret token Telegram sends with every webhook call: 32–256 of A–Z a–z 0–9 _ -; `polku secret` makes one. Required with POLKU_WEBHOOK_URL."},
	{"POLKU_LISTEN", ":8080", "Address of the webhook's HTTP server (at the path of POLKU_WEBHOOK_URL); only with POLKU_WEBHOOK_URL."},
	{"POLKU_OPS_LISTEN", "127.0.0.1:8081", "Address serving /healthz and /metrics, or off; the same address as POLKU_LISTEN shares the webhook's server."},
	{"POLKU_TRUSTED_PROXIES", httpguard.DefaultProxies, "Reverse proxies (addresses or CIDRs, or none) whose X-Forwarded-For names the caller of the webhook, whose wrong secrets are throttled."},
	{"POLKU_LANGUAGES", strings.Join(polku.Languages(), ","), "Languages offered, the fallback first. Each needs a file in locales/."},
	{"POLKU_CONFIG", "", "The service's own file (TOML): its regions and municipalities, each with its coordinators' group, office hours, crisis lines, card terms, data controller and languages, and the staff's roles; see docs/configuration.md. Unset: the built-in sample service of POLKU_MUNICIPALITIES, every setting from this table. `polku config check FILE` checks one."},
	{"POLKU_MUNICIPALITIES", "Kuusamo,Kalajoki", "Municipalities offered in the intake, comma-separated (\"other\" is always added). Only without POLKU_CONFIG, whose file lists them."},
	{"POLKU_RATE_GLOBAL", "30", "Messages per second to Telegram over all chats (above 0, at most 100000)."},
	{"POLKU_RATE_CHAT", "1", "Messages per second to one chat (above 0, at most 100000)."},
	{"POLKU_RATE_CHAT_BURST", "3", "Messages one chat may get in a short burst (a whole number, 1–10000)."},
	{"POLKU_WORKERS", "32", "Chats applied in parallel by one process (a whole number, 1–256)."},
	{"POLKU_APPLY_BATCH", "16", "Most chats whose updates one worker applies in one transaction (a whole number, 1–256; 1: one transaction an update)."},
	{"POLKU_SENDERS", "64", "Most messages sent to Telegram at once; their outcomes are written together (a whole number, 1–256)."},
	{"POLKU_RESUME_AFTER", "6h", "After this pause a returning family is asked to continue or start over."},
	{"POLKU_RETENTION", "72h", "How long applied updates and sent messages are kept before they are deleted (at most 144h)."},
	{"POLKU_DRAFT_DAYS", "30", "Days a half-done intake keeps its answers; then the family starts afresh (1–365)."},
	{"POLKU_RETAIN_INACTIVE_MONTHS", "24", "Months after which a family that did nothing (no message, sign-up, open case, valid card) is erased, without being told (0–120; 0: kept until it erases its data). See Retention below."},
	{"POLKU_RETAIN_CASES_MONTHS", "12", "Months after closing that a case goes, with its notes and its forum topic (0–120; 0: kept)."},
	{"POLKU_RETAIN_SIGNUPS_DAYS", "90", "Days after its session that a sign-up goes, with the rest of that month's (0–3650; 0: kept). The report's counts stay."},
	{"POLKU_RETAIN_CARDS_DAYS", "90", "Days after expiry or revocation that a wellbeing card goes, with its visits (0–3650; 0: kept). The report's counts stay."},
	{"POLKU_RETAIN_AUDIT_YEARS", "5", "Years the audit of what coordinators and providers did is kept (0–50; 0: kept)."},
	{"POLKU_WELLBEING", "who5", "The intake's wellbeing measure: who5 (the WHO-5 Well-Being Index), own (Polku's four statements) or off (none asked). See docs/wellbeing.md."},
	{"POLKU_TIMEZONE", "Europe/Helsinki", "Time zone of dates shown to families and of reminders."},
	{"POLKU_REMIND_DAY_BEFORE_AT", "18:00", "Local time of the reminder the day before a session, or off."},
	{"POLKU_REMIND_BEFORE", "2h", "How long before a session the second reminder comes, or off."},
	{"POLKU_FOLLOW_UP_AFTER", "1h", "How long after a session \"Did you make it?\" is asked."},
	{"POLKU_FOLLOW_UP_WEEKS", "8", "Weeks after the wellbeing baseline that the follow-up question is asked: one point, or several in order, comma-separated (such as 8,26; each 1–104; 0: none). The report's change is of the first point."},
	{"POLKU_FOLLOW_UP_AT", "10:00", "Local time of the wellbeing follow-up; in the quiet hours it waits for the morning."},
	{"POLKU_FOLLOW_UP_REMIND", "3", "Days after the wellbeing follow-up that one gentle reminder comes, at the same hour, if it is still unanswered (0–14; 0: none)."},
	{"POLKU_QUIET_HOURS", "21:00-08:00", "Local night: no reminder is sent in it; a follow-up question, and a notice of a change unless its session comes first, waits for the morning. 00:00-00:00: none."},
	{"POLKU_OPERATORS", "", "Telegram user IDs (comma-separated) of the service's operators: they import the catalogue by sending a file to the bot, read the whole audit log (/audit) and give roles in Telegram (/grant: operators, and managers of any scope; see [docs/reports.md](docs/reports.md#roles))."},
	{"POLKU_MANAGERS", "", "Telegram user IDs (comma-separated) of the whole service's managers: they may ask for the report (/report) and the audit log (/audit) in a private chat with the bot or in the coordinators' group, and give roles within the service (/grant). Managers of one region or municipality are named in the configuration file or granted in Telegram."},
	{"POLKU_MANAGERS_GROUP", "", "Chat ID of the managers' group, such as -1001234567891: its members may ask for the report and the audit log there, and last month's report comes there by itself on the first working day of each month. Unset: no report is sent by itself."},
	{"POLKU_COST_MONTHLY", "0", "The service's costs for the report, in euros (decimal comma or point): the project's cost a month. These five are the costs until a manager sets them in Telegram with `/costs`; from then on the latest set there count (see [docs/reports.md](docs/reports.md))."},
	{"POLKU_COST_SESSION", "0", "Cost of one activity session held, in euros."},
	{"POLKU_COST_VISIT", "0", "Cost of one wellbeing-card visit (what the service pays the organiser), in euros."},
	{"POLKU_STAFF_HOURS", "0", "Staff hours a month that the report counts as a cost, at POLKU_STAFF_RATE."},
	{"POLKU_STAFF_RATE", "0", "Cost of one staff hour, in euros."},
	{"POLKU_MANAGERS_LANGUAGE", "fi", "Language of the report in the managers' group and the coordinators' group (in a private chat, the manager's own)."},
	{"POLKU_COORDINATORS_GROUP", "", "Chat ID of the coordinators' supergroup (forum topics on, the bot an admin who may manage topics and pin), such as -1001234567890. Unset: cases are stored but no group is told."},
	{"POLKU_COORDINATORS_LANGUAGE", "fi", "Language the bot speaks in the coordinators' group."},
	{"POLKU_COORDINATOR_NAMES", "0", "Set to 1 to show families the first name of the coordinator who writes."},
	{"POLKU_OFFICE_HOURS", "mon-fri 9-16", "When coordinators answer (local time), e.g. \"mon-thu 8.30-16, fri 8.30-14\"; always: \"24h\". Outside them families are told when to expect an answer."},
	{"POLKU_HOLIDAYS", "", "The service's own days off besides Finland's, e.g. 2026-12-31,2027-01-07."},
	{"POLKU_PUBLIC_HOLIDAYS", "fi", "fi: no office hours on Finland's public holidays, Midsummer Eve and Christmas Eve (computed every year); none: only POLKU_HOLIDAYS."},
	{"POLKU_CRISIS_LINES", "", "Crisis lines told with the emergency number 112, separated by semicolons, e.g. \"Crisis line 0800 000 000; Child line 0800 000 001\"."},
	{"POLKU_SAFETY_WORDS", "(built in)", "Word stems that make a message urgent, per language: \"fi:väkival|itsetuho;sv:våld;en:violen;uk:насильст\", or off. See docs/coordinators.md."},
	{"POLKU_NUDGE_AFTER", "2h", "How long a case may wait unclaimed (within office hours) before the group is reminded."},
	{"POLKU_CARD_DAYS", "180", "Days a wellbeing card issued with the case's button is valid (1–3660)."},
	{"POLKU_CARD_VISITS", "10", "Free visits of such a card (0–1000); 0 = unlimited."},
	{"POLKU_PROVIDER_LINK_DAYS", "7", "Days a provider's link (/provider add) works unless opened; 1–90."},
	{"POLKU_VERIFY_PER_HOUR", "60", "Cards one provider may check within an hour (guesses of codes included); 1–10000."},
	{"POLKU_TEMPLATES", "(built in)", "File of the coordinators' reply templates (/t NAME); see bot/templates.toml. Re-read whenever it changes."},
	{"POLKU_MEMBER_CACHE", "5m", "How long a check that someone is a member of the coordinators' group is trusted."},
	{"POLKU_LOG_FORMAT", "json (serve), text (console)", "Log format: json or text."},
	{"POLKU_LOG_LEVEL", "info", "Log level: debug, info, warn or error."},
	{"POLKU_CONSOLE_ANY_DATABASE", "", "Set to 1 to let the console write its demo referral code and families to a database that is not on this computer; by default it refuses."},
}

// The bot's settings that are Telegram's limits or the bot's own rhythm
// rather than an operator's choice: not read from the environment, but
// kept here beside the table, so that every default is in this one file
// (bot.Config has none of its own).
const (
	// Telegram allows 20 messages a minute in a group: 18 leaves room
	// for the bot's own answers to buttons; 10 may go at once.
	groupRate  = 18.0 / 60
	groupBurst = 10
	// pollTimeout is getUpdates' long-polling timeout.
	pollTimeout = 25 * time.Second
	// idle is how often workers look for updates another process took in.
	idle = 250 * time.Millisecond
	// An update is tried maxAttempts times when Polku fails it,
	// telegramAttempts when Telegram does, first after backoff, doubling.
	maxAttempts      = 3
	telegramAttempts = 10
	backoff          = time.Second
	// groupProbe is how often a message held for an unreachable group is
	// tried again; jobIdle the longest the job runner sleeps.
	groupProbe = time.Minute
	jobIdle    = 5 * time.Second
	// reportAt is when, on the first weekday of a month, last month's
	// report comes to the managers' group: at the start of a working day.
	reportAt = 9 * time.Hour
)

// The built-in sample service's name and data controller: fictional, as
// every sample is, and said to be so in the privacy notice's own words.
var (
	sampleName = polku.Localized{
		"fi": "Polku (esimerkkipalvelu)", "sv": "Polku (exempeltjänst)",
		"en": "Polku (sample service)", "uk": "Polku (зразковий сервіс)",
	}
	sampleController = polku.Controller{
		Name: polku.Localized{
			"fi": "Esimerkkikuntien perhepalvelut (kuvitteellinen)", "sv": "Exempelkommunernas familjetjänster (fiktiv)",
			"en": "Sample municipalities' family services (fictional)", "uk": "Сімейні служби зразкових громад (вигадані)",
		},
		Contact: "perhepalvelut@example.org",
		DPO:     "tietosuoja@example.org",
	}
)

// secretRE is a webhook secret: Telegram's alphabet, and long enough
// (192 bits or more) that guessing it is hopeless.
var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{32,256}$`)

// newSecret makes a webhook secret: 64 characters, 384 random bits.
func newSecret() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b) // never fails: it crashes the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// whole reads a whole-number setting within lo..hi.
func whole(get func(name, def string) string, errs *[]error, name, def string, lo, hi int) int {
	v := get(name, def)
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		*errs = append(*errs, fmt.Errorf("%s: want a whole number %d–%d, got %q", name, lo, hi, v))
		return lo
	}
	return n
}

// perSecond reads a setting of so many per second: above 0, at most hi.
func perSecond(get func(name, def string) string, errs *[]error, name, def string, hi float64) float64 {
	v := get(name, def)
	r, err := strconv.ParseFloat(v, 64)
	if err != nil || !(r > 0 && r <= hi) { // !(…) also refuses NaN
		*errs = append(*errs, fmt.Errorf("%s: want a number above 0, at most %g, got %q", name, hi, v))
		return 1
	}
	return r
}

// address checks a listen address such as :8080 or 127.0.0.1:8081.
func address(name, v string, errs *[]error) {
	_, port, err := net.SplitHostPort(v)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		*errs = append(*errs, fmt.Errorf("%s: want an address such as :8080 or 127.0.0.1:8081, got %q", name, v))
	}
}

// getter reads the environment: a variable's value, or def when it is
// unset (or only spaces).
func getter(getenv func(string) string) func(name, def string) string {
	return func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
}

// parseConfig reads the environment (and POLKU_CONFIG's file, the
// service's settings) and reports every problem together.
func parseConfig(getenv func(string) string, console bool) (config, error) {
	var errs []error
	get := getter(getenv)
	dur := func(name, def string) time.Duration {
		v, err := time.ParseDuration(get(name, def))
		if err != nil || v <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a duration such as 6h or 30m, got %q", name, get(name, def)))
			return time.Hour
		}
		return v
	}
	c := config{
		Token:         get("TELEGRAM_BOT_TOKEN", ""),
		DatabaseURL:   get("DATABASE_URL", ""),
		APIURL:        get("TELEGRAM_API_URL", "https://api.telegram.org"),
		WebhookURL:    get("POLKU_WEBHOOK_URL", ""),
		WebhookSecret: get("POLKU_WEBHOOK_SECRET", ""),
		Listen:        get("POLKU_LISTEN", ":8080"),
		OpsListen:     get("POLKU_OPS_LISTEN", "127.0.0.1:8081"),
		GlobalRate:    perSecond(get, &errs, "POLKU_RATE_GLOBAL", "30", 100000),
		ChatRate:      perSecond(get, &errs, "POLKU_RATE_CHAT", "1", 100000),
		ChatBurst:     whole(get, &errs, "POLKU_RATE_CHAT_BURST", "3", 1, 10000),
		Workers:       whole(get, &errs, "POLKU_WORKERS", "32", 1, 256),
		ApplyBatch:    whole(get, &errs, "POLKU_APPLY_BATCH", "16", 1, 256),
		Senders:       whole(get, &errs, "POLKU_SENDERS", "64", 1, 256),
		ResumeAfter:   dur("POLKU_RESUME_AFTER", "6h"),
		Retention:     dur("POLKU_RETENTION", "72h"),
		DraftDays:     whole(get, &errs, "POLKU_DRAFT_DAYS", "30", 1, 365),
		Retain: store.Retention{
			InactiveMonths: whole(get, &errs, "POLKU_RETAIN_INACTIVE_MONTHS", "24", 0, 120),
			CasesMonths:    whole(get, &errs, "POLKU_RETAIN_CASES_MONTHS", "12", 0, 120),
			SignUpsDays:    whole(get, &errs, "POLKU_RETAIN_SIGNUPS_DAYS", "90", 0, 3650),
			CardsDays:      whole(get, &errs, "POLKU_RETAIN_CARDS_DAYS", "90", 0, 3650),
			AuditYears:     whole(get, &errs, "POLKU_RETAIN_AUDIT_YEARS", "5", 0, 50),
		},
		LogLevel: get("POLKU_LOG_LEVEL", "info"),
	}
	in, err := polku.ParseInstrument(get("POLKU_WELLBEING", "who5"))
	if err != nil {
		errs = append(errs, fmt.Errorf("POLKU_WELLBEING: want who5, own or off, got %q", get("POLKU_WELLBEING", "who5")))
	}
	c.Wellbeing = in
	c.Location, c.Reminders = reminders(get, &errs)
	c.Coordinators = coordinators(get, c.Location, &errs)
	if !slices.Contains(locales.Files(), c.Coordinators.GroupLang) {
		errs = append(errs, fmt.Errorf("POLKU_COORDINATORS_LANGUAGE: no messages for %q", c.Coordinators.GroupLang))
	}
	c.Operators = users(get, &errs, "POLKU_OPERATORS")
	c.Managers = users(get, &errs, "POLKU_MANAGERS")
	if v := get("POLKU_MANAGERS_GROUP", ""); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id >= 0 {
			errs = append(errs, fmt.Errorf("POLKU_MANAGERS_GROUP: want the group's chat ID, such as -1001234567891, got %q", v))
		}
		c.ManagersGroup = id
	}
	c.ManagersLang = get("POLKU_MANAGERS_LANGUAGE", "fi")
	c.Costs = polku.Costs{
		Monthly: euros(get, &errs, "POLKU_COST_MONTHLY"), PerSession: euros(get, &errs, "POLKU_COST_SESSION"),
		PerVisit: euros(get, &errs, "POLKU_COST_VISIT"), HourlyRate: euros(get, &errs, "POLKU_STAFF_RATE"),
	}
	if v := get("POLKU_STAFF_HOURS", "0"); v != "" {
		h, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if err != nil || !(h >= 0 && h <= 100000) {
			errs = append(errs, fmt.Errorf("POLKU_STAFF_HOURS: want hours a month, 0–100000, got %q", v))
		}
		c.Costs.StaffHours = h
	}
	if !slices.Contains(locales.Files(), c.ManagersLang) {
		errs = append(errs, fmt.Errorf("POLKU_MANAGERS_LANGUAGE: no messages for %q", c.ManagersLang))
	}
	if c.Retention > 6*24*time.Hour {
		// Telegram may restart update IDs after a quiet week; an update
		// ID kept longer could make a new update look like a duplicate.
		errs = append(errs, errors.New("POLKU_RETENTION: at most 144h (Telegram may reuse update IDs after a week)"))
	}
	c.LogFormat = get("POLKU_LOG_FORMAT", "json")
	if console {
		c.LogFormat = get("POLKU_LOG_FORMAT", "text")
	}
	c.Languages = languages(get, &errs)
	if file := get("POLKU_CONFIG", ""); file != "" {
		c.service(file, get, &errs)
	} else {
		c.Municipalities = list(get("POLKU_MUNICIPALITIES", builtIn("POLKU_MUNICIPALITIES")), ",")
		if len(c.Municipalities) == 0 || len(c.Municipalities) > maxButtons {
			errs = append(errs, fmt.Errorf("POLKU_MUNICIPALITIES: give 1–%d names (more in regions: POLKU_CONFIG's file)", maxButtons))
		}
		co := c.Coordinators
		c.Service = polku.Simple(sampleName, c.Municipalities, polku.Settings{
			Group: co.Group, Hours: co.Hours, Crisis: co.Crisis, Card: polku.CardTerms{Days: co.CardDays, Visits: co.CardVisits},
			Controller: sampleController, Languages: c.Languages,
		})
	}
	if c.ManagersGroup != 0 && slices.Contains(c.Service.Groups(), c.ManagersGroup) {
		errs = append(errs, errors.New("POLKU_MANAGERS_GROUP: the coordinators' group cannot be the managers' too: every coordinator would be a manager"))
	}
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL: required (`make run` sets it for the local database)"))
	}
	if !console {
		if c.Token == "" {
			errs = append(errs, errors.New("TELEGRAM_BOT_TOKEN: required to run the real bot (get one from @BotFather)"))
		} else if !regexp.MustCompile(`^\d+:[A-Za-z0-9_-]{20,}$`).MatchString(c.Token) {
			errs = append(errs, errors.New("TELEGRAM_BOT_TOKEN: does not look like a token from BotFather (digits:letters)"))
		}
		if u, err := url.Parse(c.APIURL); err != nil || u.Scheme == "" || u.Host == "" {
			errs = append(errs, fmt.Errorf("TELEGRAM_API_URL: not a URL: %q", c.APIURL))
		}
		if c.WebhookURL != "" {
			c.WebhookPath = "/"
			if u, err := url.Parse(c.WebhookURL); err != nil || u.Host == "" || u.Scheme != "https" {
				errs = append(errs, fmt.Errorf("POLKU_WEBHOOK_URL: not an https URL: %q", c.WebhookURL))
			} else if u.Path != "" {
				c.WebhookPath = u.Path
			}
			if !secretRE.MatchString(c.WebhookSecret) {
				// Never the value: it may be a real secret, slightly off.
				errs = append(errs, errors.New("POLKU_WEBHOOK_SECRET: required with POLKU_WEBHOOK_URL: 32–256 of A–Z a–z 0–9 _ - (run `polku secret` to make one)"))
			}
			address("POLKU_LISTEN", c.Listen, &errs)
			if c.opsShared() && (c.WebhookPath == "/healthz" || c.WebhookPath == "/metrics") {
				errs = append(errs, fmt.Errorf("POLKU_WEBHOOK_URL: its path %s is where POLKU_OPS_LISTEN, the same address as POLKU_LISTEN, serves %[1]s; choose another path", c.WebhookPath))
			}
		}
		if c.OpsListen == "off" {
			c.OpsListen = ""
		} else {
			address("POLKU_OPS_LISTEN", c.OpsListen, &errs)
		}
		var err error
		if c.TrustedProxies, err = httpguard.ParseProxies(get("POLKU_TRUSTED_PROXIES", httpguard.DefaultProxies)); err != nil {
			errs = append(errs, fmt.Errorf("POLKU_TRUSTED_PROXIES: %v", err))
		}
	}
	switch v := get("POLKU_CONSOLE_ANY_DATABASE", "0"); v {
	case "0":
	case "1":
		c.ConsoleAnyDatabase = true
	default:
		errs = append(errs, fmt.Errorf("POLKU_CONSOLE_ANY_DATABASE: 1 or 0, got %q", v))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("POLKU_LOG_FORMAT: json or text, got %q", c.LogFormat))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel) {
		errs = append(errs, fmt.Errorf("POLKU_LOG_LEVEL: debug, info, warn or error, got %q", c.LogLevel))
	}
	return c, errors.Join(errs...)
}

// languages reads POLKU_LANGUAGES: each must have its messages.
func languages(get func(name, def string) string, errs *[]error) []string {
	langs := list(get("POLKU_LANGUAGES", builtIn("POLKU_LANGUAGES")), ",")
	for _, l := range langs {
		if !slices.Contains(locales.Files(), l) {
			*errs = append(*errs, fmt.Errorf("POLKU_LANGUAGES: no messages for %q (have %s)", l, strings.Join(locales.Files(), ", ")))
		}
	}
	return langs
}

// list reads a list of values separated by sep, spaces around them and
// empty ones dropped.
func list(v, sep string) []string {
	var out []string
	for _, f := range strings.Split(v, sep) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// opsShared says whether /healthz and /metrics are served by the
// webhook's server.
func (c config) opsShared() bool {
	return c.WebhookURL != "" && c.OpsListen == c.Listen
}

// reminders reads the time zone and the reminder settings.
func reminders(get func(name, def string) string, errs *[]error) (*time.Location, polku.Reminders) {
	loc, err := time.LoadLocation(get("POLKU_TIMEZONE", "Europe/Helsinki"))
	if err != nil {
		*errs = append(*errs, fmt.Errorf("POLKU_TIMEZONE: unknown time zone %q", get("POLKU_TIMEZONE", "")))
		loc = time.UTC
	}
	r := polku.DefaultReminders(loc)
	clock := func(name, v string) (time.Duration, bool) {
		h, m, ok := strings.Cut(strings.ReplaceAll(v, ".", ":"), ":")
		hh, err1 := strconv.Atoi(h)
		mm, err2 := strconv.Atoi(m)
		if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
			*errs = append(*errs, fmt.Errorf("%s: want a time of day such as 18:00, got %q", name, v))
			return 0, false
		}
		return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, true
	}
	quiet := get("POLKU_QUIET_HOURS", "21:00-08:00")
	from, until, ok := strings.Cut(quiet, "-")
	if !ok {
		*errs = append(*errs, fmt.Errorf("POLKU_QUIET_HOURS: want a range such as 21:00-08:00, got %q", quiet))
	} else if f, ok1 := clock("POLKU_QUIET_HOURS", strings.TrimSpace(from)); ok1 {
		if u, ok2 := clock("POLKU_QUIET_HOURS", strings.TrimSpace(until)); ok2 {
			r.QuietFrom, r.QuietUntil = f, u
		}
	}
	if v := get("POLKU_REMIND_DAY_BEFORE_AT", "18:00"); v == "off" {
		r.DayBeforeAt = -1
	} else if d, ok := clock("POLKU_REMIND_DAY_BEFORE_AT", v); ok {
		r.DayBeforeAt = d
		day := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
		if r.Quiet(day.Add(d)) {
			*errs = append(*errs, fmt.Errorf("POLKU_REMIND_DAY_BEFORE_AT: %s is inside the quiet hours %s", v, quiet))
		}
	}
	period := func(name, def string) time.Duration {
		v := get(name, def)
		if v == "off" {
			return -1
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 7*24*time.Hour {
			*errs = append(*errs, fmt.Errorf("%s: want a duration such as 2h, or off, got %q", name, v))
			return time.Hour
		}
		return d
	}
	r.Before = period("POLKU_REMIND_BEFORE", "2h")
	if r.FollowUpAfter = period("POLKU_FOLLOW_UP_AFTER", "1h"); r.FollowUpAfter < 0 {
		*errs = append(*errs, errors.New("POLKU_FOLLOW_UP_AFTER: the attendance question cannot be turned off; give a duration"))
		r.FollowUpAfter = time.Hour
	}
	if weeks, ok := followUpWeeks(get("POLKU_FOLLOW_UP_WEEKS", "8")); ok {
		r.WellbeingWeeks = weeks
	} else {
		*errs = append(*errs, fmt.Errorf("POLKU_FOLLOW_UP_WEEKS: want weeks in order such as 8 or 8,26 (each 1–104), or 0, got %q", get("POLKU_FOLLOW_UP_WEEKS", "8")))
	}
	if v := get("POLKU_FOLLOW_UP_REMIND", "3"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 0 || d > 14 {
			*errs = append(*errs, fmt.Errorf("POLKU_FOLLOW_UP_REMIND: want a whole number of days, 0–14, got %q", v))
		} else {
			r.WellbeingRemindDays = d
		}
	}
	if d, ok := clock("POLKU_FOLLOW_UP_AT", get("POLKU_FOLLOW_UP_AT", "10:00")); ok {
		r.WellbeingAt = d
	}
	return loc, r
}

// followUpWeeks reads the wellbeing follow-up points: "0" (none), or
// weeks 1–104 in growing order, comma-separated.
func followUpWeeks(v string) ([]int, bool) {
	if strings.TrimSpace(v) == "0" {
		return nil, true
	}
	var weeks []int
	for _, f := range strings.Split(v, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 || w > 104 || len(weeks) > 0 && w <= weeks[len(weeks)-1] {
			return nil, false
		}
		weeks = append(weeks, w)
	}
	return weeks, true
}

// euros reads an amount of euros (such as 4500, 4 500,50 or 12.5) as
// cents: 0 to ten million euros.
func euros(get func(name, def string) string, errs *[]error, name string) int64 {
	v := get(name, "0")
	x, err := strconv.ParseFloat(strings.Replace(strings.ReplaceAll(strings.ReplaceAll(v, " ", ""), "\u00a0", ""), ",", ".", 1), 64)
	if err != nil || !(x >= 0 && x <= 1e7) {
		*errs = append(*errs, fmt.Errorf("%s: want euros, such as 4500 or 12,50, got %q", name, v))
		return 0
	}
	return int64(math.Round(x * 100))
}

// users reads a comma-separated list of Telegram user IDs.
func users(get func(name, def string) string, errs *[]error, name string) []int64 {
	var ids []int64
	for _, f := range strings.FieldsFunc(get(name, ""), func(r rune) bool { return r == ',' || r == ' ' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			*errs = append(*errs, fmt.Errorf("%s: want Telegram user IDs, got %q", name, f))
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// coordination is how the coordinators work: their group, office hours,
// safety words, the wellbeing card's terms and the providers who check it.
type coordination struct {
	Group       int64
	GroupLang   string
	ShowNames   bool
	Hours       polku.OfficeHours
	Safety      polku.SafetyWords
	Crisis      []string
	NudgeAfter  time.Duration
	CardDays    int
	CardVisits  int
	Templates   string
	MemberCache time.Duration
	// ProviderLinkDays is how long a provider's link works, VerifyPerHour
	// how many cards one provider may check within an hour.
	ProviderLinkDays int
	VerifyPerHour    int
}

// coordinators reads the coordinators' settings.
func coordinators(get func(name, def string) string, loc *time.Location, errs *[]error) coordination {
	var c coordination
	if v := get("POLKU_COORDINATORS_GROUP", ""); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id >= 0 {
			*errs = append(*errs, fmt.Errorf("POLKU_COORDINATORS_GROUP: want the supergroup's chat ID, such as -1001234567890, got %q", v))
		}
		c.Group = id
	}
	c.GroupLang = get("POLKU_COORDINATORS_LANGUAGE", "fi")
	switch v := get("POLKU_COORDINATOR_NAMES", "0"); v {
	case "0":
	case "1":
		c.ShowNames = true
	default:
		*errs = append(*errs, fmt.Errorf("POLKU_COORDINATOR_NAMES: 1 or 0, got %q", v))
	}
	var err error
	if c.Hours, err = polku.ParseOfficeHours(get("POLKU_OFFICE_HOURS", "mon-fri 9-16"), get("POLKU_HOLIDAYS", ""), loc); err != nil {
		*errs = append(*errs, fmt.Errorf("POLKU_OFFICE_HOURS / POLKU_HOLIDAYS: %v", err))
	}
	switch v := get("POLKU_PUBLIC_HOLIDAYS", "fi"); v {
	case "fi":
		c.Hours.Public = true
	case "none":
	default:
		*errs = append(*errs, fmt.Errorf("POLKU_PUBLIC_HOLIDAYS: fi or none, got %q", v))
	}
	switch v := get("POLKU_SAFETY_WORDS", ""); v {
	case "":
		c.Safety = polku.DefaultSafetyWords()
	case "off":
	default:
		if c.Safety, err = polku.ParseSafetyWords(v); err != nil {
			*errs = append(*errs, fmt.Errorf("POLKU_SAFETY_WORDS: %v", err))
		}
	}
	c.Crisis = list(get("POLKU_CRISIS_LINES", ""), ";")
	c.CardDays = whole(get, errs, "POLKU_CARD_DAYS", "180", 1, 3660)
	c.CardVisits = whole(get, errs, "POLKU_CARD_VISITS", "10", 0, 1000)
	c.ProviderLinkDays = whole(get, errs, "POLKU_PROVIDER_LINK_DAYS", "7", 1, store.MaxLinkDays)
	c.VerifyPerHour = whole(get, errs, "POLKU_VERIFY_PER_HOUR", "60", 1, 10000)
	for _, d := range []struct {
		name, def string
		to        *time.Duration
	}{{"POLKU_NUDGE_AFTER", "2h", &c.NudgeAfter}, {"POLKU_MEMBER_CACHE", "5m", &c.MemberCache}} {
		v, err := time.ParseDuration(get(d.name, d.def))
		if err != nil || v <= 0 {
			*errs = append(*errs, fmt.Errorf("%s: want a duration such as %s, got %q", d.name, d.def, get(d.name, d.def)))
		}
		*d.to = v
	}
	c.Templates = get("POLKU_TEMPLATES", "")
	if c.Templates != "" {
		if _, err := bot.ReadTemplates(c.Templates); err != nil {
			*errs = append(*errs, fmt.Errorf("POLKU_TEMPLATES: %v", err))
		}
	}
	return c
}
