package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/vocab"
)

// Organization roles (aliases kept for existing callers; new code uses vocab).
const (
	RoleOwner  = vocab.RoleOwner
	RoleAdmin  = vocab.RoleAdmin
	RoleMember = vocab.RoleMember
)

// Actor is who performs a use case: a user acting within one organization, with the role they hold there.
// Use cases check permissions against it; front ends build it once per request with ActorFor.
type Actor struct {
	UserID   string
	UserName string
	OrgID    string
	MemberID string
	Role     string
	IP       string
}

// IsAdmin reports whether the actor is an owner or admin of its organization. Use cases and pages ask
// Permissions what the actor may do; the role itself is for Permissions and for display.
func (a Actor) IsAdmin() bool { return a.Role == RoleOwner || a.Role == RoleAdmin }

// IsOwner reports whether the actor owns its organization.
func (a Actor) IsOwner() bool { return a.Role == RoleOwner }

// validID reports whether s is a UUID; ids that are not cannot exist, so callers answer not found.
func validID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil
}

// ActorFor resolves the organization a request acts in: orgID when given (the X-Organization-ID header or a
// path), else the user's default organization. The user must be an active member of it.
func (s *Store) ActorFor(ctx context.Context, userID, orgID, ip string) (Actor, error) {
	if orgID == "" {
		var def sql.NullString
		err := s.db.GetContext(ctx, &def, `SELECT default_org_id FROM users WHERE id = $1`, userID)
		if err != nil {
			return Actor{}, notFoundIfNoRows(err, "user")
		}
		if !def.Valid {
			// The default may have been removed; fall back to any active membership, newest first.
			err := s.db.GetContext(ctx, &def, `
				SELECT organization_id FROM members
				WHERE user_id = $1 AND status = 'active' ORDER BY updated_at DESC LIMIT 1`, userID)
			if errors.Is(err, sql.ErrNoRows) {
				return Actor{}, ErrNoOrganization
			}
			if err != nil {
				return Actor{}, err
			}
		}
		orgID = def.String
	}
	return loadActor(ctx, s.db, userID, orgID, ip)
}

// loadActor reads the caller's membership of orgID; a user who is not an active member gets ErrNotFound so an
// organization's existence is never revealed.
func loadActor(ctx context.Context, q sqlx.QueryerContext, userID, orgID, ip string) (Actor, error) {
	if !validID(orgID) {
		return Actor{}, fmt.Errorf("organization: %w", ErrNotFound)
	}
	a := Actor{UserID: userID, OrgID: orgID, IP: ip}
	err := q.QueryRowxContext(ctx, `
		SELECT m.id, m.role, u.name FROM members m JOIN users u ON u.id = m.user_id
		WHERE m.organization_id = $1 AND m.user_id = $2 AND m.status = 'active'`, orgID, userID,
	).Scan(&a.MemberID, &a.Role, &a.UserName)
	if err != nil {
		return Actor{}, notFoundIfNoRows(err, "organization")
	}
	return a, nil
}
