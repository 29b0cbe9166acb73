package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

var alice = User{ID: 1001, FirstName: "Alice", LanguageCode: "fi"}

func testContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

func newBot(t *testing.T, s *Server) *bot.Bot {
	t.Helper()
	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// clock is a settable clock for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// answer is Telegram's response envelope.
type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// post posts params as JSON, as Polku's own getUpdates client does.
func post(ctx context.Context, s *Server, method string, params any) (int, answer, error) {
	body, err := json.Marshal(params)
	if err != nil {
		return 0, answer{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+s.Token()+"/"+method, bytes.NewReader(body))
	if err != nil {
		return 0, answer{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, answer{}, err
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return 0, answer{}, err
	}
	return resp.StatusCode, a, nil
}

// call is post for the test's goroutine.
func call(ctx context.Context, t *testing.T, s *Server, method string, params any) (int, answer) {
	t.Helper()
	status, a, err := post(ctx, s, method, params)
	if err != nil {
		t.Fatal(err)
	}
	return status, a
}

func updateIDs(t *testing.T, a answer) []int64 {
	t.Helper()
	var ups []models.Update
	if err := json.Unmarshal(a.Result, &ups); err != nil {
		t.Fatalf("result %s: %v", a.Result, err)
	}
	ids := make([]int64, len(ups))
	for i, u := range ups {
		ids[i] = u.ID
	}
	return ids
}

func wantBadRequest(t *testing.T, err error, desc string) {
	t.Helper()
	if !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("err = %v, want a bad request", err)
	}
	if !strings.Contains(err.Error(), desc) {
		t.Fatalf("err = %v, want %q", err, desc)
	}
}

func TestSendMessageWithInlineKeyboardRoundTrips(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "/start")

	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID:    alice.ID,
		Text:      "Hei! <b>Mitä</b> kuuluu?",
		ParseMode: models.ParseModeHTML,
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Hyvää", CallbackData: "mood:good"}, {Text: "Huonoa", CallbackData: "mood:bad"}},
			{{Text: "Ohje", URL: "https://example.org/ohje"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID != 2 || msg.Chat.ID != alice.ID || msg.From == nil || !msg.From.IsBot {
		t.Fatalf("message = %+v", msg)
	}
	if msg.Text != "Hei! Mitä kuuluu?" {
		t.Errorf("text = %q", msg.Text)
	}
	if len(msg.Entities) != 1 || msg.Entities[0].Type != models.MessageEntityTypeBold || msg.Entities[0].Offset != 5 || msg.Entities[0].Length != 4 {
		t.Errorf("entities = %+v", msg.Entities)
	}
	if msg.ReplyMarkup == nil || len(msg.ReplyMarkup.InlineKeyboard) != 2 ||
		msg.ReplyMarkup.InlineKeyboard[0][1].CallbackData != "mood:bad" ||
		msg.ReplyMarkup.InlineKeyboard[1][0].URL != "https://example.org/ohje" {
		t.Fatalf("reply markup = %+v", msg.ReplyMarkup)
	}

	got := s.Messages(alice.ID)
	if len(got) != 2 || got[0].FromBot || got[0].Text != "/start" || !got[1].FromBot {
		t.Fatalf("messages = %+v", got)
	}
	want := [][]Button{
		{{Text: "Hyvää", Data: "mood:good"}, {Text: "Huonoa", Data: "mood:bad"}},
		{{Text: "Ohje", URL: "https://example.org/ohje"}},
	}
	if fmt.Sprint(got[1].Inline) != fmt.Sprint(want) {
		t.Errorf("inline = %v, want %v", got[1].Inline, want)
	}
	ev := s.Events(0)
	if len(ev) != 1 || ev[0].Seq != 1 || ev[0].Kind != "send" || ev[0].Message.ID != 2 {
		t.Errorf("events = %+v", ev)
	}
}

func TestCallbackDataOver64BytesIsInvalid(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "hi")
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: alice.ID,
		Text:   "x",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "long", CallbackData: strings.Repeat("d", 65)}},
		}},
	})
	wantBadRequest(t, err, "Bad Request: BUTTON_DATA_INVALID")

	_, err = b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: alice.ID,
		Text:   "x",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "just text"}},
		}},
	})
	wantBadRequest(t, err, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	if n := len(s.Messages(alice.ID)); n != 1 {
		t.Errorf("%d messages, want only the user's", n)
	}
}

func TestTextLengthCountsUTF16(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "hi")

	tests := []struct {
		name string
		text string
		want string // "" for success
	}{
		{"4097 ASCII", strings.Repeat("a", 4097), "Bad Request: message is too long"},
		{"4096 Cyrillic", strings.Repeat("ж", 4096), ""},
		{"2048 emoji", strings.Repeat("😀", 2048), ""},
		{"2049 emoji", strings.Repeat("😀", 2049), "Bad Request: message is too long"},
		{"empty", "", "Bad Request: message text is empty"},
		{"blank", "  \n ", "Bad Request: message must be non-empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: tt.text})
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantBadRequest(t, err, tt.want)
		})
	}
}

