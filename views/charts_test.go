package views

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

func TestNiceScale(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		lo, hi         float64
		ticks          int
		min, max, step float64
	}{
		{0, 7.3, 5, 0, 8, 2},
		{0, 412, 5, 0, 500, 100},
		{0, 100, 5, 0, 100, 20},
		{0, 1, 5, 0, 1, 0.2},
		{0, 0.03, 5, 0, 0.03, 0.01},
		{0, 95, 4, 0, 100, 25},
		{-120, 480, 5, -200, 600, 200},
		{-50, -10, 5, -50, 0, 10},
		{0, 0, 5, 0, 1, 0.25}, // nothing to show
		{3, 3, 5, 0, 3, 1},    // the domain always includes 0
		{0, 123456, 5, 0, 125000, 25000},
	} {
		s := NiceScale(c.lo, c.hi, c.ticks)
		if s.Min != c.min || s.Max != c.max || s.Step != c.step {
			t.Errorf("NiceScale(%v, %v, %d) = %+v, want min %v max %v step %v", c.lo, c.hi, c.ticks, s, c.min, c.max, c.step)
		}
		if s.Min > c.lo || s.Max < c.hi {
			t.Errorf("NiceScale(%v, %v) = %+v does not cover the domain", c.lo, c.hi, s)
		}
		ticks := s.Ticks()
		if ticks[0] != s.Min || ticks[len(ticks)-1] != s.Max || len(ticks) > c.ticks+2 {
			t.Errorf("ticks of %+v: %v", s, ticks)
		}
		for i := 1; i < len(ticks); i++ {
			if d := ticks[i] - ticks[i-1]; math.Abs(d-s.Step) > s.Step*1e-9 {
				t.Errorf("ticks of %+v are not evenly spaced: %v", s, ticks)
			}
		}
	}
}

