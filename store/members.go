package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	trmail "github.com/trcr/trcr/store/mail"
	"github.com/trcr/trcr/store/vocab"
)

// Member is a user's place in an organization, or an invitation to one.
type Member struct {
	ID             string    `db:"id" json:"id"`
	OrganizationID string    `db:"organization_id" json:"organization_id"`
	UserID         *string   `db:"user_id" json:"user_id"`
	Email          string    `db:"email" json:"email"`
	Name           string    `db:"name" json:"name"`
	Role           string    `db:"role" json:"role"`
	Status         string    `db:"status" json:"status"`
	CostRate       int64     `db:"cost_rate" json:"cost_rate"`
	AvatarKey      *string   `db:"avatar_key" json:"-"`
	AvatarURL      *string   `db:"-" json:"avatar_url"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time `db:"updated_at" json:"updated_at"`
}

// Member statuses (aliases kept for existing callers; new code uses vocab).
const (
	MemberInvited = vocab.MemberInvited
	MemberActive  = vocab.MemberActive
)

// memberSelect reads members with their accounts. An invitation shows nothing of the account its address may
// already belong to (no user id, name or avatar, and its name is not searched or sorted on) until it is
// accepted: otherwise inviting an address would tell whether, and as whom, it is registered.
const memberSelect = `
	SELECT m.id, m.organization_id, u.id AS user_id, m.email, coalesce(u.name, '') AS name, m.role, m.status, m.cost_rate,
		u.avatar_key, m.created_at, m.updated_at
	FROM ` + memberAccounts

// memberAccounts joins a member to its account only once the member is active.
const memberAccounts = `members m LEFT JOIN users u ON u.id = m.user_id AND m.status = 'active'`

func validRole(r string) bool { return vocab.OrgRoles.Has(r) }

// MemberFilter narrows GET /members.
type MemberFilter struct {
	Role   string
	Status string
	Search string // name or email, case-insensitive substring
	Page   Page
}

// Members lists the organization's members and invitations. Any member may list them.
func (s *Store) Members(ctx context.Context, a Actor, f MemberFilter) (List[Member], error) {
	var v validator
	q := newQuery("m.organization_id = $1", a.OrgID)
	if f.Role != "" {
		v.check(validRole(f.Role), "role", "role must be one of owner, admin, member")
		q.where("m.role = ?", f.Role)
	}
	if f.Status != "" {
		v.check(vocab.MemberStatuses.Has(f.Status), "status", "status must be invited or active")
		q.where("m.status = ?", f.Status)
	}
	if f.Search != "" {
		pattern := "%" + escapeLike(strings.TrimSpace(f.Search)) + "%"
		q.where("(u.name ILIKE ? OR m.email ILIKE ?)", pattern, pattern)
	}
	if err := v.err(); err != nil {
		return List[Member]{}, err
	}
	out := List[Member]{Page: f.Page.Number(), PerPage: f.Page.Size(), Items: []Member{}}
	if err := s.db.GetContext(ctx, &out.Total, `SELECT count(*) FROM `+memberAccounts+` WHERE `+q.cond(), q.args...); err != nil {
		return out, err
	}
	err := s.db.SelectContext(ctx, &out.Items, memberSelect+` WHERE `+q.cond()+`
		ORDER BY m.status, lower(coalesce(nullif(u.name, ''), m.email)), m.id `+q.limit(f.Page), q.args...)
	for i := range out.Items {
		out.Items[i] = s.presentMember(ctx, a, out.Items[i])
	}
	return out, err
}

// presentMember hides what only admins may see: cost rates drive the profitability report.
func (s *Store) presentMember(ctx context.Context, a Actor, m Member) Member {
	if !a.Permissions().ViewCostRates && (m.UserID == nil || *m.UserID != a.UserID) {
		m.CostRate = 0
	}
	m.AvatarURL = s.fileURL(ctx, m.AvatarKey)
	return m
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func getMember(ctx context.Context, q sqlx.QueryerContext, orgID, id string, lock bool) (Member, error) {
	var m Member
	if !validID(id) {
		return m, fmt.Errorf("member: %w", ErrNotFound)
	}
	query := memberSelect + ` WHERE m.organization_id = $1 AND m.id = $2`
	if lock {
		query += ` FOR UPDATE OF m`
	}
	err := sqlx.GetContext(ctx, q, &m, query, orgID, id)
	return m, notFoundIfNoRows(err, "member")
}

// Member reads one member of the actor's organization.
func (s *Store) Member(ctx context.Context, a Actor, id string) (Member, error) {
	m, err := getMember(ctx, s.db, a.OrgID, id, false)
	if err != nil {
		return m, err
	}
	return s.presentMember(ctx, a, m), nil
}

// InviteInput invites someone by email.
type InviteInput struct {
	Email string
	Role  string
}

// Invite creates an invited member and emails them a single-use link. Admins only; only owners invite owners;
// the inviter's own address must be verified, and the organization's invitation limits and email quota apply.
// Inviting an address that is already invited sends a fresh link.
func (s *Store) Invite(ctx context.Context, a Actor, in InviteInput) (Member, error) {
	if err := require(a.Permissions().ManageMembers, msgAdminRole); err != nil {
		return Member{}, err
	}
	var v validator
	in.Email = normalizeEmail(&v, "email", in.Email)
	if in.Role == "" {
		in.Role = RoleMember
	}
	v.check(validRole(in.Role), "role", "role must be one of owner, admin, member")
	if err := v.err(); err != nil {
		return Member{}, err
	}
	if in.Role == RoleOwner && !a.Permissions().ManageOwners {
		return Member{}, forbidden("only an owner can invite another owner")
	}
	if err := requireVerifiedEmail(ctx, s.db, a.UserID); err != nil {
		return Member{}, fmt.Errorf("invite: %w", err)
	}
	if err := s.limitInvitations(ctx, a.OrgID); err != nil {
		return Member{}, fmt.Errorf("invite: %w", err)
	}
	var m Member
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var id string
		err := tx.GetContext(ctx, &id, `
			INSERT INTO members (organization_id, user_id, email, role, status, invited_by)
			VALUES ($1, (SELECT id FROM users WHERE lower(email) = lower($2)), $2, $3, 'invited', $4)
			ON CONFLICT (organization_id, lower(email)) DO UPDATE SET role = EXCLUDED.role, updated_at = now()
				WHERE members.status = 'invited'
			RETURNING id`, a.OrgID, in.Email, in.Role, a.UserID)
		if isNoRows(err) {
			return conflict("this person is already a member of the organization")
		}
		if err != nil {
			return err
		}
		if m, err = getMember(ctx, tx, a.OrgID, id, false); err != nil {
			return err
		}
		// Earlier links for this invitation stop working.
		if _, err := tx.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = now() WHERE member_id = $1 AND used_at IS NULL`, id); err != nil {
			return err
		}
		token, err := s.createOneTimeToken(ctx, tx, "invitation", nil, &id, invitationTokenTTL)
		if err != nil {
			return err
		}
		org, err := getOrg(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		msg, err := trmail.Invitation(m.Email, a.UserName, org.Name, m.Role, s.link("/invitations/accept", token))
		if err != nil {
			return err
		}
		if err := s.enqueueOrgEmail(ctx, tx, a.OrgID, msg); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "member", m.ID, Changes{
			"email": {To: m.Email}, "role": {To: m.Role}, "status": {To: m.Status},
		})
	})
	if err != nil {
		return Member{}, fmt.Errorf("invite: %w", err)
	}
	return s.presentMember(ctx, a, m), nil
}

