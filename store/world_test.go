package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/storetest"
)

// world is the fixture a store test starts from: a store over a fresh database, and the actors, projects and
// clients the test names. newWorld starts it empty; each builder method adds to it and returns it, so that a
// test's first line says what world it needs:
//
//	f := newWorld(t).ownedBy("Olga Owner", "owner@example.com", "Board Co").withMember("Mia Member", "mia@example.com")
//
// Worlds that several tests share have a constructor of their own (newTaskWorld, newBoardWorld …). People are
// registered through the store, with verified addresses so that only their role decides what the use cases allow;
// memberships and the rows no test is about are written with SQL.
type world struct {
	t   *testing.T
	ctx context.Context
	s   *store.Store
	db  *sqlx.DB

	owner, admin, member, outsider store.Actor // of the owner's organization; outsider is on no project
	other                          store.Actor // owner of another organization

	project, group string   // a project of the owner's organization and its default group
	groups         []string // the project's groups, the default first
	clientID       string   // a client of the owner's organization
	archived       string   // an archived project
	hub            *store.Hub
	queries        *atomic.Int64 // statements run, when counted (newBoardWorld)
	now            *time.Time    // the store's clock, when a test sets it
	rows           int           // rows written by the row methods, for unique emails and slugs
}

func newWorld(t *testing.T) *world {
	t.Helper()
	s, db := newStore(t)
	return worldOn(t, s, db)
}

// worldOn is a world over a store a test opened itself.
func worldOn(t *testing.T, s *store.Store, db *sqlx.DB) *world {
	return &world{t: t, ctx: context.Background(), s: s, db: db}
}

// ownedBy registers the owner and creates their organization.
func (w *world) ownedBy(name, email, org string) *world {
	w.t.Helper()
	w.owner = w.organizationOf(w.register(name, email), org)
	return w
}

// withAdmin, withMember and withOutsider register someone who joins the owner's organization: the admin as an
// admin, the others as members (member and outsider name their relation to project).
func (w *world) withAdmin(name, email string) *world {
	w.admin = w.joined(name, email, "admin")
	return w
}
func (w *world) withMember(name, email string) *world {
	w.member = w.joined(name, email, "member")
	return w
}
func (w *world) withOutsider(name, email string) *world {
	w.outsider = w.joined(name, email, "member")
	return w
}

// withStranger registers the owner of another organization.
func (w *world) withStranger(name, email, org string) *world {
	w.t.Helper()
	w.other = w.organizationOf(w.register(name, email), org)
	return w
}

// register signs someone up through the store, with a verified address, and returns their user id.
func (w *world) register(name, email string) string {
	w.t.Helper()
	sess, err := w.s.Register(w.ctx, store.RegisterInput{Email: email, Password: "secret123", Name: name})
	if err != nil {
		w.t.Fatal(err)
	}
	w.exec(`UPDATE users SET email_verified_at = now() WHERE id = $1`, sess.User.ID)
	return sess.User.ID
}

// organizationOf creates an organization owned by userID and returns the owner's actor.
func (w *world) organizationOf(userID, name string) store.Actor {
	w.t.Helper()
	org, err := w.s.CreateOrganization(w.ctx, userID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		w.t.Fatal(err)
	}
	return w.actorIn(userID, org.ID)
}

func (w *world) joined(name, email, role string) store.Actor {
	w.t.Helper()
	id := w.register(name, email)
	w.exec(`INSERT INTO members (organization_id, user_id, email, role, status) SELECT $1, id, email, $3, 'active' FROM users WHERE id = $2`,
		w.owner.OrgID, id, role)
	return w.actorIn(id, w.owner.OrgID)
}

func (w *world) actorIn(userID, orgID string) store.Actor {
	w.t.Helper()
	a, err := w.s.ActorFor(w.ctx, userID, orgID, "")
	if err != nil {
		w.t.Fatal(err)
	}
	return a
}

// withProject writes a project with its default group "To do", managed by the owner, with the member on it
// when there is one.
func (w *world) withProject(name string) *world {
	w.t.Helper()
	w.project, w.group = w.sqlProject(name)
	if w.member.UserID != "" {
		w.exec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'member')`, w.project, w.member.UserID)
	}
	return w
}

// sqlProject writes a project of the owner's organization, created and managed by the owner, with its default
// group.
func (w *world) sqlProject(name string) (project, group string) {
	w.t.Helper()
	project = w.id(`INSERT INTO projects (organization_id, name, created_by) VALUES ($1, $2, $3) RETURNING id`, w.owner.OrgID, name, w.owner.UserID)
	w.exec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'manager')`, project, w.owner.UserID)
	group = w.id(`INSERT INTO task_groups (organization_id, project_id, name, position, is_default)
		VALUES ($1, $2, 'To do', 0, true) RETURNING id`, w.owner.OrgID, project)
	return project, group
}

