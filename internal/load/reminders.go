package load

// The reminder dispatch benchmark: `polku load -reminders N [-kill]
// [-rate R]`. N reminders fall due at one moment; the real bot, run as a
// child process (`polku serve`), turns them into messages and sends them
// to the fake Bot API, which enforces Telegram's limits. With -kill the
// child is killed with SIGKILL half-way and a fresh one finishes the work.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"polku/internal/telegramtest"
	"polku/store"
)

// reminderFamilies is the chat ID of the first simulated family.
const reminderFamilies = 700_000_000

// benchToken is the fake's token: shaped like BotFather's, as serve checks.
const benchToken = "123456789:AAbench-reminders_polku-fake"

// reminderOpts is one run of the benchmark.
type reminderOpts struct {
	// N reminders fall due at once, one per family.
	N int
	// Rate is Telegram's global limit in messages per second: the fake
	// enforces it and the bot is configured with it.
	Rate float64
	// Kill kills the bot with SIGKILL after about N/2 deliveries and
	// starts a fresh one.
	Kill bool
	// Latency is added to every Bot API call, half on the way there and
	// half on the way back, as the network to Telegram would.
	Latency time.Duration
	// Timeout bounds the run from the first start; 0 means N/Rate×2+60s.
	Timeout time.Duration
	// Bin is the polku binary run as `serve`; "" means this one.
	Bin string
	// LogDir receives the children's logs; "" means a new temporary
	// directory, kept for reading afterwards.
	LogDir string
	// Progress, when set, gets a line now and then while the run goes on.
	Progress io.Writer
}

// reminderResult is what a run measured.
type reminderResult struct {
	N, Delivered, Reached int
	// Duplicates counts families that got the reminder more than once;
	// Lost those that got none.
	Duplicates, Lost int
	// Dropped are outbox rows the bot gave up; JobsLeft jobs never done.
	Dropped, JobsLeft int
	// TooMany counts 429 answers of the fake; TooManyAfterFirst all but
	// the first.
	TooMany, TooManyAfterFirst int
	// KilledAfter is the deliveries when the first child was killed;
	// InFlight those of them Telegram had taken but the database did not
	// yet record as sent: the messages a restart sends again. Gap is the
	// time from the last delivery before the kill to the first after it.
	KilledAfter, InFlight int
	Gap                   time.Duration
	// Span is from the first delivery to the last; Overall and Running
	// are messages per second over it, Running without the restart gap.
	Span             time.Duration
	Overall, Running float64
	// Seed is how long seeding took; FirstAfter is from the first start to
	// the first delivery; Done from the reminders falling due to the last
	// delivery.
	Seed, FirstAfter, Done time.Duration
	// PeakRSS is each child's resident-set high-water mark in KiB (0:
	// unknown).
	PeakRSS []int64
	// CPU is each child's user and system time.
	CPU  []time.Duration
	Logs []string
	// Unfinished says why the run ended before every family had its
	// reminder; "" when it did not.
	Unfinished string
}

// reminderFlag says whether load's arguments ask for this benchmark.
func reminderFlag(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "reminders" {
			return true
		}
	}
	return false
}

