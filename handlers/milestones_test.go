package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// moveMilestone posts a new date the way gantt.js does for a dragged flag.
func moveMilestone(t *testing.T, b *browser, id, date string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"target_date": {date}}
	req, _ := http.NewRequest("POST", b.e.srv.URL+"/gantt/milestones/"+id+"/date", strings.NewReader(form.Encode()))
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

func (g *world) milestone(t *testing.T, title, date string) store.Milestone {
	t.Helper()
	m, err := g.e.store.CreateMilestone(context.Background(), g.ownerA, g.project.ID, store.MilestoneInput{Title: &title, TargetDate: &date})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func (g *world) storedMilestones(t *testing.T) []store.Milestone {
	t.Helper()
	l, err := g.e.store.Milestones(context.Background(), g.ownerA, g.project.ID)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestMilestones_AddEditDeleteOnTheTimeline(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	p := g.owner.get(g.ganttPath())
	if !p.has("milestones") || !p.has("milestones-empty") || !p.has("milestone-new-form") {
		t.Fatalf("the timeline has no milestones section with an add form")
	}
	checkPage(t, "timeline with milestones", p)

	r := g.owner.post("/projects/"+g.project.ID+"/milestones", url.Values{"title": {" Launch "}, "target_date": {"2026-03-16"},
		"color": {"#f97316"}, "description": {"Go live"}})
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, g.ganttPath()) {
		t.Fatalf("add: %d %q", r.status, r.location)
	}
	l := g.storedMilestones(t)
	if len(l) != 1 || l[0].Title != "Launch" || l[0].TargetDate != "2026-03-16" || l[0].Color != "#f97316" || *l[0].Description != "Go live" {
		t.Fatalf("stored: %+v", l)
	}
	m := l[0]
	p = g.owner.get(g.ganttPath())
	if p.text("milestone-title") != "Launch" || p.text("milestone-date") != "Mar 16, 2026" || !p.has("milestone-"+m.ID+"-form") {
		t.Fatalf("listed: %q %q", p.text("milestone-title"), p.text("milestone-date"))
	}
	if _, ok := p.doc.Find(`[data-testid="gantt-milestone"]`).Attr("data-draggable"); !ok {
		t.Error("the owner's milestone flag is not draggable")
	}
	checkPage(t, "timeline with a milestone", p)

	// Edit through htmx: a new date and no description.
	r = g.owner.htmx("/milestones/"+m.ID, url.Values{"project_id": {g.project.ID}, "title": {"Launch day"}, "target_date": {"2026-03-20"},
		"color": {"#f97316"}, "description": {""}})
	if r.status != http.StatusNoContent || !strings.HasPrefix(r.header.Get("HX-Redirect"), g.ganttPath()) {
		t.Fatalf("edit: %d %v", r.status, r.header)
	}
	l = g.storedMilestones(t)
	if l[0].Title != "Launch day" || l[0].TargetDate != "2026-03-20" || l[0].Description != nil {
		t.Fatalf("edited: %+v", l[0])
	}

	g.owner.get(g.ganttPath())
	r = g.owner.htmx("/milestones/"+m.ID+"/delete", url.Values{"project_id": {g.project.ID}})
	if r.status != http.StatusNoContent || len(g.storedMilestones(t)) != 0 {
		t.Fatalf("delete: %d", r.status)
	}
}

func TestMilestones_RefusedFormsAnswer422WithFieldErrors(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	m := g.milestone(t, "Launch", "2026-03-16")
	g.owner.get(g.ganttPath())

	// Without htmx: the page again, the add form open with the messages beside the fields.
	p := g.owner.post("/projects/"+g.project.ID+"/milestones", url.Values{"title": {"  "}, "target_date": {"2026-02-30"}, "color": {"red"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("add: %d", p.status)
	}
	if p.fieldError("milestone-new-title") == "" || p.fieldError("milestone-new-date") == "" || p.fieldError("milestone-new-color") == "" {
		t.Fatalf("field errors: %q %q %q", p.fieldError("milestone-new-title"), p.fieldError("milestone-new-date"), p.fieldError("milestone-new-color"))
	}
	checkPage(t, "refused add", p)

	// With htmx: the edit form alone, its values kept.
	p = g.owner.htmx("/milestones/"+m.ID, url.Values{"project_id": {g.project.ID}, "title": {"Launch"}, "target_date": {"soon"}})
	if p.status != http.StatusUnprocessableEntity || p.fieldError("milestone-"+m.ID+"-date") == "" || p.has("milestones") {
		t.Fatalf("edit: %d %q", p.status, p.fieldError("milestone-"+m.ID+"-date"))
	}
	if l := g.storedMilestones(t); len(l) != 1 || l[0].TargetDate != "2026-03-16" {
		t.Fatalf("a refused form changed the milestones: %+v", l)
	}
	status, body := moveMilestone(t, g.owner, m.ID, "2026-13-01")
	if status != http.StatusUnprocessableEntity || !strings.Contains(body["error"].(string), "Date must be a date") {
		t.Fatalf("bad move: %d %v", status, body)
	}
}

func TestMilestones_MoveByDraggingTheFlag(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	m := g.milestone(t, "Launch", "2026-03-16")
	g.owner.get(g.ganttPath())
	status, body := moveMilestone(t, g.owner, m.ID, "2026-03-18")
	if status != http.StatusOK || body["target_date"] != "2026-03-18" {
		t.Fatalf("move: %d %v", status, body)
	}
	if l := g.storedMilestones(t); l[0].TargetDate != "2026-03-18" || l[0].Title != "Launch" {
		t.Fatalf("stored: %+v", l[0])
	}
}

func TestMilestones_MemberWithoutManageTasksGetsNoControlsAndIsRefused(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	m := g.milestone(t, "Launch", "2026-03-16")
	p := g.member.get(g.ganttPath())
	if p.status != http.StatusOK || p.text("milestone-title") != "Launch" {
		t.Fatalf("member's timeline: %d", p.status)
	}
	for _, id := range []string{"milestone-add", "milestone-edit", "milestone-delete", "milestone-new-form"} {
		if p.has(id) {
			t.Errorf("a member without manage_tasks sees %s", id)
		}
	}
	if _, ok := p.doc.Find(`[data-testid="gantt-milestone"]`).Attr("data-draggable"); ok {
		t.Error("a member without manage_tasks gets a draggable flag")
	}
	visits := []visit{
		{name: "add", method: http.MethodPost, path: "/projects/" + g.project.ID + "/milestones", form: url.Values{"title": {"Mine"}, "target_date": {"2026-03-01"}}, status: http.StatusForbidden},
		{name: "edit", method: http.MethodPost, path: "/milestones/" + m.ID, form: url.Values{"project_id": {g.project.ID}, "title": {"Mine"}, "target_date": {"2026-03-01"}}, status: http.StatusForbidden},
		{name: "delete", method: http.MethodPost, path: "/milestones/" + m.ID + "/delete", form: url.Values{"project_id": {g.project.ID}}, status: http.StatusForbidden},
	}
	g.member.visitAll(visits)
	status, body := moveMilestone(t, g.member, m.ID, "2026-03-18")
	if status != http.StatusForbidden || !strings.Contains(body["error"].(string), "manage_tasks") {
		t.Fatalf("member moving: %d %v", status, body)
	}
	if l := g.storedMilestones(t); len(l) != 1 || l[0].Title != "Launch" || l[0].TargetDate != "2026-03-16" {
		t.Fatalf("a refused member changed the milestones: %+v", l)
	}
}

func TestMilestones_AnotherOrganizationsIDsAreNotFound(t *testing.T) {
	t.Parallel()
	g := newGanttTeam(t)
	m := g.milestone(t, "Launch", "2026-03-16")
	other := g.e.withOrg("Otto Other", "otto@example.com", "Other Co")
	other.get("/gantt")
	other.visitAll([]visit{
		{name: "add", method: http.MethodPost, path: "/projects/" + g.project.ID + "/milestones", form: url.Values{"title": {"X"}, "target_date": {"2026-03-01"}}, status: http.StatusNotFound},
		{name: "edit", method: http.MethodPost, path: "/milestones/" + m.ID, form: url.Values{"project_id": {g.project.ID}, "title": {"X"}, "target_date": {"2026-03-01"}}, status: http.StatusNotFound},
		{name: "delete", method: http.MethodPost, path: "/milestones/" + m.ID + "/delete", form: url.Values{"project_id": {g.project.ID}}, status: http.StatusNotFound},
		{name: "not an id", method: http.MethodPost, path: "/milestones/not-a-uuid/delete", status: http.StatusNotFound},
	})
	status, body := moveMilestone(t, other, m.ID, "2026-03-18")
	if status != http.StatusNotFound || body["error"] == "" {
		t.Fatalf("moving another organization's milestone: %d %v", status, body)
	}
	if l := g.storedMilestones(t); len(l) != 1 || l[0].Title != "Launch" || l[0].TargetDate != "2026-03-16" {
		t.Fatalf("another organization changed the milestones: %+v", l)
	}
}
