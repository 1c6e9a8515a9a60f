package store_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/trcr/trcr/store"
)

// countingConnector counts the statements sent to PostgreSQL, so tests can see that a read runs a fixed number
// of queries whatever the amount of data.
type countingConnector struct {
	inner driver.Connector
	n     *atomic.Int64
}

func (c countingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return countingConn{Conn: conn, n: c.n}, nil
}

func (c countingConnector) Driver() driver.Driver { return c.inner.Driver() }

type countingConn struct {
	driver.Conn
	n *atomic.Int64
}

func (c countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	c.n.Add(1)
	return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
}

func (c countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	c.n.Add(1)
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

// PrepareContext counts the executions of a prepared statement, not its preparation: a statement prepared on the
// pool is prepared once per connection, and run (sent) on every call.
func (c countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return countingStmt{Stmt: st, n: c.n}, nil
}

type countingStmt struct {
	driver.Stmt
	n *atomic.Int64
}

func (s countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.n.Add(1)
	return s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
}

func (s countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.n.Add(1)
	return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c countingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func cardTitles(b store.Board) [][]string {
	out := make([][]string, len(b.Groups))
	for i, g := range b.Groups {
		out[i] = []string{}
		for _, c := range g.Cards {
			out[i] = append(out[i], c.Title)
		}
	}
	return out
}

func TestBoard_GroupsAndCardsInPositionOrderWithTheirDetails(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	bug, ux := f.label(t, "bug", "#dc2626"), f.label(t, "UX", "#2563eb")
	due := "2026-03-01"
	a := f.createTask(t, store.TaskInput{Title: "Write copy", Priority: "urgent", AssigneeID: &f.member.UserID, DueDate: &due,
		LabelIDs: []string{ux.ID, bug.ID}})
	f.createTask(t, store.TaskInput{Title: "Pick fonts"})
	c := f.createTask(t, store.TaskInput{Title: "Deploy", GroupID: &f.groups[2], Status: "done"})
	for _, title := range []string{"one", "two", "three"} {
		if _, err := f.s.AddChecklistItem(ctx, f.owner, a.ID, title); err != nil {
			t.Fatal(err)
		}
	}
	items, _ := f.s.ChecklistItems(ctx, f.owner, a.ID)
	if _, err := f.s.ToggleChecklistItem(ctx, f.member, items[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddComment(ctx, f.member, a.ID, "On it"); err != nil {
		t.Fatal(err)
	}
	// Move "Write copy" below "Pick fonts": order follows positions.
	if _, err := f.s.ReorderTask(ctx, f.owner, a.ID, store.ReorderInput{Position: ptr(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.ToggleCollapsedTaskGroup(ctx, f.member, f.project, f.groups[2]); err != nil {
		t.Fatal(err)
	}

	b, err := f.s.Board(ctx, f.member, f.project, store.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// The member collapsed "Done": its cards are not read (BoardColumn reads them when it is expanded).
	if got := cardTitles(b); len(got) != 3 || strings.Join(got[0], ",") != "Pick fonts,Write copy" || len(got[1]) != 0 || len(got[2]) != 0 {
		t.Fatalf("cards %v", got)
	}
	if b.Groups[0].Name != "To do" || !b.Groups[0].IsDefault || b.Groups[1].Name != "Doing" || b.Groups[0].Total != 2 ||
		b.Groups[0].Matching != 2 || b.Groups[0].HasMore || b.Groups[1].HasMore {
		t.Fatalf("groups %+v", b.Groups)
	}
	if b.Groups[0].Collapsed || !b.Groups[2].Collapsed || b.Groups[2].Total != 1 || b.Groups[2].Matching != 1 || !b.Groups[2].HasMore {
		t.Fatalf("collapsed state is the member's: %+v", b.Groups[2])
	}
	if b.CanManage || b.Project.Name != "Website" || b.Project.Color == "" || b.Total != 3 || b.Matching != 3 {
		t.Fatalf("board %+v", b)
	}
	card := b.Groups[0].Cards[1]
	if card.ID != a.ID || card.Priority != "urgent" || card.AssigneeName != "Mia Member" || card.DueDate == nil || card.DueDate.String() != due ||
		card.ChecklistDone != 1 || card.ChecklistTotal != 3 || card.Comments != 1 || card.Completed {
		t.Fatalf("card %+v", card)
	}
	if len(card.Labels) != 2 || card.Labels[0].Name != "bug" || card.Labels[0].Color != "#dc2626" || card.Labels[1].ID != ux.ID {
		t.Fatalf("labels %+v", card.Labels)
	}
	if len(b.Members) != 3 || len(b.Labels) != 2 {
		t.Fatalf("members %d labels %d", len(b.Members), len(b.Labels))
	}

	// The owner manages the project; the collapsed group is the member's, not the owner's.
	ob, err := f.s.Board(ctx, f.owner, f.project, store.BoardFilter{})
	if err != nil || !ob.CanManage || ob.Groups[2].Collapsed || len(ob.Groups[2].Cards) != 1 {
		t.Fatalf("owner board: manage %v collapsed %v, %v", ob.CanManage, ob.Groups[2].Collapsed, err)
	}
	if done := ob.Groups[2].Cards[0]; done.ID != c.ID || !done.Completed {
		t.Fatalf("done card %+v", done)
	}
	// The member expands "Done": its first page.
	page, err := f.s.BoardColumn(ctx, f.member, f.project, f.groups[2], store.BoardFilter{}, "")
	if err != nil || len(page.Cards) != 1 || page.Cards[0].ID != c.ID || page.HasMore || page.Remaining != 0 {
		t.Fatalf("collapsed column's first page: %+v, %v", page, err)
	}
}

func TestBoard_Filters(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	bug := f.label(t, "bug", "#dc2626")
	f.createTask(t, store.TaskInput{Title: "Fix login crash", Priority: "high", AssigneeID: &f.member.UserID, LabelIDs: []string{bug.ID}})
	f.createTask(t, store.TaskInput{Title: "Write onboarding guide", Description: "explain the login flow", AssigneeID: &f.owner.UserID})
	f.createTask(t, store.TaskInput{Title: "Unowned chore", Priority: "low", GroupID: &f.groups[1]})
	for _, c := range []struct {
		f    store.BoardFilter
		want string
	}{
		{store.BoardFilter{}, "Fix login crash,Write onboarding guide,Unowned chore"},
		{store.BoardFilter{AssigneeID: store.AssigneeMe}, "Fix login crash"},
		{store.BoardFilter{AssigneeID: f.owner.UserID}, "Write onboarding guide"},
		{store.BoardFilter{AssigneeID: store.AssigneeNone}, "Unowned chore"},
		{store.BoardFilter{LabelID: bug.ID}, "Fix login crash"},
		{store.BoardFilter{Priority: "low"}, "Unowned chore"},
		{store.BoardFilter{Search: "logi"}, "Fix login crash,Write onboarding guide"},
		{store.BoardFilter{Search: "log", Priority: "high"}, "Fix login crash"},
		{store.BoardFilter{Search: "!!!"}, ""},
	} {
		b, err := f.s.Board(ctx, f.member, f.project, c.f)
		if err != nil {
			t.Fatalf("%+v: %v", c.f, err)
		}
		var all []string
		for _, g := range cardTitles(b) {
			all = append(all, g...)
		}
		if got := strings.Join(all, ","); got != c.want {
			t.Errorf("%+v: %q, want %q", c.f, got, c.want)
		}
		if b.Total != 3 || len(b.Groups) != 3 || b.Matching != len(all) {
			t.Errorf("%+v: total %d matching %d groups %d", c.f, b.Total, b.Matching, len(b.Groups))
		}
		for _, g := range b.Groups {
			if g.Matching != len(g.Cards) || g.HasMore {
				t.Errorf("%+v: group %s matching %d of %d, %d cards", c.f, g.Name, g.Matching, g.Total, len(g.Cards))
			}
		}
		if c.f.Active() == (c.f == store.BoardFilter{}) {
			t.Errorf("%+v: Active() = %v", c.f, c.f.Active())
		}
	}
	for _, bad := range []store.BoardFilter{{AssigneeID: "someone"}, {LabelID: "x"}, {Priority: "whenever"}} {
		var v *store.Error
		if _, err := f.s.Board(ctx, f.member, f.project, bad); !asKind(err, store.ErrInvalid, &v) {
			t.Errorf("%+v: %v, want a validation error", bad, err)
		}
	}
}

func TestBoard_OnlyForThoseWhoSeeTheProject(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	if _, err := f.s.Board(ctx, f.outsider, f.project, store.BoardFilter{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("outsider: %v", err)
	}
	other := newBoardWorld(t)
	if _, err := f.s.Board(ctx, f.owner, other.project, store.BoardFilter{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization's project: %v", err)
	}
	if _, err := f.s.Board(ctx, f.owner, "not-a-uuid", store.BoardFilter{}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("bad id: %v", err)
	}
}

// TestBoard_QueryCountDoesNotGrowWithTasks guards against N+1 reads: a board of 3 tasks and one of 120 tasks,
// with labels, checklists and comments on every task, take the same number of queries.
func TestBoard_QueryCountDoesNotGrowWithTasks(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	bug := f.label(t, "bug", "#dc2626")
	count := func() int64 {
		f.queries.Store(0)
		if _, err := f.s.Board(ctx, f.owner, f.project, store.BoardFilter{}); err != nil {
			t.Fatal(err)
		}
		return f.queries.Load()
	}
	addTasks := func(n int) {
		f.db.MustExec(`
			WITH new AS (
				INSERT INTO tasks (organization_id, project_id, group_id, title, assignee_id, position)
				SELECT p.organization_id, p.id, $2, 'Task ' || i, $3, (SELECT count(*) FROM tasks WHERE group_id = $2) + i - 1
				FROM projects p, generate_series(1, $4::int) i WHERE p.id = $1 RETURNING id, organization_id)
			, l AS (INSERT INTO task_labels (task_id, label_id) SELECT id, $5 FROM new)
			, c AS (INSERT INTO task_checklist_items (organization_id, task_id, title, position) SELECT organization_id, id, 'step', 0 FROM new)
			INSERT INTO task_comments (organization_id, task_id, user_id, body) SELECT organization_id, id, $3, 'note' FROM new`,
			f.project, f.groups[1], f.member.UserID, n, bug.ID)
	}
	countColumn := func() int64 {
		f.queries.Store(0)
		if _, err := f.s.BoardColumn(ctx, f.owner, f.project, f.groups[1], store.BoardFilter{}, ""); err != nil {
			t.Fatal(err)
		}
		return f.queries.Load()
	}
	addTasks(3)
	small, smallColumn := count(), countColumn()
	addTasks(117)
	if large := count(); large != small {
		t.Fatalf("board of 3 tasks: %d queries; of 120 tasks: %d", small, large)
	}
	if large := countColumn(); large != smallColumn {
		t.Fatalf("column page of 3 cards: %d queries; of 50: %d", smallColumn, large)
	}
	if small > 10 || smallColumn > 6 {
		t.Fatalf("board takes %d queries, a column page %d", small, smallColumn)
	}
}

// TestBoard_TwoThousandTasksStayFast reads a board of 2,000 tasks, most with labels, a checklist and a comment.
func TestBoard_TwoThousandTasksStayFast(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("large board: skipped with -short")
	}
	f := newBoardWorld(t)
	ctx := context.Background()
	bug, ux := f.label(t, "bug", "#dc2626"), f.label(t, "ux", "#2563eb")
	f.db.MustExec(`
		WITH new AS (
			INSERT INTO tasks (organization_id, project_id, group_id, title, description, priority, assignee_id, due_date, position)
			SELECT p.organization_id, p.id, ($2::uuid[])[1 + i % 3], 'Task ' || i, 'Some words about task ' || i,
				(ARRAY['low','medium','high','urgent'])[1 + i % 4], CASE WHEN i % 5 <> 0 THEN $3::uuid END,
				DATE '2026-01-01' + (i % 90), i / 3
			FROM projects p, generate_series(0, 1999) i WHERE p.id = $1 RETURNING id, organization_id, title)
		, l1 AS (INSERT INTO task_labels (task_id, label_id) SELECT id, $4 FROM new)
		, l2 AS (INSERT INTO task_labels (task_id, label_id) SELECT id, $5 FROM new WHERE right(title, 1) IN ('1', '3', '5'))
		, c AS (INSERT INTO task_checklist_items (organization_id, task_id, title, completed, position)
			SELECT organization_id, id, 'step ' || n, n = 0, n FROM new, generate_series(0, 2) n)
		INSERT INTO task_comments (organization_id, task_id, user_id, body) SELECT organization_id, id, $3, 'note' FROM new`,
		f.project, pq.Array(f.groups), f.member.UserID, bug.ID, ux.ID)
	f.db.MustExec(`ANALYZE`)
	if _, err := f.s.Board(ctx, f.owner, f.project, store.BoardFilter{}); err != nil { // warm the caches
		t.Fatal(err)
	}
	start := time.Now()
	b, err := f.s.Board(ctx, f.owner, f.project, store.BoardFilter{})
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if b.Matching != 2000 || b.Total != 2000 || b.Groups[0].Cards[0].ChecklistTotal != 3 || len(b.Groups[1].Cards[0].Labels) == 0 {
		t.Fatalf("board: %d tasks", b.Matching)
	}
	for _, g := range b.Groups {
		if len(g.Cards) != store.BoardPageSize || !g.HasMore {
			t.Fatalf("group %s: %d cards of %d, more %v", g.Name, len(g.Cards), g.Matching, g.HasMore)
		}
	}
	t.Logf("board of %d tasks read in %s", b.Matching, took)
	// Generous for slow CI machines; locally it takes a few tens of milliseconds.
	if took > 3*time.Second {
		t.Fatalf("board of 2,000 tasks took %s", took)
	}
	start = time.Now()
	if _, err := f.s.Board(ctx, f.owner, f.project, store.BoardFilter{Search: "task 19", Priority: "high"}); err != nil {
		t.Fatal(err)
	}
	t.Logf("filtered board read in %s", time.Since(start))
}

// fillGroup appends n tasks "<prefix> 0" … "<prefix> n-1" to the end of a group, every third one high priority and
// assigned to the member, the others low and unassigned, and returns their ids in position order.
func (f *world) fillGroup(t *testing.T, group, prefix string, n int) []string {
	t.Helper()
	f.db.MustExec(`
		INSERT INTO tasks (organization_id, project_id, group_id, title, priority, assignee_id, position)
		SELECT p.organization_id, p.id, $2, $3 || ' ' || i, CASE WHEN i % 3 = 0 THEN 'high' ELSE 'low' END,
			CASE WHEN i % 3 = 0 THEN $5::uuid END, (SELECT count(*) FROM tasks WHERE group_id = $2) + i
		FROM projects p, generate_series(0, $4::int - 1) i WHERE p.id = $1`, f.project, group, prefix, n, f.member.UserID)
	var ids []string
	if err := f.db.Select(&ids, `SELECT id FROM tasks WHERE group_id = $1 AND title LIKE $2 || ' %' ORDER BY position`, group, prefix); err != nil {
		t.Fatal(err)
	}
	return ids
}

// otherOrganization is another organization in the same database, with a project, a group and a task, for
// checks that its ids never reach f's board.
func (f *world) otherOrganization(t *testing.T) (project, group, task string) {
	t.Helper()
	ctx := context.Background()
	sess, err := f.s.Register(ctx, store.RegisterInput{Email: "ivan@example.com", Password: "secret123", Name: "Ivan"})
	if err != nil {
		t.Fatal(err)
	}
	name := "Other Co"
	org, err := f.s.CreateOrganization(ctx, sess.User.ID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.s.ActorFor(ctx, sess.User.ID, org.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	pname := "Secret"
	p, err := f.s.CreateProject(ctx, a, store.ProjectInput{Name: &pname})
	if err != nil {
		t.Fatal(err)
	}
	hidden, err := f.s.CreateTask(ctx, a, store.TaskInput{ProjectID: p.ID, Title: "Hidden"})
	if err != nil {
		t.Fatal(err)
	}
	return p.ID, hidden.GroupID, hidden.ID
}

func titles(cards []store.BoardCard) []string {
	out := make([]string, len(cards))
	for i, c := range cards {
		out[i] = c.Title
	}
	return out
}

// cardRange is "<prefix> from", "<prefix> from+step" … up to (excluding) to.
func cardRange(prefix string, from, to, step int) []string {
	var out []string
	for i := from; i < to; i += step {
		out = append(out, prefix+" "+strconv.Itoa(i))
	}
	return out
}

func TestBoard_ColumnsShowTheirFirstPageWithTheirCounts(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	f.fillGroup(t, f.groups[1], "Card", 180)
	f.createTask(t, store.TaskInput{Title: "Lone", Priority: "high", AssigneeID: &f.member.UserID})

	b, err := f.s.Board(ctx, f.member, f.project, store.BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	doing := b.Groups[1]
	if !slices.Equal(titles(doing.Cards), cardRange("Card", 0, store.BoardPageSize, 1)) || !doing.HasMore ||
		doing.Total != 180 || doing.Matching != 180 {
		t.Fatalf("Doing: %d cards %v…, more %v, %d/%d", len(doing.Cards), titles(doing.Cards)[:3], doing.HasMore, doing.Matching, doing.Total)
	}
	if g := b.Groups[0]; len(g.Cards) != 1 || g.HasMore || g.Total != 1 || b.Total != 181 || b.Matching != 181 {
		t.Fatalf("To do %+v, board %d/%d", g, b.Matching, b.Total)
	}

	// Filtered: the first page of the matching cards, the counts of those that match.
	b, err = f.s.Board(ctx, f.member, f.project, store.BoardFilter{Priority: "high", AssigneeID: store.AssigneeMe})
	if err != nil {
		t.Fatal(err)
	}
	doing = b.Groups[1]
	if !slices.Equal(titles(doing.Cards), cardRange("Card", 0, 3*store.BoardPageSize, 3)) || !doing.HasMore ||
		doing.Total != 180 || doing.Matching != 60 {
		t.Fatalf("filtered Doing: %v, more %v, %d/%d", titles(doing.Cards), doing.HasMore, doing.Matching, doing.Total)
	}
	if b.Total != 181 || b.Matching != 61 || b.Groups[0].Matching != 1 || b.Groups[2].Matching != 0 || len(b.Groups[2].Cards) != 0 {
		t.Fatalf("filtered board %d/%d, groups %+v %+v", b.Matching, b.Total, b.Groups[0], b.Groups[2])
	}
	// A collapsed column, filtered or not: its counts, no cards.
	if _, err := f.s.ToggleCollapsedTaskGroup(ctx, f.member, f.project, f.groups[1]); err != nil {
		t.Fatal(err)
	}
	for _, filter := range []store.BoardFilter{{}, {Priority: "high"}} {
		b, err = f.s.Board(ctx, f.member, f.project, filter)
		if err != nil {
			t.Fatal(err)
		}
		if doing = b.Groups[1]; !doing.Collapsed || len(doing.Cards) != 0 || !doing.HasMore || doing.Total != 180 ||
			len(b.Groups[0].Cards) != 1 {
			t.Fatalf("collapsed Doing, filter %+v: %+v", filter, doing)
		}
	}
	if _, err := f.s.ToggleCollapsedTaskGroup(ctx, f.member, f.project, f.groups[1]); err != nil {
		t.Fatal(err)
	}
	// A search: Card 1, 10–19 and 100–179 match, in position order.
	b, err = f.s.Board(ctx, f.member, f.project, store.BoardFilter{Search: "card 1"})
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]string{"Card 1"}, cardRange("Card", 10, 20, 1)...), cardRange("Card", 100, 139, 1)...)[:store.BoardPageSize]
	if doing = b.Groups[1]; doing.Matching != 91 || !slices.Equal(titles(doing.Cards), want) || !doing.HasMore {
		t.Fatalf("search: %d matching, %v, more %v", doing.Matching, titles(doing.Cards), doing.HasMore)
	}
	// A filter combined with a search: every condition applies.
	b, err = f.s.Board(ctx, f.member, f.project, store.BoardFilter{Priority: "high", Search: "card 1"}) // 12, 15, 18, 102…177
	if err != nil {
		t.Fatal(err)
	}
	want = append(cardRange("Card", 12, 19, 3), cardRange("Card", 102, 178, 3)...)[:store.BoardPageSize] // of 29
	if doing = b.Groups[1]; doing.Matching != 29 || !slices.Equal(titles(doing.Cards), want) || !doing.HasMore {
		t.Fatalf("search and priority: %d matching, %v, more %v", doing.Matching, titles(doing.Cards), doing.HasMore)
	}
	// Exactly a page: no "more".
	f.fillGroup(t, f.groups[0], "Extra", store.BoardPageSize-1)
	if b, err = f.s.Board(ctx, f.member, f.project, store.BoardFilter{}); err != nil {
		t.Fatal(err)
	}
	if todo := b.Groups[0]; todo.Total != store.BoardPageSize || len(todo.Cards) != store.BoardPageSize || todo.HasMore {
		t.Fatalf("a page of cards: %d of %d, more %v", len(todo.Cards), todo.Total, todo.HasMore)
	}
}

func TestBoardColumn_PagesInPositionOrderAfterACard(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	ids := f.fillGroup(t, f.groups[1], "Card", 180)
	bug := f.label(t, "bug", "#dc2626")
	if _, err := f.s.AddTaskLabel(ctx, f.owner, ids[60], bug.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddChecklistItem(ctx, f.owner, ids[60], "step"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddComment(ctx, f.member, ids[60], "note"); err != nil {
		t.Fatal(err)
	}
	column := func(filter store.BoardFilter, after string) store.BoardCardPage {
		t.Helper()
		page, err := f.s.BoardColumn(ctx, f.member, f.project, f.groups[1], filter, after)
		if err != nil {
			t.Fatalf("after %s: %v", after, err)
		}
		return page
	}
	all := store.BoardFilter{}
	for _, c := range []struct {
		after           string
		from, to        int
		more            bool
		remaining       int
		filter          store.BoardFilter
		step, afterCard int
	}{
		{after: "", from: 0, to: 50, more: true, remaining: 130, filter: all},
		{after: ids[49], from: 50, to: 100, more: true, remaining: 80, filter: all},
		{after: ids[149], from: 150, to: 180, more: false, remaining: 0, filter: all},
		{after: ids[179], from: 0, to: 0, more: false, remaining: 0, filter: all},
	} {
		page := column(c.filter, c.after)
		if want := cardRange("Card", c.from, c.to, 1); !slices.Equal(titles(page.Cards), want) || page.HasMore != c.more ||
			page.Remaining != c.remaining || page.GroupID != f.groups[1] {
			t.Errorf("after %q: %v, more %v, remaining %d; want %v, %v, %d", c.after, titles(page.Cards), page.HasMore,
				page.Remaining, want, c.more, c.remaining)
		}
	}
	// A card's details, as the board shows them.
	page := column(all, ids[59])
	if c := page.Cards[0]; c.ID != ids[60] || len(c.Labels) != 1 || c.Labels[0].Name != "bug" || c.ChecklistTotal != 1 ||
		c.Comments != 1 || c.Priority != "high" || c.AssigneeName != "Mia Member" || c.Position != 60 {
		t.Fatalf("card %+v", c)
	}

	// The filter applies to the pages and to what remains; the cursor may be a card the filter leaves out.
	high := store.BoardFilter{Priority: "high"}
	if page := column(high, ""); !slices.Equal(titles(page.Cards), cardRange("Card", 0, 150, 3)) || !page.HasMore || page.Remaining != 10 {
		t.Fatalf("high, first page: %v, %v, %d", titles(page.Cards), page.HasMore, page.Remaining)
	}
	if page := column(high, ids[147]); !slices.Equal(titles(page.Cards), cardRange("Card", 150, 180, 3)) || page.HasMore || page.Remaining != 0 {
		t.Fatalf("high, second page: %v, %v, %d", titles(page.Cards), page.HasMore, page.Remaining)
	}
	if page := column(high, ids[1]); page.Cards[0].Title != "Card 3" {
		t.Fatalf("after a card the filter leaves out: %v", titles(page.Cards))
	}
	if page := column(store.BoardFilter{Search: "zzz"}, ""); len(page.Cards) != 0 || page.HasMore || page.Remaining != 0 {
		t.Fatalf("nothing matches: %+v", page)
	}

	// Moving cards above the cursor (a drop into another column) does not skip or repeat the cards after it.
	for _, id := range []string{ids[10], ids[20]} {
		if _, err := f.s.ReorderTask(ctx, f.owner, id, store.ReorderInput{GroupID: &f.groups[2], Position: ptr(0)}); err != nil {
			t.Fatal(err)
		}
	}
	if page := column(all, ids[49]); !slices.Equal(titles(page.Cards), cardRange("Card", 50, 100, 1)) || page.Remaining != 80 {
		t.Fatalf("after moves above the cursor: %v…, remaining %d", titles(page.Cards)[:3], page.Remaining)
	}
}

func TestBoardColumn_Refusals(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	ids := f.fillGroup(t, f.groups[1], "Card", 3)
	elsewhere := f.createTask(t, store.TaskInput{Title: "In To do"})
	otherProject, otherGroup, otherTask := f.otherOrganization(t)
	var invalid *store.Error
	for _, c := range []struct {
		name                   string
		actor                  store.Actor
		project, group, after  string
		filter                 store.BoardFilter
		notFound, invalidField string
	}{
		{name: "outsider", actor: f.outsider, project: f.project, group: f.groups[1], notFound: "yes"},
		{name: "another organization's project", actor: f.owner, project: otherProject, group: otherGroup, notFound: "yes"},
		{name: "another organization's group", actor: f.owner, project: f.project, group: otherGroup, notFound: "yes"},
		{name: "group id not a uuid", actor: f.owner, project: f.project, group: "doing", notFound: "yes"},
		{name: "project id not a uuid", actor: f.owner, project: "x", group: f.groups[1], notFound: "yes"},
		{name: "cursor not a uuid", actor: f.member, project: f.project, group: f.groups[1], after: "50", invalidField: "after"},
		{name: "cursor in another column", actor: f.member, project: f.project, group: f.groups[1], after: elsewhere.ID, invalidField: "after"},
		{name: "cursor of another organization", actor: f.owner, project: f.project, group: f.groups[1], after: otherTask, invalidField: "after"},
		{name: "bad filter", actor: f.member, project: f.project, group: f.groups[1], after: ids[0],
			filter: store.BoardFilter{Priority: "soon"}, invalidField: "priority"},
	} {
		page, err := f.s.BoardColumn(ctx, c.actor, c.project, c.group, c.filter, c.after)
		switch {
		case c.notFound != "" && !errors.Is(err, store.ErrNotFound):
			t.Errorf("%s: %v, want not found", c.name, err)
		case c.invalidField != "" && (!asKind(err, store.ErrInvalid, &invalid) || invalid.Fields[c.invalidField] == ""):
			t.Errorf("%s: %v, want a validation error on %s", c.name, err, c.invalidField)
		case len(page.Cards) != 0:
			t.Errorf("%s: %d cards", c.name, len(page.Cards))
		}
	}
	// The member sees the project: the same column reads fine.
	if page, err := f.s.BoardColumn(ctx, f.member, f.project, f.groups[1], store.BoardFilter{}, ids[0]); err != nil || len(page.Cards) != 2 {
		t.Fatalf("member: %+v, %v", page, err)
	}
}

func TestTaskDetail_EverythingThePanelShowsWithPermissions(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	bug := f.label(t, "bug", "#dc2626")
	task := f.createTask(t, store.TaskInput{Title: "Launch", AssigneeID: &f.member.UserID, LabelIDs: []string{bug.ID}})
	other := f.createTask(t, store.TaskInput{Title: "Prepare"})
	if _, err := f.s.AddDependency(ctx, f.owner, task.ID, store.DependencyInput{DependsOnID: other.ID, DependencyType: store.DependencyBlockedBy}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddChecklistItem(ctx, f.owner, task.ID, "Announce"); err != nil {
		t.Fatal(err)
	}
	mine, err := f.s.AddComment(ctx, f.member, task.ID, "Ready when you are")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := f.s.AddComment(ctx, f.owner, task.ID, "Go")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.CreateRecurrence(ctx, f.owner, task.ID, "weekly"); err != nil {
		t.Fatal(err)
	}

	d, err := f.s.TaskDetail(ctx, f.member, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Task.Title != "Launch" || d.Project.Name != "Website" || d.ReporterName != "Olga Owner" || len(d.Task.LabelIDs) != 1 {
		t.Fatalf("detail %+v", d)
	}
	if d.CanManage || !d.IsAssignee || !d.CanChangeWorkflow() {
		t.Fatalf("member permissions: manage %v assignee %v", d.CanManage, d.IsAssignee)
	}
	if !d.CanDeleteComment(mine) || d.CanDeleteComment(theirs) {
		t.Fatal("a member deletes only their own comments")
	}
	if len(d.Groups) != 3 || len(d.Members) != 3 || len(d.Labels) != 1 || len(d.Comments) != 2 || len(d.Checklist) != 1 ||
		len(d.Dependencies) != 1 || d.Dependencies[0].DependsOn.Title != "Prepare" || d.Dependencies[0].DependencyType != "blocked_by" ||
		d.Recurrence == nil || d.Recurrence.RecurrencePattern != "weekly" || d.Recurrence.NextDueDate == nil {
		t.Fatalf("detail %+v", d)
	}
	// The other side of the dependency reads it the other way round.
	od, err := f.s.TaskDetail(ctx, f.owner, other.ID)
	if err != nil || len(od.Dependencies) != 1 || od.Dependencies[0].DependencyType != "blocks" || od.Recurrence != nil {
		t.Fatalf("other side %+v, %v", od.Dependencies, err)
	}
	if !od.CanManage || od.IsAssignee || !od.CanDeleteComment(mine) {
		t.Fatal("owner permissions")
	}
	if _, err := f.s.TaskDetail(ctx, f.outsider, task.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("outsider: %v", err)
	}
}

// The panel's reads run as statements prepared on the pool (one round trip each, no plan per call), and their
// texts do not depend on the task: opening another task's panel prepares nothing new.
func TestTaskDetail_ReadsArePrepared(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	first := f.createTask(t, store.TaskInput{Title: "First"})
	second := f.createTask(t, store.TaskInput{Title: "Second", AssigneeID: &f.member.UserID})
	for _, id := range []string{first.ID, second.ID} {
		if _, err := f.s.AddComment(ctx, f.owner, id, "A comment"); err != nil {
			t.Fatal(err)
		}
	}
	before := f.s.PreparedStatements()
	if _, err := f.s.TaskDetail(ctx, f.owner, first.ID); err != nil {
		t.Fatal(err)
	}
	afterFirst := f.s.PreparedStatements()
	if afterFirst-before < 10 {
		t.Fatalf("the panel prepared %d statements, want its reads (at least 10) prepared", afterFirst-before)
	}
	if _, err := f.s.TaskDetail(ctx, f.owner, second.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.s.PreparedStatements(); got != afterFirst {
		t.Fatalf("another task's panel prepared %d more statements", got-afterFirst)
	}
}
