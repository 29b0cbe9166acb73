package telegramtest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind is how an injected fault fails a request.
type FaultKind string

const (
	// FaultStatus answers at once with Fault.Status and the Bot API's
	// error for it, or with the HTML page nginx, Telegram's front end,
	// gives when the Bot API behind it is down (Fault.HTML). It is the
	// kind of a Fault without one.
	FaultStatus FaultKind = "status"
	// FaultReset closes the connection without an answer, as a network
	// failure does: the client gets a *url.Error, whose URL holds the
	// token. Go's http.Transport sends a GET again, once, when a reused
	// connection breaks so; a download that must fail should meet a
	// fault with Times 0 or above 1, or come on a new connection.
	FaultReset FaultKind = "reset"
	// FaultHang sends no answer until the client gives up (its context
	// ends or it times out), the fault is cleared, when the request is
	// served as usual, or the server closes, when the connection is closed.
	FaultHang FaultKind = "hang"
	// FaultSlow serves the request after Fault.Delay, or at once when the
	// fault is cleared; it ends as a FaultHang does when the client gives
	// up or the server closes first.
	FaultSlow FaultKind = "slow"
)

// Fault is a failure the fake injects into the requests it matches, before
// it looks at their token or serves them. It matches every request unless
// Method, ChatID or Path narrows it.
type Fault struct {
	// Method is a Bot API method, as case-insensitive as Telegram's
	// names, e.g. "getChatMember"; "file" matches downloads from
	// /file/bot<token>/.
	Method string
	// ChatID matches calls whose chat_id parameter is this number.
	ChatID int64
	// Path matches requests whose URL path begins with it, e.g. "/file/".
	Path string
	// Times is how many matching requests fail; 0 means every one until
	// the fault is cleared.
	Times int
	Kind  FaultKind

	// Status is the HTTP status of a FaultStatus, 400 or more.
	Status int
	// Description is the Bot API's description of the error as Telegram
	// sends it, e.g. "Forbidden: bot was kicked from the supergroup chat".
	// By default it is Telegram's for the status: "Too Many Requests: retry
	// after N" for 429, "Internal Server Error" for 500, "Bad Gateway"
	// for 502, else the status text ("Bad Request", "Forbidden", ...).
	Description string
	// RetryAfter is the retry_after of a 429, in seconds; default 1.
	RetryAfter int
	// HTML answers with nginx's error page instead of the Bot API's JSON.
	HTML bool

	// Delay is how long a FaultSlow holds a request. It is real time, as
	// the latency of a network is.
	Delay time.Duration
}

// fault is a Fault set with Fail.
type fault struct {
	Fault
	left    int           // matches left; -1 for no limit
	held    int           // requests it holds now
	cleared chan struct{} // closed when the fault is cleared
	once    sync.Once
}

func (f *fault) clear() { f.once.Do(func() { close(f.cleared) }) }

func (f *fault) matches(r *request, path string) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.method)) &&
		(f.ChatID == 0 || f.ChatID == r.chatID()) &&
		strings.HasPrefix(path, f.Path)
}

// Fail sets a fault, after the ones set before: a request meets the first
// that matches it and has not run out of Times. The function returned
// clears this fault alone, as [Server.ClearFaults] clears them all. Fail
// panics for a Fault it cannot inject: a FaultStatus without an error
// status, a FaultSlow without a Delay, negative Times or an unknown Kind.
//
//	s.Fail(Fault{Method: "sendMessage", Times: 2, Status: 502, HTML: true})
//	s.Fail(Fault{Method: "getUpdates", Kind: FaultReset, Times: 1})
//	clear := s.Fail(Fault{Path: "/file/", Kind: FaultHang})
func (s *Server) Fail(f Fault) (clear func()) {
	if f.Kind == "" {
		f.Kind = FaultStatus
	}
	switch {
	case f.Times < 0:
		panic(fmt.Sprintf("telegramtest: Fail: Times %d", f.Times))
	case f.Kind == FaultStatus && f.Status < 400:
		panic(fmt.Sprintf("telegramtest: Fail: status %d is no error", f.Status))
	case f.Kind == FaultSlow && f.Delay <= 0:
		panic("telegramtest: Fail: a FaultSlow needs a Delay")
	case f.Kind != FaultStatus && f.Kind != FaultReset && f.Kind != FaultHang && f.Kind != FaultSlow:
		panic(fmt.Sprintf("telegramtest: Fail: unknown kind %q", f.Kind))
	}
	if f.Status == http.StatusTooManyRequests && f.RetryAfter <= 0 {
		f.RetryAfter = 1
	}
	ft := &fault{Fault: f, left: f.Times, cleared: make(chan struct{})}
	if ft.left == 0 {
		ft.left = -1
	}
	s.mu.Lock()
	s.faults = append(s.faults, ft)
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.dropFaultLocked(ft)
	}
}

