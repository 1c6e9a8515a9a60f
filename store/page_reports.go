package store

import (
	"context"
	"errors"
)

// ReportPageQuery asks for one report, the one whose filter is set, as a page (with what its filters offer) or as
// a download.
type ReportPageQuery struct {
	Timesheet     *TimesheetFilter
	Utilization   *UtilizationFilter
	Revenue       *RevenueFilter
	Profitability *ProfitabilityFilter
	// Download reads the report's rows and currency only, for a file: none of what the filters offer.
	Download bool
}

// ReportPage is a report with what its filters offer: the members whose time it may show (to those who see
// everyone's time), the projects and clients it may be narrowed to, and the currency its money is in.
type ReportPage struct {
	Timesheet     Timesheet
	Utilization   []UtilizationRow
	Revenue       []RevenueRow
	Profitability []ProfitabilityRow
	// FilterError is the refusal of an invalid filter (an invalid error, with its messages); the report then has no
	// rows, and the filters are still offered.
	FilterError error
	Members     []Member  // timesheet and utilization, for those who manage everyone's time
	Projects    []Project // timesheet: every project the actor may see, archived ones included
	Clients     []Client  // timesheet and revenue
	Currency    string    // revenue and profitability: the organization's
}

// ReportPage reads the report asked for. A report the actor may not see is refused before anything else is read.
func (s *Store) ReportPage(ctx context.Context, a Actor, q ReportPageQuery) (ReportPage, error) {
	var p ReportPage
	var err error
	switch {
	case q.Timesheet != nil:
		p.Timesheet, err = s.Timesheet(ctx, a, *q.Timesheet)
	case q.Utilization != nil:
		p.Utilization, err = s.Utilization(ctx, a, *q.Utilization)
	case q.Revenue != nil:
		p.Revenue, err = s.Revenue(ctx, a, *q.Revenue)
	case q.Profitability != nil:
		p.Profitability, err = s.Profitability(ctx, a, *q.Profitability)
	default:
		return p, Invalid("report", "report must be one of timesheet, utilization, revenue, profitability")
	}
	if errors.Is(err, ErrInvalid) {
		p.FilterError, err = err, nil
	}
	if err != nil {
		return ReportPage{}, err
	}
	if q.Download && p.FilterError != nil {
		return p, nil
	}
	if q.Revenue != nil || q.Profitability != nil {
		if p.Currency, err = orgCurrency(ctx, s.db, a.OrgID); err != nil {
			return ReportPage{}, err
		}
	}
	if q.Download {
		return p, nil
	}
	if (q.Timesheet != nil || q.Utilization != nil) && a.Permissions().ManageAllTime {
		if p.Members, err = s.activeMembers(ctx, a); err != nil {
			return ReportPage{}, err
		}
	}
	if q.Timesheet != nil {
		if p.Projects, err = s.visibleProjects(ctx, a); err != nil {
			return ReportPage{}, err
		}
	}
	if q.Timesheet != nil || q.Revenue != nil {
		if p.Clients, err = s.allClients(ctx, a); err != nil {
			return ReportPage{}, err
		}
	}
	return p, nil
}
