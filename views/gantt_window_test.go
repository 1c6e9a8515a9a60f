package views

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// windowInput is a project of n dated tasks, one a day in two groups (300 in the first), 3 undated ones and a
// dependency chain.
func windowInput(n int) GanttInput {
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := GanttInput{ProjectID: "p", ProjectName: "Big", Zoom: GanttZoomDay, Today: day,
		Projects: []GanttProjectInput{{ID: "p", Name: "Big", Color: "#0ea5e9", CanManage: true}},
		Groups:   []GanttGroupInput{{ID: "g1", ProjectID: "p", Name: "One"}, {ID: "g2", ProjectID: "p", Name: "Two"}}}
	for i := range n {
		d := day.AddDate(0, 0, i)
		g := "g1"
		if i >= 300 {
			g = "g2"
		}
		in.Tasks = append(in.Tasks, GanttTaskInput{ID: fmt.Sprint("t", i), ProjectID: "p", GroupID: g, Title: fmt.Sprint("Task ", i), Start: &d, Due: &d})
		if i > 0 {
			in.Links = append(in.Links, GanttLinkInput{From: fmt.Sprint("t", i-1), To: fmt.Sprint("t", i)})
		}
	}
	for i := range 3 {
		in.Tasks = append(in.Tasks, GanttTaskInput{ID: fmt.Sprint("u", i), ProjectID: "p", GroupID: "g1", Title: "Undated"})
	}
	return in
}

// A chart draws a window of GanttRowWindow task rows and the days they span; the totals (the task count, each
// section's count, the unscheduled list) still count every task, and the window moves with ?rows=.
func TestBuildGantt_DrawsAWindowOfRows(t *testing.T) {
	all := windowInput(500)
	v := BuildGantt(all)
	if len(v.Bars) != GanttRowWindow || v.Scheduled != 500 || v.RowStart != 0 || len(v.Unscheduled) != 3 || !v.Windowed() {
		t.Fatalf("%d bars of %d from %d, %d unscheduled", len(v.Bars), v.Scheduled, v.RowStart, len(v.Unscheduled))
	}
	if v.Bars[0].ID != "t0" || v.Bars[GanttRowWindow-1].ID != fmt.Sprint("t", GanttRowWindow-1) {
		t.Fatalf("bars %s…%s", v.Bars[0].ID, v.Bars[len(v.Bars)-1].ID)
	}
	// The days of the window only (200 days and the padding), not the 500 of the project.
	if days := v.Width / v.DayW; days > GanttRowWindow+60 {
		t.Fatalf("%d days wide", days)
	}
	if len(v.Links) != GanttRowWindow-1 {
		t.Fatalf("%d links", len(v.Links))
	}
	if g := v.Rows[0]; g.Kind != GanttRowGroup || g.Count != 300 {
		t.Fatalf("first section %+v", g)
	}
	if got := v.RowsURL(v.RowEnd()); got != "/projects/p/gantt?zoom=day&rows=200" {
		t.Fatalf("next rows %s", got)
	}

	all.RowStart = 400
	v = BuildGantt(all)
	if len(v.Bars) != 100 || v.Bars[0].ID != "t400" || v.Rows[0].Count != 200 || v.RowEnd() != 500 {
		t.Fatalf("last window: %d bars from %s, section %d", len(v.Bars), v.Bars[0].ID, v.Rows[0].Count)
	}
	for _, start := range []int{10_000, -5} {
		all.RowStart = start
		if v := BuildGantt(all); v.RowStart != map[bool]int{true: 400, false: 0}[start > 0] {
			t.Fatalf("rows=%d starts at %d", start, v.RowStart)
		}
	}
}

// The chart's HTML does not grow with the tasks: 5,000 tasks cost what 500 do, where each task cost about 1 KB.
func TestGanttChart_HTMLDoesNotGrowWithTheTasks(t *testing.T) {
	render := func(in GanttInput) int {
		var b bytes.Buffer
		if err := GanttChart(BuildGantt(in)).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), `data-testid="gantt-rows"`) {
			t.Fatal("no row pager")
		}
		return b.Len()
	}
	small, large := render(windowInput(500)), render(windowInput(5000))
	if large > small*11/10 || large > 300_000 {
		t.Fatalf("%d bytes for 500 tasks, %d for 5,000", small, large)
	}
	t.Logf("%d bytes for 500 tasks, %d for 5,000", small, large)
}
