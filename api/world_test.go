package api_test

import (
	"fmt"
	"testing"
	"time"
)

// world is the fixture a test starts from: a server over a fresh database, and the people, organizations,
// projects, clients and invoices the test names. newWorld starts it empty; each builder method adds to it and
// returns it, so that a test's first line says what world it needs:
//
//	f := newWorld(t).ownedBy("Olive Owner", "Fixture Co").withAdmin("Adam Admin").withMember("Mel Member").
//		withStranger("Sam Stranger", "Stranger Co")
//
// Worlds that several tests share have a constructor of their own (newTaskWorld, newBillWorld …). Things written
// with sqlX methods go straight to the database, so that a test does not depend on the endpoints that would
// otherwise make them.
type world struct {
	*env
	owner    user // owner of org
	admin    user // org admin, on no project
	manager  user // org member, manager of project
	member   user // org member, plain member of project
	outsider user // org member, on no project
	stranger user // owner of otherOrg

	org, otherOrg              string
	project, group             string // a project of org and its default group
	hiddenProject, hiddenGroup string // a project of org that only its owner is on
	secondProject              string
	client, secondClient       string
	invoice                    string

	strangerProject, strangerGroup  string
	strangerClient, strangerInvoice string
	strangerTask                    string

	// The former fixtures' names for the same things, kept for tests written against them; set with the above.
	e              *env   // the env itself
	strangerOrg    string // otherOrg
	theirs         string // strangerProject
	strangerTaskID string // strangerTask
	otherClient    string // secondClient
	otherProj      string // secondProject
	unknownID      string // the constant unknownID
}

// unknownID is an id that names nothing.
const unknownID = "00000000-0000-4000-8000-000000000001"

func newWorld(t *testing.T, opts ...envOption) *world {
	t.Helper()
	e := newEnv(t, opts...)
	return &world{env: e, e: e, unknownID: unknownID}
}

// ownedBy registers the owner and their organization (with a verified address, as someone running an
// organization has).
func (f *world) ownedBy(name, org string) *world {
	f.t.Helper()
	f.owner = f.register(name)
	f.org = f.env.org(f.owner, org)
	return f
}

// withAdmin, withManager, withMember and withOutsider register someone who joins org: the admin as an admin,
// the others as members (manager, member and outsider name their relation to project).
func (f *world) withAdmin(name string) *world    { f.admin = f.joined(name, "admin"); return f }
func (f *world) withManager(name string) *world  { f.manager = f.joined(name, "member"); return f }
func (f *world) withMember(name string) *world   { f.member = f.joined(name, "member"); return f }
func (f *world) withOutsider(name string) *world { f.outsider = f.joined(name, "member"); return f }

func (f *world) joined(name, role string) user {
	f.t.Helper()
	u := f.register(name)
	f.join(f.owner, f.org, u, role)
	return u
}

// withStranger registers the owner of another organization.
func (f *world) withStranger(name, org string) *world {
	f.t.Helper()
	f.stranger = f.register(name)
	f.otherOrg = f.env.org(f.stranger, org)
	f.strangerOrg = f.otherOrg
	return f
}

// withProject writes project (with its default group) with manager and member on it as their names say.
func (f *world) withProject(name string) *world {
	f.t.Helper()
	f.project, f.group = f.newProject(f.org, name, map[user]string{f.manager: "manager", f.member: "member"})
	return f
}

// withStrangerProject writes a project of otherOrg, managed by the stranger.
func (f *world) withStrangerProject(name string) *world {
	f.t.Helper()
	f.strangerProject, f.strangerGroup = f.newProject(f.otherOrg, name, map[user]string{f.stranger: "manager"})
	f.theirs = f.strangerProject
	return f
}

// as is a request by u in org.
func (f *world) as(u user, method, path string, body any) req {
	return req{method: method, path: path, token: u.token, org: f.org, body: body}
}

// call sends a request by u in org and fails the test unless the status is want.
func (f *world) call(want int, u user, method, path string, body any) resp {
	f.t.Helper()
	return f.must(want, f.as(u, method, path, body))
}

