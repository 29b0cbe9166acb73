package main

// End-to-end tests of the real binary: `polku serve` as a subprocess against
// the fake Bot API and a fresh PostgreSQL database. One kills it with SIGKILL
// again and again under load; the other runs two processes on one database.
// Both then check that every update was applied exactly once and in order,
// and every reply was sent at least once.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"polku/internal/pgtest"
	"polku/internal/telegramtest"
)

const (
	// e2eChats families talk to the bot at once.
	e2eChats = 60
	// e2eRound is the pause between two rounds of the workload (one
	// message from every chat): updates come faster than one process
	// applies them, so the kills land on a backlog.
	e2eRound = 30 * time.Millisecond
)

// e2eScript is what every family types, without waiting for replies, and
// the state of the intake after each step. The bot takes a typed label for
// a press of that button of the current question; commands work anywhere.
// Each step depends only on the steps before it in the same chat, so every
// chat must go the same way whatever the timing.
var e2eScript = []struct{ text, state string }{
	{"/start", "welcome"},
	{"Let's start", "municipality"},
	{"Kalajoki", "who"},
	{"A parent or carer", "privacy"},
	{"I agree", "children"}, // consent given
	{"Done", "children"},    // "please add at least one child"
	{"hello", "children"},   // "please answer with the buttons"
	{"/help", "children"},
	{"/start", "children"}, // "continue or start over?"
	{"Continue", "children"},
	{"Back", "who"},
	{"A parent or carer", "children"}, // past the notice agreed to
	{"/menu", "children"},
	{"hello", "children"}, // the menu's labels are not the question's
	{"/language", "children"},
	{"Somewhere else", "children"}, // not a language
	{"Back", "who"},
	{"Back", "municipality"},
	{"Kuusamo", "who"},
	{"A parent or carer", "children"},
	{"Talk to a person", "children"},             // may the coordinators see the answers?
	{"Yes, they may see my answers", "children"}, // a case opens
	{"hello", "children"},                        // goes to the coordinators
	{"/privacy", "children"},                     // a command ends talking
	{"/start", "children"},
	{"Start over", "municipality"}, // the answers are cleared
	{"Somewhere else", "who"},
	{"A parent or carer", "children"},
	{"Talk to a person", "children"}, // the same case
	{"Back", "children"},             // goes to the coordinators too
	{"/menu", "children"},
	{"Back", "who"},
	{"A parent or carer", "children"},
}

// e2eFinalState is where every chat ends.
var e2eFinalState = e2eScript[len(e2eScript)-1].state

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// botSenders is how many messages the bot's sender has in flight at most:
// POLKU_SENDERS, whose default the bot under test keeps.
const botSenders = 64

