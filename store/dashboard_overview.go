package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// DashboardOverview is the dashboard's first row and its setup checklist: the viewer's own time, and for those
// who manage billing the organization's unbilled time and unpaid invoices.
type DashboardOverview struct {
	// FirstVisit is true the first time the member opens the organization's dashboard.
	FirstVisit bool
	// WeekSeconds is the viewer's tracked time this week (Monday to Sunday in their timezone), running timer
	// included up to now.
	WeekSeconds int64
	Running     *DashboardTimer
	// Billing is nil for those who may not manage billing.
	Billing *DashboardBilling
	Setup   SetupProgress
}

// DashboardTimer is the viewer's running timer.
type DashboardTimer struct {
	StartedAt   time.Time
	ProjectName string
	Description string
}

// DashboardBilling sums what the organization has yet to bill and to be paid. Amounts are of invoices in the
// organization's currency; the counts are of all.
type DashboardBilling struct {
	UnbilledSeconds  int64
	OutstandingCount int
	Outstanding      int64
	OverdueCount     int
	Overdue          int64
}

// SetupProgress is what the setup checklist counts: the organization's first project, time entry and client, and
// whether the member dismissed the checklist.
type SetupProgress struct {
	HasProject, HasTimeEntry, HasClient bool
	Dismissed                           bool
}

// dashboardOverview reads the overview and notes the member's first visit, so the greeting changes after it.
func (s *Store) dashboardOverview(ctx context.Context, a Actor, loc, orgLoc *time.Location) (DashboardOverview, error) {
	var o DashboardOverview
	now := s.now()
	local := now.In(loc)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	monday := day.AddDate(0, 0, -(int(day.Weekday())+6)%7)
	var seen, dismissed sql.NullTime
	err := s.db.QueryRowContext(ctx, `
		SELECT m.dashboard_seen_at, m.setup_dismissed_at,
			EXISTS (SELECT 1 FROM projects p WHERE p.organization_id = $1),
			EXISTS (SELECT 1 FROM time_entries te WHERE te.organization_id = $1),
			EXISTS (SELECT 1 FROM clients c WHERE c.organization_id = $1),
			(SELECT coalesce(sum(extract(epoch FROM (least(coalesce(te.stopped_at, $5), $4) - te.started_at))::bigint), 0)
				FROM time_entries te WHERE te.organization_id = $1 AND te.user_id = $2
				AND te.started_at >= $3 AND te.started_at < $4)
		FROM members m WHERE m.organization_id = $1 AND m.user_id = $2`,
		a.OrgID, a.UserID, monday, monday.AddDate(0, 0, 7), now).Scan(&seen, &dismissed,
		&o.Setup.HasProject, &o.Setup.HasTimeEntry, &o.Setup.HasClient, &o.WeekSeconds)
	if err != nil {
		return o, fmt.Errorf("dashboard overview: %w", notFoundIfNoRows(err, "member"))
	}
	o.FirstVisit, o.Setup.Dismissed = !seen.Valid, dismissed.Valid
	if o.FirstVisit {
		if _, err := s.db.ExecContext(ctx, `UPDATE members SET dashboard_seen_at = $3
			WHERE organization_id = $1 AND user_id = $2 AND dashboard_seen_at IS NULL`, a.OrgID, a.UserID, now); err != nil {
			return o, fmt.Errorf("dashboard first visit: %w", err)
		}
	}
	var t DashboardTimer
	err = s.db.QueryRowContext(ctx, `
		SELECT te.started_at, p.name, te.description FROM time_entries te JOIN projects p ON p.id = te.project_id
		WHERE te.user_id = $1 AND te.organization_id = $2 AND te.stopped_at IS NULL`, a.UserID, a.OrgID).
		Scan(&t.StartedAt, &t.ProjectName, &t.Description)
	switch {
	case err == nil:
		o.Running = &t
	case !errors.Is(err, sql.ErrNoRows):
		return o, fmt.Errorf("dashboard timer: %w", err)
	}
	if a.Permissions().ManageBilling {
		b, err := s.dashboardBilling(ctx, a, now.In(orgLoc).Format(dateLayout))
		if err != nil {
			return o, err
		}
		o.Billing = &b
	}
	return o, nil
}

func (s *Store) dashboardBilling(ctx context.Context, a Actor, today string) (DashboardBilling, error) {
	var b DashboardBilling
	err := s.db.QueryRowContext(ctx, `
		SELECT
			(SELECT coalesce(sum(te.duration_seconds), 0) FROM time_entries te
				WHERE te.organization_id = $1 AND te.invoice_id IS NULL AND te.billable AND te.stopped_at IS NOT NULL),
			count(*) FILTER (WHERE i.status = 'sent'),
			`+centsOf("coalesce(sum(i.total - i.amount_paid) FILTER (WHERE i.status = 'sent' AND i.currency = o.currency), 0)")+`,
			count(*) FILTER (WHERE i.status = 'sent' AND i.due_date < $2::date),
			`+centsOf("coalesce(sum(i.total - i.amount_paid) FILTER (WHERE i.status = 'sent' AND i.due_date < $2::date AND i.currency = o.currency), 0)")+`
		FROM organizations o LEFT JOIN invoices i ON i.organization_id = o.id
		WHERE o.id = $1`, a.OrgID, today).Scan(&b.UnbilledSeconds, &b.OutstandingCount, &b.Outstanding, &b.OverdueCount, &b.Overdue)
	if err != nil {
		return b, fmt.Errorf("dashboard billing: %w", err)
	}
	return b, nil
}

// DismissSetupChecklist hides the dashboard's setup checklist for the actor, any member.
func (s *Store) DismissSetupChecklist(ctx context.Context, a Actor) error {
	res, err := s.db.ExecContext(ctx, `UPDATE members SET setup_dismissed_at = coalesce(setup_dismissed_at, $3)
		WHERE organization_id = $1 AND user_id = $2 AND status = 'active'`, a.OrgID, a.UserID, s.now())
	if err != nil {
		return fmt.Errorf("dismiss setup checklist: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("dismiss setup checklist: %w", notFoundIfNoRows(sql.ErrNoRows, "member"))
	}
	return nil
}
