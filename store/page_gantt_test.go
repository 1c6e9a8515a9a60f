package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/trcr/trcr/store"
)

// newGanttPageWorld: three projects ("beta" sorts between "Alpha" and "Gamma" only ignoring case), each with two
// groups (the second created at position 0, so before the first) and 200 tasks: some with both dates, some with
// one, 57 without (ties of dates, so that the positions decide), and dependencies within
// and across projects. The member is on the first project only.
func newGanttPageWorld(t *testing.T) *world {
	w := newWorld(t).ownedBy("Olga Owner", "owner@example.com", "Gantt Co").withMember("Will Worker", "worker@example.com").
		withStranger("Sam Stranger", "sam@example.com", "Other Co").withProject("Gamma")
	w.exec(`UPDATE task_groups SET position = 1 WHERE id = $1`, w.group)
	for i, name := range []string{"Gamma", "Alpha", "beta"} {
		project, first := w.project, w.group
		if i > 0 {
			project, first = w.sqlProject(name)
			w.exec(`UPDATE task_groups SET position = 1 WHERE id = $1`, first)
		}
		second := w.id(`INSERT INTO task_groups (organization_id, project_id, name, position) VALUES ($1, $2, 'Doing', 0)
			RETURNING id`, w.owner.OrgID, project)
		w.exec(`INSERT INTO tasks (organization_id, project_id, group_id, title, position, start_date, due_date)
			SELECT $1, $2, CASE WHEN i % 3 = 0 THEN $3::uuid ELSE $4::uuid END, $5 || ' ' || i, 1000 - i,
				CASE WHEN i % 4 = 0 OR i % 6 = 1 THEN NULL ELSE date '2026-03-01' + i % 13 END,
				CASE WHEN i % 4 = 0 OR i % 5 = 2 THEN NULL ELSE date '2026-03-20' + i % 11 END
			FROM generate_series(0, 199) i`, w.owner.OrgID, project, first, second, name)
	}
	w.exec(`INSERT INTO task_dependencies (organization_id, task_id, depends_on_id, dependency_type)
		SELECT $1, a.id, b.id, 'blocked_by'
		FROM (SELECT id, row_number() OVER (ORDER BY title) AS n FROM tasks WHERE organization_id = $1) a
		JOIN (SELECT id, row_number() OVER (ORDER BY title) AS n FROM tasks WHERE organization_id = $1) b
			ON b.n = a.n + 1 OR b.n = a.n + 37`, w.owner.OrgID)
	return w
}

// ganttDisplayOrder lays a full timeline out as the chart orders it (views.ganttWindow): the scheduled tasks by
// project, group, then the store's order within the group; and the unscheduled ones.
func ganttDisplayOrder(g store.Gantt) (scheduled, unscheduled []string) {
	for _, p := range g.Projects {
		for _, gr := range g.Groups {
			if gr.ProjectID != p.ID {
				continue
			}
			for _, task := range g.Tasks {
				if task.GroupID == gr.ID && (task.StartDate != nil || task.DueDate != nil) {
					scheduled = append(scheduled, task.ID)
				}
			}
		}
	}
	for _, task := range g.Tasks {
		if task.StartDate == nil && task.DueDate == nil {
			unscheduled = append(unscheduled, task.ID)
		}
	}
	return scheduled, unscheduled
}

