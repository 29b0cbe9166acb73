package polku

import (
	"errors"
	"fmt"
)

// Error codes, in the spirit of the standard package layout.
const (
	EINVALID   = "invalid"
	ENOTFOUND  = "not_found"
	ECONFLICT  = "conflict"
	EFORBIDDEN = "forbidden"
	EINTERNAL  = "internal"
	// EUNAVAILABLE says a dependency (the database) could not be reached:
	// nothing is wrong with the request, try again later.
	EUNAVAILABLE = "unavailable"
)

// Error is the one error type of the domain. Message is for operators and
// logs (never personal data); MessageID names the family-facing text.
type Error struct {
	Code      string
	MessageID string
	Message   string
	Err       error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: "" for nil, EINTERNAL for errors that
// are not *Error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
