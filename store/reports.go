package store

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Reports aggregate time entries, invoices and payments. Each one is a single aggregate query over the
// (organization_id, started_at) or (organization_id, user_id, started_at) indexes of time_entries (or the
// organization/date indexes of invoices and payments), so its cost follows the size of the range, not of the
// organization's history.
//
// Rules common to the time reports:
//   - from and to are required, inclusive calendar days in the caller's timezone (datetimes are exact bounds);
//     an entry belongs to the range, and to a period, by its started_at in the caller's timezone.
//   - Only stopped entries count; a running timer has no duration yet.
//   - Hours are computed from integer seconds and rounded half-up to the hundredth once per row, so a report's
//     total is exactly the sum of its rows.

// Hours is a number of hours held in hundredths, so sums of rounded rows stay exact. It is written in JSON as a
// decimal number with at most two decimals (12.5, 7.25).
type Hours int64

// MarshalJSON writes the hours as a plain decimal number.
func (h Hours) MarshalJSON() ([]byte, error) { return []byte(h.String()), nil }

// String formats the hours as a decimal without trailing zeros.
func (h Hours) String() string { return strconv.FormatFloat(float64(h)/100, 'f', -1, 64) }

// Float is the hours as a float, for display.
func (h Hours) Float() float64 { return float64(h) / 100 }

// centsOf casts a numeric sum of cents to bigint, saturating at ±(2^63-1). Amounts are bounded on input,
// but a timer may run for weeks, an organization may have any number of rows, and rows written before the bound
// may hold anything: a sum past int64 reads as the bound rather than failing the whole report.
func centsOf(sum string) string {
	return "least(greatest(" + sum + ", -9223372036854775807), 9223372036854775807)::bigint"
}

// maxReportYears bounds from/to, so a report that lists every period (revenue) stays a sensible size.
const maxReportYears = 100

// reportRange is a parsed from/to: [From, To) as instants, and the calendar days they cover in the caller's
// timezone.
type reportRange struct {
	From, To  time.Time
	FirstDay  time.Time // the local calendar day of From, at midnight UTC
	LastDay   time.Time // the local calendar day of the last instant before To, at midnight UTC
	Today     time.Time // the caller's calendar day now, at midnight UTC
	TZ        string    // the IANA name of Loc, for AT TIME ZONE
	FromDate  string    // the first local day whose midnight is at or after From (YYYY-MM-DD)
	UntilDate string    // the first local day whose midnight is at or after To (YYYY-MM-DD): days before it count
}

// parseReportRange reads the required from/to of a report in the caller's timezone.
func (s *Store) parseReportRange(ctx context.Context, a Actor, v *validator, from, to string) (reportRange, error) {
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return reportRange{}, err
	}
	v.check(strings.TrimSpace(from) != "", "from", "from is required")
	v.check(strings.TrimSpace(to) != "", "to", "to is required")
	r := reportRange{TZ: loc.String(), Today: dayIn(s.now(), loc)}
	r.From, r.To = parseRange(v, strings.TrimSpace(from), strings.TrimSpace(to), loc)
	if r.From.IsZero() || r.To.IsZero() || !r.From.Before(r.To) {
		return r, nil
	}
	if r.From.AddDate(maxReportYears, 0, 0).Before(r.To) {
		v.add("to", fmt.Sprintf("from and to must be at most %d years apart", maxReportYears))
		return r, nil
	}
	r.FirstDay = dayIn(r.From, loc)
	r.LastDay = dayIn(r.To.Add(-time.Microsecond), loc)
	r.FromDate = firstMidnightAtOrAfter(r.From, loc).Format(time.DateOnly)
	r.UntilDate = firstMidnightAtOrAfter(r.To, loc).Format(time.DateOnly)
	return r, nil
}