func TestPerChatRateLimitGives429(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "hi")

	for i := range 3 {
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "burst"}); err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
	}
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "one too many"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(err, &tooMany) {
		t.Fatalf("err = %v, want *bot.TooManyRequestsError", err)
	}
	if tooMany.RetryAfter < 1 {
		t.Errorf("RetryAfter = %d, want at least 1", tooMany.RetryAfter)
	}
	if s.TooManyRequests() != 1 {
		t.Errorf("TooManyRequests = %d", s.TooManyRequests())
	}

	clk.Advance(time.Duration(tooMany.RetryAfter) * time.Second)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "after waiting"}); err != nil {
		t.Fatalf("after retry_after: %v", err)
	}
	calls := s.Calls()
	last := calls[len(calls)-1]
	if last.Method != "sendMessage" || last.Status != http.StatusOK || last.ChatID != alice.ID {
		t.Errorf("last call = %+v", last)
	}
}

func TestGlobalRateLimitAcrossChats(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now, Global: Limit{Rate: 30, Burst: 30}})
	ctx := testContext(t)
	for i := range 31 {
		u := User{ID: int64(2000 + i)}
		s.SendText(u, "hi")
		status, a := call(ctx, t, s, "sendMessage", map[string]any{"chat_id": u.ID, "text": "hello"})
		if i < 30 && status != http.StatusOK {
			t.Fatalf("message %d: %d %s", i+1, status, a.Description)
		}
		if i == 30 && (status != http.StatusTooManyRequests || a.Parameters.RetryAfter != 1 || a.Description != "Too Many Requests: retry after 1") {
			t.Fatalf("message 31: %d %+v", status, a)
		}
	}
}

func TestGroupRateLimit(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now, PerChat: Limit{Rate: -1}})
	ctx := testContext(t)
	group := int64(-1001234567890)
	s.Inject(json.RawMessage(fmt.Sprintf(`{"message":{"chat":{"id":%d,"type":"supergroup","title":"Koordinaattorit"},"from":{"id":7,"is_bot":false,"first_name":"Kim"},"date":1,"text":"hei"}}`, group)))
	for i := range 20 {
		if status, a := call(ctx, t, s, "sendMessage", map[string]any{"chat_id": group, "text": "x"}); status != http.StatusOK {
			t.Fatalf("message %d: %s", i+1, a.Description)
		}
	}
	status, a := call(ctx, t, s, "sendMessage", map[string]any{"chat_id": group, "text": "x"})
	if status != http.StatusTooManyRequests || a.Parameters.RetryAfter != 3 {
		t.Fatalf("21st message: %d %+v, want 429 retry after 3", status, a)
	}
}

func TestBlockedUserIsForbidden(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "hi")
	s.Block(alice.ID)
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "still there?"})
	if !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "Forbidden: bot was blocked by the user") {
		t.Fatalf("err = %v, want forbidden", err)
	}
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 999, Text: "who?"})
	wantBadRequest(t, err, "Bad Request: chat not found")
}

func TestGetUpdatesOffsetSemantics(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	first := s.SendText(alice, "one")
	second := s.SendText(alice, "two")
	if second != first+1 {
		t.Fatalf("update IDs %d, %d", first, second)
	}

	for range 2 { // redelivered until confirmed
		_, a := call(ctx, t, s, "getUpdates", map[string]any{})
		if ids := updateIDs(t, a); fmt.Sprint(ids) != fmt.Sprint([]int64{first, second}) {
			t.Fatalf("updates = %v", ids)
		}
	}
	_, a := call(ctx, t, s, "getUpdates", map[string]any{"limit": 1})
	if ids := updateIDs(t, a); fmt.Sprint(ids) != fmt.Sprint([]int64{first}) {
		t.Fatalf("limit 1: %v", ids)
	}
	_, a = call(ctx, t, s, "getUpdates", map[string]any{"offset": first + 1})
	if ids := updateIDs(t, a); fmt.Sprint(ids) != fmt.Sprint([]int64{second}) {
		t.Fatalf("offset first+1: %v", ids)
	}
	if s.Pending() != 1 {
		t.Fatalf("pending = %d, want 1", s.Pending())
	}
	// The first update is gone for good, even with offset 0.
	_, a = call(ctx, t, s, "getUpdates", map[string]any{"offset": 0})
	if ids := updateIDs(t, a); fmt.Sprint(ids) != fmt.Sprint([]int64{second}) {
		t.Fatalf("offset 0 after confirming: %v", ids)
	}
	third := s.SendText(alice, "three")
	// A negative offset counts from the newest and confirms what is before.
	_, a = call(ctx, t, s, "getUpdates", map[string]any{"offset": -1})
	if ids := updateIDs(t, a); fmt.Sprint(ids) != fmt.Sprint([]int64{third}) {
		t.Fatalf("offset -1: %v", ids)
	}
	if s.Pending() != 1 {
		t.Fatalf("pending = %d, want 1", s.Pending())
	}
	_, a = call(ctx, t, s, "getUpdates", map[string]any{"offset": third + 1})
	if ids := updateIDs(t, a); len(ids) != 0 || s.Pending() != 0 {
		t.Fatalf("after confirming all: %v, pending %d", ids, s.Pending())
	}
}

