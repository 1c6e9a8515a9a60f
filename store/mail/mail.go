// Package mail sends TRCR's transactional email (account verification,
// password resets, invitations) over SMTP and renders the templates for it.
//
// Callers build a [Message] (usually with one of the template functions such
// as [VerifyEmail]) and hand it to a [Sender]. [SMTP] is the production
// Sender; package mailtest provides a real in-process SMTP server for tests.
//
// Send errors are classified with [IsPermanent] so that a delivery queue can
// decide between retrying later and giving up on a message.
package mail

import (
	"context"
	"errors"
	"net/textproto"

	gomail "github.com/wneessen/go-mail"
)

// Attachment is a file attached to a [Message].
type Attachment struct {
	// Filename is what the recipient's mail client shows and saves the file
	// as. Path separators and control characters are replaced on the wire.
	Filename string
	// ContentType is the MIME type, e.g. "application/pdf". When empty it is
	// guessed from the Filename extension, falling back to
	// application/octet-stream.
	ContentType string
	Data        []byte
}

// Message is a transport-independent email. The sender address is a
// property of the [Sender], not of the message, so that every mail TRCR sends
// comes from the one configured, SPF/DKIM-aligned address.
type Message struct {
	// ID, when set, makes the Message-ID header <ID@sender's domain>, the same on every attempt to send this
	// message, so that receivers can recognise and drop a copy sent again after an ambiguous failure. Empty:
	// a random Message-ID. It must be a dot-atom (letters, digits, '-', '.').
	ID          string
	To          []string
	Subject     string
	Text        string // plain-text body
	HTML        string // HTML body (optional)
	Attachments []Attachment
}

// Sender delivers messages. Implementations must be safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrInvalidAddress reports a recipient (or sender) address that cannot be
// parsed. Retrying cannot fix it, so [IsPermanent] reports true.
var ErrInvalidAddress = errors.New("mail: invalid address")

// ErrInvalidMessage reports a message that can never be sent as given, for
// example one without recipients or without a body. [IsPermanent] reports
// true.
var ErrInvalidMessage = errors.New("mail: invalid message")

// IsPermanent reports whether err means the message will never be delivered
// as it stands, so a retry queue should drop it (and perhaps flag the
// address) rather than try again.
//
// Permanent are: any 5xx SMTP reply but the authentication ones (see
// [isAuthCode]), [ErrInvalidAddress] and [ErrInvalidMessage]. Everything
// else, including 4xx replies, authentication failures, network errors,
// timeouts and context cancellation, is treated as temporary: when in doubt
// we prefer a retry over silently losing an account email.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrInvalidAddress) || errors.Is(err, ErrInvalidMessage) {
		return true
	}
	// go-mail reports failures after the connection is set up as a
	// *SendError that does not unwrap to the server reply, but records its
	// code.
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) && isPermanentCode(sendErr.ErrorCode()) {
		return true
	}
	// Replies during the greeting, STARTTLS or AUTH arrive as the raw
	// textproto error wrapped with %w.
	var protoErr *textproto.Error
	if errors.As(err, &protoErr) && isPermanentCode(protoErr.Code) {
		return true
	}
	return false
}

func isPermanentCode(code int) bool { return code >= 500 && code < 600 && !isAuthCode(code) }

// isAuthCode reports the replies that refuse our relay credentials rather than
// the message: 530 authentication required, 534 mechanism too weak and 535
// authentication failed. They mean the relay is misconfigured, which an admin
// fixes, so queued mail waits with backoff instead of failing for good.
func isAuthCode(code int) bool { return code == 530 || code == 534 || code == 535 }
