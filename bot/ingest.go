package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"polku/internal/httpguard"
	"polku/store"
)

// allowedUpdates are the update kinds Polku asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// file puts raw updates in the inbox and commits. Only after it returns nil
// may Telegram be told the updates arrived.
func (b *Bot) file(ctx context.Context, raws []json.RawMessage) (last int64, err error) {
	ups := make([]store.Update, 0, len(raws))
	for _, raw := range raws {
		id, chat, ok := chatOf(raw)
		if !ok {
			continue
		}
		ups = append(ups, store.Update{ID: id, ChatID: chat, Payload: raw})
		last = max(last, id)
	}
	if err := b.filing.file(ctx, b.db, ups); err != nil {
		return 0, err
	}
	wake(b.applyWake)
	return last, nil
}

// filer commits the updates of requests that come at once in one
// transaction (group commit): by webhook each update comes in a request of
// its own, and a commit for each was most of what PostgreSQL did for an
// update. The first request in files its own updates; those that come
// while it does wait, and the next of them files all of theirs at once,
// and so on. Nobody is told an update arrived before the commit that holds
// it, as before.
type filer struct {
	mu      sync.Mutex
	busy    bool
	waiting []*filing
	// commits counts the transactions filed.
	commits int
}

// filing is one request's updates; done gets the result of the commit
// that held them, or errLead: file them, and the ones that waited with
// them, now.
type filing struct {
	ups  []store.Update
	done chan error
}

var errLead = errors.New("lead")

func (f *filer) file(ctx context.Context, db *store.DB, ups []store.Update) error {
	me := &filing{ups: ups, done: make(chan error, 1)}
	f.mu.Lock()
	f.waiting = append(f.waiting, me)
	if f.busy {
		f.mu.Unlock()
		// Not left on ctx: whoever files these hands the lead on to
		// the next, and does so within its own time limit.
		if err := <-me.done; err != errLead {
			return err
		}
		f.mu.Lock()
	}
	f.busy = true
	batch := f.waiting
	f.waiting = nil
	f.mu.Unlock()
	// The lead goes on to the next whatever happens here, a panic too:
	// those waiting do not give up.
	defer func() {
		f.mu.Lock()
		f.commits++
		if len(f.waiting) > 0 {
			f.waiting[0].done <- errLead
		} else {
			f.busy = false
		}
		f.mu.Unlock()
	}()
	var all []store.Update
	for _, w := range batch {
		all = append(all, w.ups...)
	}
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := errors.New("filing failed")
	defer func() {
		for _, w := range batch {
			if w != me {
				w.done <- err
			}
		}
	}()
	err = db.Enqueue(work, all)
	return err
}

// apiError is a Bot API answer that was not ok.
type apiError struct {
	Code        int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func (e *apiError) Error() string { return fmt.Sprintf("telegram %d: %s", e.Code, e.Description) }

// call makes a Bot API call with a JSON body. go-telegram/bot does not
// expose getUpdates, and its own poller acknowledges updates before they
// are handled, so Polku polls with this.
func (b *Bot) call(ctx context.Context, method string, params any, result any) (err error) {
	return b.callWith(ctx, b.http, method, params, result)
}

// callWith makes the call with the client c.
func (b *Bot) callWith(ctx context.Context, c client, method string, params any, result any) (err error) {
	defer func() {
		if ctx.Err() == nil {
			b.noteToken(err)
		}
	}()
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	base := b.cfg.APIURL
	if base == "" {
		base = "https://api.telegram.org"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/bot"+b.cfg.Token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		// The URL holds the token: never let it reach a log.
		var uerr interface{ Unwrap() error }
		if errors.As(err, &uerr) {
			return fmt.Errorf("%s: %w", method, uerr.Unwrap())
		}
		return fmt.Errorf("%s: request failed", method)
	}
	defer resp.Body.Close()
	// The result is read into result as the answer is read, in one pass
	// (a whole batch of updates, for getUpdates), not kept aside and read
	// again.
	if result == nil {
		result = &ignored{}
	}
	env := struct {
		OK     bool `json:"ok"`
		Result any  `json:"result"`
		apiError
	}{Result: result}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&env); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return fmt.Errorf("%s: unreadable answer (HTTP %d)", method, resp.StatusCode)
		}
		if env.OK {
			return err // a result of another shape than asked
		}
	}
	if !env.OK {
		e := env.apiError
		return &e
	}
	return nil
}

