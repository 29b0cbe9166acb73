package bot

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"polku/internal/telegramtest"
)

// TestSlowAnswers: Telegram does not answer answerCallbackQuery while
// families keep pressing buttons. Their presses are still applied and
// their replies sent; the answers wait in a bounded queue, the oldest
// dropped and counted, and once Telegram answers again the rest go.
func TestSlowAnswers(t *testing.T) {
	const queue, families, presses = 8, 10, 4
	release := make(chan struct{})
	var hung atomic.Int64
	o := fast
	o.answers = queue
	o.api = func(fake http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/answerCallbackQuery") {
				hung.Add(1)
				select {
				case <-release:
				case <-r.Context().Done():
					return
				}
			}
			fake.ServeHTTP(w, r)
		})
	}
	r := newRig(t, o, true)
	answer := sync.OnceFunc(func() { close(release) })
	t.Cleanup(answer) // before the bot stops, even when the test fails
	ctx := context.Background()
	var users []telegramtest.User
	for i := range int64(families) {
		u := telegramtest.User{ID: 5500 + i, FirstName: "Family", LanguageCode: "fi"}
		users = append(users, u)
		r.fake.SendText(u, "/start")
	}
	r.settle()
	before := map[int64]int{}
	for _, u := range users {
		before[u.ID] = len(r.fake.Messages(u.ID))
	}
	for range presses {
		for _, u := range users {
			r.fake.PressRaw(u, 2, "old") // a stale button: answered, and the welcome again
		}
	}
	total := int64(families * presses)
	// Without Telegram answering a single press, the bot goes on.
	r.until("every press applied and its reply sent", func() (bool, error) {
		// Upstream first: fetched, then applied, then sent.
		if r.fake.Pending() > 0 {
			return false, nil
		}
		a, err := r.db.Unapplied(ctx)
		if err != nil || a > 0 {
			return false, err
		}
		s, err := r.db.Unsent(ctx)
		return s == 0, err
	})
	for _, u := range users {
		// The same reply again, while a few wait for the family, is sent
		// once (see store's repeatAfter): at least one, at most one each.
		if got := len(r.fake.Messages(u.ID)) - before[u.ID]; got < 1 || got > presses {
			t.Errorf("family %d: %d replies to %d presses", u.ID, got, presses)
		}
	}
	// Every answer is being sent, waiting in the queue, or dropped.
	var dropped int64
	r.until("the answers to be accounted for", func() (bool, error) {
		dropped = r.metric("polku_button_answers_dropped_total")
		return dropped+int64(len(r.bot.answers))+hung.Load() == total, nil
	})
	if n := len(r.bot.answers); n > queue {
		t.Errorf("%d answers waiting, more than the queue's %d", n, queue)
	}
	if dropped == 0 {
		t.Error("no answer dropped: the test did not fill the queue")
	}

	// Telegram answers again: what waits goes, and nothing is left.
	answer()
	r.settle()
	answered := 0
	for _, e := range r.fake.Events(0) {
		if e.Kind == "answer" {
			answered++
		}
	}
	if int64(answered) != total-dropped {
		t.Errorf("%d presses answered, want %d of %d (%d dropped)", answered, total-dropped, total, dropped)
	}

	// An answer that waited longer than Telegram keeps a press is dropped
	// when its turn comes.
	calls := len(r.fake.Calls())
	r.bot.answering.Add(1)
	r.bot.answers <- ack{a: out{Method: "answer", ChatID: users[0].ID, Callback: "1"}, at: time.Now().Add(-answerMaxAge - time.Second)}
	r.settle()
	if n := r.metric("polku_button_answers_dropped_total"); n != dropped+1 {
		t.Errorf("an answer too old to be sent: %d dropped, want %d", n, dropped+1)
	}
	if n := len(r.fake.Calls()); n != calls {
		t.Errorf("an answer too old to be sent was sent")
	}
}
