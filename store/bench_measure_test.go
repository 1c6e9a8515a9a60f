package store_test

// What the benchmarks of bench_test.go (work) and bench_billing_test.go (billing) share: a connection pool that
// counts the statements it sends, the demo organization's actors, and measure, which times a read and reports
// its cost per call.

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/seed"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func benchConfig() store.Config {
	return store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32))}
}

// benchDB is a benchmark's store on a clone of a seeded database, over a pool that counts its statements.
type benchDB struct {
	s       *store.Store
	db      *sqlx.DB
	queries atomic.Int64
}

// openBenchDB opens the database at dbURL for one top-level benchmark; it is closed when the benchmark ends.
func openBenchDB(b *testing.B, dbURL string) *benchDB {
	b.Helper()
	connector, err := pq.NewConnector(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	d := &benchDB{}
	d.db = sqlx.NewDb(sql.OpenDB(statementCounter{Connector: connector, n: &d.queries}), "postgres")
	b.Cleanup(func() { d.db.Close() })
	d.s = store.New(d.db, nil, benchConfig(), quietLog())
	return d
}

// demoActors are the demo organization's owner and its plain member Zoë, with the organization's id.
func (d *benchDB) demoActors(b *testing.B) (org string, admin, member store.Actor) {
	b.Helper()
	if err := d.db.Get(&org, `SELECT organization_id FROM members m JOIN users u ON u.id = m.user_id WHERE u.email = $1`,
		seed.DemoOwnerEmail); err != nil {
		b.Fatal(err)
	}
	actor := func(email string) store.Actor {
		var id string
		if err := d.db.Get(&id, `SELECT id FROM users WHERE email = $1`, email); err != nil {
			b.Fatal(err)
		}
		a, err := d.s.ActorFor(context.Background(), id, org, "")
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	admin, member = actor(seed.DemoOwnerEmail), actor("zoe@trcr.local")
	if member.IsAdmin() {
		b.Fatal("zoe@trcr.local should be a plain member")
	}
	return org, admin, member
}

// statementCounter counts the statements its connections send: queries, execs and prepares (a prepared
// statement is executed once by this app). Pings and transaction control are not counted; transactions begun are,
// in txs when it is not nil.
type statementCounter struct {
	driver.Connector
	n   *atomic.Int64
	txs *atomic.Int64
}

func (c statementCounter) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &countedConn{Conn: conn, n: c.n, txs: c.txs}, nil
}

// countedConn forwards to lib/pq's connection every optional interface it implements.
type countedConn struct {
	driver.Conn
	n   *atomic.Int64
	txs *atomic.Int64
}

func (c *countedConn) Prepare(query string) (driver.Stmt, error) {
	c.n.Add(1)
	st, err := c.Conn.Prepare(query)
	return c.counted(st), err
}

func (c *countedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	c.n.Add(1)
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	return c.counted(st), err
}

// countedStmt counts the executions of a statement prepared once and run many times (the store's hot reads).
type countedStmt struct {
	driver.Stmt
	conn *countedConn
}

func (c *countedConn) counted(st driver.Stmt) driver.Stmt {
	if st == nil {
		return nil
	}
	return &countedStmt{Stmt: st, conn: c}
}

func (s *countedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.conn.n.Add(1)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

func (s *countedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.conn.n.Add(1)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// CheckNamedValue converts arguments as the connection would for an unprepared statement.
func (s *countedStmt) CheckNamedValue(nv *driver.NamedValue) error { return s.conn.CheckNamedValue(nv) }

func (c *countedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.n.Add(1)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c *countedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.n.Add(1)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *countedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if c.txs != nil {
		c.txs.Add(1)
	}
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *countedConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *countedConn) CheckNamedValue(nv *driver.NamedValue) error {
	return c.Conn.(driver.NamedValueChecker).CheckNamedValue(nv)
}

func (c *countedConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *countedConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// measure runs op b.N times and reports, besides ns/op: p50-ms, p95-ms and p99-ms (percentiles of one
// call, wall clock), queries/op, go-cpu-ms/op (this process) and, where /proc can tell (Linux, a local server),
// db-cpu-ms/op and db-wait-ms/op: the time the pool's PostgreSQL backends spent on a CPU per call, and waiting for
// one. On a busy machine the wall clock mostly measures the wait; the CPU time is what the call costs (parallel
// workers, if a plan starts any, not included). Before timing it warms the cache and checks that fewer and more,
// the same read returning fewer and more rows, send the same number of statements (no N+1).
func (f *benchDB) measure(b *testing.B, op, fewer, more func() (rows int, err error)) {
	b.Helper()
	count := func(op func() (int, error)) (rows int, queries int64) {
		before := f.queries.Load()
		rows, err := op()
		if err != nil {
			b.Fatal(err)
		}
		return rows, f.queries.Load() - before
	}
	for range 3 {
		count(op)
	}
	rowsFew, qFew := count(fewer)
	rowsMore, qMore := count(more)
	if qFew != qMore {
		b.Fatalf("N+1: %d rows take %d statements, %d rows %d", rowsFew, qFew, rowsMore, qMore)
	}
	if rowsMore <= rowsFew {
		b.Logf("note: the N+1 check compares %d rows with %d", rowsFew, rowsMore)
	}

	backends := f.backends(b)
	clientCPU := processCPU()
	serverCPU, serverWait, sched := backendsSched(backends)
	durations := make([]time.Duration, 0, b.N)
	before := f.queries.Load()
	b.ReportAllocs()
	for b.Loop() {
		began := time.Now()
		if _, err := op(); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(began))
	}
	b.StopTimer()
	slices.Sort(durations)
	pct := func(p int) float64 {
		return float64(durations[(len(durations)-1)*p/100]) / float64(time.Millisecond)
	}
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(95), "p95-ms")
	b.ReportMetric(pct(99), "p99-ms")
	b.ReportMetric(float64(f.queries.Load()-before)/float64(len(durations)), "queries/op")
	// CPU time per call, which other load on the machine changes much less than the elapsed time: the benchmark
	// process (Go, including its scheduler's spinning) and the PostgreSQL backends serving it, when they run on this
	// machine; db-wait is how long those backends waited for a CPU, a measure of that other load.
	perOp := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(len(durations)) }
	b.ReportMetric(perOp(processCPU()-clientCPU), "go-cpu-ms/op")
	if cpu, wait, ok := backendsSched(backends); ok && sched {
		b.ReportMetric(perOp(cpu-serverCPU), "db-cpu-ms/op")
		b.ReportMetric(perOp(wait-serverWait), "db-wait-ms/op")
	}
}

// backends returns the process ids of the PostgreSQL backends of the fixture's pool.
func (f *benchDB) backends(b *testing.B) []int {
	var pids []int
	if err := f.db.Select(&pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		b.Fatal(err)
	}
	return pids
}

// processCPU is the CPU time this process used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendsSched sums, over processes, the time they spent on a CPU and waiting for one on a run queue, from
// /proc/<pid>/schedstat; ok is false if one cannot be read (a server on another machine).
func backendsSched(pids []int) (cpu, wait time.Duration, ok bool) {
	for _, pid := range pids {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
		if err != nil {
			return 0, 0, false
		}
		fields := strings.Fields(string(raw))
		if len(fields) < 2 {
			return 0, 0, false
		}
		c, err1 := strconv.ParseInt(fields[0], 10, 64)
		w, err2 := strconv.ParseInt(fields[1], 10, 64)
		if err1 != nil || err2 != nil {
			return 0, 0, false
		}
		cpu, wait = cpu+time.Duration(c), wait+time.Duration(w)
	}
	return cpu, wait, true
}
