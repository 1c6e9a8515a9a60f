package store

import (
	"context"
	"fmt"
	"time"
)

// DashboardRecentActivity is how many audit entries the dashboard shows to those who may read the audit log.
const DashboardRecentActivity = 6

// DashboardPage is what the dashboard shows: the organization's setup, the size of the team, the actor's work and,
// for those who may read the audit log, its latest entries.
type DashboardPage struct {
	Currency       string
	Timezone       string
	HasLogo        bool
	ActiveMembers  int
	InvitedMembers int
	Work           DashboardWork
	Overview       DashboardOverview
	// RecentActivity is nil for those who may not read the audit log.
	RecentActivity []AuditEntry
}

// DashboardPage reads the dashboard of the actor's organization, for any member.
func (s *Store) DashboardPage(ctx context.Context, a Actor) (DashboardPage, error) {
	var d DashboardPage
	var logoKey *string
	err := s.db.QueryRowContext(ctx, `
		SELECT o.currency, o.timezone, o.logo_key,
			(SELECT count(*) FROM members m WHERE m.organization_id = o.id AND m.status = 'active'),
			(SELECT count(*) FROM members m WHERE m.organization_id = o.id AND m.status = 'invited')
		FROM organizations o WHERE o.id = $1`, a.OrgID).Scan(&d.Currency, &d.Timezone, &logoKey, &d.ActiveMembers, &d.InvitedMembers)
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", notFoundIfNoRows(err, "organization"))
	}
	d.HasLogo = logoKey != nil
	if d.Work, err = s.DashboardWork(ctx, a); err != nil {
		return d, err
	}
	userLoc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", err)
	}
	orgLoc, err := time.LoadLocation(d.Timezone)
	if err != nil {
		orgLoc = time.UTC
	}
	if d.Overview, err = s.dashboardOverview(ctx, a, userLoc, orgLoc); err != nil {
		return d, err
	}
	if a.Permissions().ViewAuditLog {
		recent, err := s.AuditLogs(ctx, a, AuditFilter{Page: Page{Per: DashboardRecentActivity}})
		if err != nil {
			return d, err
		}
		d.RecentActivity = recent.Items
	}
	return d, nil
}