// loadReminders parses the benchmark's flags, runs it and prints the
// figures. It fails when a reminder was lost, a message was sent twice
// other than after the kill, or Telegram answered 429 more than once.
func loadReminders(ctx context.Context, cfg Setup, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load -reminders", flag.ContinueOnError)
	o := reminderOpts{Progress: stdout}
	fs.IntVar(&o.N, "reminders", 10000, "reminders due at the same moment, one per family")
	fs.Float64Var(&o.Rate, "rate", 30, "Telegram's global limit in messages/s, enforced by the fake and given to the bot (POLKU_RATE_GLOBAL)")
	fs.BoolVar(&o.Kill, "kill", false, "SIGKILL the bot after half the reminders were delivered, then start a fresh one")
	fs.DurationVar(&o.Latency, "latency", 0, "round-trip time added to every Bot API call (Telegram's servers are not on localhost)")
	fs.DurationVar(&o.Timeout, "timeout", 0, "give up after this long (default N/rate×2+60s)")
	// `-reminders` alone means the default count.
	var in []string
	for i, a := range args {
		in = append(in, a)
		if (a == "-reminders" || a == "--reminders") && (i+1 == len(args) || strings.HasPrefix(args[i+1], "-")) {
			in = append(in, "10000")
		}
	}
	if err := fs.Parse(in); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("load -reminders: unexpected %q", fs.Arg(0))
	}
	r, err := runReminders(ctx, cfg, o)
	if err != nil {
		return err
	}
	printReminders(stdout, o, r)
	var fails []string
	if r.Unfinished != "" {
		fails = append(fails, r.Unfinished)
	}
	if r.Lost > 0 {
		fails = append(fails, fmt.Sprintf("%d reminders lost", r.Lost))
	}
	if r.TooManyAfterFirst > 0 {
		fails = append(fails, fmt.Sprintf("%d answers 429 after the first", r.TooManyAfterFirst))
	}
	if r.Duplicates > r.InFlight {
		fails = append(fails, fmt.Sprintf("%d families got the reminder twice, more than the %d messages in flight at the kill", r.Duplicates, r.InFlight))
	}
	if fails != nil {
		return errors.New("reminder benchmark: " + strings.Join(fails, "; "))
	}
	return nil
}

func printReminders(w io.Writer, o reminderOpts, r reminderResult) {
	ratio := func(rate float64) string { return fmt.Sprintf("%.2f of the limit", rate/o.Rate) }
	fmt.Fprintf(w, "reminders due at once:  %d (seeded in %.2fs)\n", r.N, r.Seed.Seconds())
	fmt.Fprintf(w, "limit:                  %g msg/s over all chats (the fake's and POLKU_RATE_GLOBAL), 1/s per chat\n", o.Rate)
	if o.Kill {
		fmt.Fprintf(w, "kill:                   SIGKILL after %d deliveries, %d of them in flight (taken by Telegram, not yet marked sent); restart gap %.2fs\n",
			r.KilledAfter, r.InFlight, r.Gap.Seconds())
	}
	fmt.Fprintf(w, "messages delivered:     %d\n", r.Delivered)
	fmt.Fprintf(w, "families reached:       %d of %d\n", r.Reached, r.N)
	fmt.Fprintf(w, "duplicates:             %d families got it more than once\n", r.Duplicates)
	fmt.Fprintf(w, "lost:                   %d (outbox rows dropped: %d, jobs not done: %d)\n", r.Lost, r.Dropped, r.JobsLeft)
	fmt.Fprintf(w, "429 answers:            %d (after the first: %d)\n", r.TooMany, r.TooManyAfterFirst)
	fmt.Fprintf(w, "rate overall:           %.2f msg/s, first to last delivery in %.2fs (%s)\n", r.Overall, r.Span.Seconds(), ratio(r.Overall))
	if o.Kill {
		fmt.Fprintf(w, "rate while running:     %.2f msg/s, without the restart gap (%s)\n", r.Running, ratio(r.Running))
	}
	fmt.Fprintf(w, "latency:                first delivery %.2fs after the bot started; last %.2fs after the reminders fell due (%.2fs at the limit)\n",
		r.FirstAfter.Seconds(), r.Done.Seconds(), float64(r.N)/o.Rate)
	var rss, cpu []string
	for i, kb := range r.PeakRSS {
		v := "unknown"
		if kb > 0 {
			v = fmt.Sprintf("%.1f MiB", float64(kb)/1024)
		}
		rss = append(rss, fmt.Sprintf("bot %d %s", i+1, v))
	}
	for i, d := range r.CPU {
		cpu = append(cpu, fmt.Sprintf("bot %d %.2fs", i+1, d.Seconds()))
	}
	fmt.Fprintf(w, "peak RSS:               %s\n", strings.Join(rss, ", "))
	fmt.Fprintf(w, "CPU (user+system):      %s\n", strings.Join(cpu, ", "))
	fmt.Fprintf(w, "bot logs:               %s\n", strings.Join(r.Logs, " "))
}

