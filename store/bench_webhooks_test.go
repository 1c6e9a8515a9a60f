package store_test

// Benchmark of the organization's outbound webhooks (issue 14): 1,000 events a second for 20 seconds, each
// delivered to 10 subscribed webhooks on a loopback receiver, by the process's event worker. It runs only with
// -bench:
//
//	go test -run '^$' -bench WebhookFanOut -benchtime 1x -v ./store/

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// BenchmarkWebhookFanOut1000PerSecondTo10 records 1,000 task.created events a second for 20 seconds
// (TRCR_BENCH_SECONDS to change it), each its own transaction, in an organization with 10 webhooks subscribed to
// them (TRCR_BENCH_HOOKS for another number; 0 measures what the events alone cost); the worker (woken by the hub,
// as in the server) sends them to a receiver on loopback. It reports the rate events were produced at, the rate
// deliveries arrived at, and each delivery's lag from the event's commit to its arrival, split where the request
// was started.
func BenchmarkWebhookFanOut1000PerSecondTo10(b *testing.B) {
	// 100 a second first: the lag of a worker that keeps up, to compare with 1,000 on this machine.
	for _, rate := range []int{100, 1000} {
		b.Run(fmt.Sprintf("%d-events-per-second", rate), func(b *testing.B) { benchWebhookFanOut(b, rate) })
	}
}

// benchProducers is how many goroutines record the events, as that many requests of a server would at once.
const benchProducers = 16

func benchWebhookFanOut(b *testing.B, rate int) {
	hooks, seconds := 10, 20
	if v, err := strconv.Atoi(os.Getenv("TRCR_BENCH_HOOKS")); err == nil && v >= 0 {
		hooks = v // 0: what the events alone cost
	}
	if v, err := strconv.Atoi(os.Getenv("TRCR_BENCH_SECONDS")); err == nil && v > 0 {
		seconds = v
	}
	events := rate * seconds
	url, db, s, f, counts := webhookBenchStore(b, 40)

	var mu sync.Mutex
	arrived := map[int64]time.Time{}
	rcv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		id, _ := strconv.ParseInt(r.Header.Get("X-TRCR-Delivery"), 10, 64)
		mu.Lock()
		arrived[id] = time.Now()
		mu.Unlock()
	}))
	// Connections the client opened: with keep-alive, about one per webhook for the whole run.
	var conns atomic.Int64
	rcv.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	rcv.Start()
	b.Cleanup(rcv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	createBenchWebhooks(b, s, f, rcv.URL, hooks)
	hub := s.NewHub(url)
	go func() { _ = hub.Run(ctx, time.Second) }()
	go s.RunEventJobs(ctx, hub.WorkerWake(), time.Second)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		mu.Lock()
		clear(arrived)
		mu.Unlock()
		conns.Store(0)
		db.MustExec(`TRUNCATE webhook_deliveries`)
		start, cpu, pg, sent := time.Now(), processCPU(), backendsCPU(b, db), counts.now()
		produce(b, events, rate, func(i int) error {
			data := map[string]any{"id": fmt.Sprintf("bench-%d", i), "title": "Benchmark task"}
			return s.RecordEvent(ctx, f.owner, "task.created", "org", "", data)
		})
		produced := time.Since(start)
		want := events * hooks
		for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			mu.Lock()
			got := len(arrived)
			mu.Unlock()
			if got >= want {
				break
			}
		}
		cpu, pgCPU := processCPU()-cpu, backendsCPUSince(b, db, pg)
		// A lane writes its deliveries after sending them: wait for the last writes.
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			var written int
			if err := db.Get(&written, `SELECT count(*) FROM webhook_deliveries`); err != nil {
				b.Fatal(err)
			}
			if written >= want {
				break
			}
		}
		statements, txs := counts.since(sent)
		var queued []struct {
			ID        int64     `db:"id"`
			Queued    time.Time `db:"queued_at"`
			Committed time.Time `db:"created_at"`
		}
		if err := db.Select(&queued, `SELECT d.id, d.last_attempt_at AS queued_at, e.created_at FROM webhook_deliveries d JOIN events e ON e.id = d.event_id`); err != nil {
			b.Fatal(err)
		}
		mu.Lock()
		var lags, queueing, sending []time.Duration
		var last time.Time
		for _, q := range queued {
			if at, ok := arrived[q.ID]; ok {
				lags = append(lags, at.Sub(q.Committed))
				queueing, sending = append(queueing, q.Queued.Sub(q.Committed)), append(sending, at.Sub(q.Queued))
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
		b.Logf("%d events produced in %s (%.0f/s); %d of %d deliveries arrived by %s (%.0f/s); lag p50 %s p99 %s max %s "+
			"(commit to request started: p50 %s p99 %s; request started to arrived: p50 %s p99 %s); %d connections opened; "+
			"CPU time: test process %s, PostgreSQL's backends %s; %.2f statements and %.2f transactions an event",
			events, produced.Round(time.Millisecond), float64(events)/produced.Seconds(), len(lags), want,
			delivered.Round(time.Millisecond), float64(len(lags))/delivered.Seconds(),
			percentile(lags, 0.5), percentile(lags, 0.99), percentile(lags, 1),
			percentile(queueing, 0.5), percentile(queueing, 0.99), percentile(sending, 0.5), percentile(sending, 0.99),
			conns.Load(), cpu.Round(time.Millisecond), pgCPU.Round(time.Millisecond),
			float64(statements)/float64(events), float64(txs)/float64(events))
		if len(lags) != want {
			b.Errorf("only %d of %d deliveries arrived", len(lags), want)
		}
	}
}

