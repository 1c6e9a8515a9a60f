// Package mailtest runs a real SMTP server on 127.0.0.1 for tests, so that
// code using store/mail is exercised over the wire, MIME encoding included.
//
//	srv := mailtest.Start(t)
//	sender, _ := mail.NewSMTP(srv.URL(), "TRCR <no-reply@trcr.test>")
//	// ... code under test sends mail ...
//	got := srv.WaitFor(t, "ada@example.com", 5*time.Second)
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/trcr/trcr/store/mail"
)

// Received is one message accepted by the server, with the MIME already
// taken apart. Text and HTML have CRLF line endings normalised to LF, and
// for a single-part message the final line break that SMTP framing forces
// onto the data is removed. Charsets other than UTF-8/US-ASCII are not
// converted.
type Received struct {
	From        string   // envelope sender (MAIL FROM)
	To          []string // envelope recipients (RCPT TO)
	Raw         []byte   // message exactly as transmitted after DATA
	Subject     string   // RFC 2047 decoded
	Text        string   // first text/plain part that is not an attachment
	HTML        string   // first text/html part that is not an attachment
	Attachments []mail.Attachment

	AuthUser string // user name given with AUTH, "" if the client did not authenticate
	TLS      bool   // whether the session was encrypted (STARTTLS or implicit)
}

// Server is an in-process SMTP server. All methods are safe for concurrent
// use.
type Server struct {
	url       string
	clientTLS *tls.Config

	user, pass  string // required credentials, if requireAuth
	requireAuth bool

	mu       sync.Mutex
	messages []Received
	claimed  []bool        // parallel to messages: already returned by WaitFor
	arrived  chan struct{} // closed and replaced whenever a message arrives
	failLeft int
	failCode int
}

// Option configures [Start].
type Option func(*config)

type config struct {
	user, pass  string
	requireAuth bool
	tls         tlsMode
}

type tlsMode int

const (
	tlsNone tlsMode = iota
	tlsStartTLS
	tlsImplicit
)

// WithAuth makes the server require AUTH PLAIN with exactly these
// credentials before MAIL FROM. Without it, authenticating is optional and
// any credentials are accepted.
func WithAuth(user, pass string) Option {
	return func(c *config) { c.user, c.pass, c.requireAuth = user, pass, true }
}

// WithSTARTTLS makes the server offer STARTTLS with a self-signed
// certificate for 127.0.0.1; clients must trust [Server.ClientTLSConfig].
func WithSTARTTLS() Option { return func(c *config) { c.tls = tlsStartTLS } }

// WithImplicitTLS makes the server speak TLS from the first byte (smtps).
// [Server.URL] then returns an smtps:// URL.
func WithImplicitTLS() Option { return func(c *config) { c.tls = tlsImplicit } }

// Start starts a server on 127.0.0.1:0. It is closed by t.Cleanup.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}

	s := &Server{
		user:        cfg.user,
		pass:        cfg.pass,
		requireAuth: cfg.requireAuth,
		arrived:     make(chan struct{}),
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	scheme := "smtp"

	srv := smtp.NewServer(&backend{s: s})
	srv.Domain = "localhost"
	// Plain-text AUTH is what real relays refuse, but a loopback test server
	// has nothing to protect and the client side decides what it sends.
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = 32 << 20
	srv.MaxRecipients = 100
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.EnableSMTPUTF8 = true
	logger := &testLogger{t: t}
	srv.ErrorLog = logger

	if cfg.tls != tlsNone {
		serverTLS, clientTLS, err := selfSignedTLS()
		if err != nil {
			_ = ln.Close()
			t.Fatalf("mailtest: %v", err)
		}
		s.clientTLS = clientTLS
		if cfg.tls == tlsImplicit {
			ln = tls.NewListener(ln, serverTLS)
			scheme = "smtps"
		} else {
			srv.TLSConfig = serverTLS // go-smtp advertises STARTTLS when set
		}
	}
	s.url = scheme + "://" + ln.Addr().String()

	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil {
			logger.Printf("serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		// Close only closes listeners Serve has registered yet; if the test
		// never connected, Serve may not have started, so close ln as well.
		_ = ln.Close()
		<-done
		// Connection goroutines may still log while winding down; t.Logf
		// after the test has finished panics.
		logger.stop()
	})
	return s
}

// StartWithAuth is Start(t, WithAuth(user, pass)).
func StartWithAuth(t testing.TB, user, pass string) *Server {
	t.Helper()
	return Start(t, WithAuth(user, pass))
}

// URL is the address to pass to mail.NewSMTP, e.g. "smtp://127.0.0.1:41234".
// It carries no credentials; add them with url.UserPassword if needed.
func (s *Server) URL() string { return s.url }

// ClientTLSConfig trusts the server's self-signed certificate. It is nil
// unless the server was started WithSTARTTLS or WithImplicitTLS.
func (s *Server) ClientTLSConfig() *tls.Config {
	if s.clientTLS == nil {
		return nil
	}
	return s.clientTLS.Clone()
}

// Messages returns every message accepted so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.messages))
	copy(out, s.messages)
	return out
}

