package handlers_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

const march = "from=2026-03-01&to=2026-03-31"

// tableSums adds up the numeric columns of a report table's body and reads its totals row.
func tableSums(t *testing.T, p page) (rows int, sums, totals []float64) {
	t.Helper()
	p.doc.Find(`[data-testid="report-table"] tbody tr`).Each(func(_ int, tr *goquery.Selection) {
		rows++
		i := 0
		tr.Find("td.num").Each(func(_ int, td *goquery.Selection) {
			if len(sums) <= i {
				sums = append(sums, 0)
			}
			sums[i] += parseNumber(t, td.Text())
			i++
		})
	})
	p.doc.Find(`[data-testid="report-total"] td.num`).Each(func(_ int, td *goquery.Selection) {
		totals = append(totals, parseNumber(t, td.Text()))
	})
	return rows, sums, totals
}

func parseNumber(t *testing.T, s string) float64 {
	t.Helper()
	// "1,234.50 USD", "-80.00 USD", "37.5%"
	fields := strings.Fields(strings.NewReplacer(",", "", "%", "").Replace(s))
	if len(fields) == 0 {
		t.Fatalf("not a number: %q", s)
	}
	f, err := strconv.ParseFloat(fields[0], 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

func TestReports_IndexOpensTheTimesheet(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	p := r.owner.get("/reports?" + march)
	if p.status != http.StatusSeeOther || p.location != "/reports/timesheet?"+march {
		t.Fatalf("GET /reports: %d %q", p.status, p.location)
	}
	// Without dates, a report opens on this month.
	p = r.owner.get("/reports/timesheet")
	if p.status != http.StatusOK || p.doc.Find(`[data-testid="report-range"][aria-current="true"]`).Text() != "This month" {
		t.Fatalf("default range: %d, active quick range %q", p.status, p.doc.Find(`[data-testid="report-range"][aria-current="true"]`).Text())
	}
	if !p.has("empty-state") {
		t.Error("no time this month: want the empty state")
	}
}

func TestReports_TimesheetForAnOwner(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	p := r.owner.get("/reports/timesheet?" + march)
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	for _, id := range []string{"report-tabs", "report-filters", "report-summary", "chart-timesheet-chart", "report-table", "report-total", "report-csv", "report-user"} {
		if !p.has(id) {
			t.Errorf("missing %s", id)
		}
	}
	if n := p.doc.Find(`[data-testid^="report-tab-"]`).Length(); n != 4 {
		t.Errorf("%d tabs, want 4", n)
	}
	rows, sums, totals := tableSums(t, p)
	if rows != 4 || len(totals) != 3 || totals[0] != 8.75 || totals[1] != 7.75 {
		t.Fatalf("%d rows, totals %v (want 8.75 h, 7.75 billable)", rows, totals)
	}
	for i := range totals {
		if sums[i] != totals[i] {
			t.Errorf("column %d: rows add up to %v, total says %v", i, sums[i], totals[i])
		}
	}
	if got := strings.TrimSpace(p.doc.Find(`[data-testid="stat-total-hours"] .report-stat__value`).Text()); got != "8.75" || strings.Contains(p.body, "Secret") {
		t.Errorf("total %q, or another organization leaks", got)
	}
	// Filters are kept in the URL and the form: one member, one project.
	p = r.owner.get("/reports/timesheet?" + march + "&group_by=week&user_id=" + r.memberA.UserID + "&project_id=" + r.project.ID)
	rows, _, totals = tableSums(t, p)
	if rows != 2 || totals[0] != 4.25 {
		t.Errorf("Mia on Website by week: %d rows, totals %v", rows, totals)
	}
	if p.doc.Find(`#report-user option[selected]`).AttrOr("value", "") != r.memberA.UserID || p.doc.Find(`#report-group-by option[selected]`).AttrOr("value", "") != "week" {
		t.Error("the form does not show the filters")
	}
	if href := p.doc.Find(`[data-testid="report-csv"]`).AttrOr("href", ""); !strings.Contains(href, "user_id="+r.memberA.UserID) || !strings.Contains(href, "group_by=week") {
		t.Errorf("CSV link %q loses the filters", href)
	}
	// The chart has a bar tooltip per period with time, and the 100% line is the utilization chart's only.
	if p.doc.Find(`[data-testid="chart-bar"] title`).Length() == 0 || p.has("chart-ref") {
		t.Error("chart bars")
	}
}

func TestReports_MemberSeesOnlyTheirOwnTimeAndNoMoney(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	p := r.member.get("/reports/timesheet?" + march)
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	if p.has("report-tab-revenue") || p.has("report-tab-profitability") || p.has("report-user") {
		t.Error("members see no revenue or profitability tabs and no member filter")
	}
	rows, _, totals := tableSums(t, p)
	if rows != 2 || totals[0] != 4.25 || strings.Contains(p.body, "Olga Owner</td>") {
		t.Errorf("member timesheet: %d rows, totals %v", rows, totals)
	}
	for _, path := range []string{"/reports/revenue?" + march, "/reports/profitability?" + march, "/reports/revenue.csv?" + march,
		"/reports/profitability.csv?" + march, "/reports/timesheet?" + march + "&user_id=" + r.ownerA.UserID} {
		r.member.visit(visit{name: "member GET", path: path, status: http.StatusForbidden})
	}
	p = r.member.get("/reports/utilization?" + march)
	if p.status != http.StatusOK || p.doc.Find(`[data-testid="report-table"] tbody tr`).Length() != 1 || !p.has("chart-ref") {
		t.Errorf("member utilization: %d, %d rows", p.status, p.doc.Find(`[data-testid="report-table"] tbody tr`).Length())
	}
}

func TestReports_RevenueUtilizationAndProfitability(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	p := r.owner.get("/reports/revenue?from=2026-01-01&to=2026-06-30")
	if p.status != http.StatusOK {
		t.Fatalf("revenue: %d", p.status)
	}
	rows, sums, totals := tableSums(t, p)
	if rows != 6 || totals[0] != 500 || totals[1] != 200 || sums[0] != totals[0] || sums[1] != totals[1] {
		t.Errorf("revenue: %d rows, sums %v, totals %v", rows, sums, totals)
	}
	if p.doc.Find(`#chart-revenue-chart, [data-testid="chart-revenue-chart"]`).Length() == 0 || p.doc.Find(`.chart__legend`).Text() == "" {
		t.Error("revenue chart or legend missing")
	}
	// Another organization's client matches nothing.
	p = r.owner.get("/reports/revenue?from=2026-01-01&to=2026-06-30&client_id=" + r.otherClient)
	if p.status != http.StatusOK || !p.has("empty-state") {
		t.Errorf("revenue for another organization's client: %d, empty state %v", p.status, p.has("empty-state"))
	}

	p = r.owner.get("/reports/utilization?from=2026-03-02&to=2026-03-06&target_hours=6")
	rows, sums, totals = tableSums(t, p)
	// Weekdays Mar 2-6: 5 × 6 h = 30 h available each; Olga tracked 4.5 h, Mia 2.25 h.
	if rows != 2 || totals[0] != 6.75 || totals[1] != 60 || sums[0] != totals[0] || sums[1] != totals[1] || totals[2] < 11.2 || totals[2] > 11.3 {
		t.Errorf("utilization: %d rows, sums %v, totals %v", rows, sums, totals)
	}
	if !p.has("chart-ref") {
		t.Error("utilization chart without the 100% line")
	}

	p = r.owner.get("/reports/profitability?" + march)
	rows, sums, totals = tableSums(t, p)
	// Website: 7.75 billable h × 120.00 = 930.00 revenue; cost 3.5 × 50 + 4.25 × 30 = 302.50. No project: 1 h × 50 cost.
	if rows != 2 || totals[0] != 930 || totals[1] != 352.5 || totals[2] != 577.5 {
		t.Errorf("profitability: %d rows, totals %v", rows, totals)
	}
	for i := 0; i < 3; i++ {
		if sums[i] != totals[i] {
			t.Errorf("profitability column %d: rows %v, total %v", i, sums[i], totals[i])
		}
	}
	p = r.owner.get("/reports/profitability?" + march + "&group_by=client")
	if rows, _, _ := tableSums(t, p); rows != 2 || !strings.Contains(p.body, "No client") {
		t.Errorf("by client: %d rows", rows)
	}
}

func TestReports_InvalidFiltersAreShownInPlace(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	p := r.owner.get("/reports/timesheet?from=2026-03-31&to=2026-03-01")
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", p.status)
	}
	if !p.has("report-error") || p.doc.Find(`#report-from[aria-invalid="true"]`).Length() != 1 ||
		!strings.Contains(p.doc.Find(`#report-from-error`).Text(), "on or before the end date") || p.has("report-csv") {
		t.Errorf("the message should be beside the start date: %s", p.doc.Find(`.field__error`).Text())
	}
	p = r.owner.get("/reports/timesheet?" + march + "&group_by=fortnight")
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.doc.Find(`#report-group-by-error`).Text(), "Grouping must be one of day, week, month") {
		t.Errorf("group_by: %d %q", p.status, p.doc.Find(`#report-group-by-error`).Text())
	}
	p = r.owner.get("/reports/utilization?" + march + "&target_hours=30")
	if p.status != http.StatusUnprocessableEntity || p.doc.Find(`#report-target[aria-invalid="true"]`).Length() != 1 {
		t.Errorf("target_hours: %d", p.status)
	}
	p = r.owner.get("/reports/timesheet.csv?from=2026-03-31&to=2026-03-01")
	if p.status != http.StatusBadRequest {
		t.Errorf("invalid CSV: %d, want 400", p.status)
	}
	// An htmx request gets the report body alone, 422 included, which htmx swaps.
	req, _ := http.NewRequest("GET", r.e.srv.URL+"/reports/timesheet?from=2026-03-31&to=2026-03-01", nil)
	req.Header.Set("HX-Request", "true")
	p = r.owner.read(r.owner.c.Do(req))
	if p.status != http.StatusUnprocessableEntity || p.has("sidebar") || !p.has("report-body") || !strings.Contains(strings.Join(p.header.Values("Vary"), ","), "HX-Request") {
		t.Errorf("htmx: %d, sidebar %v, body %v", p.status, p.has("sidebar"), p.has("report-body"))
	}
}

