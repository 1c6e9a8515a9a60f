package views

import (
	"net/url"
	"strconv"
	"strings"
	"time"
)

// View models of the reports pages (/reports/timesheet, /utilization, /revenue, /profitability).

// Report names, as in their paths.
const (
	ReportTimesheet     = "timesheet"
	ReportUtilization   = "utilization"
	ReportRevenue       = "revenue"
	ReportProfitability = "profitability"
)

// ReportTitle is a report's name for people.
func ReportTitle(name string) string {
	switch name {
	case ReportTimesheet:
		return "Timesheet"
	case ReportUtilization:
		return "Utilization"
	case ReportRevenue:
		return "Revenue"
	case ReportProfitability:
		return "Profitability"
	}
	return "Reports"
}

// MaxReportTableRows bounds the rows a report table renders; the totals still cover every row and the CSV has
// them all.
const MaxReportTableRows = 1000

// ReportsView is one report page.
type ReportsView struct {
	Report string // one of the Report* names
	// Can shows the revenue and profitability tabs (ViewRevenueReports) and the member filter (ManageAllTime).
	Can    Permissions
	Filter ReportFilter
	// Errors are the filter's messages by field (from, to, group_by, user_id, project_id, client_id,
	// target_hours); Error is a message about the whole request.
	Errors   map[string]string
	Error    string
	Currency string
	Users    []Option // members, for admins
	Projects []Option // projects the user can see
	Clients  []Option
	// Today is the user's date, for the quick ranges.
	Today time.Time

	Timesheet     *TimesheetReport
	Utilization   *UtilizationReport
	Revenue       *RevenueReport
	Profitability *ProfitabilityReport
}

// ReportFilter holds a report's query, as typed.
type ReportFilter struct {
	From, To    string // YYYY-MM-DD
	GroupBy     string
	UserID      string
	ProjectID   string
	ClientID    string
	Description string
	TargetHours string
	By          string // timesheet: "" (one list), person or project: the rows in groups with subtotals
}

// reportParams lists the query parameters each report reads.
var reportParams = map[string][]string{
	ReportTimesheet:     {"from", "to", "group_by", "by", "user_id", "project_id", "client_id", "description"},
	ReportUtilization:   {"from", "to", "user_id", "target_hours"},
	ReportRevenue:       {"from", "to", "group_by", "client_id"},
	ReportProfitability: {"from", "to", "group_by"},
}

func (f ReportFilter) get(param string) string {
	switch param {
	case "from":
		return f.From
	case "to":
		return f.To
	case "group_by":
		return f.GroupBy
	case "user_id":
		return f.UserID
	case "project_id":
		return f.ProjectID
	case "client_id":
		return f.ClientID
	case "description":
		return f.Description
	case "target_hours":
		return f.TargetHours
	case "by":
		return f.By
	}
	return ""
}

// Query is the report's non-empty parameters.
func (f ReportFilter) Query(report string) url.Values {
	q := url.Values{}
	for _, p := range reportParams[report] {
		if v := strings.TrimSpace(f.get(p)); v != "" {
			q.Set(p, v)
		}
	}
	return q
}

func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// URL is the link to the page of report with this view's filters (another report keeps only the dates).
func (v ReportsView) URL(report string) string {
	if report == v.Report {
		return withQuery("/reports/"+report, v.Filter.Query(report))
	}
	q := url.Values{}
	if v.Filter.From != "" && v.Filter.To != "" {
		q.Set("from", v.Filter.From)
		q.Set("to", v.Filter.To)
	}
	return withQuery("/reports/"+report, q)
}

// CSVURL downloads the report as shown.
func (v ReportsView) CSVURL() string {
	return withQuery("/reports/"+v.Report+".csv", v.Filter.Query(v.Report))
}

// Tabs are the reports the user may open, in order: revenue and profitability are for owners and admins (the
// store refuses them to members; the tabs only follow).
func (v ReportsView) Tabs() []string {
	if v.Can.ViewRevenueReports {
		return []string{ReportTimesheet, ReportUtilization, ReportRevenue, ReportProfitability}
	}
	return []string{ReportTimesheet, ReportUtilization}
}

// QuickRange is a preset date range.
type QuickRange struct {
	Label    string
	From, To string
	Href     string
	Active   bool
}

