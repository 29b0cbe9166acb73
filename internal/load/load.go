// Package load holds Polku's load benchmarks, run by \`polku load\` (\`make
// bench\`, \`make bench-reminders\`): simulated families through the whole
// intake against the fake Bot API (internal/telegramtest) and a scratch
// database, and the reminder dispatch benchmark, which runs the real
// binary as \`polku serve\` and may kill it half-way. They measure wall
// time. main gives them the database and the bot, built as serve builds
// them; they never touch a real database's data.
package load

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"polku/bot"
	"polku/internal/telegramtest"
	"polku/store"
)

// Setup is what the benchmarks need from main.
type Setup struct {
	// DatabaseURL names the cluster the benchmarks make their scratch
	// databases in.
	DatabaseURL string
	// Workers is the bot's POLKU_WORKERS, shown with the figures;
	// Conns the database connections serve would have.
	Workers int
	Conns   int32
	// Debug shows the bot's log (POLKU_LOG_LEVEL=debug).
	Debug bool
	// Open connects to the database at url and migrates it, with at most
	// conns connections.
	Open func(ctx context.Context, url string, conns int32) (*store.DB, error)
	// Bot builds the bot as serve does, against the fake Bot API at
	// apiURL; unlimited lifts the bot's own rate limits.
	Bot func(db *store.DB, log *slog.Logger, apiURL, token string, unlimited bool) (*bot.Bot, error)
}

// Run runs the benchmark args ask for (the flags of \`polku load\`) and
// prints its figures.
func Run(ctx context.Context, cfg Setup, args []string, stdout io.Writer) error {
	if reminderFlag(args) { // the reminder dispatch benchmark (reminders.go)
		return loadReminders(ctx, cfg, args, stdout)
	}
	return intake(ctx, cfg, args, stdout)
}

// intake runs simulated families through the whole intake, all at once,
// against the fake Bot API and the real database, and prints throughput,
// reply latency and peak memory.
func intake(ctx context.Context, cfg Setup, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	families := fs.Int("families", 200, "concurrent simulated families")
	limits := fs.Bool("limits", false, "enforce Telegram's rate limits (30 msg/s in total, 1/s per chat) in the fake and the sender")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after this long")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	// A scratch database: the benchmark never touches real data.
	scratch, drop, err := store.Scratch(ctx, cfg.DatabaseURL, "polku_load")
	if err != nil {
		return err
	}
	defer drop()
	db, err := cfg.Open(ctx, scratch, cfg.Conns)
	if err != nil {
		return err
	}
	defer db.Close()
	opts := telegramtest.Options{NoLimits: !*limits, CallbackTimeout: -1, FirstUpdateID: time.Now().UnixMilli()}
	fake := telegramtest.New(opts)
	defer fake.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if cfg.Debug {
		quiet = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	b, err := cfg.Bot(db, quiet, fake.URL(), fake.Token(), !*limits)
	if err != nil {
		return err
	}
	runCtx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = b.Run(runCtx) }()
	go func() { defer wg.Done(); _ = b.Poll(runCtx) }()

	// Users get IDs unlikely to meet earlier runs' chats.
	base := time.Now().UnixMilli() % 1_000_000 * 1000
	// One router reads the fake's event log and tells each family when the
	// bot sent or edited a message in its chat: cheaper than every family
	// scanning its chat on every change, which would skew the figures.
	inboxes := make(map[int64]chan struct{}, *families)
	for i := range *families {
		inboxes[800_000_000+base+int64(i)] = make(chan struct{}, 64)
	}
	go route(runCtx, fake, inboxes)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var updates atomic.Int64
	lat := make([][]time.Duration, *families)
	errs := make([]error, *families)
	start := time.Now()
	var fw sync.WaitGroup
	for i := range *families {
		fw.Add(1)
		go func() {
			defer fw.Done()
			id := 800_000_000 + base + int64(i)
			f := &family{fake: fake, replies: inboxes[id], user: telegramtest.User{ID: id, FirstName: "Load", LanguageCode: []string{"fi", "sv-FI", "en", "uk"}[i%4]}}
			errs[i] = f.intake(runCtx, &updates)
			lat[i] = f.latencies
		}()
	}
	fw.Wait()
	elapsed := time.Since(start)
	cancel()
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	fmt.Fprintf(stdout, "families: %d, each through the whole intake (limits: %v, workers: %d, GOMAXPROCS: %d)\n", *families, *limits, cfg.Workers, runtime.GOMAXPROCS(0))
	fmt.Fprintf(stdout, "updates: %d in %.2fs = %.0f updates/s\n", updates.Load(), elapsed.Seconds(), float64(updates.Load())/elapsed.Seconds())
	fmt.Fprintf(stdout, "reply latency: p50 %v, p99 %v, max %v\n", pct(0.50).Round(time.Millisecond/10), pct(0.99).Round(time.Millisecond/10), all[len(all)-1].Round(time.Millisecond))
	fmt.Fprintf(stdout, "429 answers from the fake: %d\n", fake.TooManyRequests())
	fmt.Fprintf(stdout, "peak memory (RSS high-water mark of this process: bot, fake Telegram and load generator): %s\n", peakRSS())
	return nil
}

