package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store"
)

func (g *world) ganttPath() string { return "/projects/" + g.project.ID + "/gantt" }

// moveDates posts new dates the way gantt.js does: CSRF header, form body, JSON answer.
func moveDates(t *testing.T, b *browser, taskID string, form url.Values) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", b.e.srv.URL+"/gantt/tasks/"+taskID+"/dates", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", b.csrf)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	return res.StatusCode, body
}

func TestGanttPage_BarsSectionsLinksMilestonesAndUnscheduled(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	ctx := context.Background()
	a := g.task(t, store.TaskInput{Title: "Wireframes", StartDate: ptr("2026-03-02"), DueDate: ptr("2026-03-06"), Progress: ptr(50)})
	b := g.task(t, store.TaskInput{Title: "Visual design", GroupID: &g.groups[1].ID, StartDate: ptr("2026-03-09"), DueDate: ptr("2026-03-13")})
	c := g.task(t, store.TaskInput{Title: "Write copy"})
	if _, err := g.e.store.AddDependency(ctx, g.ownerA, b.ID, store.DependencyInput{DependsOnID: a.ID, DependencyType: store.DependencyBlockedBy}); err != nil {
		t.Fatal(err)
	}
	if _, err := g.e.store.CreateMilestone(ctx, g.ownerA, g.project.ID, store.MilestoneInput{Title: ptr("Launch"), TargetDate: ptr("2026-03-16"), Color: ptr("#f97316")}); err != nil {
		t.Fatal(err)
	}

	p := g.owner.get(g.ganttPath() + "?zoom=day")
	if p.status != http.StatusOK {
		t.Fatalf("project gantt: %d", p.status)
	}
	for _, id := range []string{"gantt", "gantt-chart", "gantt-zoom", "gantt-today", "gantt-unscheduled", "gantt-milestone", "gantt-link", "gantt-labels"} {
		if !p.has(id) {
			t.Errorf("missing %s", id)
		}
	}
	if p.doc.Find(`[data-testid="gantt-zoom-day"][aria-current="true"]`).Length() != 1 {
		t.Error("day zoom not marked current")
	}
	bars := p.doc.Find(`[data-testid="gantt-bar"]`)
	if bars.Length() != 2 {
		t.Fatalf("%d bars, want 2", bars.Length())
	}
	bar := p.doc.Find(`[data-testid="gantt-bar"][data-id="` + a.ID + `"]`)
	// gantt.js opens the panel from data-id (the chart has no hx-* attribute for htmx to wire, issue 15).
	if bar.AttrOr("data-id", "") != a.ID ||
		bar.AttrOr("tabindex", "") != "0" || bar.AttrOr("data-start", "") != "2026-03-02" || bar.AttrOr("data-due", "") != "2026-03-06" {
		t.Fatalf("bar attributes: %v", bar.Nodes[0].Attr)
	}
	if _, ok := bar.Attr("data-draggable"); !ok {
		t.Error("the owner's bars are not draggable")
	}
	// Day zoom is 32px a day: a five-day bar is 160 wide, with its progress half of it.
	if w := bar.Find(".gantt-bar__track").AttrOr("width", ""); w != "160" {
		t.Errorf("track width %s, want 160", w)
	}
	if w := bar.Find(".gantt-bar__progress").AttrOr("width", ""); w != "80" {
		t.Errorf("progress width %s, want 80", w)
	}
	if link := p.doc.Find(`[data-testid="gantt-link"]`); link.AttrOr("data-from", "") != a.ID || link.AttrOr("data-to", "") != b.ID {
		t.Errorf("link from %s to %s", link.AttrOr("data-from", ""), link.AttrOr("data-to", ""))
	}
	var sections []string
	p.doc.Find(".gantt-label--group .gantt-label__text").Each(func(_ int, s *goquery.Selection) { sections = append(sections, s.Text()) })
	if strings.Join(sections, ",") != "To do,Design" {
		t.Errorf("sections %v", sections)
	}
	un := p.doc.Find(`[data-testid="gantt-unscheduled-task"]`)
	if un.Length() != 1 || !strings.Contains(un.Text(), "Write copy") || un.AttrOr("href", "") != "/tasks?task="+c.ID {
		t.Errorf("unscheduled: %d %q", un.Length(), un.Text())
	}
	if !strings.Contains(p.doc.Find(`[data-testid="gantt-milestone"]`).Text(), "Launch") || !strings.Contains(p.doc.Find(".gantt-flag__label").Text(), "Launch") ||
		p.doc.Find(`line.gantt-milestone[stroke="#f97316"]`).Length() != 1 {
		t.Error("milestone marker missing its title or color")
	}
	if p.doc.Find(`script[src^="/static/js/gantt.js"]`).Length() != 1 {
		t.Error("gantt.js not loaded")
	}
	if p.doc.Find(`[style]`).Length() != 0 {
		t.Error("style attributes on the page")
	}

	// The zoom control swaps the chart only.
	frag := htmxGet(g.owner, g.ganttPath()+"?zoom=month")
	if frag.status != http.StatusOK || strings.Contains(frag.body, "<html") || !frag.has("gantt-chart") ||
		frag.doc.Find(`[data-testid="gantt-zoom-month"][aria-current="true"]`).Length() != 1 {
		t.Fatalf("htmx zoom: %d", frag.status)
	}
	// Across projects: the project is a section of its own, linking to its chart.
	all := g.owner.get("/gantt?zoom=bogus")
	if all.status != http.StatusOK || all.doc.Find(`.gantt-label--project[href="`+g.ganttPath()+`"]`).Length() != 1 ||
		all.doc.Find(`[data-testid="gantt-zoom-week"][aria-current="true"]`).Length() != 1 {
		t.Fatalf("all projects: %d", all.status)
	}
}