// ignored is a result nobody reads.
type ignored struct{}

func (*ignored) UnmarshalJSON([]byte) error { return nil }

// Poll runs Polku's own long polling until ctx ends. It asks Telegram for
// the next updates (confirming the previous ones) only after the previous
// batch is committed to the inbox, so a crash never loses an update.
func (b *Bot) Poll(ctx context.Context) error {
	if err := b.call(ctx, "deleteWebhook", map[string]any{}, nil); err != nil && ctx.Err() == nil {
		b.log.Warn("deleteWebhook", "err", err)
	}
	var offset int64
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		if backoff > 0 {
			select {
			case <-time.After(backoff):
			case <-ctx.Done():
				return nil
			}
		}
		var raws []json.RawMessage
		err := b.call(ctx, "getUpdates", map[string]any{
			"offset": offset, "timeout": int(b.cfg.PollTimeout / time.Second), "allowed_updates": allowedUpdates,
		}, &raws)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			if otherPoller(err) {
				// Another process polls (or a webhook is set): this
				// process still applies and sends from the shared store.
				b.log.Info("another poller is active; waiting", "err", err)
				backoff = 5 * time.Second
			} else if class, _ := classify(err, 0); class == failToken {
				// Told once at ERROR (noteToken); trying again often
				// cannot help, since only a new token will.
				backoff = time.Minute
			} else {
				b.log.Warn("getUpdates", "err", err)
				backoff = min(30*time.Second, max(time.Second, 2*backoff))
			}
			continue
		}
		backoff = 0
		if len(raws) == 0 {
			continue
		}
		for {
			last, err := b.file(ctx, raws)
			if err == nil {
				if last >= offset {
					offset = last + 1
				}
				break
			}
			b.log.Error("file updates", "err", err)
			select {
			case <-time.After(time.Second):
			case <-ctx.Done():
				return nil
			}
		}
	}
	return nil
}

// SetWebhook tells Telegram to deliver updates to url with the secret.
func (b *Bot) SetWebhook(ctx context.Context, url, secret string) error {
	return b.call(ctx, "setWebhook", map[string]any{"url": url, "secret_token": secret, "allowed_updates": allowedUpdates}, nil)
}

// Webhook returns the handler for Telegram's webhook. It answers 200 only
// after the update is committed to the inbox; anything else makes Telegram
// deliver it again. A request without the secret is refused before its
// body is read, and its connection closed; a source that guesses the
// secret wrong a few times is throttled (429, Retry-After) without its
// guesses being compared. The source is the peer's address, or what a
// proxy in trusted says in X-Forwarded-For.
func (b *Bot) Webhook(secret string, trusted httpguard.Proxies) http.Handler {
	gate := httpguard.NewGate(secret, trusted)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			httpguard.Refuse(w, http.StatusMethodNotAllowed, 0)
			return
		}
		ok, wait := gate.Check(r, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		if wait > 0 {
			httpguard.Refuse(w, http.StatusTooManyRequests, wait)
			return
		}
		if !ok {
			// Neither the secret nor the guess is logged; the gate
			// lets a source log this a few times, then twice a minute.
			b.log.Warn("webhook: wrong secret", "source", gate.Source(r).String())
			httpguard.Refuse(w, http.StatusForbidden, 0)
			return
		}
		raw, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		if _, _, ok := chatOf(raw); !ok {
			// Not an update: redelivering it would not help.
			b.log.Warn("webhook: not an update")
			w.WriteHeader(http.StatusOK)
			return
		}
		if _, err := b.file(r.Context(), []json.RawMessage{raw}); err != nil {
			b.log.Error("webhook: file update", "err", err)
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
