package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// The timeline reads one window of rows (store.GanttPage): the pager counts every scheduled task, the last
// window's rows are drawn from its offset, and the unscheduled list shows its first 100 and says how many more
// there are, with a link to the project's tasks.
func TestGanttPage_ReadsAWindowAndCapsTheUnscheduledList(t *testing.T) {
	t.Parallel()
	if store.GanttPageRows != views.GanttRowWindow || store.GanttPageUnscheduled != 100 {
		t.Fatalf("the store reads %d rows and %d unscheduled tasks, the view draws %d rows and lists 100",
			store.GanttPageRows, store.GanttPageUnscheduled, views.GanttRowWindow)
	}
	g := newGanttTeam(t)
	g.e.exec(`INSERT INTO tasks (organization_id, project_id, group_id, title, position, start_date, due_date)
		SELECT p.organization_id, p.id, gr.id, 'Task ' || i, i,
			CASE WHEN i < 210 THEN date '2026-03-01' + i % 30 END, CASE WHEN i < 210 THEN date '2026-04-01' END
		FROM projects p JOIN task_groups gr ON gr.project_id = p.id AND gr.is_default, generate_series(0, 339) i
		WHERE p.id = $1`, g.project.ID)

	first := g.owner.get(g.ganttPath())
	if first.status != http.StatusOK || first.count("gantt-bar") != 200 || first.text("gantt-rows-range") != "Tasks 1–200 of 210" {
		t.Fatalf("first rows: %d, %d bars, %q", first.status, first.count("gantt-bar"), first.text("gantt-rows-range"))
	}
	if n := first.count("gantt-unscheduled-task"); n != 100 {
		t.Fatalf("%d unscheduled tasks listed, want the first 100", n)
	}
	more := first.doc.Find(`[data-testid="gantt-unscheduled-more"]`)
	if !strings.Contains(more.Text(), "30 more") || more.Find("a").AttrOr("href", "") != "/tasks?project="+g.project.ID ||
		!strings.Contains(first.text("gantt-unscheduled"), "130 tasks without dates") {
		t.Fatalf("unscheduled list: %q, link %q", more.Text(), more.Find("a").AttrOr("href", ""))
	}
	last := g.owner.get(g.ganttPath() + "?rows=9999")
	if last.count("gantt-bar") != 10 || last.text("gantt-rows-range") != "Tasks 201–210 of 210" {
		t.Fatalf("last rows: %d bars, %q", last.count("gantt-bar"), last.text("gantt-rows-range"))
	}
}