func TestGanttPage_EmptyStates(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	p := g.owner.get("/gantt")
	if p.status != http.StatusOK || !p.has("empty-state") || p.has("gantt-chart") {
		t.Fatalf("empty timeline: %d", p.status)
	}
	g.task(t, store.TaskInput{Title: "Someday"})
	p = g.owner.get(g.ganttPath())
	if !p.has("empty-state") || !p.has("gantt-unscheduled-task") {
		t.Fatal("a project with only undated tasks shows the empty chart and the unscheduled list")
	}
}

func TestGanttPage_MemberSeesItsProjectsButCannotDrag(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	task := g.task(t, store.TaskInput{Title: "Wireframes", StartDate: ptr("2026-03-02"), DueDate: ptr("2026-03-06")})
	hidden, err := g.e.store.CreateProject(context.Background(), g.ownerA, store.ProjectInput{Name: ptr("Secret")})
	if err != nil {
		t.Fatal(err)
	}
	p := g.member.get(g.ganttPath())
	if p.status != http.StatusOK {
		t.Fatalf("member's project chart: %d", p.status)
	}
	if _, ok := p.doc.Find(`[data-testid="gantt-bar"]`).Attr("data-draggable"); ok {
		t.Error("a member without manage_tasks gets draggable bars")
	}
	g.member.visit(visit{name: "a project the member is not in", path: "/projects/" + hidden.ID + "/gantt", status: http.StatusNotFound})
	status, body := moveDates(t, g.member, task.ID, url.Values{"start_date": {"2026-03-03"}, "due_date": {"2026-03-07"}})
	if status != http.StatusForbidden || !strings.Contains(body["error"].(string), "manage_tasks") {
		t.Fatalf("member moving a task: %d %v", status, body)
	}
}

func TestGanttPage_AnotherOrganizationsIDsAreNotFound(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	task := g.task(t, store.TaskInput{Title: "Wireframes", DueDate: ptr("2026-03-06")})
	other := g.e.withOrg("Otto Other", "otto@example.com", "Other Co")
	for _, path := range []string{g.ganttPath(), "/projects/not-a-uuid/gantt"} {
		other.visit(visit{path: path, status: http.StatusNotFound})
	}
	status, body := moveDates(t, other, task.ID, url.Values{"due_date": {"2026-03-09"}})
	if status != http.StatusNotFound || body["error"] == "" {
		t.Fatalf("moving another organization's task: %d %v", status, body)
	}
	if p := other.get("/gantt"); p.status != http.StatusOK || p.has("gantt-bar") {
		t.Fatalf("the other organization's timeline shows our tasks")
	}
}

func TestGanttMoveTask_SavesThroughUpdateTaskAndExplainsRefusals(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	task := g.task(t, store.TaskInput{Title: "Wireframes", StartDate: ptr("2026-03-02"), DueDate: ptr("2026-03-06")})
	dueOnly := g.task(t, store.TaskInput{Title: "Review", DueDate: ptr("2026-03-10")})
	g.owner.get(g.ganttPath())

	status, body := moveDates(t, g.owner, task.ID, url.Values{"start_date": {"2026-03-04"}, "due_date": {"2026-03-08"}})
	if status != http.StatusOK || body["start_date"] != "2026-03-04" || body["due_date"] != "2026-03-08" {
		t.Fatalf("move: %d %v", status, body)
	}
	saved, err := g.e.store.Task(context.Background(), g.ownerA, task.ID)
	if err != nil || saved.StartDate.String() != "2026-03-04" || saved.DueDate.String() != "2026-03-08" {
		t.Fatalf("stored dates %v..%v (%v)", saved.StartDate, saved.DueDate, err)
	}
	// Only the dates sent change: moving a task that has only a due date keeps it without a start.
	status, body = moveDates(t, g.owner, dueOnly.ID, url.Values{"due_date": {"2026-03-12"}})
	if status != http.StatusOK || body["start_date"] != nil || body["due_date"] != "2026-03-12" {
		t.Fatalf("due only: %d %v", status, body)
	}
	// The store's validation, worded for people; nothing changes.
	status, body = moveDates(t, g.owner, task.ID, url.Values{"start_date": {"2026-03-20"}})
	if status != http.StatusUnprocessableEntity || body["error"] != "The start date must be on or before the due date." {
		t.Fatalf("start after due: %d %v", status, body)
	}
	status, body = moveDates(t, g.owner, task.ID, url.Values{"due_date": {"2026-02-30"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(body["error"].(string), "due date must be a date") {
		t.Fatalf("bad date: %d %v", status, body)
	}
	if status, _ = moveDates(t, g.owner, task.ID, url.Values{}); status != http.StatusUnprocessableEntity {
		t.Fatalf("nothing sent: %d", status)
	}
	if saved, _ = g.e.store.Task(context.Background(), g.ownerA, task.ID); saved.StartDate.String() != "2026-03-04" {
		t.Fatalf("a refused change was saved: %v", saved.StartDate)
	}
	// Without the CSRF token the change is refused.
	res, err := g.owner.c.PostForm(g.e.srv.URL+"/gantt/tasks/"+task.ID+"/dates", url.Values{"due_date": {"2026-03-09"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("without CSRF: %d", res.StatusCode)
	}
}
