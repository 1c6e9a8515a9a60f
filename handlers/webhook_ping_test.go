package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/trcr/trcr/store"
)

// "Send test event" on the webhooks page queues one webhook.test delivery to that webhook only, says so in a flash
// and shows it in the deliveries log; a webhook that is off, or sent 10 this minute, refuses it with a message;
// members and other organizations cannot send one.
func TestWebhooksPage_SendTestEvent(t *testing.T) {
	w := newWorkTeam(t)
	ctx := context.Background()
	u := "https://hooks.example.com/trcr"
	hook, err := w.e.store.CreateWebhook(ctx, w.ownerA, store.WebhookInput{URL: &u, Events: []string{"invoice.paid"}})
	if err != nil {
		t.Fatal(err)
	}
	all, err := w.e.store.CreateWebhook(ctx, w.ownerA, store.WebhookInput{URL: &u, Events: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	// Loopback, as if changed behind the rule: refused when dialing, so nothing leaves the machine.
	w.e.exec(`UPDATE webhooks SET url = 'http://127.0.0.1:9/hook'`)
	p := w.owner.get("/settings/webhooks")
	form := p.doc.Find(`#webhook-` + hook.ID + ` [data-testid="webhook-test-form"]`)
	if form.AttrOr("action", "") != "/settings/webhooks/"+hook.ID+"/test" || !strings.Contains(form.Text(), "Send test event") {
		t.Fatalf("no test button for the webhook: %q", form.AttrOr("action", ""))
	}

	if r := w.member.post("/settings/webhooks/"+hook.ID+"/test", nil); r.status != http.StatusForbidden {
		t.Fatalf("member: %d", r.status)
	}
	if r := w.otherB.post("/settings/webhooks/"+hook.ID+"/test", nil); r.status != http.StatusNotFound {
		t.Fatalf("another organization: %d", r.status)
	}

	r := w.owner.post("/settings/webhooks/"+hook.ID+"/test", nil)
	if r.status != http.StatusSeeOther || r.location != "/settings/webhooks?webhook="+hook.ID+"#deliveries" {
		t.Fatalf("send: %d %s", r.status, r.location)
	}
	p = w.owner.get(r.location)
	if !strings.Contains(p.text("flash"), "Test event queued") {
		t.Fatalf("flash %q", p.text("flash"))
	}
	if n := p.doc.Find(`[data-testid="webhook-delivery"]`).Length(); n != 1 ||
		!strings.Contains(p.body, "<code class=\"git-code\">webhook.test</code>") ||
		!strings.Contains(p.text("webhook-delivery-body"), "A test event from TRCR") ||
		!strings.Contains(p.text("webhook-delivery-headers"), "X-TRCR-Signature: sha256=") {
		t.Fatalf("log (%d deliveries): %s", n, p.text("webhook-deliveries"))
	}
	var others int
	if err := w.e.db.Get(&others, `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1`, all.ID); err != nil || others != 0 {
		t.Fatalf("the webhook subscribed to everything got %d deliveries (%v)", others, err)
	}

	for range 9 { // 10 a minute per webhook
		if _, err := w.e.store.SendWebhookTest(ctx, w.ownerA, hook.ID); err != nil {
			t.Fatal(err)
		}
	}
	if p = w.owner.get(w.owner.post("/settings/webhooks/"+hook.ID+"/test", nil).location); !strings.Contains(p.text("flash"), "enough test events") {
		t.Fatalf("11th in a minute: flash %q", p.text("flash"))
	}

	off := false
	if _, err := w.e.store.UpdateWebhook(ctx, w.ownerA, hook.ID, store.WebhookInput{Active: &off}); err != nil {
		t.Fatal(err)
	}
	r = w.owner.post("/settings/webhooks/"+hook.ID+"/test", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("send to a webhook that is off: %d", r.status)
	}
	if p = w.owner.get(r.location); !strings.Contains(p.text("flash"), "Turn the webhook on before sending it a test event") {
		t.Fatalf("flash %q", p.text("flash"))
	}
	var tests int
	if err := w.e.db.Get(&tests, `SELECT count(*) FROM events WHERE type = 'webhook.test'`); err != nil || tests != 10 {
		t.Fatalf("%d test events (%v), want the 10 sent while on", tests, err)
	}
}