// sqlTask writes a task at the end of project's default group; cols sets further columns.
func (w *world) sqlTask(t *testing.T, title string, cols map[string]any) string {
	t.Helper()
	names := "organization_id, project_id, group_id, title, position"
	vals := "$1, $2, $3, $4, (SELECT count(*) FROM tasks WHERE group_id = $3)"
	args := []any{w.owner.OrgID, w.project, w.group, title}
	for k, v := range cols {
		args = append(args, v)
		names += ", " + k
		vals += fmt.Sprintf(", $%d", len(args))
	}
	return w.id(`INSERT INTO tasks (`+names+`) VALUES (`+vals+`) RETURNING id`, args...)
}

// sqlTasks writes n tasks "Task 0" … "Task n-1".
func (w *world) sqlTasks(t *testing.T, n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = w.sqlTask(t, fmt.Sprintf("Task %d", i), nil)
	}
	return ids
}

// createTask creates a task of project as the owner.
func (w *world) createTask(t *testing.T, in store.TaskInput) store.Task {
	t.Helper()
	in.ProjectID = w.project
	task, err := w.s.CreateTask(context.Background(), w.owner, in)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func (w *world) label(t *testing.T, name, color string) store.Label {
	t.Helper()
	l, err := w.s.CreateLabel(context.Background(), w.owner, store.LabelInput{Name: &name, Color: &color})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// status adds a custom status; next may be empty.
func (w *world) status(t *testing.T, code string, terminal, progress bool, next string) {
	t.Helper()
	onComplete, nextCode := "none", any(nil)
	if next != "" {
		onComplete, nextCode = "auto_advance", next
	}
	w.exec(`INSERT INTO task_statuses (organization_id, code, label, color, position, is_terminal, supports_progress, on_complete, next_status_code)
		VALUES ($1, $2, $2, '#000000', 0, $3, $4, $5, $6)`, w.owner.OrgID, code, terminal, progress, onComplete, nextCode)
}

func (w *world) exec(query string, args ...any) {
	w.t.Helper()
	if _, err := w.db.ExecContext(w.ctx, query, args...); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
}

// id runs a query that returns an id.
func (w *world) id(query string, args ...any) string {
	w.t.Helper()
	var id string
	if err := w.db.GetContext(w.ctx, &id, query, args...); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
	return id
}

// The row methods write the rows of the report tests with plain SQL, so those tests depend on nothing but the
// schema: users, organizations and memberships too, without any use case.

func (w *world) rowUser(name, tz string) string {
	w.rows++
	return w.id(`INSERT INTO users (email, name, password_hash, timezone) VALUES ($1, $2, 'x', $3) RETURNING id`,
		fmt.Sprintf("u%d@example.com", w.rows), name, tz)
}

func (w *world) rowOrg(name string) string {
	w.rows++
	return w.id(`INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id`, name, fmt.Sprintf("org-%d", w.rows))
}

func (w *world) rowMember(org, user, role string, costRate int64) string {
	w.rows++
	return w.id(`INSERT INTO members (organization_id, user_id, email, role, status, cost_rate) VALUES ($1, $2, $3, $4, 'active', $5) RETURNING id`,
		org, user, fmt.Sprintf("m%d@example.com", w.rows), role, costRate)
}

// rowClient and rowProject take a nil rate for "no rate".
func (w *world) rowClient(org, name string, rate any) string {
	return w.id(`INSERT INTO clients (organization_id, name, hourly_rate) VALUES ($1, $2, $3) RETURNING id`, org, name, rate)
}

func (w *world) rowProject(org, name string, client, rate any) string {
	return w.id(`INSERT INTO projects (organization_id, name, client_id, hourly_rate) VALUES ($1, $2, $3, $4) RETURNING id`, org, name, client, rate)
}

// reportEntry is a stopped time entry of seconds starting at start (RFC 3339); project and rate may be nil.
type reportEntry struct {
	org, user   string
	project     any
	start       string
	seconds     int
	billable    bool
	rate        any
	description string
}

func (w *world) rowEntry(e reportEntry) string {
	return w.id(`
		INSERT INTO time_entries (organization_id, user_id, project_id, description, started_at, stopped_at, billable, hourly_rate)
		VALUES ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz + make_interval(secs => $6), $7, $8) RETURNING id`,
		e.org, e.user, e.project, e.description, e.start, e.seconds, e.billable, e.rate)
}

func (w *world) rowInvoice(org, client, number, status, issue string, total int64) string {
	return w.id(`
		INSERT INTO invoices (organization_id, client_id, number, status, issue_date, due_date, currency, subtotal, total)
		VALUES ($1, $2, $3, $4, $5::date, $5::date + 14, 'USD', $6, $6) RETURNING id`, org, client, number, status, issue, total)
}

func (w *world) rowPayment(org, invoice, client string, amount int64, paidAt string) {
	w.id(`INSERT INTO payments (organization_id, invoice_id, client_id, amount, paid_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		org, invoice, client, amount, paidAt)
}

// The worlds several tests share.

// newTaskWorld: an organization with an owner, a plain member assigned to work, and one project (with its
// default group) of which both are members. Projects and statuses are written with SQL so these tests depend
// only on the task use cases.
func newTaskWorld(t *testing.T) *world {
	t.Helper()
	return newWorld(t).ownedBy("Olga Owner", "owner@example.com", "Task Co").withMember("Will Worker", "worker@example.com").
		withProject("Work")
}

// newPermWorld: an organization with an owner, an admin and a member, and another organization.
func newPermWorld(t *testing.T) *world {
	t.Helper()
	s, db := newStore(t)
	return permWorldOn(t, s, db)
}

func permWorldOn(t *testing.T, s *store.Store, db *sqlx.DB) *world {
	t.Helper()
	return worldOn(t, s, db).ownedBy("owner@example.com", "owner@example.com", "Perm Co").
		withAdmin("admin@example.com", "admin@example.com").withMember("member@example.com", "member@example.com").
		withStranger("other@example.com", "other@example.com", "Other Co")
}

// newTestDB is a fresh migrated database: its URL (to listen on) and a pool, closed when the test ends.
func newTestDB(t *testing.T) (string, *sqlx.DB) {
	t.Helper()
	url := storetest.New(t, migrations.Checksum(), migrations.Up)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return url, db
}

// newHubWorld is the permission world with a running hub on its database.
func newHubWorld(t *testing.T) *world {
	t.Helper()
	url, db := newTestDB(t)
	w := permWorldOn(t, testStore(db), db)
	w.hub = w.s.NewHub(url)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.hub.Run(ctx, 200*time.Millisecond) }()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// newBoardWorld: an organization with an owner (manager of the project), a plain project member, an outsider
// member who is not on the project, and one project with the groups "To do", "Doing" and "Done", made through
// the store; the statements the store runs are counted.
func newBoardWorld(t *testing.T) *world {
	t.Helper()
	conn, err := pq.NewConnector(storetest.New(t, migrations.Checksum(), migrations.Up))
	if err != nil {
		t.Fatal(err)
	}
	queries := &atomic.Int64{}
	db := sqlx.NewDb(sql.OpenDB(countingConnector{inner: conn, n: queries}), "postgres")
	t.Cleanup(func() { db.Close() })
	w := worldOn(t, testStore(db), db).ownedBy("Olga Owner", "owner@example.com", "Board Co").
		withMember("Mia Member", "mia@example.com").withOutsider("Otto Outsider", "otto@example.com")
	w.queries = queries
	name := "Website"
	p, err := w.s.CreateProject(w.ctx, w.owner, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	w.project = p.ID
	if _, err := w.s.AddProjectMember(w.ctx, w.owner, p.ID, store.ProjectMemberInput{UserID: w.member.UserID}); err != nil {
		t.Fatal(err)
	}
	groups, err := w.s.TaskGroups(w.ctx, w.owner, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.groups = []string{groups[0].ID}
	for _, n := range []string{"Doing", "Done"} {
		g, err := w.s.CreateTaskGroup(w.ctx, w.owner, p.ID, store.TaskGroupInput{Name: &n})
		if err != nil {
			t.Fatal(err)
		}
		w.groups = append(w.groups, g.ID)
	}
	return w
}

// newDetailWorld: an organization with one project (and its default group) of its owner; tasks are written with
// plain SQL so these tests do not depend on the task use cases.
func newDetailWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t).ownedBy("Olga Owner", "owner@example.com", "Fixture Co")
	w.owner.IP = "127.0.0.1"
	w.project, w.group = w.sqlProject("Fixture project")
	return w
}

// testStore is a store over db as the tests configure it, with cheap password hashes (see SetPasswordCost).
func testStore(db *sqlx.DB) *store.Store {
	s := store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32))},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	s.SetPasswordCost(64, 1)
	return s
}
