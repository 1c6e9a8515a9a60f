package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/trcr/trcr/store"
)

// hookReceiver is a real receiver on loopback that keeps what it got.
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	heads  []http.Header
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies, r.heads = append(r.bodies, body), append(r.heads, req.Header.Clone())
		r.mu.Unlock()
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *hookReceiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.bodies)
}

// Every endpoint's happy path, as an integrator uses them: create (the secret once), list, get, an event delivered
// and signed, its log, a redelivery, update, delete.
func TestWebhooksAPI_Lifecycle(t *testing.T) {
	f := newProjectsFixture(t, withWebhooksToPrivate())
	rcv := newHookReceiver(t)
	created := f.call(201, f.admin, "POST", "/webhooks", map[string]any{"url": rcv.URL + "/in", "events": []string{"task.created", "task.created"}})
	id, secret := created.str("id"), created.str("secret")
	if !strings.HasPrefix(secret, "trcr_whsec_") || created.json["active"] != true || strings.Join(strs(created.json["events"]), ",") != "task.created" {
		t.Fatalf("created %s", created.raw)
	}
	list := f.call(200, f.owner, "GET", "/webhooks", nil)
	if len(list.data()) != 1 || strings.Contains(string(list.raw), secret) || strings.Contains(string(list.raw), `"secret"`) {
		t.Fatalf("list %s", list.raw)
	}
	if got := f.call(200, f.admin, "GET", "/webhooks/"+id, nil); strings.Contains(string(got.raw), secret) || got.str("url") != rcv.URL+"/in" {
		t.Fatalf("get %s", got.raw)
	}

	task := f.call(201, f.owner, "POST", "/tasks", map[string]any{"project_id": f.project, "title": "Hooked"}).str("id")
	if rcv.count() != 1 {
		t.Fatalf("receiver got %d requests", rcv.count())
	}
	h, body := rcv.heads[0], rcv.bodies[0]
	if h.Get("X-TRCR-Signature") != store.SignWebhookBody(secret, body) || h.Get("X-TRCR-Event") != "task.created" ||
		h.Get("X-TRCR-Timestamp-Signature") != store.SignWebhook(secret, h.Get("X-TRCR-Timestamp"), body) {
		t.Fatalf("headers %v", h)
	}
	var ev struct {
		Type string
		Data struct{ ID string }
	}
	if err := json.Unmarshal(body, &ev); err != nil || ev.Type != "task.created" || ev.Data.ID != task {
		t.Fatalf("body %s", body)
	}

	log := f.call(200, f.admin, "GET", "/webhooks/"+id+"/deliveries?per_page=10", nil)
	items := log.data()
	if len(items) != 1 || log.json["meta"].(map[string]any)["total"] != float64(1) {
		t.Fatalf("deliveries %s", log.raw)
	}
	d := items[0]
	req := d["request"].(map[string]any)
	headers := req["headers"].(map[string]any)
	if d["status"] != "delivered" || d["response_code"] != float64(200) || d["attempts"] != float64(1) || d["event_type"] != "task.created" ||
		headers["X-TRCR-Delivery"] != h.Get("X-TRCR-Delivery") || headers["X-TRCR-Signature"] != h.Get("X-TRCR-Signature") {
		t.Fatalf("delivery %v", d)
	}
	if raw, _ := json.Marshal(req["body"]); !strings.Contains(string(raw), task) {
		t.Fatalf("logged body %s", raw)
	}

	again := f.call(201, f.owner, "POST", "/webhooks/"+id+"/deliveries/"+d["id"].(string)+"/redeliver", nil)
	if again.str("redelivery_of") != d["id"] || rcv.count() != 2 || string(rcv.bodies[1]) != string(body) {
		t.Fatalf("redeliver %s; receiver got %d", again.raw, rcv.count())
	}

	upd := f.call(200, f.admin, "PUT", "/webhooks/"+id, map[string]any{"events": []string{"*"}, "active": false, "url": rcv.URL + "/moved"})
	if upd.json["active"] != false || strings.Join(strs(upd.json["events"]), ",") != "*" || upd.str("url") != rcv.URL+"/moved" {
		t.Fatalf("update %s", upd.raw)
	}
	f.call(201, f.owner, "POST", "/tasks", map[string]any{"project_id": f.project, "title": "Not sent"})
	if rcv.count() != 2 {
		t.Fatal("a webhook turned off was sent an event")
	}
	if f.auditCount("webhook", "created") != 1 || f.auditCount("webhook", "updated") != 1 {
		t.Fatal("audit entries")
	}
	f.call(204, f.owner, "DELETE", "/webhooks/"+id, nil)
	f.call(404, f.owner, "GET", "/webhooks/"+id, nil)
	if f.auditCount("webhook", "deleted") != 1 {
		t.Fatal("delete audit entry")
	}
}

