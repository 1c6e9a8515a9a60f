package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/mail"
)

// What keeps TRCR from being a free relay for spam: only verified accounts email addresses of their choosing
// (invoices, invitations), each organization has an hourly and a daily quota of such recipients, and invitations
// have their own, lower limit because each one names an address the inviter picked.

// Invitations an organization may send, per clock hour and per UTC day.
const (
	invitationsPerHour = 20
	invitationsPerDay  = 100
)

// ErrEmailNotVerified refuses to email on behalf of a user whose own address is unverified: anyone can register
// with a made-up address.
var ErrEmailNotVerified = forbidden("verify your email address first: only verified accounts can send invoices and invitations")

// requireVerifiedEmail answers ErrEmailNotVerified unless the user has verified their email address.
func requireVerifiedEmail(ctx context.Context, q sqlx.QueryerContext, userID string) error {
	var verified bool
	err := sqlx.GetContext(ctx, q, &verified, `SELECT email_verified_at IS NOT NULL FROM users WHERE id = $1`, userID)
	if err != nil {
		return notFoundIfNoRows(err, "user")
	}
	if !verified {
		return ErrEmailNotVerified
	}
	return nil
}

// limitInvitations counts one invitation of the actor's organization against its hourly and daily limits. It
// counts attempts, outside the invitation's transaction, as login limits do.
func (s *Store) limitInvitations(ctx context.Context, orgID string) error {
	if err := s.charge(ctx, s.db, "invite-hour:"+orgID, 1, invitationsPerHour, time.Hour,
		fmt.Sprintf("the organization sent its %d invitations of this hour", invitationsPerHour)); err != nil {
		return err
	}
	return s.charge(ctx, s.db, "invite-day:"+orgID, 1, invitationsPerDay, 24*time.Hour,
		fmt.Sprintf("the organization sent its %d invitations of today", invitationsPerDay))
}

// enqueueOrgEmail writes an email the organization sends to addresses of its choosing (an invoice, an
// invitation) to the outbox, after charging its recipients to the organization's hourly and daily quotas. The
// charge is part of tx: an email over quota changes nothing, and one rolled back for another reason is not
// counted. Notifications, which go only to the organization's own members, use enqueueEmail and are not charged:
// a busy team's notifications must not use up the quota its invoices need.
func (s *Store) enqueueOrgEmail(ctx context.Context, tx *sqlx.Tx, orgID string, m mail.Message) error {
	n := len(m.To)
	if err := s.charge(ctx, tx, "org-email-hour:"+orgID, n, s.cfg.OrgEmailsPerHour, time.Hour,
		fmt.Sprintf("the organization reached its quota of %d email recipients an hour", s.cfg.OrgEmailsPerHour)); err != nil {
		return err
	}
	if err := s.charge(ctx, tx, "org-email-day:"+orgID, n, s.cfg.OrgEmailsPerDay, 24*time.Hour,
		fmt.Sprintf("the organization reached its quota of %d email recipients a day", s.cfg.OrgEmailsPerDay)); err != nil {
		return err
	}
	return enqueueEmail(ctx, tx, &orgID, m)
}
