package handlers_test

import (
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// reportGroup is one group of a grouped timesheet table as read from the page: its name, its rows' hours, its
// subtotal's hours and billable hours.
type reportGroup struct {
	name               string
	rows               []string
	subtotal, billable string
}

func reportGroups(p page) []reportGroup {
	var out []reportGroup
	p.doc.Find(`[data-testid="report-table"] [data-testid="report-group"]`).Each(func(_ int, g *goquery.Selection) {
		rg := reportGroup{name: strings.TrimSpace(g.Find(`[data-testid="report-group-name"]`).Text())}
		g.Find(`[data-testid="report-row"]`).Each(func(_ int, tr *goquery.Selection) {
			rg.rows = append(rg.rows, strings.TrimSpace(tr.Find(`td[data-label="Hours"]`).Text()))
		})
		rg.subtotal = strings.TrimSpace(g.Find(`[data-testid="subtotal-hours"]`).Text())
		rg.billable = strings.TrimSpace(g.Find(`[data-testid="subtotal-billable"]`).Text())
		out = append(out, rg)
	})
	return out
}

// TestReports_TimesheetGroupedByPersonAndByProject: March of the reports team (Olga 3.50 on Website and 1.00
// without a project; Mia 2.25 and 2.00 on Website), grouped with subtotals and the grand total.
func TestReports_TimesheetGroupedByPersonAndByProject(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)

	p := r.owner.get("/reports/timesheet?" + march + "&by=person")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	want := []reportGroup{
		{"Mia Member", []string{"2.25", "2.00"}, "4.25", "4.25"},
		{"Olga Owner", []string{"3.50", "1.00"}, "4.50", "3.50"},
	}
	if got := reportGroups(p); !reflect.DeepEqual(got, want) {
		t.Errorf("by person\n got %v\nwant %v", got, want)
	}
	if got := p.text("total-hours"); got != "8.75" || p.text("total-billable") != "7.75" {
		t.Errorf("grand total %q", got)
	}
	if p.doc.Find(`#report-by option[selected]`).AttrOr("value", "") != "person" || !strings.Contains(p.doc.Find(`[data-testid="report-csv"]`).AttrOr("href", ""), "by=person") {
		t.Error("the grouping is not kept in the form and the CSV link")
	}

	p = r.owner.get("/reports/timesheet?" + march + "&by=project")
	want = []reportGroup{
		{"Website", []string{"2.25", "3.50", "2.00"}, "7.75", "7.75"},
		{"No project", []string{"1.00"}, "1.00", "0.00"},
	}
	if got := reportGroups(p); !reflect.DeepEqual(got, want) {
		t.Errorf("by project\n got %v\nwant %v", got, want)
	}
	members := p.doc.Find(`[data-testid="report-group"]`).First().Find(`td[data-label="Member"]`)
	if members.Length() != 3 || members.First().Text() != "Mia Member" || strings.Contains(p.body, "Secret project") {
		t.Errorf("by project: %d member cells, or another organization's project shows", members.Length())
	}
	if p.text("total-hours") != "8.75" {
		t.Errorf("grand total %q", p.text("total-hours"))
	}
	// The CSV names the project of each row.
	csv := r.owner.get("/reports/timesheet.csv?" + march + "&by=project")
	if csv.status != http.StatusOK || !strings.HasPrefix(csv.body, "period,project_id,project_name,user_id,user_name,hours,billable_hours\n") ||
		!strings.Contains(csv.body, ",Website,") {
		t.Errorf("CSV by project: %d\n%s", csv.status, csv.body)
	}

	// A member sees their own groups only.
	p = r.member.get("/reports/timesheet?" + march + "&by=person")
	if got := reportGroups(p); len(got) != 1 || got[0].name != "Mia Member" || got[0].subtotal != "4.25" {
		t.Errorf("member by person: %v", got)
	}

	// Without a grouping the table is the one list it was; an unknown grouping is refused beside its field.
	if p := r.owner.get("/reports/timesheet?" + march); p.count("report-group") != 0 || p.count("report-row") != 4 {
		t.Errorf("ungrouped: %d groups, %d rows", p.count("report-group"), p.count("report-row"))
	}
	p = r.owner.get("/reports/timesheet?" + march + "&by=client")
	if p.status != http.StatusUnprocessableEntity || p.fieldError("report-by") == "" || p.has("report-table") {
		t.Errorf("by=client: %d, field error %q", p.status, p.fieldError("report-by"))
	}
}

// TestReports_UtilizationPageCountsOnlyDaysThatHavePassed: from today to two weeks ahead, only today is available
// (a whole day when it is a weekday) for each of the team's two members.
func TestReports_UtilizationPageCountsOnlyDaysThatHavePassed(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	today := r.e.store.Now().UTC()
	q := url.Values{"from": {today.Format(time.DateOnly)}, "to": {today.AddDate(0, 0, 13).Format(time.DateOnly)}}
	p := r.owner.get("/reports/utilization?" + q.Encode())
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	if wd := today.Weekday(); wd == time.Saturday || wd == time.Sunday {
		if !p.has("empty-state") {
			t.Error("a weekend today and nothing before it: want nothing to measure")
		}
		return
	}
	if got := strings.TrimSpace(p.doc.Find(`[data-testid="stat-available"] .report-stat__value`).Text()); got != "16.00" {
		t.Errorf("available hours %q, want 16.00 (today, 8 h, two members), not the two weeks' 160", got)
	}
}