// Invitation is what an invitation link shows before it is accepted.
type Invitation struct {
	MemberID         string
	Email            string
	Role             string
	OrganizationID   string
	OrganizationName string
	InviterName      string
}

// InvitationByToken reads an invitation without consuming its token, for the accept page.
func (s *Store) InvitationByToken(ctx context.Context, token string) (Invitation, error) {
	var inv Invitation
	if token == "" {
		return inv, Invalid("token", "token is required")
	}
	err := s.db.QueryRowxContext(ctx, `
		SELECT m.id, m.email, m.role, o.id, o.name, coalesce(u.name, '')
		FROM one_time_tokens t JOIN members m ON m.id = t.member_id JOIN organizations o ON o.id = m.organization_id
		LEFT JOIN users u ON u.id = m.invited_by
		WHERE t.token_hash = $1 AND t.kind = 'invitation' AND t.used_at IS NULL AND t.expires_at > $2 AND m.status = 'invited'`,
		hashToken(token), s.now()).Scan(&inv.MemberID, &inv.Email, &inv.Role, &inv.OrganizationID, &inv.OrganizationName, &inv.InviterName)
	if isNoRows(err) {
		return inv, errBadToken("token")
	}
	return inv, err
}

// AcceptInvitation makes the invited member active. It must be called by the user the invitation was sent to.
func (s *Store) AcceptInvitation(ctx context.Context, userID, ip, token string) (Member, error) {
	var m Member
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		t, err := s.useOneTimeToken(ctx, tx, "invitation", token)
		if err != nil {
			return err
		}
		var orgID string
		if err := tx.GetContext(ctx, &orgID, `SELECT organization_id FROM members WHERE id = $1`, *t.MemberID); err != nil {
			return notFoundIfNoRows(err, "invitation")
		}
		if m, err = getMember(ctx, tx, orgID, *t.MemberID, true); err != nil {
			return err
		}
		u, err := getUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !strings.EqualFold(u.Email, m.Email) {
			return forbidden("this invitation was sent to another email address")
		}
		if m.Status != MemberInvited {
			return errBadToken("token")
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE members SET status = 'active', user_id = $2, updated_at = now() WHERE id = $1`, m.ID, userID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET default_org_id = $2, email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1`, userID, orgID); err != nil {
			return err
		}
		a := Actor{UserID: userID, UserName: u.Name, OrgID: orgID, Role: m.Role, MemberID: m.ID, IP: ip}
		if err := audit(ctx, tx, a, ActionUpdated, "member", m.ID, Changes{"status": {From: MemberInvited, To: MemberActive}}); err != nil {
			return err
		}
		m, err = getMember(ctx, tx, orgID, m.ID, false)
		return err
	})
	if err != nil {
		return Member{}, fmt.Errorf("accept invitation: %w", err)
	}
	m.AvatarURL = s.fileURL(ctx, m.AvatarKey)
	return m, nil
}

