package handlers_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// The timeline's window of days comes from the address: from/to widen it (as gantt.js asks while scrolling), and
// dates that do not parse are the default window, like an unknown zoom, never an error.
func TestGanttPage_WindowOfDaysFromTheAddress(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	today := time.Now().UTC()
	day := func(d int) *string { s := today.AddDate(0, 0, d).Format("2006-01-02"); return &s }
	g.task(t, store.TaskInput{Title: "Long ago", StartDate: day(-600), DueDate: day(-598)})
	g.task(t, store.TaskInput{Title: "Now", StartDate: day(0), DueDate: day(2)})

	width := func(p page) int {
		t.Helper()
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		w, err := strconv.Atoi(p.doc.Find(`[data-testid="gantt-chart"]`).AttrOr("width", ""))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	base := width(g.owner.get(g.ganttPath() + "?zoom=day"))
	for _, q := range []string{"&from=bogus&to=2026-13-45&at=x", "&from=" + *day(10) + "&to=" + *day(-10), "&at=0000-00-00"} {
		if w := width(g.owner.get(g.ganttPath() + "?zoom=day" + q)); w != base {
			t.Errorf("%s: %d px wide, the default window is %d", q, w, base)
		}
	}
	if w := width(g.owner.get(g.ganttPath() + "?zoom=day&from=" + *day(-620) + "&to=" + *day(100))); w <= base {
		t.Errorf("a wider window asked for: %d px, the default is %d", w, base)
	}
}
