package views

import (
	"strings"
	"testing"
)

// TestReportCharts_TextIsNotScaled: a chart's SVG has no viewBox (a viewBox would scale its text with the card's
// width); bars and x labels are placed in percentages of the plot, and the x axis has a title.
func TestReportCharts_TextIsNotScaled(t *testing.T) {
	t.Parallel()
	for name, v := range sampleReports() {
		if v.Timesheet == nil && v.Utilization == nil || len(v.Errors) > 0 || strings.HasSuffix(name, "-empty") {
			continue
		}
		p := appPage("", NavReports)
		p.Can = v.Can
		doc := parse(t, render(t, ReportsPage(p, v)))
		svg := doc.Find(`svg[data-testid="chart-svg"]`)
		if svg.Length() != 1 {
			t.Fatalf("%s: %d charts", name, svg.Length())
		}
		if _, ok := svg.Attr("viewBox"); ok || !svg.HasClass("chart__plot") {
			t.Errorf("%s: the chart scales its text (viewBox %q, class %q)", name, svg.AttrOr("viewBox", ""), svg.AttrOr("class", ""))
		}
		if x := svg.Find(`rect[data-testid="chart-bar"]`).First().AttrOr("x", ""); !strings.HasSuffix(x, "%") {
			t.Errorf("%s: a bar at x=%q, want a percentage of the plot", name, x)
		}
		if v.Timesheet != nil && strings.TrimSpace(svg.Find(`[data-testid="chart-x-title"]`).Text()) != "Day" {
			t.Errorf("%s: the x axis has no title", name)
		}
	}
}
