package store_test

import (
	"context"
	"testing"
	"time"
)

func TestJanitor_PrunesOldCountersAndStops(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	if _, err := db.Exec(`INSERT INTO rate_limits (key, window_start, count) VALUES ('old', now() - interval '2 hours', 5), ('new', now(), 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO login_failures (email, created_at) VALUES ('a@example.com', now() - interval '2 hours'), ('b@example.com', now())`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.RunJanitor(ctx, 20*time.Millisecond); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var n int
		if err := db.Get(&n, `SELECT (SELECT count(*) FROM rate_limits) + (SELECT count(*) FROM login_failures)`); err != nil {
			t.Fatal(err)
		}
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rows left, want 2", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("janitor did not stop")
	}
}
