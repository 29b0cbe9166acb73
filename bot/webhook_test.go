package bot

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"polku/internal/pgtest"
	"polku/internal/telegramtest"
	"polku/store"
)

const secret = "s3cret_webhook-token"

// post hands body to the webhook handler as Telegram would, and returns
// the status it answered.
func post(h http.Handler, token string, body string) int {
	return postFrom(h, "192.0.2.1:1234", "", token, body).Code
}

// postFrom is post from the peer remote, with X-Forwarded-For xff if any.
func postFrom(h http.Handler, remote, xff, token, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(body))
	req.RemoteAddr = remote
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	if token != "" {
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func (r *rig) inboxRows() int {
	r.t.Helper()
	var n int
	if err := r.pool.QueryRow(context.Background(), `SELECT count(*) FROM inbox`).Scan(&n); err != nil {
		r.t.Fatal(err)
	}
	return n
}

// textUpdate is a message from user id in their private chat.
func textUpdate(updateID, user int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"from":{"id":%d,"is_bot":false,"first_name":"Anna","language_code":"en"},`+
		`"chat":{"id":%[3]d,"first_name":"Anna","type":"private"},"date":%d,"text":%q}}`, updateID, updateID, user, time.Now().Unix(), text)
}

func TestWebhookSecret(t *testing.T) {
	r := newRig(t, fast, false)
	h := r.bot.Webhook(secret, nil)
	body := textUpdate(1, 7001, "/start")
	for _, token := range []string{"", "wrong", secret + "x", strings.ToUpper(secret), secret[:len(secret)-1]} {
		if code := post(h, token, body); code != http.StatusForbidden {
			t.Errorf("secret %q: status %d, want 403", token, code)
		}
	}
	if n := r.inboxRows(); n != 0 {
		t.Errorf("%d updates filed without the secret", n)
	}
	// Only POST.
	req := httptest.NewRequest(http.MethodGet, "/telegram", nil)
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", w.Code)
	}
}

func TestWebhookFilesBeforeAnswering(t *testing.T) {
	r := newRig(t, fast, false)
	ctx := context.Background()
	h := r.bot.Webhook(secret, nil)
	// The fake must know the chat to deliver the answers.
	u := telegramtest.User{ID: 7002, FirstName: "Anna", LanguageCode: "en"}
	r.fake.Inject([]byte(fmt.Sprintf(`{"message":{"from":{"id":%d,"first_name":"Anna"},"chat":{"id":%[1]d,"type":"private"},"text":"(earlier)"}}`, u.ID)))

	body := textUpdate(500, u.ID, "/start")
	if code := post(h, secret, body); code != http.StatusOK {
		t.Fatalf("status %d, want 200", code)
	}
	// Right after the 200 the update is in the inbox: committed.
	var chat int64
	if err := r.pool.QueryRow(ctx, `SELECT chat_id FROM inbox WHERE update_id = 500`).Scan(&chat); err != nil || chat != u.ID {
		t.Fatalf("inbox row of update 500 after the 200: chat %d, %v", chat, err)
	}
	// Telegram delivers it again (our 200 was lost): applied once.
	if code := post(h, secret, body); code != http.StatusOK {
		t.Fatalf("second delivery: status %d, want 200", code)
	}
	r.until("the update to be applied and answered", func() (bool, error) {
		a, err := r.db.Unapplied(ctx)
		if err != nil {
			return false, err
		}
		s, err := r.db.Unsent(ctx)
		return a == 0 && s == 0 && len(r.outbox(u.ID)) > 0, err
	})
	if code := post(h, secret, body); code != http.StatusOK {
		t.Fatalf("delivery after applying: status %d, want 200", code)
	}
	r.until("the redelivery to be looked at", func() (bool, error) {
		a, err := r.db.Unapplied(ctx)
		return a == 0, err
	})
	var applied int
	if err := r.pool.QueryRow(ctx, `SELECT applied FROM conversations WHERE chat_id = $1`, u.ID).Scan(&applied); err != nil || applied != 1 {
		t.Errorf("conversation applied %d updates (%v), want 1", applied, err)
	}
	if n := r.inboxRows(); n != 1 {
		t.Errorf("%d inbox rows, want 1", n)
	}
	if n := r.checkDelivered(u.ID); n != 1 {
		t.Errorf("the family got %d messages, want one welcome", n)
	}
}

func TestWebhookNotAnUpdate(t *testing.T) {
	r := newRig(t, fast, false)
	h := r.bot.Webhook(secret, nil)
	for _, body := range []string{
		``,
		`hello`,
		`{"ok":true}`,
		`{"update_id":0,"message":{"chat":{"id":1}}}`,
		`{"update_id":-5}`,
		`[` + textUpdate(9, 7003, "hi") + `]`,
		`{"update_id":"9"}`,
		`{"update_id":9,`,
	} {
		if code := post(h, secret, body); code != http.StatusOK {
			t.Errorf("body %.30q: status %d, want 200 (redelivering would not help)", body, code)
		}
	}
	if n := r.inboxRows(); n != 0 {
		t.Errorf("%d inbox rows filed from bodies that are not updates", n)
	}
}

// TestWebhookEndToEnd: Telegram (the fake) delivers to the bot's webhook
// server; a family's /start gets the welcome.
func TestWebhookEndToEnd(t *testing.T) {
	r := newRig(t, fast, false)
	ctx := context.Background()
	mux := http.NewServeMux()
	mux.Handle("/telegram/hook", r.bot.Webhook(secret, nil))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if err := r.bot.SetWebhook(ctx, srv.URL+"/telegram/hook", secret); err != nil {
		t.Fatal(err)
	}
	u := telegramtest.User{ID: 7004, FirstName: "Anna", LanguageCode: "sv"}
	r.fake.SendText(u, "/start demo-school")
	r.fake.SendSticker(u)
	r.waitFake("the welcome and the answer to the sticker", func() bool { return r.fake.Pending() == 0 && len(r.fake.Messages(u.ID)) >= 4 })
	r.settle()
	var got []string
	for _, m := range r.fake.Messages(u.ID) {
		if m.FromBot {
			got = append(got, m.Text)
		}
	}
	welcome := strings.TrimSpace(r.bot.render.loc.Message("sv", "welcome.text", nil, nil))
	unsupported := strings.TrimSpace(r.bot.render.loc.Message("sv", "input.unsupported", nil, nil))
	if want := []string{welcome, unsupported + "\n\n" + welcome}; strings.Join(got, "\n--\n") != strings.Join(want, "\n--\n") {
		t.Errorf("the family got\n%s\nwant\n%s", strings.Join(got, "\n--\n"), strings.Join(want, "\n--\n"))
	}
	r.checkDelivered(u.ID)
	// No delivery failed: the webhook answered 200 every time.
	var info struct {
		LastErrorMessage string `json:"last_error_message"`
		PendingUpdates   int    `json:"pending_update_count"`
		URL              string `json:"url"`
	}
	if err := r.bot.call(ctx, "getWebhookInfo", map[string]any{}, &info); err != nil {
		t.Fatal(err)
	}
	if info.LastErrorMessage != "" || info.PendingUpdates != 0 || info.URL != srv.URL+"/telegram/hook" {
		t.Errorf("webhook info: %+v", info)
	}
}

// TestWebhookDatabaseDown: when the update cannot be committed the handler
// answers 500, so Telegram delivers it again later.
func TestWebhookDatabaseDown(t *testing.T) {
	ctx := context.Background()
	fake := telegramtest.New(telegramtest.Options{})
	t.Cleanup(fake.Close)

	t.Run("pool closed", func(t *testing.T) {
		db, err := store.Open(ctx, pgtest.URL(t), storeOptions(2))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		b := newBot(t, db, fake, Config{})
		db.Close()
		if code := post(b.Webhook(secret, nil), secret, textUpdate(1, 7005, "hi")); code != http.StatusInternalServerError {
			t.Errorf("status %d, want 500", code)
		}
	})
	t.Run("database dropped", func(t *testing.T) {
		url := pgtest.URL(t)
		db, err := store.Open(ctx, url, storeOptions(2))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(db.Close)
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		b := newBot(t, db, fake, Config{})
		h := b.Webhook(secret, nil)
		if code := post(h, secret, textUpdate(1, 7005, "hi")); code != http.StatusOK {
			t.Fatalf("status %d before the database went away", code)
		}
		name := url[strings.LastIndex(url, "/")+1:]
		if i := strings.IndexByte(name, '?'); i >= 0 {
			name = name[:i]
		}
		admin, err := pgx.Connect(ctx, os.Getenv("DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close(ctx)
		if _, err := admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
		if code := post(h, secret, textUpdate(2, 7005, "hi")); code != http.StatusInternalServerError {
			t.Errorf("status %d, want 500", code)
		}
	})
}
