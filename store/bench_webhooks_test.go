package store_test

// Benchmark of the organization's outbound webhooks (issue 14): 1,000 events a second, each delivered to 10
// subscribed webhooks on a loopback receiver, by the process's event worker. It runs only with -bench:
//
//	go test -run '^$' -bench WebhookFanOut -benchtime 1x ./store/

import (
	"context"
	"fmt"
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

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// BenchmarkWebhookFanOut1000PerSecondTo10 records 1,000 task.created events a second for five seconds, each its
// own transaction, in an organization with 10 webhooks subscribed to them; the worker (woken by the hub, as in the
// server) queues the deliveries and sends them to a receiver on loopback. It reports the rate events were produced
// at, the rate deliveries arrived at, and each delivery's lag from the event's commit to its arrival.
func BenchmarkWebhookFanOut1000PerSecondTo10(b *testing.B) {
	// 100 a second first: the lag of a worker that keeps up, to compare with 1,000 on this machine.
	for _, rate := range []int{100, 1000} {
		b.Run(fmt.Sprintf("%d-events-per-second", rate), func(b *testing.B) { benchWebhookFanOut(b, rate) })
	}
}

func benchWebhookFanOut(b *testing.B, rate int) {
	const seconds, hooks = 5, 10
	events := rate * seconds / 8 * 8 // eight producers, each its share
	url := storetest.New(b, migrations.Checksum(), migrations.Up)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	b.Cleanup(func() { db.Close() })
	f := permWorldOn(&testing.T{}, testStore(db), db)
	s := store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		WebhookAllowPrivate: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.WebhookSubscriberOnly()

	var mu sync.Mutex
	arrived := map[int64]time.Time{}
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		id, _ := strconv.ParseInt(r.Header.Get("X-TRCR-Delivery"), 10, 64)
		mu.Lock()
		arrived[id] = time.Now()
		mu.Unlock()
	}))
	b.Cleanup(rcv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for i := range hooks {
		u := rcv.URL + "/hook/" + strconv.Itoa(i)
		if _, err := s.CreateWebhook(ctx, f.admin, store.WebhookInput{URL: &u, Events: []string{"task.created"}}); err != nil {
			b.Fatal(err)
		}
	}
	hub := s.NewHub(url)
	go func() { _ = hub.Run(ctx, time.Second) }()
	go s.RunEventJobs(ctx, hub.WorkerWake(), time.Second)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		mu.Lock()
		clear(arrived)
		mu.Unlock()
		db.MustExec(`TRUNCATE webhook_deliveries`)
		start := time.Now()
		var wg sync.WaitGroup
		for p := 0; p < 8; p++ {
			wg.Add(1)
			go func(p int) {
				defer wg.Done()
				tick := time.NewTicker(time.Second * 8 / time.Duration(rate))
				defer tick.Stop()
				for i := 0; i < events/8; i++ {
					<-tick.C
					data := map[string]any{"id": fmt.Sprintf("bench-%d-%d", p, i), "title": "Benchmark task"}
					if err := s.RecordEvent(ctx, f.owner, "task.created", "org", "", data); err != nil {
						b.Error(err)
						return
					}
				}
			}(p)
		}
		wg.Wait()
		produced := time.Since(start)
		want := events * hooks
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			mu.Lock()
			got := len(arrived)
			mu.Unlock()
			if got >= want {
				break
			}
		}
		var queued []struct {
			ID        int64     `db:"id"`
			Committed time.Time `db:"created_at"`
		}
		if err := db.Select(&queued, `SELECT d.id, e.created_at FROM webhook_deliveries d JOIN events e ON e.id = d.event_id`); err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		var lags []time.Duration
		var last time.Time
		for _, q := range queued {
			if at, ok := arrived[q.ID]; ok {
				lags = append(lags, at.Sub(q.Committed))
				if at.After(last) {
					last = at
				}
			}
		}
		mu.Unlock()
		delivered := last.Sub(start)
		b.ReportMetric(float64(events)/produced.Seconds(), "events/s")
		b.ReportMetric(float64(len(lags))/delivered.Seconds(), "deliveries/s")
		b.ReportMetric(float64(percentile(lags, 0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(lags, 0.99).Microseconds())/1000, "p99-ms")
		b.Logf("%d events produced in %s (%.0f/s); %d of %d deliveries arrived by %s (%.0f/s); lag p50 %s p99 %s max %s",
			events, produced.Round(time.Millisecond), float64(events)/produced.Seconds(), len(lags), want,
			delivered.Round(time.Millisecond), float64(len(lags))/delivered.Seconds(),
			percentile(lags, 0.5), percentile(lags, 0.99), percentile(lags, 1))
		if len(lags) != want {
			b.Errorf("only %d of %d deliveries arrived", len(lags), want)
		}
	}
}
