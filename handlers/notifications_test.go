package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// notifiedTeam is the work team where the member was assigned two tasks and saw one change status.
func notifiedTeam(t *testing.T) (*workTeam, store.Task) {
	t.Helper()
	w := newWorkTeam(t)
	first := w.task(t, store.TaskInput{Title: "Write the brief", AssigneeID: &w.memberA.UserID})
	w.task(t, store.TaskInput{Title: "Book the venue", AssigneeID: &w.memberA.UserID})
	status := "done"
	if _, err := w.e.store.UpdateTask(t.Context(), w.ownerA, first.ID, store.TaskPatch{Status: &status}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.store.ProcessEventJobs(t.Context()); err != nil {
		t.Fatal(err)
	}
	return w, first
}

func TestBell_CountsAndListsTheNewestNotifications(t *testing.T) {
	t.Parallel()
	w, first := notifiedTeam(t)
	p := w.member.get("/")
	if p.text("bell-count") != "3" || p.doc.Find(`[data-testid="bell"]`).AttrOr("data-unread", "") != "3" {
		t.Fatalf("bell count %q", p.text("bell-count"))
	}
	if p := w.owner.get("/"); p.doc.Find(`[data-testid="bell-count"][hidden]`).Length() != 1 {
		t.Fatal("the owner's bell shows a count without notifications")
	}
	m := w.member.get("/notifications/menu")
	items := m.doc.Find(`[data-testid="notification"]`)
	if m.status != 200 || items.Length() != 3 || !strings.Contains(items.First().Text(), "Task status changed: Write the brief") {
		t.Fatalf("menu: %d, %d items: %s", m.status, items.Length(), m.body)
	}
	href := items.First().AttrOr("href", "")
	// Opening one marks it read and goes to the task's deep link.
	o := w.member.get(href)
	if o.status != http.StatusSeeOther || o.location != "/tasks?task="+first.ID {
		t.Fatalf("open: %d %q", o.status, o.location)
	}
	if p := w.member.get("/"); p.text("bell-count") != "2" {
		t.Fatalf("after opening one: %q", p.text("bell-count"))
	}
	// Another person cannot open it (nor learn it exists); another organization's ids are not found either.
	w.owner.visit(visit{name: "someone else's notification", path: href, status: http.StatusNotFound})
	w.otherB.visit(visit{name: "another organization", path: href, status: http.StatusNotFound})
	// Mark all read from the bell.
	w.member.get("/")
	r := w.member.htmx("/notifications/mark-read", url.Values{})
	if r.status != 200 || r.has("notification") && strings.Contains(r.body, "is-unread") {
		t.Fatalf("mark all: %d %s", r.status, r.body)
	}
	if p := w.member.get("/"); p.doc.Find(`[data-testid="bell-count"][hidden]`).Length() != 1 {
		t.Fatalf("after mark all: %q", p.text("bell-count"))
	}
}

func TestNotificationsPage_FiltersAndEmptyStates(t *testing.T) {
	t.Parallel()
	w, _ := notifiedTeam(t)
	p := w.member.get("/notifications")
	if p.status != 200 || p.doc.Find(`[data-testid="notification"]`).Length() != 3 || !p.has("notifications-mark-all") {
		t.Fatalf("page: %d %s", p.status, p.body)
	}
	if p := w.member.get("/notifications?type=task_assigned"); p.doc.Find(`[data-testid="notification"]`).Length() != 2 {
		t.Fatal("type filter")
	}
	w.member.post("/notifications/mark-read", nil)
	if p := w.member.get("/notifications?unread=true"); p.doc.Find(`[data-testid="notification"]`).Length() != 0 || !p.has("empty-state") {
		t.Fatal("unread after mark all")
	}
	if p := w.owner.get("/notifications"); !p.has("empty-state") || !strings.Contains(p.text("empty-state"), "No notifications yet") {
		t.Fatalf("owner's empty page: %s", p.text("empty-state"))
	}
	if p := w.member.get("/notifications?type=everything"); p.status != http.StatusBadRequest && p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad type: %d", p.status)
	}
	if p := w.e.browser().get("/notifications"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login") {
		t.Fatalf("anonymous: %d %q", p.status, p.location)
	}
}

func TestProfile_NotificationPreferences(t *testing.T) {
	t.Parallel()
	w := newWorkTeam(t)
	p := w.member.get("/profile")
	if !p.has("notification-preferences") || p.doc.Find(`[data-testid^="pref-"]`).Length() != 5 ||
		p.doc.Find(`[data-testid="pref-task_assigned"] input[type=checkbox][checked]`).Length() != 2 {
		t.Fatalf("preferences table: %s", p.text("notification-preferences"))
	}
	form := url.Values{"types": {"task_assigned", "task_commented", "task_status_changed", "invoice_paid", "chat_mentioned"}}
	for _, typ := range form["types"] {
		form.Set(typ+".in_app", "on")
		if typ != "task_assigned" {
			form.Set(typ+".email", "on")
		}
	}
	r := w.member.htmx("/profile/notifications", form)
	if r.status != 200 || !r.has("prefs-saved") {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	prefs, err := w.e.store.NotificationPreferences(t.Context(), w.memberA.UserID)
	if err != nil || prefs[0].Type != "task_assigned" || prefs[0].EmailEnabled || !prefs[0].InAppEnabled || !prefs[1].EmailEnabled {
		t.Fatalf("stored: %+v %v", prefs, err)
	}
	// Email off for assignments: an assignment writes a notification and no email.
	w.task(t, store.TaskInput{Title: "Quiet one", AssigneeID: &w.memberA.UserID})
	if _, err := w.e.store.ProcessEventJobs(t.Context()); err != nil {
		t.Fatal(err)
	}
	var emails int
	w.e.db.Get(&emails, `SELECT count(*) FROM email_outbox WHERE subject = 'Task assigned: Quiet one'`)
	if emails != 0 {
		t.Fatalf("%d emails with email off", emails)
	}
	bad := url.Values{"types": {"everything"}}
	if r := w.member.htmx("/profile/notifications", bad); r.status != http.StatusUnprocessableEntity || r.has("prefs-saved") {
		t.Fatalf("unknown type: %d", r.status)
	}
	if r := w.member.read(w.member.c.PostForm(w.e.srv.URL+"/profile/notifications", form)); r.status != http.StatusForbidden {
		t.Fatalf("without the CSRF token: %d", r.status)
	}
}