func TestScalePos(t *testing.T) {
	t.Parallel()
	s := Scale{Min: -100, Max: 300, Step: 100}
	for _, c := range []struct{ v, want float64 }{{-100, 0}, {0, 50}, {300, 200}, {100, 100}, {1000, 200}, {-500, 0}} {
		if got := s.Pos(c.v, 200); got != c.want {
			t.Errorf("Pos(%v) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestBarChartLayoutStacked(t *testing.T) {
	t.Parallel()
	c := BarChart{
		Categories: []string{"a", "b", "c"},
		Series:     []ChartSeries{{Name: "Billable", Tone: "billable"}, {Name: "Other", Tone: "nonbillable"}},
		Values:     [][]float64{{3, 1}, {0, 0}, {6, 2}},
		Stacked:    true,
	}
	l := c.Layout()
	if got := l.Ticks[len(l.Ticks)-1].Label; got != "8" {
		t.Errorf("top tick %q, want 8 (the tallest stack)", got)
	}
	if len(l.Bars) != 6 {
		t.Fatalf("%d bars, want 6", len(l.Bars))
	}
	// A stack: the second bar sits on the first, and the heights are proportional to the values.
	first, second := l.Bars[4], l.Bars[5]
	if math.Abs(first.Y-(second.Y+second.H)) > 1e-9 || first.X != second.X {
		t.Errorf("stacked bars %+v and %+v do not touch", first, second)
	}
	if math.Abs(first.H-3*second.H) > 1e-9 {
		t.Errorf("heights %v and %v, want 3:1", first.H, second.H)
	}
	if math.Abs(first.Y+first.H-l.ZeroY) > 1e-9 {
		t.Errorf("the stack does not start on the axis")
	}
	if l.Bars[2].H != 0 || !strings.Contains(l.Bars[5].Title, "c · Other: 2") {
		t.Errorf("bars %+v", l.Bars)
	}
}

func TestBarChartLayoutGroupedAndLabels(t *testing.T) {
	t.Parallel()
	var cats []string
	var vals [][]float64
	for i := range 60 {
		cats = append(cats, "2026-03-"+strconv.Itoa(i))
		vals = append(vals, []float64{float64(i), float64(i) / 2})
	}
	c := BarChart{Categories: cats, Series: []ChartSeries{{Name: "Invoiced"}, {Name: "Paid"}}, Values: vals}
	l := c.Layout()
	if len(l.Bars) != 120 {
		t.Fatalf("%d bars", len(l.Bars))
	}
	// Side by side, within the category's slot.
	a, b := l.Bars[10], l.Bars[11]
	if b.X <= a.X || b.X+b.W > a.X+2*(b.X-a.X)+1e-9 || a.Y >= b.Y {
		t.Errorf("grouped bars %+v %+v", a, b)
	}
	// Labels are thinned so they do not overlap: at least 7 units a character apart.
	if len(l.Labels) >= 60 || len(l.Labels) < 5 {
		t.Errorf("%d labels for 60 categories", len(l.Labels))
	}
	for i := 1; i < len(l.Labels); i++ {
		if l.Labels[i].Pos-l.Labels[i-1].Pos < float64(len(cats[0])*7) {
			t.Errorf("labels %v and %v overlap", l.Labels[i-1], l.Labels[i])
		}
	}
	// Every bar stays inside the plot.
	for _, r := range l.Bars {
		if r.X < l.PlotLeft || r.X+r.W > l.PlotRight+1e-9 || r.Y < l.PlotTop-1e-9 || r.Y+r.H > l.PlotBot+1e-9 {
			t.Fatalf("bar %+v outside the plot %+v", r, l)
		}
	}
}

func TestBarChartLayoutManyCategoriesWidens(t *testing.T) {
	t.Parallel()
	cats := make([]string, 365)
	vals := make([][]float64, 365)
	for i := range cats {
		cats[i], vals[i] = "d", []float64{1}
	}
	l := BarChart{Categories: cats, Series: []ChartSeries{{Name: "h"}}, Values: vals}.Layout()
	if l.Width < 365*barMinSlot {
		t.Errorf("width %v for 365 bars: they would be thinner than %d units", l.Width, barMinSlot)
	}
}

func TestHBarChartLayoutNegativeAndRef(t *testing.T) {
	t.Parallel()
	c := HBarChart{
		Series:   []ChartSeries{{Name: "Revenue", Tone: "revenue"}, {Name: "Profit", Tone: "profit"}},
		Items:    []HBarItem{{Label: "Gain", Values: []float64{100, 40}}, {Label: "Loss", Values: []float64{20, -30}, Tones: []string{"", "loss"}}},
		RefValue: 100, RefLabel: "100%",
	}
	l := c.Layout()
	// -30..100 makes a -50..100 axis: 100 is its right end.
	if l.Ref == nil || l.Ref.Pos != l.PlotRight || l.Ticks[0].Label != "-50" || l.Ticks[len(l.Ticks)-1].Pos != l.PlotRight {
		t.Errorf("reference line %+v in %+v", l.Ref, l)
	}
	loss := l.Rows[1].Bars[1]
	if loss.Tone != "loss" || math.Abs(loss.X+loss.W-l.ZeroX) > 1e-9 || loss.W <= 0 {
		t.Errorf("a negative bar should end on the zero line, in the loss tone: %+v (zero at %v)", loss, l.ZeroX)
	}
	gain := l.Rows[0].Bars[0]
	if gain.X != l.ZeroX || gain.Tone != "revenue" {
		t.Errorf("a positive bar should start on the zero line: %+v", gain)
	}
	if l.Height <= l.PlotBot || l.Rows[1].LabelY <= l.Rows[0].LabelY {
		t.Errorf("rows %+v", l.Rows)
	}
}

func TestFormatNumber(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v    float64
		d    int
		want string
	}{{1234.5, 2, "1,234.5"}, {0, 2, "0"}, {-0.001, 2, "0"}, {-1234567.891, 2, "-1,234,567.89"}, {12, 0, "12"}, {999.999, 2, "1,000"}} {
		if got := FormatNumber(c.v, c.d); got != c.want {
			t.Errorf("FormatNumber(%v, %d) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
	for _, c := range []struct {
		h    Hundredths
		want string
	}{{0, "0.00"}, {5, "0.05"}, {750, "7.50"}, {123456, "1,234.56"}, {-250, "-2.50"}} {
		if got := c.h.String(); got != c.want {
			t.Errorf("Hundredths(%d) = %q, want %q", int64(c.h), got, c.want)
		}
	}
	if got := compactNumber(12500); got != "12.5k" {
		t.Errorf("compactNumber(12500) = %q", got)
	}
}

func TestTimesheetPeriods(t *testing.T) {
	t.Parallel()
	days := TimesheetPeriods("2026-03-01", "2026-03-31", "day")
	if len(days) != 31 || days[0].Key != "2026-03-01" || days[30].Key != "2026-03-31" || days[1].Label != "Mar 2" {
		t.Errorf("days: %d, %+v … %+v", len(days), days[0], days[len(days)-1])
	}
	// Weeks start on the Monday of the first one, as date_trunc('week') does.
	weeks := TimesheetPeriods("2026-03-01", "2026-03-31", "week")
	if len(weeks) != 6 || weeks[0].Key != "2026-02-23" || weeks[5].Key != "2026-03-30" || !strings.HasPrefix(weeks[1].Long, "Week of Mar 2") {
		t.Errorf("weeks: %+v", weeks)
	}
	months := TimesheetPeriods("2026-01-15", "2026-12-01", "month")
	if len(months) != 12 || months[0].Key != "2026-01" || months[11].Label != "Dec 2026" {
		t.Errorf("months: %+v", months)
	}
	if TimesheetPeriods("2020-01-01", "2026-01-01", "day") != nil {
		t.Error("six years of days should not be listed")
	}
	if TimesheetPeriods("2026-03-01T00:00:00Z", "2026-03-31", "day") != nil || TimesheetPeriods("2026-03-31", "2026-03-01", "day") != nil {
		t.Error("unreadable or reversed ranges should not be listed")
	}
	if q := MakePeriod("2026-Q1", "quarter"); q.Label != "Q1 2026" {
		t.Errorf("quarter %+v", q)
	}
}

func TestQuickRanges(t *testing.T) {
	t.Parallel()
	v := ReportsView{Report: ReportTimesheet, Today: time.Date(2026, 5, 20, 0, 0, 0, 0, time.UTC),
		Filter: ReportFilter{From: "2026-04-01", To: "2026-04-30", GroupBy: "week", ProjectID: "p1", TargetHours: "6"}}
	want := map[string][2]string{
		"This month": {"2026-05-01", "2026-05-31"}, "Last month": {"2026-04-01", "2026-04-30"},
		"This quarter": {"2026-04-01", "2026-06-30"}, "This year": {"2026-01-01", "2026-12-31"},
	}
	for _, r := range v.QuickRanges() {
		if w := want[r.Label]; r.From != w[0] || r.To != w[1] {
			t.Errorf("%s: %s..%s, want %v", r.Label, r.From, r.To, w)
		}
		if r.Active != (r.Label == "Last month") {
			t.Errorf("%s active = %v", r.Label, r.Active)
		}
		// The other filters stay; parameters of other reports do not leak in.
		if !strings.Contains(r.Href, "group_by=week") || !strings.Contains(r.Href, "project_id=p1") || strings.Contains(r.Href, "target_hours") {
			t.Errorf("%s href %q", r.Label, r.Href)
		}
	}
	// January's last month is December of the year before.
	v.Today = time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
	if r := v.QuickRanges()[1]; r.From != "2025-12-01" || r.To != "2025-12-31" {
		t.Errorf("last month in January: %+v", r)
	}
	if got := v.URL(ReportUtilization); got != "/reports/utilization?from=2026-04-01&to=2026-04-30" {
		t.Errorf("tab URL %q", got)
	}
	if got := v.CSVURL(); !strings.HasPrefix(got, "/reports/timesheet.csv?") || !strings.Contains(got, "project_id=p1") {
		t.Errorf("CSV URL %q", got)
	}
}

// sampleReports are the four reports with realistic figures, and their empty and invalid states.
func sampleReports() map[string]ReportsView {
	page := func(report string) ReportsView {
		return ReportsView{Report: report, Can: ownerCan, Currency: "EUR", Today: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC),
			Filter:   ReportFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "day"},
			Users:    []Option{{Value: "u1", Label: "Ada Lovelace"}, {Value: "u2", Label: "Grace Hopper"}},
			Projects: []Option{{Value: "p1", Label: "Website relaunch"}}, Clients: []Option{{Value: "c1", Label: "Acme"}}}
	}
	ts := page(ReportTimesheet)
	ts.Timesheet = &TimesheetReport{GroupBy: "day", Periods: TimesheetPeriods("2026-03-01", "2026-03-31", "day")}
	for d := 2; d <= 6; d++ {
		key := "2026-03-0" + strconv.Itoa(d)
		for _, u := range []struct {
			id, name string
			h, b     Hundredths
		}{{"u1", "Ada Lovelace", 750, 600}, {"u2", "Grace Hopper", 525, 525}} {
			ts.Timesheet.Rows = append(ts.Timesheet.Rows, TimesheetRow{Period: MakePeriod(key, "day"), UserID: u.id, UserName: u.name, Hours: u.h, Billable: u.b})
			ts.Timesheet.TotalHours += u.h
			ts.Timesheet.TotalBillable += u.b
		}
	}
	ut := page(ReportUtilization)
	ut.Filter.GroupBy = ""
	ut.Utilization = &UtilizationReport{TargetHours: "8", Rows: []UtilizationRow{
		{UserID: "u1", UserName: "Ada Lovelace", Tracked: 18400, Available: 17600, Percent: 104.5},
		{UserID: "u2", UserName: "Grace Hopper", Tracked: 6200, Available: 17600, Percent: 35.2},
	}, TotalTracked: 24600, TotalAvailable: 35200}
	rev := page(ReportRevenue)
	rev.Filter = ReportFilter{From: "2026-01-01", To: "2026-12-31", GroupBy: "month"}
	rev.Revenue = &RevenueReport{GroupBy: "month"}
	for m := 1; m <= 12; m++ {
		key := "2026-" + strconv.Itoa(100 + m)[1:]
		inv, paid := int64(0), int64(0)
		if m <= 3 {
			inv, paid = int64(1_250_000*m), int64(900_000*m)
		}
		rev.Revenue.Rows = append(rev.Revenue.Rows, RevenueRow{Period: MakePeriod(key, "month"), Invoiced: inv, Paid: paid})
		rev.Revenue.TotalInvoiced += inv
		rev.Revenue.TotalPaid += paid
	}
	pr := page(ReportProfitability)
	pr.Filter.GroupBy = "project"
	pr.Profitability = &ProfitabilityReport{GroupBy: "project", Rows: []ProfitabilityRow{
		{ID: "p1", Name: "Website relaunch", Revenue: 2_400_000, Cost: 1_500_000, Profit: 900_000, Margin: 37.5},
		{ID: "p2", Name: "=HYPERLINK(\"x\")", Revenue: 100_000, Cost: 180_000, Profit: -80_000, Margin: -80},
		{Name: "No project", Revenue: 0, Cost: 50_000, Profit: -50_000, Margin: 0},
	}, TotalRevenue: 2_500_000, TotalCost: 1_730_000, TotalProfit: 770_000}
	emptyTs := page(ReportTimesheet)
	emptyTs.Timesheet = &TimesheetReport{GroupBy: "day"}
	invalid := page(ReportTimesheet)
	invalid.Filter.From, invalid.Filter.To = "2026-04-01", "2026-03-01"
	invalid.Errors = map[string]string{"from": "The start date must be on or before the end date."}
	member := page(ReportTimesheet)
	member.Can = memberCan
	member.Timesheet = ts.Timesheet
	return map[string]ReportsView{"timesheet": ts, "utilization": ut, "revenue": rev, "profitability": pr,
		"timesheet-empty": emptyTs, "timesheet-invalid": invalid, "timesheet-member": member}
}

// TestReportPages renders every report state and checks its parts, the forms and accessibility wiring, and that
// nothing uses an inline style (CSP).
func TestReportPages(t *testing.T) {
	t.Parallel()
	for name, v := range sampleReports() {
		t.Run(name, func(t *testing.T) {
			p := appPage("", NavReports)
			p.Can = v.Can
			doc := parse(t, render(t, ReportsPage(p, v)))
			checkForms(t, doc.Selection)
			checkA11y(t, doc)
			if doc.Find(`[style]`).Length() > 0 || doc.Find(`script:not([src])`).Length() > 0 {
				t.Error("inline style or script")
			}
			if got := doc.Find(`a[aria-current="page"][data-testid^="report-tab-"]`).AttrOr("data-testid", ""); got != "report-tab-"+v.Report {
				t.Errorf("active tab %q", got)
			}
			tabs := doc.Find(`[data-testid^="report-tab-"]`).Length()
			if (v.Can.ViewRevenueReports && tabs != 4) || (!v.Can.ViewRevenueReports && tabs != 2) {
				t.Errorf("%d tabs for admin=%v", tabs, v.Can.ViewRevenueReports)
			}
			if doc.Find(`[data-testid="report-user"]`).Length() != 0 && !v.Can.ManageAllTime {
				t.Error("members get no member filter")
			}
			form := doc.Find(`form[data-testid="report-filters"]`)
			if form.AttrOr("method", "") != "get" || form.AttrOr("action", "") != "/reports/"+v.Report || form.AttrOr("hx-push-url", "") != "true" {
				t.Errorf("filter form %v", form.Nodes[0].Attr)
			}
			if doc.Find(`[data-testid="report-range"]`).Length() != 4 {
				t.Error("quick ranges missing")
			}
			switch {
			case len(v.Errors) > 0:
				if doc.Find(`[data-testid="report-error"]`).Length() != 1 || doc.Find(`#report-from[aria-invalid="true"]`).Length() != 1 ||
					doc.Find(`[data-testid="report-csv"]`).Length() != 0 {
					t.Error("invalid filters: want the message in place and no CSV link")
				}
			case strings.HasSuffix(name, "-empty"):
				if doc.Find(`[data-testid="empty-state"]`).Length() != 1 || doc.Find(`[data-testid="chart-svg"]`).Length() != 0 {
					t.Error("empty report: want the empty state and no chart")
				}
			default:
				checkReport(t, doc, v)
			}
		})
	}
}

// checkReport checks a report with rows: chart, table, totals equal to the sums of the rows, CSV link.
func checkReport(t *testing.T, doc *goquery.Document, v ReportsView) {
	t.Helper()
	svg := doc.Find(`svg[data-testid="chart-svg"]`)
	if svg.Length() != 1 || svg.AttrOr("role", "") != "img" || svg.Find("title").Length() == 0 || svg.Find("desc").Length() != 1 {
		t.Fatalf("chart: %d svg", svg.Length())
	}
	for _, id := range strings.Fields(svg.AttrOr("aria-labelledby", "")) {
		if doc.Find("#"+id).Length() != 1 {
			t.Errorf("chart labelled by missing #%s", id)
		}
	}
	if n := svg.Find(`rect[data-testid="chart-bar"]`).Length(); n == 0 {
		t.Error("no bars")
	}
	svg.Find(`rect[data-testid="chart-bar"]`).Each(func(_ int, r *goquery.Selection) {
		if r.Find("title").Text() == "" {
			t.Error("a bar without a tooltip")
		}
	})
	if !strings.HasPrefix(doc.Find(`[data-testid="report-csv"]`).AttrOr("href", ""), "/reports/"+v.Report+".csv?from=") {
		t.Errorf("CSV link %q", doc.Find(`[data-testid="report-csv"]`).AttrOr("href", ""))
	}
	// The totals row is the sum of the rows, column by column.
	rows := doc.Find(`[data-testid="report-table"] tbody tr`)
	total := doc.Find(`[data-testid="report-total"]`)
	if rows.Length() == 0 || total.Length() != 1 {
		t.Fatalf("%d rows, %d totals", rows.Length(), total.Length())
	}
	cols := total.Find("td.num").Length()
	first := rows.First().Find("td").Length() - cols
	for c := 0; c < cols; c++ {
		if v.Report == ReportUtilization && c == cols-1 || v.Report == ReportProfitability && c == cols-1 {
			continue // percentages: the overall ratio, not a sum
		}
		var sum float64
		rows.Each(func(_ int, r *goquery.Selection) { sum += number(t, r.Find("td").Eq(first+c).Text()) })
		if got := number(t, total.Find("td.num").Eq(c).Text()); math.Abs(got-sum) > 0.001 {
			t.Errorf("total of column %d is %v, the rows add up to %v", c, got, sum)
		}
	}
}

// number reads "1,234.50 EUR", "-80.00" or "37.5%".
func number(t *testing.T, s string) float64 {
	t.Helper()
	s = strings.TrimSpace(strings.NewReplacer(",", "", "EUR", "", "%", "").Replace(s))
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}