func TestGetUpdatesAcceptsEveryEncoding(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	first := s.SendText(alice, "one")
	second := s.SendText(alice, "two")
	base := s.URL() + "/bot" + s.Token() + "/getUpdates"
	check := func(name string, resp *http.Response, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var a answer
		if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
			t.Fatal(err)
		}
		if ids := updateIDs(t, a); fmt.Sprint(ids) != fmt.Sprint([]int64{second}) {
			t.Fatalf("%s: updates %v", name, ids)
		}
	}
	offset := fmt.Sprint(first + 1)
	resp, err := http.Get(base + "?offset=" + offset)
	check("query string", resp, err)
	resp, err = http.Post(base, "application/x-www-form-urlencoded", strings.NewReader("offset="+offset))
	check("form", resp, err)
	// go-telegram/bot's poller speaks multipart.
	var buf bytes.Buffer
	body := "--X\r\nContent-Disposition: form-data; name=\"offset\"\r\n\r\n" + offset + "\r\n--X--\r\n"
	buf.WriteString(body)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base, &buf)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=X")
	resp, err = http.DefaultClient.Do(req)
	check("multipart", resp, err)
}

func TestLongPollReturnsWhenAnUpdateArrives(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	type result struct {
		status int
		a      answer
		took   time.Duration
	}
	done := make(chan result, 1)
	go func() {
		start := time.Now()
		status, a, err := post(ctx, s, "getUpdates", map[string]any{"timeout": 30})
		if err != nil {
			t.Error(err)
		}
		done <- result{status, a, time.Since(start)}
	}()
	if err := s.Wait(ctx, s.polling); err != nil {
		t.Fatal(err)
	}
	id := s.SendText(alice, "wake up")
	select {
	case r := <-done:
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.a.Description)
		}
		if ids := updateIDs(t, r.a); fmt.Sprint(ids) != fmt.Sprint([]int64{id}) {
			t.Fatalf("updates = %v", ids)
		}
		if r.took > 5*time.Second {
			t.Errorf("long poll took %v", r.took)
		}
	case <-ctx.Done():
		t.Fatal("long poll did not return")
	}
}

func TestConcurrentGetUpdatesConflict(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	first := make(chan answer, 1)
	go func() {
		status, a, err := post(ctx, s, "getUpdates", map[string]any{"timeout": 30})
		if err != nil || status != http.StatusConflict {
			t.Errorf("first poll: status %d, %v", status, err)
		}
		first <- a
	}()
	if err := s.Wait(ctx, s.polling); err != nil {
		t.Fatal(err)
	}
	second := make(chan []int64, 1)
	go func() {
		_, a, err := post(ctx, s, "getUpdates", map[string]any{"timeout": 30})
		if err != nil {
			t.Error(err)
		}
		var ups []models.Update
		_ = json.Unmarshal(a.Result, &ups)
		var ids []int64
		for _, u := range ups {
			ids = append(ids, u.ID)
		}
		second <- ids
	}()
	a := <-first
	if a.ErrorCode != 409 || a.Description != descPollConflict {
		t.Fatalf("first poll = %+v", a)
	}
	if err := s.Wait(ctx, s.polling); err != nil {
		t.Fatal(err)
	}
	id := s.SendText(alice, "for the second")
	if ids := <-second; fmt.Sprint(ids) != fmt.Sprint([]int64{id}) {
		t.Fatalf("second poll = %v", ids)
	}
}

