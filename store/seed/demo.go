package seed

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// DemoPassword is the password of every seeded demo account.
const DemoPassword = "trcr-demo-2026"

// DemoOwnerEmail signs in to the seeded demo organization.
const DemoOwnerEmail = "demo@trcr.local"

var demoPeople = []struct{ name, email, role string }{
	{"Dana Whitfield", DemoOwnerEmail, store.RoleOwner},
	{"Marcus Okafor", "marcus@trcr.local", store.RoleAdmin},
	{"Zoë Müller", "zoe@trcr.local", store.RoleMember},
	{"Priya Raman", "priya@trcr.local", store.RoleMember},
	{"Tomás Herrera", "tomas@trcr.local", store.RoleMember},
	{"Lena Kowalski", "lena@trcr.local", store.RoleMember},
}

// DemoResult tells what Demo made.
type DemoResult struct {
	Created bool
	OrgID   string
	Email   string
}

// Demo creates a demo organization with a team of verified users, unless it exists already. It goes through
// the same use cases as the app where it can, so the audit log reads as if the team had set it up.
func Demo(ctx context.Context, s *store.Store) (DemoResult, error) {
	res := DemoResult{Email: DemoOwnerEmail}
	var existing []string
	if err := s.DB().SelectContext(ctx, &existing, `SELECT id FROM users WHERE lower(email) = lower($1)`, DemoOwnerEmail); err != nil {
		return res, err
	}
	if len(existing) > 0 {
		err := s.DB().GetContext(ctx, &res.OrgID, `SELECT organization_id FROM members WHERE user_id = $1 ORDER BY created_at LIMIT 1`, existing[0])
		return res, notFoundIfNoRows(err, "demo organization")
	}
	hash, err := s.HashPassword(DemoPassword)
	if err != nil {
		return res, err
	}
	ids := make([]string, len(demoPeople))
	err = inTx(ctx, s, func(tx *sqlx.Tx) error {
		for i, p := range demoPeople {
			if err := tx.GetContext(ctx, &ids[i], `
				INSERT INTO users (email, name, password_hash, timezone, email_verified_at)
				VALUES ($1, $2, $3, 'Europe/Berlin', now()) RETURNING id`, p.email, p.name, hash); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("seed users: %w", err)
	}
	name, tz, cur := "Northwind Studio", "Europe/Berlin", "EUR"
	org, err := s.CreateOrganization(ctx, ids[0], "127.0.0.1", store.OrganizationInput{Name: &name, Settings: map[string]any{
		"timezone": tz, "currency": cur, "address": "Torstraße 140\n10119 Berlin\nGermany", "email": "billing@northwind.example",
	}})
	if err != nil {
		return res, err
	}
	owner, err := s.ActorFor(ctx, ids[0], org.ID, "127.0.0.1")
	if err != nil {
		return res, err
	}
	rates := []int64{9500, 8500, 7000, 6500, 6000, 5500}
	err = inTx(ctx, s, func(tx *sqlx.Tx) error {
		for i, p := range demoPeople[1:] {
			var id string
			if err := tx.GetContext(ctx, &id, `
				INSERT INTO members (organization_id, user_id, email, role, status, cost_rate, invited_by)
				VALUES ($1, $2, $3, $4, 'active', $5, $6) RETURNING id`, org.ID, ids[i+1], p.email, p.role, rates[i+1], ids[0]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET default_org_id = $2 WHERE id = $1`, ids[i+1], org.ID); err != nil {
				return err
			}
			if err := store.RecordAudit(ctx, tx, owner, store.ActionCreated, "member", id, store.Changes{"email": {To: p.email}, "role": {To: p.role}, "status": {To: store.MemberActive}}); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE members SET cost_rate = $2 WHERE id = $1`, owner.MemberID, rates[0])
		return err
	})
	if err != nil {
		return res, fmt.Errorf("seed members: %w", err)
	}
	if _, err := s.Invite(ctx, owner, store.InviteInput{Email: "sam.rivera@example.com", Role: store.RoleMember}); err != nil {
		return res, err
	}
	res.Created, res.OrgID = true, org.ID
	return res, nil
}