// WaitFor returns the oldest message to recipient to (case-insensitive) not
// yet returned by an earlier WaitFor, waiting up to timeout for it to arrive.
// Consuming messages this way lets a test that triggers two emails to the
// same person look at each in turn. It fails the test on timeout.
func (s *Server) WaitFor(t testing.TB, to string, timeout time.Duration) Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		for i, m := range s.messages {
			if !s.claimed[i] && hasRecipient(m, to) {
				s.claimed[i] = true
				s.mu.Unlock()
				return m
			}
		}
		arrived := s.arrived
		var seen []string
		for _, m := range s.messages {
			seen = append(seen, strings.Join(m.To, ","))
		}
		s.mu.Unlock()

		select {
		case <-arrived:
		case <-deadline.C:
			t.Fatalf("mailtest: no message to %s within %v (received %d message(s), recipients: %q)",
				to, timeout, len(seen), seen)
			return Received{}
		}
	}
}

// FailNext makes the next n transactions fail at the end of DATA with the
// given SMTP reply code: 4xx for a temporary and 5xx for a permanent
// failure. The failed messages are not recorded.
func (s *Server) FailNext(n int, code int) {
	if code < 400 || code > 599 {
		panic(fmt.Sprintf("mailtest: FailNext code %d is not a 4xx or 5xx reply", code))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failLeft, s.failCode = n, code
}

func hasRecipient(m Received, to string) bool {
	for _, rcpt := range m.To {
		if strings.EqualFold(rcpt, to) {
			return true
		}
	}
	return false
}

// takeFailure consumes one pending FailNext, returning the code to reply.
func (s *Server) takeFailure() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failLeft <= 0 {
		return 0, false
	}
	s.failLeft--
	return s.failCode, true
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, r)
	s.claimed = append(s.claimed, false)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

type backend struct{ s *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

// session implements smtp.Session and smtp.AuthSession for one connection.
type session struct {
	s    *Server
	conn *smtp.Conn

	authUser string
	from     string
	to       []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if identity != "" && identity != username {
			return smtp.ErrAuthFailed
		}
		if ss.s.requireAuth && (username != ss.s.user || password != ss.s.pass) {
			return smtp.ErrAuthFailed
		}
		ss.authUser = username
		return nil
	}), nil
}

// errAuthRequired is how relays such as Postfix refuse mail from a client that has not authenticated (go-smtp's
// own ErrAuthRequired answers 502).
var errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.requireAuth && ss.authUser == "" {
		return errAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if code, fail := ss.s.takeFailure(); fail {
		return &smtp.SMTPError{
			Code:         code,
			EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0},
			Message:      "mailtest: failure injected by FailNext",
		}
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := parse(raw)
	if err != nil {
		// A message the test helper cannot parse is a bug in the sender
		// under test; reject it so the send fails visibly.
		return &smtp.SMTPError{
			Code:         554,
			EnhancedCode: smtp.EnhancedCode{5, 6, 0},
			Message:      "mailtest: unparseable message: " + err.Error(),
		}
	}
	rec.From = ss.from
	rec.To = append([]string(nil), ss.to...)
	rec.AuthUser = ss.authUser
	_, rec.TLS = ss.conn.TLSConnectionState()
	ss.s.record(rec)
	return nil
}

// Reset is called after each transaction and on RSET; authentication
// survives it, as in SMTP.
func (ss *session) Reset() {
	ss.from = ""
	ss.to = nil
}

func (ss *session) Logout() error { return nil }

// testLogger routes go-smtp's error log to the test log until stopped.
type testLogger struct {
	mu      sync.Mutex
	t       testing.TB
	stopped bool
}

func (l *testLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("mailtest: "+format, v...)
	}
}

func (l *testLogger) Println(v ...any) {
	l.Printf("%s", strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

func (l *testLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}

// selfSignedTLS creates a throwaway certificate for 127.0.0.1 and a client
// config that trusts exactly that certificate.
func selfSignedTLS() (server, client *tls.Config, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "mailtest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("parse certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}},
		MinVersion:   tls.VersionTLS12,
	}
	client = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return server, client, nil
}

// Hung is a relay that has hung: it accepts connections and never answers, so a client waits for its
// greeting until its own timeout.
type Hung struct {
	url      string
	accepted chan struct{}
}

// StartHung starts a hung relay on 127.0.0.1:0. It is closed, with its connections, by t.Cleanup.
func StartHung(t testing.TB) *Hung {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	h := &Hung{url: "smtp://" + ln.Addr().String(), accepted: make(chan struct{}, 100)}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			select {
			case h.accepted <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return h
}

// URL is the address to pass to mail.NewSMTP.
func (h *Hung) URL() string { return h.url }

// WaitForConnection waits until a client has connected, failing the test after timeout.
func (h *Hung) WaitForConnection(t testing.TB, timeout time.Duration) {
	t.Helper()
	select {
	case <-h.accepted:
	case <-time.After(timeout):
		t.Fatalf("mailtest: no connection to the hung relay within %v", timeout)
	}
}