func TestWebhookRetriesUntilSuccess(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)

	var mu sync.Mutex
	var secrets []string
	var bodies []string
	var hits atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		secrets = append(secrets, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		bodies = append(bodies, string(body))
		mu.Unlock()
		if hits.Add(1) <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer hook.Close()

	ok, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: hook.URL, SecretToken: "polku-secret_1"})
	if err != nil || !ok {
		t.Fatalf("setWebhook: %v", err)
	}
	id := s.SendText(alice, "via webhook")
	if err := s.Wait(ctx, func() bool { return s.Pending() == 0 }); err != nil {
		t.Fatalf("update never confirmed: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 3 {
		t.Fatalf("%d deliveries, want 3", len(bodies))
	}
	for i := range bodies {
		var u models.Update
		if err := json.Unmarshal([]byte(bodies[i]), &u); err != nil || u.ID != id || u.Message == nil || u.Message.Text != "via webhook" {
			t.Errorf("delivery %d = %s (%v)", i+1, bodies[i], err)
		}
		if secrets[i] != "polku-secret_1" {
			t.Errorf("delivery %d secret = %q", i+1, secrets[i])
		}
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.URL != hook.URL || info.PendingUpdateCount != 0 || info.LastErrorMessage != "Wrong response from the webhook: 500 Internal Server Error" {
		t.Errorf("webhook info = %+v", info)
	}

	status, a := call(ctx, t, s, "getUpdates", map[string]any{})
	if status != http.StatusConflict || a.Description != descWebhookActive {
		t.Errorf("getUpdates with a webhook: %d %+v", status, a)
	}
}

func TestWebhookChecks(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	ctx := testContext(t)
	status, a := call(ctx, t, s, "setWebhook", map[string]any{"url": "http://example.org/hook"})
	if status != http.StatusBadRequest || a.Description != "Bad Request: bad webhook: An HTTPS URL must be provided for webhook" {
		t.Errorf("http webhook: %d %+v", status, a)
	}
	// Telegram takes one setWebhook a second.
	status, a = call(ctx, t, s, "setWebhook", map[string]any{"url": "https://127.0.0.1:1/hook"})
	if status != http.StatusTooManyRequests || a.Parameters.RetryAfter != 1 {
		t.Errorf("second setWebhook within a second: %d %+v", status, a)
	}
	clk.Advance(time.Second)
	status, a = call(ctx, t, s, "setWebhook", map[string]any{"url": "https://127.0.0.1:1/hook", "secret_token": "bad token!"})
	if status != http.StatusBadRequest || a.Description != "Bad Request: secret token contains unallowed characters" {
		t.Errorf("bad secret: %d %+v", status, a)
	}
}

// sendChoice has alice start the bot and the bot ask her a question with
// one button, "yes".
func sendChoice(ctx context.Context, t *testing.T, s *Server, b *bot.Bot) *models.Message {
	t.Helper()
	s.SendText(alice, "/start")
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{
		ChatID: alice.ID,
		Text:   "Valitse",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Kyllä", CallbackData: "yes"}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func TestPressNeedsAnExistingButton(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	msg := sendChoice(ctx, t, s, b)
	if _, err := s.Press(alice, msg.ID, "no"); err == nil {
		t.Error("pressed a button that does not exist")
	}
	if _, err := s.Press(alice, 1, "yes"); err == nil {
		t.Error("pressed a button on the user's own message")
	}
	id, err := s.Press(alice, msg.ID, "yes")
	if err != nil {
		t.Fatal(err)
	}
	_, a := call(ctx, t, s, "getUpdates", map[string]any{"offset": id})
	var ups []models.Update
	if err := json.Unmarshal(a.Result, &ups); err != nil {
		t.Fatal(err)
	}
	if len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("updates = %s", a.Result)
	}
	q := ups[0].CallbackQuery
	if q.ID == "" || q.From.ID != alice.ID || q.Data != "yes" || q.ChatInstance == "" ||
		q.Message.Message == nil || q.Message.Message.ID != msg.ID || q.Message.Message.ReplyMarkup == nil {
		t.Errorf("callback query = %+v", q)
	}
}

func TestAnswerCallbackQueryOnce(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	msg := sendChoice(ctx, t, s, b)
	id, _ := s.Press(alice, msg.ID, "yes")
	_, a := call(ctx, t, s, "getUpdates", map[string]any{"offset": id})
	var ups []models.Update
	_ = json.Unmarshal(a.Result, &ups)
	qid := ups[0].CallbackQuery.ID

	_, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: qid, Text: strings.Repeat("x", 201)})
	wantBadRequest(t, err, "Bad Request: MESSAGE_TOO_LONG")
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: qid, Text: "Kiitos"}); err != nil {
		t.Fatal(err)
	}
	_, err = b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: qid})
	wantBadRequest(t, err, "Bad Request: "+descQueryTooOld)

	ev := s.Events(1)
	if len(ev) != 1 || ev[0].Kind != "answer" || ev[0].AnswerText != "Kiitos" || ev[0].Message.ID != msg.ID || ev[0].ChatID != alice.ID {
		t.Errorf("events = %+v", ev)
	}
}

