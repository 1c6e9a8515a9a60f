package store_test

import (
	"context"
	"testing"

	"github.com/trcr/trcr/store"
)

func TestParsePage_HugeNumbersAreBoundedNotRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		page, perPage string
		wantNum       int
		wantSize      int
	}{
		{"", "", 1, store.DefaultPerPage},
		{"3", "10", 3, 10},
		{"+2", "", 2, store.DefaultPerPage},
		{"922337203685477581", "100", store.MaxPageNumber, 100},
		{"9223372036854775807", "", store.MaxPageNumber, store.DefaultPerPage},
		{"99999999999999999999999999", "99999999999999999999999999", store.MaxPageNumber, store.MaxPerPage},
		{"1", "500", 1, store.MaxPerPage},
	} {
		p, err := store.ParsePage(c.page, c.perPage)
		if err != nil {
			t.Errorf("ParsePage(%q, %q): %v", c.page, c.perPage, err)
			continue
		}
		if p.Number() != c.wantNum || p.Size() != c.wantSize {
			t.Errorf("ParsePage(%q, %q) = page %d size %d, want %d and %d", c.page, c.perPage, p.Number(), p.Size(), c.wantNum, c.wantSize)
		}
	}
	for _, bad := range [][2]string{{"0", ""}, {"-1", ""}, {"x", ""}, {"1.5", ""}, {" 1", ""}, {"", "0"}, {"", "-5"}, {"", "1e3"}} {
		var verr *store.Error
		if _, err := store.ParsePage(bad[0], bad[1]); !asKind(err, store.ErrInvalid, &verr) {
			t.Errorf("ParsePage(%q, %q) = %v, want a validation error", bad[0], bad[1], err)
		}
	}
	// A page built in code rather than parsed is bounded the same way.
	if n := (store.Page{Num: 922337203685477581}).Number(); n != store.MaxPageNumber {
		t.Errorf("Page.Number() = %d", n)
	}
}

func TestTasks_PagePastEveryRowIsEmptyNotAnOverflow(t *testing.T) {
	t.Parallel()
	f := newTaskWorld(t)
	f.createTask(t, store.TaskInput{Title: "Only task"})
	ctx := context.Background()
	for _, pg := range []store.Page{{Num: 922337203685477581, Per: 100}, {Num: 1 << 62, Per: 100}, {Num: store.MaxPageNumber + 1}} {
		l, err := f.s.Tasks(ctx, f.owner, store.TaskFilter{Page: pg})
		if err != nil {
			t.Fatalf("page %d: %v", pg.Num, err)
		}
		if len(l.Items) != 0 || l.Total != 1 || l.Page != store.MaxPageNumber {
			t.Errorf("page %d: %d items, total %d, page %d; want an empty last page", pg.Num, len(l.Items), l.Total, l.Page)
		}
	}
}
