package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// projectListTeam is an organization with three projects that differ in every column the list sorts by:
//
//	Alpha  client Zeta Corp  2 open tasks (and 1 done)  1:00 tracked  last activity Jan 10
//	Beta   client Acme       no tasks                   3:00 tracked  last activity Mar 10
//	Gamma  no client         3 open tasks               0:00 tracked  last activity Feb 10
func projectListTeam(t *testing.T) *world {
	t.Helper()
	w := newWorld(t).ownedBy("Olga Owner", "olga@example.com", "Acme Studio")
	ctx := context.Background()
	client := func(name string) string {
		c, err := w.e.store.CreateClient(ctx, w.ownerA, store.ClientInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	project := func(name, clientID string, open, done int, hours, activity string) {
		in := store.ProjectInput{Name: ptr(name)}
		if clientID != "" {
			in.ClientID = &clientID
		}
		w.withProject(in)
		for i := 0; i < open+done; i++ {
			task := store.TaskInput{Title: name + " task"}
			if i >= open {
				task.Status = "done"
			}
			w.task(t, task)
		}
		if hours != "" {
			w.entry(t, w.ownerA, w.project.ID, "", "work", "2025-06-02T09:00:00Z", hours)
		}
		w.e.exec(`UPDATE projects SET updated_at = $2 WHERE id = $1`, w.project.ID, activity)
		w.e.exec(`UPDATE tasks SET updated_at = $2 WHERE project_id = $1`, w.project.ID, activity)
	}
	project("Alpha", client("Zeta Corp"), 2, 1, "2025-06-02T10:00:00Z", "2026-01-10T12:00:00Z")
	project("Beta", client("Acme"), 0, 0, "2025-06-02T12:00:00Z", "2026-03-10T12:00:00Z")
	project("Gamma", "", 3, 0, "", "2026-02-10T12:00:00Z")
	return w
}

func TestProjectsList_TableSortsByEachColumn(t *testing.T) {
	t.Parallel()
	w := projectListTeam(t)
	p := w.owner.visit(visit{path: "/projects?view=table", status: http.StatusOK, has: []string{"projects-table", "projects-view"}})
	checkPage(t, "projects table", p)
	if got := p.texts("project-row-name"); strings.Join(got, ",") != "Alpha,Beta,Gamma" {
		t.Errorf("by name: %v", got)
	}
	if got := p.texts("project-row-hours"); strings.Join(got, ",") != "1:00,3:00,0:00" {
		t.Errorf("hours: %v", got)
	}
	if got := p.texts("project-row-open"); strings.Join(got, ",") != "2,0,3" {
		t.Errorf("open tasks: %v", got)
	}
	if got := p.texts("project-row-activity"); strings.Join(got, ",") != "Jan 10, 2026,Mar 10, 2026,Feb 10, 2026" {
		t.Errorf("last activity: %v", got)
	}
	if got := p.doc.Find(`th[aria-sort="ascending"]`).Text(); !strings.Contains(got, "Project") {
		t.Errorf("the sorted header is %q", got)
	}
	// The headers are links that keep the layout; the current column's turns the order around.
	if href := p.doc.Find(`[data-testid="projects-sort-open"]`).AttrOr("href", ""); href != "/projects?sort=open&view=table" {
		t.Errorf("open tasks header links to %q", href)
	}
	if href := p.doc.Find(`[data-testid="projects-sort-name"]`).AttrOr("href", ""); href != "/projects?dir=desc&view=table" {
		t.Errorf("name header links to %q", href)
	}
	for _, c := range []struct{ query, want string }{
		{"sort=client", "Beta,Alpha,Gamma"}, // Acme, Zeta Corp, then no client
		{"sort=open", "Gamma,Alpha,Beta"},   // most open first
		{"sort=open&dir=asc", "Beta,Alpha,Gamma"},
		{"sort=hours", "Beta,Alpha,Gamma"},
		{"sort=activity", "Beta,Gamma,Alpha"}, // latest first
		{"sort=activity&dir=asc", "Alpha,Gamma,Beta"},
		{"dir=desc", "Gamma,Beta,Alpha"},
		{"sort=nonsense", "Alpha,Beta,Gamma"}, // an unknown order is the default, not an error
	} {
		p := w.owner.visit(visit{path: "/projects?view=table&" + c.query, status: http.StatusOK})
		if got := strings.Join(p.texts("project-row-name"), ","); got != c.want {
			t.Errorf("%s: %s, want %s", c.query, got, c.want)
		}
	}
	// The cards follow the same order; htmx gets the results alone.
	if got := w.owner.visit(visit{path: "/projects?sort=hours", htmx: true, status: http.StatusOK}).texts("project-link"); strings.Join(got, ",") != "Beta,Alpha,Gamma" {
		t.Errorf("cards by hours: %v", got)
	}
	// Empty state in the table layout.
	w.owner.visit(visit{path: "/projects?view=table&status=archived", status: http.StatusOK, has: []string{"clear-filters"},
		hasNot: []string{"projects-table"}})
}

func TestProjectsList_GroupsByClient(t *testing.T) {
	t.Parallel()
	w := projectListTeam(t)
	p := w.owner.visit(visit{path: "/projects?group=client", status: http.StatusOK})
	checkPage(t, "grouped cards", p)
	if got := strings.Join(p.texts("projects-group-heading"), ","); got != "Acme 1,Zeta Corp 1,No client 1" {
		t.Errorf("card groups: %s", got)
	}
	if href := p.doc.Find(`[data-testid="projects-group"]`).AttrOr("href", ""); href != "/projects" {
		t.Errorf("the grouping toggle links to %q", href)
	}
	// Within each client the chosen order holds; the table shows each client as a row group.
	p = w.owner.visit(visit{path: "/projects?group=client&view=table&sort=hours", status: http.StatusOK})
	checkPage(t, "grouped table", p)
	if got := strings.Join(p.texts("projects-group-row"), ","); got != "Acme 1,Zeta Corp 1,No client 1" {
		t.Errorf("table groups: %s", got)
	}
	if got := strings.Join(p.texts("project-row-name"), ","); got != "Beta,Alpha,Gamma" {
		t.Errorf("grouped rows: %s", got)
	}
	if href := p.doc.Find(`[data-testid="projects-view-cards"]`).AttrOr("href", ""); href != "/projects?group=client&sort=hours" {
		t.Errorf("the cards layout links to %q", href)
	}
}
