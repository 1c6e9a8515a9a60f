package api_test

import (
	"encoding/json"
	"testing"

	"github.com/trcr/trcr/store"
)

// POST /webhooks/:id/test: 202 with the queued delivery, which reaches that webhook's receiver signed as
// webhook.test and nobody else's; members 403, another organization's webhook 404, a webhook that is off 409.
func TestWebhooksAPI_SendTestEvent(t *testing.T) {
	f := newProjectsFixture(t, withWebhooksToPrivate())
	rcv, all := newHookReceiver(t), newHookReceiver(t)
	created := f.call(201, f.owner, "POST", "/webhooks", map[string]any{"url": rcv.URL, "events": []string{"invoice.paid"}})
	id, secret := created.str("id"), created.str("secret")
	f.call(201, f.owner, "POST", "/webhooks", map[string]any{"url": all.URL, "events": []string{"*"}})
	theirs := f.must(201, req{method: "POST", path: "/webhooks", token: f.stranger.token, org: f.strangerOrg,
		body: map[string]any{"url": rcv.URL, "events": []string{"*"}}}).str("id")

	d := f.call(202, f.admin, "POST", "/webhooks/"+id+"/test", nil)
	if d.str("webhook_id") != id || d.str("event_type") != "webhook.test" || d.str("status") != "pending" || d.str("id") == "" {
		t.Fatalf("queued %s", d.raw)
	}
	if rcv.count() != 1 || all.count() != 0 {
		t.Fatalf("receiver got %d requests, the one subscribed to everything %d", rcv.count(), all.count())
	}
	h, body := rcv.heads[0], rcv.bodies[0]
	if h.Get("X-TRCR-Signature") != store.SignWebhookBody(secret, body) || h.Get("X-TRCR-Event") != "webhook.test" ||
		h.Get("X-TRCR-Delivery") != d.str("id") {
		t.Fatalf("headers %v", h)
	}
	var ev struct {
		Type string
		Data map[string]string
	}
	if err := json.Unmarshal(body, &ev); err != nil || ev.Type != "webhook.test" || ev.Data["webhook_id"] != id || ev.Data["message"] != "A test event from TRCR" {
		t.Fatalf("body %s", body)
	}
	if log := f.call(200, f.owner, "GET", "/webhooks/"+id+"/deliveries", nil).data(); len(log) != 1 || log[0]["status"] != "delivered" {
		t.Fatalf("log %v", log)
	}

	f.call(403, f.member, "POST", "/webhooks/"+id+"/test", nil)
	f.call(404, f.owner, "POST", "/webhooks/"+theirs+"/test", nil)
	f.call(404, f.owner, "POST", "/webhooks/nope/test", nil)
	f.call(200, f.owner, "PUT", "/webhooks/"+id, map[string]any{"active": false})
	f.call(409, f.owner, "POST", "/webhooks/"+id+"/test", nil)
	if rcv.count() != 1 || all.count() != 0 {
		t.Fatalf("refused sends reached a receiver: %d, %d", rcv.count(), all.count())
	}
	if n := len(f.call(200, f.owner, "GET", "/webhooks/"+id+"/deliveries", nil).data()); n != 1 {
		t.Fatalf("%d deliveries after refusals", n)
	}
}
