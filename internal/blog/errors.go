package blog

import (
	"errors"
	"slices"
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

// Message is a text of folio's catalogs by ID, with its named values as
// pairs ("Limit", 200). The domain does not know who will read it, so it
// is said in a language only where it reaches a person: in a writer's
// language in the admin, in the site's or the post's on the reply form.
type Message struct {
	ID    string
	Pairs []any
}

// Msg returns message id with its named values.
func Msg(id string, pairs ...any) Message { return Message{ID: id, Pairs: pairs} }

// In says m with w in lang, a BCP 47 tag; a value that is itself a
// Message is said first.
func (m Message) In(w Words, lang string) string {
	pairs := slices.Clone(m.Pairs)
	for i, p := range pairs {
		if inner, ok := p.(Message); ok {
			pairs[i] = inner.In(w, lang)
		}
	}
	return w.Say(lang, m.ID, pairs...)
}

// Say says every message of ms with w in lang.
func Say(ms []Message, w Words, lang string) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.In(w, lang)
	}
	return out
}

// ValidationError carries one message per invalid input field. Forms show
// each message next to its field; commands print them all.
type ValidationError struct {
	Fields map[string]Message
	// Cause, when set, is why a check refused the input, for the log;
	// the messages are what the person is told.
	Cause error
}

// Unwrap returns the cause.
func (e *ValidationError) Unwrap() error { return e.Cause }

// Add records message id for field, keeping the first message if the
// field already has one.
func (e *ValidationError) Add(field, id string, pairs ...any) {
	if e.Fields == nil {
		e.Fields = make(map[string]Message)
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = Msg(id, pairs...)
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

// In says every field's message with w in lang.
func (e *ValidationError) In(w Words, lang string) map[string]string {
	out := make(map[string]string, len(e.Fields))
	for k, m := range e.Fields {
		out[k] = m.In(w, lang)
	}
	return out
}

// Error lists every field's message ID in field order, for logs; people
// are told the messages through In.
func (e *ValidationError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k].ID
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// FieldError returns a ValidationError with a single message.
func FieldError(field, id string, pairs ...any) *ValidationError {
	v := &ValidationError{}
	v.Add(field, id, pairs...)
	return v
}

// kindMessage returns the message ID for the first kind of a pair (a
// post, a tag) or for the other (a page, a category): languages word
// them apart, so each has its own message.
func kindMessage[K ~string](kind K, first, other string) string {
	switch string(kind) {
	case string(KindPost), string(TermTag):
		return first
	}
	return other
}
