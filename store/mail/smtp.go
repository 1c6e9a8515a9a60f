package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// DefaultTimeout bounds a whole Send (dial, TLS, auth and transfer) when the
// caller's context has no earlier deadline. Transactional mails are small, so
// anything slower than this means the relay is in trouble and the queue
// should retry later instead of holding a worker.
const DefaultTimeout = 60 * time.Second

// Default ports when the URL names none: the IANA ports for SMTP relay and
// for submission over implicit TLS. Most providers expect submission on 587,
// so production URLs should spell the port out.
const (
	defaultSMTPPort  = 25
	defaultSMTPSPort = 465
)

// SMTP is a [Sender] that delivers through an SMTP relay. It opens one
// connection per Send, so it holds no connection state and is safe for
// concurrent use.
type SMTP struct {
	host        string
	port        int
	implicitTLS bool
	username    string
	password    string

	from       *netmail.Address
	fromDomain string // right-hand side of Message-IDs, aligned with From

	timeout   time.Duration
	tlsConfig *tls.Config
	logger    *slog.Logger
}

var _ Sender = (*SMTP)(nil)

// Option configures an [SMTP] sender.
type Option func(*SMTP)

// WithTimeout overrides [DefaultTimeout]. Non-positive values are ignored.
func WithTimeout(d time.Duration) Option {
	return func(s *SMTP) {
		if d > 0 {
			s.timeout = d
		}
	}
}

// WithTLSConfig sets the TLS configuration for STARTTLS and smtps://, e.g.
// to trust a private CA. ServerName defaults to the URL's host. The config
// is cloned, so the caller may keep using it.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(s *SMTP) {
		if cfg != nil {
			s.tlsConfig = cfg.Clone()
		}
	}
}

// NewSMTP returns a sender for the relay at rawURL, sending as from (an
// address, optionally with a display name: "TRCR <no-reply@trcr.app>").
//
// rawURL is smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]:
//
//   - smtp:// upgrades with STARTTLS when the server offers it and otherwise
//     continues in plain text (TLSOpportunistic). Default port 25.
//   - smtps:// uses implicit TLS from the first byte. Default port 465.
//
// Authentication happens only when the URL carries a user name; PLAIN is
// preferred, then LOGIN. Credentials are never sent over an unencrypted
// connection unless the host is localhost/127.0.0.1/::1 (go-mail refuses),
// so a relay without TLS and with auth only works on loopback.
// User and password must be percent-encoded in the URL.
func NewSMTP(rawURL, from string, opts ...Option) (*SMTP, error) {
	s := &SMTP{timeout: DefaultTimeout, logger: slog.Default()}
	if err := s.parseURL(rawURL); err != nil {
		return nil, err
	}

	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("%w: from %q: %v", ErrInvalidAddress, from, err)
	}
	s.from = addr
	s.fromDomain = addr.Address[strings.LastIndexByte(addr.Address, '@')+1:]

	for _, opt := range opts {
		opt(s)
	}
	if s.tlsConfig == nil {
		s.tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if s.tlsConfig.ServerName == "" {
		s.tlsConfig.ServerName = s.host
	}
	return s, nil
}

// parseURL fills the connection fields. Errors never echo rawURL, because
// it may contain the relay password and errors end up in logs.
func (s *SMTP) parseURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return fmt.Errorf("mail: invalid SMTP URL: %v", err)
	}

	var defaultPort int
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		defaultPort = defaultSMTPPort
	case "smtps":
		defaultPort = defaultSMTPSPort
		s.implicitTLS = true
	default:
		return fmt.Errorf("mail: invalid SMTP URL: scheme must be smtp or smtps, got %q", u.Scheme)
	}
	// Anything beyond scheme, userinfo, host and port is most likely a
	// typo or an option this package does not support; failing loudly beats
	// silently ignoring it.
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return errors.New("mail: invalid SMTP URL: only scheme, user info, host and port are supported")
	}

	s.host = u.Hostname()
	if s.host == "" {
		return errors.New("mail: invalid SMTP URL: missing host")
	}
	s.port = defaultPort
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return fmt.Errorf("mail: invalid SMTP URL: invalid port %q", p)
		}
		s.port = port
	}

	if u.User != nil {
		s.username = u.User.Username()
		s.password, _ = u.User.Password()
		if s.username == "" {
			return errors.New("mail: invalid SMTP URL: password without user name")
		}
	}
	return nil
}

// Send delivers m over a fresh connection. The context bounds the whole
// exchange, not just the dial; see [IsPermanent] for classifying errors.
//
// A timeout after the message data was sent is ambiguous: the relay may have
// accepted it. Retrying then can deliver a duplicate, which for account mail
// is the lesser evil.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := s.buildMsg(m)
	if err != nil {
		return err
	}

	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	// The go-mail client is cheap to build and carries the per-send dialer,
	// which captures ctx so that it governs every read and write.
	d := &ctxDialer{ctx: ctx, addr: s.addr()}
	if s.implicitTLS {
		d.tlsConfig = s.tlsConfig
	}
	defer d.stop()

	client, err := gomail.NewClient(s.host, s.clientOptions(d)...)
	if err != nil {
		return fmt.Errorf("mail: configure SMTP client: %w", err)
	}

	start := time.Now()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		// Surface cancellation as such so callers can errors.Is it; the raw
		// error is then just an i/o timeout on our forced deadline.
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("mail: send to %s: %w", s.addr(), errors.Join(ctxErr, err))
		}
		return fmt.Errorf("mail: send to %s: %w", s.addr(), err)
	}
	s.logger.LogAttrs(ctx, slog.LevelDebug, "mail sent",
		slog.String("smtp", s.addr()),
		slog.Int("recipients", len(m.To)),
		slog.String("message_id", msg.GetMessageID()),
		slog.Duration("took", time.Since(start)),
	)
	return nil
}