// runReminders runs the benchmark on a scratch database of cfg's cluster.
func runReminders(ctx context.Context, cfg Setup, o reminderOpts) (reminderResult, error) {
	res := reminderResult{N: o.N}
	if o.N <= 0 || o.Rate <= 0 {
		return res, fmt.Errorf("load -reminders: want a positive count and rate, got %d and %g", o.N, o.Rate)
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Duration((float64(o.N)/o.Rate*2 + 60) * float64(time.Second))
	}
	if o.Bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return res, err
		}
		o.Bin = exe
	}
	if o.LogDir == "" {
		dir, err := os.MkdirTemp("", "polku-reminders-")
		if err != nil {
			return res, err
		}
		o.LogDir = dir
	}
	// A scratch database: the benchmark never touches real data.
	scratch, drop, err := store.Scratch(ctx, cfg.DatabaseURL, "polku_reminders")
	if err != nil {
		return res, err
	}
	defer drop()
	db, err := cfg.Open(ctx, scratch, 4)
	if err != nil {
		return res, err
	}
	defer db.Close()

	// Telegram's limits, with the global one at the rate asked for.
	fake := telegramtest.New(telegramtest.Options{
		Token:           benchToken,
		Global:          telegramtest.Limit{Rate: o.Rate, Burst: max(1, int(o.Rate))},
		CallbackTimeout: -1,
	})
	defer fake.Close()
	// Each family talked to the bot before (that is how it signed up), so
	// Telegram knows its chat. Those old updates are not part of the
	// benchmark: they are dropped as a bot's operator can.
	for i := range o.N {
		u := telegramtest.User{ID: reminderFamilies + int64(i), FirstName: "Family", LanguageCode: []string{"fi", "sv", "en", "uk"}[i%4]}
		fake.SendText(u, "/start")
	}
	if err := dropUpdates(ctx, fake); err != nil {
		return res, err
	}

	apiURL := fake.URL()
	if o.Latency > 0 {
		slow, err := delayed(fake.URL(), o.Latency)
		if err != nil {
			return res, err
		}
		defer slow.Close()
		apiURL = "http://" + slow.Addr().String()
	}
	b := &reminderBench{o: o, fake: fake, apiURL: apiURL, dbURL: scratch, got: map[int64]int{}}
	defer b.killAll()
	began := time.Now()
	due := began
	if err := db.SeedReminders(ctx, o.N, due, reminderFamilies); err != nil {
		return res, err
	}
	res.Seed = time.Since(began)
	runCtx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()

	cur, err := b.start(runCtx)
	if err != nil {
		return res, err
	}
	started := cur.started
	var restarted time.Time
	// If time runs out, or a bot stops by itself, the figures say what
	// was lost.
	unfinished := func(err error) error {
		if ctx.Err() != nil {
			return err
		}
		res.Unfinished = err.Error()
		return nil
	}
	if o.Kill {
		if err := b.await(runCtx, cur, func() bool { return len(b.sends) >= max(1, o.N/2) }); err != nil {
			if err := unfinished(err); err != nil {
				return res, err
			}
		} else {
			if err := cur.cmd.Process.Kill(); err != nil {
				return res, err
			}
			<-cur.done
			res.KilledAfter = b.quiesce()
			d, err := db.ReadDispatch(ctx)
			if err != nil {
				return res, err
			}
			// Before the restart every delivery went to a family of its
			// own.
			res.InFlight = len(b.got) - d.Sent
			b.progress(fmt.Sprintf("killed bot 1 after %d deliveries (%d in flight); starting bot 2", res.KilledAfter, res.InFlight))
			if cur, err = b.start(runCtx); err != nil {
				return res, err
			}
			restarted = cur.started
		}
	}
	// Until everyone has theirs, and the bot recorded every send, so that
	// any message it would repeat has been repeated.
	if res.Unfinished == "" {
		if err := b.await(runCtx, cur, func() bool { return len(b.got) == o.N }); err != nil {
			if err := unfinished(err); err != nil {
				return res, err
			}
		}
	}
	for res.Unfinished == "" {
		d, err := db.ReadDispatch(ctx)
		if err != nil {
			return res, err
		}
		if d.Unsent == 0 {
			break
		}
		select {
		case <-cur.done:
			res.Unfinished = fmt.Sprintf("bot %d exited with %d messages unsent: %v (log: %s)", len(b.children), d.Unsent, cur.err, cur.log)
		case <-runCtx.Done():
			res.Unfinished = fmt.Sprintf("%d messages still unsent after %v", d.Unsent, o.Timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
	if res.Unfinished == "" {
		if err := b.stop(cur); err != nil {
			return res, err
		}
	}
	b.killAll()
	b.quiesce()

	// The figures.
	for _, n := range b.got {
		if n > 1 {
			res.Duplicates++
		}
	}
	res.Delivered, res.Reached = len(b.sends), len(b.got)
	res.Lost = o.N - res.Reached
	d, err := db.ReadDispatch(ctx)
	if err != nil {
		return res, err
	}
	res.Dropped, res.JobsLeft = d.Dropped, d.JobsLeft
	res.TooMany = fake.TooManyRequests()
	res.TooManyAfterFirst = max(0, res.TooMany-1)
	if len(b.sends) == 0 {
		return res, nil
	}
	first, last := b.sends[0], b.sends[len(b.sends)-1]
	res.Span = last.Sub(first)
	res.FirstAfter, res.Done = first.Sub(started), last.Sub(due)
	res.Overall = rate(len(b.sends)-1, res.Span)
	res.Running = res.Overall
	if o.Kill {
		// Two runs: before the restart and after it.
		i := 0
		for i < len(b.sends) && b.sends[i].Before(restarted) {
			i++
		}
		if i > 0 && i < len(b.sends) {
			res.Gap = b.sends[i].Sub(b.sends[i-1])
			res.Running = rate(len(b.sends)-2, res.Span-res.Gap)
		}
	}
	for _, c := range b.children {
		res.PeakRSS = append(res.PeakRSS, c.peakKB.Load())
		if st := c.cmd.ProcessState; st != nil {
			res.CPU = append(res.CPU, st.UserTime()+st.SystemTime())
		}
		res.Logs = append(res.Logs, c.log)
	}
	return res, nil
}

// rate is n intervals over d, per second.
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// dropUpdates drops the fake's pending updates as an operator would:
// deleteWebhook with drop_pending_updates.
func dropUpdates(ctx context.Context, fake *telegramtest.Server) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, fake.URL()+"/bot"+fake.Token()+"/deleteWebhook",
		strings.NewReader(url.Values{"drop_pending_updates": {"true"}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || fake.Pending() != 0 {
		return fmt.Errorf("deleteWebhook: %s, %d updates still pending", resp.Status, fake.Pending())
	}
	return nil
}

// delayed serves a proxy to target that delays every call by rtt, half
// before passing it on and half before answering.
func delayed(target string, rtt time.Duration) (net.Listener, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(*http.Response) error { time.Sleep(rtt / 2); return nil }
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(rtt / 2)
		proxy.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	return ln, nil
}

// reminderBench is one run's world: the fake, the children and what the
// families received.
type reminderBench struct {
	o        reminderOpts
	fake     *telegramtest.Server
	apiURL   string // the fake's, or a delaying proxy's
	dbURL    string
	children []*child
	// seen is the fake's last event read; got counts the reminders each
	// family received, sends are their times in order.
	seen      int
	got       map[int64]int
	sends     []time.Time
	lastShown time.Time
}

// child is one `polku serve`.
type child struct {
	cmd     *exec.Cmd
	started time.Time
	log     string
	done    chan struct{} // closed when it exited
	err     error         // cmd.Wait's, once done
	peakKB  atomic.Int64
}

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// start runs a fresh `polku serve` against the fake and the scratch
// database, logging to a file of its own.
func (b *reminderBench) start(ctx context.Context) (*child, error) {
	n := len(b.children) + 1
	path := filepath.Join(b.o.LogDir, fmt.Sprintf("bot-%d.log", n))
	logf, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child has its own descriptor
	cmd := exec.CommandContext(ctx, b.o.Bin, "serve")
	// The environment of this process, without any setting of its own
	// bot, database or Polku: the child gets exactly the benchmark's.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "POLKU_") && !strings.HasPrefix(kv, "TELEGRAM_") && !strings.HasPrefix(kv, "DATABASE_URL=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env,
		"TELEGRAM_BOT_TOKEN="+b.fake.Token(),
		"TELEGRAM_API_URL="+b.apiURL,
		"DATABASE_URL="+b.dbURL,
		"POLKU_RATE_GLOBAL="+strconv.FormatFloat(b.o.Rate, 'g', -1, 64),
		"POLKU_LISTEN=127.0.0.1:0",
		"POLKU_LOG_FORMAT=json",
		// Reminders are judged when they go out: in the quiet hours of
		// the wall clock they would wait for the morning. The benchmark
		// measures dispatch at whatever hour it is run, so it has none.
		"POLKU_QUIET_HOURS=00:00-00:00",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	c := &child{cmd: cmd, log: path, done: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start bot %d: %w", n, err)
	}
	c.started = time.Now()
	b.children = append(b.children, c)
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	go c.watchRSS()
	b.progress(fmt.Sprintf("bot %d started (pid %d), log %s", n, cmd.Process.Pid, path))
	return c, nil
}

// watchRSS keeps the child's resident-set high-water mark while it runs
// (Linux only: elsewhere it stays unknown).
func (c *child) watchRSS() {
	status := fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		if kb := vmHWM(status); kb > c.peakKB.Load() {
			c.peakKB.Store(kb)
		}
		select {
		case <-c.done:
			return
		case <-t.C:
		}
	}
}

// vmHWM reads VmHWM in KiB from a /proc status file; 0 when it cannot.
func vmHWM(path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// poll reads the fake's new events: the reminders delivered since.
func (b *reminderBench) poll() {
	for _, e := range b.fake.Events(b.seen) {
		b.seen = e.Seq
		if e.Kind != "send" || e.ChatID < reminderFamilies || e.ChatID >= reminderFamilies+int64(b.o.N) {
			continue
		}
		b.got[e.ChatID]++
		b.sends = append(b.sends, e.At)
	}
	if b.o.Progress != nil && time.Since(b.lastShown) >= 30*time.Second && len(b.sends) > 0 {
		b.progress(fmt.Sprintf("%d of %d delivered", len(b.sends), b.o.N))
	}
}

func (b *reminderBench) progress(msg string) {
	b.lastShown = time.Now()
	if b.o.Progress != nil {
		fmt.Fprintf(b.o.Progress, "%s  %s\n", time.Now().Format("15:04:05"), msg)
	}
}

// await waits on the fake until cond holds, while c keeps running.
func (b *reminderBench) await(ctx context.Context, c *child, cond func() bool) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-wctx.Done():
		}
	}()
	err := b.fake.Wait(wctx, func() bool { b.poll(); return cond() })
	switch {
	case err == nil:
		return nil
	case c.exited() && ctx.Err() == nil:
		return fmt.Errorf("bot %d exited: %v (log: %s)", len(b.children), c.err, c.log)
	default:
		return fmt.Errorf("%d of %d reminders delivered: %w", len(b.sends), b.o.N, err)
	}
}

// quiesce returns once the fake has been quiet for a moment: a request a
// killed child had already sent is still answered, and must be counted.
// It returns the deliveries so far.
func (b *reminderBench) quiesce() int {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		calls := len(b.fake.Calls())
		err := b.fake.Wait(ctx, func() bool { return len(b.fake.Calls()) != calls })
		cancel()
		if err != nil {
			b.poll()
			return len(b.sends)
		}
	}
}

// stop ends c with SIGTERM and expects a clean exit.
func (b *reminderBench) stop(c *child) error {
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		return fmt.Errorf("bot %d did not stop within 20s of SIGTERM (log: %s)", len(b.children), c.log)
	}
	if c.err != nil {
		return fmt.Errorf("bot %d after SIGTERM: %v (log: %s)", len(b.children), c.err, c.log)
	}
	return nil
}

// killAll kills every child still running.
func (b *reminderBench) killAll() {
	for _, c := range b.children {
		if !c.exited() {
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	}
}
