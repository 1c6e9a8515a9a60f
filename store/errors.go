package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The kinds of failure a use case reports. Front ends map them once to statuses or re-rendered forms.
var (
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("forbidden")
	ErrConflict     = errors.New("conflict")
	ErrUnauthorized = errors.New("unauthorized")
	// ErrNoOrganization means the caller named no organization and has no default one.
	ErrNoOrganization = errors.New("no organization")
)

// ValidationError carries per-field messages. Message is the first (or only) problem, worded as the API
// reference words it, so integrators can show it as is.
type ValidationError struct {
	Message string
	Fields  map[string]string
}

func (e *ValidationError) Error() string { return e.Message }

// Invalid builds a ValidationError for one field.
func Invalid(field, message string) *ValidationError {
	return &ValidationError{Message: message, Fields: map[string]string{field: message}}
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
	return &ValidationError{Message: v.first, Fields: v.fields}
}

// ConflictError is ErrConflict with a message for the user.
type ConflictError struct{ Message string }

func (e *ConflictError) Error() string { return e.Message }
func (e *ConflictError) Unwrap() error { return ErrConflict }

func conflict(format string, args ...any) error {
	return &ConflictError{Message: fmt.Sprintf(format, args...)}
}

// ForbiddenError is ErrForbidden with a message for the user.
type ForbiddenError struct{ Message string }

func (e *ForbiddenError) Error() string { return e.Message }
func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

func forbidden(message string) error { return &ForbiddenError{Message: message} }

// UnauthorizedError is ErrUnauthorized with a message for the user.
type UnauthorizedError struct{ Message string }

func (e *UnauthorizedError) Error() string { return e.Message }
func (e *UnauthorizedError) Unwrap() error { return ErrUnauthorized }

// RateLimitError says the caller must wait before trying again. Reason, when set, names the limit reached.
type RateLimitError struct {
	RetryAfter time.Duration
	Reason     string
}

func (e *RateLimitError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s, retry in %d seconds", e.Reason, e.RetryAfterSeconds())
	}
	return fmt.Sprintf("too many requests, retry in %d seconds", e.RetryAfterSeconds())
}

// RetryAfterSeconds rounds up, never below one second.
func (e *RateLimitError) RetryAfterSeconds() int {
	s := int((e.RetryAfter + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}

// UnsupportedTypeError rejects an upload whose content is not an allowed type.
type UnsupportedTypeError struct{ Message string }

func (e *UnsupportedTypeError) Error() string { return e.Message }

// TooLargeError rejects an upload over its limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("file is larger than %d MB", e.Limit>>20)
}

// FieldNames lists a validation error's fields in a stable order, for messages and tests.
func (e *ValidationError) FieldNames() string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}
