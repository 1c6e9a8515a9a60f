package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/trcr/trcr/store"
)

// "Send test event" reaches the one webhook it is sent to, signed and logged, although the webhook does not
// subscribe to webhook.test; another webhook of the organization subscribed to everything gets nothing.
func TestWebhooks_SendTestEventToOneWebhook(t *testing.T) {
	w := newWebhookWorld(t, true)
	rcv, all := newReceiver(t), newReceiver(t)
	hook := w.hook(t, rcv.URL, "invoice.paid")
	other := w.hook(t, all.URL, "*")
	ctx := context.Background()

	d, err := w.s.SendWebhookTest(ctx, w.admin, hook.ID)
	if err != nil || d.Status != "pending" || d.WebhookID != hook.ID || d.EventType != "webhook.test" {
		t.Fatalf("send test: %+v %v", d, err)
	}
	w.process(t)

	reqs := rcv.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1", len(reqs))
	}
	verify(t, hook.Secret, reqs[0])
	var ev struct {
		Type string
		Data map[string]string
	}
	if err := json.Unmarshal(reqs[0].body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "webhook.test" || ev.Data["webhook_id"] != hook.ID || ev.Data["message"] != "A test event from TRCR" ||
		reqs[0].header.Get("X-TRCR-Event") != "webhook.test" || reqs[0].header.Get("X-TRCR-Delivery") != d.ID {
		t.Fatalf("request %v %s", reqs[0].header, reqs[0].body)
	}
	if n := len(all.requests()); n != 0 {
		t.Fatalf("the webhook subscribed to everything got %d requests", n)
	}
	if n := len(w.deliveries(t, other.ID)); n != 0 {
		t.Fatalf("the webhook subscribed to everything has %d deliveries", n)
	}
	log := w.deliveries(t, hook.ID)
	if len(log) != 1 || log[0].ID != d.ID || log[0].Status != "delivered" || log[0].ResponseCode == nil || *log[0].ResponseCode != 200 {
		t.Fatalf("log %+v", log)
	}
}

// A test event that fails is retried like any delivery.
func TestWebhooks_SendTestEventRetried(t *testing.T) {
	w := newWebhookWorld(t, true)
	rcv := newReceiver(t, 500, 200)
	hook := w.hook(t, rcv.URL, "task.created")
	d, err := w.s.SendWebhookTest(context.Background(), w.owner, hook.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.process(t)
	if got := w.deliveries(t, hook.ID)[0]; got.ID != d.ID || got.Status != "pending" || got.NextAttemptAt == nil {
		t.Fatalf("after a 500: %+v", got)
	}
	w.db.MustExec(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE webhook_id = $1`, hook.ID)
	w.process(t)
	if got := w.deliveries(t, hook.ID)[0]; got.Status != "delivered" || got.Attempts != 2 || len(rcv.requests()) != 2 {
		t.Fatalf("after the retry: %+v", got)
	}
}

// A webhook that is off refuses a test event, and so does one sent 10 already this minute; members and other
// organizations cannot send one; refusals queue nothing.
func TestWebhooks_SendTestEventRefused(t *testing.T) {
	w := newWebhookWorld(t, true)
	ctx := context.Background()
	hook := w.hook(t, "http://example.com/", "*")
	if _, err := w.s.SendWebhookTest(ctx, w.member, hook.ID); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member: %v", err)
	}
	if _, err := w.s.SendWebhookTest(ctx, w.other, hook.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization: %v", err)
	}
	if _, err := w.s.SendWebhookTest(ctx, w.admin, "not-an-id"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bad id: %v", err)
	}
	busy := w.hook(t, "http://example.com/busy", "task.created")
	for i := range 10 {
		if _, err := w.s.SendWebhookTest(ctx, w.admin, busy.ID); err != nil {
			t.Fatalf("test event %d: %v", i+1, err)
		}
	}
	if _, err := w.s.SendWebhookTest(ctx, w.admin, busy.ID); !errors.Is(err, store.ErrRateLimited) {
		t.Fatalf("11th test event in a minute: %v", err)
	}
	off := false
	if _, err := w.s.UpdateWebhook(ctx, w.admin, hook.ID, store.WebhookInput{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SendWebhookTest(ctx, w.admin, hook.ID); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("webhook off: %v", err)
	}
	var events, deliveries int
	if err := w.db.Get(&events, `SELECT count(*) FROM events WHERE type = 'webhook.test' AND entity_id = $1`, hook.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.db.Get(&deliveries, `SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1`, hook.ID); err != nil {
		t.Fatal(err)
	}
	if events != 0 || deliveries != 0 {
		t.Fatalf("refused sends left %d events and %d deliveries", events, deliveries)
	}
}
