package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/trcr/trcr/store"
)

// checkPositions fails unless the API's position of every task of the project (Tasks, TaskJSON's columns) is its
// index in its group in rank order, and a stale group is the only place a stored index may be wrong.
func (f rankFixture) checkPositions(tb testing.TB, step string) {
	tb.Helper()
	ctx := context.Background()
	var want []struct {
		ID    string `db:"id"`
		Group string `db:"group_id"`
		Index int    `db:"n"`
	}
	if err := f.db.Select(&want, `
		SELECT id, group_id, row_number() OVER (PARTITION BY group_id ORDER BY position) - 1 AS n
		FROM tasks WHERE project_id = $1`, f.project); err != nil {
		tb.Fatal(err)
	}
	list, err := f.s.Tasks(ctx, f.owner, store.TaskFilter{ProjectID: f.project, Page: store.Page{None: true}})
	if err != nil {
		tb.Fatal(err)
	}
	got := make(map[string]store.Task, len(list.Items))
	for _, t := range list.Items {
		got[t.ID] = t
	}
	if len(got) != len(want) {
		tb.Fatalf("%s: %d tasks listed, %d in the table", step, len(got), len(want))
	}
	for _, w := range want {
		if t := got[w.ID]; t.Position != w.Index || t.GroupID != w.Group {
			tb.Fatalf("%s: task %s at %d in %s, its index is %d in %s", step, w.ID, t.Position, t.GroupID, w.Index, w.Group)
		}
	}
}

