package store

import "context"

// DevMailboxPage is what the development mailbox shows: the latest emails of the outbox, and the one opened.
type DevMailboxPage struct {
	Emails   []OutboxEmail // newest first
	Selected *OutboxEmail  // nil when none is opened
}

// DevMailboxPage reads the latest limit emails of the outbox and, when id is not "", the email opened (not found:
// ErrNotFound). It is for the development mailbox only, which the server mounts without SMTP for loopback peers.
func (s *Store) DevMailboxPage(ctx context.Context, limit int, id string) (DevMailboxPage, error) {
	var p DevMailboxPage
	var err error
	if p.Emails, err = s.OutboxEmails(ctx, limit); err != nil {
		return DevMailboxPage{}, err
	}
	if id != "" {
		e, err := s.OutboxEmail(ctx, id)
		if err != nil {
			return DevMailboxPage{}, err
		}
		p.Selected = &e
	}
	return p, nil
}
