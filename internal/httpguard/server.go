// Package httpguard keeps Polku's HTTP servers (Telegram's webhook,
// /healthz, /metrics) answering when clients misbehave: it bounds the
// connections one server holds, giving the slots of slow and idle clients
// to newcomers, sets the timeouts, and throttles wrong guesses of a shared
// secret per source. It imports only the standard library.
package httpguard

import (
	"container/list"
	"context"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The timeouts bound how long one client can hold a connection. Telegram
// sends small updates and waits for the answer; Polku answers after one
// commit.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 64 << 10
)

// Server is an http.Server that keeps at most a given number of
// connections open. When a connection arrives at the limit, the one the
// server has waited on longest, for a first complete request or idle
// between requests, is closed to make room; a request being handled is
// never cut off, and a connection is not closed before the server has
// read from it once. So slow or silent clients cannot lock Telegram out
// by holding every slot, and the accept loop never waits for a slot.
type Server struct {
	srv   *http.Server
	conns *limiter
}

// New returns a server for h holding at most max connections; the
// server's own errors (such as a failed accept) go to log.
func New(h http.Handler, max int, log *slog.Logger) *Server {
	l := &limiter{max: max}
	return &Server{conns: l, srv: &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ConnState:         l.state,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}}
}

// Serve accepts connections on ln until Shutdown, or until ln fails.
func (s *Server) Serve(ln net.Listener) error {
	return s.srv.Serve(&listener{Listener: ln, l: s.conns})
}

// Shutdown stops accepting and waits for the requests in hand, as
// http.Server.Shutdown does.
func (s *Server) Shutdown(ctx context.Context) error { return s.srv.Shutdown(ctx) }

// Conns are the counts of a server's connections.
type Conns struct {
	// Open are open now; Peak is the most ever open at once.
	Open, Peak int
	// Closed were closed to make room for a newcomer; Refused are
	// newcomers closed because no connection could give way.
	Closed, Refused int64
}

// Conns says how many connections the server holds and has let go.
func (s *Server) Conns() Conns {
	l := s.conns
	l.mu.Lock()
	defer l.mu.Unlock()
	return Conns{Open: l.open, Peak: l.peak, Closed: l.closed.Load(), Refused: l.refused.Load()}
}

// limiter counts the open connections of a server through its listener,
// which registers each accepted connection, the connections' first read,
// and the server's ConnState hook, which say which ones may be closed.
type limiter struct {
	max int
	mu  sync.Mutex
	// open is how many connections are open.
	open int
	// spare are the open connections that may be closed to make room,
	// the longest waited on first: the server is waiting for their
	// first complete request, or they are idle.
	spare           list.List
	peak            int
	closed, refused atomic.Int64
}

// conn is an accepted connection.
type conn struct {
	net.Conn
	l    *limiter
	read sync.Once
	// Guarded by l.mu: open until closed, hijacked or closed to make
	// room; busy while a request is handled; spare is its element in
	// l.spare, or nil.
	open, busy bool
	spare      *list.Element
}

// Read tells the limiter, the first time, that the server now waits on c:
// until then c has not had its chance, however long the server took to
// start reading it (as it may when many arrive at once).
func (c *conn) Read(p []byte) (int, error) {
	c.read.Do(func() { c.l.waiting(c) })
	return c.Conn.Read(p)
}

// CloseWrite lets the server finish a response before it closes.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// admit makes room for c and registers it; false: no connection may be
// closed for it, as each is handling a request or not read yet, so c must
// be closed instead.
func (l *limiter) admit(c *conn) bool {
	l.mu.Lock()
	var victim *conn
	if l.open >= l.max {
		e := l.spare.Front()
		if e == nil {
			l.mu.Unlock()
			l.refused.Add(1)
			return false
		}
		victim = e.Value.(*conn)
		l.drop(victim)
	}
	c.open = true
	l.open++
	l.peak = max(l.peak, l.open)
	l.mu.Unlock()
	if victim != nil {
		// Its goroutine in the server sees the read fail and ends. A
		// request that the victim completed at this very moment, before
		// the hook called it active, is lost; its client sends it again.
		_ = victim.Conn.Close()
		l.closed.Add(1)
	}
	return true
}

// drop forgets c; l.mu is held.
func (l *limiter) drop(c *conn) {
	if c.spare != nil {
		l.spare.Remove(c.spare)
		c.spare = nil
	}
	if c.open {
		c.open = false
		l.open--
	}
}

// waiting puts c among the spare connections when the server first reads
// it.
func (l *limiter) waiting(c *conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.open && !c.busy && c.spare == nil {
		c.spare = l.spare.PushBack(c)
	}
}

// state is the server's ConnState hook.
func (l *limiter) state(nc net.Conn, s http.ConnState) {
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if !c.open {
		// Closed to make room already.
		return
	}
	switch s {
	case http.StateActive:
		c.busy = true
		if c.spare != nil {
			l.spare.Remove(c.spare)
			c.spare = nil
		}
	case http.StateIdle:
		c.busy = false
		if c.spare != nil {
			l.spare.Remove(c.spare)
		}
		c.spare = l.spare.PushBack(c)
	case http.StateHijacked, http.StateClosed:
		l.drop(c)
	}
}

// listener admits each accepted connection; it never blocks on the limit.
type listener struct {
	net.Listener
	l *limiter
}

func (ln *listener) Accept() (net.Conn, error) {
	for {
		nc, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		c := &conn{Conn: nc, l: ln.l}
		if ln.l.admit(c) {
			// Let the server start reading c before the next accept:
			// when many arrive at once, a client whose request is
			// already there becomes active at once, instead of
			// waiting unread while the accept loop runs on.
			defer runtime.Gosched()
			return c, nil
		}
		_ = nc.Close()
	}
}
