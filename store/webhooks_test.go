package store_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/mail/mailtest"
)

// webhookWorld is the permissions fixture (owner, admin, member of one organization, and another organization's
// owner) on a store whose log is kept, with a project to make events in.
type webhookWorld struct {
	world
	s       *store.Store
	logs    *syncBuffer
	project string
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newWebhookWorld(t *testing.T, allowPrivate bool) *webhookWorld {
	t.Helper()
	_, db := newStore(t)
	w := &webhookWorld{world: *permWorldOn(t, testStore(db), db), logs: &syncBuffer{}}
	w.s = store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		WebhookAllowPrivate: allowPrivate}, slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	name := "Hooked"
	p, err := w.s.CreateProject(context.Background(), w.owner, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	w.project = p.ID
	return w
}

// receiver is a webhook receiver on loopback that answers with the statuses given, in turn (the last one for
// every request after), and keeps what it received.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	got      []received
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{header: req.Header.Clone(), body: body})
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status = r.statuses[0]
			if len(r.statuses) > 1 {
				r.statuses = r.statuses[1:]
			}
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func (w *webhookWorld) hook(t *testing.T, url string, events ...string) store.Webhook {
	t.Helper()
	h, err := w.s.CreateWebhook(context.Background(), w.admin, store.WebhookInput{URL: &url, Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (w *webhookWorld) task(t *testing.T, title string) store.Task {
	t.Helper()
	task, err := w.s.CreateTask(context.Background(), w.owner, store.TaskInput{ProjectID: w.project, Title: title})
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func (w *webhookWorld) process(t *testing.T) {
	t.Helper()
	if _, err := w.s.ProcessEventJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (w *webhookWorld) deliveries(t *testing.T, hookID string) []store.WebhookDelivery {
	t.Helper()
	l, err := w.s.WebhookDeliveries(context.Background(), w.admin, hookID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Items
}

// verify checks a request's signatures the way a receiver does, with the secret shown when the webhook was
// created: X-TRCR-Signature is the HMAC-SHA256 of the body (DECISIONS' contract), X-TRCR-Timestamp-Signature that
// of the timestamp, a full stop and the body.
func verify(t *testing.T, secret string, r received) {
	t.Helper()
	ts := r.header.Get("X-TRCR-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > time.Minute {
		t.Fatalf("X-TRCR-Timestamp %q is not the time of sending", ts)
	}
	if got, want := r.header.Get("X-TRCR-Signature"), hmacHex(secret, string(r.body)); got != "sha256="+want {
		t.Fatalf("X-TRCR-Signature %q, want sha256=%s", got, want)
	}
	if got, want := r.header.Get("X-TRCR-Timestamp-Signature"), hmacHex(secret, ts+"."+string(r.body)); got != "sha256="+want {
		t.Fatalf("X-TRCR-Timestamp-Signature %q, want sha256=%s", got, want)
	}
	if store.SignWebhook("another secret", ts, r.body) == r.header.Get("X-TRCR-Timestamp-Signature") {
		t.Fatal("the signature does not depend on the secret")
	}
}

// An event of a subscribed type reaches a real receiver as the live event's object, signed over the timestamp and
// the body; the deliveries log shows exactly what was sent and what came back.
func TestWebhooks_DeliverSignedLiveEventsToTheReceiver(t *testing.T) {
	w := newWebhookWorld(t, true)
	rcv := newReceiver(t)
	hook := w.hook(t, rcv.URL+"/hooks?k=1", "task.created", "comment.created")
	if !strings.HasPrefix(hook.Secret, "trcr_whsec_") || len(hook.Secret) < 40 {
		t.Fatalf("secret %q", hook.Secret)
	}
	other := w.hook(t, rcv.URL+"/other", "invoice.paid")
	task := w.task(t, "Ship webhooks")
	w.process(t)

	reqs := rcv.requests()
	if len(reqs) != 1 {
		t.Fatalf("receiver got %d requests, want 1 (the other webhook wants invoices only)", len(reqs))
	}
	r := reqs[0]
	verify(t, hook.Secret, r)
	var ev struct {
		ID, Type       string
		OrganizationID string `json:"organization_id"`
		ActorID        string `json:"actor_id"`
		Data           store.Task
	}
	if err := json.Unmarshal(r.body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.Type != "task.created" || ev.Data.ID != task.ID || ev.OrganizationID != w.owner.OrgID || ev.ActorID != w.owner.UserID || ev.ID == "" {
		t.Fatalf("body %s", r.body)
	}
	if r.header.Get("X-TRCR-Event") != "task.created" || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers %v", r.header)
	}
	log := w.deliveries(t, hook.ID)
	if len(log) != 1 {
		t.Fatalf("log %+v", log)
	}
	d := log[0]
	if d.ID != r.header.Get("X-TRCR-Delivery") || d.Status != "delivered" || d.Attempts != 1 || d.ResponseCode == nil ||
		*d.ResponseCode != 200 || d.EventType != "task.created" || d.EventID != ev.ID || d.LastAttemptAt == nil || d.NextAttemptAt != nil {
		t.Fatalf("delivery %+v", d)
	}
	if !bytes.Equal(d.Request.Body, r.body) {
		t.Fatalf("logged body\n%s\nsent\n%s", d.Request.Body, r.body)
	}
	for _, h := range []string{"X-TRCR-Signature", "X-TRCR-Timestamp", "X-TRCR-Timestamp-Signature", "X-TRCR-Event", "X-TRCR-Delivery", "Content-Type", "User-Agent"} {
		if d.Request.Headers[h] != r.header.Get(h) {
			t.Errorf("logged %s %q, sent %q", h, d.Request.Headers[h], r.header.Get(h))
		}
	}
	if len(w.deliveries(t, other.ID)) != 0 {
		t.Fatal("a webhook got an event it does not subscribe to")
	}
	got, err := w.s.Webhook(context.Background(), w.owner, hook.ID)
	if err != nil || got.Secret != "" || got.LastDelivery == nil || got.LastDelivery.ID != d.ID {
		t.Fatalf("webhook read back %+v: %v", got, err)
	}
}

// "*" subscribes to every type; each webhook's events arrive in the order they happened.
func TestWebhooks_AllEventsInOrderPerWebhook(t *testing.T) {
	w := newWebhookWorld(t, true)
	rcv := newReceiver(t)
	hook := w.hook(t, rcv.URL, "*")
	var ids []string
	for i := range 5 {
		ids = append(ids, w.task(t, "Task "+strconv.Itoa(i)).ID)
	}
	w.process(t)
	var got []string
	for _, r := range rcv.requests() {
		verify(t, hook.Secret, r)
		var ev struct{ Data struct{ ID string } }
		_ = json.Unmarshal(r.body, &ev)
		got = append(got, ev.Data.ID)
	}
	if strings.Join(got, ",") != strings.Join(ids, ",") {
		t.Fatalf("order %v, want %v", got, ids)
	}
}

// A receiver that fails is tried again after a backoff, with the same delivery id, until it answers 2xx.
func TestWebhooks_RetryAfterFailureThenDelivered(t *testing.T) {
	w := newWebhookWorld(t, true)
	rcv := newReceiver(t, 500, 503, 200)
	hook := w.hook(t, rcv.URL, "task.created")
	w.task(t, "Flaky")
	w.process(t)
	d := w.deliveries(t, hook.ID)[0]
	if d.Status != "pending" || d.Attempts != 1 || *d.ResponseCode != 500 || d.Error == "" || d.NextAttemptAt == nil ||
		d.NextAttemptAt.Before(time.Now().Add(3*time.Second)) {
		t.Fatalf("after a 500: %+v", d)
	}
	w.process(t)
	if n := len(rcv.requests()); n != 1 {
		t.Fatalf("retried before its time: %d requests", n)
	}
	for range 2 {
		w.db.MustExec(`UPDATE webhook_deliveries SET next_attempt_at = now()`) // the backoff has passed
		w.process(t)
	}
	d = w.deliveries(t, hook.ID)[0]
	if d.Status != "delivered" || d.Attempts != 3 || *d.ResponseCode != 200 || d.Error != "" {
		t.Fatalf("after the retries: %+v", d)
	}
	reqs := rcv.requests()
	if len(reqs) != 3 || reqs[0].header.Get("X-TRCR-Delivery") != reqs[2].header.Get("X-TRCR-Delivery") {
		t.Fatalf("%d requests; delivery ids must stay the same across attempts", len(reqs))
	}
	// The log shows the last attempt's request, signatures and all.
	for _, h := range []string{"X-TRCR-Timestamp", "X-TRCR-Signature", "X-TRCR-Timestamp-Signature", "X-TRCR-Delivery"} {
		if d.Request.Headers[h] != reqs[2].header.Get(h) {
			t.Errorf("logged %s %q, last sent %q", h, d.Request.Headers[h], reqs[2].header.Get(h))
		}
	}
	for _, r := range reqs {
		verify(t, hook.Secret, r)
	}
}

// After a day of failures the delivery is given up, the webhook turned off with its reason, its other pending
// deliveries given up, and every owner and admin gets an email through the outbox, not the member.
func TestWebhooks_TurnedOffAfterADayOfFailures_EmailsAdmins(t *testing.T) {
	w := newWebhookWorld(t, true)
	rcv := newReceiver(t, 500)
	hook := w.hook(t, rcv.URL, "task.created")
	w.task(t, "Never arrives")
	w.process(t)
	w.db.MustExec(`UPDATE webhook_deliveries SET created_at = now() - interval '25 hours', next_attempt_at = now()`)
	w.process(t)
	log := w.deliveries(t, hook.ID)
	if len(log) != 1 || log[0].Status != "failed" || log[0].Attempts != 2 {
		t.Fatalf("after a day: %+v", log)
	}
	got, err := w.s.Webhook(context.Background(), w.admin, hook.ID)
	if err != nil || got.Active || got.DisabledReason == "" {
		t.Fatalf("webhook %+v: %v", got, err)
	}
	w.task(t, "After it was turned off")
	w.process(t)
	if n := len(w.deliveries(t, hook.ID)); n != 1 {
		t.Fatalf("a webhook turned off got %d deliveries", n)
	}

	srv := mailtest.Start(t)
	sender := smtpSender(t, srv)
	for {
		sent, err := w.s.DeliverNextEmail(context.Background(), sender)
		if err != nil {
			t.Fatal(err)
		}
		if !sent {
			break
		}
	}
	var to []string
	for _, m := range srv.Messages() {
		if strings.Contains(m.Subject, "Webhook turned off") {
			to = append(to, m.To...)
			if !strings.Contains(m.Text, "127.0.0.1") || !strings.Contains(m.Text, "https://trcr.example/settings/webhooks") ||
				strings.Contains(m.Text, hook.Secret) {
				t.Errorf("email text:\n%s", m.Text)
			}
		}
	}
	if strings.Join(to, ",") != "admin@example.com,owner@example.com" {
		t.Fatalf("emailed %v, want the owner and the admin", to)
	}

	// Turned on again, the reason goes and a redelivery is sent.
	on := true
	if got, err = w.s.UpdateWebhook(context.Background(), w.admin, hook.ID, store.WebhookInput{Active: &on}); err != nil || !got.Active || got.DisabledReason != "" {
		t.Fatalf("turned on: %+v %v", got, err)
	}
}

// A redelivery is a new delivery of the same event, sent at once with its own id; a webhook that is off refuses it.
func TestWebhooks_Redeliver(t *testing.T) {
	w := newWebhookWorld(t, true)
	rcv := newReceiver(t)
	hook := w.hook(t, rcv.URL, "task.created")
	w.task(t, "Again")
	w.process(t)
	first := w.deliveries(t, hook.ID)[0]
	again, err := w.s.RedeliverWebhook(context.Background(), w.admin, hook.ID, first.ID)
	if err != nil || again.Status != "pending" || again.RedeliveryOf == nil || *again.RedeliveryOf != first.ID || again.EventID != first.EventID {
		t.Fatalf("redeliver: %+v %v", again, err)
	}
	w.process(t)
	reqs := rcv.requests()
	if len(reqs) != 2 || !bytes.Equal(reqs[0].body, reqs[1].body) || reqs[1].header.Get("X-TRCR-Delivery") != again.ID {
		t.Fatalf("%d requests", len(reqs))
	}
	verify(t, hook.Secret, reqs[1])
	if _, err := w.s.RedeliverWebhook(context.Background(), w.admin, hook.ID, "999999"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown delivery: %v", err)
	}
	if _, err := w.s.RedeliverWebhook(context.Background(), w.other, hook.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization's delivery: %v", err)
	}
	off := false
	if _, err := w.s.UpdateWebhook(context.Background(), w.admin, hook.ID, store.WebhookInput{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.RedeliverWebhook(context.Background(), w.admin, hook.ID, first.ID); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("redeliver to a webhook that is off: %v", err)
	}
}

// Without TRCR_WEBHOOK_ALLOW_PRIVATE the address is checked when dialing: a name that resolves to loopback, and an
// address stored before the rule (or changed behind it), are refused without a request; a redirect is never
// followed. The secret never reaches the log.
func TestWebhooks_InternalAddressesRefusedWhenDialing(t *testing.T) {
	w := newWebhookWorld(t, false)
	rcv := newReceiver(t)
	ctx := context.Background()
	for _, u := range []string{rcv.URL, "http://localhost:8080/", "http://169.254.169.254/latest", "http://[::1]/", "http://10.0.0.1/"} {
		if _, err := w.s.CreateWebhook(ctx, w.admin, store.WebhookInput{URL: &u, Events: []string{"*"}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: %v, want refused", u, err)
		}
	}
	// Stored before the rule, or changed behind it: a name that resolves to 127.0.0.1, and a loopback address.
	port := rcv.URL[strings.LastIndex(rcv.URL, ":"):]
	named := w.hook(t, "http://example.com/", "task.created")
	literal := w.hook(t, "http://example.org/", "task.created")
	w.db.MustExec(`UPDATE webhooks SET url = $1 WHERE id = $2`, "http://localhost"+port+"/", named.ID)
	w.db.MustExec(`UPDATE webhooks SET url = $1 WHERE id = $2`, rcv.URL, literal.ID)
	w.task(t, "Probe")
	w.process(t)
	if n := len(rcv.requests()); n != 0 {
		t.Fatalf("an internal receiver got %d requests", n)
	}
	for _, h := range []store.Webhook{named, literal} {
		d := w.deliveries(t, h.ID)[0]
		if d.Status != "pending" || d.ResponseCode != nil || !strings.Contains(d.Error, "not allowed") {
			t.Errorf("delivery to an internal address: %+v", d)
		}
	}
	if logs := w.logs.String(); strings.Contains(logs, named.Secret) || strings.Contains(logs, literal.Secret) {
		t.Fatalf("a secret reached the log:\n%s", logs)
	}
}

// A receiver that redirects to a private address is not followed: the 3xx is a failed attempt.
func TestWebhooks_RedirectIsNotFollowed(t *testing.T) {
	w := newWebhookWorld(t, true)
	target := newReceiver(t)
	redirect := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.Redirect(rw, r, target.URL+"/metadata", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirect.Close)
	hook := w.hook(t, redirect.URL, "task.created")
	w.task(t, "Redirected")
	w.process(t)
	d := w.deliveries(t, hook.ID)[0]
	if d.Status != "pending" || d.ResponseCode == nil || *d.ResponseCode != 307 || len(target.requests()) != 0 {
		t.Fatalf("redirect: %+v, target got %d", d, len(target.requests()))
	}
}

// Webhooks and their deliveries belong to owners and admins of their organization.
func TestWebhooks_OwnersAndAdminsOfTheOrganizationOnly(t *testing.T) {
	w := newWebhookWorld(t, true)
	ctx := context.Background()
	hook := w.hook(t, "http://example.com/", "*")
	u := "http://example.com/x"
	if _, err := w.s.CreateWebhook(ctx, w.member, store.WebhookInput{URL: &u, Events: []string{"*"}}); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member creates: %v", err)
	}
	if _, err := w.s.Webhooks(ctx, w.member); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member lists: %v", err)
	}
	if _, err := w.s.Webhook(ctx, w.other, hook.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization reads: %v", err)
	}
	if _, err := w.s.UpdateWebhook(ctx, w.other, hook.ID, store.WebhookInput{URL: &u}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization updates: %v", err)
	}
	if err := w.s.DeleteWebhook(ctx, w.other, hook.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization deletes: %v", err)
	}
	if _, err := w.s.WebhookDeliveries(ctx, w.other, hook.ID, store.Page{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization's deliveries: %v", err)
	}
	if err := w.s.DeleteWebhook(ctx, w.owner, hook.ID); err != nil {
		t.Fatal(err)
	}
	var audited int
	if err := w.db.Get(&audited, `SELECT count(*) FROM audit_logs WHERE entity_type = 'webhook' AND changes::text LIKE '%whsec%'`); err != nil || audited != 0 {
		t.Fatalf("the audit log holds a secret: %d %v", audited, err)
	}
}

func hmacHex(secret, message string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))
	return hex.EncodeToString(mac.Sum(nil))
}

// With no subscriber that runs outside transactions (a store configured with subscribers of its own), the jobs of
// those that run inside are still done: the list of outside subscribers given to SQL must not be NULL.
func TestEventJobs_DoneWithoutSubscribersOutsideTransactions(t *testing.T) {
	f := newPermWorld(t)
	s := f.s
	s.WithoutSubscribers()
	var done int
	s.AddSubscriber("only", func(typ string) bool { return typ == "test.only" }, func(context.Context, *sqlx.Tx, store.Event) error {
		done++
		return nil
	})
	if err := s.RecordEvent(context.Background(), f.owner, "test.only", "org", "", nil); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ProcessEventJobs(context.Background()); err != nil || n != 1 || done != 1 {
		t.Fatalf("processed %d (%v), handled %d", n, err, done)
	}
}