func TestCallbackQueryExpires(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	ctx := testContext(t)
	s.SendText(alice, "/start")
	_, a := call(ctx, t, s, "sendMessage", map[string]any{
		"chat_id": alice.ID, "text": "Valitse",
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "A", "callback_data": "a"}}}},
	})
	var m models.Message
	_ = json.Unmarshal(a.Result, &m)
	s.Press(alice, m.ID, "a")
	_, a = call(ctx, t, s, "getUpdates", map[string]any{"offset": -1})
	var ups []models.Update
	_ = json.Unmarshal(a.Result, &ups)
	clk.Advance(16 * time.Second)
	status, a := call(ctx, t, s, "answerCallbackQuery", map[string]any{"callback_query_id": ups[0].CallbackQuery.ID})
	if status != http.StatusBadRequest || a.Description != "Bad Request: "+descQueryTooOld {
		t.Errorf("late answer: %d %+v", status, a)
	}
}

func TestEditMessage(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "/start")
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "A", CallbackData: "a"}}}}
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "Kysymys", ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}

	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: msg.ID, Text: "Kysymys", ReplyMarkup: kb})
	wantBadRequest(t, err, "Bad Request: "+descNotModified)

	// Without reply_markup the keyboard goes away, as on Telegram.
	edited, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: msg.ID, Text: "Kysymys"})
	if err != nil {
		t.Fatal(err)
	}
	if edited.ReplyMarkup != nil || edited.EditDate == 0 {
		t.Errorf("edited = %+v", edited)
	}
	got, _ := s.Message(alice.ID, msg.ID)
	if got.Inline != nil || got.EditCount != 1 {
		t.Errorf("after edit: %+v", got)
	}
	if _, err := s.Press(alice, msg.ID, "a"); err == nil {
		t.Error("pressed a button that was edited away")
	}

	if _, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: alice.ID, MessageID: msg.ID, ReplyMarkup: kb}); err != nil {
		t.Fatal(err)
	}
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: 1, Text: "hijack"})
	wantBadRequest(t, err, "Bad Request: message can't be edited")
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: 99, Text: "ghost"})
	wantBadRequest(t, err, "Bad Request: message to edit not found")
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: alice.ID, MessageID: msg.ID, Text: "x",
		ReplyMarkup: &models.ReplyKeyboardMarkup{Keyboard: [][]models.KeyboardButton{{{Text: "k"}}}}})
	wantBadRequest(t, err, "Bad Request: inline keyboard expected")

	if ok, err := b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: msg.ID}); err != nil || !ok {
		t.Fatalf("delete: %v", err)
	}
	_, err = b.DeleteMessage(ctx, &bot.DeleteMessageParams{ChatID: alice.ID, MessageID: msg.ID})
	wantBadRequest(t, err, "Bad Request: message to delete not found")
	if n := len(s.Messages(alice.ID)); n != 1 {
		t.Errorf("%d messages after delete", n)
	}
	kinds := ""
	for _, e := range s.Events(0) {
		kinds += e.Kind + " "
	}
	if kinds != "send edit edit delete " {
		t.Errorf("event kinds = %q", kinds)
	}
}

func TestReplyKeyboardAndContact(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	u := alice
	u.Phone = "+358401234567"
	s.SendText(u, "/start")
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: u.ID, Text: "Jaa numerosi", ReplyMarkup: &models.ReplyKeyboardMarkup{
		Keyboard:        [][]models.KeyboardButton{{{Text: "📱 Jaa", RequestContact: true}}, {{Text: "Ei kiitos"}}},
		ResizeKeyboard:  true,
		OneTimeKeyboard: true,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ReplyMarkup != nil {
		t.Errorf("a reply keyboard is not echoed in the message: %+v", msg.ReplyMarkup)
	}
	kb := s.Keyboard(u.ID)
	if len(kb) != 2 || !kb[0][0].RequestContact || kb[1][0].Text != "Ei kiitos" {
		t.Fatalf("keyboard = %+v", kb)
	}
	id, err := s.PressKey(u, "📱 Jaa")
	if err != nil {
		t.Fatal(err)
	}
	_, a := call(ctx, t, s, "getUpdates", map[string]any{"offset": id})
	var ups []models.Update
	_ = json.Unmarshal(a.Result, &ups)
	if len(ups) != 1 || ups[0].Message.Contact == nil || ups[0].Message.Contact.UserID != u.ID || ups[0].Message.Contact.PhoneNumber != u.Phone {
		t.Fatalf("contact update = %s", a.Result)
	}
	if s.Keyboard(u.ID) != nil {
		t.Error("a one-time keyboard stayed after use")
	}
	// A message with a reply keyboard cannot be edited.
	_, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: u.ID, MessageID: msg.ID, Text: "x"})
	wantBadRequest(t, err, "Bad Request: message can't be edited")
}

