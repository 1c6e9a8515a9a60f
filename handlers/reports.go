package handlers

import (
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// reportNames are the reports, each at /reports/<name> and /reports/<name>.csv.
var reportNames = []string{views.ReportTimesheet, views.ReportUtilization, views.ReportRevenue, views.ReportProfitability}

func (h *Handlers) mountReports(g *router) {
	g.GET("/reports", h.reportsIndex, h.requireOrg)
	for _, name := range reportNames {
		g.GET("/reports/"+name, h.reportPage(name), h.requireOrg)
		g.GET("/reports/"+name+".csv", h.reportCSV(name), h.requireOrg)
	}
}

// reportsIndex opens the timesheet, the report every member may see.
func (h *Handlers) reportsIndex(c echo.Context) error {
	to := "/reports/" + views.ReportTimesheet
	if q := c.QueryString(); q != "" {
		to += "?" + q
	}
	return c.Redirect(http.StatusSeeOther, to)
}

// reportFilter reads a report's query. Without from and to, the report opens on its default range.
func (h *Handlers) reportFilter(c echo.Context, report string) views.ReportFilter {
	f := views.ReportFilter{
		From: strings.TrimSpace(c.QueryParam("from")), To: strings.TrimSpace(c.QueryParam("to")),
		GroupBy: c.QueryParam("group_by"), UserID: c.QueryParam("user_id"), ProjectID: c.QueryParam("project_id"),
		ClientID: c.QueryParam("client_id"), Description: c.QueryParam("description"), TargetHours: c.QueryParam("target_hours"),
		By: strings.TrimSpace(c.QueryParam("by")),
	}
	if f.From == "" && f.To == "" {
		f.From, f.To = views.DefaultReportRange(report, h.todayDate(c))
	}
	return f
}

// reportPage serves one report. Invalid filters answer 422 with their messages beside the fields; a report the
// member may not see answers 403 (the store decides). An htmx request gets #report-body only.
func (h *Handlers) reportPage(report string) echo.HandlerFunc {
	return func(c echo.Context) error {
		a := currentActor(c)
		v := views.ReportsView{Report: report, Can: views.Permissions(a.Permissions()), Filter: h.reportFilter(c, report), Today: h.todayDate(c)}
		if v.Filter.GroupBy == "" {
			v.Filter.GroupBy = defaultGroupBy(report)
		}
		status := http.StatusOK
		pg, err := h.store.ReportPage(c.Request().Context(), a, reportQuery(v))
		if err != nil {
			return err // forbidden, or worse: the error page
		}
		if invalid, ok := store.AsKind(pg.FilterError, store.ErrInvalid); ok {
			status = http.StatusUnprocessableEntity
			v.Errors = map[string]string{}
			for field, msg := range invalid.Fields {
				v.Errors[field] = reportMessage(msg)
			}
			if len(v.Errors) == 0 {
				v.Error = reportMessage(invalid.Message)
			}
		} else {
			reportRows(&v, pg)
		}
		reportChoices(&v, pg)
		if isHTMX(c) {
			return render(c, status, views.ReportBody(v))
		}
		p, err := h.page(c, views.ReportTitle(report)+" · Reports", views.NavReports)
		if err != nil {
			return err
		}
		return render(c, status, views.ReportsPage(p, v))
	}
}

func defaultGroupBy(report string) string {
	switch report {
	case views.ReportTimesheet:
		return "day"
	case views.ReportRevenue:
		return "month"
	case views.ReportProfitability:
		return "project"
	}
	return ""
}

// reportQuery asks the store for the report of v with its filter.
func reportQuery(v views.ReportsView) store.ReportPageQuery {
	f := v.Filter
	var q store.ReportPageQuery
	switch v.Report {
	case views.ReportTimesheet:
		q.Timesheet = &store.TimesheetFilter{From: f.From, To: f.To, UserID: f.UserID,
			ProjectID: f.ProjectID, ClientID: f.ClientID, Description: f.Description, GroupBy: f.GroupBy, Breakdown: f.By}
	case views.ReportUtilization:
		q.Utilization = &store.UtilizationFilter{From: f.From, To: f.To, UserID: f.UserID, TargetHours: f.TargetHours, PassedDaysOnly: true}
	case views.ReportRevenue:
		q.Revenue = &store.RevenueFilter{From: f.From, To: f.To, ClientID: f.ClientID, GroupBy: f.GroupBy}
	case views.ReportProfitability:
		q.Profitability = &store.ProfitabilityFilter{From: f.From, To: f.To, GroupBy: f.GroupBy}
	}
	return q
}

// reportRows fills the view with the rows of its report, and the currency its money is in.
func reportRows(v *views.ReportsView, pg store.ReportPage) {
	f := v.Filter
	v.Currency = pg.Currency
	switch v.Report {
	case views.ReportTimesheet:
		t := pg.Timesheet
		r := &views.TimesheetReport{GroupBy: f.GroupBy, TotalHours: views.Hundredths(t.TotalHours),
			Periods: views.TimesheetPeriods(f.From, f.To, f.GroupBy), By: f.By}
		for _, row := range t.Rows {
			r.Rows = append(r.Rows, timesheetRow(row, f.GroupBy))
			r.TotalBillable += views.Hundredths(row.BillableHours)
		}
		if f.By != "" {
			for _, g := range t.Groups {
				vg := views.TimesheetGroup{ID: g.ID, Name: g.Name, Hours: views.Hundredths(g.Hours), Billable: views.Hundredths(g.BillableHours)}
				for _, row := range g.Rows {
					vg.Rows = append(vg.Rows, timesheetRow(row, f.GroupBy))
				}
				r.Groups = append(r.Groups, vg)
			}
		}
		v.Timesheet = r
	case views.ReportUtilization:
		r := &views.UtilizationReport{TargetHours: f.TargetHours}
		for _, row := range pg.Utilization {
			r.Rows = append(r.Rows, views.UtilizationRow{UserID: row.UserID, UserName: row.UserName, Tracked: views.Hundredths(row.TrackedHours),
				Available: views.Hundredths(row.AvailableHours), Percent: row.UtilizationPercent})
			r.TotalTracked += views.Hundredths(row.TrackedHours)
			r.TotalAvailable += views.Hundredths(row.AvailableHours)
		}
		v.Utilization = r
	case views.ReportRevenue:
		r := &views.RevenueReport{GroupBy: f.GroupBy}
		for _, row := range pg.Revenue {
			r.Rows = append(r.Rows, views.RevenueRow{Period: views.MakePeriod(row.Period, f.GroupBy), Invoiced: row.Invoiced, Paid: row.Paid})
			r.TotalInvoiced = addCents(r.TotalInvoiced, row.Invoiced)
			r.TotalPaid = addCents(r.TotalPaid, row.Paid)
		}
		v.Revenue = r
	case views.ReportProfitability:
		r := &views.ProfitabilityReport{GroupBy: f.GroupBy}
		for _, row := range pg.Profitability {
			r.Rows = append(r.Rows, views.ProfitabilityRow{ID: deref(row.ID), Name: row.Name, Revenue: row.Revenue, Cost: row.Cost,
				Profit: row.Profit, Margin: row.MarginPercent})
			r.TotalRevenue = addCents(r.TotalRevenue, row.Revenue)
			r.TotalCost = addCents(r.TotalCost, row.Cost)
			r.TotalProfit = addCents(r.TotalProfit, row.Profit)
		}
		v.Profitability = r
	}
}

func timesheetRow(row store.TimesheetRow, groupBy string) views.TimesheetRow {
	return views.TimesheetRow{Period: views.MakePeriod(row.Period, groupBy), UserID: row.UserID, UserName: row.UserName,
		ProjectID: deref(row.ProjectID), ProjectName: row.ProjectName,
		Hours: views.Hundredths(row.Hours), Billable: views.Hundredths(row.BillableHours)}
}

// reportChoices fills what the report's filters offer, and the currency money is shown in.
func reportChoices(v *views.ReportsView, pg store.ReportPage) {
	v.Currency = pg.Currency
	for _, m := range pg.Members {
		if m.UserID != nil {
			v.Users = append(v.Users, views.Option{Value: *m.UserID, Label: orName(m.Name, m.Email)})
		}
	}
	for _, p := range pg.Projects {
		label := p.Name
		if p.Status == store.ProjectArchived {
			label += " (archived)"
		}
		v.Projects = append(v.Projects, views.Option{Value: p.ID, Label: label})
	}
	for _, cl := range pg.Clients {
		v.Clients = append(v.Clients, views.Option{Value: cl.ID, Label: cl.Name})
	}
}

// reportMessage words a store message about a filter for people: "from must be on or before to" reads "The start
// date must be on or before the end date."
func reportMessage(msg string) string {
	switch {
	case msg == "from is required":
		return "Choose a start date."
	case msg == "to is required":
		return "Choose an end date."
	case strings.HasPrefix(msg, "from must be a date"), strings.HasPrefix(msg, "to must be a date"):
		return "Enter a date such as 2026-03-31."
	case msg == "from must be on or before to":
		return "The start date must be on or before the end date."
	}
	msg = strings.NewReplacer("group_by", "grouping", "user_id", "member", "project_id", "project", "client_id", "client",
		"target_hours", "the daily target", "from and to", "the dates", "by must", "grouping must").Replace(msg)
	return sentence(msg)
}

// reportCSV downloads a report with the columns of its API answer: hours as decimals, money in major units of the
// organization's currency. Invalid filters answer 400; a report the member may not see, 403.
func (h *Handlers) reportCSV(report string) echo.HandlerFunc {
	return func(c echo.Context) error {
		a := currentActor(c)
		v := views.ReportsView{Report: report, Can: views.Permissions(a.Permissions()), Filter: h.reportFilter(c, report)}
		if v.Filter.GroupBy == "" {
			v.Filter.GroupBy = defaultGroupBy(report)
		}
		q := reportQuery(v)
		q.Download = true
		pg, err := h.store.ReportPage(c.Request().Context(), a, q)
		if err != nil {
			return err
		}
		if invalid, ok := store.AsKind(pg.FilterError, store.ErrInvalid); ok {
			return echo.NewHTTPError(http.StatusBadRequest, reportMessage(invalid.Message))
		}
		reportRows(&v, pg)
		records := reportRecords(v)
		name := fmt.Sprintf("%s-%s-to-%s.csv", report, safeFilePart(v.Filter.From), safeFilePart(v.Filter.To))
		res := c.Response()
		res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		res.WriteHeader(http.StatusOK)
		w := csv.NewWriter(res)
		if err := w.WriteAll(records); err != nil {
			h.log.Error("report csv", "report", report, "err", err)
		}
		return nil
	}
}

// reportRecords is the CSV of a report: a header, then a record per row.
func reportRecords(v views.ReportsView) [][]string {
	hours := func(h views.Hundredths) string { return store.Hours(h).String() }
	money := func(cents int64) string { return views.MajorUnits(cents, v.Currency) }
	pct := func(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }
	var out [][]string
	switch {
	case v.Timesheet != nil && v.Timesheet.By == store.TimesheetByProject:
		out = append(out, []string{"period", "project_id", "project_name", "user_id", "user_name", "hours", "billable_hours"})
		for _, r := range v.Timesheet.Rows {
			out = append(out, []string{r.Period.Key, r.ProjectID, csvCell(r.ProjectName), r.UserID, csvCell(r.UserName), hours(r.Hours), hours(r.Billable)})
		}
	case v.Timesheet != nil:
		out = append(out, []string{"period", "user_id", "user_name", "hours", "billable_hours"})
		for _, r := range v.Timesheet.Rows {
			out = append(out, []string{r.Period.Key, r.UserID, csvCell(r.UserName), hours(r.Hours), hours(r.Billable)})
		}
	case v.Utilization != nil:
		out = append(out, []string{"user_id", "user_name", "tracked_hours", "available_hours", "utilization_percent"})
		for _, r := range v.Utilization.Rows {
			out = append(out, []string{r.UserID, csvCell(r.UserName), hours(r.Tracked), hours(r.Available), pct(r.Percent)})
		}
	case v.Revenue != nil:
		out = append(out, []string{"period", "invoiced", "paid", "currency"})
		for _, r := range v.Revenue.Rows {
			out = append(out, []string{r.Period.Key, money(r.Invoiced), money(r.Paid), v.Currency})
		}
	case v.Profitability != nil:
		out = append(out, []string{"id", "name", "revenue", "cost", "profit", "margin_percent", "currency"})
		for _, r := range v.Profitability.Rows {
			out = append(out, []string{r.ID, csvCell(r.Name), money(r.Revenue), money(r.Cost), money(r.Profit), pct(r.Margin), v.Currency})
		}
	}
	return out
}

// csvCell keeps a spreadsheet from reading a name as a formula (=, +, -, @, tab or carriage return first).
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// safeFilePart keeps the characters of a date or datetime that are safe in a file name.
func safeFilePart(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-' {
			return r
		}
		return -1
	}, s)
}

// addCents adds two amounts, saturating at ±(2^63-1) as the store's report sums do, so a total of rows that are
// already at the bound stays there instead of wrapping to a negative amount.
func addCents(a, b int64) int64 {
	sum := a + b
	switch {
	case a > 0 && b > 0 && sum < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && sum >= 0:
		return -math.MaxInt64
	}
	return max(sum, -math.MaxInt64)
}
