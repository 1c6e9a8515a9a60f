package api_test

import (
	"sync"
	"testing"

	"github.com/trcr/trcr/store"
)

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	create := func(key, title string) resp {
		return w.do(req{method: "POST", path: "/tasks", token: w.owner.token, org: w.org,
			body: map[string]any{"title": title, "project_id": w.project}, headers: map[string]string{"Idempotency-Key": key}})
	}
	first := create("k-1", "Only once")
	if first.status != 201 || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %v", first.status, first.header)
	}
	again := create("k-1", "Only once")
	if again.status != 201 || again.header.Get("Idempotent-Replayed") != "true" || string(again.raw) != string(first.raw) {
		t.Fatalf("replay: %d %v %s", again.status, again.header, again.raw)
	}
	if n := w.count(`SELECT count(*) FROM tasks WHERE title = 'Only once'`); n != 1 {
		t.Fatalf("%d tasks", n)
	}
	if r := create("k-1", "Another body"); r.status != 422 || r.errCode() != "idempotency_key_reused" {
		t.Fatalf("other body: %d %s", r.status, r.raw)
	}
	// Keys are per user: another user's same key is theirs.
	if r := w.do(req{method: "POST", path: "/tasks", token: w.manager.token, org: w.org,
		body: map[string]any{"title": "Only once", "project_id": w.project}, headers: map[string]string{"Idempotency-Key": "k-1"}}); r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("another user's key: %d %v", r.status, r.header)
	}
	// An answered refusal is kept too; a key too long is refused.
	bad := w.do(req{method: "POST", path: "/tasks", token: w.owner.token, org: w.org, body: map[string]any{"title": ""}, headers: map[string]string{"Idempotency-Key": "k-bad"}})
	if bad.status != 400 {
		t.Fatalf("invalid: %d", bad.status)
	}
	if r := w.do(req{method: "POST", path: "/tasks", token: w.owner.token, org: w.org, body: map[string]any{"title": ""}, headers: map[string]string{"Idempotency-Key": "k-bad"}}); r.status != 400 || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replayed refusal: %d %v", r.status, r.header)
	}
	if r := create(stringOf('k', 256), "Too long a key"); r.status != 400 {
		t.Fatalf("256-character key: %d", r.status)
	}
	// While the first request runs, a retry is told so.
	hash := store.IdempotencyRequestHash("POST", "/api/v1/tasks", []byte(`{"project_id":"`+w.project+`","title":"Running"}`))
	w.db.MustExec(`INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, 'k-run', $2)`, w.owner.id, hash)
	if r := create("k-run", "Running"); r.status != 409 || r.errCode() != "idempotency_key_in_use" {
		t.Fatalf("in flight: %d %s", r.status, r.raw)
	}
}

func stringOf(c byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

// TestIdempotencyKeys_TwentyAtOnceCreateOne sends twenty identical requests with one key at the same time: one
// task is created; every other answer is its replay or "still running".
func TestIdempotencyKeys_TwentyAtOnceCreateOne(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	var wg sync.WaitGroup
	answers := make([]resp, 20)
	for i := range answers {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			answers[i] = w.do(req{method: "POST", path: "/tasks", token: w.owner.token, org: w.org,
				body: map[string]any{"title": "Concurrent", "project_id": w.project}, headers: map[string]string{"Idempotency-Key": "same"}})
		}(i)
	}
	wg.Wait()
	created := 0
	for _, a := range answers {
		switch {
		case a.status == 201 && a.header.Get("Idempotent-Replayed") == "":
			created++
		case a.status == 201 || a.status == 409 && a.errCode() == "idempotency_key_in_use":
		default:
			t.Fatalf("answer %d %s", a.status, a.raw)
		}
	}
	if n := w.count(`SELECT count(*) FROM tasks WHERE title = 'Concurrent'`); created != 1 || n != 1 {
		t.Fatalf("%d created answers, %d tasks", created, n)
	}
}

// TestIdempotencyKeys_SurviveARestart: the kept answer is in the database, so a new server replays it.
func TestIdempotencyKeys_SurviveARestart(t *testing.T) {
	t.Parallel()
	w := newTaskWorld(t)
	r := req{method: "POST", path: "/tasks", token: w.owner.token, org: w.org,
		body: map[string]any{"title": "Before restart", "project_id": w.project}, headers: map[string]string{"Idempotency-Key": "restart"}}
	first := w.must(201, r)
	restarted := w.restart()
	again := restarted.do(r)
	if again.status != 201 || again.header.Get("Idempotent-Replayed") != "true" || again.str("id") != first.str("id") {
		t.Fatalf("after restart: %d %v %s", again.status, again.header, again.raw)
	}
}