// stale counts the project's groups whose stored indexes are marked stale.
func (f rankFixture) stale(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM task_groups WHERE project_id = $1 AND indexes_stale_since IS NOT NULL`, f.project); err != nil {
		tb.Fatal(err)
	}
	return n
}

// Random creates, moves (within and across groups, through the renumbering of ranks), deletes, group changes,
// group deletions, and writes by SQL that the store never makes (an insert at the top, a group's order reversed in
// one statement) leave every task's API position equal to its index in its group, whether or not the stale groups
// have been renumbered since.
func TestTaskPositions_StayExactThroughRandomWrites(t *testing.T) {
	f := newRankFixture(t)
	ctx := context.Background()
	f.cards(t, f.group, 30)
	f.cards(t, f.other, 10)
	groups := []string{f.group, f.other}
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func() (string, string, bool) { // a random task and its group
		var rows []struct{ ID, GroupID string }
		if err := f.db.Select(&rows, `SELECT id, group_id AS groupid FROM tasks WHERE project_id = $1 ORDER BY id`, f.project); err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			return "", "", false
		}
		r := rows[rng.IntN(len(rows))]
		return r.ID, r.GroupID, true
	}
	counts := map[string]int{}
	for i := range 400 {
		op := rng.IntN(100)
		g := groups[rng.IntN(len(groups))]
		var name string
		switch {
		case op < 20:
			name = "create"
			if _, err := f.s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: f.project, Title: fmt.Sprint("New ", i), GroupID: &g}); err != nil {
				t.Fatal(err)
			}
		case op < 45:
			name = "move"
			id, _, ok := pick()
			if !ok {
				continue
			}
			pos := rng.IntN(40)
			if rng.IntN(3) == 0 {
				pos = 2 // one spot again and again: its gap runs out and the group's ranks are renumbered
			}
			f.move(t, id, pos, g)
		case op < 55:
			name = "delete"
			id, _, ok := pick()
			if !ok {
				continue
			}
			if err := f.s.DeleteTask(ctx, f.owner, id); err != nil {
				t.Fatal(err)
			}
		case op < 65:
			name = "change group"
			id, _, ok := pick()
			if !ok {
				continue
			}
			if _, err := f.s.UpdateTask(ctx, f.owner, id, store.TaskPatch{GroupID: &g}); err != nil {
				t.Fatal(err)
			}
		case op < 70:
			name = "delete group"
			if len(groups) < 3 {
				continue
			}
			k := 1 + rng.IntN(len(groups)-1) // not the default group
			if groups[k] == f.group {
				continue
			}
			if err := f.s.DeleteTaskGroup(ctx, f.owner, f.project, groups[k]); err != nil {
				t.Fatal(err)
			}
			groups = slices.Delete(groups, k, k+1)
		case op < 75:
			name = "add group"
			n := fmt.Sprint("Group ", i)
			ng, err := f.s.CreateTaskGroup(ctx, f.owner, f.project, store.TaskGroupInput{Name: &n})
			if err != nil {
				t.Fatal(err)
			}
			groups = append(groups, ng.ID)
			f.cards(t, ng.ID, rng.IntN(5))
		case op < 80:
			name = "insert at the top (SQL)"
			f.db.MustExec(`
				INSERT INTO tasks (organization_id, project_id, group_id, title, position)
				SELECT $1, $2, $3, 'Wedged', coalesce((SELECT min(position) FROM tasks WHERE group_id = $3) - 1, 0)`,
				f.owner.OrgID, f.project, g)
		case op < 85:
			name = "reverse a group (SQL, one statement)"
			f.db.MustExec(`UPDATE tasks SET position = -position WHERE group_id = $1`, g)
		case op < 90:
			name = "delete the last task (SQL)"
			f.db.MustExec(`DELETE FROM tasks WHERE id = (SELECT id FROM tasks WHERE group_id = $1 ORDER BY position DESC LIMIT 1)`, g)
		default:
			name = "renumber stale groups"
			if _, err := f.s.RenumberStaleGroups(ctx); err != nil {
				t.Fatal(err)
			}
			if n := f.stale(t); n != 0 {
				t.Fatalf("%d groups still stale after renumbering", n)
			}
		}
		counts[name]++
		f.checkPositions(t, fmt.Sprintf("step %d (%s)", i, name))
	}
	t.Logf("operations: %v", counts)
}

// Appending to a group, and taking the last task away, keep the stored indexes exact: the group is not marked
// stale, so lists read the stored index and count nothing. A move marks it stale until it is renumbered.
func TestTaskPositions_AppendsKeepTheGroupExact(t *testing.T) {
	f := newRankFixture(t)
	ctx := context.Background()
	ids := f.cards(t, f.group, 20)
	for i := range 5 {
		if _, err := f.s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: f.project, Title: fmt.Sprint("T", i), GroupID: &f.group}); err != nil {
			t.Fatal(err)
		}
	}
	f.db.MustExec(`DELETE FROM tasks WHERE id = (SELECT id FROM tasks WHERE group_id = $1 ORDER BY position DESC LIMIT 1)`, f.group)
	if n := f.stale(t); n != 0 {
		t.Fatalf("%d groups stale after appends", n)
	}
	f.checkPositions(t, "after appends")
	f.move(t, ids[15], 3, "")
	if n := f.stale(t); n != 1 {
		t.Fatalf("%d groups stale after a move, want 1", n)
	}
	f.checkPositions(t, "after a move")
	if n, err := f.s.RenumberStaleGroups(ctx); err != nil || n != 1 {
		t.Fatalf("renumbered %d groups (%v), want 1", n, err)
	}
	f.checkPositions(t, "after renumbering")
	if n := f.stale(t); n != 0 {
		t.Fatalf("%d groups stale after renumbering", n)
	}
}

// Moves, creates and deletes from several goroutines, with the renumbering running beside them, leave every
// position exact.
func TestTaskPositions_ExactUnderConcurrentWritesAndRenumbering(t *testing.T) {
	f := newRankFixture(t)
	ctx := context.Background()
	f.cards(t, f.group, 60)
	f.cards(t, f.other, 20)
	var ids []string
	if err := f.db.Select(&ids, `SELECT id FROM tasks WHERE project_id = $1 ORDER BY id`, f.project); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	renumbered := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				renumbered <- nil
				return
			default:
			}
			if _, err := f.s.RenumberStaleGroups(ctx); err != nil {
				renumbered <- err
				return
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 9))
			for i := range 40 {
				g := []string{f.group, f.other}[rng.IntN(2)]
				var err error
				switch rng.IntN(4) {
				case 0:
					_, err = f.s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: f.project, Title: fmt.Sprint(w, "-", i), GroupID: &g})
				case 1:
					err = f.s.DeleteTask(ctx, f.owner, ids[(w*40+i)%len(ids)])
					if err != nil && errors.Is(err, store.ErrNotFound) {
						err = nil
					}
				default:
					pos := rng.IntN(70)
					_, err = f.s.ReorderTask(ctx, f.owner, ids[rng.IntN(len(ids))], store.ReorderInput{Position: &pos, GroupID: &g})
					if err != nil && errors.Is(err, store.ErrNotFound) {
						err = nil
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if err := <-renumbered; err != nil {
		t.Fatal(err)
	}
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	f.checkPositions(t, "after concurrent writes")
	if _, err := f.s.RenumberStaleGroups(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.stale(t); n != 0 {
		t.Fatalf("%d groups stale after renumbering", n)
	}
	f.checkPositions(t, "after renumbering")
}
