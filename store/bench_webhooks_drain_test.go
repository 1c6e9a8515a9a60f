package store_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// BenchmarkWebhookDrain measures the delivery loop alone: 2,000 events to 10 webhooks on a loopback receiver are
// queued (20,000 deliveries), then one run of the event jobs sends them all. It reports the deliveries sent a
// second, from the first arrival to the last, with nothing else running in the process (the fan-out benchmark
// adds the producers and the queueing):
//
//	go test -run '^$' -bench WebhookDrain -benchtime 1x -v ./store/
func BenchmarkWebhookDrain(b *testing.B) {
	const hooks, events = 10, 2000
	_, db, s, f := webhookBenchStore(b, 20)
	var mu sync.Mutex
	var first, last time.Time
	arrived := 0
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		now := time.Now()
		mu.Lock()
		if arrived == 0 {
			first = now
		}
		last = now
		arrived++
		mu.Unlock()
	}))
	b.Cleanup(rcv.Close)
	ctx := context.Background()
	createBenchWebhooks(b, s, f, rcv.URL, hooks)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		mu.Lock()
		arrived = 0
		mu.Unlock()
		tx := db.MustBegin()
		for i := range events {
			if err := s.RecordEventTx(ctx, tx, f.owner, "task.created", map[string]int{"n": i}); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		for {
			done, err := s.ProcessEventJobs(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if done == 0 {
				break
			}
		}
		mu.Lock()
		got, took := arrived, last.Sub(first)
		mu.Unlock()
		if got != hooks*events {
			b.Fatalf("%d of %d deliveries arrived", got, hooks*events)
		}
		b.ReportMetric(float64(got)/took.Seconds(), "deliveries/s")
		b.Logf("%d deliveries sent in %s (%.0f/s)", got, took.Round(time.Millisecond), float64(got)/took.Seconds())
	}
}