// QuickRanges are this month, last month, this quarter and this year, relative to Today, each keeping the other
// filters.
func (v ReportsView) QuickRanges() []QuickRange {
	today := v.Today
	if today.IsZero() {
		today = time.Now()
	}
	y, m, _ := today.Date()
	month := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	quarter := time.Date(y, time.Month((int(m)-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	year := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	ranges := []QuickRange{
		{Label: "This month", From: day(month), To: day(month.AddDate(0, 1, -1))},
		{Label: "Last month", From: day(month.AddDate(0, -1, 0)), To: day(month.AddDate(0, 0, -1))},
		{Label: "This quarter", From: day(quarter), To: day(quarter.AddDate(0, 3, -1))},
		{Label: "This year", From: day(year), To: day(year.AddDate(1, 0, -1))},
	}
	for i := range ranges {
		r := &ranges[i]
		f := v.Filter
		f.From, f.To = r.From, r.To
		r.Href = withQuery("/reports/"+v.Report, f.Query(v.Report))
		r.Active = v.Filter.From == r.From && v.Filter.To == r.To
	}
	return ranges
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// DefaultReportRange is the range a report opens with: this month, or this year for revenue.
func DefaultReportRange(report string, today time.Time) (from, to string) {
	y, m, _ := today.Date()
	if report == ReportRevenue {
		return day(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)), day(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC))
	}
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return day(first), day(first.AddDate(0, 1, -1))
}

// RangeLabel describes the filter's dates for people ("Mar 1 – Mar 31, 2026").
func (v ReportsView) RangeLabel() string {
	from, err1 := time.Parse(time.DateOnly, v.Filter.From)
	to, err2 := time.Parse(time.DateOnly, v.Filter.To)
	if err1 != nil || err2 != nil {
		return strings.TrimSpace(v.Filter.From + " – " + v.Filter.To)
	}
	if from.Year() == to.Year() {
		return from.Format("Jan 2") + " – " + to.Format("Jan 2, 2006")
	}
	return from.Format("Jan 2, 2006") + " – " + to.Format("Jan 2, 2006")
}

// Hundredths is a number of hours in hundredths, as the store counts them, so sums stay exact.
type Hundredths int64

// String formats the hours with two decimals and thousands separators ("1,234.50"), so columns line up.
func (h Hundredths) String() string {
	neg := h < 0
	if neg {
		h = -h
	}
	s := FormatNumber(float64(h/100), 0) + "." + strconv.FormatInt(int64(h%100)/10, 10) + strconv.FormatInt(int64(h%10), 10)
	if neg {
		s = "-" + s
	}
	return s
}

// Float is the hours as a float.
func (h Hundredths) Float() float64 { return float64(h) / 100 }

// TimesheetReport is the timesheet: hours per member and period.
type TimesheetReport struct {
	GroupBy string // day, week, month
	Rows    []TimesheetRow
	// Periods lists every period of the range in order (empty ones included), for the chart; when the range
	// cannot be listed (too long, or datetimes), the periods of the rows.
	Periods       []ReportPeriod
	TotalHours    Hundredths
	TotalBillable Hundredths
	// By is how Groups gather the rows (person, project); empty, the table is one list.
	By     string
	Groups []TimesheetGroup
}

// TimesheetGroup is the rows of one person or project with their subtotals.
type TimesheetGroup struct {
	ID       string
	Name     string
	Hours    Hundredths
	Billable Hundredths
	Rows     []TimesheetRow
}

// TimesheetRow is the time one member tracked in one period (on one project, by project).
type TimesheetRow struct {
	Period      ReportPeriod
	UserID      string
	UserName    string
	ProjectID   string
	ProjectName string
	Hours       Hundredths
	Billable    Hundredths
}

// Grouped says the table shows the rows in groups with subtotals.
func (r TimesheetReport) Grouped() bool { return r.By != "" && len(r.Groups) > 0 }

// timesheetByOptions are the choices of the timesheet's grouping.
var timesheetByOptions = []Option{{Value: "person", Label: "Person"}, {Value: "project", Label: "Project"}}

// ReportPeriod is a period as the API writes it ("2026-03-02", "2026-03", "2026-Q1") with its labels.
type ReportPeriod struct {
	Key   string
	Label string // short, for axes ("Mar 2")
	Long  string // for tables and tooltips ("Mon, Mar 2, 2026", "Week of Mar 2, 2026", "March 2026")
}

// UtilizationReport is tracked time against available time per member.
type UtilizationReport struct {
	TargetHours    string
	Rows           []UtilizationRow
	TotalTracked   Hundredths
	TotalAvailable Hundredths
}

// UtilizationRow is one member's utilization.
type UtilizationRow struct {
	UserID    string
	UserName  string
	Tracked   Hundredths
	Available Hundredths
	Percent   float64
}

// Percent is the team's utilization: total tracked over total available.
func (r UtilizationReport) Percent() float64 {
	if r.TotalAvailable == 0 {
		return 0
	}
	return float64(r.TotalTracked) / float64(r.TotalAvailable) * 100
}

// RevenueReport is invoiced and paid amounts per period, in cents.
type RevenueReport struct {
	GroupBy       string // month, quarter
	Rows          []RevenueRow
	TotalInvoiced int64
	TotalPaid     int64
}

// RevenueRow is one period's revenue.
type RevenueRow struct {
	Period   ReportPeriod
	Invoiced int64
	Paid     int64
}

// Collected is what was paid over what was invoiced in the range, in percent (payments may settle invoices of
// an earlier range, so it can exceed 100).
func (r RevenueReport) Collected() float64 {
	if r.TotalInvoiced == 0 {
		return 0
	}
	return float64(r.TotalPaid) / float64(r.TotalInvoiced) * 100
}

// ProfitabilityReport is revenue against cost per project or client, in cents.
type ProfitabilityReport struct {
	GroupBy      string // project, client
	Rows         []ProfitabilityRow
	TotalRevenue int64
	TotalCost    int64
	TotalProfit  int64
}

// ProfitabilityRow is one project's or client's figures; ID is empty for the row without one.
type ProfitabilityRow struct {
	ID      string
	Name    string
	Revenue int64
	Cost    int64
	Profit  int64
	Margin  float64
}

// Margin is the overall margin: total profit over total revenue, in percent.
func (r ProfitabilityReport) Margin() float64 {
	if r.TotalRevenue == 0 {
		return 0
	}
	return float64(r.TotalProfit) / float64(r.TotalRevenue) * 100
}

// MakePeriod labels a period key of a report grouped by groupBy (day, week, month, quarter).
func MakePeriod(key, groupBy string) ReportPeriod {
	p := ReportPeriod{Key: key, Label: key, Long: key}
	switch groupBy {
	case "day", "week":
		d, err := time.Parse(time.DateOnly, key)
		if err != nil {
			return p
		}
		p.Label = d.Format("Jan 2")
		if groupBy == "day" {
			p.Long = d.Format("Mon, Jan 2, 2006")
		} else {
			p.Long = "Week of " + d.Format("Jan 2, 2006")
		}
	case "month":
		d, err := time.Parse("2006-01", key)
		if err != nil {
			return p
		}
		p.Label, p.Long = d.Format("Jan 2006"), d.Format("January 2006")
	case "quarter":
		if y, q, ok := strings.Cut(key, "-"); ok {
			p.Label, p.Long = q+" "+y, q+" "+y
		}
	}
	return p
}

// maxChartPeriods bounds the periods listed for a chart (a few years of days would make an unreadable chart).
const maxChartPeriods = 400

// TimesheetPeriods lists the periods from..to (YYYY-MM-DD, inclusive) of a timesheet grouped by groupBy, or nil
// when the dates cannot be read or the list would be too long.
func TimesheetPeriods(from, to, groupBy string) []ReportPeriod {
	start, err1 := time.Parse(time.DateOnly, from)
	end, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || end.Before(start) {
		return nil
	}
	var next func(time.Time) time.Time
	format := time.DateOnly
	switch groupBy {
	case "day":
		next = func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	case "week":
		// Back to the Monday of the first week, as date_trunc('week') does.
		start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
		next = func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }
	case "month":
		start = time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
		next = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
		format = "2006-01"
	default:
		return nil
	}
	var out []ReportPeriod
	for t := start; !t.After(end); t = next(t) {
		if len(out) == maxChartPeriods {
			return nil
		}
		out = append(out, MakePeriod(t.Format(format), groupBy))
	}
	return out
}

// Chart series tones (chart__bar--<tone> in app.css).
const (
	toneBillable    = "billable"
	toneNonBillable = "nonbillable"
	toneInvoiced    = "invoiced"
	tonePaid        = "paid"
	toneRevenue     = "revenue"
	toneCost        = "cost"
	toneProfit      = "profit"
	toneLoss        = "loss"
	toneUtil        = "util"
	toneOver        = "over"
	toneLow         = "low"
)

// hoursUnit formats hours for axes and tooltips.
func hoursUnit(v float64) string { return FormatNumber(v, 2) + " h" }

// moneyUnit formats major units compactly for axes and fully for tooltips.
func moneyUnit(currency string) func(float64) string {
	return func(v float64) string { return compactNumber(v) + " " + currency }
}

// compactNumber writes 12500 as "12.5k" and 1,250,000 as "1.25M".
func compactNumber(v float64) string {
	a := v
	if a < 0 {
		a = -a
	}
	switch {
	case a >= 1e6:
		return FormatNumber(v/1e6, 2) + "M"
	case a >= 1e4:
		return FormatNumber(v/1e3, 1) + "k"
	}
	return FormatNumber(v, 2)
}

// majorUnits converts cents of currency to major units for charts.
func majorUnits(cents int64, currency string) float64 {
	return float64(cents) / float64(pow10(CurrencyDecimals(currency)))
}

// Chart draws the hours per period, billable and not, stacked.
func (r TimesheetReport) Chart() BarChart {
	periods := r.Periods
	type sums struct{ billable, other Hundredths }
	byPeriod := map[string]*sums{}
	for _, row := range r.Rows {
		s := byPeriod[row.Period.Key]
		if s == nil {
			s = &sums{}
			byPeriod[row.Period.Key] = s
		}
		s.billable += row.Billable
		s.other += row.Hours - row.Billable
	}
	if len(periods) == 0 {
		seen := map[string]bool{}
		for _, row := range r.Rows {
			if !seen[row.Period.Key] {
				seen[row.Period.Key] = true
				periods = append(periods, row.Period)
			}
		}
	}
	c := BarChart{
		ID:      "timesheet-chart",
		Title:   "Hours tracked per " + r.GroupBy,
		Summary: "Total " + r.TotalHours.String() + " hours, " + r.TotalBillable.String() + " billable, over " + Plural(len(periods), r.GroupBy, r.GroupBy+"s") + ".",
		Series:  []ChartSeries{{Name: "Billable", Tone: toneBillable}, {Name: "Non-billable", Tone: toneNonBillable}},
		Stacked: true,
		Unit:    hoursUnit,
		XTitle:  periodName(r.GroupBy),
	}
	for _, p := range periods {
		c.Categories = append(c.Categories, p.Key)
		c.Labels = append(c.Labels, p.Label)
		c.Tooltips = append(c.Tooltips, p.Long)
		s := byPeriod[p.Key]
		if s == nil {
			s = &sums{}
		}
		c.Values = append(c.Values, []float64{s.billable.Float(), s.other.Float()})
	}
	return c
}

// Chart draws each member's utilization against the 100% line.
func (r UtilizationReport) Chart() HBarChart {
	c := HBarChart{
		ID:       "utilization-chart",
		Title:    "Utilization per member",
		Summary:  "Team utilization " + FormatNumber(r.Percent(), 1) + "%: " + r.TotalTracked.String() + " of " + r.TotalAvailable.String() + " available hours tracked.",
		Series:   []ChartSeries{{Name: "Utilization", Tone: toneUtil}},
		Unit:     func(v float64) string { return FormatNumber(v, 1) + "%" },
		RefValue: 100,
		RefLabel: "100%",
		MinMax:   100,
	}
	for _, row := range r.Rows {
		tone := ""
		switch {
		case row.Percent > 100:
			tone = toneOver
		case row.Percent < 50:
			tone = toneLow
		}
		c.Items = append(c.Items, HBarItem{Label: row.UserName, Values: []float64{row.Percent}, Tones: []string{tone},
			Note: FormatNumber(row.Percent, 1) + "%"})
	}
	return c
}

// Chart draws what was invoiced and paid per period, side by side.
func (r RevenueReport) Chart(currency string) BarChart {
	c := BarChart{
		ID:    "revenue-chart",
		Title: "Invoiced and paid per " + r.GroupBy,
		Summary: "Invoiced " + FormatMoney(r.TotalInvoiced, currency) + ", paid " + FormatMoney(r.TotalPaid, currency) +
			", over " + Plural(len(r.Rows), r.GroupBy, r.GroupBy+"s") + ".",
		Series: []ChartSeries{{Name: "Invoiced", Tone: toneInvoiced}, {Name: "Paid", Tone: tonePaid}},
		Unit:   moneyUnit(currency),
		XTitle: periodName(r.GroupBy),
	}
	for _, row := range r.Rows {
		c.Categories = append(c.Categories, row.Period.Key)
		c.Labels = append(c.Labels, row.Period.Label)
		c.Tooltips = append(c.Tooltips, row.Period.Long)
		c.Values = append(c.Values, []float64{majorUnits(row.Invoiced, currency), majorUnits(row.Paid, currency)})
	}
	return c
}

// profitabilityChartRows is how many projects or clients the chart shows: the largest by revenue.
const profitabilityChartRows = 12

// ChartOmitted is how many rows the chart leaves out.
func (r ProfitabilityReport) ChartOmitted() int { return max(0, len(r.Rows)-profitabilityChartRows) }

// Chart draws revenue, cost and profit of the largest projects or clients by revenue.
func (r ProfitabilityReport) Chart(currency string) HBarChart {
	rows := append([]ProfitabilityRow(nil), r.Rows...)
	// Largest revenue first, then largest cost; a stable order for equal figures.
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && profitBefore(rows[j], rows[j-1]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
	if len(rows) > profitabilityChartRows {
		rows = rows[:profitabilityChartRows]
	}
	c := HBarChart{
		ID:    "profitability-chart",
		Title: "Revenue, cost and profit per " + r.GroupBy,
		Summary: "Revenue " + FormatMoney(r.TotalRevenue, currency) + ", cost " + FormatMoney(r.TotalCost, currency) +
			", profit " + FormatMoney(r.TotalProfit, currency) + " (" + FormatNumber(r.Margin(), 1) + "% margin).",
		Series: []ChartSeries{{Name: "Revenue", Tone: toneRevenue}, {Name: "Cost", Tone: toneCost}, {Name: "Profit", Tone: toneProfit}},
		Unit:   moneyUnit(currency),
	}
	for _, row := range rows {
		profitTone := ""
		if row.Profit < 0 {
			profitTone = toneLoss
		}
		c.Items = append(c.Items, HBarItem{Label: row.Name,
			Values: []float64{majorUnits(row.Revenue, currency), majorUnits(row.Cost, currency), majorUnits(row.Profit, currency)},
			Tones:  []string{"", "", profitTone}, Note: FormatNumber(row.Margin, 1) + "%"})
	}
	return c
}

func profitBefore(a, b ProfitabilityRow) bool {
	if a.Revenue != b.Revenue {
		return a.Revenue > b.Revenue
	}
	return a.Cost > b.Cost
}

// groupByOptions are the group_by choices of a report.
func groupByOptions(report string) []Option {
	switch report {
	case ReportTimesheet:
		return []Option{{Value: "day", Label: "Day"}, {Value: "week", Label: "Week"}, {Value: "month", Label: "Month"}}
	case ReportRevenue:
		return []Option{{Value: "month", Label: "Month"}, {Value: "quarter", Label: "Quarter"}}
	case ReportProfitability:
		return []Option{{Value: "project", Label: "Project"}, {Value: "client", Label: "Client"}}
	}
	return nil
}

// reportDescription says what a report shows.
func reportDescription(report string) string {
	switch report {
	case ReportTimesheet:
		return "Hours tracked per member and period, billable and not."
	case ReportUtilization:
		return "Tracked hours against available hours: weekdays in the range × the daily target."
	case ReportRevenue:
		return "Totals of the invoices issued and the payments received."
	case ReportProfitability:
		return "Billable revenue against the cost of the time spent, at each member's cost rate."
	}
	return ""
}

// percentOf is part/whole in percent, 0 for no whole.
func percentOf(part, whole Hundredths) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole) * 100
}

