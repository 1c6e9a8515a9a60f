package api_test

import (
	"fmt"
	"testing"
)

// notifiedWorld is the task world where the member holds three notifications (two assignments, one status
// change) and the stranger one of their own organization.
func notifiedWorld(t *testing.T) *world {
	t.Helper()
	w := newTaskWorld(t)
	a := w.newTask("First", map[string]any{"assignee_id": w.member.id})
	w.newTask("Second", map[string]any{"assignee_id": w.member.id})
	w.must(200, req{method: "PUT", path: "/tasks/" + a.str("id") + "/status", token: w.owner.token, org: w.org, body: map[string]any{"status": "done"}})
	theirs := w.must(201, req{method: "POST", path: "/tasks", token: w.stranger.token, org: w.otherOrg,
		body: map[string]any{"title": "Theirs", "project_id": w.strangerProject}})
	_ = theirs
	return w
}

func TestNotifications_ListAndFilter(t *testing.T) {
	t.Parallel()
	w := notifiedWorld(t)
	r := w.must(200, req{method: "GET", path: "/notifications", token: w.member.token, org: w.org})
	data := r.json["data"].([]any)
	if len(data) != 3 || r.json["meta"].(map[string]any)["total"].(float64) != 3 {
		t.Fatalf("list: %s", r.raw)
	}
	first := data[0].(map[string]any)
	for _, k := range []string{"id", "type", "title", "body", "data", "read_at", "created_at"} {
		if _, ok := first[k]; !ok {
			t.Fatalf("notification without %s: %v", k, first)
		}
	}
	if first["type"] != "task_status_changed" || first["data"].(map[string]any)["link"] == nil {
		t.Fatalf("newest first, with a link: %v", first)
	}
	if r := w.must(200, req{method: "GET", path: "/notifications?type=task_assigned&per_page=1", token: w.member.token, org: w.org}); len(r.json["data"].([]any)) != 1 ||
		r.json["meta"].(map[string]any)["total"].(float64) != 2 {
		t.Fatalf("type filter and paging: %s", r.raw)
	}
	// Another organization's notifications are not in this one's list.
	if r := w.must(200, req{method: "GET", path: "/notifications", token: w.stranger.token, org: w.otherOrg}); len(r.json["data"].([]any)) != 0 {
		t.Fatalf("stranger sees %s", r.raw)
	}
	for _, q := range []string{"?unread=maybe", "?type=everything", "?page=0"} {
		if r := w.do(req{method: "GET", path: "/notifications" + q, token: w.member.token, org: w.org}); r.status != 400 || r.errCode() != "validation_failed" {
			t.Errorf("GET /notifications%s: %d %s", q, r.status, r.raw)
		}
	}
	w.must(401, req{method: "GET", path: "/notifications"})
	w.must(404, req{method: "GET", path: "/notifications", token: w.member.token, org: w.otherOrg})
}

func TestNotifications_MarkRead(t *testing.T) {
	t.Parallel()
	w := notifiedWorld(t)
	list := w.must(200, req{method: "GET", path: "/notifications", token: w.member.token, org: w.org}).json["data"].([]any)
	one := list[0].(map[string]any)["id"].(string)
	var ownerNote string
	if err := w.db.Get(&ownerNote, `SELECT id FROM notifications WHERE user_id <> $1 LIMIT 1`, w.member.id); err != nil {
		// The owner made every change, so the others' notifications are the stranger's (none) or none at all.
		ownerNote = "00000000-0000-0000-0000-000000000000"
	}
	r := w.must(200, req{method: "POST", path: "/notifications/mark-read", token: w.member.token, org: w.org, body: map[string]any{"ids": []string{one, ownerNote}}})
	if r.json["updated"].(float64) != 1 || r.json["unread_count"].(float64) != 2 {
		t.Fatalf("mark one: %s", r.raw)
	}
	if r := w.must(200, req{method: "GET", path: "/notifications?unread=true", token: w.member.token, org: w.org}); len(r.json["data"].([]any)) != 2 {
		t.Fatalf("unread after marking one: %s", r.raw)
	}
	if r := w.must(200, req{method: "POST", path: "/notifications/mark-read", token: w.member.token, org: w.org}); r.json["updated"].(float64) != 2 || r.json["unread_count"].(float64) != 0 {
		t.Fatalf("mark all: %s", r.raw)
	}
	if r := w.do(req{method: "POST", path: "/notifications/mark-read", token: w.member.token, org: w.org, body: map[string]any{"ids": []string{"not-an-id"}}}); r.status != 400 {
		t.Fatalf("bad id: %d", r.status)
	}
	if r := w.do(req{method: "POST", path: "/notifications/mark-read", token: w.member.token, org: w.org, body: `{"ids": "x"}`}); r.status != 400 {
		t.Fatalf("ids of the wrong type: %d", r.status)
	}
	w.must(401, req{method: "POST", path: "/notifications/mark-read"})
	w.must(404, req{method: "POST", path: "/notifications/mark-read", token: w.member.token, org: w.otherOrg})
	// Marking in another organization leaves this one's alone.
	w.db.MustExec(`UPDATE notifications SET read_at = NULL WHERE user_id = $1`, w.member.id)
	w.must(200, req{method: "POST", path: "/notifications/mark-read", token: w.stranger.token, org: w.otherOrg})
	if r := w.must(200, req{method: "GET", path: "/notifications?unread=true", token: w.member.token, org: w.org}); len(r.json["data"].([]any)) != 3 {
		t.Fatalf("another organization's mark-read touched these: %s", r.raw)
	}
}

func TestNotificationPreferences(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	r := w.must(200, req{method: "GET", path: "/notifications/preferences", token: w.member.token})
	prefs := r.json["data"].([]any)
	if len(prefs) != 5 {
		t.Fatalf("preferences: %s", r.raw)
	}
	for i, want := range []string{"task_assigned", "task_commented", "task_status_changed", "invoice_paid", "chat_mentioned"} {
		p := prefs[i].(map[string]any)
		if p["notification_type"] != want || p["email_enabled"] != true || p["push_enabled"] != true || p["in_app_enabled"] != true {
			t.Fatalf("preference %d: %v", i, p)
		}
	}
	p := w.must(200, req{method: "PUT", path: "/notifications/preferences", token: w.member.token,
		body: map[string]any{"notification_type": "task_assigned", "email_enabled": false}})
	if p.json["email_enabled"] != false || p.json["in_app_enabled"] != true {
		t.Fatalf("update: %s", p.raw)
	}
	// Assigned with email off: a notification, no email.
	w.newTask("Quiet", map[string]any{"assignee_id": w.member.id})
	if n := w.emailsTo(w.member, "Task assigned: Quiet"); n != 0 {
		t.Fatalf("%d emails with email off", n)
	}
	if got := w.notificationsOf(w.member); fmt.Sprint(got) == "[]" {
		t.Fatal("no in-app notification")
	}
	for _, body := range []map[string]any{{}, {"notification_type": "everything"}, {"notification_type": "task_assigned", "email_enabled": "no"}} {
		if r := w.do(req{method: "PUT", path: "/notifications/preferences", token: w.member.token, body: body}); r.status != 400 {
			t.Errorf("PUT %v: %d %s", body, r.status, r.raw)
		}
	}
	w.must(401, req{method: "GET", path: "/notifications/preferences"})
	w.must(401, req{method: "PUT", path: "/notifications/preferences", body: map[string]any{"notification_type": "task_assigned"}})
}