// dayIn is the calendar day of t in loc, as midnight UTC so day arithmetic ignores DST.
func dayIn(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// firstMidnightAtOrAfter is the calendar day (midnight UTC) whose start in loc is at or after t.
func firstMidnightAtOrAfter(t time.Time, loc *time.Location) time.Time {
	day := dayIn(t, loc)
	start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
	if start.Before(t) {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// optionalID validates an optional id filter: an id that is not a UUID is a 400; an unknown id, or another
// organization's, simply matches nothing.
func optionalID(v *validator, field, val string) (string, bool) {
	val = strings.TrimSpace(val)
	if val == "" {
		return "", false
	}
	if !validID(val) {
		v.add(field, field+" must be a valid id")
		return "", false
	}
	return val, true
}

// TimesheetFilter is the query of GET /reports/timesheet.
type TimesheetFilter struct {
	From, To    string
	UserID      string
	ProjectID   string
	ClientID    string
	Description string
	InvoiceID   string
	GroupBy     string // day (default), week, month
	// Breakdown splits the rows of a period by person (the default: one row per user) or by project (one row
	// per project and user), and Groups gathers them by that person or project. The API keeps the default.
	Breakdown string
}

// Timesheet breakdowns.
const (
	TimesheetByPerson  = "person"
	TimesheetByProject = "project"
)

// TimesheetRow is the time one user tracked in one period.
type TimesheetRow struct {
	UserID        string `db:"user_id" json:"user_id"`
	UserName      string `db:"user_name" json:"user_name"`
	Period        string `db:"period" json:"period"`
	Hours         Hours  `db:"hours" json:"hours"`
	BillableHours Hours  `db:"billable_hours" json:"billable_hours"`
	// The project of the row, broken down by project (nil for entries without one); not part of the API's row.
	ProjectID   *string `db:"project_id" json:"-"`
	ProjectName string  `db:"project_name" json:"-"`
}

// Timesheet is the timesheet report: its rows and their total, and the same rows gathered by person or project.
type Timesheet struct {
	Rows       []TimesheetRow
	TotalHours Hours
	Groups     []TimesheetGroup
}

// TimesheetGroup is the rows of one person or one project (ID empty: entries without a project), in period
// order, with their subtotals. The subtotals are sums of the rounded rows, so the groups add up to the total.
type TimesheetGroup struct {
	ID            string
	Name          string
	Hours         Hours
	BillableHours Hours
	Rows          []TimesheetRow
}

// noProjectName names the group of the entries without a project.
const noProjectName = "No project"

// timesheetPeriods maps group_by to the local start of the period and how it is written.
var timesheetPeriods = map[string]struct{ trunc, format string }{
	"day":   {"day", "YYYY-MM-DD"},
	"week":  {"week", "YYYY-MM-DD"}, // date_trunc('week') is the Monday of the ISO week
	"month": {"month", "YYYY-MM"},
}

// reportEntryScope starts the WHERE clause of the time reports: the organization, stopped entries started in the
// range, and for members only their own entries. It reports ErrForbidden when a member asks for someone else.
func reportEntryScope(a Actor, r reportRange, userID string) (*query, error) {
	q := newQuery("te.organization_id = $1", a.OrgID)
	everyone := a.Permissions().ManageAllTime
	switch {
	case !everyone && userID != "" && userID != a.UserID:
		return nil, forbidden("members may only report on their own time")
	case !everyone:
		q.where("te.user_id = ?", a.UserID)
	case userID != "":
		q.where("te.user_id = ?", userID)
	}
	q.where("te.started_at >= ?", r.From)
	q.where("te.started_at < ?", r.To)
	q.where("te.stopped_at IS NOT NULL")
	return q, nil
}

// Timesheet reports hours per user and day, ISO week or month. Members see only their own rows; asking for
// another user's is forbidden.
func (s *Store) Timesheet(ctx context.Context, a Actor, f TimesheetFilter) (Timesheet, error) {
	var v validator
	r, err := s.parseReportRange(ctx, a, &v, f.From, f.To)
	if err != nil {
		return Timesheet{}, err
	}
	groupBy := strings.TrimSpace(f.GroupBy)
	if groupBy == "" {
		groupBy = "day"
	}
	period, ok := timesheetPeriods[groupBy]
	v.check(ok, "group_by", "group_by must be one of day, week, month")
	breakdown := strings.TrimSpace(f.Breakdown)
	if breakdown == "" {
		breakdown = TimesheetByPerson
	}
	v.check(breakdown == TimesheetByPerson || breakdown == TimesheetByProject, "by", "by must be one of person, project")
	userID, _ := optionalID(&v, "user_id", f.UserID)
	projectID, byProject := optionalID(&v, "project_id", f.ProjectID)
	clientID, byClient := optionalID(&v, "client_id", f.ClientID)
	invoiceID, byInvoice := optionalID(&v, "invoice_id", f.InvoiceID)
	if err := v.err(); err != nil {
		return Timesheet{}, err
	}
	q, err := reportEntryScope(a, r, userID)
	if err != nil {
		return Timesheet{}, err
	}
	if byProject {
		q.where("te.project_id = ?", projectID)
	}
	if byClient {
		q.where("te.project_id IN (SELECT id FROM projects WHERE organization_id = te.organization_id AND client_id = ?)", clientID)
	}
	if byInvoice {
		q.where("te.invoice_id = ?", invoiceID)
	}
	if d := strings.TrimSpace(f.Description); d != "" {
		q.where(`te.description ILIKE ? ESCAPE '\'`, "%"+escapeLike(d)+"%")
	}
	tz := q.arg(r.TZ)
	project := "NULL::uuid" // by person, every project of a period is one row
	if breakdown == TimesheetByProject {
		project = "te.project_id"
	}
	// Seconds are summed per group and rounded once: hundredths of an hour = round(seconds / 36), half-up.
	rows := []TimesheetRow{}
	err = s.db.SelectContext(ctx, &rows, `
		WITH agg AS (
			SELECT te.user_id, `+project+` AS project_id,
				date_trunc('`+period.trunc+`', te.started_at AT TIME ZONE `+tz+`) AS start,
				sum(te.duration_seconds) AS seconds,
				coalesce(sum(te.duration_seconds) FILTER (WHERE te.billable), 0) AS billable_seconds
			FROM time_entries te
			WHERE `+q.cond()+`
			GROUP BY 1, 2, 3
		)
		SELECT agg.user_id, u.name AS user_name, agg.project_id, coalesce(p.name, '') AS project_name,
			to_char(agg.start, '`+period.format+`') AS period,
			round(agg.seconds / 36.0)::bigint AS hours, round(agg.billable_seconds / 36.0)::bigint AS billable_hours
		FROM agg JOIN users u ON u.id = agg.user_id
		LEFT JOIN projects p ON p.id = agg.project_id AND p.organization_id = $1
		ORDER BY agg.start, p.name IS NULL, lower(p.name), agg.project_id, u.name, agg.user_id`, q.args...)
	if err != nil {
		return Timesheet{}, fmt.Errorf("timesheet: %w", err)
	}
	out := Timesheet{Rows: rows, Groups: timesheetGroups(rows, breakdown)}
	for _, row := range rows {
		out.TotalHours += row.Hours
	}
	return out, nil
}

// timesheetGroups gathers rows (in period order) by person or by project, keeping their order within a group.
// Groups are ordered by name, the entries without a project last.
func timesheetGroups(rows []TimesheetRow, breakdown string) []TimesheetGroup {
	groups := []TimesheetGroup{}
	index := map[string]int{}
	for _, row := range rows {
		id, name := row.UserID, row.UserName
		if breakdown == TimesheetByProject {
			id, name = "", noProjectName
			if row.ProjectID != nil {
				id, name = *row.ProjectID, row.ProjectName
			}
		}
		i, ok := index[id]
		if !ok {
			i = len(groups)
			index[id] = i
			groups = append(groups, TimesheetGroup{ID: id, Name: name})
		}
		g := &groups[i]
		g.Rows = append(g.Rows, row)
		g.Hours += row.Hours
		g.BillableHours += row.BillableHours
	}
	slices.SortStableFunc(groups, func(a, b TimesheetGroup) int {
		if (a.ID == "") != (b.ID == "") && breakdown == TimesheetByProject {
			return cmp.Compare(boolRank(a.ID == ""), boolRank(b.ID == ""))
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.ID, b.ID))
	})
	return groups
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RevenueFilter is the query of GET /reports/revenue.
type RevenueFilter struct {
	From, To string
	ClientID string
	GroupBy  string // month (default), quarter
}

// RevenueRow is what was invoiced and paid in one period, in cents.
type RevenueRow struct {
	Period   string `db:"period" json:"period"`
	Invoiced int64  `db:"invoiced" json:"invoiced"`
	Paid     int64  `db:"paid" json:"paid"`
}

var revenuePeriods = map[string]struct{ trunc, step, format string }{
	"month":   {"month", "1 month", "YYYY-MM"},
	"quarter": {"quarter", "3 months", `YYYY-"Q"Q`},
}

// Revenue reports, per month or quarter of the range, the totals of the invoices issued (sent, overdue or paid;
// drafts and void ones are not revenue) and the payments received. Every period of the range is listed, zeros
// included. Owners and admins only.
func (s *Store) Revenue(ctx context.Context, a Actor, f RevenueFilter) ([]RevenueRow, error) {
	if err := require(a.Permissions().ViewRevenueReports, msgAdminRole); err != nil {
		return nil, err
	}
	var v validator
	r, err := s.parseReportRange(ctx, a, &v, f.From, f.To)
	if err != nil {
		return nil, err
	}
	groupBy := strings.TrimSpace(f.GroupBy)
	if groupBy == "" {
		groupBy = "month"
	}
	period, ok := revenuePeriods[groupBy]
	v.check(ok, "group_by", "group_by must be one of month, quarter")
	clientID, byClient := optionalID(&v, "client_id", f.ClientID)
	if err := v.err(); err != nil {
		return nil, err
	}
	// An invoice's issue_date is a day: it counts when that day starts within [from, to) in the caller's
	// timezone. A payment's paid_at is an instant, bucketed by its day in the caller's timezone. Both queries
	// share the arguments of q.
	q := newQuery("organization_id = $1", a.OrgID)
	invConds := fmt.Sprintf("organization_id = $1 AND status IN ('sent', 'paid') AND issue_date >= %s::date AND issue_date < %s::date",
		q.arg(r.FromDate), q.arg(r.UntilDate))
	payConds := fmt.Sprintf("organization_id = $1 AND paid_at >= %s AND paid_at < %s", q.arg(r.From), q.arg(r.To))
	if byClient {
		c := q.arg(clientID)
		invConds += " AND client_id = " + c
		payConds += " AND client_id = " + c
	}
	tz, first, last := q.arg(r.TZ), q.arg(r.FirstDay.Format(time.DateOnly)), q.arg(r.LastDay.Format(time.DateOnly))
	trunc := "'" + period.trunc + "'"
	rows := []RevenueRow{}
	err = s.db.SelectContext(ctx, &rows, `
		WITH periods AS (
			SELECT p::date AS start
			FROM generate_series(date_trunc(`+trunc+`, `+first+`::date::timestamp),
				date_trunc(`+trunc+`, `+last+`::date::timestamp), interval '`+period.step+`') p
		), invoiced AS (
			SELECT date_trunc(`+trunc+`, issue_date::timestamp)::date AS start, sum(total) AS amount
			FROM invoices WHERE `+invConds+` GROUP BY 1
		), paid AS (
			SELECT date_trunc(`+trunc+`, paid_at AT TIME ZONE `+tz+`)::date AS start, sum(amount) AS amount
			FROM payments WHERE `+payConds+` GROUP BY 1
		)
		SELECT to_char(p.start, '`+period.format+`') AS period,
			`+centsOf("coalesce(i.amount, 0)")+` AS invoiced, `+centsOf("coalesce(pd.amount, 0)")+` AS paid
		FROM periods p LEFT JOIN invoiced i ON i.start = p.start LEFT JOIN paid pd ON pd.start = p.start
		ORDER BY p.start`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("revenue: %w", err)
	}
	return rows, nil
}

// UtilizationFilter is the query of GET /reports/utilization.
type UtilizationFilter struct {
	From, To    string
	UserID      string
	InvoiceID   string
	TargetHours string // hours a day, decimal, default 8
	// PassedDaysOnly counts available hours only up to today (the reports page); the API's contract counts every
	// weekday of the range.
	PassedDaysOnly bool
}

// UtilizationRow is one member's tracked time against the weekdays of the range.
type UtilizationRow struct {
	UserID             string  `db:"user_id" json:"user_id"`
	UserName           string  `db:"user_name" json:"user_name"`
	TrackedHours       Hours   `db:"tracked_hours" json:"tracked_hours"`
	AvailableHours     Hours   `db:"available_hours" json:"available_hours"`
	UtilizationPercent float64 `db:"utilization_percent" json:"utilization_percent"`
}

// Utilization reports, for each active member (a member: only themselves), the hours tracked in the range
// against the available hours: weekdays (Monday to Friday) of the range × target_hours; with PassedDaysOnly, only
// the weekdays that have passed, today included, so a range that has not begun has no available hours.
func (s *Store) Utilization(ctx context.Context, a Actor, f UtilizationFilter) ([]UtilizationRow, error) {
	var v validator
	r, err := s.parseReportRange(ctx, a, &v, f.From, f.To)
	if err != nil {
		return nil, err
	}
	target := strings.TrimSpace(f.TargetHours)
	if target == "" {
		target = "8"
	}
	if t, err := strconv.ParseFloat(target, 64); err != nil || !plainHours.MatchString(target) || !(t > 0 && t <= 24) {
		v.add("target_hours", "target_hours must be a number greater than 0 and at most 24")
	}
	userID, _ := optionalID(&v, "user_id", f.UserID)
	invoiceID, byInvoice := optionalID(&v, "invoice_id", f.InvoiceID)
	if err := v.err(); err != nil {
		return nil, err
	}
	q, err := reportEntryScope(a, r, userID)
	if err != nil {
		return nil, err
	}
	if byInvoice {
		q.where("te.invoice_id = ?", invoiceID)
	}
	memberConds := "m.organization_id = $1 AND m.status = 'active'"
	if !a.Permissions().ManageAllTime {
		memberConds += " AND m.user_id = " + q.arg(a.UserID)
	} else if userID != "" {
		memberConds += " AND m.user_id = " + q.arg(userID)
	}
	last := r.LastDay
	if f.PassedDaysOnly {
		last = passedUntil(r)
	}
	weekdays := q.arg(weekdaysBetween(r.FirstDay, last))
	targetArg := q.arg(target)
	rows := []UtilizationRow{}
	err = s.db.SelectContext(ctx, &rows, `
		WITH tracked AS (
			SELECT te.user_id, sum(te.duration_seconds) AS seconds
			FROM time_entries te WHERE `+q.cond()+` GROUP BY te.user_id
		), params AS (
			SELECT `+weekdays+`::int * `+targetArg+`::numeric AS available
		)
		SELECT m.user_id, u.name AS user_name,
			round(coalesce(t.seconds, 0) / 36.0)::bigint AS tracked_hours,
			round(params.available * 100)::bigint AS available_hours,
			CASE WHEN params.available = 0 THEN 0
				ELSE round(coalesce(t.seconds, 0) / 36.0 / params.available, 1) END AS utilization_percent
		FROM members m JOIN users u ON u.id = m.user_id CROSS JOIN params
		LEFT JOIN tracked t ON t.user_id = m.user_id
		WHERE `+memberConds+`
		ORDER BY u.name, m.user_id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("utilization: %w", err)
	}
	return rows, nil
}

// passedUntil is the last day of the range that has begun: today counts as a whole day (see docs/DECISIONS.md),
// the days after it are not available yet.
func passedUntil(r reportRange) time.Time {
	if r.Today.Before(r.LastDay) {
		return r.Today
	}
	return r.LastDay
}

// plainHours is a non-negative decimal written plainly (8, 7.5, .5), which PostgreSQL reads as numeric.
var plainHours = regexp.MustCompile(`^([0-9]{1,2}(\.[0-9]{0,6})?|\.[0-9]{1,6})$`)

// weekdaysBetween counts Mondays to Fridays from first to last, both included.
func weekdaysBetween(first, last time.Time) int {
	if last.Before(first) {
		return 0
	}
	days := int(last.Sub(first).Hours()/24) + 1
	n := days / 7 * 5
	d := first.AddDate(0, 0, days/7*7)
	for ; !d.After(last); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

// ProfitabilityFilter is the query of GET /reports/profitability.
type ProfitabilityFilter struct {
	From, To string
	GroupBy  string // project (default), client
}

// ProfitabilityRow is the revenue and cost of one project or client, in cents. ID is nil for the entries
// without a project (or a client).
type ProfitabilityRow struct {
	ID            *string `db:"id" json:"id"`
	Name          string  `db:"name" json:"name"`
	Revenue       int64   `db:"revenue" json:"revenue"`
	Cost          int64   `db:"cost" json:"cost"`
	Profit        int64   `db:"profit" json:"profit"`
	MarginPercent float64 `db:"margin_percent" json:"margin_percent"`
}

// profitabilityGroups maps group_by to the id and name of the group; the none name labels entries without one.
var profitabilityGroups = map[string]struct{ id, name, none string }{
	"project": {"p.id", "p.name", "No project"},
	"client":  {"c.id", "c.name", "No client"},
}

// Profitability reports revenue against cost per project or client, over the stopped entries started in the
// range. Revenue is, per billable entry, its duration × the billing rate (the entry's, else the project's, else
// the client's, else none), rounded half-up to the cent; cost is, per entry billable or not, its duration × the
// member's current cost_rate, rounded the same way. Owners and admins only.
func (s *Store) Profitability(ctx context.Context, a Actor, f ProfitabilityFilter) ([]ProfitabilityRow, error) {
	if err := require(a.Permissions().ViewRevenueReports, msgAdminRole); err != nil {
		return nil, err
	}
	var v validator
	r, err := s.parseReportRange(ctx, a, &v, f.From, f.To)
	if err != nil {
		return nil, err
	}
	groupBy := strings.TrimSpace(f.GroupBy)
	if groupBy == "" {
		groupBy = "project"
	}
	group, ok := profitabilityGroups[groupBy]
	v.check(ok, "group_by", "group_by must be one of project, client")
	if err := v.err(); err != nil {
		return nil, err
	}
	q, err := reportEntryScope(a, r, "")
	if err != nil {
		return nil, err
	}
	none := q.arg(group.none)
	// Each entry is rounded to the cent on its own, half-up (numeric round() rounds halves away from zero, and
	// durations and rates are never negative), then summed in numeric, which never overflows whatever the rate.
	rows := []ProfitabilityRow{}
	err = s.db.SelectContext(ctx, &rows, `
		WITH agg AS (
			SELECT `+group.id+` AS id, `+group.name+` AS name,
				coalesce(sum(round(te.duration_seconds::numeric * coalesce(te.hourly_rate, p.hourly_rate, c.hourly_rate, 0) / 3600))
					FILTER (WHERE te.billable), 0) AS revenue,
				coalesce(sum(round(te.duration_seconds::numeric * coalesce(m.cost_rate, 0) / 3600)), 0) AS cost
			FROM time_entries te
			LEFT JOIN projects p ON p.id = te.project_id
			LEFT JOIN clients c ON c.id = p.client_id
			LEFT JOIN members m ON m.organization_id = te.organization_id AND m.user_id = te.user_id
			WHERE `+q.cond()+`
			GROUP BY 1, 2
		)
		SELECT id, coalesce(name, `+none+`) AS name, `+centsOf("revenue")+` AS revenue, `+centsOf("cost")+` AS cost,
			`+centsOf("revenue - cost")+` AS profit,
			CASE WHEN revenue = 0 THEN 0 ELSE round((revenue - cost) * 100 / revenue, 1) END AS margin_percent
		FROM agg
		ORDER BY id IS NULL, lower(name), id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("profitability: %w", err)
	}
	return rows, nil
}
