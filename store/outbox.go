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
	// maxSendTime bounds one attempt to hand an email to the relay.
	maxSendTime = 2 * time.Minute
	// claimTime is how long other mailers leave an email alone once an attempt on it started. It outlasts
	// maxSendTime, so an email is claimed again only when its mailer died or could not record the outcome.
	claimTime = 5 * time.Minute
	// recordTime bounds recording an outcome, which goes on when the mailer is being stopped.
	recordTime = 10 * time.Second
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
	ID            string         `db:"id"`
	To            pq.StringArray `db:"to_addresses"`
	Subject       string         `db:"subject"`
	Text          string         `db:"text_body"`
	HTML          string         `db:"html_body"`
	Attachments   []byte         `db:"attachments"`
	Status        string         `db:"status"`
	Attempts      int            `db:"attempts"`
	LastError     string         `db:"last_error"`
	LastAttemptAt *time.Time     `db:"last_attempt_at"`
	SentAt        *time.Time     `db:"sent_at"`
	CreatedAt     time.Time      `db:"created_at"`
}

const outboxColumns = `id, to_addresses, subject, text_body, html_body, attachments, status, attempts, last_error, last_attempt_at, sent_at, created_at`

// DeliverNextEmail sends the oldest due email, if any, and reports whether there was one.
//
// Delivery is at least once. The attempt is committed before the relay is contacted (attempts counted,
// last_attempt_at set, the email not due again for claimTime), then the email is sent, then the outcome is
// committed. Should the process or the database fail between the relay's acceptance and that last commit, the
// claim runs out and the email goes out again with the same Message-ID, derived from its row, by which
// receivers drop the copy. Two mailers never send one email at once, since a claimed email is not due. A failure
// schedules a retry with exponential backoff from the end of the attempt; a permanent failure or the last
// attempt marks the email failed. When ctx ends during the send, the send is abandoned and recorded as a failed
// attempt, to be retried.
func (s *Store) DeliverNextEmail(ctx context.Context, sender mail.Sender) (bool, error) {
	var e OutboxEmail
	err := s.db.GetContext(ctx, &e, `
		UPDATE email_outbox SET attempts = attempts + 1, last_attempt_at = now(), next_attempt_at = now() + $1 * interval '1 second'
		WHERE id = (
			SELECT id FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= now()
			ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING `+outboxColumns, claimTime.Seconds())
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim email: %w", err)
	}
	sendErr := sendOutboxEmail(ctx, sender, e)
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTime)
	defer cancel()
	return true, s.recordDelivery(recordCtx, e, sendErr)
}

func sendOutboxEmail(ctx context.Context, sender mail.Sender, e OutboxEmail) error {
	msg := mail.Message{ID: e.ID, To: e.To, Subject: e.Subject, Text: e.Text, HTML: e.HTML}
	if err := json.Unmarshal(e.Attachments, &msg.Attachments); err != nil {
		return fmt.Errorf("%w: outbox attachments: %v", mail.ErrInvalidMessage, err)
	}
	ctx, cancel := context.WithTimeout(ctx, maxSendTime)
	defer cancel()
	return sender.Send(ctx, msg)
}

// recordDelivery commits the outcome of the attempt that claimed e, unless the email was claimed again since.
// A retry is due retryDelay after the attempt ended: clock_timestamp() is the time of this statement, after
// the send, whatever transaction it may one day run in.
func (s *Store) recordDelivery(ctx context.Context, e OutboxEmail, sendErr error) error {
	var err error
	switch {
	case sendErr == nil:
		_, err = s.db.ExecContext(ctx, `
			UPDATE email_outbox SET status = 'sent', sent_at = clock_timestamp(), last_error = ''
			WHERE id = $1 AND attempts = $2`, e.ID, e.Attempts)
	case mail.IsPermanent(sendErr) || e.Attempts >= maxEmailAttempts:
		s.log.Error("email failed for good", "id", e.ID, "attempts", e.Attempts, "err", sendErr)
		_, err = s.db.ExecContext(ctx, `
			UPDATE email_outbox SET status = 'failed', last_error = $3 WHERE id = $1 AND attempts = $2`,
			e.ID, e.Attempts, sendErr.Error())
	default:
		delay := retryDelay(e.Attempts)
		s.log.Warn("email not sent, will retry", "id", e.ID, "attempts", e.Attempts, "in", delay, "err", sendErr)
		_, err = s.db.ExecContext(ctx, `
			UPDATE email_outbox SET last_error = $3, next_attempt_at = clock_timestamp() + $4 * interval '1 second'
			WHERE id = $1 AND attempts = $2`, e.ID, e.Attempts, sendErr.Error(), delay.Seconds())
	}
	if err != nil {
		return fmt.Errorf("record email %s: %w", e.ID, err)
	}
	return nil
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
// sent when ctx ends is abandoned, so a relay that hangs cannot hold up a shutdown; its attempt is recorded and
// it is sent again later, with the same Message-ID.
func (s *Store) RunMailer(ctx context.Context, sender mail.Sender, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			sent, err := s.DeliverNextEmail(ctx, sender)
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
