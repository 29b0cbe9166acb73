package telegramtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// rawDo sends req with client and returns the status, the headers and the
// body of the answer, or the client's error.
func rawDo(client *http.Client, req *http.Request) (int, http.Header, []byte, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body, err
}

// aliceSendsCalendar has Alice send a calendar file and returns it as
// getFile gives it, with a download link.
func aliceSendsCalendar(ctx context.Context, t *testing.T, s *Server, b *bot.Bot) *models.File {
	t.Helper()
	s.SendFile(alice, "uinti.ics", []byte(calendar), "")
	f, err := b.GetFile(ctx, &bot.GetFileParams{FileID: lastUpdate(ctx, t, s).Message.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// lastCall is the newest call the fake recorded.
func lastCall(t *testing.T, s *Server) Call {
	t.Helper()
	calls := s.Calls()
	if len(calls) == 0 {
		t.Fatal("no calls")
	}
	return calls[len(calls)-1]
}

func TestFaultStatusAnswersAsTelegram(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	s.AddGroup(coordinators, "Koordinaattorit", true)
	s.SetMember(coordinators, kaisa, StatusMember)
	s.SendText(alice, "Hei")
	const nginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
		"<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
	send := func(chatID int64) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chatID, Text: "Hei"})
		return err
	}
	member := func(chatID int64) error {
		_, err := b.GetChatMember(ctx, &bot.GetChatMemberParams{ChatID: chatID, UserID: kaisa.ID})
		return err
	}

	tests := []struct {
		name    string
		fault   Fault
		call    func(chatID int64) error // through go-telegram/bot, as the bot calls
		chat    int64
		wantErr func(error) bool
		raw     string // the whole answer
		status  int
		errText string
		retry   int
	}{
		{
			"500", Fault{Method: "sendMessage", Status: 500}, send, alice.ID,
			func(err error) bool { return strings.Contains(err.Error(), "500 Internal Server Error") },
			`{"ok":false,"error_code":500,"description":"Internal Server Error"}`, 500, "Internal Server Error", 0,
		},
		{
			"502 from nginx", Fault{Method: "SENDMESSAGE", Status: 502, HTML: true}, send, alice.ID,
			func(err error) bool { return strings.Contains(err.Error(), "error decode response body") },
			nginx502, 502, "502 Bad Gateway", 0,
		},
		{
			"502 from the Bot API", Fault{Method: "sendMessage", Status: 502}, send, alice.ID,
			func(err error) bool { return strings.Contains(err.Error(), "502 Bad Gateway") },
			`{"ok":false,"error_code":502,"description":"Bad Gateway"}`, 502, "Bad Gateway", 0,
		},
		{
			"429 in one group", Fault{Method: "sendMessage", ChatID: coordinators, Status: 429, RetryAfter: 7}, send, coordinators,
			func(err error) bool {
				var tm *bot.TooManyRequestsError
				return errors.As(err, &tm) && tm.RetryAfter == 7
			},
			`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`,
			429, "Too Many Requests: retry after 7", 7,
		},
		{
			"429 without retry_after given", Fault{Method: "sendMessage", Status: 429}, send, alice.ID,
			func(err error) bool { return bot.IsTooManyRequestsError(err) },
			`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}`,
			429, "Too Many Requests: retry after 1", 1,
		},
		{
			"403 for one group's members",
			Fault{Method: "getChatMember", ChatID: coordinators, Status: 403, Description: "Forbidden: bot is not a member of the supergroup chat"},
			member, coordinators,
			func(err error) bool { return errors.Is(err, bot.ErrorForbidden) },
			`{"ok":false,"error_code":403,"description":"Forbidden: bot is not a member of the supergroup chat"}`,
			403, "Forbidden: bot is not a member of the supergroup chat", 0,
		},
		{
			"400 with a description", Fault{Method: "sendMessage", Status: 400, Description: "Bad Request: message thread not found"}, send, alice.ID,
			func(err error) bool { return errors.Is(err, bot.ErrorBadRequest) },
			`{"ok":false,"error_code":400,"description":"Bad Request: message thread not found"}`,
			400, "Bad Request: message thread not found", 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Fail(tt.fault)
			if err := tt.call(tt.chat); err == nil || !tt.wantErr(err) {
				t.Fatalf("through the bot's client: %v", err)
			}
			c := lastCall(t, s)
			if c.Status != tt.status || c.Error != tt.errText || c.RetryAfter != tt.retry || c.Fault != FaultStatus || c.ChatID != tt.chat {
				t.Errorf("call = %+v", c)
			}
			// The answer as it goes over the wire.
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+s.Token()+"/"+tt.fault.Method,
				strings.NewReader(fmt.Sprintf(`{"chat_id":%d,"user_id":%d,"text":"Hei"}`, tt.chat, kaisa.ID)))
			req.Header.Set("Content-Type", "application/json")
			status, h, body, err := rawDo(http.DefaultClient, req)
			if err != nil || status != tt.status || string(body) != tt.raw {
				t.Errorf("raw answer = %d %s (%v), want %d %s", status, body, err, tt.status, tt.raw)
			}
			if tt.fault.HTML && (h.Get("Content-Type") != "text/html" || h.Get("Server") != "nginx/1.18.0") {
				t.Errorf("headers = %v", h)
			}
			// Other methods and chats are served.
			if err := member(alice.ID); err != nil && tt.fault.Method != "getChatMember" {
				t.Errorf("getChatMember: %v", err)
			}
			if tt.fault.ChatID != 0 {
				if err := tt.call(alice.ID); err != nil {
					t.Errorf("another chat: %v", err)
				}
			}
			s.ClearFaults()
			if err := tt.call(tt.chat); err != nil {
				t.Fatalf("after ClearFaults: %v", err)
			}
			if c := lastCall(t, s); c.Status != http.StatusOK || c.Fault != "" {
				t.Errorf("call after = %+v", c)
			}
		})
	}
	if n := s.TooManyRequests(); n != 4 {
		t.Errorf("TooManyRequests = %d, want 4", n)
	}

	// Times counts the calls that fail; the others are served.
	s.Fail(Fault{Method: "sendMessage", Times: 2, Status: 500})
	var got []error
	for range 3 {
		got = append(got, send(alice.ID))
	}
	if got[0] == nil || got[1] == nil || got[2] != nil {
		t.Errorf("three sends with Times 2 = %v", got)
	}
}

