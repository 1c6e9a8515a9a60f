package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// Failures of what the store depends on, rather than of the request. Front ends answer them 503 and 507.
var (
	// ErrUnavailable means the database or file storage cannot serve the request now; the same request may
	// succeed in a few seconds.
	ErrUnavailable = errors.New("unavailable")
	// ErrInsufficientStorage means file storage is full or read-only.
	ErrInsufficientStorage = errors.New("insufficient storage")
)

// unavailableRetryAfter is what clients are told to wait: long enough for a restart of PostgreSQL to finish,
// short enough that a brief outage costs a user a single retry.
const unavailableRetryAfter = 5 * time.Second

// unavailable is ErrUnavailable naming what is unavailable ("database" or "file storage"); err is the cause,
// for the log only.
func unavailable(what string, err error) *Error {
	return &Error{
		Kind:       ErrUnavailable,
		Message:    "the " + what + " is temporarily unavailable, please try again in a few seconds",
		RetryAfter: unavailableRetryAfter,
		Err:        err,
	}
}

// insufficientStorage is ErrInsufficientStorage with a message for the user.
func insufficientStorage(message string, err error) *Error {
	return &Error{Kind: ErrInsufficientStorage, Message: message, Err: err}
}

// Classify gives the failures of the database driver and the network their kind, once for every use case:
// a lost or refused connection, a server shutting down or a statement cut off by a deadline is
// ErrUnavailable, and text PostgreSQL refuses as an invalid byte sequence (a NUL byte that got past
// validation) is ErrInvalid. Other errors, and errors that already have a kind, come back unchanged.
// Front ends call it once, where they map errors to answers.
func Classify(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrInsufficientStorage) {
		return err
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch {
		case pqErr.Code == "22021": // character_not_in_repertoire: invalid UTF-8 or NUL in text
			return &Error{Kind: ErrInvalid, Message: "text must not contain NUL bytes or invalid characters"}
		case unavailableCode(pqErr.Code):
			return unavailable("database", err)
		case conflictCode(pqErr.Code):
			// The transaction was rolled back whole, so nothing changed; the same request can simply be sent again.
			return &Error{Kind: ErrUnavailable, Message: "the database was busy with a conflicting change, please try again",
				RetryAfter: time.Second, Err: err}
		}
		return err
	}
	if databaseUnreachable(err) {
		return unavailable("database", err)
	}
	return err
}

// unavailableCode lists the SQLSTATEs that mean the server, not the statement, is the problem: connection
// exceptions (class 08), too many connections, shutdowns and restarts (57P01 admin_shutdown, 57P02
// crash_shutdown, 57P03 cannot_connect_now) and a statement cancelled by statement_timeout or a deadline
// (57014).
func unavailableCode(code pq.ErrorCode) bool {
	switch code {
	case "53300", "57P01", "57P02", "57P03", "57014":
		return true
	}
	return code.Class() == "08"
}

// conflictCode lists the SQLSTATEs of a transaction PostgreSQL gave up because of concurrent ones: a deadlock
// (40P01, e.g. two requests taking the same counters or rows in opposite orders), a serialization failure (40001)
// and a lock not available in time (55P03). They are answered 503 with Retry-After, not 500: nothing was written.
func conflictCode(code pq.ErrorCode) bool {
	switch code {
	case "40P01", "40001", "55P03":
		return true
	}
	return false
}

// databaseUnreachable reports the driver's and the network's ways of saying the connection is gone or never
// came up: a bad or closed connection, EOF in the middle of the protocol, refused, reset or timed-out
// sockets, failed dials and name lookups, and a deadline that ran out while waiting for the database. (Not
// net.Error: every syscall.Errno satisfies it, a full disk included.)
func databaseUnreachable(err error) bool {
	var (
		opErr  *net.OpError
		dnsErr *net.DNSError
	)
	switch {
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &opErr), errors.As(err, &dnsErr):
		return true
	}
	return false
}