// produce calls record for events 0 … n-1, the i-th due rate-th of a second after the i-th before it, from
// benchProducers goroutines: a producer that falls behind the schedule records the next event at once, so the
// rate produced is what the machine managed, not the schedule slowed down by each call's time.
// webhookBenchStore is a store on a fresh database whose only event subscriber is the webhooks', with a pool of
// conns connections and an organization (f) to record events in. TRCR_BENCH_LOG=1 writes the worker's debug log
// to stderr: how long each claim, sending and record took.
func webhookBenchStore(b *testing.B, conns int) (string, *sqlx.DB, *store.Store, *world, *benchCounts) {
	url := storetest.New(b, migrations.Checksum(), migrations.Up)
	connector, err := pq.NewConnector(url)
	if err != nil {
		b.Fatal(err)
	}
	counts := &benchCounts{}
	db := sqlx.NewDb(sql.OpenDB(statementCounter{Connector: connector, n: &counts.statements, txs: &counts.txs}), "postgres")
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	b.Cleanup(func() { db.Close() })
	f := permWorldOn(&testing.T{}, testStore(db), db)
	var logTo io.Writer = io.Discard
	if os.Getenv("TRCR_BENCH_LOG") != "" {
		logTo = os.Stderr
	}
	s := store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32)),
		WebhookAllowPrivate: true}, slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelDebug})))
	s.WithoutSubscribers()
	return url, db, s, f, counts
}

// benchCounts are the statements and transactions the benchmark's pool sent (not the hub's listening connection).
type benchCounts struct {
	statements, txs atomic.Int64
}

// since is how many statements and transactions were sent since an earlier reading.
func (c *benchCounts) since(before [2]int64) (statements, txs int64) {
	return c.statements.Load() - before[0], c.txs.Load() - before[1]
}

func (c *benchCounts) now() [2]int64 { return [2]int64{c.statements.Load(), c.txs.Load()} }

// createBenchWebhooks subscribes n webhooks of f's organization, at base/hook/0 … base/hook/n-1, to task.created.
func createBenchWebhooks(b *testing.B, s *store.Store, f *world, base string, n int) {
	for i := range n {
		u := base + "/hook/" + strconv.Itoa(i)
		if _, err := s.CreateWebhook(context.Background(), f.admin, store.WebhookInput{URL: &u, Events: []string{"task.created"}}); err != nil {
			b.Fatal(err)
		}
	}
}

func produce(b *testing.B, n, rate int, record func(i int) error) {
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range benchProducers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
				if err := record(i); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
