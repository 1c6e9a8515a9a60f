package store_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// BenchmarkWebhookDrain measures the delivery loop alone: 2,000 events to 10 webhooks on a loopback receiver are
// queued (20,000 deliveries), then one run of the event jobs sends them all. It reports the deliveries sent a
// second, from the first arrival to the last, with nothing else running in the process (the fan-out benchmark
// adds the producers and the queueing):
//
//	go test -run '^$' -bench WebhookDrain -benchtime 1x -v ./store/
func BenchmarkWebhookDrain(b *testing.B) {
	const hooks, events = 10, 2000
	url := storetest.New(b, migrations.Checksum(), migrations.Up)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(20)
	b.Cleanup(func() { db.Close() })
	f := permWorldOn(&testing.T{}, testStore(db), db)
	var logTo io.Writer = io.Discard // TRCR_BENCH_LOG=1: the worker's debug log, as in the fan-out benchmark
	if os.Getenv("TRCR_BENCH_LOG") != "" {
		logTo = os.Stderr
	}
	s := store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		WebhookAllowPrivate: true}, slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelDebug})))
	s.WebhookSubscriberOnly()
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
	for i := range hooks {
		u := rcv.URL + "/hook/" + strconv.Itoa(i)
		if _, err := s.CreateWebhook(ctx, f.admin, store.WebhookInput{URL: &u, Events: []string{"task.created"}}); err != nil {
			b.Fatal(err)
		}
	}
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
