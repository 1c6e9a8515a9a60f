package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// world is the fixture a page test starts from: a page server over a fresh database, and the people the test
// names, each with a signed-in browser and the actor the store knows them by, with their projects and clients.
// newWorld starts it empty; each builder method adds to it and returns it, so that a test's first line says what
// world it needs:
//
//	w := newWorld(t).ownedBy("Olga Owner", "olga@example.com", "Acme").withMember("Milo Member", "milo@example.com")
//
// Worlds that several tests share have a constructor of their own (newWorkTeam, newTimeTeam …). Things made with
// the store need no page; things written with SQL are what no use case makes (figures of another day).
type world struct {
	e               *env
	owner, member   *browser
	ownerA, memberA store.Actor
	otherB          *browser // owner of another organization
	otherA          store.Actor

	project     store.Project     // a project of the owner's organization
	groups      []store.TaskGroup // its groups
	projectTask store.Task        // a task of it
	clientID    string            // a client of the owner's organization
	other       store.Project     // a project of the other organization
	otherClient string            // a client of the other organization
	otherEntry  string            // a time entry of the other organization
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return &world{e: newEnv(t)}
}

// ownedBy signs the owner up through the pages and creates their organization.
func (w *world) ownedBy(name, email, org string) *world {
	w.e.t.Helper()
	w.owner = w.e.withOrg(name, email, org)
	w.ownerA = w.e.actor(email)
	return w
}

// withMember signs someone up and makes them an active member of the owner's organization, their default.
func (w *world) withMember(name, email string) *world {
	w.e.t.Helper()
	w.member = w.e.signUp(name, email)
	w.e.exec(`INSERT INTO members (organization_id, user_id, email, role, status) SELECT $1, id, email, 'member', 'active' FROM users WHERE email = $2`,
		w.ownerA.OrgID, email)
	w.e.exec(`UPDATE users SET default_org_id = $1 WHERE email = $2`, w.ownerA.OrgID, email)
	w.memberA = w.e.actor(email)
	w.member.get("/")
	return w
}

// withStranger signs up the owner of another organization.
func (w *world) withStranger(name, email, org string) *world {
	w.e.t.Helper()
	w.otherB = w.e.withOrg(name, email, org)
	w.otherA = w.e.actor(email)
	return w
}

// withProject creates project as the owner, with the member on it when there is one.
func (w *world) withProject(in store.ProjectInput) *world {
	w.e.t.Helper()
	ctx := context.Background()
	var err error
	if w.project, err = w.e.store.CreateProject(ctx, w.ownerA, in); err != nil {
		w.e.t.Fatal(err)
	}
	if w.memberA.UserID != "" {
		if _, err := w.e.store.AddProjectMember(ctx, w.ownerA, w.project.ID, store.ProjectMemberInput{UserID: w.memberA.UserID}); err != nil {
			w.e.t.Fatal(err)
		}
	}
	return w
}

// withGroups adds groups to project, after its default "To do", and reads them all into groups.
func (w *world) withGroups(names ...string) *world {
	w.e.t.Helper()
	for _, n := range names {
		w.group(n)
	}
	var err error
	if w.groups, err = w.e.store.TaskGroups(context.Background(), w.ownerA, w.project.ID); err != nil {
		w.e.t.Fatal(err)
	}
	return w
}

// group creates a group of project as the owner.
func (w *world) group(name string) store.TaskGroup {
	w.e.t.Helper()
	g, err := w.e.store.CreateTaskGroup(context.Background(), w.ownerA, w.project.ID, store.TaskGroupInput{Name: &name})
	if err != nil {
		w.e.t.Fatal(err)
	}
	return g
}