// polkuBinary builds cmd/polku once per test process. It goes next to the
// test binary when that sits in go test's work directory (removed when go
// test ends), otherwise into a temporary directory.
func polkuBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir := ""
		if exe, err := os.Executable(); err == nil && strings.Contains(exe, "go-build") {
			dir = filepath.Dir(exe)
		} else if dir, buildErr = os.MkdirTemp("", "polku-e2e-"); buildErr != nil {
			return
		}
		buildPath = filepath.Join(dir, "polku")
		out, err := exec.Command("go", "build", "-o", buildPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// syncBuffer collects a process's output while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is one `polku serve`.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  syncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // cmd.Wait's error, once done
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// e2e is one test's world: the fake Bot API, the database and the processes.
type e2e struct {
	t     *testing.T
	bin   string
	dbURL string
	fake  *telegramtest.Server
	db    *pgx.Conn
	users []telegramtest.User

	mu    sync.Mutex
	procs []*proc
	sent  map[int64][]int64 // update IDs sent to each chat, in order
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	bin := polkuBinary(t)
	dbURL := pgtest.URL(t)
	fake := telegramtest.New(telegramtest.Options{
		// The fake's default token is too short for serve's check.
		Token:           "123456789:AAE2e-fake-token_for-polku-tests",
		PerChat:         telegramtest.Limit{Rate: 1000, Burst: 1000},
		Global:          telegramtest.Limit{Rate: 10000, Burst: 10000},
		CallbackTimeout: -1,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	e := &e2e{t: t, bin: bin, dbURL: dbURL, fake: fake, db: db, sent: map[int64][]int64{}}
	for i := range e2eChats {
		e.users = append(e.users, telegramtest.User{ID: 7001 + int64(i), FirstName: "Family" + strconv.Itoa(i), LanguageCode: "en"})
	}
	// Cleanups run last first: the processes end before the fake closes and
	// before pgtest drops the database.
	t.Cleanup(fake.Close)
	t.Cleanup(func() { db.Close(context.Background()) })
	t.Cleanup(e.killAll)
	return e
}

// killAll ends every process still running and, when the test failed,
// shows what each wrote.
func (e *e2e) killAll() {
	e.mu.Lock()
	procs := slices.Clone(e.procs)
	e.mu.Unlock()
	for _, p := range procs {
		if !p.exited() {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	if e.t.Failed() {
		for _, p := range procs {
			e.t.Logf("---- output of %s (%v) ----\n%s", p.name, p.err, p.out.String())
		}
	}
}

// start runs `polku serve` on the test's database.
func (e *e2e) start(name, logLevel string) *proc {
	e.t.Helper()
	return e.startVia(name, logLevel, e.fake.URL())
}

// startVia starts `polku serve` with the Bot API at apiURL.
func (e *e2e) startVia(name, logLevel, apiURL string) *proc {
	e.t.Helper()
	cmd := exec.Command(e.bin, "serve")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"TELEGRAM_BOT_TOKEN=" + e.fake.Token(),
		"TELEGRAM_API_URL=" + apiURL,
		"DATABASE_URL=" + e.dbURL,
		"POLKU_OPS_LISTEN=127.0.0.1:0",
		"POLKU_LOG_FORMAT=text",
		"POLKU_LOG_LEVEL=" + logLevel,
		"POLKU_RATE_CHAT=1000",
		"POLKU_RATE_CHAT_BURST=1000",
		"POLKU_RATE_GLOBAL=10000",
	}
	p := &proc{name: name, cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	e.mu.Lock()
	e.procs = append(e.procs, p)
	e.mu.Unlock()
	return p
}

// kill ends p with SIGKILL, as a crash or an OOM kill would.
func (e *e2e) kill(p *proc) {
	e.t.Helper()
	if p.exited() {
		e.t.Fatalf("%s exited by itself: %v", p.name, p.err)
	}
	if err := p.cmd.Process.Kill(); err != nil {
		e.t.Fatalf("kill %s: %v", p.name, err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		e.t.Fatalf("%s did not die after SIGKILL", p.name)
	}
}

// stop ends the processes with SIGTERM, all at once, and expects each to
// exit with status 0 within 20 seconds: a graceful shutdown.
func (e *e2e) stop(ps ...*proc) {
	e.t.Helper()
	began := time.Now()
	for _, p := range ps {
		if p.exited() {
			e.t.Fatalf("%s exited by itself: %v", p.name, p.err)
		}
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			e.t.Fatalf("SIGTERM %s: %v", p.name, err)
		}
	}
	deadline := time.After(20 * time.Second)
	for _, p := range ps {
		select {
		case <-p.done:
		case <-deadline:
			e.t.Fatalf("%s did not stop within 20s of SIGTERM", p.name)
		}
		if p.err != nil {
			e.t.Errorf("%s after SIGTERM: %v (want exit status 0)", p.name, p.err)
		} else {
			e.t.Logf("%s stopped cleanly %v after SIGTERM", p.name, time.Since(began).Round(time.Millisecond))
		}
	}
}

// feed sends the workload: round i is message i of every chat, chats in
// turn, so updates of many chats are in flight at once. It returns when all
// is sent or ctx ends.
func (e *e2e) feed(ctx context.Context) error {
	tick := time.NewTicker(e2eRound)
	defer tick.Stop()
	for i, step := range e2eScript {
		if i > 0 {
			select {
			case <-tick.C:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		for _, u := range e.users {
			id := e.fake.SendText(u, step.text)
			if id == 0 {
				return fmt.Errorf("the fake dropped %q from chat %d", step.text, u.ID)
			}
			e.mu.Lock()
			e.sent[u.ID] = append(e.sent[u.ID], id)
			e.mu.Unlock()
		}
	}
	return nil
}

func (e *e2e) count(ctx context.Context, query string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(ctx, query).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// settle waits until the fake has no unconfirmed update, every update is
// applied and every message sent, while the processes in live keep
// running.
func (e *e2e) settle(live ...*proc) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	began := time.Now()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, p := range live {
			if p.exited() {
				e.t.Fatalf("%s exited before the work was done: %v", p.name, p.err)
			}
		}
		// In this order, each condition stays true once the ones before
		// it hold: all filed, then all applied (so all queued), then all
		// sent.
		pending, unapplied, unsent := e.fake.Pending(), -1, -1
		if pending == 0 {
			unapplied = e.count(ctx, `SELECT count(*) FROM inbox WHERE applied_at IS NULL`)
			if unapplied == 0 {
				unsent = e.count(ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NULL AND dropped IS NULL`)
				if unsent == 0 {
					e.t.Logf("settled %v after the workload", time.Since(began).Round(time.Millisecond))
					return
				}
			}
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			e.t.Fatalf("not settled within 60s: %d updates unconfirmed, %d unapplied, %d unsent (-1: not looked at)", pending, unapplied, unsent)
		}
	}
}

// check asserts what must hold once settled: every update applied exactly
// once and in order, every chat in the same final state, every reply sent
// at least once. maxDups bounds the messages sent twice (a crash between
// Telegram's answer and the commit). It returns every update ID sent.
func (e *e2e) check(maxDups int) []int64 {
	e.t.Helper()
	t := e.t
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	errs := newLimited(t)
	defer errs.done()
	var all []int64
	for _, ids := range e.sent {
		all = append(all, ids...)
	}
	slices.Sort(all)

	// Every update filed once, none failed (a failed attempt, such as the
	// out-of-order guard of Tx.Save, leaves its reason in failure).
	rows, err := e.db.Query(ctx, `SELECT update_id FROM inbox ORDER BY update_id`)
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(inbox, all) {
		t.Errorf("inbox holds %d updates, the fake created %d; they differ", len(inbox), len(all))
	}
	rows, err = e.db.Query(ctx, `SELECT update_id, attempts, failure FROM inbox WHERE failure IS NOT NULL ORDER BY update_id`)
	if err != nil {
		t.Fatal(err)
	}
	type failed struct {
		ID       int64
		Attempts int
		Failure  string
	}
	failures, err := pgx.CollectRows(rows, pgx.RowToStructByPos[failed])
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range failures {
		errs.errorf("failed", "update %d failed (%d attempts): %s", f.ID, f.Attempts, f.Failure)
	}
	// The effects of each step were stored once: the script gives consent
	// once and asks for a person twice per chat (the second time joins
	// the open case).
	n := len(e.users)
	for _, c := range []struct {
		query string
		want  int
	}{
		{`SELECT count(*) FROM families WHERE consent_version IS NOT NULL`, n},
		{`SELECT count(*) FROM cases WHERE status = 'open' AND shared`, n},
		{`SELECT count(*) FROM cases`, n},
		{`SELECT coalesce(sum(count), 0) FROM stats WHERE kind = 'consent_given'`, n},
		{`SELECT coalesce(sum(count), 0) FROM stats WHERE kind = 'case_opened'`, n},
		// The report's counts of new families and cases, once each.
		{`SELECT coalesce(sum(count), 0) FROM stats WHERE kind = 'family'`, n},
		{`SELECT coalesce(sum(count), 0) FROM stats WHERE kind = 'cases_opened'`, n},
		{`SELECT coalesce(sum(count), 0) FROM stats WHERE kind NOT IN ('consent_given', 'case_opened', 'family', 'cases_opened')`, 0},
	} {
		if got := e.count(ctx, c.query); got != c.want {
			t.Errorf("%s: %d, want %d", c.query, got, c.want)
		}
	}
	if n := e.count(ctx, `SELECT count(*) FROM outbox WHERE dropped IS NOT NULL`); n != 0 {
		t.Errorf("%d outbox messages were dropped", n)
	}

	// Each chat: applied exactly as often as it got updates, the last one
	// last, and in the one state the script leads to.
	type conv struct {
		Chat    int64
		Applied int
		Last    int64
		Data    []byte
	}
	rows, err = e.db.Query(ctx, `SELECT chat_id, applied, last_update_id, data FROM conversations ORDER BY chat_id`)
	if err != nil {
		t.Fatal(err)
	}
	convs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[conv])
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) != len(e.users) {
		t.Errorf("%d conversations, want %d", len(convs), len(e.users))
	}
	var first string
	for _, c := range convs {
		ids := e.sent[c.Chat]
		if c.Applied != len(ids) {
			errs.errorf("applied", "chat %d: %d updates applied, %d sent", c.Chat, c.Applied, len(ids))
		}
		if len(ids) > 0 && c.Last != ids[len(ids)-1] {
			errs.errorf("last", "chat %d: last applied update %d, want %d", c.Chat, c.Last, ids[len(ids)-1])
		}
		var data map[string]any
		if err := json.Unmarshal(c.Data, &data); err != nil {
			t.Fatalf("chat %d: conversation: %v", c.Chat, err)
		}
		if data["state"] != e2eFinalState {
			errs.errorf("state", "chat %d: ended in state %v, want %s", c.Chat, data["state"], e2eFinalState)
		}
		delete(data, "updated")
		// The numbers of the family's messages kept for "Send this to
		// a person" depend on how the bot's replies interleaved with them.
		delete(data, "kept")
		norm, _ := json.Marshal(data)
		if first == "" {
			first = string(norm)
			t.Logf("final conversation: %s", norm)
		} else if string(norm) != first {
			errs.errorf("conversation", "chat %d: conversation differs from the first chat's\n got: %s\nwant: %s", c.Chat, norm, first)
		}
	}

	// Each chat got its replies in order, each at least once: the bot's
	// messages in the fake are the outbox's sends in order, some sent twice
	// in a row.
	type msg struct {
		Chat    int64
		Payload []byte
	}
	rows, err = e.db.Query(ctx, `SELECT chat_id, payload FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[msg])
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]string{}
	methods := map[string]int{}
	for _, m := range msgs {
		var o struct {
			Method string `json:"m"`
			Text   string `json:"text"`
		}
		if err := json.Unmarshal(m.Payload, &o); err != nil {
			t.Fatalf("outbox payload %s: %v", m.Payload, err)
		}
		methods[o.Method]++
		if o.Method == "send" {
			want[m.Chat] = append(want[m.Chat], strings.TrimSpace(o.Text))
		}
	}
	t.Logf("outbox: %d rows by method %v", len(msgs), methods)
	if len(methods) != 1 || methods["send"] == 0 {
		// Edits would change the texts the fake shows; typed input
		// should not make any.
		t.Errorf("outbox methods %v, want only sends", methods)
	}
	dups := 0
	for _, u := range e.users {
		var got []string
		for _, m := range e.fake.Messages(u.ID) {
			if m.FromBot {
				got = append(got, m.Text)
			}
		}
		n, err := atLeastOnce(want[u.ID], got)
		if err != nil {
			errs.errorf("messages", "chat %d: %v", u.ID, err)
		}
		dups += n
	}
	t.Logf("%d messages sent, %d of them twice", methods["send"]+dups, dups)
	if dups > maxDups {
		t.Errorf("%d messages sent more than once, want at most %d", dups, maxDups)
	}
	return all
}

// atLeastOnce checks that got is want with some messages repeated right
// after themselves, and returns how many repeats there were.
func atLeastOnce(want, got []string) (int, error) {
	i, dups := 0, 0
	for j, g := range got {
		switch {
		case i < len(want) && g == want[i]:
			i++
		case i > 0 && g == want[i-1]:
			dups++
		case i < len(want):
			return dups, fmt.Errorf("bot message %d is %q where queued message %d %q was due: a message was lost or sent out of order", j, g, i, want[i])
		default:
			return dups, fmt.Errorf("bot message %d %q came after all %d queued messages", j, g, len(want))
		}
	}
	if i < len(want) {
		return dups, fmt.Errorf("only %d of %d queued messages arrived; the first missing is %q", i, len(want), want[i])
	}
	return dups, nil
}

// limited reports at most a few errors of each kind, then how many more
// there were, so one broken invariant does not bury the others.
type limited struct {
	t    *testing.T
	seen map[string]int
}

const errorsShown = 5

func newLimited(t *testing.T) *limited { return &limited{t: t, seen: map[string]int{}} }

func (l *limited) errorf(kind, format string, args ...any) {
	l.t.Helper()
	l.seen[kind]++
	if l.seen[kind] <= errorsShown {
		l.t.Errorf(format, args...)
	}
}

func (l *limited) done() {
	l.t.Helper()
	for _, kind := range slices.Sorted(maps.Keys(l.seen)) {
		if n := l.seen[kind]; n > errorsShown {
			l.t.Errorf("... and %d more errors of the kind %q", n-errorsShown, kind)
		}
	}
}

// calls counts the calls of method the fake answered with status.
func (e *e2e) calls(method string, status int) int {
	n := 0
	for _, c := range e.fake.Calls() {
		if c.Method == method && c.Status == status {
			n++
		}
	}
	return n
}

// waitCalls waits until the fake has answered n calls of method with
// status, while the processes keep running.
func (e *e2e) waitCalls(method string, status, n int, live ...*proc) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// An exit changes nothing in the fake: it ends the wait instead.
	for _, p := range live {
		go func() {
			select {
			case <-p.done:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	err := e.fake.Wait(ctx, func() bool { return e.calls(method, status) >= n })
	for _, p := range live {
		if p.exited() {
			e.t.Fatalf("%s exited: %v", p.name, p.err)
		}
	}
	if err != nil {
		e.t.Fatalf("waiting for %d %s calls answered %d: %v", n, method, status, err)
	}
}

func TestCrashLosesNothing(t *testing.T) {
	began := time.Now()
	e := newE2E(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("POLKU_E2E_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("POLKU_E2E_SEED: %v", err)
		}
	}
	t.Logf("seed %d (rerun with POLKU_E2E_SEED=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	cur := e.start("process 1", "warn")
	// The first process migrates the empty database: it is killed only
	// once it polls, so the counts below find the tables.
	e.waitCalls("deleteWebhook", 200, 1, cur)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fed := make(chan error, 1)
	go func() { fed <- e.feed(ctx) }()

	kills := 3 + rng.IntN(3)
	for k := range kills {
		delay := time.Duration(150+rng.IntN(350)) * time.Millisecond
		select {
		case <-time.After(delay):
		case <-cur.done:
			t.Fatalf("%s exited by itself: %v", cur.name, cur.err)
		}
		e.kill(cur)
		progress, pcancel := context.WithTimeout(context.Background(), 10*time.Second)
		if e.count(progress, `SELECT count(*) FROM pg_tables WHERE tablename IN ('inbox', 'outbox')`) < 2 {
			// On a busy machine the first process can die before its
			// migration made the tables; the next one makes them.
			t.Logf("killed %s after %v, before the schema was made", cur.name, delay)
		} else {
			t.Logf("killed %s after %v: %d updates filed, %d applied; %d messages queued, %d sent", cur.name, delay,
				e.count(progress, `SELECT count(*) FROM inbox`),
				e.count(progress, `SELECT count(*) FROM inbox WHERE applied_at IS NOT NULL`),
				e.count(progress, `SELECT count(*) FROM outbox`),
				e.count(progress, `SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL`))
		}
		pcancel()
		polls := e.calls("deleteWebhook", 200)
		cur = e.start(fmt.Sprintf("process %d", k+2), "warn")
		if k == kills-1 {
			// The last one must get as far as polling (each process calls
			// deleteWebhook once when its polling begins): the rest of
			// the work is its own, and its SIGTERM must find it running.
			e.waitCalls("deleteWebhook", 200, polls+1, cur)
		}
	}
	if err := <-fed; err != nil {
		t.Fatal(err)
	}
	t.Logf("workload sent: %d chats × %d messages", e2eChats, len(e2eScript))
	e.settle(cur)
	e.stop(cur)
	// Each kill can catch each of a process's sends in flight (at most
	// botSenders) between Telegram's answer and the commit.
	e.check(kills * botSenders)
	t.Logf("took %v", time.Since(began).Round(time.Millisecond))
}

// appliedRE finds the debug line bot.apply logs for every update it
// applies.
var appliedRE = regexp.MustCompile(`(?m)^.* level=DEBUG msg=applied update_id=(\d+) chat_id=\d+ flow=\S+ state=(\S+)`)

func TestTwoProcessesShareOneDatabase(t *testing.T) {
	began := time.Now()
	e := newE2E(t)
	// Both start at once, so both migrate at once. Debug logs name each
	// update a process applies: that is how the test knows who did what.
	a := e.start("process A", "debug")
	b := e.start("process B", "debug")
	// Each process calls deleteWebhook when its long polling begins; a
	// second poller makes the fake end the first one's poll with 409.
	e.waitCalls("deleteWebhook", 200, 2, a, b)
	e.waitCalls("getUpdates", 409, 1, a, b)

	if err := e.feed(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("workload sent: %d chats × %d messages", e2eChats, len(e2eScript))
	e.settle(a, b)
	t.Logf("getUpdates answered 409 Conflict %d times", e.calls("getUpdates", 409))
	e.stop(a, b)

	// One process never sends a message twice: only a crash can.
	all := e.check(0)

	// Who applied what: both processes did some of the work, and no update
	// was even tried twice. bot.apply logs the debug line inside the
	// update's transaction, before it commits. With the chat lock, only a
	// failed attempt is tried again, and check found no failure. Without
	// it, two processes could both try one update: the guard of Tx.Save
	// would roll one back, leaving no trace in the database, but both
	// would log it.
	errs := newLimited(t)
	defer errs.done()
	by := map[int64]string{}
	state := map[int64]string{}
	for _, p := range []*proc{a, b} {
		n := 0
		for _, m := range appliedRE.FindAllStringSubmatch(p.out.String(), -1) {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			if other, ok := by[id]; ok {
				errs.errorf("twice", "update %d applied by %s and again by %s: the chat lock did not hold", id, other, p.name)
			}
			by[id], state[id] = p.name, m[2]
			n++
		}
		t.Logf("%s applied %d updates", p.name, n)
		if n == 0 {
			t.Errorf("%s applied no update: the processes did not share the work", p.name)
		}
	}
	for _, id := range all {
		if by[id] == "" {
			errs.errorf("unlogged", "update %d: no process logged applying it", id)
		}
	}
	// Whichever process applied it, each step led where the script says.
	for _, u := range e.users {
		for i, id := range e.sent[u.ID] {
			if got, ok := state[id]; ok && got != e2eScript[i].state {
				errs.errorf("step", "chat %d, step %d %q (update %d, applied by %s): state %s, want %s", u.ID, i, e2eScript[i].text, id, by[id], got, e2eScript[i].state)
			}
		}
	}
	if len(by) != len(all) {
		t.Errorf("the processes logged %d applied updates, the fake created %d", len(by), len(all))
	}
	t.Logf("took %v", time.Since(began).Round(time.Millisecond))
}
