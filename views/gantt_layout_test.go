package views

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// spreadInput is a project whose tasks span far more days than the day zoom draws at once: one task two years
// before today, one today (blocked by the first) and one two years after it.
func spreadInput() GanttInput {
	today := time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)
	day := func(days int) *time.Time { d := today.AddDate(0, 0, days); return &d }
	return GanttInput{ProjectID: "p", ProjectName: "Long", Zoom: GanttZoomDay, Today: today,
		Projects: []GanttProjectInput{{ID: "p", Name: "Long", Color: "#0ea5e9", CanManage: true}},
		Groups:   []GanttGroupInput{{ID: "g", ProjectID: "p", Name: "All"}},
		Tasks: []GanttTaskInput{
			{ID: "old", ProjectID: "p", GroupID: "g", Title: "Old", Start: day(-730), Due: day(-725)},
			{ID: "now", ProjectID: "p", GroupID: "g", Title: "Now", Start: day(0), Due: day(3)},
			{ID: "later", ProjectID: "p", GroupID: "g", Title: "Later", Start: day(730), Due: day(731)},
		},
		Links: []GanttLinkInput{{From: "old", To: "now"}, {From: "now", To: "later"}}}
}

// Rows spanning four years at day zoom draw a window of days around today, not the 1,400 days: the bars outside
// it are placed off the window (the chart clips them), the label of the bar before it stays at its left edge, the
// arrows end at the window's edges, and from/to or at move and widen the window within the rows' days.
func TestBuildGantt_DrawsAWindowOfDays(t *testing.T) {
	in := spreadInput()
	v := BuildGantt(in)
	days := v.Width / v.DayW
	if days > ganttWindows[GanttZoomDay].maxDays || len(v.Ticks) != days {
		t.Fatalf("%d days wide, %d ticks", days, len(v.Ticks))
	}
	if !v.HasToday || v.Origin.After(in.Today.AddDate(0, 0, -60)) || !v.RangeFrom.Before(in.Today.AddDate(0, 0, -730)) ||
		!v.RangeTo.After(in.Today.AddDate(0, 0, 731)) {
		t.Fatalf("window %s +%d days, range %s–%s", v.Origin.Format(ganttISO), days, v.RangeFrom.Format(ganttISO), v.RangeTo.Format(ganttISO))
	}
	bars := map[string]GanttBar{}
	for _, b := range v.Bars {
		bars[b.ID] = b
	}
	if old := bars["old"]; old.X+old.W >= 0 || old.LabelX != 8 {
		t.Fatalf("the bar before the window: x %d w %d, label at %d", old.X, old.W, old.LabelX)
	}
	if later := bars["later"]; later.X <= v.Width {
		t.Fatalf("the bar after the window at %d of %d", later.X, v.Width)
	}
	if now := bars["now"]; now.LabelX != now.X+now.W+8 {
		t.Fatalf("a bar in the window labelled at %d", now.LabelX)
	}
	if len(v.Links) != 2 {
		t.Fatalf("%d links", len(v.Links))
	}
	for _, l := range v.Links {
		for _, x := range pathXs(t, l.D) {
			if x < 0 || x > v.Width {
				t.Errorf("link %s→%s runs to x %d outside 0..%d: %s", l.From, l.To, x, v.Width, l.D)
			}
		}
	}

	// Asked for a wider window (as gantt.js does while scrolling): it is drawn, within the rows' days.
	in.From, in.To = in.Today.AddDate(0, 0, -400), in.Today.AddDate(0, 0, 5000)
	w := BuildGantt(in)
	if !w.Origin.Before(v.Origin) || w.Width <= v.Width || w.Origin.AddDate(0, 0, w.Width/w.DayW-1).After(w.RangeTo) {
		t.Fatalf("widened window %s +%d days (range to %s)", w.Origin.Format(ganttISO), w.Width/w.DayW, w.RangeTo.Format(ganttISO))
	}
	// Centred on another day (a zoom change keeps the day in view).
	in.From, in.To, in.At = time.Time{}, time.Time{}, in.Today.AddDate(0, 0, 700)
	if a := BuildGantt(in); a.HasToday || a.Origin.Before(in.Today.AddDate(0, 0, 500)) {
		t.Fatalf("window at %s from %s", in.At.Format(ganttISO), a.Origin.Format(ganttISO))
	}
	// Rows that span less than the limit draw all their days, as before.
	if small := BuildGantt(windowInput(50)); !small.Origin.Equal(small.RangeFrom) || small.Width/small.DayW != ganttDays(small.RangeFrom, small.RangeTo)+1 {
		t.Fatalf("a short chart drew %s +%d days of %s–%s", small.Origin, small.Width/small.DayW, small.RangeFrom, small.RangeTo)
	}
}

