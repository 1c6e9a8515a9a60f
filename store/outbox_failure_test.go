package store_test

import (
	"bytes"
	"context"
	"errors"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/mail"
	"github.com/trcr/trcr/store/mail/mailtest"
)

type outboxRow struct {
	ID            string     `db:"id"`
	Status        string     `db:"status"`
	Attempts      int        `db:"attempts"`
	LastError     string     `db:"last_error"`
	LastAttemptAt *time.Time `db:"last_attempt_at"`
	Next          time.Time  `db:"next_attempt_at"`
	Now           time.Time  `db:"now"`
}

const outboxRowQuery = `SELECT id, status, attempts, last_error, last_attempt_at, next_attempt_at, now() AS now FROM email_outbox`

// crashAfterSend hands the email to the relay and then dies, like a process killed (or a database lost) between
// the relay's acceptance and the commit of the outcome.
type crashAfterSend struct {
	relay  mail.Sender
	during func()
}

var errCrash = errors.New("crashed after the relay accepted the email")

func (c crashAfterSend) Send(ctx context.Context, m mail.Message) error {
	if err := c.relay.Send(ctx, m); err != nil {
		return err
	}
	c.during()
	panic(errCrash)
}

// An email whose outcome was never recorded is known to have been attempted, is not sent again while its claim
// lasts, and is sent again afterwards with the same Message-ID, so the receiver can drop the copy.
func TestOutbox_ResendAfterCrashKeepsMessageID(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	srv := mailtest.Start(t)
	sender := smtpSender(t, srv)
	ctx := context.Background()
	if _, err := s.Register(ctx, store.RegisterInput{Email: "twice@example.com", Password: "secret123", Name: "Twice"}); err != nil {
		t.Fatal(err)
	}

	var during outboxRow
	crashing := crashAfterSend{relay: sender, during: func() {
		if err := db.Get(&during, outboxRowQuery); err != nil {
			t.Fatal(err)
		}
	}}
	func() {
		defer func() {
			if p := recover(); p != errCrash {
				t.Fatalf("DeliverNextEmail: panic %v, want the simulated crash", p)
			}
		}()
		_, _ = s.DeliverNextEmail(ctx, crashing)
	}()
	if during.Attempts != 1 || during.LastAttemptAt == nil || !during.Next.After(during.Now.Add(time.Minute)) {
		t.Fatalf("while sending, the attempt is not committed: %+v", during)
	}
	var after outboxRow
	if err := db.Get(&after, outboxRowQuery); err != nil {
		t.Fatal(err)
	}
	if after.Status != "pending" || after.Attempts != 1 {
		t.Fatalf("after the crash: %+v", after)
	}
	if sent, err := s.DeliverNextEmail(ctx, sender); err != nil || sent {
		t.Fatalf("sent again while its claim lasts: %v %v", sent, err)
	}

	// The claim runs out.
	if _, err := db.Exec(`UPDATE email_outbox SET next_attempt_at = now()`); err != nil {
		t.Fatal(err)
	}
	if sent, err := s.DeliverNextEmail(ctx, sender); err != nil || !sent {
		t.Fatalf("resend: %v %v", sent, err)
	}
	first := srv.WaitFor(t, "twice@example.com", 5*time.Second)
	second := srv.WaitFor(t, "twice@example.com", 5*time.Second)
	want := "<" + after.ID + "@trcr.example>"
	if id1, id2 := headerOf(t, first.Raw, "Message-ID"), headerOf(t, second.Raw, "Message-ID"); id1 != want || id2 != want {
		t.Errorf("Message-IDs %q and %q, want %q for both", id1, id2, want)
	}
	if err := db.Get(&after, outboxRowQuery); err != nil || after.Status != "sent" || after.Attempts != 2 {
		t.Fatalf("after the resend: %+v %v", after, err)
	}
}

func headerOf(t *testing.T, raw []byte, name string) string {
	t.Helper()
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return msg.Header.Get(name)
}

// A slow failure is retried firstRetryDelay after the attempt ended, not after it began (which could already
// be past when the failure is recorded).
func TestOutbox_RetryIsDueAfterTheEndOfTheAttempt(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	relay := mailtest.StartHung(t)
	const sendTimeout = 1500 * time.Millisecond
	sender, err := mail.NewSMTP(relay.URL(), "TRCR <no-reply@trcr.example>", mail.WithTimeout(sendTimeout))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Register(ctx, store.RegisterInput{Email: "slow@example.com", Password: "secret123", Name: "Slow"}); err != nil {
		t.Fatal(err)
	}
	var before time.Time
	if err := db.Get(&before, `SELECT now()`); err != nil {
		t.Fatal(err)
	}
	if sent, err := s.DeliverNextEmail(ctx, sender); err != nil || !sent {
		t.Fatalf("deliver: %v %v", sent, err)
	}
	var row outboxRow
	if err := db.Get(&row, outboxRowQuery); err != nil {
		t.Fatal(err)
	}
	earliest := before.Add(sendTimeout + 30*time.Second)
	if row.Status != "pending" || row.Attempts != 1 || row.Next.Before(earliest) {
		t.Fatalf("after a %v failure: next attempt %v, want at or after %v (%+v)", sendTimeout, row.Next, earliest, row)
	}
}

// Stopping the mailer abandons a send to a relay that hangs instead of waiting for the send timeout; the attempt
// is recorded, so the email is retried later.
func TestOutbox_StoppingTheMailerAbandonsAHungSend(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	relay := mailtest.StartHung(t)
	sender, err := mail.NewSMTP(relay.URL(), "TRCR <no-reply@trcr.example>") // the default 60 s timeout
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Register(context.Background(), store.RegisterInput{Email: "hung@example.com", Password: "secret123", Name: "Hung"}); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.RunMailer(ctx, sender, 50*time.Millisecond); close(done) }()
	relay.WaitForConnection(t, 10*time.Second)
	stopped := time.Now()
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the mailer did not stop within 5 s of its context ending")
	}
	t.Logf("mailer stopped %v after cancel", time.Since(stopped).Round(time.Millisecond))
	var row outboxRow
	if err := db.Get(&row, outboxRowQuery); err != nil {
		t.Fatal(err)
	}
	if row.Status != "pending" || row.Attempts != 1 || !strings.Contains(row.LastError, "context canceled") {
		t.Fatalf("abandoned email: %+v", row)
	}
}
