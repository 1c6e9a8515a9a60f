package store_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/mail"
	"github.com/trcr/trcr/store/mail/mailtest"
	"github.com/trcr/trcr/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func newStore(t *testing.T) (*store.Store, *sqlx.DB) {
	t.Helper()
	db, err := sqlx.Open("postgres", storetest.New(t, migrations.Checksum(), migrations.Up))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return testStore(db), db
}

func smtpSender(t *testing.T, srv *mailtest.Server) mail.Sender {
	t.Helper()
	s, err := mail.NewSMTP(srv.URL(), "TRCR <no-reply@trcr.example>")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The account emails travel from the outbox to a real SMTP server with absolute links from the base URL.
func TestOutbox_AccountEmailsReachSMTP(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	srv := mailtest.Start(t)
	sender := smtpSender(t, srv)
	ctx := context.Background()

	owner, err := s.Register(ctx, store.RegisterInput{Email: "owner@example.com", Password: "secret123", Name: "Olga Owner"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ForgotPassword(ctx, "owner@example.com", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ProcessAuthMail(ctx); err != nil { // the server's background worker writes the reset email
		t.Fatal(err)
	}
	name := "Mail Co"
	org, err := s.CreateOrganization(ctx, owner.User.ID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.ActorFor(ctx, owner.User.ID, org.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	db.MustExec(`UPDATE users SET email_verified_at = now() WHERE id = $1`, owner.User.ID) // only verified accounts invite
	if _, err := s.Invite(ctx, a, store.InviteInput{Email: "guest@example.com"}); err != nil {
		t.Fatal(err)
	}

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.RunMailer(runCtx, sender, 50*time.Millisecond); close(done) }()
	defer func() { stop(); <-done }()

	verify := srv.WaitFor(t, "owner@example.com", 10*time.Second)
	invite := srv.WaitFor(t, "guest@example.com", 10*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for len(srv.Messages()) < 3 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	var subjects []string
	for _, m := range srv.Messages() {
		subjects = append(subjects, m.Subject)
	}
	if len(subjects) != 3 {
		t.Fatalf("want 3 emails, got %v", subjects)
	}
	if !strings.Contains(verify.Text+verify.HTML, "https://trcr.example/") {
		t.Errorf("verification email lacks an absolute link: %q", verify.Text)
	}
	if !strings.Contains(invite.Subject, "Mail Co") || !strings.Contains(invite.Text, "https://trcr.example/invitations/accept?token=") || invite.HTML == "" {
		t.Errorf("invitation: %q %q", invite.Subject, invite.Text)
	}
	reset := false
	for _, m := range srv.Messages() {
		reset = reset || strings.Contains(m.Text, "https://trcr.example/reset-password?token=")
	}
	if !reset {
		t.Errorf("no reset email among %v", subjects)
	}
	// Each was delivered once and is marked sent. The mailer records a delivery after the relay's answer, a
	// moment after the relay has the email.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var pending int
		if err := db.Get(&pending, `SELECT count(*) FROM email_outbox WHERE status = 'pending'`); err != nil || pending == 0 {
			break
		}
	}
	emails, err := s.OutboxEmails(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range emails {
		if e.Status != "sent" || e.SentAt == nil || e.Attempts != 1 {
			t.Errorf("email %q: status %s attempts %d", e.Subject, e.Status, e.Attempts)
		}
	}
}

func TestOutbox_TemporaryFailureRetriesPermanentFailureStops(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	srv := mailtest.Start(t)
	sender := smtpSender(t, srv)
	ctx := context.Background()
	if _, err := s.Register(ctx, store.RegisterInput{Email: "retry@example.com", Password: "secret123", Name: "Retry"}); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, 451)
	if sent, err := s.DeliverNextEmail(ctx, sender); err != nil || !sent {
		t.Fatalf("deliver: %v %v", sent, err)
	}
	var e struct {
		Status   string    `db:"status"`
		Attempts int       `db:"attempts"`
		Next     time.Time `db:"next_attempt_at"`
	}
	if err := db.Get(&e, `SELECT status, attempts, next_attempt_at FROM email_outbox`); err != nil {
		t.Fatal(err)
	}
	if e.Status != "pending" || e.Attempts != 1 || time.Until(e.Next) < 20*time.Second {
		t.Fatalf("after a 451: %+v", e)
	}
	// Not due yet: nothing to send.
	if sent, _ := s.DeliverNextEmail(ctx, sender); sent {
		t.Fatal("retried before its backoff")
	}
	if _, err := db.Exec(`UPDATE email_outbox SET next_attempt_at = now()`); err != nil {
		t.Fatal(err)
	}
	if sent, err := s.DeliverNextEmail(ctx, sender); err != nil || !sent {
		t.Fatalf("second attempt: %v %v", sent, err)
	}
	srv.WaitFor(t, "retry@example.com", 5*time.Second)

	if _, err := s.Register(ctx, store.RegisterInput{Email: "bounce@example.com", Password: "secret123", Name: "Bounce"}); err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, 550)
	if _, err := s.DeliverNextEmail(ctx, sender); err != nil {
		t.Fatal(err)
	}
	var status string
	if err := db.Get(&status, `SELECT status FROM email_outbox WHERE 'bounce@example.com' = ANY(to_addresses)`); err != nil || status != "failed" {
		t.Fatalf("after a 550: %q %v", status, err)
	}
}

// A relay refusing our credentials (535) is a misconfiguration an admin fixes: the email waits with backoff and
// goes out once the credentials are right, instead of failing for good.
func TestOutbox_RelayAuthFailureIsRetried(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	srv := mailtest.StartWithAuth(t, "relay", "right")
	ctx := context.Background()
	senderWith := func(pass string) mail.Sender {
		u, err := url.Parse(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword("relay", pass)
		sender, err := mail.NewSMTP(u.String(), "TRCR <no-reply@trcr.example>")
		if err != nil {
			t.Fatal(err)
		}
		return sender
	}
	if _, err := s.Register(ctx, store.RegisterInput{Email: "auth@example.com", Password: "secret123", Name: "Auth"}); err != nil {
		t.Fatal(err)
	}
	if sent, err := s.DeliverNextEmail(ctx, senderWith("wrong")); err != nil || !sent {
		t.Fatalf("deliver: %v %v", sent, err)
	}
	var e struct {
		Status    string    `db:"status"`
		Attempts  int       `db:"attempts"`
		LastError string    `db:"last_error"`
		Next      time.Time `db:"next_attempt_at"`
	}
	if err := db.Get(&e, `SELECT status, attempts, last_error, next_attempt_at FROM email_outbox`); err != nil {
		t.Fatal(err)
	}
	if e.Status != "pending" || e.Attempts != 1 || !strings.Contains(e.LastError, "535") || time.Until(e.Next) < 20*time.Second {
		t.Fatalf("after a 535: %+v", e)
	}
	if _, err := db.Exec(`UPDATE email_outbox SET next_attempt_at = now()`); err != nil {
		t.Fatal(err)
	}
	if sent, err := s.DeliverNextEmail(ctx, senderWith("right")); err != nil || !sent {
		t.Fatalf("after fixing the credentials: %v %v", sent, err)
	}
	srv.WaitFor(t, "auth@example.com", 5*time.Second)
	if err := db.Get(&e.Status, `SELECT status FROM email_outbox`); err != nil || e.Status != "sent" {
		t.Fatalf("status %q %v", e.Status, err)
	}
}

// Two mailers sharing the outbox send each email exactly once.
func TestOutbox_ConcurrentMailersSendEachEmailOnce(t *testing.T) {
	t.Parallel()
	s, _ := newStore(t)
	srv := mailtest.Start(t)
	ctx := context.Background()
	for i := 0; i < 12; i++ {
		if err := s.ForgotPassword(ctx, "nobody@example.com", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Register(ctx, store.RegisterInput{Email: strings.Repeat("x", i+1) + "@example.com", Password: "secret123", Name: "X"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sender := smtpSender(t, srv)
			for {
				sent, err := s.DeliverNextEmail(ctx, sender)
				if err != nil {
					t.Error(err)
					return
				}
				if !sent {
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(srv.Messages()); n != 12 {
		t.Fatalf("%d emails delivered, want 12", n)
	}
}
