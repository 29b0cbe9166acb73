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
// connections open. When a connection arrives at the limit, the oldest
// one that has not sent a complete request yet, or is idle between
// requests, is closed to make room; a request being handled is never cut
// off. So slow or silent clients cannot lock Telegram out by holding every
// slot, and the accept loop never waits for a slot.
type Server struct {
	srv   *http.Server
	conns *limiter
}

// New returns a server for h holding at most max connections; the
// server's own errors (such as a failed accept) go to log.
func New(h http.Handler, max int, log *slog.Logger) *Server {
	l := newLimiter(max)
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
	// newcomers closed because every slot was handling a request.
	Closed, Refused int64
}

// Conns says how many connections the server holds and has let go.
func (s *Server) Conns() Conns {
	l := s.conns
	l.mu.Lock()
	defer l.mu.Unlock()
	return Conns{Open: len(l.open), Peak: l.peak, Closed: l.closed.Load(), Refused: l.refused.Load()}
}

// limiter counts the open connections of a server through its listener
// (which registers each accepted connection) and its ConnState hook
// (which says which ones may be closed).
type limiter struct {
	max int
	mu  sync.Mutex
	// open holds every open connection: its element in spare, or nil
	// while a request is being handled.
	open map[net.Conn]*list.Element
	// spare are the connections that may be closed to make room, the
	// longest waiting first: new ones not yet through their first
	// request, and idle ones.
	spare           list.List
	peak            int
	closed, refused atomic.Int64
}

func newLimiter(max int) *limiter {
	return &limiter{max: max, open: make(map[net.Conn]*list.Element, max)}
}

// admit makes room for c and registers it; false: every slot is handling a
// request, so c must be closed instead.
func (l *limiter) admit(c net.Conn) bool {
	l.mu.Lock()
	var victim net.Conn
	if len(l.open) >= l.max {
		e := l.spare.Front()
		if e == nil {
			l.mu.Unlock()
			l.refused.Add(1)
			return false
		}
		victim = l.spare.Remove(e).(net.Conn)
		delete(l.open, victim)
	}
	l.open[c] = l.spare.PushBack(c)
	l.peak = max(l.peak, len(l.open))
	l.mu.Unlock()
	if victim != nil {
		// Its goroutine in the server sees the read fail and ends. A
		// request that the victim completed at this very moment, before
		// the hook called it active, is lost; its client sends it again.
		_ = victim.Close()
		l.closed.Add(1)
	}
	return true
}

// state is the server's ConnState hook.
func (l *limiter) state(c net.Conn, s http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.open[c]
	if !ok {
		// Closed to make room already, or not accepted through the
		// listener.
		return
	}
	switch s {
	case http.StateActive:
		if e != nil {
			l.spare.Remove(e)
			l.open[c] = nil
		}
	case http.StateIdle:
		if e != nil {
			l.spare.Remove(e)
		}
		l.open[c] = l.spare.PushBack(c)
	case http.StateHijacked, http.StateClosed:
		if e != nil {
			l.spare.Remove(e)
		}
		delete(l.open, c)
	}
}

// listener admits each accepted connection; it never blocks on the limit.
type listener struct {
	net.Listener
	l *limiter
}

func (ln *listener) Accept() (net.Conn, error) {
	for {
		c, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if ln.l.admit(c) {
			return c, nil
		}
		_ = c.Close()
	}
}
