package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// A project created in the browser starts with columns bound to statuses; a manager binds a column from its menu.
func TestBoard_NewProjectColumnsBoundToStatuses(t *testing.T) {
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Acme")
	pid := pwCreateProject(t, e, owner, "Site")
	board := owner.get("/projects/" + pid + "/board")
	checkPage(t, "board", board)
	var names []string
	board.doc.Find(`[data-testid="board-column"] .board-col__title`).Each(func(_ int, s *goquery.Selection) {
		names = append(names, s.Text())
	})
	if strings.Join(names, ",") != "Backlog,To do,In progress,Done" {
		t.Fatalf("columns = %v", names)
	}
	bound := map[string]string{}
	rows, err := e.db.Query(`SELECT name, coalesce(status_code, '') FROM task_groups WHERE project_id = $1`, pid)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n, c string
		if err := rows.Scan(&n, &c); err != nil {
			t.Fatal(err)
		}
		bound[n] = c
	}
	if bound["Backlog"] != "open" || bound["To do"] != "open" || bound["In progress"] != "in_progress" || bound["Done"] != "done" {
		t.Fatalf("bindings = %v", bound)
	}
	if n := board.count("board-column-status"); n != 4 {
		t.Fatalf("bound columns shown: %d", n)
	}

	backlog := e.id(`SELECT id FROM task_groups WHERE project_id = $1 AND name = 'Backlog'`, pid)
	path := "/projects/" + pid + "/board/groups/" + backlog + "/status"
	if p := owner.post(path, url.Values{"status_code": {"closed"}}); p.status != http.StatusSeeOther {
		t.Fatalf("bind: %d %s", p.status, p.body)
	}
	if got := e.id(`SELECT coalesce(status_code, '') FROM task_groups WHERE id = $1`, backlog); got != "closed" {
		t.Fatalf("bound to %q", got)
	}
	if p := owner.post(path, url.Values{"status_code": {"nope"}}); p.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown status: %d", p.status)
	}
	if p := owner.post(path, url.Values{"status_code": {""}}); p.status != http.StatusSeeOther {
		t.Fatalf("unbind: %d %s", p.status, p.body)
	}
	if got := e.id(`SELECT coalesce(status_code, '') FROM task_groups WHERE id = $1`, backlog); got != "" {
		t.Fatalf("still bound to %q", got)
	}
	other := e.withOrg("Otto Other", "otto@example.com", "Other")
	if p := other.post(path, url.Values{"status_code": {"done"}}); p.status != http.StatusNotFound {
		t.Fatalf("another organization: %d", p.status)
	}
}