// marginTone colours a margin or profit: negative is danger, thin is warning.
func marginTone(m float64) string {
	switch {
	case m < 0:
		return "report-neg"
	case m < 20:
		return "report-thin"
	}
	return ""
}

// periodName is a group_by for a column heading ("Day", "Project").
func periodName(groupBy string) string {
	if groupBy == "" {
		return ""
	}
	return strings.ToUpper(groupBy[:1]) + groupBy[1:]
}

// groupColumns is how many columns of a grouped timesheet come before the hours: the period, and the member
// when grouped by project.
func (r TimesheetReport) groupColumns() int {
	if r.By == "project" {
		return 2
	}
	return 1
}

// ShownGroups are the groups with at most MaxReportTableRows rows in all; the subtotals still cover every row.
func (r TimesheetReport) ShownGroups() []TimesheetGroup {
	left := MaxReportTableRows
	out := make([]TimesheetGroup, 0, len(r.Groups))
	for _, g := range r.Groups {
		if left <= 0 {
			break
		}
		if len(g.Rows) > left {
			g.Rows = g.Rows[:left]
		}
		left -= len(g.Rows)
		out = append(out, g)
	}
	return out
}

func groupIcon(by string) string {
	if by == "project" {
		return "folder-kanban"
	}
	return "user"
}

// groupByLabel names the group_by filter: the timesheet's is its period (its rows are grouped by "by").
func groupByLabel(report string) string {
	if report == ReportTimesheet {
		return "Period"
	}
	return "Group by"
}

func (r TimesheetReport) headColspan() string  { return strconv.Itoa(r.groupColumns() + 3) }
func (r TimesheetReport) labelColspan() string { return strconv.Itoa(r.groupColumns()) }