func TestReports_CSVExport(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	res, err := r.owner.c.Get(r.e.srv.URL + "/reports/timesheet.csv?" + march + "&user_id=" + r.memberA.UserID)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		res.Header.Get("Content-Disposition") != `attachment; filename="timesheet-2026-03-01-to-2026-03-31.csv"` {
		t.Fatalf("%d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	records, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"period", "user_id", "user_name", "hours", "billable_hours"},
		{"2026-03-02", r.memberA.UserID, "Mia Member", "2.25", "2.25"},
		{"2026-03-10", r.memberA.UserID, "Mia Member", "2", "2"},
	}
	if len(records) != len(want) {
		t.Fatalf("records %v", records)
	}
	for i := range want {
		if strings.Join(records[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("record %d = %v, want %v", i, records[i], want[i])
		}
	}
	for _, c := range []struct{ path, header, row string }{
		{"/reports/revenue.csv?from=2026-03-01&to=2026-04-30", "period,invoiced,paid,currency", "2026-03,500.00,200.00,USD"},
		{"/reports/utilization.csv?from=2026-03-02&to=2026-03-06", "user_id,user_name,tracked_hours,available_hours,utilization_percent", ",Mia Member,2.25,40,5.6"},
		{"/reports/profitability.csv?" + march, "id,name,revenue,cost,profit,margin_percent,currency", ",Website,930.00,302.50,627.50,67.5,USD"},
	} {
		res, err := r.owner.c.Get(r.e.srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		records, err := csv.NewReader(res.Body).ReadAll()
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK || len(records) < 2 {
			t.Fatalf("%s: %d %v %v", c.path, res.StatusCode, records, err)
		}
		found := false
		for _, rec := range records[1:] {
			found = found || strings.Contains(strings.Join(rec, ","), c.row)
		}
		if strings.Join(records[0], ",") != c.header || !found {
			t.Errorf("%s: %v, want a row with %q", c.path, records, c.row)
		}
	}
}

func TestReports_CSVNeutralizesFormulas(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	r.e.db.MustExec(`UPDATE projects SET name = '=HYPERLINK("http://evil")' WHERE id = $1`, r.project.ID)
	res, err := r.owner.c.Get(r.e.srv.URL + "/reports/profitability.csv?" + march)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	records, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range records {
		if strings.HasPrefix(rec[1], "=") {
			t.Errorf("a cell starts with =: %v", rec)
		}
	}
}

func TestReports_QuickRangesKeepTheFilters(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	p := r.owner.get("/reports/timesheet?" + march + "&group_by=week&client_id=" + r.clientID)
	var hrefs []string
	p.doc.Find(`[data-testid="report-range"]`).Each(func(_ int, a *goquery.Selection) { hrefs = append(hrefs, a.AttrOr("href", "")) })
	if len(hrefs) != 4 {
		t.Fatalf("quick ranges %v", hrefs)
	}
	for _, h := range hrefs {
		u, err := url.Parse(h)
		if err != nil || u.Path != "/reports/timesheet" || u.Query().Get("group_by") != "week" || u.Query().Get("client_id") != r.clientID || u.Query().Get("from") == "" {
			t.Errorf("quick range %q", h)
		}
	}
	// Tabs keep the dates only.
	if href := p.doc.Find(`[data-testid="report-tab-utilization"]`).AttrOr("href", ""); href != "/reports/utilization?"+march {
		t.Errorf("tab %q", href)
	}
}
