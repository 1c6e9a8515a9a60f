package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store/mail"
	"github.com/trcr/trcr/store/mail/mailtest"
)

const (
	from = "TRCR <no-reply@trcr.test>"
	wait = 5 * time.Second
)

func newSender(t *testing.T, rawURL string, opts ...mail.Option) *mail.SMTP {
	t.Helper()
	s, err := mail.NewSMTP(rawURL, from, opts...)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return s
}

func send(t *testing.T, s mail.Sender, m mail.Message) {
	t.Helper()
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

func TestTemplatesOverSMTP(t *testing.T) {
	t.Parallel()
	const (
		evil = `<script>alert("x")</script>`
		// A query string with & checks that the link survives both
		// quoted-printable and HTML attribute escaping.
		link = "https://app.trcr.test/auth/confirm?token=abc123&next=%2Fhome"
	)
	tests := []struct {
		name        string
		build       func(to string) (mail.Message, error)
		wantSubject string
		wantText    []string
	}{
		{
			name:        "verify email",
			build:       func(to string) (mail.Message, error) { return mail.VerifyEmail(to, evil, link) },
			wantSubject: "Confirm your email for TRCR",
			wantText:    []string{"Hi " + evil + ",", "confirm"},
		},
		{
			name:        "password reset",
			build:       func(to string) (mail.Message, error) { return mail.PasswordReset(to, evil, link) },
			wantSubject: "Reset your TRCR password",
			wantText:    []string{"1 hour", "If you didn't ask"},
		},
		{
			name: "invitation",
			build: func(to string) (mail.Message, error) {
				return mail.Invitation(to, evil, "Acme & Co", "Admin", link)
			},
			wantSubject: evil + " invited you to Acme & Co on TRCR",
			wantText:    []string{evil + " invited you to join Acme & Co on TRCR with the role Admin"},
		},
	}
	srv := mailtest.Start(t)
	sender := newSender(t, srv.URL())

	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := fmt.Sprintf("user%d@example.com", i)
			msg, err := tt.build(to)
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			if len(msg.To) != 1 || msg.To[0] != to {
				t.Fatalf("Message.To = %q, want [%q]", msg.To, to)
			}
			send(t, sender, msg)

			got := srv.WaitFor(t, to, wait)
			if got.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", got.Subject, tt.wantSubject)
			}
			if len(got.To) != 1 || got.To[0] != to {
				t.Errorf("envelope To = %q, want [%q]", got.To, to)
			}
			if got.From != "no-reply@trcr.test" {
				t.Errorf("envelope From = %q", got.From)
			}
			if !strings.Contains(got.Text, link) {
				t.Errorf("Text lacks link %q:\n%s", link, got.Text)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(got.Text, want) {
					t.Errorf("Text lacks %q:\n%s", want, got.Text)
				}
			}
			// In HTML the link appears as href and as visible text, both
			// entity-escaped (& -> &amp;).
			if n := strings.Count(got.HTML, html.EscapeString(link)); n < 2 {
				t.Errorf("HTML contains escaped link %d times, want >= 2:\n%s", n, got.HTML)
			}
			if strings.Contains(got.HTML, "<script") {
				t.Errorf("HTML contains unescaped <script>:\n%s", got.HTML)
			}
			if !strings.Contains(got.HTML, "&lt;script&gt;") {
				t.Errorf("HTML lacks escaped name:\n%s", got.HTML)
			}
			if !strings.Contains(string(got.Raw), "Auto-Submitted: auto-generated") {
				t.Errorf("missing Auto-Submitted header")
			}
			if !strings.Contains(string(got.Raw), "multipart/alternative") {
				t.Errorf("message is not multipart/alternative")
			}
		})
	}
}