func TestFaultOnDownloads(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	f := aliceSendsCalendar(ctx, t, s, b)
	link := b.FileDownloadLink(f)
	clear := s.Fail(Fault{Path: "/file/", Status: 502, HTML: true})
	// A fault on downloads leaves the methods alone.
	if _, err := b.GetMe(ctx); err != nil {
		t.Fatal(err)
	}
	if status, body := download(ctx, t, link); status != 502 || !strings.Contains(string(body), "<title>502 Bad Gateway</title>") {
		t.Errorf("download = %d %s", status, body)
	}
	clear()
	s.Fail(Fault{Method: "file", Times: 1, Status: 404})
	if status, body := download(ctx, t, link); status != 404 || string(body) != `{"ok":false,"error_code":404,"description":"Not Found"}` {
		t.Errorf("download = %d %s", status, body)
	}
	if status, body := download(ctx, t, link); status != http.StatusOK || string(body) != calendar {
		t.Errorf("download after the fault = %d %s", status, body)
	}
	var got []string
	for _, c := range s.Calls() {
		if c.Method == "file" {
			got = append(got, fmt.Sprintf("%d %s %s", c.Status, c.Fault, c.Error))
		}
	}
	if want := []string{"502 status 502 Bad Gateway", "404 status Not Found", "200  "}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("downloads = %q, want %q", got, want)
	}
}