func (s *SMTP) addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

func (s *SMTP) clientOptions(d *ctxDialer) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(s.tlsConfig),
		gomail.WithDialContextFunc(d.DialContext),
	}
	if s.implicitTLS {
		// The dialer already speaks TLS; WithSSL only stops go-mail from
		// attempting STARTTLS on top of it.
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.username != "" {
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.username),
			gomail.WithPassword(s.password),
		)
	}
	return opts
}

// buildMsg validates m and converts it to a go-mail message. Validation
// errors are permanent: the same message would fail the same way again.
func (s *SMTP) buildMsg(m Message) (*gomail.Msg, error) {
	if len(m.To) == 0 {
		return nil, fmt.Errorf("%w: no recipients", ErrInvalidMessage)
	}
	if m.Text == "" && m.HTML == "" {
		return nil, fmt.Errorf("%w: empty body", ErrInvalidMessage)
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(s.from)
	for _, to := range m.To {
		addr, err := netmail.ParseAddress(to)
		if err != nil {
			return nil, fmt.Errorf("%w: recipient %q: %v", ErrInvalidAddress, to, err)
		}
		msg.AddToMailAddress(addr)
	}
	msg.Subject(headerText(m.Subject))
	msg.SetDate()
	// go-mail would use the machine's hostname (a container ID in
	// production); an ID under the sending domain looks less like spam.
	id := m.ID
	if id == "" {
		id = randomID()
	} else if !messageIDPart.MatchString(id) {
		return nil, fmt.Errorf("%w: message id %q", ErrInvalidMessage, id)
	}
	msg.SetMessageIDWithValue(id + "@" + s.fromDomain)
	// RFC 3834: tells vacation responders and ticket systems not to reply
	// to a no-reply address.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")

	switch {
	case m.HTML == "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	case m.Text == "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		// Text first: multipart/alternative lists the preferred part last.
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}

	for _, a := range m.Attachments {
		if a.Filename == "" {
			return nil, fmt.Errorf("%w: attachment without file name", ErrInvalidMessage)
		}
		var opts []gomail.FileOption
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		if err := msg.AttachReader(a.Filename, bytes.NewReader(a.Data), opts...); err != nil {
			return nil, fmt.Errorf("mail: attach %q: %w", a.Filename, err)
		}
	}
	return msg, nil
}

// headerText folds line breaks and other control characters into spaces.
// go-mail already encodes them safely, but a subject built from user input
// (an organisation name, say) should read as one line, not as a garbled
// encoded word.
func headerText(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r < 0x20 || r == 0x7f
	}), " ")
}

// messageIDPart is the left part of a Message-ID TRCR accepts: RFC 5322's dot-atom, narrowed to what ids are made of.
var messageIDPart = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$`)

func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// ctxDialer dials the relay and ties the connection's lifetime to ctx.
//
// go-mail only honours the context while dialing; afterwards it resets
// per-command deadlines from its own timeout, so a cancelled request would
// not interrupt a stalled DATA. Wrapping the connection lets ctx win.
type ctxDialer struct {
	ctx       context.Context
	addr      string
	tlsConfig *tls.Config // non-nil for implicit TLS

	mu    sync.Mutex
	stops []func() bool
}

// DialContext has go-mail's DialContextFunc signature. It ignores the
// address go-mail computes, because go-mail formats host:port without
// brackets and so breaks IPv6 literals.
func (d *ctxDialer) DialContext(dialCtx context.Context, network, _ string) (net.Conn, error) {
	var nd net.Dialer
	raw, err := nd.DialContext(dialCtx, network, d.addr)
	if err != nil {
		return nil, err
	}
	conn := &ctxConn{Conn: raw, ctx: d.ctx}
	stop := context.AfterFunc(d.ctx, conn.expire)
	d.mu.Lock()
	d.stops = append(d.stops, stop)
	d.mu.Unlock()

	if d.tlsConfig == nil {
		return conn, nil
	}
	// The TLS layer sits on top of ctxConn so that deadlines still pass
	// through it, and is returned as *tls.Conn because go-mail's SMTP
	// client decides whether the session is encrypted (and thus whether it
	// may send a password) by that concrete type.
	tlsConn := tls.Client(conn, d.tlsConfig)
	if err := tlsConn.HandshakeContext(dialCtx); err != nil {
		_ = raw.Close()
		return nil, err
	}
	return tlsConn, nil
}

// stop releases the context watchers once Send is done.
func (d *ctxDialer) stop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, stop := range d.stops {
		stop()
	}
}

// ctxConn fails all I/O once its context is done: expire (run by
// context.AfterFunc) moves the deadline into the past, which unblocks
// pending reads and writes, and later deadline updates by go-mail are kept
// in the past. Deadlines are deliberately not clamped to ctx's deadline:
// the resulting i/o timeout could fire before ctx reports DeadlineExceeded,
// and Send could then not tell the caller that the context was the cause.
type ctxConn struct {
	net.Conn
	ctx context.Context
	mu  sync.Mutex // makes expire and Set*Deadline atomic w.r.t. each other
}

// expired is a deadline in the past; any fixed past instant works.
var expired = time.Unix(1, 0)

func (c *ctxConn) expire() {
	c.mu.Lock()
	defer c.mu.Unlock()
	_ = c.Conn.SetDeadline(expired)
}

func (c *ctxConn) clamp(t time.Time) time.Time {
	if c.ctx.Err() != nil {
		return expired
	}
	return t
}

func (c *ctxConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetDeadline(c.clamp(t))
}

func (c *ctxConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetReadDeadline(c.clamp(t))
}

func (c *ctxConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Conn.SetWriteDeadline(c.clamp(t))
}
