package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The kinds of failure a use case reports. Each is a sentinel that errors.Is finds through any wrapping
// (fmt.Errorf("load task: %w", ErrNotFound) keeps its kind); an *Error adds what the user is told. Front ends
// map kinds once, to statuses or to re-rendered forms.
var (
	ErrInvalid      = errors.New("invalid")
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("forbidden")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("unauthorized")
	// ErrNoOrganization means the caller named no organization and has no default one.
	ErrNoOrganization = errors.New("no organization")
	// ErrRateLimited means the caller must wait RetryAfter before trying again.
	ErrRateLimited = errors.New("rate limited")
	// ErrTooLarge rejects an upload over its Limit.
	ErrTooLarge = errors.New("too large")
	// ErrUnsupportedType rejects an upload whose content is not an allowed type.
	ErrUnsupportedType = errors.New("unsupported type")
)

// kinds lists every sentinel, for KindOf to find the kind of an error that carries no *Error.
var kinds = []error{
	ErrUnavailable, ErrInsufficientStorage, ErrInvalid, ErrNoOrganization, ErrUnauthorized, ErrForbidden,
	ErrNotFound, ErrConflict, ErrRateLimited, ErrTooLarge, ErrUnsupportedType,
}

// Error is a failure of one of the kinds above with the words for the user, the one error type of the store
// (the idea of Gitea's util.ErrorWrap). errors.Is(err, ErrConflict) matches an *Error of that kind however it
// was wrapped; ErrorOf gives front ends its message and extras.
type Error struct {
	Kind error
	// Message is what the user is told, worded as the API reference words it so integrators can show it as is.
	// For ErrInvalid it is the first problem found; for ErrRateLimited it names the limit reached, or is empty
	// when the limit is on attempts.
	Message string
	// Fields holds per-field messages of ErrInvalid, keyed by the input's field names.
	Fields map[string]string
	// RetryAfter is how long to wait, for ErrRateLimited and ErrUnavailable.
	RetryAfter time.Duration
	// Limit is the largest size accepted, in bytes, for ErrTooLarge.
	Limit int64
	// Err is the cause, for the log only.
	Err error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Kind.Error()
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// RetryAfterSeconds is the Retry-After of the answer: RetryAfter rounded up, never below one second.
func (e *Error) RetryAfterSeconds() int {
	s := int((e.RetryAfter + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

// FieldNames lists a validation error's fields in a stable order, for messages and tests.
func (e *Error) FieldNames() string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// ErrorOf is the *Error in err's chain, or for an error that wraps only a sentinel (fmt.Errorf("%w",
// ErrNotFound)) an *Error of that kind with no message; nil for an error of no kind, which front ends answer
// as a failure of the server.
func ErrorOf(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if kind := KindOf(err); kind != nil {
		return &Error{Kind: kind, Err: err}
	}
	return nil
}

// KindOf is the kind of err (one of the sentinels above), or nil.
func KindOf(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	for _, kind := range kinds {
		if errors.Is(err, kind) {
			return kind
		}
	}
	return nil
}

// AsKind is the *Error of kind in err's chain, for callers that read its message or fields.
func AsKind(err error, kind error) (*Error, bool) {
	e := ErrorOf(err)
	if e == nil || e.Kind != kind {
		return nil, false
	}
	return e, true
}

// Invalid builds an ErrInvalid for one field.
func Invalid(field, message string) *Error {
	return &Error{Kind: ErrInvalid, Message: message, Fields: map[string]string{field: message}}
}

// TooLarge rejects an upload over limit bytes.
func TooLarge(limit int64) *Error {
	return &Error{Kind: ErrTooLarge, Message: fmt.Sprintf("file is larger than %d MB", limit>>20), Limit: limit}
}

func conflict(format string, args ...any) *Error {
	return &Error{Kind: ErrConflict, Message: fmt.Sprintf(format, args...)}
}

func forbidden(message string) *Error { return &Error{Kind: ErrForbidden, Message: message} }

func unauthorized(message string) *Error { return &Error{Kind: ErrUnauthorized, Message: message} }

// rateLimited refuses until retryAfter has passed; reason, when given, names the limit reached.
func rateLimited(retryAfter time.Duration, reason string) *Error {
	return &Error{Kind: ErrRateLimited, Message: reason, RetryAfter: retryAfter}
}

func unsupportedType(message string) *Error {
	return &Error{Kind: ErrUnsupportedType, Message: message}
}

// validator accumulates field problems in the order they are found.
type validator struct {
	fields map[string]string
	first  string
}

func (v *validator) add(field, message string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, dup := v.fields[field]; dup {
		return
	}
	if v.first == "" {
		v.first = message
	}
	v.fields[field] = message
}

func (v *validator) check(ok bool, field, message string) {
	if !ok {
		v.add(field, message)
	}
}

func (v *validator) err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: ErrInvalid, Message: v.first, Fields: v.fields}
}