func TestFaultResetIsANetworkError(t *testing.T) {
	s := newServer(t, Options{})
	b := newBot(t, s)
	ctx := testContext(t)
	f := aliceSendsCalendar(ctx, t, s, b)

	// go-telegram/bot hides the token in the errors of its methods.
	s.Fail(Fault{Method: "sendMessage", Kind: FaultReset, Times: 1})
	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "Hei"})
	var uerr *url.Error
	if !errors.As(err, &uerr) || strings.Contains(err.Error(), s.Token()) {
		t.Errorf("sendMessage: %v", err)
	}
	if c := lastCall(t, s); c.Method != "sendMessage" || c.Status != 0 || c.Error != descReset || c.Fault != FaultReset || c.ChatID != alice.ID {
		t.Errorf("call = %+v", c)
	}

	// A download's error holds the token: what a bot must never log.
	s.Fail(Fault{Method: "file", Kind: FaultReset, Times: 1})
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.FileDownloadLink(f), nil)
	_, _, _, err = rawDo(client, req)
	if !errors.As(err, &uerr) || !strings.Contains(uerr.URL, s.Token()) {
		t.Fatalf("download: %v", err)
	}
	if c := lastCall(t, s); c.Method != "file" || c.Status != 0 || c.Fault != FaultReset {
		t.Errorf("call = %+v", c)
	}
	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, b.FileDownloadLink(f), nil)
	if status, _, body, err := rawDo(client, req); err != nil || status != http.StatusOK || string(body) != calendar {
		t.Errorf("download after the fault: %d %v", status, err)
	}
}

// TestFaultHangLeavesNoGoroutines holds requests until the client gives
// up, the fault is cleared and the server closes, and then counts the
// goroutines left.
func TestFaultHangLeavesNoGoroutines(t *testing.T) {
	client := &http.Client{Transport: &http.Transport{}}
	before := runtime.NumGoroutine()
	s := New(Options{})
	defer s.Close()
	ctx := testContext(t)
	b, err := bot.New(s.Token(), bot.WithServerURL(s.URL()), bot.WithSkipGetMe(), bot.WithHTTPClient(time.Minute, client))
	if err != nil {
		t.Fatal(err)
	}
	held := func(n int) {
		t.Helper()
		if err := s.Wait(ctx, func() bool { return s.Held() == n }); err != nil {
			t.Fatalf("held %d, want %d: %v", s.Held(), n, err)
		}
	}

	// The client gives up.
	clear := s.Fail(Fault{Method: "getMe", Kind: FaultHang})
	callCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := b.GetMe(callCtx)
		done <- err
	}()
	held(1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("getMe = %v, want canceled", err)
	}
	held(0)
	if err := s.Wait(ctx, func() bool { return lastCall(t, s).Error == descGaveUp }); err != nil {
		t.Fatalf("calls = %+v", s.Calls())
	}
	if c := lastCall(t, s); c.Method != "getMe" || c.Status != 0 || c.Fault != FaultHang {
		t.Errorf("call = %+v", c)
	}

	// The fault is cleared: the request is served.
	go func() {
		_, err := b.GetMe(ctx)
		done <- err
	}()
	held(1)
	clear()
	if err := <-done; err != nil {
		t.Errorf("getMe after the fault was cleared: %v", err)
	}
	if c := lastCall(t, s); c.Status != http.StatusOK || c.Fault != FaultHang {
		t.Errorf("call = %+v", c)
	}

	// The server closes: the connection is closed.
	s.Fail(Fault{Path: "/file/", Kind: FaultHang})
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/file/bot"+s.Token()+"/documents/file_0.ics", nil)
		_, _, _, err := rawDo(client, req)
		done <- err
	}()
	held(1)
	s.Close()
	var uerr *url.Error
	if err := <-done; !errors.As(err, &uerr) {
		t.Errorf("download when the server closed: %v", err)
	}
	if c := lastCall(t, s); c.Method != "file" || c.Error != descClosing {
		t.Errorf("call = %+v", c)
	}

	client.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second) // wall time: goroutines end on their own schedule
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFaultSlowAnswersLate(t *testing.T) {
	s := newServer(t, Options{NoLimits: true})
	b := newBot(t, s)
	ctx := testContext(t)
	s.SendText(alice, "Hei")
	s.SendText(oksana, "Привіт")

	// An hour's latency for Alice's chat, which only clearing ends.
	s.Fail(Fault{Method: "sendMessage", ChatID: alice.ID, Kind: FaultSlow, Delay: time.Hour})
	done := make(chan error, 1)
	go func() {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "Myöhässä"})
		done <- err
	}()
	if err := s.Wait(ctx, func() bool { return s.Held() == 1 }); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: oksana.ID, Text: "Вчасно"}); err != nil {
		t.Fatal(err)
	}
	if n := len(s.Messages(alice.ID)); n != 1 {
		t.Fatalf("Alice's chat has %d messages while the send is held", n)
	}
	s.ClearFaults()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, c := range s.Calls() {
		if c.Method == "sendMessage" {
			order = append(order, fmt.Sprintf("%d:%d:%s", c.ChatID, c.Status, c.Fault))
		}
	}
	if want := fmt.Sprintf("[%d:200: %d:200:slow]", oksana.ID, alice.ID); fmt.Sprint(order) != want {
		t.Errorf("sends in order of answer = %v, want %s", order, want)
	}

	// A short delay ends by itself, and the call is served.
	s.Fail(Fault{Method: "getMe", Kind: FaultSlow, Delay: 5 * time.Millisecond, Times: 1})
	if _, err := b.GetMe(ctx); err != nil {
		t.Fatal(err)
	}
	if c := lastCall(t, s); c.Method != "getMe" || c.Status != http.StatusOK || c.Fault != FaultSlow {
		t.Errorf("call = %+v", c)
	}
	if s.Held() != 0 {
		t.Errorf("held = %d", s.Held())
	}
}