// auditCount counts audit entries of org with the given entity type and action.
func (f *world) auditCount(entityType, action string) int {
	f.t.Helper()
	return f.count(`SELECT count(*) FROM audit_logs WHERE organization_id = $1 AND entity_type = $2 AND action = $3`,
		f.org, entityType, action)
}

// sqlProject writes a project with its default group "To do" and members in the given project roles.
func (f *world) sqlProject(org, name string, members map[string]string) (project, group string) {
	f.t.Helper()
	project = f.sqlID(`INSERT INTO projects (organization_id, name) VALUES ($1, $2) RETURNING id`, org, name)
	group = f.sqlID(`INSERT INTO task_groups (organization_id, project_id, name, position, is_default)
		VALUES ($1, $2, 'To do', 0, true) RETURNING id`, org, project)
	for userID, role := range members {
		if userID != "" {
			f.exec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)`, project, userID, role)
		}
	}
	return project, group
}

// newProject is sqlProject with the members given as users (those not registered in this world are skipped).
func (f *world) newProject(org, name string, members map[user]string) (project, group string) {
	f.t.Helper()
	byID := make(map[string]string, len(members))
	for u, role := range members {
		byID[u.id] = role
	}
	return f.sqlProject(org, name, byID)
}

// The former fixtures' methods, kept by those names for tests written against them.

// taskIn writes a task of project (org is implied by the project).
func (f *world) taskIn(_, project, group, title string, cols map[string]any) string {
	f.t.Helper()
	return f.sqlTask(project, group, title, cols)
}

// insertTask writes a task with the given status and position.
func (f *world) insertTask(project, group, title, status string, position int) string {
	f.t.Helper()
	return f.sqlTask(project, group, title, map[string]any{"status": status, "position": position})
}

func (f *world) insertInvoice(client, number, status string, total, paid int64, due string) string {
	f.t.Helper()
	return f.sqlInvoice(client, number, status, total, paid, due)
}

// sqlClientProject writes a project of a client (none when client is nil), without members or groups.
func (f *world) sqlClientProject(org, name string, client *string) string {
	f.t.Helper()
	return f.sqlID(`INSERT INTO projects (organization_id, name, client_id) VALUES ($1, $2, $3) RETURNING id`, org, name, client)
}

func (f *world) sqlGroup(project, name string, position int) string {
	f.t.Helper()
	return f.sqlID(`INSERT INTO task_groups (organization_id, project_id, name, position)
		SELECT organization_id, id, $2, $3 FROM projects WHERE id = $1 RETURNING id`, project, name, position)
}

func (f *world) sqlLabel(org, name string) string {
	f.t.Helper()
	return f.sqlID(`INSERT INTO labels (organization_id, name) VALUES ($1, $2) RETURNING id`, org, name)
}

// sqlTask writes a task at the end of a group (or at cols["position"]); cols sets further columns.
func (f *world) sqlTask(project, group, title string, cols map[string]any) string {
	f.t.Helper()
	names := "organization_id, project_id, group_id, title"
	vals := "(SELECT organization_id FROM projects WHERE id = $1), $1, $2, $3"
	args := []any{project, group, title}
	if _, ok := cols["position"]; !ok {
		names += ", position"
		vals += ", (SELECT count(*) FROM tasks WHERE group_id = $2)"
	}
	for k, v := range cols {
		args = append(args, v)
		names += ", " + k
		vals += fmt.Sprintf(", $%d", len(args))
	}
	return f.sqlID(`INSERT INTO tasks (`+names+`) VALUES (`+vals+`) RETURNING id`, args...)
}

// task writes a task at the end of project's default group.
func (f *world) task(title string, cols map[string]any) string {
	f.t.Helper()
	return f.sqlTask(f.project, f.group, title, cols)
}

// sqlClient writes a client; an empty currency leaves the organization's.
func (f *world) sqlClient(org, name, email, currency string) string {
	f.t.Helper()
	var cur *string
	if currency != "" {
		cur = &currency
	}
	return f.sqlID(`INSERT INTO clients (organization_id, name, email, currency) VALUES ($1, $2, $3, $4) RETURNING id`, org, name, email, cur)
}

// sqlInvoice writes an invoice of a client, in USD, issued on 2026-01-01.
func (f *world) sqlInvoice(client, number, status string, total, paid int64, due string) string {
	f.t.Helper()
	return f.sqlID(`
		INSERT INTO invoices (organization_id, number, client_id, status, issue_date, due_date, currency, total, amount_paid)
		VALUES ((SELECT organization_id FROM clients WHERE id = $1), $2, $1, $3, '2026-01-01', $4, 'USD', $5, $6)
		RETURNING id`, client, number, status, due, total, paid)
}

// sqlEntry writes a stopped, billable time entry of the owner on a project of org.
func (f *world) sqlEntry(project, desc string, start time.Time, d time.Duration, rate int64) string {
	f.t.Helper()
	return f.sqlID(`INSERT INTO time_entries (organization_id, user_id, project_id, description, started_at, stopped_at, billable, hourly_rate)
		VALUES ($1, $2, $3, $4, $5, $6, true, $7) RETURNING id`, f.org, f.owner.id, project, desc, start, start.Add(d), rate)
}

// createProject creates a project of org through the API as u.
func (f *world) createProject(u user, name string) string {
	f.t.Helper()
	return f.call(201, u, "POST", "/projects", map[string]any{"name": name}).str("id")
}

// addMember puts u on a project through the API, as the owner.
func (f *world) addMember(project string, u user, role string) {
	f.t.Helper()
	f.call(201, f.owner, "POST", "/projects/"+project+"/members", map[string]any{"user_id": u.id, "role": role})
}

// defaultGroupID reads a project's default task group.
func (f *world) defaultGroupID(project string) string {
	f.t.Helper()
	return f.sqlID(`SELECT id FROM task_groups WHERE project_id = $1 AND is_default`, project)
}

// createClient creates a client of org through the API as u.
func (f *world) createClient(u user, body map[string]any) string {
	f.t.Helper()
	return f.call(201, u, "POST", "/clients", body).str("id")
}

// newStrangerClient creates a client of otherOrg through the API.
func (f *world) newStrangerClient() string {
	f.t.Helper()
	return f.must(201, req{method: "POST", path: "/clients", token: f.stranger.token, org: f.otherOrg,
		body: map[string]any{"name": "Their Client"}}).str("id")
}

// newTask creates a task in project through the API as the owner; fields override the defaults.
func (f *world) newTask(title string, fields map[string]any) resp {
	f.t.Helper()
	body := map[string]any{"title": title, "project_id": f.project}
	for k, v := range fields {
		body[k] = v
	}
	return f.call(201, f.owner, "POST", "/tasks", body)
}

// createInvoice creates a draft through the API as the owner, for client and due in 2099 unless body says.
func (f *world) createInvoice(body map[string]any) resp {
	f.t.Helper()
	if body["client_id"] == nil {
		body["client_id"] = f.client
	}
	if body["due_date"] == nil {
		body["due_date"] = "2099-12-31"
	}
	return f.call(201, f.owner, "POST", "/invoices", body)
}

// count runs a query that counts.
func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Get(&n, query, args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// sqlID runs a query that returns an id.
func (e *env) sqlID(query string, args ...any) string {
	e.t.Helper()
	var id string
	if err := e.db.Get(&id, query, args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (e *env) exec(query string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(query, args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
}

// The worlds several tests share.

// taskWorld is the world of the task tests (kept by that name for the tests written against it).
type taskWorld = world

// newTaskWorld: an organization with one project and each kind of person the task rules tell apart, and
// another organization with a project of its own.
func newTaskWorld(t *testing.T, opts ...envOption) *world {
	t.Helper()
	return newWorld(t, opts...).ownedBy("Tara Owner", "Task Co").withManager("Mona Manager").withMember("Mick Member").
		withOutsider("Otto Outsider").withStranger("Sam Stranger", "Other Co").withProject("Website").withStrangerProject("Theirs")
}

// newTDWorld: the task world named after prefix, where the owner manages project too, with a hidden project that
// only the owner is on and a task of the stranger's.
func newTDWorld(t *testing.T, prefix string) *world {
	t.Helper()
	f := newWorld(t).ownedBy(prefix+" Owner", prefix+" Co").withManager(prefix + " Manager").withMember(prefix + " Member").
		withOutsider(prefix + " Outsider")
	f.project, f.group = f.newProject(f.org, "Website", map[user]string{f.owner: "manager", f.manager: "manager", f.member: "member"})
	f.hiddenProject, f.hiddenGroup = f.newProject(f.org, "Board only", map[user]string{f.owner: "manager"})
	f.withStranger(prefix+" Stranger", prefix+" Elsewhere").withStrangerProject("Theirs")
	f.strangerTask = f.sqlTask(f.strangerProject, f.strangerGroup, "Their task", nil)
	f.strangerTaskID = f.strangerTask
	return f
}

// newTEWorld is the tdWorld with an org admin too, on no project.
func newTEWorld(t *testing.T, prefix string) *world {
	t.Helper()
	return newTDWorld(t, prefix).withAdmin(prefix + " Admin")
}

// projectsFixture is the world of the project tests (kept by that name for the tests written against it).
type projectsFixture = world

// newProjectsFixture: an organization with a project made through the API and people in every relation to it,
// and another organization with a project of its own.
func newProjectsFixture(t *testing.T, opts ...envOption) *world {
	t.Helper()
	f := newWorld(t, opts...).ownedBy("Olive Owner", "Fixture Co").withAdmin("Adam Admin").withManager("Mona Manager").
		withMember("Mel Member").withOutsider("Otto Outsider")
	f.project = f.createProject(f.owner, "Website Redesign")
	f.addMember(f.project, f.manager, "manager")
	f.addMember(f.project, f.member, "member")
	f.withStranger("Sam Stranger", "Stranger Co")
	f.strangerProject = f.must(201, req{method: "POST", path: "/projects", token: f.stranger.token, org: f.otherOrg,
		body: map[string]any{"name": "Their Project"}}).str("id")
	f.theirs = f.strangerProject
	return f
}

// newClientsFixture: an organization with an owner, an admin and a member and one client, and another
// organization with its own client, all made through the API.
func newClientsFixture(t *testing.T) *world {
	t.Helper()
	f := newWorld(t).ownedBy("Olive Owner", "Fixture Co").withAdmin("Adam Admin").withMember("Mel Member")
	f.client = f.createClient(f.owner, map[string]any{"name": "Acme Corp", "email": "billing@acme.com"})
	f.withStranger("Sam Stranger", "Stranger Co")
	f.strangerClient = f.newStrangerClient()
	return f
}

// newBillWorld: an organization with an owner, an admin and a member, a client with a project and a second
// client with a second project, and a stranger with a client and an invoice of their own. Clients and projects
// are written with plain SQL.
func newBillWorld(t *testing.T) *world {
	t.Helper()
	f := newWorld(t).ownedBy("Bill Owner", "Acme Studio").withAdmin("Bill Admin").withMember("Bill Member").
		withStranger("Bill Stranger", "Stranger Co")
	f.client = f.sqlClient(f.org, "Zoë Müller GmbH", "billing@zoe.example", "EUR")
	f.project = f.sqlClientProject(f.org, "Website", &f.client)
	f.secondClient = f.sqlClient(f.org, "Other Client", "", "")
	f.secondProject = f.sqlClientProject(f.org, "Other project", &f.secondClient)
	f.otherClient, f.otherProj = f.secondClient, f.secondProject
	f.strangerClient = f.sqlClient(f.otherOrg, "Their client", "c@their.example", "")
	f.strangerInvoice = f.must(201, req{method: "POST", path: "/invoices", token: f.stranger.token, org: f.otherOrg,
		body: map[string]any{"client_id": f.strangerClient, "due_date": "2099-01-01"}}).str("id")
	return f
}
