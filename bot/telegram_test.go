package bot

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
)

// TestClassify: every Bot API failure the bot acts on is named by the one
// classifier, from the library's errors and from Polku's own calls alike.
func TestClassify(t *testing.T) {
	lib := func(sentinel error, desc string) error { return fmt.Errorf("%w, %s", sentinel, desc) }
	own := func(code int, desc string) error { return &apiError{Code: code, Description: desc} }
	tests := []struct {
		name  string
		err   error
		chat  int64
		class failure
		after time.Duration
	}{
		{"nil", nil, 1, 0, 0},
		{"network", errors.New("dial tcp: connection refused"), 1, failTransient, 0},
		{"5xx", own(http.StatusBadGateway, "Bad Gateway"), 1, failTransient, 0},
		{"429", &tgbot.TooManyRequestsError{RetryAfter: 7}, 1, failRateLimited, 7 * time.Second},
		{"429 of our own call", func() error {
			e := own(http.StatusTooManyRequests, "Too Many Requests: retry after 3")
			e.(*apiError).Parameters.RetryAfter = 3
			return e
		}(), 1, failRateLimited, 3 * time.Second},
		{"401", own(http.StatusUnauthorized, "Unauthorized"), 1, failToken, 0},
		{"not modified", lib(tgbot.ErrorBadRequest, "Bad Request: message is not modified"), 1, failNotModified, 0},
		{"topic deleted", lib(tgbot.ErrorBadRequest, "Bad Request: message thread not found"), -100, failThreadGone, 0},
		{"blocked", lib(tgbot.ErrorForbidden, "Forbidden: bot was blocked by the user"), 1, failBlocked, 0},
		{"removed from the group", lib(tgbot.ErrorForbidden, "Forbidden: bot was kicked"), -100, failGroupGone, 0},
		{"no rights in the group", lib(tgbot.ErrorBadRequest, "Bad Request: not enough rights to send text messages"), -100, failGroupGone, 0},
		{"other poller", own(http.StatusConflict, "Conflict: terminated by other getUpdates request"), 0, failTransient, 0},
		{"refused", lib(tgbot.ErrorBadRequest, "Bad Request: message text is empty"), 1, failRefused, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			class, after := classify(tt.err, tt.chat)
			if class != tt.class || after != tt.after {
				t.Errorf("classify = %v, %v; want %v, %v", class, after, tt.class, tt.after)
			}
			if tt.err == nil {
				return
			}
			if class, _ := classify(fail(tt.err, tt.chat), tt.chat); class != tt.class {
				t.Errorf("classify(fail(err)) = %v, want %v", class, tt.class)
			}
		})
	}
	if !badRequest(lib(tgbot.ErrorBadRequest, "Bad Request: user not found")) || badRequest(lib(tgbot.ErrorForbidden, "Forbidden")) {
		t.Error("badRequest names only Telegram's 400")
	}
	if !otherPoller(fmt.Errorf("getUpdates: %w", own(http.StatusConflict, "Conflict"))) || otherPoller(own(http.StatusBadRequest, "Bad Request")) {
		t.Error("otherPoller names only getUpdates' 409")
	}
}
