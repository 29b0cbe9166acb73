package bot

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	tgbot "github.com/go-telegram/bot"

	"polku/internal/redact"
)

// What a failed Bot API call means, decided once, here: the sender, the
// update workers and ingestion act on the class, never on the error's text.

// failure is the class of a failed Bot API call (or file download).
type failure int

const (
	// failTransient: the network, a timeout, Telegram's 5xx, an answer
	// that could not be read. Try again later, waiting longer each time.
	failTransient failure = iota + 1
	// failRateLimited: 429. Wait retry_after.
	failRateLimited
	// failBlocked: 403 from a person's own chat: they blocked the bot, or
	// their account is gone. Nothing more can reach them.
	failBlocked
	// failGroupGone: the bot cannot write in a group: removed from it, not
	// a member, or without the rights the call needs. The group's messages
	// wait until it is back.
	failGroupGone
	// failThreadGone: the forum topic was deleted.
	failThreadGone
	// failNotModified: an edit that changes nothing; as good as done.
	failNotModified
	// failRefused: any other 400 or 404: Telegram will never take this
	// call as it is.
	failRefused
	// failToken: 401. The token was refused (revoked in BotFather): nothing
	// works until an operator sets a new one.
	failToken
)

func (f failure) String() string {
	switch f {
	case failTransient:
		return "transient"
	case failRateLimited:
		return "rate limited"
	case failBlocked:
		return "blocked"
	case failGroupGone:
		return "group unreachable"
	case failThreadGone:
		return "topic gone"
	case failNotModified:
		return "not modified"
	case failRefused:
		return "refused"
	case failToken:
		return "token refused"
	}
	return "ok"
}

// tgError is a failed Bot API call with its class. chat is the chat the
// call was for (0 when none), which tells a person who blocked the bot from
// a group that lost it.
type tgError struct {
	class      failure
	retryAfter time.Duration
	err        error
}

func (e *tgError) Error() string { return e.class.String() + ": " + e.err.Error() }
func (e *tgError) Unwrap() error { return e.err }

// classify says what a Bot API error means for a call to chat. It returns
// 0 for nil.
func classify(err error, chat int64) (failure, time.Duration) {
	if err == nil {
		return 0, 0
	}
	var te *tgError
	if errors.As(err, &te) {
		return te.class, te.retryAfter
	}
	var tooMany *tgbot.TooManyRequestsError
	if errors.As(err, &tooMany) {
		return failRateLimited, time.Duration(max(1, tooMany.RetryAfter)) * time.Second
	}
	var api *apiError
	code, desc := 0, ""
	switch {
	case errors.As(err, &api):
		code, desc = api.Code, api.Description
		if code == http.StatusTooManyRequests {
			return failRateLimited, time.Duration(max(1, api.Parameters.RetryAfter)) * time.Second
		}
	case errors.Is(err, tgbot.ErrorForbidden):
		code, desc = http.StatusForbidden, err.Error()
	case errors.Is(err, tgbot.ErrorBadRequest):
		code, desc = http.StatusBadRequest, err.Error()
	case errors.Is(err, tgbot.ErrorNotFound):
		code, desc = http.StatusNotFound, err.Error()
	case errors.Is(err, tgbot.ErrorUnauthorized):
		code = http.StatusUnauthorized
	case errors.Is(err, tgbot.ErrorConflict):
		code = http.StatusConflict
	case tgbot.IsMigrateError(err):
		// A group became a supergroup: its old ID is gone for good.
		return failGroupGone, 0
	}
	desc = strings.ToLower(desc)
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.Contains(desc, p) {
				return true
			}
		}
		return false
	}
	switch {
	case code == 0 || code >= 500:
		return failTransient, 0
	case code == http.StatusUnauthorized:
		return failToken, 0
	case has("message is not modified", "topic_not_modified"):
		return failNotModified, 0
	case has("message thread not found", "topic_deleted", "topic_id_invalid"):
		return failThreadGone, 0
	case code == http.StatusForbidden && chat > 0:
		return failBlocked, 0
	case chat < 0 && (code == http.StatusForbidden || has("chat not found", "not enough rights", "chat_admin_required",
		"need administrator rights", "have no rights", "chat_write_forbidden", "upgraded to a supergroup")):
		return failGroupGone, 0
	case code == http.StatusConflict:
		// Another poller, or a webhook is set: it passes.
		return failTransient, 0
	}
	return failRefused, 0
}

// badRequest reports whether the library's error is Telegram's 400: the
// call named what Telegram does not know (for getChatMember, a user it has
// never seen), whatever the description says.
func badRequest(err error) bool { return errors.Is(err, tgbot.ErrorBadRequest) }

// otherPoller reports whether getUpdates was refused with 409: another
// process polls, or a webhook is set.
func otherPoller(err error) bool {
	var api *apiError
	return errors.As(err, &api) && api.Code == http.StatusConflict
}

// fail wraps a Bot API error with its class, so that what handles an
// update's error knows whether waiting helps.
func fail(err error, chat int64) error {
	if err == nil {
		return nil
	}
	class, after := classify(err, chat)
	return &tgError{class: class, retryAfter: after, err: err}
}

// httpStatus classifies a file download's HTTP answer.
func httpStatus(code int) failure {
	switch {
	case code == http.StatusUnauthorized:
		return failToken
	case code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout:
		return failTransient
	}
	return failRefused
}

// client is the HTTP client of every Bot API call and file download. Their
// URLs hold the bot's token, and net/http writes the URL into its errors:
// client masks it, so no error the bot logs or wraps can carry it.
type client struct {
	http    *http.Client
	secrets redact.Secrets
}

// Do makes the request. go-telegram/bot streams each request's form
// through a pipe, which net/http would send in many small chunks, a system
// call each: Do reads the form first and sends it whole, with its length.
func (c client) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.ContentLength == 0 && req.GetBody == nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, c.secrets.Error(err)
		}
		req.ContentLength = int64(len(body))
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.secrets.Error(err)
	}
	return resp, nil
}

// errorf is fmt.Errorf with the secrets masked: for errors built around
// what a library returned.
func (c client) errorf(format string, args ...any) error {
	return c.secrets.Error(fmt.Errorf(format, args...))
}
