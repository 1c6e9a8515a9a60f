package store_test

// Benchmarks of the event seam (issue 9): one event fanned out to 2,000 open streams on one process, and the event
// queue under 2,000 recorded events a second. They run only with -bench:
//
//	go test -run '^$' -bench 'Hub|EventQueue' -benchtime 1x ./store/

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkHubFanOut2000Streams records one event at a time with 2,000 streams of one organization open on the
// process, and measures for each stream the time from the commit to the event in its channel.
func BenchmarkHubFanOut2000Streams(b *testing.B) {
	const streams = 2000
	url := storetest.New(b, migrations.Checksum(), migrations.Up)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	t := &testing.T{}
	f := permWorldOn(t, testStore(db), db)
	hub := f.s.NewHub(url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = hub.Run(ctx, time.Second) }()
	var all []*store.Stream
	for i := 0; i < streams; i++ {
		st, _, err := hub.Subscribe(ctx, f.member, "")
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, st)
	}
	var latencies []time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for i := 0; i < b.N*20; i++ {
		var wg sync.WaitGroup
		wg.Add(len(all))
		committed := make(chan time.Time, 1)
		for _, st := range all {
			go func(st *store.Stream) {
				defer wg.Done()
				<-st.C
				at := time.Now()
				c := <-committed
				committed <- c
				mu.Lock()
				latencies = append(latencies, at.Sub(c))
				mu.Unlock()
			}(st)
		}
		if err := f.s.RecordEvent(ctx, f.owner, "bench.fanout", "org", "", map[string]int{"n": i}); err != nil {
			b.Fatal(err)
		}
		committed <- time.Now()
		wg.Wait()
	}
	b.StopTimer()
	b.ReportMetric(float64(percentile(latencies, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(latencies, 0.99).Microseconds())/1000, "p99-ms")
	b.Logf("%d deliveries to %d streams: p50 %s, p99 %s, max %s", len(latencies), streams,
		percentile(latencies, 0.5), percentile(latencies, 0.99), percentile(latencies, 1))
}

// BenchmarkEventQueue2000PerSecond records 2,000 events a second for five seconds (each queueing one job of a
// subscriber that writes a row, as the notifications subscriber does) while the process's worker, woken by the
// hub, does the jobs; it measures each job's delay from the event's commit to the commit of its effect.
func BenchmarkEventQueue2000PerSecond(b *testing.B) {
	const rate, seconds = 2000, 5
	url := storetest.New(b, migrations.Checksum(), migrations.Up)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	// As the server does: idle connections are kept, or bursts would open and close backends all the time.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	b.Cleanup(func() { db.Close() })
	t := &testing.T{}
	f := permWorldOn(t, testStore(db), db)
	f.s.WithoutSubscribers()
	db.MustExec(`CREATE TABLE bench_effects (event_id bigint PRIMARY KEY, done_at timestamptz NOT NULL DEFAULT clock_timestamp())`)
	f.s.AddSubscriber("bench", func(typ string) bool { return typ == "bench.queue" }, func(ctx context.Context, tx *sqlx.Tx, e store.Event) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bench_effects (event_id) VALUES ($1)`, e.ID)
		return err
	})
	hub := f.s.NewHub(url)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = hub.Run(ctx, time.Second) }()
	go f.s.RunEventJobs(ctx, hub.WorkerWake(), time.Second)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		db.MustExec(`TRUNCATE bench_effects`)
		start := time.Now()
		// Producers: 40 goroutines sharing the rate, as concurrent requests would, each event its own transaction as
		// use cases record them. Each keeps to its schedule (a late event is sent at once, none is dropped), so the
		// rate measured is the rate the queue was offered.
		const producers = 40
		var wg sync.WaitGroup
		for p := 0; p < producers; p++ {
			wg.Add(1)
			go func(p int) {
				defer wg.Done()
				every := time.Second * producers / rate
				for i := 0; i < rate*seconds/producers; i++ {
					time.Sleep(time.Until(start.Add(time.Duration(i)*every + time.Duration(p)*every/producers)))
					if err := f.s.RecordEvent(ctx, f.owner, "bench.queue", "org", "", map[string]int{"p": p, "i": i}); err != nil {
						b.Error(err)
						return
					}
				}
			}(p)
		}
		wg.Wait()
		produced := time.Since(start)
		total := rate * seconds
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
			var done int
			if err := db.Get(&done, `SELECT count(*) FROM bench_effects`); err != nil {
				b.Fatal(err)
			}
			if done >= total || time.Now().After(deadline) {
				break
			}
		}
		var delays []float64
		if err := db.Select(&delays, `SELECT extract(epoch FROM x.done_at - e.created_at) FROM bench_effects x JOIN events e ON e.id = x.event_id`); err != nil {
			b.Fatal(err)
		}
		ds := make([]time.Duration, len(delays))
		for i, s := range delays {
			ds[i] = time.Duration(s * float64(time.Second))
		}
		b.ReportMetric(float64(len(ds))/produced.Seconds(), "events/s")
		b.ReportMetric(float64(percentile(ds, 0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(ds, 0.99).Microseconds())/1000, "p99-ms")
		b.Logf("%d of %d events done; produced in %s (%.0f/s); delay p50 %s p99 %s max %s", len(ds), total, produced.Round(time.Millisecond),
			float64(total)/produced.Seconds(), percentile(ds, 0.5), percentile(ds, 0.99), percentile(ds, 1))
		if len(ds) != total {
			var left []struct {
				Subscriber string  `db:"subscriber"`
				Attempts   int     `db:"attempts"`
				LastError  *string `db:"last_error"`
			}
			_ = db.Select(&left, `SELECT subscriber, attempts, last_error FROM event_jobs LIMIT 5`)
			b.Logf("jobs left: %+v", left)
			b.Fatal(fmt.Sprintf("only %d of %d events were done", len(ds), total))
		}
	}
}
