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
	a, err := s.resolveActor(ctx, userID, orgID, ip)
	if errors.Is(err, errUserGone) {
		return Actor{}, fmt.Errorf("user: %w", ErrNotFound)
	}
	return a, err
}

// errUserGone is resolveActor's answer for a user who does not exist (any more).
var errUserGone = errors.New("user does not exist")

// actorQuery reads, in one statement, that the user exists, the organization the request acts in (the one named,
// else the default, else the newest active membership) and the user's active membership of it.
const actorQuery = `
	SELECT u.name, o.org_id, m.id AS member_id, m.role
	FROM users u
	CROSS JOIN LATERAL (SELECT COALESCE($2::uuid, u.default_org_id, (
		SELECT organization_id FROM members
		WHERE user_id = u.id AND status = 'active' ORDER BY updated_at DESC LIMIT 1)) AS org_id) o
	LEFT JOIN members m ON m.organization_id = o.org_id AND m.user_id = u.id AND m.status = 'active'
	WHERE u.id = $1`

// resolveActor is ActorFor answering errUserGone when the user does not exist. It reads through the
// authentication cache.
func (s *Store) resolveActor(ctx context.Context, userID, orgID, ip string) (Actor, error) {
	if orgID != "" && !validID(orgID) {
		return Actor{}, fmt.Errorf("organization: %w", ErrNotFound)
	}
	if !validID(userID) {
		return Actor{}, errUserGone
	}
	now := s.now()
	if a, ok := s.auth.actor(userID, orgID, now); ok {
		a.IP = ip
		return a, nil
	}
	var row struct {
		Name     string         `db:"name"`
		OrgID    sql.NullString `db:"org_id"`
		MemberID sql.NullString `db:"member_id"`
		Role     sql.NullString `db:"role"`
	}
	switch err := s.getPrepared(ctx, &row, actorQuery, userID, nilIfEmpty(orgID)); {
	case isNoRows(err):
		return Actor{}, errUserGone
	case err != nil:
		return Actor{}, err
	}
	if !row.OrgID.Valid {
		return Actor{}, ErrNoOrganization
	}
	if !row.MemberID.Valid {
		return Actor{}, fmt.Errorf("organization: %w", ErrNotFound)
	}
	a := Actor{UserID: userID, UserName: row.Name, OrgID: row.OrgID.String, MemberID: row.MemberID.String, Role: row.Role.String}
	s.auth.rememberActor(orgID, a, now)
	a.IP = ip
	return a, nil
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
