package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// detailFixture is an organization with one project (and its default group) owned by an admin actor; tasks are
// inserted with plain SQL so these tests do not depend on the task use cases.
type detailFixture struct {
	s       *store.Store
	db      *sqlx.DB
	owner   store.Actor
	project string
	group   string
}

func newDetailFixture(t *testing.T) detailFixture {
	t.Helper()
	s, db := newStore(t)
	ctx := context.Background()
	sess, err := s.Register(ctx, store.RegisterInput{Email: "owner@example.com", Password: "secret123", Name: "Olga Owner"})
	if err != nil {
		t.Fatal(err)
	}
	name := "Fixture Co"
	org, err := s.CreateOrganization(ctx, sess.User.ID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.ActorFor(ctx, sess.User.ID, org.ID, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	f := detailFixture{s: s, db: db, owner: a}
	f.project, f.group = f.newProject(t, "Fixture project")
	return f
}

func (f detailFixture) newProject(t *testing.T, name string) (projectID, groupID string) {
	t.Helper()
	if err := f.db.Get(&projectID, `INSERT INTO projects (organization_id, name, created_by) VALUES ($1, $2, $3) RETURNING id`,
		f.owner.OrgID, name, f.owner.UserID); err != nil {
		t.Fatal(err)
	}
	f.db.MustExec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'manager')`, projectID, f.owner.UserID)
	if err := f.db.Get(&groupID, `INSERT INTO task_groups (organization_id, project_id, name, position, is_default)
		VALUES ($1, $2, 'To do', 0, true) RETURNING id`, f.owner.OrgID, projectID); err != nil {
		t.Fatal(err)
	}
	return projectID, groupID
}

// task inserts a task at the end of the fixture's default group; cols sets further columns.
func (f detailFixture) task(t *testing.T, title string, cols map[string]any) string {
	t.Helper()
	names := "organization_id, project_id, group_id, title, position"
	vals := "$1, $2, $3, $4, (SELECT count(*) FROM tasks WHERE group_id = $3)"
	args := []any{f.owner.OrgID, f.project, f.group, title}
	for k, v := range cols {
		args = append(args, v)
		names += ", " + k
		vals += fmt.Sprintf(", $%d", len(args))
	}
	var id string
	if err := f.db.Get(&id, `INSERT INTO tasks (`+names+`) VALUES (`+vals+`) RETURNING id`, args...); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f detailFixture) tasks(t *testing.T, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = f.task(t, fmt.Sprintf("Task %d", i), nil)
	}
	return ids
}

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
			f := newDetailFixture(t)
			ctx := context.Background()
			ids := f.tasks(t, 4)
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
	f := newDetailFixture(t)
	ctx := context.Background()
	for round := 0; round < 10; round++ {
		ids := f.tasks(t, 2)
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
	f := newDetailFixture(t)
	ctx := context.Background()
	ids := f.tasks(t, 2)
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
