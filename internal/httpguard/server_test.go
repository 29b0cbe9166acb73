package httpguard

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// until waits for cond, failing the test after a generous while.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// start serves h on a loopback port with at most max connections, and
// the changes of tweak, if any.
func start(t *testing.T, h http.Handler, max int, tweak ...func(*http.Server)) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := New(h, max, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, f := range tweak {
		f(s.srv)
	}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s, ln.Addr().String()
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// hungUp says whether the server closed c: a read returns EOF or an
// error instead of blocking. Only call it for a connection the server
// has sent nothing more to.
func hungUp(c net.Conn) bool {
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err := c.Read(make([]byte, 1))
	return err != nil && !isTimeout(err)
}

// spare is how many connections the server is waiting on.
func spare(s *Server) int {
	s.conns.mu.Lock()
	defer s.conns.mu.Unlock()
	return s.conns.spare.Len()
}

// TestServerSparesUnread: a connection the server has not read from yet
// is not closed to make room, however long it waited; a newcomer is
// refused instead.
func TestServerSparesUnread(t *testing.T) {
	l := &limiter{max: 2}
	var cs []*conn
	for range 3 {
		a, b := net.Pipe()
		t.Cleanup(func() { a.Close(); b.Close() })
		cs = append(cs, &conn{Conn: a, l: l})
	}
	if !l.admit(cs[0]) || !l.admit(cs[1]) {
		t.Fatal("refused below the limit")
	}
	if l.admit(cs[2]) {
		t.Fatal("admitted at the limit while both others were unread")
	}
	// Once the server waits on the second, it gives way.
	l.waiting(cs[1])
	if !l.admit(cs[2]) {
		t.Fatal("refused while a connection could give way")
	}
	if cs[0].open != true || cs[1].open || l.open != 2 || l.closed.Load() != 1 || l.refused.Load() != 1 {
		t.Errorf("open: %v %v %v; %d open, %d closed, %d refused", cs[0].open, cs[1].open, cs[2].open, l.open, l.closed.Load(), l.refused.Load())
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestServerMakesRoomOldestFirst: at the limit a newcomer takes the slot
// of the connection that has waited longest without a complete request.
func TestServerMakesRoomOldestFirst(t *testing.T) {
	s, addr := start(t, http.NotFoundHandler(), 4)
	var cs []net.Conn
	for i := range 4 {
		cs = append(cs, dial(t, addr))
		until(t, "the server to wait on the connection", func() bool { return spare(s) == i+1 })
	}
	// The second sends half a header: still not a complete request.
	if _, err := io.WriteString(cs[1], "GET / HTTP/1.1\r\nHo"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		cs = append(cs, dial(t, addr))
		until(t, "room to be made", func() bool { return s.Conns().Closed == int64(i+1) && spare(s) == 4 })
	}
	for i, c := range cs[:3] {
		if !hungUp(c) {
			t.Errorf("connection %d (of the oldest three) is still open", i)
		}
	}
	if got := s.Conns(); got.Open != 4 || got.Peak != 4 || got.Refused != 0 {
		t.Errorf("conns %+v, want 4 open, peak 4, none refused", got)
	}
}

// TestServerNeverClosesActive: a request being handled keeps its
// connection; a newcomer finding every slot busy is closed at once,
// without waiting for a slot; an idle connection gives way.
func TestServerNeverClosesActive(t *testing.T) {
	// Each slow request waits for its own release, so that releasing one
	// answers that connection and no other (with one channel, any of the
	// three handlers could take the release, and the test would wait for
	// an answer that went to another connection).
	entered := make(chan struct{})
	release := []chan struct{}{make(chan struct{}), make(chan struct{}), make(chan struct{})}
	s, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if i, ok := strings.CutPrefix(r.URL.Path, "/slow"); ok {
			n, _ := strconv.Atoi(i)
			entered <- struct{}{}
			<-release[n]
		}
		_, _ = io.WriteString(w, "done")
	}), 3)
	var busy []net.Conn
	for i := range 3 {
		c := dial(t, addr)
		if _, err := fmt.Fprintf(c, "GET /slow%d HTTP/1.1\r\nHost: x\r\n\r\n", i); err != nil {
			t.Fatal(err)
		}
		<-entered
		busy = append(busy, c)
	}
	late := dial(t, addr)
	if !hungUp(late) {
		t.Error("a newcomer was kept while every slot was busy")
	}
	if got := s.Conns(); got.Open != 3 || got.Refused != 1 || got.Closed != 0 {
		t.Errorf("conns %+v, want 3 open, 1 refused, none closed", got)
	}
	// Released one by one, they become idle (kept alive) in this order.
	for i, c := range busy {
		release[i] <- struct{}{}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("busy connection %d: %v", i, err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4))
		if resp.StatusCode != 200 || string(body) != "done" {
			t.Errorf("busy connection %d: %d %q", i, resp.StatusCode, body)
		}
		until(t, "the connection to be idle", func() bool { return spare(s) == i+1 })
	}
	// A newcomer takes the slot of the first idle.
	dial(t, addr)
	until(t, "room to be made", func() bool { return s.Conns().Closed == 1 })
	if !hungUp(busy[0]) {
		t.Error("the first idle connection is still open")
	}
}

// TestRefuseReadsNoBody: a refused request is answered before its body
// arrives, and the connection is closed at once: the server does not
// wait for the body (net/http would, for one of up to 256 KiB, until the
// read timeout, turned off here).
func TestRefuseReadsNoBody(t *testing.T) {
	s, addr := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Refuse(w, http.StatusTooManyRequests, 1500*time.Millisecond)
	}), 4, func(s *http.Server) { s.ReadTimeout = 0 })
	c := dial(t, addr)
	// A body announced, none sent.
	if _, err := io.WriteString(c, "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || !resp.Close || strings.TrimSpace(string(body)) != "Too Many Requests" {
		t.Errorf("answer %d %v %q", resp.StatusCode, resp.Header, body)
	}
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second)) // only to give up
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after the answer: %v, want the connection closed without waiting for the body", err)
	}
	until(t, "the connection to be let go", func() bool { return s.Conns().Open == 0 })
}