func TestFailRefusesFaultsItCannotInject(t *testing.T) {
	s := newServer(t, Options{})
	for _, f := range []Fault{
		{Method: "getMe"},
		{Status: 200},
		{Kind: FaultSlow},
		{Kind: FaultReset, Times: -1},
		{Kind: "drop"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Fail(%+v) did not panic", f)
				}
			}()
			s.Fail(f)
		}()
	}
}

func TestRevokeToken(t *testing.T) {
	s := newServer(t, Options{})
	ctx := testContext(t)
	old := newBot(t, s)
	s.SendFile(alice, "uinti.ics", []byte(calendar), "")
	sent := lastUpdate(ctx, t, s)
	f, err := old.GetFile(ctx, &bot.GetFileParams{FileID: sent.Message.Document.FileID})
	if err != nil {
		t.Fatal(err)
	}
	oldToken, oldLink := s.Token(), old.FileDownloadLink(f)

	polled := make(chan answer, 1)
	go func() {
		_, a, err := post(ctx, s, "getUpdates", map[string]any{"offset": sent.ID + 1, "timeout": 30})
		if err != nil {
			t.Error(err)
		}
		polled <- a
	}()
	if err := s.Wait(ctx, s.polling); err != nil {
		t.Fatal(err)
	}
	token := s.RevokeToken()
	if token == oldToken || s.Token() != token || !strings.HasPrefix(token, "123456789:") {
		t.Fatalf("new token %q, was %q", token, oldToken)
	}
	if a := <-polled; a.OK || a.ErrorCode != 401 || a.Description != "Unauthorized" {
		t.Errorf("the poll waiting = %+v", a)
	}
	if _, err := old.GetMe(ctx); !errors.Is(err, bot.ErrorUnauthorized) || !strings.HasSuffix(err.Error(), ", Unauthorized") {
		t.Errorf("getMe with the old token: %v", err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/bot"+oldToken+"/getUpdates", strings.NewReader(`{"offset":-1}`))
	req.Header.Set("Content-Type", "application/json")
	if status, _, body, err := rawDo(http.DefaultClient, req); err != nil || status != 401 || string(body) != `{"ok":false,"error_code":401,"description":"Unauthorized"}` {
		t.Errorf("getUpdates with the old token = %d %s %v", status, body, err)
	}
	if status, body := download(ctx, t, oldLink); status != 401 || string(body) != `{"ok":false,"error_code":401,"description":"Unauthorized"}` {
		t.Errorf("old download link = %d %s", status, body)
	}

	// The new token works, with the bot's ID and its chats.
	b, err := bot.New(token, bot.WithServerURL(s.URL()), bot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	if me, err := b.GetMe(ctx); err != nil || me.ID != s.BotID() {
		t.Errorf("getMe with the new token = %+v, %v", me, err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: alice.ID, Text: "Hei"}); err != nil {
		t.Error(err)
	}
	if status, body := download(ctx, t, b.FileDownloadLink(f)); status != http.StatusOK || string(body) != calendar {
		t.Errorf("new download link = %d", status)
	}
	var unauthorized int
	for _, c := range s.Calls() {
		if c.Status == http.StatusUnauthorized && c.Error == "Unauthorized" {
			unauthorized++
		}
	}
	if unauthorized != 4 {
		t.Errorf("%d calls answered 401, want 4", unauthorized)
	}
}
