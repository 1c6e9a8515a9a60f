package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

func TestWebhooksPage_AddShowsTheSecretOnceEditLogRedeliverDelete(t *testing.T) {
	w := newWorkTeam(t)
	if r := w.member.get("/settings/webhooks"); r.status != http.StatusForbidden {
		t.Fatalf("member: %d", r.status)
	}
	if w.member.get("/").has("nav-webhooks") {
		t.Fatal("a member is offered the webhooks settings")
	}
	p := w.owner.get("/settings/webhooks")
	if p.status != http.StatusOK || !p.has("webhook-new-form") || !p.has("empty-state") || !p.has("nav-webhooks") {
		t.Fatalf("empty page: %d", p.status)
	}

	bad := w.owner.post("/settings/webhooks", url.Values{"url": {"ftp://hooks.example.com"}})
	if bad.status != http.StatusUnprocessableEntity || bad.doc.Find(`#webhook-new-url`).AttrOr("value", "") != "ftp://hooks.example.com" ||
		!strings.Contains(bad.doc.Find(`#webhook-new-url-error`).Text(), "URL must be an absolute http or https URL") ||
		!strings.Contains(bad.doc.Find(`#webhook-new-events-error`).Text(), "Events is required") {
		t.Fatalf("refused form: %d %s", bad.status, bad.doc.Find(".field__error").Text())
	}

	r := w.owner.post("/settings/webhooks", url.Values{"url": {"https://hooks.example.com/trcr"}, "events": {"task.created", "comment.created"}})
	var id, secret string
	if err := w.e.db.QueryRow(`SELECT id, secret FROM webhooks`).Scan(&id, &secret); err != nil {
		t.Fatal(err)
	}
	if r.status != http.StatusSeeOther || r.location != "/settings/webhooks#webhook-"+id {
		t.Fatalf("create: %d %s", r.status, r.location)
	}
	p = w.owner.get("/settings/webhooks")
	if p.doc.Find(`[data-testid="webhook-shown-secret"]`).AttrOr("value", "") != secret || p.text("webhook-url") != "https://hooks.example.com/trcr" ||
		p.text("webhook-events") != "Task created, Comment added" {
		t.Fatalf("after create: %s", p.text("webhooks"))
	}
	if p = w.owner.get("/settings/webhooks"); p.has("webhook-secret-shown") || strings.Contains(p.body, secret) {
		t.Fatal("the secret is shown a second time")
	}

	bad = w.owner.post("/settings/webhooks/"+id, url.Values{"url": {"nope"}, "events": {"*"}, "active": {"true"}})
	edit := bad.doc.Find(`#webhook-` + id)
	if bad.status != http.StatusUnprocessableEntity || edit.Find(`[data-testid="webhook-edit"][open]`).Length() != 1 ||
		edit.Find(`#webhook-`+id+`-url`).AttrOr("value", "") != "nope" {
		t.Fatalf("refused edit: %d", bad.status)
	}
	if r = w.owner.post("/settings/webhooks/"+id, url.Values{"url": {"https://hooks.example.com/v2"}, "events": {"*"}}); r.status != http.StatusSeeOther {
		t.Fatalf("edit: %d", r.status)
	}
	if p = w.owner.get("/settings/webhooks"); p.text("webhook-state") != "Off" || p.text("webhook-events") != "All events" {
		t.Fatalf("turned off: %s", p.text("webhook"))
	}

	// A delivery to a loopback address: refused when dialing, so it shows in the log as pending with the reason.
	w.e.db.MustExec(`UPDATE webhooks SET active = true, url = 'http://127.0.0.1:9/hook'`)
	task, err := w.e.store.CreateTask(context.Background(), w.ownerA, store.TaskInput{ProjectID: w.project.ID, Title: "Logged"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.store.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	p = w.owner.get("/settings/webhooks?webhook=" + id)
	if p.text("webhook-delivery-status") != "Pending" || !strings.Contains(p.text("webhook-delivery-error"), "not allowed") ||
		!strings.Contains(p.text("webhook-delivery-body"), task.ID) || !strings.Contains(p.text("webhook-delivery-headers"), "X-TRCR-Signature: sha256=") ||
		strings.Contains(p.body, secret) {
		t.Fatalf("deliveries log: %s", p.text("webhook-deliveries"))
	}
	var delivery string
	if err := w.e.db.Get(&delivery, `SELECT id::text FROM webhook_deliveries`); err != nil {
		t.Fatal(err)
	}
	if r = w.owner.post("/settings/webhooks/"+id+"/deliveries/"+delivery+"/redeliver", nil); r.status != http.StatusSeeOther {
		t.Fatalf("redeliver: %d", r.status)
	}
	var n int
	if err := w.e.db.Get(&n, `SELECT count(*) FROM webhook_deliveries WHERE redelivery_of IS NOT NULL`); err != nil || n != 1 {
		t.Fatalf("redeliveries %d %v", n, err)
	}

	// Another organization sees none of it and cannot delete it.
	if p = w.otherB.get("/settings/webhooks?webhook=" + id); p.status != http.StatusOK || p.has("webhook") || p.has("webhook-deliveries") {
		t.Fatalf("another organization's page: %d", p.status)
	}
	if r = w.otherB.post("/settings/webhooks/"+id+"/delete", nil); r.status != http.StatusNotFound {
		t.Fatalf("another organization deletes: %d", r.status)
	}
	if r = w.owner.post("/settings/webhooks/"+id+"/delete", nil); r.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", r.status)
	}
	if p = w.owner.get("/settings/webhooks"); !p.has("empty-state") {
		t.Fatal("deleted webhook still listed")
	}
}