// peakRSS reads the process's resident-set high-water mark.
func peakRSS() string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return fmt.Sprintf("%.1f MiB", float64(kb)/1024)
		}
	}
	return "unknown"
}

// route tells each family about bot messages sent or edited in its chat.
func route(ctx context.Context, fake *telegramtest.Server, inboxes map[int64]chan struct{}) {
	seen := 0
	for ctx.Err() == nil {
		if fake.Wait(ctx, func() bool { return len(fake.Events(seen)) > 0 }) != nil {
			return
		}
		for _, e := range fake.Events(seen) {
			seen = max(seen, e.Seq)
			if e.Kind != "send" && e.Kind != "edit" {
				continue
			}
			if c, ok := inboxes[e.ChatID]; ok {
				c <- struct{}{}
			}
		}
	}
}

// family is one simulated family.
type family struct {
	fake      *telegramtest.Server
	user      telegramtest.User
	replies   chan struct{}
	latencies []time.Duration
}

// step describes one answer: a button whose callback data ends with
// suffix, or, when suffix is empty, a typed text. A step that repeats is
// answered again as long as the next screen offers its button: the
// wellbeing check has as many statements as the service's instrument
// (POLKU_WELLBEING) has.
type step struct {
	suffix, text string
	repeat       bool
}

var intakeScript = []step{
	{text: "/start"},
	{suffix: ":go"}, {suffix: ":m:0"}, {suffix: ":w:parent"}, {suffix: ":yes"},
	{suffix: ":k:3-6:+"}, {suffix: ":k:7-12:+"}, {suffix: ":done"},
	{suffix: ":t:nature"}, {suffix: ":t:art"}, {suffix: ":done"},
	{suffix: ":t:families"}, {suffix: ":done"},
	{text: "We would like to meet other families."},
	{suffix: ":t:free"}, {suffix: ":done"},
	{suffix: ":t:fi"}, {suffix: ":done"},
	{suffix: ":start"}, {suffix: ":w:3", repeat: true},
	{suffix: ":c:chat"}, {suffix: ":ok"},
}

func (f *family) intake(ctx context.Context, updates *atomic.Int64) error {
	for _, s := range intakeScript {
		for first := true; first || s.repeat && f.offers(s.suffix); first = false {
			if err := f.answer(ctx, s, updates); err != nil {
				return err
			}
		}
	}
	return nil
}

// answer takes one step and waits for the bot's answer to it.
func (f *family) answer(ctx context.Context, s step, updates *atomic.Int64) error {
	t0 := time.Now()
	if s.suffix == "" {
		f.fake.SendText(f.user, s.text)
	} else {
		m, data, ok := f.button(s.suffix)
		if !ok {
			return fmt.Errorf("family %d: no button *%s", f.user.ID, s.suffix)
		}
		if _, err := f.fake.Press(f.user, m, data); err != nil {
			return err
		}
	}
	updates.Add(1)
	// Every step of the script is answered by exactly one message
	// sent or edited.
	select {
	case <-f.replies:
	case <-ctx.Done():
		return fmt.Errorf("family %d waiting for a reply to step %q: %w", f.user.ID, s.suffix+s.text, ctx.Err())
	}
	f.latencies = append(f.latencies, time.Since(t0))
	return nil
}

// offers reports whether the chat's latest keyboard has a button with
// the suffix.
func (f *family) offers(suffix string) bool {
	_, _, ok := f.button(suffix)
	return ok
}

// button finds the button with the suffix on the chat's latest keyboard.
func (f *family) button(suffix string) (int, string, bool) {
	msgs := f.fake.Messages(f.user.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if !m.FromBot || len(m.Inline) == 0 {
			continue
		}
		for _, row := range m.Inline {
			for _, b := range row {
				if strings.HasSuffix(b.Data, suffix) {
					return m.ID, b.Data, true
				}
			}
		}
		return 0, "", false
	}
	return 0, "", false
}
