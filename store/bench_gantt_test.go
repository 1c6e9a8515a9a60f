package store_test

import (
	"context"
	"testing"

	"github.com/trcr/trcr/store"
)

// BenchmarkGanttPage is GET /gantt as an admin (every active project): "full" is the read the page made before
// issue 15 (store.Gantt, every task and dependency), "page" the page's read now (store.GanttPage, one window of
// rows and the counts), at the first rows and in the middle of the scheduled tasks. Run it at the size of the
// issue: TRCR_BENCH_TASKS=20000 go test -run '^$' -bench BenchmarkGanttPage ./store/
func BenchmarkGanttPage(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	full := func() (int, error) {
		g, err := f.s.Gantt(ctx, f.admin, "")
		return len(g.Tasks), err
	}
	page := func(rowStart int) func() (int, error) {
		return func() (int, error) {
			g, err := f.s.GanttPage(ctx, f.admin, "", rowStart)
			return len(g.Tasks), err
		}
	}
	mid, err := f.s.GanttPage(ctx, f.admin, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	middle := mid.Scheduled / 2 / store.GanttPageRows * store.GanttPageRows
	b.Run("full", func(b *testing.B) { f.measure(b, full, full, full) })
	b.Run("page/first", func(b *testing.B) { f.measure(b, page(0), page(0), page(middle)) })
	b.Run("page/middle", func(b *testing.B) { f.measure(b, page(middle), page(0), page(middle)) })
}
