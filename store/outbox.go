package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/mail"
)

// Delivery policy of the outbox.
const (
	maxEmailAttempts = 8
	firstRetryDelay  = 30 * time.Second
	maxRetryDelay    = 6 * time.Hour
)

// enqueueEmail writes an email to the outbox inside the transaction of the change that causes it, so the email
// exists if and only if the change committed.
func enqueueEmail(ctx context.Context, tx *sqlx.Tx, orgID *string, m mail.Message) error {
	att, err := json.Marshal(m.Attachments)
	if err != nil {
		return err
	}
	if m.Attachments == nil {
		att = []byte("[]")
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO email_outbox (organization_id, to_addresses, subject, text_body, html_body, attachments)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		orgID, pq.Array(m.To), m.Subject, m.Text, m.HTML, att)
	if err != nil {
		return fmt.Errorf("enqueue email: %w", err)
	}
	return nil
}

// OutboxEmail is one email of the outbox.
type OutboxEmail struct {
	ID          string         `db:"id"`
	To          pq.StringArray `db:"to_addresses"`
	Subject     string         `db:"subject"`
	Text        string         `db:"text_body"`
	HTML        string         `db:"html_body"`
	Attachments []byte         `db:"attachments"`
	Status      string         `db:"status"`
	Attempts    int            `db:"attempts"`
	LastError   string         `db:"last_error"`
	SentAt      *time.Time     `db:"sent_at"`
	CreatedAt   time.Time      `db:"created_at"`
}

const outboxColumns = `id, to_addresses, subject, text_body, html_body, attachments, status, attempts, last_error, sent_at, created_at`

// DeliverNextEmail sends the oldest due email, if any, and reports whether there was one. The row stays locked
// while it is sent, so with several servers each email is sent by one of them; a failure schedules a retry with
// exponential backoff, and a permanent failure or the last attempt marks it failed.
func (s *Store) DeliverNextEmail(ctx context.Context, sender mail.Sender) (bool, error) {
	found := false
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var e OutboxEmail
		err := tx.GetContext(ctx, &e, `
			SELECT `+outboxColumns+` FROM email_outbox
			WHERE status = 'pending' AND next_attempt_at <= now()
			ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED`)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		msg := mail.Message{To: e.To, Subject: e.Subject, Text: e.Text, HTML: e.HTML}
		if err := json.Unmarshal(e.Attachments, &msg.Attachments); err != nil {
			return fmt.Errorf("outbox attachments: %w", err)
		}
		sendErr := sender.Send(ctx, msg)
		attempts := e.Attempts + 1
		switch {
		case sendErr == nil:
			_, err = tx.ExecContext(ctx, `
				UPDATE email_outbox SET status = 'sent', attempts = $2, sent_at = now(), last_error = '' WHERE id = $1`, e.ID, attempts)
		case mail.IsPermanent(sendErr) || attempts >= maxEmailAttempts:
			s.log.Error("email failed for good", "id", e.ID, "attempts", attempts, "err", sendErr)
			_, err = tx.ExecContext(ctx, `
				UPDATE email_outbox SET status = 'failed', attempts = $2, last_error = $3 WHERE id = $1`, e.ID, attempts, sendErr.Error())
		default:
			delay := retryDelay(attempts)
			s.log.Warn("email not sent, will retry", "id", e.ID, "attempts", attempts, "in", delay, "err", sendErr)
			_, err = tx.ExecContext(ctx, `
				UPDATE email_outbox SET attempts = $2, last_error = $3, next_attempt_at = now() + $4 * interval '1 second'
				WHERE id = $1`, e.ID, attempts, sendErr.Error(), delay.Seconds())
		}
		return err
	})
	return found, err
}

// retryDelay doubles from firstRetryDelay after each attempt, up to maxRetryDelay.
func retryDelay(attempts int) time.Duration {
	d := time.Duration(float64(firstRetryDelay) * math.Pow(2, float64(attempts-1)))
	if d > maxRetryDelay || d <= 0 {
		return maxRetryDelay
	}
	return d
}

// RunMailer delivers due emails until ctx ends, polling every interval when the outbox is empty. An email being
// sent when ctx ends is finished first, so a shutdown never leaves one half-recorded.
func (s *Store) RunMailer(ctx context.Context, sender mail.Sender, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			// Sending runs detached from ctx so a shutdown lets the current email complete.
			sent, err := s.DeliverNextEmail(context.WithoutCancel(ctx), sender)
			if err != nil {
				s.log.Error("mailer", "err", err)
				break
			}
			if !sent {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// OutboxEmails lists the newest emails of the outbox, for the development mailbox shown when no SMTP server is
// configured.
func (s *Store) OutboxEmails(ctx context.Context, limit int) ([]OutboxEmail, error) {
	out := []OutboxEmail{}
	err := s.db.SelectContext(ctx, &out, `SELECT `+outboxColumns+` FROM email_outbox ORDER BY created_at DESC LIMIT $1`, limit)
	return out, err
}

// OutboxEmail returns one email of the outbox, for the development mailbox.
func (s *Store) OutboxEmail(ctx context.Context, id string) (OutboxEmail, error) {
	var e OutboxEmail
	if !validID(id) {
		return e, fmt.Errorf("email: %w", ErrNotFound)
	}
	err := s.db.GetContext(ctx, &e, `SELECT `+outboxColumns+` FROM email_outbox WHERE id = $1`, id)
	return e, notFoundIfNoRows(err, "email")
}
