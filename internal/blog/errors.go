package blog

import (
	"errors"
	"sort"
	"strings"
)

var (
	// ErrNotFound is returned when a looked-up item does not exist or is
	// not visible to the caller.
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a write would break a uniqueness rule,
	// such as two posts sharing a slug.
	ErrConflict = errors.New("conflict")
	// ErrForbidden is returned when the acting user may not do what was
	// asked.
	ErrForbidden = errors.New("forbidden")
	// ErrBadCredentials is returned when an e-mail and password do not
	// match a user who may sign in.
	ErrBadCredentials = errors.New("wrong e-mail or password")
)

// ValidationError carries one message per invalid input field. Forms show
// each message next to its field; commands print them all.
type ValidationError struct {
	Fields map[string]string
	// Cause, when set, is why a check refused the input, for the log;
	// the messages are what the person is told.
	Cause error
}

// Unwrap returns the cause.
func (e *ValidationError) Unwrap() error { return e.Cause }

// Add records a message for field, keeping the first message if the field
// already has one.
func (e *ValidationError) Add(field, msg string) {
	if e.Fields == nil {
		e.Fields = make(map[string]string)
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// Err returns e when it holds at least one message, and nil otherwise, so
// a validator can end with `return v.Err()`.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Error lists every field message in field order.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// FieldError returns a ValidationError with a single message.
func FieldError(field, msg string) *ValidationError {
	v := &ValidationError{}
	v.Add(field, msg)
	return v
}