func TestAttachmentRoundTrip(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender := newSender(t, srv.URL())

	// Every byte value, so any text-mode mangling of the payload shows.
	pdf := []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	for i := range 4096 {
		pdf = append(pdf, byte(i))
	}
	pdf = append(pdf, "\r\n.\r\n%%EOF\n"...) // a lone dot line must survive SMTP dot-stuffing

	send(t, sender, mail.Message{
		To:          []string{"ada@example.com"},
		Subject:     "Your report",
		Text:        "Report attached.",
		HTML:        "<p>Report attached.</p>",
		Attachments: []mail.Attachment{{Filename: "report.pdf", ContentType: "application/pdf", Data: pdf}},
	})

	got := srv.WaitFor(t, "ada@example.com", wait)
	if len(got.Attachments) != 1 {
		t.Fatalf("got %d attachments, want 1", len(got.Attachments))
	}
	a := got.Attachments[0]
	if a.Filename != "report.pdf" || a.ContentType != "application/pdf" {
		t.Errorf("attachment = %q (%s), want report.pdf (application/pdf)", a.Filename, a.ContentType)
	}
	if !bytes.Equal(a.Data, pdf) {
		t.Errorf("attachment data differs: got %d bytes, want %d", len(a.Data), len(pdf))
	}
	if got.Text != "Report attached." || got.HTML != "<p>Report attached.</p>" {
		t.Errorf("bodies = %q / %q", got.Text, got.HTML)
	}
}

func TestNonASCIISubject(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender := newSender(t, srv.URL())
	const subject = "Zoë Müller — 5 €"

	send(t, sender, mail.Message{To: []string{"zoe@example.com"}, Subject: subject, Text: "Grüße, Zoë"})

	got := srv.WaitFor(t, "zoe@example.com", wait)
	if got.Subject != subject {
		t.Errorf("Subject = %q, want %q", got.Subject, subject)
	}
	if got.Text != "Grüße, Zoë" {
		t.Errorf("Text = %q", got.Text)
	}
	// Headers must be 7-bit: non-ASCII goes into RFC 2047 encoded words.
	hdr, _, _ := bytes.Cut(got.Raw, []byte("\r\n\r\n"))
	for _, b := range hdr {
		if b >= 0x80 {
			t.Fatalf("raw header contains 8-bit data:\n%s", hdr)
		}
	}
}

func TestSubjectLineBreaksFlattened(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender := newSender(t, srv.URL())

	send(t, sender, mail.Message{
		To:      []string{"eve@example.com"},
		Subject: "Hello\r\nBcc: victim@example.com",
		Text:    "hi",
	})
	got := srv.WaitFor(t, "eve@example.com", wait)
	if got.Subject != "Hello Bcc: victim@example.com" {
		t.Errorf("Subject = %q", got.Subject)
	}
	if len(got.To) != 1 {
		t.Errorf("envelope recipients = %q, want only eve", got.To)
	}
}

func TestMultipleRecipients(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender := newSender(t, srv.URL())

	send(t, sender, mail.Message{To: []string{"a@example.com", "Bob <b@example.com>"}, Subject: "s", Text: "t"})
	got := srv.WaitFor(t, "b@example.com", wait)
	if strings.Join(got.To, ",") != "a@example.com,b@example.com" {
		t.Errorf("envelope To = %q", got.To)
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	const user, pass = "relay-user", "p@ss:w/rd"
	srv := mailtest.StartWithAuth(t, user, pass)
	withCreds := func(u *url.Userinfo) string {
		parsed, err := url.Parse(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		parsed.User = u
		return parsed.String()
	}
	msg := mail.Message{To: []string{"ada@example.com"}, Subject: "auth", Text: "hi"}

	t.Run("valid credentials", func(t *testing.T) {
		send(t, newSender(t, withCreds(url.UserPassword(user, pass))), msg)
		got := srv.WaitFor(t, "ada@example.com", wait)
		if got.AuthUser != user {
			t.Errorf("AuthUser = %q, want %q", got.AuthUser, user)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		err := newSender(t, withCreds(url.UserPassword(user, "nope"))).Send(t.Context(), msg)
		if err == nil {
			t.Fatal("Send succeeded with a wrong password")
		}
		// 535: a misconfigured relay is fixed by an admin, so queued mail is retried.
		if mail.IsPermanent(err) {
			t.Errorf("IsPermanent(%v) = true, want false", err)
		}
		if strings.Contains(err.Error(), "nope") {
			t.Errorf("error leaks the password: %v", err)
		}
	})
	t.Run("no credentials", func(t *testing.T) {
		err := newSender(t, srv.URL()).Send(t.Context(), msg)
		if err == nil {
			t.Fatal("Send succeeded without credentials on a server requiring auth")
		}
		if mail.IsPermanent(err) { // 530 authentication required
			t.Errorf("IsPermanent(%v) = true, want false", err)
		}
	})
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server accepted %d messages, want 1", n)
	}
}

func TestOptionalAuthAcceptsAnyCredentials(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	u, _ := url.Parse(srv.URL())
	u.User = url.UserPassword("anyone", "anything")
	send(t, newSender(t, u.String()), mail.Message{To: []string{"x@example.com"}, Subject: "s", Text: "t"})
	if got := srv.WaitFor(t, "x@example.com", wait); got.AuthUser != "anyone" {
		t.Errorf("AuthUser = %q", got.AuthUser)
	}
}

func TestSTARTTLS(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.WithSTARTTLS())
	msg := mail.Message{To: []string{"ada@example.com"}, Subject: "tls", Text: "hi"}

	send(t, newSender(t, srv.URL(), mail.WithTLSConfig(srv.ClientTLSConfig())), msg)
	if got := srv.WaitFor(t, "ada@example.com", wait); !got.TLS {
		t.Error("message was not sent over TLS although the server offers STARTTLS")
	}

	// Opportunistic means "use TLS if offered", not "ignore a bad
	// certificate": an untrusted certificate must fail, not downgrade.
	if err := newSender(t, srv.URL()).Send(t.Context(), msg); err == nil {
		t.Error("Send succeeded despite an untrusted STARTTLS certificate")
	}
}

func TestImplicitTLSWithAuth(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t, mailtest.WithImplicitTLS(), mailtest.WithAuth("u", "p"))
	if !strings.HasPrefix(srv.URL(), "smtps://") {
		t.Fatalf("URL = %q, want smtps://", srv.URL())
	}
	u, _ := url.Parse(srv.URL())
	u.User = url.UserPassword("u", "p")
	send(t, newSender(t, u.String(), mail.WithTLSConfig(srv.ClientTLSConfig())),
		mail.Message{To: []string{"ada@example.com"}, Subject: "smtps", Text: "hi"})
	got := srv.WaitFor(t, "ada@example.com", wait)
	if !got.TLS || got.AuthUser != "u" {
		t.Errorf("TLS = %v, AuthUser = %q; want true, u", got.TLS, got.AuthUser)
	}
}

func TestFailNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code          int
		wantPermanent bool
	}{
		{451, false},
		{421, false},
		{550, true},
		{554, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			srv := mailtest.Start(t)
			sender := newSender(t, srv.URL())
			msg := mail.Message{To: []string{"ada@example.com"}, Subject: "retry", Text: "hi"}

			srv.FailNext(1, tt.code)
			err := sender.Send(t.Context(), msg)
			if err == nil {
				t.Fatal("Send succeeded, want injected failure")
			}
			if got := mail.IsPermanent(err); got != tt.wantPermanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.wantPermanent)
			}
			if !strings.Contains(err.Error(), fmt.Sprint(tt.code)) {
				t.Errorf("error %q does not mention the reply code", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("failed message was recorded")
			}

			// The failure was one-shot: a retry goes through.
			send(t, sender, msg)
			srv.WaitFor(t, "ada@example.com", wait)
		})
	}
}

func TestInvalidMessagesArePermanent(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender := newSender(t, srv.URL())
	tests := map[string]mail.Message{
		"invalid recipient":         {To: []string{"not an address"}, Subject: "s", Text: "t"},
		"one of several is invalid": {To: []string{"ok@example.com", "bad@@example.com"}, Subject: "s", Text: "t"},
		"no recipients":             {Subject: "s", Text: "t"},
		"no body":                   {To: []string{"ok@example.com"}, Subject: "s"},
	}
	for name, msg := range tests {
		t.Run(name, func(t *testing.T) {
			err := sender.Send(t.Context(), msg)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if !mail.IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = false, want true", err)
			}
		})
	}
	if !errors.Is(sender.Send(t.Context(), tests["invalid recipient"]), mail.ErrInvalidAddress) {
		t.Error("invalid recipient is not ErrInvalidAddress")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want 0", n)
	}
}

// silentServer accepts connections and never says anything, like a relay
// that has hung.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	return "smtp://" + ln.Addr().String()
}

