package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/trcr/trcr/store"
)

type depEdge struct {
	from, to int    // indexes into the fixture's tasks
	typ      string // blocks or blocked_by, read from the task "from"
}

func TestAddDependency_CycleDetection(t *testing.T) {
	t.Parallel()
	blocks, blockedBy := store.DependencyBlocks, store.DependencyBlockedBy
	cases := []struct {
		name     string
		existing []depEdge
		add      depEdge
		wantErr  string // "" ok, "cycle", "self", "conflict"
	}{
		{name: "self", add: depEdge{0, 0, blocks}, wantErr: "self"},
		{name: "self blocked_by", add: depEdge{0, 0, blockedBy}, wantErr: "self"},
		{name: "first edge", add: depEdge{0, 1, blockedBy}},
		{name: "direct 2-cycle, same type", existing: []depEdge{{0, 1, blockedBy}}, add: depEdge{1, 0, blockedBy}, wantErr: "cycle"},
		{name: "direct 2-cycle, blocks", existing: []depEdge{{0, 1, blocks}}, add: depEdge{1, 0, blocks}, wantErr: "cycle"},
		{name: "same edge written the other way is a duplicate", existing: []depEdge{{0, 1, blocks}}, add: depEdge{1, 0, blockedBy}, wantErr: "conflict"},
		{name: "same edge again", existing: []depEdge{{0, 1, blockedBy}}, add: depEdge{0, 1, blockedBy}, wantErr: "conflict"},
		{name: "opposite type on the same pair closes a cycle", existing: []depEdge{{0, 1, blockedBy}}, add: depEdge{0, 1, blocks}, wantErr: "cycle"},
		{name: "3-cycle via blocked_by", existing: []depEdge{{0, 1, blockedBy}, {1, 2, blockedBy}}, add: depEdge{2, 0, blockedBy}, wantErr: "cycle"},
		{name: "3-cycle via blocks", existing: []depEdge{{0, 1, blocks}, {1, 2, blocks}}, add: depEdge{2, 0, blocks}, wantErr: "cycle"},
		{name: "3-cycle mixing directions", existing: []depEdge{{0, 1, blockedBy}, {2, 1, blocks}}, add: depEdge{0, 2, blocks}, wantErr: "cycle"},
		{name: "4-cycle closed from the blocker side", existing: []depEdge{{0, 1, blocks}, {1, 2, blocks}, {3, 2, blockedBy}}, add: depEdge{0, 3, blockedBy}, wantErr: "cycle"},
		{name: "chain extended is fine", existing: []depEdge{{0, 1, blocks}, {1, 2, blocks}}, add: depEdge{2, 3, blocks}},
		{name: "shortcut along a chain is fine", existing: []depEdge{{0, 1, blocks}, {1, 2, blocks}}, add: depEdge{0, 2, blocks}},
		{name: "diamond", existing: []depEdge{{0, 1, blocks}, {0, 2, blocks}, {1, 3, blocks}}, add: depEdge{2, 3, blocks}},
		{name: "diamond written as blocked_by", existing: []depEdge{{3, 1, blockedBy}, {3, 2, blockedBy}, {1, 0, blockedBy}}, add: depEdge{2, 0, blockedBy}},
		{name: "closing a diamond's bottom back to its top", existing: []depEdge{{0, 1, blocks}, {0, 2, blocks}, {1, 3, blocks}, {2, 3, blocks}}, add: depEdge{3, 0, blocks}, wantErr: "cycle"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newDetailWorld(t)
			ctx := context.Background()
			ids := f.sqlTasks(t, 4)
			for _, e := range c.existing {
				if _, err := f.s.AddDependency(ctx, f.owner, ids[e.from], store.DependencyInput{DependsOnID: ids[e.to], DependencyType: e.typ}); err != nil {
					t.Fatalf("existing edge %v: %v", e, err)
				}
			}
			var before int
			f.db.Get(&before, `SELECT count(*) FROM task_dependencies`)
			_, err := f.s.AddDependency(ctx, f.owner, ids[c.add.from], store.DependencyInput{DependsOnID: ids[c.add.to], DependencyType: c.add.typ})
			var verr *store.Error
			switch c.wantErr {
			case "":
				if err != nil {
					t.Fatalf("want ok, got %v", err)
				}
				return
			case "cycle":
				if !asKind(err, store.ErrInvalid, &verr) || verr.Message != "this dependency would create a cycle" {
					t.Fatalf("want cycle error, got %v", err)
				}
			case "self":
				if !asKind(err, store.ErrInvalid, &verr) || verr.Message != "a task cannot depend on itself" {
					t.Fatalf("want self error, got %v", err)
				}
			case "conflict":
				if !errors.Is(err, store.ErrConflict) {
					t.Fatalf("want conflict, got %v", err)
				}
			}
			var after int
			f.db.Get(&after, `SELECT count(*) FROM task_dependencies`)
			if after != before {
				t.Fatalf("refused edge was stored: %d → %d rows", before, after)
			}
		})
	}
}

// Two transactions each adding one half of a 2-cycle at the same time: the organization lock lets only one in.
func TestAddDependency_ConcurrentHalvesOfACycle(t *testing.T) {
	t.Parallel()
	f := newDetailWorld(t)
	ctx := context.Background()
	for round := 0; round < 10; round++ {
		ids := f.sqlTasks(t, 2)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = f.s.AddDependency(ctx, f.owner, ids[i], store.DependencyInput{DependsOnID: ids[1-i], DependencyType: store.DependencyBlockedBy})
			}(i)
		}
		wg.Wait()
		var n int
		f.db.Get(&n, `SELECT count(*) FROM task_dependencies WHERE task_id = ANY($1) OR depends_on_id = ANY($1)`, uuidArrayLiteral(ids))
		if n != 1 || (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: %d edges stored, errors %v", round, n, errs)
		}
	}
}

func uuidArrayLiteral(ids []string) string {
	out := "{"
	for i, id := range ids {
		if i > 0 {
			out += ","
		}
		out += id
	}
	return out + "}"
}

// The bulk list shows the stored, canonical direction: "A blocks B" is listed as B blocked_by A.
func TestAllDependencies_CanonicalDirection(t *testing.T) {
	t.Parallel()
	f := newDetailWorld(t)
	ctx := context.Background()
	ids := f.sqlTasks(t, 2)
	d, err := f.s.AddDependency(ctx, f.owner, ids[0], store.DependencyInput{DependsOnID: ids[1], DependencyType: store.DependencyBlocks})
	if err != nil {
		t.Fatal(err)
	}
	if d.TaskID != ids[0] || d.DependsOnID != ids[1] || d.DependencyType != store.DependencyBlocks || d.DependsOn.ID != ids[1] {
		t.Fatalf("created edge read from the caller's side: %+v", d)
	}
	all, err := f.s.AllDependencies(ctx, f.owner)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].TaskID != ids[1] || all[0].DependsOnID != ids[0] || all[0].DependencyType != store.DependencyBlockedBy {
		t.Fatalf("bulk list: %+v", all)
	}
}
