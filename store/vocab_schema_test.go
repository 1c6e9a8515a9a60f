package store_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
)

// checkValues reads the values a single-column CHECK constraint of the schema allows, in its order.
func checkValues(t *testing.T, db *sqlx.DB, table, column string) []string {
	t.Helper()
	var def string
	err := db.Get(&def, `
		SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
		JOIN pg_class r ON r.oid = c.conrelid
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		WHERE c.contype = 'c' AND cardinality(c.conkey) = 1 AND r.relname = $1 AND a.attname = $2`, table, column)
	if err != nil {
		t.Fatalf("CHECK of %s.%s: %v", table, column, err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`'([^']*)'::text|\b(\d+)\b`).FindAllStringSubmatch(def, -1) {
		out = append(out, m[1]+m[2])
	}
	return out
}

// The database refuses what the store must refuse: every list the schema constrains is the vocabulary's (the
// invoice statuses without overdue, which is never stored).
func TestVocab_IsWhatTheSchemaAllows(t *testing.T) {
	_, db := newStore(t)
	var complexities []string
	for _, n := range vocab.Complexities {
		complexities = append(complexities, strconv.Itoa(n))
	}
	stored := slices.DeleteFunc(vocab.InvoiceStatuses.Codes(), func(s string) bool { return s == vocab.InvoiceOverdue })
	for _, c := range []struct {
		table, column string
		want          []string
	}{
		{"tasks", "priority", vocab.Priorities.Codes()},
		{"tasks", "complexity", complexities},
		{"task_statuses", "on_complete", vocab.OnCompletes.Codes()},
		{"members", "role", vocab.OrgRoles.Codes()},
		{"members", "status", vocab.MemberStatuses.Codes()},
		{"project_members", "role", vocab.ProjectRoles.Codes()},
		{"projects", "status", vocab.ProjectStatuses.Codes()},
		{"invoices", "status", stored},
		{"payments", "method", vocab.PaymentMethods.Codes()},
		{"client_activities", "type", vocab.ActivityTypes.Codes()},
		{"git_repositories", "provider", vocab.GitProviders.Codes()},
		{"git_events", "kind", vocab.GitEventKinds.Codes()},
		{"git_hook_deliveries", "status", vocab.HookDeliveryStatuses.Codes()},
	} {
		got := checkValues(t, db, c.table, c.column)
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s.%s allows %v, the vocabulary has %v", c.table, c.column, got, want)
		}
	}
}

// Sorting by priority uses the generated priority_rank: a priority's position in vocab.Priorities, from 1.
func TestVocab_PriorityRankIsThePrioritysOrder(t *testing.T) {
	s, db := newStore(t)
	ctx := context.Background()
	a := projectOwner(t, s)
	name := "Ranks"
	p, err := s.CreateProject(ctx, a, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range vocab.Priorities {
		if _, err := s.CreateTask(ctx, a, store.TaskInput{ProjectID: p.ID, Title: pr.Label, Priority: pr.Code}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	if err := db.Select(&got, `SELECT priority FROM tasks WHERE project_id = $1 ORDER BY priority_rank`, p.ID); err != nil {
		t.Fatal(err)
	}
	if want := vocab.Priorities.Codes(); !slices.Equal(got, want) {
		t.Fatalf("by priority_rank: %v, want %v", got, want)
	}
	var ranks []int
	if err := db.Select(&ranks, `SELECT priority_rank FROM tasks WHERE project_id = $1 ORDER BY priority_rank`, p.ID); err != nil {
		t.Fatal(err)
	}
	for i, r := range ranks {
		if r != i+1 {
			t.Fatalf("priority_rank of %s is %d, want %d", got[i], r, i+1)
		}
	}
}

// The queries that count completed tasks agree with vocab.BuiltinCompletes about the built-in statuses.
func TestVocab_BuiltinsThatCompleteATaskCountAsCompleted(t *testing.T) {
	s, _ := newStore(t)
	ctx := context.Background()
	a := projectOwner(t, s)
	name := "Statuses"
	p, err := s.CreateProject(ctx, a, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	completing := 0
	for _, b := range vocab.BuiltinStatuses {
		in := store.TaskInput{ProjectID: p.ID, Title: b.Label, Status: b.Code, AssigneeID: &a.UserID}
		if _, err := s.CreateTask(ctx, a, in); err != nil {
			t.Fatal(err)
		}
		if vocab.BuiltinCompletes(b.Code) {
			completing++
		}
	}
	stats, err := s.ProjectStats(ctx, a)
	if err != nil || len(stats) != 1 {
		t.Fatalf("project stats: %v %v", stats, err)
	}
	if stats[0].Total != len(vocab.BuiltinStatuses) || stats[0].Done != completing {
		t.Errorf("project stats %+v, want %d done of %d", stats[0], completing, len(vocab.BuiltinStatuses))
	}
	d, err := s.Dashboard(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if d.TotalTasks != len(vocab.BuiltinStatuses) || d.CompletedTasks != completing {
		t.Errorf("dashboard %+v, want %d completed of %d", d, completing, len(vocab.BuiltinStatuses))
	}
}