func TestContextBoundsWholeSend(t *testing.T) {
	t.Parallel()
	msg := mail.Message{To: []string{"ada@example.com"}, Subject: "s", Text: "t"}

	t.Run("deadline", func(t *testing.T) {
		sender := newSender(t, silentServer(t))
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := sender.Send(ctx, msg)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want DeadlineExceeded", err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("Send took %v after a 200ms deadline", took)
		}
		if mail.IsPermanent(err) {
			t.Error("timeout classified as permanent")
		}
	})
	t.Run("cancel", func(t *testing.T) {
		sender := newSender(t, silentServer(t))
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		err := sender.Send(ctx, msg)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want Canceled", err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("Send took %v after cancel", took)
		}
	})
	t.Run("sender timeout", func(t *testing.T) {
		sender := newSender(t, silentServer(t), mail.WithTimeout(200*time.Millisecond))
		start := time.Now()
		if err := sender.Send(t.Context(), msg); err == nil {
			t.Fatal("Send succeeded against a silent server")
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("Send took %v with a 200ms timeout", took)
		}
	})
}

func TestIsPermanent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{errors.New("connection reset"), false},
		{context.DeadlineExceeded, false},
		{&textproto.Error{Code: 421, Msg: "try later"}, false},
		{&textproto.Error{Code: 554, Msg: "no service"}, true},
		{fmt.Errorf("dial: %w", &textproto.Error{Code: 535, Msg: "bad auth"}), false},
		{&textproto.Error{Code: 530, Msg: "authentication required"}, false},
		{&textproto.Error{Code: 534, Msg: "mechanism too weak"}, false},
		{&textproto.Error{Code: 550, Msg: "no such user"}, true},
		{fmt.Errorf("x: %w", mail.ErrInvalidAddress), true},
		{errors.Join(errors.New("a"), mail.ErrInvalidMessage), true},
	}
	for _, tt := range tests {
		if got := mail.IsPermanent(tt.err); got != tt.want {
			t.Errorf("IsPermanent(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestNewSMTP(t *testing.T) {
	t.Parallel()
	valid := []string{
		"smtp://localhost:1025",
		"smtp://mail.example.com",
		"SMTP://mail.example.com:587/",
		"smtps://user:secret@mail.example.com",
		"smtps://user%40example.com:s%2Fecret@mail.example.com:465",
		"smtp://[::1]:25",
	}
	for _, raw := range valid {
		if _, err := mail.NewSMTP(raw, from); err != nil {
			t.Errorf("NewSMTP(%q): %v", raw, err)
		}
	}

	invalid := []string{
		"",
		"http://mail.example.com",
		"mail.example.com:25",
		"smtp://",
		"smtp://mail.example.com:0",
		"smtp://mail.example.com:99999",
		"smtp://mail.example.com:abc",
		"smtp://mail.example.com/path",
		"smtp://mail.example.com?tls=off",
		"smtp://:secret@mail.example.com",
		"smtp://user:secret@mail example.com",
	}
	for _, raw := range invalid {
		_, err := mail.NewSMTP(raw, from)
		if err == nil {
			t.Errorf("NewSMTP(%q) succeeded, want error", raw)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("NewSMTP(%q) error leaks the password: %v", raw, err)
		}
	}

	if _, err := mail.NewSMTP("smtp://localhost", "not an address"); !errors.Is(err, mail.ErrInvalidAddress) {
		t.Errorf("invalid from: err = %v, want ErrInvalidAddress", err)
	}
}

// A message with an ID goes out with the same Message-ID every time it is sent, so a receiver can drop a second
// copy; without one, each send gets a fresh Message-ID.
func TestMessageIDStableForGivenID(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender := newSender(t, srv.URL())
	m := mail.Message{ID: "outbox.0b6e1c7a-3f5e-4d2a-9c1b-8e7f6a5d4c3b", To: []string{"ada@example.com"}, Subject: "s", Text: "t"}
	send(t, sender, m)
	send(t, sender, m)
	m.ID = ""
	send(t, sender, m)
	var ids []string
	for range 3 {
		got := srv.WaitFor(t, "ada@example.com", wait)
		ids = append(ids, messageID(t, got.Raw))
	}
	want := "<outbox.0b6e1c7a-3f5e-4d2a-9c1b-8e7f6a5d4c3b@trcr.test>"
	if ids[0] != want || ids[1] != want {
		t.Errorf("Message-IDs of the same message: %q, want %q twice", ids[:2], want)
	}
	if ids[2] == want || ids[2] == "" {
		t.Errorf("Message-ID without an ID: %q", ids[2])
	}

	m.ID = "bad id>\r\nBcc: eve@example.com"
	if err := sender.Send(t.Context(), m); !mail.IsPermanent(err) {
		t.Errorf("Send with a malformed ID: %v, want a permanent error", err)
	}
}

func messageID(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse message: %v", err)
	}
	return msg.Header.Get("Message-ID")
}