func TestHTMLParseErrors(t *testing.T) {
	tests := []struct {
		in, text, err string
	}{
		{"<b>bold</b> &amp; <i>it</i>", "bold & it", ""},
		{"a &lt; b &#x41;&#66; &unknown;", "a < b AB &unknown;", ""},
		{`<a href="https://example.org">link</a>`, "link", ""},
		{`<pre><code class="language-go">x := 1</code></pre>`, "x := 1", ""},
		{"a < b", "", `Unsupported start tag "" at byte offset 2`},
		{"<b>open", "", `Can't find end tag corresponding to start tag "b"`},
		{"<b>x</i>", "", `Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{"line<br>break", "", `Unsupported start tag "br" at byte offset 4`},
		{"</b>", "", "Unexpected end tag at byte offset 0"},
		{"<span>x</span>", "", `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{"x <b", "", "Unclosed start tag at byte offset 2"},
	}
	for _, tt := range tests {
		text, _, err := parseHTML(tt.in)
		switch {
		case tt.err != "" && (err == nil || err.Error() != tt.err):
			t.Errorf("parseHTML(%q) error = %v, want %q", tt.in, err, tt.err)
		case tt.err == "" && (err != nil || text != tt.text):
			t.Errorf("parseHTML(%q) = %q, %v; want %q", tt.in, text, err, tt.text)
		}
	}

	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "hi")
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "1 < 2", ParseMode: models.ParseModeHTML})
	wantBadRequest(t, err, `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`)
}

func TestBotCommandEntities(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	s.SendText(alice, "/start@polku_test_bot ref_123")
	_, a := call(ctx, t, s, "getUpdates", map[string]any{})
	var ups []models.Update
	_ = json.Unmarshal(a.Result, &ups)
	ents := ups[0].Message.Entities
	if len(ents) != 1 || ents[0].Type != models.MessageEntityTypeBotCommand || ents[0].Offset != 0 || ents[0].Length != len("/start@polku_test_bot") {
		t.Errorf("entities = %+v", ents)
	}
	if ups[0].Message.From.LanguageCode != "fi" || ups[0].Message.Chat.Type != models.ChatTypePrivate {
		t.Errorf("message = %+v", ups[0].Message)
	}
}

func TestMyCommands(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	cmds := []models.BotCommand{{Command: "start", Description: "Aloita"}, {Command: "help", Description: "Apua"}}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: "fi"}); err != nil {
		t.Fatal(err)
	}
	if got := s.Commands("fi"); fmt.Sprint(got) != fmt.Sprint(cmds) {
		t.Errorf("commands = %v", got)
	}
	got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "fi"})
	if err != nil || fmt.Sprint(got) != fmt.Sprint(cmds) {
		t.Errorf("getMyCommands = %v, %v", got, err)
	}
	if got, _ := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "sv"}); len(got) != 0 {
		t.Errorf("sv commands = %v", got)
	}
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start", Description: "x"}}})
	wantBadRequest(t, err, "Bad Request: BOT_COMMAND_INVALID")
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "x", Description: " "}}})
	wantBadRequest(t, err, "Bad Request: command description must be non-empty")
	_, err = b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: "fin"})
	wantBadRequest(t, err, "Bad Request: invalid language code specified")

	s.SendText(alice, "hi")
	scope := &models.BotCommandScopeChat{ChatID: alice.ID}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds[:1], Scope: scope}); err != nil {
		t.Fatal(err)
	}
	if got := s.CommandsFor(scope, ""); len(got) != 1 {
		t.Errorf("chat scope = %v", got)
	}
	if _, err := b.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{LanguageCode: "fi"}); err != nil {
		t.Fatal(err)
	}
	if got := s.Commands("fi"); got != nil {
		t.Errorf("after delete = %v", got)
	}
}

func TestSendDocumentAndPhoto(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "hi")

	doc, err := b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID:   alice.ID,
		Document: &models.InputFileUpload{Filename: "raportti.csv", Data: strings.NewReader("a,b\n1,2\n")},
		Caption:  "Raportti",
	})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Document == nil || doc.Document.FileName != "raportti.csv" || doc.Document.MimeType != "text/csv" || doc.Caption != "Raportti" {
		t.Fatalf("document message = %+v", doc)
	}
	if _, err := b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileString{Data: doc.Document.FileID}}); err != nil {
		t.Fatalf("resend by file_id: %v", err)
	}
	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileString{Data: "nonsense"}})
	wantBadRequest(t, err, "Bad Request: wrong file identifier/HTTP URL specified")

	var png bytes.Buffer
	if err := encodePNG(&png, 40, 30); err != nil {
		t.Fatal(err)
	}
	photo, err := b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: alice.ID, Photo: &models.InputFileUpload{Filename: "kuva.png", Data: &png}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(photo.Photo); n != 2 || photo.Photo[n-1].Width != 40 || photo.Photo[n-1].Height != 30 {
		t.Errorf("photo sizes = %+v", photo.Photo)
	}
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: alice.ID, Photo: &models.InputFileUpload{Filename: "kuva.png", Data: strings.NewReader("not an image")}})
	wantBadRequest(t, err, "Bad Request: IMAGE_PROCESS_FAILED")
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: alice.ID, Photo: &models.InputFileString{Data: doc.Document.FileID}})
	wantBadRequest(t, err, "Bad Request: type of file mismatch")
	_, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: alice.ID, Document: &models.InputFileString{Data: doc.Document.FileID}, Caption: strings.Repeat("c", 1025)})
	wantBadRequest(t, err, "Bad Request: message caption is too long")

	msgs := s.Messages(alice.ID)
	if msgs[1].Document != "raportti.csv" || msgs[3].Photo != "kuva.png" {
		t.Errorf("messages = %+v", msgs)
	}
}

