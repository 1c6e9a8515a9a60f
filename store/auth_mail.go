package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	trmail "github.com/trcr/trcr/store/mail"
)

// Kinds of queued account emails.
const (
	authMailResetPassword = "reset_password"
	authMailLoginLocked   = "login_locked"
)

// queueAuthMail records an account email to be written by the worker. The caller pays for one insert whether or
// not an account has this address, so the answer's timing cannot tell.
func (s *Store) queueAuthMail(ctx context.Context, tx *sqlx.Tx, kind, email string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO auth_mail_requests (kind, email) VALUES ($1, $2)`, kind, email); err != nil {
		return fmt.Errorf("queue %s email: %w", kind, err)
	}
	s.wakeAuthMail()
	return nil
}

// wakeAuthMail tells this process's worker that a request is waiting; workers of other processes find it on their
// next poll.
func (s *Store) wakeAuthMail() {
	select {
	case s.authMailWake <- struct{}{}:
	default:
	}
}

// ProcessAuthMail writes the emails of every queued request (each in its own transaction, locked while it is
// handled so that workers of several processes share the queue) and returns how many it handled.
func (s *Store) ProcessAuthMail(ctx context.Context) (int, error) {
	n := 0
	for {
		handled := false
		err := s.withTx(ctx, func(tx *sqlx.Tx) error {
			var r struct {
				ID    int64  `db:"id"`
				Kind  string `db:"kind"`
				Email string `db:"email"`
			}
			err := tx.GetContext(ctx, &r, `SELECT id, kind, email FROM auth_mail_requests ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			handled = true
			switch r.Kind {
			case authMailResetPassword:
				err = s.sendPasswordReset(ctx, tx, r.Email)
			case authMailLoginLocked:
				err = s.sendLoginLocked(ctx, tx, r.Email)
			}
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `DELETE FROM auth_mail_requests WHERE id = $1`, r.ID)
			return err
		})
		if err != nil || !handled {
			return n, err
		}
		n++
	}
}

// RunAuthMail handles queued account emails until ctx ends: at once when this process queued one, else every
// interval. It runs on every process, with or without SMTP (the emails land in the outbox).
func (s *Store) RunAuthMail(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.ProcessAuthMail(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("account emails", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-s.authMailWake:
		case <-t.C:
		}
	}
}

// sendLoginLocked tells the owner of an account that it was locked after failed sign-ins, if the account exists.
func (s *Store) sendLoginLocked(ctx context.Context, tx *sqlx.Tx, email string) error {
	var u User
	err := tx.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1)`, email)
	if errors.Is(notFoundIfNoRows(err, ""), ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	msg, err := trmail.LoginLocked(u.Email, u.Name, int(loginFailureWindow/time.Minute), s.pageURL("/forgot-password"))
	if err != nil {
		return err
	}
	return enqueueEmail(ctx, tx, nil, msg)
}