// task creates a task as the owner, in project unless in names another.
func (w *world) task(t *testing.T, in store.TaskInput) store.Task {
	t.Helper()
	if in.ProjectID == "" {
		in.ProjectID = w.project.ID
	}
	task, err := w.e.store.CreateTask(context.Background(), w.ownerA, in)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func (w *world) label(t *testing.T, name, color string) store.Label {
	t.Helper()
	l, err := w.e.store.CreateLabel(context.Background(), w.ownerA, store.LabelInput{Name: &name, Color: &color})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// entry records a finished entry through the store and returns its id.
func (w *world) entry(t *testing.T, a store.Actor, projectID, taskID, description, start, stop string) string {
	t.Helper()
	in := store.TimeEntryInput{Description: &description, StartedAt: &start, StoppedAt: &stop}
	if projectID != "" {
		in.ProjectID = &projectID
	}
	if taskID != "" {
		in.TaskID = &taskID
	}
	e, err := w.e.store.CreateTimeEntry(context.Background(), a, in)
	if err != nil {
		t.Fatal(err)
	}
	return e.ID
}

// billable records a finished, billable entry of the owner on project.
func (w *world) billable(t *testing.T, desc string, start time.Time, d time.Duration) {
	t.Helper()
	s, stop, billable := start.UTC().Format(time.RFC3339), start.Add(d).UTC().Format(time.RFC3339), true
	if _, err := w.e.store.CreateTimeEntry(context.Background(), w.ownerA, store.TimeEntryInput{
		ProjectID: &w.project.ID, Description: &desc, StartedAt: &s, StoppedAt: &stop, Billable: &billable,
	}); err != nil {
		t.Fatal(err)
	}
}

var invoicePath = regexp.MustCompile(`^/invoices/([0-9a-f-]{36})$`)

// createInvoice creates a draft through the page as the owner and returns its id.
func (w *world) createInvoice(t *testing.T, form url.Values) string {
	t.Helper()
	w.owner.get("/invoices/new")
	p := w.owner.post("/invoices/new", form)
	m := invoicePath.FindStringSubmatch(p.location)
	if p.status != http.StatusSeeOther || m == nil {
		t.Fatalf("create invoice: %d %q %s", p.status, p.location, p.body)
	}
	return m[1]
}

// draft creates a draft for the client, issued 2026-03-01 and due in 2099.
func (w *world) draft(t *testing.T) string {
	t.Helper()
	return w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2026-03-01"}, "due_date": {"2099-03-31"}})
}

// addLine adds a line through the invoice editor, as htmx does, and returns its id.
func (w *world) addLine(t *testing.T, id, desc, qty, price string) string {
	t.Helper()
	w.owner.get("/invoices/" + id)
	p := w.owner.htmx("/invoices/"+id+"/items", url.Values{"description": {desc}, "quantity": {qty}, "unit_price": {price}})
	if p.status != http.StatusOK {
		t.Fatalf("add line: %d %s", p.status, p.body)
	}
	lineID := p.doc.Find(`form[data-testid="line-item"]`).AttrOr("data-line-id", "")
	if lineID == "" {
		t.Fatalf("add line answered no line: %s", p.body)
	}
	return lineID
}

// actor is the store's actor for the account of email, in its default organization.
func (e *env) actor(email string) store.Actor {
	e.t.Helper()
	a, err := e.store.ActorFor(context.Background(), e.userID(email), "", "")
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// join signs someone up and has them accept owner's invitation to owner's organization with role.
func (e *env) join(owner *browser, name, email, role string) *browser {
	e.t.Helper()
	owner.get("/members")
	owner.visit(visit{name: "invite " + email, method: http.MethodPost, path: "/members/invite",
		form: url.Values{"email": {email}, "role": {role}}, status: http.StatusSeeOther})
	b := e.signUp(name, email)
	tok := e.tokenSentTo(email, "/invitations/accept")
	b.get("/invitations/accept?token=" + tok)
	b.visit(visit{name: "accept " + email, method: http.MethodPost, path: "/invitations/" + tok + "/accept", status: http.StatusSeeOther})
	b.get("/")
	return b
}

// id runs a query that returns an id.
func (e *env) id(query string, args ...any) string {
	e.t.Helper()
	var id string
	if err := e.db.Get(&id, query, args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return id
}

func (e *env) userID(email string) string {
	e.t.Helper()
	return e.id(`SELECT id FROM users WHERE email = $1`, email)
}

func (e *env) exec(query string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(query, args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
}

// The worlds several tests share.

// workTeam is the world of the board and task tests (kept by that name for the tests written against it).
type workTeam = world

// newWorkTeam: an organization whose owner manages a project with the groups "To do", "Doing" and "Done", a
// member on the project, and another organization with its own project.
func newWorkTeam(t *testing.T) *world {
	t.Helper()
	name, otherName := "Website", "Secret"
	w := newWorld(t).ownedBy("Olga Owner", "olga@example.com", "Acme").withMember("Milo Member", "milo@example.com").
		withProject(store.ProjectInput{Name: &name}).withGroups("Doing", "Done").
		withStranger("Ivan Intruder", "ivan@example.com", "Other Co")
	var err error
	if w.other, err = w.e.store.CreateProject(context.Background(), w.otherA, store.ProjectInput{Name: &otherName}); err != nil {
		t.Fatal(err)
	}
	return w
}

// newGanttTeam: an organization whose owner runs one project with the groups "To do" and "Design", and a plain
// member who belongs to the project without managing it.
func newGanttTeam(t *testing.T) *world {
	t.Helper()
	w := newWorld(t).ownedBy("Olga Owner", "olga@example.com", "Plan Co").
		withProject(store.ProjectInput{Name: ptr("Website relaunch"), Color: ptr("#0ea5e9")}).withGroups("Design").
		withMember("Mia Member", "mia@example.com")
	w.e.exec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'member')`, w.project.ID, w.memberA.UserID)
	return w
}

// newTimeTeam: an organization whose owner (Olga, in Berlin) and member (Milo, in UTC) track time on a billable
// project with a task, and another organization with an entry of its own.
func newTimeTeam(t *testing.T) *world {
	t.Helper()
	w := newWorld(t).ownedBy("Olga Owner", "olga@example.com", "Acme").withMember("Milo Member", "milo@example.com")
	w.e.exec(`UPDATE users SET timezone = 'Europe/Berlin' WHERE email = 'olga@example.com'`)
	w.withProject(store.ProjectInput{Name: ptr("Website"), Color: ptr("#10b981"), Billable: ptr(true)})
	w.projectTask = w.task(t, store.TaskInput{Title: "Landing page"})
	w.withStranger("Ivan Intruder", "ivan@example.com", "Other Co")
	var err error
	if w.other, err = w.e.store.CreateProject(context.Background(), w.otherA, store.ProjectInput{Name: ptr("Secret")}); err != nil {
		t.Fatal(err)
	}
	w.otherEntry = w.entry(t, w.otherA, w.other.ID, "", "secret work", "2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z")
	return w
}

// newInvoiceTeam: an organization (in EUR) with a client, with a contact, and a billable project of that client,
// made through the store.
func newInvoiceTeam(t *testing.T) *world {
	t.Helper()
	w := newWorld(t).ownedBy("Olivia Owner", "olivia@example.com", "Invoice Co")
	w.e.exec(`UPDATE organizations SET currency = 'EUR'`)
	ctx := context.Background()
	cl, err := w.e.store.CreateClient(ctx, w.ownerA, store.ClientInput{Name: ptr("Acme Corp"), Email: ptr("billing@acme.test"), HourlyRate: ptr(int64(9000))})
	if err != nil {
		t.Fatal(err)
	}
	w.clientID = cl.ID
	if _, err := w.e.store.CreateClientContact(ctx, w.ownerA, cl.ID, store.ClientContactInput{Name: ptr("Carla Contact"), Email: ptr("carla@acme.test")}); err != nil {
		t.Fatal(err)
	}
	return w.withProject(store.ProjectInput{Name: ptr("Website"), ClientID: &cl.ID, Billable: ptr(true)})
}

// newReportsTeam: an organization with an owner (Olga) and a plain member (Mia), a client with a project, time
// in March 2026 for both, an invoice and a payment; and another organization with its own client and time.
func newReportsTeam(t *testing.T) *world {
	t.Helper()
	r := newWorld(t).ownedBy("Olga Owner", "olga@example.com", "Report Co").withMember("Mia Member", "mia@example.com")
	e, org, olga, mia := r.e, r.ownerA.OrgID, r.ownerA.UserID, r.memberA.UserID
	e.exec(`UPDATE members SET cost_rate = CASE user_id WHEN $1 THEN 5000 WHEN $2 THEN 3000 END WHERE organization_id = $3`, olga, mia, org)
	r.clientID = e.id(`INSERT INTO clients (organization_id, name, hourly_rate) VALUES ($1, 'Acme', 9000) RETURNING id`, org)
	project, err := e.store.Project(context.Background(), r.ownerA,
		e.id(`INSERT INTO projects (organization_id, name, client_id, hourly_rate) VALUES ($1, 'Website', $2, 12000) RETURNING id`, org, r.clientID))
	if err != nil {
		t.Fatal(err)
	}
	r.project = project
	entry := func(user, project, start, stop string, billable bool, desc string) {
		t.Helper()
		var p any
		if project != "" {
			p = project
		}
		e.exec(`INSERT INTO time_entries (organization_id, user_id, project_id, started_at, stopped_at, billable, description)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, org, user, p, start, stop, billable, desc)
	}
	entry(olga, r.project.ID, "2026-03-02T09:00:00Z", "2026-03-02T12:30:00Z", true, "Design")            // 3.5 h
	entry(olga, "", "2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z", false, "Internal")                   // 1 h
	entry(mia, r.project.ID, "2026-03-02T13:00:00Z", "2026-03-02T15:15:00Z", true, "Build")              // 2.25 h
	entry(mia, r.project.ID, "2026-03-10T08:00:00Z", "2026-03-10T10:00:00Z", true, "=cmd|' /C calc'!A0") // 2 h
	inv := e.id(`INSERT INTO invoices (organization_id, client_id, number, status, issue_date, due_date, currency, subtotal, total, amount_paid)
		VALUES ($1, $2, 'INV-2026-0001', 'sent', '2026-03-05', '2026-04-04', 'EUR', 50000, 50000, 20000) RETURNING id`, org, r.clientID)
	e.exec(`INSERT INTO payments (organization_id, invoice_id, client_id, amount, paid_at) VALUES ($1, $2, $3, 20000, '2026-03-20T10:00:00Z')`,
		org, inv, r.clientID)

	// Another organization, whose figures must never show.
	r.withStranger("Otto Other", "otto@example.com", "Other Co")
	otherOrg, otto := r.otherA.OrgID, r.otherA.UserID
	r.otherClient = e.id(`INSERT INTO clients (organization_id, name, hourly_rate) VALUES ($1, 'Secret client', 50000) RETURNING id`, otherOrg)
	otherProject := e.id(`INSERT INTO projects (organization_id, name, client_id) VALUES ($1, 'Secret project', $2) RETURNING id`, otherOrg, r.otherClient)
	e.exec(`INSERT INTO time_entries (organization_id, user_id, project_id, started_at, stopped_at) VALUES ($1, $2, $3, '2026-03-02T09:00:00Z', '2026-03-02T17:00:00Z')`,
		otherOrg, otto, otherProject)
	return r
}

func ptr[T any](v T) *T { return &v }