func encodePNG(w io.Writer, width, height int) error {
	return png.Encode(w, image.NewRGBA(image.Rect(0, 0, width, height)))
}

func TestAuthAndUnknownMethod(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	other, err := bot.New("42:wrong", bot.WithServerURL(s.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.GetMe(ctx); !errors.Is(err, bot.ErrorUnauthorized) {
		t.Errorf("wrong token: %v", err)
	}
	me, err := newBot(t, s).GetMe(ctx)
	if err != nil || me.ID != s.BotID() || me.Username != defaultBotUsername || !me.IsBot {
		t.Errorf("getMe = %+v, %v", me, err)
	}
	status, a := call(ctx, t, s, "sendTelepathy", map[string]any{})
	if status != http.StatusNotFound || a.Description != "Not Found" {
		t.Errorf("unknown method: %d %+v", status, a)
	}
}

func TestAllowedUpdatesFilterNewUpdates(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	s.SendText(alice, "before")
	_, a := call(ctx, t, s, "getUpdates", map[string]any{"allowed_updates": []string{"callback_query"}})
	if ids := updateIDs(t, a); len(ids) != 1 {
		t.Fatalf("an update queued before the filter was dropped: %v", ids)
	}
	if id := s.SendText(alice, "filtered"); id != 0 {
		t.Errorf("filtered update got ID %d", id)
	}
	_, a = call(ctx, t, s, "getUpdates", map[string]any{"offset": -1, "allowed_updates": []string{}})
	if ids := updateIDs(t, a); len(ids) != 1 {
		t.Fatalf("updates = %v", ids)
	}
	if id := s.SendText(alice, "default again"); id == 0 {
		t.Error("an empty allowed_updates did not restore the default")
	}
}

func TestInjectAssignsIDs(t *testing.T) {
	s := newServer(t, Options{})
	first := s.SendText(alice, "hi")
	id := s.Inject(json.RawMessage(`{"message":{"chat":{"id":1001,"type":"private","first_name":"Alice"},"from":{"id":1001,"is_bot":false,"first_name":"Alice"},"date":1,"text":"injected"}}`))
	if id != first+1 {
		t.Errorf("injected update_id = %d, want %d", id, first+1)
	}
	msgs := s.Messages(alice.ID)
	if len(msgs) != 2 || msgs[1].ID != 2 || msgs[1].Text != "injected" {
		t.Errorf("messages = %+v", msgs)
	}
	if id := s.Inject(json.RawMessage(`{"update_id":500,"poll":{"id":"p"}}`)); id != 500 {
		t.Errorf("explicit update_id = %d", id)
	}
	if id := s.Inject(json.RawMessage(`{"update_id":7,"poll":{"id":"p"}}`)); id != 501 {
		t.Errorf("stale update_id replaced by %d, want 501", id)
	}
}

func TestWaitSeesEveryChange(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	ctx := testContext(t)
	s.SendText(alice, "hi")
	go func() {
		for range 20 {
			if _, _, err := post(ctx, s, "sendMessage", map[string]any{"chat_id": alice.ID, "text": "x"}); err != nil {
				t.Error(err)
			}
		}
	}()
	if err := s.Wait(ctx, func() bool { return len(s.Events(0)) == 20 }); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := s.Wait(short, func() bool { return false }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v", err)
	}
}

func BenchmarkSendMessage(b *testing.B) {
	s := New(Options{NoLimits: true})
	defer s.Close()
	const users = 64
	for i := range users {
		s.SendText(User{ID: int64(i + 1)}, "/start")
	}
	tb, err := bot.New(s.Token(), bot.WithServerURL(s.URL()), bot.WithSkipGetMe())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := n.Add(1)%users + 1
			_, err := tb.SendMessage(ctx, &bot.SendMessageParams{ChatID: id, Text: "Hei <b>maailma</b>", ParseMode: models.ParseModeHTML,
				ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "OK", CallbackData: "ok"}}}}})
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func TestForumTopics(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	const group = -1001234567890
	coordinator := User{ID: 501, FirstName: "Kaisa", LanguageCode: "fi"}
	s.AddGroup(group, "Koordinaattorit", true)
	s.SetMember(group, coordinator, StatusMember)
	s.SendText(alice, "Haluan puhua ihmisen kanssa")

	topic, err := b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: group, Name: "Tapaus 17"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Topics(group); len(got) != 1 || got[0].ThreadID != topic.MessageThreadID || got[0].Name != "Tapaus 17" {
		t.Fatalf("topics = %+v", got)
	}
	_, err = b.CreateForumTopic(ctx, &bot.CreateForumTopicParams{ChatID: alice.ID, Name: "x"})
	wantBadRequest(t, err, "Bad Request: the chat is not a forum")

	copied, err := b.CopyMessage(ctx, &bot.CopyMessageParams{ChatID: group, MessageThreadID: topic.MessageThreadID, FromChatID: alice.ID, MessageID: 1})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Message(group, copied.ID)
	if m.Text != "Haluan puhua ihmisen kanssa" || m.ThreadID != topic.MessageThreadID || !m.FromBot {
		t.Errorf("copy = %+v", m)
	}
	_, err = b.SendMessage(ctx, &bot.SendMessageParams{ChatID: group, MessageThreadID: 999, Text: "x"})
	wantBadRequest(t, err, "Bad Request: message thread not found")

	card, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: group, MessageThreadID: topic.MessageThreadID, Text: "Uusi tapaus",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "Otan", CallbackData: "claim:17"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if !card.IsTopicMessage || card.ReplyToMessage == nil || card.ReplyToMessage.ID != topic.MessageThreadID {
		t.Errorf("a topic message replies to the topic's first message: %+v", card)
	}
	pressed, err := s.PressIn(group, coordinator, card.ID, "claim:17")
	if err != nil {
		t.Fatal(err)
	}
	said := s.SendGroupText(group, topic.MessageThreadID, coordinator, "Hei, olen Kaisa")
	_, a := call(ctx, t, s, "getUpdates", map[string]any{"offset": pressed})
	var ups []models.Update
	if err := json.Unmarshal(a.Result, &ups); err != nil || len(ups) != 2 || ups[1].ID != said {
		t.Fatalf("updates = %s", a.Result)
	}
	if q := ups[0].CallbackQuery; q == nil || q.From.ID != coordinator.ID || q.Message.Message.Chat.ID != group {
		t.Errorf("press = %+v", ups[0])
	}
	if msg := ups[1].Message; msg.MessageThreadID != topic.MessageThreadID || !msg.IsTopicMessage || msg.Chat.Type != models.ChatTypeSupergroup || msg.From.ID != coordinator.ID {
		t.Errorf("group message = %+v", msg)
	}
	if ok, err := b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: group, MessageThreadID: topic.MessageThreadID}); err != nil || !ok {
		t.Fatalf("close: %v", err)
	}
	_, err = b.CloseForumTopic(ctx, &bot.CloseForumTopicParams{ChatID: group, MessageThreadID: topic.MessageThreadID})
	wantBadRequest(t, err, "Bad Request: TOPIC_NOT_MODIFIED")
	if got := s.Topics(group); !got[0].Closed {
		t.Errorf("topics after close = %+v", got)
	}
}