func TestGanttPage_WindowIsTheFullTimelinesRowsWithItsCountsAndEdges(t *testing.T) {
	t.Parallel()
	w := newGanttPageWorld(t)
	ctx := context.Background()
	for _, who := range []struct {
		name            string
		actor           store.Actor
		projects, tasks int
	}{{"owner", w.owner, 3, 600}, {"member", w.member, 1, 200}} {
		full, err := w.s.Gantt(ctx, who.actor, "")
		if err != nil || len(full.Projects) != who.projects || len(full.Tasks) != who.tasks {
			t.Fatalf("%s: full timeline %d projects, %d tasks (%v)", who.name, len(full.Projects), len(full.Tasks), err)
		}
		scheduled, unscheduled := ganttDisplayOrder(full)
		sections := map[string]int{}
		for _, task := range full.Tasks {
			if task.StartDate != nil || task.DueDate != nil {
				sections[task.GroupID]++
				sections[task.ProjectID]++
			}
		}
		last := (len(scheduled) - 1) / store.GanttPageRows * store.GanttPageRows
		for _, c := range []struct{ ask, start int }{{0, 0}, {200, 200}, {400, 400}, {-5, 0}, {10_000, last}, {37, 37}} {
			if c.start > last {
				c.start = last
			}
			pg, err := w.s.GanttPage(ctx, who.actor, "", c.ask)
			if err != nil {
				t.Fatal(err)
			}
			var rows, listed []string
			for _, task := range pg.Tasks {
				if task.StartDate != nil || task.DueDate != nil {
					rows = append(rows, task.ID)
				} else {
					listed = append(listed, task.ID)
				}
			}
			want := scheduled[c.start:min(c.start+store.GanttPageRows, len(scheduled))]
			if pg.RowStart != c.start || !slices.Equal(rows, want) {
				t.Fatalf("%s, rows=%d: start %d (want %d), rows differ from the full timeline's window (%d, want %d)",
					who.name, c.ask, pg.RowStart, c.start, len(rows), len(want))
			}
			if pg.Scheduled != len(scheduled) || pg.Unscheduled != len(unscheduled) || fmt.Sprint(pg.SectionTasks) != fmt.Sprint(sections) {
				t.Fatalf("%s: counts %d scheduled, %d unscheduled, sections %v; want %d, %d, %v", who.name,
					pg.Scheduled, pg.Unscheduled, pg.SectionTasks, len(scheduled), len(unscheduled), sections)
			}
			if len(listed) != min(len(unscheduled), store.GanttPageUnscheduled) {
				t.Fatalf("%s: %d unscheduled listed of %d", who.name, len(listed), len(unscheduled))
			}
			for _, id := range listed {
				if !slices.Contains(unscheduled, id) {
					t.Fatalf("%s: listed %s is not an unscheduled task of the timeline", who.name, id)
				}
			}
			var edges []string
			for _, d := range full.Dependencies {
				if slices.Contains(want, d.TaskID) && slices.Contains(want, d.DependsOnID) {
					edges = append(edges, d.ID)
				}
			}
			var got []string
			for _, d := range pg.Dependencies {
				got = append(got, d.ID)
			}
			if len(edges) == 0 || !slices.Equal(got, edges) {
				t.Fatalf("%s, rows=%d: edges %d, want the %d of the full timeline between rows of the window", who.name, c.ask, len(got), len(edges))
			}
			if fmt.Sprint(pg.Projects, pg.Groups, pg.Milestones) != fmt.Sprint(full.Projects, full.Groups, full.Milestones) {
				t.Fatalf("%s: projects, groups or milestones differ from the full timeline's", who.name)
			}
		}
	}

	// One project's page; a project the member is not on, and any project of another organization, is not found.
	pg, err := w.s.GanttPage(ctx, w.owner, w.project, 0)
	if err != nil || len(pg.Projects) != 1 || pg.Scheduled+pg.Unscheduled != 200 {
		t.Fatalf("project page: %d projects, %d+%d tasks (%v)", len(pg.Projects), pg.Scheduled, pg.Unscheduled, err)
	}
	owners, _ := w.s.GanttPage(ctx, w.owner, "", 0)
	for _, p := range owners.Projects {
		if p.ID == w.project {
			continue
		}
		if _, err := w.s.GanttPage(ctx, w.member, p.ID, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("member, project %s: %v, want not found", p.Name, err)
		}
		if _, err := w.s.GanttPage(ctx, w.other, p.ID, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other organization, project %s: %v, want not found", p.Name, err)
		}
	}
	if theirs, err := w.s.GanttPage(ctx, w.other, "", 0); err != nil || len(theirs.Projects)+len(theirs.Tasks)+theirs.Scheduled+theirs.Unscheduled != 0 {
		t.Fatalf("other organization's timeline: %+v (%v)", theirs, err)
	}
}