// ClearFaults clears every fault: new requests are served as usual, and
// the requests a FaultHang or FaultSlow holds are served now.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.faults) > 0 {
		s.dropFaultLocked(s.faults[0])
	}
}

func (s *Server) dropFaultLocked(f *fault) {
	f.clear()
	for i, o := range s.faults {
		if o == f {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			break
		}
	}
	s.notifyLocked()
}

// Held is how many requests a FaultHang or FaultSlow holds now, for a test
// to wait until a request is held, or until none is.
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// faultLocked is the first fault that matches r and has Times left, which
// it takes one of; nil when none does. Faults that ran out and hold
// nothing are dropped.
func (s *Server) faultLocked(r *request, path string) *fault {
	var found *fault
	kept := s.faults[:0]
	for _, f := range s.faults {
		if found == nil && f.left != 0 && f.matches(r, path) {
			found = f
			if f.left > 0 {
				f.left--
			}
		}
		if f.left != 0 || f.held > 0 || f == found {
			kept = append(kept, f)
		}
	}
	clear(s.faults[len(kept):])
	s.faults = kept
	return found
}

// Why a request met a fault got no answer.
const (
	descReset   = "connection reset"
	descGaveUp  = "no answer: the client gave up"
	descClosing = "no answer: the server closed"
)

// inject applies the fault r meets, if any, and tells whether that ended
// the request; false means it is to be served, at once or after a hold.
func (s *Server) inject(w http.ResponseWriter, r *request, path string) bool {
	s.mu.Lock()
	f := s.faultLocked(r, path)
	if f == nil {
		s.mu.Unlock()
		return false
	}
	r.fault = f.Kind
	hold := f.Kind == FaultHang || f.Kind == FaultSlow
	if hold {
		f.held++
		s.held++
		s.notifyLocked()
	}
	s.mu.Unlock()
	switch {
	case f.Kind == FaultStatus:
		s.answerFault(w, r, &f.Fault)
		return true
	case f.Kind == FaultReset:
		s.record(r, 0, &apiError{desc: descReset})
		reset(w)
		return true
	}
	switch desc := s.hold(r.ctx, f); desc {
	case "":
		return false
	case descGaveUp:
		// The client is gone: nobody reads an answer.
		s.record(r, 0, &apiError{desc: desc})
	default:
		s.record(r, 0, &apiError{desc: desc})
		reset(w)
	}
	return true
}

// hold keeps a request until its fault lets it go, and returns why it
// ended without an answer, "" when it is to be served.
func (s *Server) hold(ctx context.Context, f *fault) string {
	defer func() {
		s.mu.Lock()
		f.held--
		s.held--
		s.notifyLocked()
		s.mu.Unlock()
	}()
	var late <-chan time.Time
	if f.Kind == FaultSlow {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		late = t.C
	}
	select {
	case <-late:
	case <-f.cleared:
	case <-ctx.Done():
		return descGaveUp
	case <-s.done:
		return descClosing
	}
	return ""
}

// answerFault answers a FaultStatus.
func (s *Server) answerFault(w http.ResponseWriter, r *request, f *Fault) {
	aerr := &apiError{code: f.Status, desc: f.Description}
	switch {
	case f.Status == http.StatusTooManyRequests:
		aerr = tooManyRequests(f.RetryAfter)
		if f.Description != "" {
			aerr.desc = f.Description
		}
	case aerr.desc != "":
	case f.Status == http.StatusInternalServerError:
		aerr.desc = "Internal Server Error"
	default:
		aerr.desc = http.StatusText(f.Status)
	}
	if !f.HTML {
		s.record(r, f.Status, aerr)
		writeJSON(w, f.Status, errorBody(aerr))
		return
	}
	title := strconv.Itoa(f.Status) + " " + http.StatusText(f.Status)
	s.record(r, f.Status, &apiError{code: f.Status, desc: title})
	body := "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"
	w.Header().Set("Server", "nginx/1.18.0")
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(body))
}

// reset closes the request's connection without an answer, with a TCP
// reset as a broken network gives, not an orderly close.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// net/http closes the connection of a handler that panics so,
		// and logs nothing.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// RevokeToken revokes the bot's token, as /revoke in @BotFather does:
// every call with it, getUpdates included, now answers 401 Unauthorized, a
// long poll waiting now ends so, and download links with it answer 401,
// as links with any token Telegram does not accept do. The bot keeps its ID
// and its chats; RevokeToken returns the new token, which [Server.Token]
// gives from now on.
func (s *Server) RevokeToken() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked++
	id, secret, _ := strings.Cut(s.opts.Token, ":")
	s.token = id + ":" + secret + "-" + strconv.Itoa(s.revoked)
	if s.poll != nil {
		s.poll.stop(errUnauthorized)
		s.poll = nil
	}
	s.notifyLocked()
	return s.token
}
