package store_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// BenchmarkWebhookDrain measures the webhook senders alone: 2,000 events to 10 webhooks on a loopback receiver are
// recorded (20,000 deliveries), then one run of the event jobs sends them all. It reports the
// deliveries sent a second, from the first arrival to the last, with nothing else running in the process (the
// fan-out benchmark adds the producers and the queueing), and the CPU time a delivery cost in the test process
// (sender and receiver) and in PostgreSQL's backends, which the other work on a shared machine disturbs less than
// the rate:
//
//	go test -run '^$' -bench WebhookDrain -benchtime 1x -v ./store/
func BenchmarkWebhookDrain(b *testing.B) {
	const hooks, events = 10, 2000
	_, db, s, f, counts := webhookBenchStore(b, 20)
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
		cpu, pg, sent := processCPU(), backendsCPU(b, db), counts.now()
		for {
			done, err := s.ProcessEventJobs(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if done == 0 {
				break
			}
		}
		cpu = processCPU() - cpu
		pgCPU := backendsCPUSince(b, db, pg)
		statements, txs := counts.since(sent)
		mu.Lock()
		got, took := arrived, last.Sub(first)
		mu.Unlock()
		if got != hooks*events {
			b.Fatalf("%d of %d deliveries arrived", got, hooks*events)
		}
		b.ReportMetric(float64(got)/took.Seconds(), "deliveries/s")
		b.ReportMetric(float64(cpu.Microseconds())/float64(got), "go-cpu-µs/delivery")
		b.ReportMetric(float64(pgCPU.Microseconds())/float64(got), "pg-cpu-µs/delivery")
		b.Logf("%d deliveries sent in %s (%.0f/s); CPU time a delivery: %.0f µs in the test process (sender and receiver), "+
			"%.0f µs in PostgreSQL's backends (reads, records); "+
			"%d statements in %d transactions to send them",
			got, took.Round(time.Millisecond), float64(got)/took.Seconds(), float64(cpu.Microseconds())/float64(got),
			float64(pgCPU.Microseconds())/float64(got), statements, txs)
	}
}

// backendsCPU is the CPU time each PostgreSQL backend of the benchmark's database has used so far (nil where
// /proc cannot be read: a server on another machine).
func backendsCPU(b *testing.B, db *sqlx.DB) map[int]time.Duration {
	var pids []int
	if err := db.Select(&pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		b.Fatal(err)
	}
	out := map[int]time.Duration{}
	for _, pid := range pids {
		cpu, _, ok := backendsSched([]int{pid})
		if !ok {
			return nil
		}
		out[pid] = cpu
	}
	return out
}

// backendsCPUSince is the CPU time the backends used since before (a backend that ended meanwhile is missed).
func backendsCPUSince(b *testing.B, db *sqlx.DB, before map[int]time.Duration) time.Duration {
	var sum time.Duration
	for pid, cpu := range backendsCPU(b, db) {
		sum += cpu - before[pid]
	}
	return sum
}
