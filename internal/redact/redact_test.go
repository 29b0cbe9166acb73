package redact

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const token = "123456789:AAExampleSecretPart_x"

func TestErrorMasksURLs(t *testing.T) {
	s := New(token, "webhook-secret-0123456789abcdef0123456789")
	c := &http.Client{Timeout: time.Second}
	// Nothing listens on port 1: a network error, with the URL in it.
	_, err := c.Get("http://127.0.0.1:1/file/bot" + token + "/documents/file_1.csv")
	if err == nil || !strings.Contains(err.Error(), token) {
		t.Fatalf("the test needs an error that holds the token, got %v", err)
	}
	clean := s.Error(fmt.Errorf("download file: %w", err))
	if strings.Contains(clean.Error(), "AAExampleSecretPart_x") {
		t.Errorf("masked error still holds the token: %v", clean)
	}
	var ne net.Error
	if !errors.As(clean, &ne) {
		t.Errorf("masked error hides that it was a network error: %T", clean)
	}
	// A bare *url.Error keeps its type, masked.
	ue := s.Error(err)
	var u *url.Error
	if !errors.As(ue, &u) || strings.Contains(u.URL, "AAExample") {
		t.Errorf("url.Error = %#v", ue)
	}
	if s.Error(nil) != nil {
		t.Error("nil is not nil")
	}
	plain := errors.New("telegram 400: chat not found")
	if s.Error(plain) != plain {
		t.Error("an error without secrets should come back as it was")
	}
}

func TestHandlerMasksEverything(t *testing.T) {
	var buf bytes.Buffer
	s := New(token, "hooksecret-0123456789abcdef0123456789")
	log := slog.New(s.Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log = log.With("base", "https://api.telegram.org/bot"+token+"/")
	log.WithGroup("g").Error("failed "+token, "err", errors.New("GET /file/bot"+token+"/x"),
		"url", url.PathEscape(token), "secret", "hooksecret-0123456789abcdef0123456789",
		slog.Group("inner", "u", "bot"+token), "any", []string{token})
	log.Info("half", "v", "AAExampleSecretPart_x")
	out := buf.String()
	for _, leak := range []string{token, "AAExampleSecretPart_x", url.PathEscape(token), "hooksecret-0123456789"} {
		if strings.Contains(out, leak) {
			t.Errorf("log holds %q:\n%s", leak, out)
		}
	}
	if strings.Count(out, Mask) < 7 {
		t.Errorf("expected the secrets masked, got:\n%s", out)
	}
}
