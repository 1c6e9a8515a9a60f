package store_test

// Benchmarks of the task list and the board over an organization of 100,000 tasks (docs/PERFORMANCE.md):
//
//	go test -run '^$' -bench 'TasksListFilteredSorted|Board2000' -benchtime 200x ./store/
//
// They run only with -bench. The seeded organization is built once per process, as a storetest template database
// keyed by the migrations and the seeding code, and each top-level benchmark works on a clone of it; plain
// `go test ./store/` never seeds it. TRCR_BENCH_TASKS changes the number of tasks (for a quick try).
//
// Besides ns/op each benchmark reports p50-ms and p95-ms (the median and 95th percentile of one call), queries/op
// (the statements sent to PostgreSQL per call, counted by a wrapper around lib/pq's connector) and the CPU time per
// call of this process and of the PostgreSQL backends. Before timing, each benchmark fails if the same read with more
// rows (a page of 100 rather than 25, a whole board rather than a filtered one) takes more statements (an N+1).
//
// The fixture's pool, measure and the CPU readings are in bench_measure_test.go, shared with bench_billing_test.go.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/seed"
	"github.com/trcr/trcr/store/storetest"
)

// benchTasks is the size of the benchmarks' organization.
func benchTasks() int {
	if n, err := strconv.Atoi(os.Getenv("TRCR_BENCH_TASKS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchFixture is a clone of the seeded organization, with the actors and ids the benchmarks use.
type benchFixture struct {
	*benchDB
	admin, member store.Actor
	board         string // the 2,000-task project
	project       string // the largest project the member is on
	bug           string // the Bug label
}

// benchTemplateKey names the seeded template: a change of the migrations, of the seeding code or of the size
// makes a new one (on a shared server, TRCR_TEST_DATABASE_URL, templates outlive the process).
func benchTemplateKey(tasks int) string {
	h := sha256.New()
	for _, f := range []string{"seed/work.go", "seed/demo.go", "seed/seed.go"} {
		b, err := os.ReadFile(f) // go test runs in the package directory
		if err != nil {
			b = []byte(time.Now().String()) // unknown code: never reuse
		}
		h.Write(b)
	}
	return fmt.Sprintf("bench-work:%s:%d:%s", migrations.Checksum(), tasks, hex.EncodeToString(h.Sum(nil))[:16])
}

// newBenchFixture clones the seeded organization for one top-level benchmark (seeding it first if this is the
// process's first). Call it from the top-level benchmark function only, before its sub-benchmarks: the clone is
// dropped when that function returns.
func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	tasks := benchTasks()
	seeded := time.Now()
	dbURL := storetest.New(b, benchTemplateKey(tasks), func(ctx context.Context, db *sql.DB) error {
		if err := migrations.Up(ctx, db); err != nil {
			return err
		}
		s := store.New(sqlx.NewDb(db, "postgres"), nil, benchConfig(), quietLog())
		res, err := seed.Demo(ctx, s)
		if err != nil {
			return err
		}
		began := time.Now()
		if err := seed.Work(ctx, s, res.OrgID, seed.WorkOptions{Tasks: tasks}); err != nil {
			return err
		}
		b.Logf("seeded %d tasks in %s", tasks, time.Since(began).Round(time.Millisecond))
		return nil
	})
	b.Logf("fixture (seed or clone) ready in %s", time.Since(seeded).Round(time.Millisecond))
	f := &benchFixture{benchDB: openBenchDB(b, dbURL)}
	var org string
	org, f.admin, f.member = f.demoActors(b)
	if err := f.db.Get(&f.board, `SELECT id FROM projects WHERE organization_id = $1 AND name = $2`, org, seed.BoardProjectName); err != nil {
		b.Fatal(err)
	}
	if err := f.db.Get(&f.project, `
		SELECT t.project_id FROM tasks t JOIN project_members pm ON pm.project_id = t.project_id AND pm.user_id = $1
		GROUP BY t.project_id ORDER BY count(*) DESC, t.project_id LIMIT 1`, f.member.UserID); err != nil {
		b.Fatal(err)
	}
	if err := f.db.Get(&f.bug, `SELECT id FROM labels WHERE organization_id = $1 AND name = 'Bug'`, org); err != nil {
		b.Fatal(err)
	}
	return f
}

// BenchmarkTasksListFilteredSorted is GET /api/v1/tasks: a page of 25, sorted by priority, under realistic filters,
// as an admin (every project) and as a plain member (the visibility condition on project membership).
func BenchmarkTasksListFilteredSorted(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	filters := []struct {
		name   string
		filter func(a store.Actor) store.TaskFilter
	}{
		{"project_status", func(store.Actor) store.TaskFilter {
			return store.TaskFilter{ProjectID: f.project, Status: "open"}
		}},
		{"project_status_search", func(store.Actor) store.TaskFilter {
			return store.TaskFilter{ProjectID: f.project, Status: "open", Search: "desig"}
		}},
		{"project_status_label", func(store.Actor) store.TaskFilter {
			return store.TaskFilter{ProjectID: f.project, Status: "open", LabelIDs: f.bug}
		}},
		{"project_status_assignee", func(a store.Actor) store.TaskFilter {
			return store.TaskFilter{ProjectID: f.project, Status: "open", AssigneeID: f.member.UserID}
		}},
		// Across every project the actor may see.
		{"all_search", func(store.Actor) store.TaskFilter { return store.TaskFilter{Search: "desig"} }},
		{"all_label", func(store.Actor) store.TaskFilter { return store.TaskFilter{LabelIDs: f.bug} }},
		{"all_assignee_status", func(a store.Actor) store.TaskFilter {
			return store.TaskFilter{AssigneeID: a.UserID, Status: "open"} // "my open tasks"
		}},
	}
	for _, who := range []struct {
		name  string
		actor store.Actor
	}{{"admin", f.admin}, {"member", f.member}} {
		for _, fl := range filters {
			page := func(perPage int) func() (int, error) {
				return func() (int, error) {
					filter := fl.filter(who.actor)
					filter.Sort, filter.Order, filter.Page = "priority", "desc", store.Page{Per: perPage}
					list, err := f.s.Tasks(ctx, who.actor, filter)
					return len(list.Items), err
				}
			}
			b.Run(who.name+"/"+fl.name, func(b *testing.B) { f.measure(b, page(25), page(25), page(100)) })
		}
	}
}

// BenchmarkBoard2000 reads the board of the 2,000-task project (store.Board: every group with its counts and its
// first store.BoardPageSize cards), and a column's next page (store.BoardColumn: the 50 cards after the 50th of the
// largest group); "filtered" is the board of the actor's urgent tasks (a few dozen cards), "filtered_label" of the
// Bug label and "filtered_search" of the search "desig" (about 160 and 140 cards). The N+1 check compares
// the whole board (250 cards loaded) with the board filtered down to a few cards, and a full page with a filtered
// one.
func BenchmarkBoard2000(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	few := store.BoardFilter{Priority: "urgent", AssigneeID: store.AssigneeMe}
	for _, who := range []struct {
		name  string
		actor store.Actor
	}{{"admin", f.admin}, {"member", f.member}} {
		board := func(filter store.BoardFilter) func() (int, error) {
			return func() (int, error) {
				board, err := f.s.Board(ctx, who.actor, f.board, filter)
				loaded := 0
				for _, g := range board.Groups {
					loaded += len(g.Cards)
				}
				return loaded, err
			}
		}
		whole, err := f.s.Board(ctx, who.actor, f.board, store.BoardFilter{})
		if err != nil || whole.Matching != seed.BoardProjectTasks && benchTasks() >= 2*seed.BoardProjectTasks {
			b.Fatalf("board of %s: %d tasks (%v), want %d", seed.BoardProjectName, whole.Matching, err, seed.BoardProjectTasks)
		}
		largest := whole.Groups[0]
		for _, g := range whole.Groups {
			if g.Total > largest.Total {
				largest = g
			}
		}
		if len(largest.Cards) != store.BoardPageSize || !largest.HasMore {
			b.Fatalf("largest group %s: %d cards, more %v", largest.Name, len(largest.Cards), largest.HasMore)
		}
		after := largest.Cards[len(largest.Cards)-1].ID
		column := func(filter store.BoardFilter, after string) func() (int, error) {
			return func() (int, error) {
				page, err := f.s.BoardColumn(ctx, who.actor, f.board, largest.ID, filter, after)
				return len(page.Cards), err
			}
		}
		b.Run(who.name, func(b *testing.B) { f.measure(b, board(store.BoardFilter{}), board(few), board(store.BoardFilter{})) })
		for _, fl := range []struct {
			name   string
			filter store.BoardFilter
		}{{"filtered", few}, {"filtered_label", store.BoardFilter{LabelID: f.bug}}, {"filtered_search", store.BoardFilter{Search: "desig"}}} {
			b.Run(who.name+"/"+fl.name, func(b *testing.B) { f.measure(b, board(fl.filter), board(few), board(store.BoardFilter{})) })
		}
		b.Run(who.name+"/next_page", func(b *testing.B) {
			f.measure(b, column(store.BoardFilter{}, after), column(few, ""), column(store.BoardFilter{}, after))
		})
	}
}