var pathNumber = regexp.MustCompile(`[MH](-?\d+)`)

// pathXs are the x coordinates of a link's path (M x y, H x).
func pathXs(t *testing.T, d string) []int {
	var xs []int
	for _, m := range pathNumber.FindAllStringSubmatch(d, -1) {
		x, err := strconv.Atoi(m[1])
		if err != nil {
			t.Fatal(err)
		}
		xs = append(xs, x)
	}
	return xs
}

// A dependency on a task outside the window of rows draws nothing (no arrow to a row that is not there).
func TestBuildGantt_NoLinkToARowOutsideTheWindow(t *testing.T) {
	in := windowInput(300)
	in.Links = []GanttLinkInput{{From: "t10", To: "t250"}, {From: "t10", To: "t11"}}
	v := BuildGantt(in)
	if len(v.Links) != 1 || v.Links[0].To != "t11" {
		t.Fatalf("links %+v", v.Links)
	}
}

// Milestones a day apart: each title ends before the next flag (shortened with an ellipsis and named in full by
// its tooltip), and a flag on the same day as another leaves the title to the last of them.
func TestBuildGantt_MilestoneTitlesDoNotRunIntoEachOther(t *testing.T) {
	in := windowInput(20)
	base := in.Today
	in.Milestones = []GanttMilestoneInput{
		{ID: "m1", ProjectID: "p", Title: "Beta release candidate", Date: base.AddDate(0, 0, 3)},
		{ID: "m2", ProjectID: "p", Title: "Beta", Date: base.AddDate(0, 0, 5)},
		{ID: "m3", ProjectID: "p", Title: "Same day", Date: base.AddDate(0, 0, 5)},
		{ID: "m4", ProjectID: "p", Title: "Launch", Date: base.AddDate(0, 0, 12)},
		{ID: "m5", ProjectID: "p", Title: "Too close", Date: base.AddDate(0, 0, 13)},
	}
	v := BuildGantt(in)
	got := map[string]GanttMilestone{}
	for _, m := range v.Milestones {
		got[m.ID] = m
	}
	if m := got["m1"]; !m.ShowLabel || !strings.HasSuffix(m.Label, "…") || len([]rune(m.Label)) >= len([]rune(m.Title)) {
		t.Fatalf("m1 label %q", m.Label)
	}
	if got["m2"].ShowLabel || !got["m3"].ShowLabel || got["m3"].Label != "Same day" {
		t.Fatalf("same day: m2 %v, m3 %v %q", got["m2"].ShowLabel, got["m3"].ShowLabel, got["m3"].Label)
	}
	// Day zoom: a day is 32 px, too little for a title before a flag one day later.
	if got["m4"].ShowLabel || !got["m5"].ShowLabel {
		t.Fatalf("m4 %v m5 %v", got["m4"].ShowLabel, got["m5"].ShowLabel)
	}
	for i, m := range v.Milestones {
		if !m.ShowLabel || i == len(v.Milestones)-1 {
			continue
		}
		end := m.X + 9 + len([]rune(m.Label))*ganttCharW
		for _, n := range v.Milestones[i+1:] {
			if n.X > m.X && end > n.X-6 {
				t.Errorf("%s's title %q ends at %d, over the flag of %s at %d", m.ID, m.Label, end, n.ID, n.X)
			}
		}
	}
	var b bytes.Buffer
	if err := ganttScale(v).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<title>Beta release candidate</title></text>") {
		t.Fatalf("a shortened title has no tooltip: %s", b.String())
	}
}

// Nothing inside the chart carries an hx-* attribute: htmx has nothing to wire there, or to clean up when the
// chart is swapped (hx-disable made it walk every bar, issue 15).
func TestGanttChart_NoHtmxAttributesInTheChart(t *testing.T) {
	var b bytes.Buffer
	if err := GanttChart(BuildGantt(windowInput(300))).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	start, end := strings.Index(html, `<div class="gantt__canvas">`), strings.Index(html, `data-gantt-live`)
	if start < 0 || end < start {
		t.Fatal("no chart canvas")
	}
	if i := strings.Index(html[start:end], " hx-"); i >= 0 {
		t.Fatalf("hx-* attribute in the chart: %s", html[start+i-80:start+i+80])
	}
}
