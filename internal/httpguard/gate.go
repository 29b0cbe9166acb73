package httpguard

import (
	"container/list"
	"crypto/sha256"
	"crypto/subtle"
	"io"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// How wrong guesses are slowed: a source may guess wrong guessBurst times
// in a row, then once per guessEvery. The secret's length is what makes
// guessing hopeless; the throttle makes a guesser slow and its guesses
// few, so a log of them stays short.
const (
	guessBurst = 5
	guessEvery = 30 * time.Second
	// tableSize bounds the sources remembered (about 150 bytes each),
	// however many there are.
	tableSize = 4096
)

// Gate checks the secret a request carries and throttles the sources that
// guess it wrong. A source that never guessed wrong is never slowed, and
// takes no room in the gate's table.
type Gate struct {
	digest  [sha256.Size]byte
	proxies Proxies
	// now is wall time: the throttle is a back-off, nothing a person sees.
	now  func() time.Time
	size int

	mu sync.Mutex
	// seen finds a source's element in recent, the sources that guessed
	// wrong, the latest first; the least recent is forgotten when the
	// table is full.
	seen   map[netip.Prefix]*list.Element
	recent list.List
}

// guesser is a source that guessed wrong.
type guesser struct {
	source netip.Prefix
	// due is when the source's debt of wrong guesses is paid; each
	// wrong guess adds guessEvery to it.
	due time.Time
}

// NewGate returns a gate for secret that believes X-Forwarded-For from
// proxies.
func NewGate(secret string, proxies Proxies) *Gate {
	return &Gate{digest: sha256.Sum256([]byte(secret)), proxies: proxies, now: time.Now, size: tableSize,
		seen: make(map[netip.Prefix]*list.Element)}
}

// Check compares got with the secret for r's source. ok: got is the
// secret. wait > 0: the source guessed wrong too often lately, so got was
// not even compared (a throttled guesser learns nothing, even when it
// guesses right); it may guess again after wait.
func (g *Gate) Check(r *http.Request, got string) (ok bool, wait time.Duration) {
	key := sourceKey(g.proxies.Source(r))
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	e := g.seen[key]
	if e != nil {
		g.recent.MoveToFront(e)
		if wait := e.Value.(*guesser).due.Sub(now) - (guessBurst-1)*guessEvery; wait > 0 {
			return false, wait
		}
	}
	// Digests are compared so that not even the secret's length shows
	// in the time taken.
	d := sha256.Sum256([]byte(got))
	if subtle.ConstantTimeCompare(d[:], g.digest[:]) == 1 {
		return true, 0
	}
	if e == nil {
		if g.recent.Len() >= g.size {
			delete(g.seen, g.recent.Remove(g.recent.Back()).(*guesser).source)
		}
		e = g.recent.PushFront(&guesser{source: key, due: now})
		g.seen[key] = e
	}
	s := e.Value.(*guesser)
	if s.due.Before(now) {
		s.due = now
	}
	s.due = s.due.Add(guessEvery)
	return false, 0
}

// Source is r's source as the gate sees it, for a log.
func (g *Gate) Source(r *http.Request) netip.Addr { return g.proxies.Source(r) }

// Sources is how many sources the gate remembers.
func (g *Gate) Sources() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.recent.Len()
}

// sourceKey is what a source is throttled by: an IPv4 address, or an IPv6
// /64, which one subscriber usually holds whole.
func sourceKey(a netip.Addr) netip.Prefix {
	if !a.IsValid() {
		return netip.Prefix{}
	}
	if a.Is4() {
		return netip.PrefixFrom(a, 32)
	}
	p, _ := a.Prefix(64)
	return p
}

// Refuse answers code and hangs up without reading the request's body, so
// that a client who is refused cannot make the server read, or wait for,
// a body it will not use. retryAfter > 0 is sent as Retry-After.
func Refuse(w http.ResponseWriter, code int, retryAfter time.Duration) {
	msg := http.StatusText(code) + "\n"
	h := w.Header()
	h.Set("Connection", "close")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(msg)))
	if retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(int((retryAfter+time.Second-1)/time.Second)))
	}
	w.WriteHeader(code)
	_, _ = io.WriteString(w, msg)
	// Even with "Connection: close", net/http would read (and wait for)
	// up to 256 KiB of the body after the handler returns, or hold the
	// connection half a second for a larger one; hanging up here does
	// neither.
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	if c, _, err := rc.Hijack(); err == nil {
		_ = c.Close()
	}
}