// MemberInput changes a member's role or cost rate; nil fields stay as they are. CostRateText is the cost rate
// as a form sends it, in major units of the organization's currency (blank is zero); it takes the place of
// CostRate.
type MemberInput struct {
	Role         *string
	CostRate     *int64
	CostRateText *string
}

// UpdateMember changes a member's role or cost rate. Admins only; only owners grant or take away the owner
// role; the last owner cannot be demoted.
func (s *Store) UpdateMember(ctx context.Context, a Actor, id string, in MemberInput) (Member, error) {
	p := a.Permissions()
	if err := require(p.ManageMembers, msgAdminRole); err != nil {
		return Member{}, err
	}
	var v validator
	if in.Role != nil {
		v.check(validRole(*in.Role), "role", "role must be one of owner, admin, member")
	}
	if in.CostRateText != nil {
		currency, err := orgCurrency(ctx, s.db, a.OrgID)
		if err != nil {
			return Member{}, err
		}
		in.CostRate = parseMajorUnits(&v, "cost_rate", *in.CostRateText, currencyDecimals(currency))
		if in.CostRate == nil && strings.TrimSpace(*in.CostRateText) == "" {
			in.CostRate = new(int64)
		}
	}
	if in.CostRate != nil {
		v.check(*in.CostRate >= 0, "cost_rate", "cost_rate must be a non-negative number of cents")
		checkAmount(&v, "cost_rate", *in.CostRate)
	}
	if err := v.err(); err != nil {
		return Member{}, err
	}
	var m Member
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := getMember(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		role := before.Role
		if in.Role != nil {
			role = *in.Role
		}
		if role != before.Role && (role == RoleOwner || before.Role == RoleOwner) {
			if !p.ManageOwners {
				return forbidden("only an owner can grant or remove the owner role")
			}
			if before.Role == RoleOwner {
				if err := ensureAnotherOwner(ctx, tx, a.OrgID, before.ID); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE members SET role = $3, cost_rate = coalesce($4, cost_rate), updated_at = now()
			WHERE organization_id = $1 AND id = $2`, a.OrgID, id, role, in.CostRate); err != nil {
			return err
		}
		if m, err = getMember(ctx, tx, a.OrgID, id, false); err != nil {
			return err
		}
		ch := Changes{}
		ch.set("role", before.Role, m.Role)
		ch.set("cost_rate", before.CostRate, m.CostRate)
		return audit(ctx, tx, a, ActionUpdated, "member", m.ID, ch)
	})
	if err != nil {
		return Member{}, fmt.Errorf("update member: %w", err)
	}
	return s.presentMember(ctx, a, m), nil
}

// ensureAnotherOwner refuses to remove or demote the organization's last active owner. The owners' rows are
// locked so two concurrent demotions cannot both pass.
func ensureAnotherOwner(ctx context.Context, tx *sqlx.Tx, orgID, memberID string) error {
	owners := []string{}
	if err := tx.SelectContext(ctx, &owners, `
		SELECT id FROM members WHERE organization_id = $1 AND role = 'owner' AND status = 'active' ORDER BY id FOR UPDATE`, orgID); err != nil {
		return err
	}
	for _, o := range owners {
		if o != memberID {
			return nil
		}
	}
	return conflict("the last owner of the organization cannot be removed or demoted")
}

// RemoveMember removes a member or withdraws an invitation. Admins may remove anyone but owners, whom only
// owners remove; any member may leave. The last owner cannot be removed.
func (s *Store) RemoveMember(ctx context.Context, a Actor, id string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		m, err := getMember(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		if m.ID != a.MemberID && !a.CanManageMember(m) {
			if a.Permissions().ManageMembers {
				return forbidden("only an owner can remove an owner")
			}
			return forbidden(msgAdminRole)
		}
		if m.Role == RoleOwner && m.Status == MemberActive {
			if err := ensureAnotherOwner(ctx, tx, a.OrgID, m.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM members WHERE id = $1`, m.ID); err != nil {
			return err
		}
		if m.UserID != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET default_org_id = NULL WHERE id = $1 AND default_org_id = $2`, *m.UserID, a.OrgID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, a, ActionDeleted, "member", m.ID, Changes{
			"email": {From: m.Email}, "role": {From: m.Role}, "status": {From: m.Status},
		})
	})
}

// activeMembers lists the organization's active members in the order of Members, without counting them: the
// people a page's pickers and filters offer.
func (s *Store) activeMembers(ctx context.Context, a Actor) ([]Member, error) {
	out := []Member{}
	err := s.db.SelectContext(ctx, &out, memberSelect+` WHERE m.organization_id = $1 AND m.status = 'active'
		ORDER BY m.status, lower(coalesce(nullif(u.name, ''), m.email)), m.id`, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("active members: %w", err)
	}
	for i := range out {
		out[i] = s.presentMember(ctx, a, out[i])
	}
	return out, nil
}
