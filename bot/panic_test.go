package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"polku/internal/telegramtest"
)

// metric reads one of the bot's numbers from /metrics, as an operator's
// scraper would.
func (h *harness) metric(name string) int64 {
	h.t.Helper()
	rec := httptest.NewRecorder()
	h.bot.Metrics().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\d+)$`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		h.t.Fatalf("/metrics lacks %s:\n%s", name, rec.Body.String())
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// TestSenderPanic: sending to one family panics, every time. The bot goes
// on sending to the other families; the family's message is tried again,
// waiting longer each time, and given up after its last attempt; /metrics
// counts the panics.
func TestSenderPanic(t *testing.T) {
	const sick = 5400
	var failing atomic.Bool
	failing.Store(true)
	o := fast
	o.fault = func(what string, chat int64) {
		if what == "send" && chat == sick && failing.Load() {
			panic(fmt.Sprintf("sending to %d", chat))
		}
	}
	r := newRig(t, o, true)
	ctx := context.Background()
	r.fake.SendText(telegramtest.User{ID: sick, FirstName: "Anna", LanguageCode: "fi"}, "/start")
	var id int64
	var attempts int
	var later bool
	first := func() (bool, error) {
		err := r.pool.QueryRow(ctx, `
			SELECT id, attempts, COALESCE(not_before > now(), false) FROM outbox
			WHERE chat_id = $1 AND sent_at IS NULL AND dropped IS NULL ORDER BY id LIMIT 1`, sick).Scan(&id, &attempts, &later)
		if errors.Is(err, pgx.ErrNoRows) {
			return false, nil // not yet replied
		}
		return attempts >= 2, err
	}
	r.until("the family's first message to be tried twice", first)
	if !later {
		t.Error("after two failed attempts the message is tried again at once, without waiting")
	}

	// Meanwhile the other families are answered.
	others := []int64{5401, 5402, 5403}
	for _, chat := range others {
		r.fake.SendText(telegramtest.User{ID: chat, FirstName: "Family", LanguageCode: "sv"}, "/start")
	}
	r.until("the other families' replies to be sent", func() (bool, error) {
		if r.fake.Pending() > 0 { // upstream first: fetched, then applied and sent
			return false, nil
		}
		var n int
		err := r.pool.QueryRow(ctx, `
			SELECT (SELECT count(*) FROM inbox WHERE applied_at IS NULL)
			     + (SELECT count(*) FROM outbox WHERE chat_id = ANY($1) AND sent_at IS NULL AND dropped IS NULL)`, others).Scan(&n)
		return n == 0, err
	})
	for _, chat := range others {
		if n := r.checkDelivered(chat); n == 0 {
			t.Errorf("family %d got no reply", chat)
		}
	}
	if n := len(r.fake.Messages(sick)) - 1; n != 0 {
		t.Errorf("the family whose sending panics got %d messages", n)
	}
	if n := r.metric("polku_panics_total"); n < 2 {
		t.Errorf("polku_panics_total %d after two panics", n)
	}

	// Its last attempt: given up, as a send that keeps failing is.
	if _, err := r.pool.Exec(ctx, `UPDATE outbox SET attempts = 50, not_before = now() WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	wake(r.bot.sendWake)
	r.until("the message to be given up", func() (bool, error) {
		var dropped *string
		err := r.pool.QueryRow(ctx, `SELECT dropped FROM outbox WHERE id = $1`, id).Scan(&dropped)
		return dropped != nil && *dropped == "gave up", err
	})
	// When sending works again, the family's next messages go.
	failing.Store(false)
	r.fake.SendText(telegramtest.User{ID: sick, FirstName: "Anna", LanguageCode: "fi"}, "/help")
	r.settle()
	got := len(r.fake.Messages(sick)) - 2 // the family's own two
	if rows := r.outbox(sick); got != len(rows)-1 || got == 0 {
		t.Errorf("the family got %d messages; the outbox has %d, one given up", got, len(rows))
	}
}

// TestJobPanic: rendering one family's reminder panics. It counts as a
// failed rendering: after its last attempt the job is left aside, and the
// other families get their reminders.
func TestJobPanic(t *testing.T) {
	const base, families, sick = 8000, 5, 8002
	o := fast
	o.cfg.JobIdle = 20 * time.Millisecond
	o.fault = func(what string, chat int64) {
		if what == "job" && chat == sick {
			panic(errors.New("rendering"))
		}
	}
	r := newRig(t, o, true)
	ctx := context.Background()
	// The families talked to the bot before, so Telegram knows them.
	for i := range int64(families) {
		r.fake.SendText(telegramtest.User{ID: base + i, FirstName: "Family", LanguageCode: "en"}, "/start")
	}
	r.settle()
	before := map[int64]int{}
	for i := range int64(families) {
		before[base+i] = len(r.fake.Messages(base + i))
	}
	if err := r.db.SeedReminders(ctx, families, r.clock.Now(), base); err != nil {
		t.Fatal(err)
	}
	r.bot.WakeJobs()
	r.settle()
	var attempts int
	var done bool
	if err := r.pool.QueryRow(ctx, `SELECT attempts, done_at IS NOT NULL FROM jobs WHERE chat_id = $1`, sick).Scan(&attempts, &done); err != nil {
		t.Fatal(err)
	}
	if done || attempts != 3 {
		t.Errorf("the job whose rendering panics: done %v after %d attempts, want left aside after 3", done, attempts)
	}
	for chat, n := range before {
		got := len(r.fake.Messages(chat)) - n
		if want := map[bool]int{true: 0, false: 1}[chat == sick]; got != want {
			t.Errorf("family %d got %d reminders, want %d", chat, got, want)
		}
	}
	if n := r.metric("polku_panics_total"); n != 3 {
		t.Errorf("polku_panics_total %d after three panics", n)
	}
}
