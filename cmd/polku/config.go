package main

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"polku/locales"
)

// config is everything Polku reads from the environment, parsed once.
type config struct {
	Token          string
	DatabaseURL    string
	APIURL         string
	WebhookURL     string
	WebhookSecret  string
	Listen         string
	Languages      []string
	Municipalities []string
	GlobalRate     float64
	ChatRate       float64
	ChatBurst      int
	Workers        int
	ResumeAfter    time.Duration
	Retention      time.Duration
	LogFormat      string
	LogLevel       string
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
	{"POLKU_WEBHOOK_SECRET", "", "Secret token Telegram sends with every webhook call (1–256 of A–Z a–z 0–9 _ -). Required with POLKU_WEBHOOK_URL."},
	{"POLKU_LISTEN", ":8080", "Address of the HTTP server: webhook (at the path of POLKU_WEBHOOK_URL), /healthz and /metrics."},
	{"POLKU_LANGUAGES", "fi,sv,en,uk", "Languages offered, the fallback first. Each needs a file in locales/."},
	{"POLKU_MUNICIPALITIES", "Kuusamo,Kalajoki", "Municipalities offered in the intake, comma-separated (\"other\" is always added)."},
	{"POLKU_RATE_GLOBAL", "30", "Messages per second to Telegram over all chats."},
	{"POLKU_RATE_CHAT", "1", "Messages per second to one chat."},
	{"POLKU_RATE_CHAT_BURST", "3", "Messages one chat may get in a short burst."},
	{"POLKU_WORKERS", "8", "Chats applied in parallel by one process."},
	{"POLKU_RESUME_AFTER", "6h", "After this pause a returning family is asked to continue or start over."},
	{"POLKU_RETENTION", "72h", "How long applied updates and sent messages are kept before they are deleted (at most 144h)."},
	{"POLKU_LOG_FORMAT", "json (serve), text (console)", "Log format: json or text."},
	{"POLKU_LOG_LEVEL", "info", "Log level: debug, info, warn or error."},
	{"POLKU_CONSOLE_ANY_DATABASE", "", "Set to 1 to let the console write its demo referral code and families to a database that is not on this computer; by default it refuses."},
}

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// parseConfig reads the environment and reports every problem together.
func parseConfig(getenv func(string) string, console bool) (config, error) {
	var errs []error
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	num := func(name, def string) float64 {
		v, err := strconv.ParseFloat(get(name, def), 64)
		if err != nil || v <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a positive number, got %q", name, get(name, def)))
			return 1
		}
		return v
	}
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
		GlobalRate:    num("POLKU_RATE_GLOBAL", "30"),
		ChatRate:      num("POLKU_RATE_CHAT", "1"),
		ChatBurst:     int(num("POLKU_RATE_CHAT_BURST", "3")),
		Workers:       int(num("POLKU_WORKERS", "8")),
		ResumeAfter:   dur("POLKU_RESUME_AFTER", "6h"),
		Retention:     dur("POLKU_RETENTION", "72h"),
		LogLevel:      get("POLKU_LOG_LEVEL", "info"),
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
	for _, l := range strings.Split(get("POLKU_LANGUAGES", "fi,sv,en,uk"), ",") {
		if l = strings.TrimSpace(l); l != "" {
			c.Languages = append(c.Languages, l)
		}
	}
	for _, l := range c.Languages {
		if !slices.Contains(locales.Files(), l) {
			errs = append(errs, fmt.Errorf("POLKU_LANGUAGES: no messages for %q (have %s)", l, strings.Join(locales.Files(), ", ")))
		}
	}
	for _, m := range strings.Split(get("POLKU_MUNICIPALITIES", "Kuusamo,Kalajoki"), ",") {
		if m = strings.TrimSpace(m); m != "" {
			c.Municipalities = append(c.Municipalities, m)
		}
	}
	if len(c.Municipalities) == 0 || len(c.Municipalities) > 40 {
		errs = append(errs, errors.New("POLKU_MUNICIPALITIES: give 1–40 names"))
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
			if u, err := url.Parse(c.WebhookURL); err != nil || u.Host == "" || u.Scheme != "https" {
				errs = append(errs, fmt.Errorf("POLKU_WEBHOOK_URL: not an https URL: %q", c.WebhookURL))
			}
			if !secretRE.MatchString(c.WebhookSecret) {
				errs = append(errs, errors.New("POLKU_WEBHOOK_SECRET: required with POLKU_WEBHOOK_URL, 1–256 of A–Z a–z 0–9 _ -"))
			}
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