func TestWebhookAnswerCanCallAMethod(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u models.Update
		_ = json.NewDecoder(r.Body).Decode(&u)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"method":"sendMessage","chat_id":%d,"text":"pong"}`, u.Message.Chat.ID)
	}))
	defer hook.Close()
	s.SendText(alice, "stale")
	if status, a := call(ctx, t, s, "setWebhook", map[string]any{"url": hook.URL, "drop_pending_updates": true}); status != http.StatusOK || a.Description != "Webhook was set" {
		t.Fatalf("setWebhook: %d %+v", status, a)
	}
	s.SendText(alice, "ping")
	if err := s.Wait(ctx, func() bool { m, _ := s.LastMessage(alice.ID); return m.FromBot }); err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages(alice.ID)
	if len(msgs) != 3 || msgs[2].Text != "pong" {
		t.Errorf("messages = %+v", msgs)
	}
	if err := s.Wait(ctx, func() bool { return s.Pending() == 0 }); err != nil {
		t.Fatal(err)
	}
	if status, a := call(ctx, t, s, "deleteWebhook", map[string]any{}); status != http.StatusOK || a.Description != "Webhook was deleted" {
		t.Errorf("deleteWebhook: %d %+v", status, a)
	}
	// The stale update was dropped with drop_pending_updates.
	_, a := call(ctx, t, s, "getUpdates", map[string]any{})
	if ids := updateIDs(t, a); len(ids) != 0 {
		t.Errorf("updates after the webhook = %v", ids)
	}
}