// Refusals: bad input 400 with the field, members 403, another organization's webhook 404, a redelivery to a
// webhook that is off 409. None of them changes anything.
func TestWebhooksAPI_Refusals(t *testing.T) {
	f := newProjectsFixture(t, withWebhooksToPrivate())
	rcv := newHookReceiver(t)
	id := f.call(201, f.owner, "POST", "/webhooks", map[string]any{"url": rcv.URL, "events": []string{"task.created"}}).str("id")
	f.call(201, f.owner, "POST", "/tasks", map[string]any{"project_id": f.project, "title": "One"})
	delivery := f.call(200, f.owner, "GET", "/webhooks/"+id+"/deliveries", nil).data()[0]["id"].(string)
	theirs := f.must(201, req{method: "POST", path: "/webhooks", token: f.stranger.token, org: f.strangerOrg,
		body: map[string]any{"url": rcv.URL, "events": []string{"*"}}}).str("id")

	for _, c := range []struct {
		name         string
		u            user
		method, path string
		body         any
		status       int
		field        string
	}{
		{"no url", f.owner, "POST", "/webhooks", map[string]any{"events": []string{"*"}}, 400, "url"},
		{"not http", f.owner, "POST", "/webhooks", map[string]any{"url": "ftp://example.com/", "events": []string{"*"}}, 400, "url"},
		{"credentials in url", f.owner, "POST", "/webhooks", map[string]any{"url": "https://u:p@example.com/", "events": []string{"*"}}, 400, "url"},
		{"NUL in url", f.owner, "POST", "/webhooks", map[string]any{"url": "https://example.com/\u0000", "events": []string{"*"}}, 400, ""},
		{"url too long", f.owner, "POST", "/webhooks", map[string]any{"url": "https://example.com/" + strings.Repeat("a", 2000), "events": []string{"*"}}, 400, "url"},
		{"no events", f.owner, "POST", "/webhooks", map[string]any{"url": "https://example.com/", "events": []string{}}, 400, "events"},
		{"unknown event", f.owner, "POST", "/webhooks", map[string]any{"url": "https://example.com/", "events": []string{"task.exploded"}}, 400, "events"},
		{"a person's event", f.owner, "POST", "/webhooks", map[string]any{"url": "https://example.com/", "events": []string{"notification.created"}}, 400, "events"},
		{"events not a list", f.owner, "POST", "/webhooks", map[string]any{"url": "https://example.com/", "events": "task.created"}, 400, ""},
		{"malformed", f.owner, "POST", "/webhooks", "{", 400, ""},
		{"empty url on update", f.owner, "PUT", "/webhooks/" + id, map[string]any{"url": " "}, 400, "url"},
		{"bad page", f.owner, "GET", "/webhooks/" + id + "/deliveries?page=0", nil, 400, "page"},
		{"member lists", f.member, "GET", "/webhooks", nil, 403, ""},
		{"member creates", f.member, "POST", "/webhooks", map[string]any{"url": "https://example.com/", "events": []string{"*"}}, 403, ""},
		{"member reads", f.member, "GET", "/webhooks/" + id, nil, 403, ""},
		{"member updates", f.member, "PUT", "/webhooks/" + id, map[string]any{"active": false}, 403, ""},
		{"member deletes", f.member, "DELETE", "/webhooks/" + id, nil, 403, ""},
		{"member reads deliveries", f.member, "GET", "/webhooks/" + id + "/deliveries", nil, 403, ""},
		{"member redelivers", f.member, "POST", "/webhooks/" + id + "/deliveries/" + delivery + "/redeliver", nil, 403, ""},
		{"not an id", f.owner, "GET", "/webhooks/nope", nil, 404, ""},
		{"unknown", f.owner, "GET", "/webhooks/00000000-0000-0000-0000-000000000000", nil, 404, ""},
		{"theirs read", f.owner, "GET", "/webhooks/" + theirs, nil, 404, ""},
		{"theirs updated", f.owner, "PUT", "/webhooks/" + theirs, map[string]any{"active": false}, 404, ""},
		{"theirs deleted", f.owner, "DELETE", "/webhooks/" + theirs, nil, 404, ""},
		{"theirs deliveries", f.owner, "GET", "/webhooks/" + theirs + "/deliveries", nil, 404, ""},
		{"delivery under their webhook", f.owner, "POST", "/webhooks/" + theirs + "/deliveries/" + delivery + "/redeliver", nil, 404, ""},
		{"delivery not a number", f.owner, "POST", "/webhooks/" + id + "/deliveries/x1/redeliver", nil, 404, ""},
		{"unknown delivery", f.owner, "POST", "/webhooks/" + id + "/deliveries/987654/redeliver", nil, 404, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.t = t
			r := f.call(c.status, c.u, c.method, c.path, c.body)
			if c.field != "" {
				fields, _ := r.json["error"].(map[string]any)["fields"].(map[string]any)
				if fields[c.field] == nil {
					t.Fatalf("no message for %s: %s", c.field, r.raw)
				}
			}
		})
	}
	f.t = t
	f.call(200, f.owner, "PUT", "/webhooks/"+id, map[string]any{"active": false})
	f.call(409, f.owner, "POST", "/webhooks/"+id+"/deliveries/"+delivery+"/redeliver", nil)
	if n := len(f.call(200, f.owner, "GET", "/webhooks", nil).data()); n != 1 {
		t.Fatalf("%d webhooks after refusals", n)
	}
	if rcv.count() != 1 { // the one task, to this organization's webhook only
		t.Fatalf("receiver got %d requests", rcv.count())
	}
}

// Without TRCR_WEBHOOK_ALLOW_PRIVATE, internal addresses are refused when registering.
func TestWebhooksAPI_PrivateAddressesRefused(t *testing.T) {
	f := newProjectsFixture(t)
	for _, u := range []string{"http://127.0.0.1:9/", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://localhost/"} {
		r := f.call(400, f.owner, "POST", "/webhooks", map[string]any{"url": u, "events": []string{"*"}})
		if !strings.Contains(r.errMessage()+string(r.raw), "private") {
			t.Errorf("%s: %s", u, r.raw)
		}
	}
}
