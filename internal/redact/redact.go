// Package redact keeps secrets (the bot's token, the webhook's secret) out
// of what Polku writes down: errors that carry a URL with the token in it,
// and log records.
//
// The bot's own code never formats a secret; this package is the net under
// libraries that do (net/http puts the whole request URL in a *url.Error,
// and Telegram's file URLs hold the token). It imports only the standard
// library.
package redact

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
)

// Mask is what a secret is replaced with.
const Mask = "<redacted>"

// Secrets is a set of strings never to be written down.
type Secrets []string

// New keeps the non-empty secrets given; a token "123:ABC" is kept whole and
// also as its secret half "ABC", which is what a URL may carry escaped.
func New(secrets ...string) Secrets {
	var s Secrets
	for _, v := range secrets {
		if v == "" {
			continue
		}
		s = append(s, v)
		if esc := url.PathEscape(v); esc != v {
			s = append(s, esc)
		}
		if _, half, ok := strings.Cut(v, ":"); ok && len(half) >= 8 {
			s = append(s, half)
		}
	}
	return s
}

// String is s with every secret masked.
func (s Secrets) String(v string) string {
	for _, secret := range s {
		if strings.Contains(v, secret) {
			v = strings.ReplaceAll(v, secret, Mask)
		}
	}
	return v
}

// Error is err with every secret masked from its text. A *url.Error keeps
// its type with the URL masked, so errors.As and net.Error checks (timeouts)
// still see through it.
func (s Secrets) Error(err error) error {
	if err == nil || len(s) == 0 {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue == err {
		return &url.Error{Op: ue.Op, URL: s.String(ue.URL), Err: s.Error(ue.Err)}
	}
	text := err.Error()
	if clean := s.String(text); clean != text {
		return &masked{text: clean, err: err}
	}
	return err
}

// masked is an error whose text had a secret masked; it still unwraps to
// the original, for errors.Is and errors.As, which never print it.
type masked struct {
	text string
	err  error
}

func (m *masked) Error() string { return m.text }
func (m *masked) Unwrap() error { return m.err }

// Handler wraps h so that no secret reaches it: in the message, in string
// attributes, in errors and anything else formatted as text.
func (s Secrets) Handler(h slog.Handler) slog.Handler {
	if len(s) == 0 {
		return h
	}
	return &handler{next: h, s: s}
}

type handler struct {
	next slog.Handler
	s    Secrets
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.s.String(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return &handler{next: h.next.WithAttrs(clean), s: h.s}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{next: h.next.WithGroup(name), s: h.s}
}

func (h *handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.s.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = h.attr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, h.s.String(x.Error()))
		case interface{ String() string }:
			return slog.String(a.Key, h.s.String(x.String()))
		default:
			// Whatever else a record carries is written as its text.
			return slog.String(a.Key, h.s.String(fmt.Sprint(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
