package handlers_test

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// pwCreateProject creates a project through the page form and returns its id.
func pwCreateProject(t *testing.T, e *env, b *browser, name string) string {
	t.Helper()
	b.get("/projects/new")
	p := b.post("/projects/new", url.Values{"name": {name}, "color": {"#22c55e"}, "billable": {"true"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("create project %q: %d %s", name, p.status, p.body)
	}
	return e.id(`SELECT id FROM projects WHERE name = $1`, name)
}

func TestProjectPages_OwnerCreatesFiltersEditsAndDeletes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Projects Co")
	e.db.MustExec(`UPDATE organizations SET currency = 'EUR'`)

	p := owner.get("/projects")
	if p.status != 200 || !p.has("new-project") || !p.has("empty-new-project") {
		t.Fatalf("empty list: %d new=%v empty=%v", p.status, p.has("new-project"), p.has("empty-new-project"))
	}
	checkPage(t, "empty list", p)
	form := owner.get("/projects/new")
	if form.status != 200 || !form.has("project-form") || form.doc.Find(`input[name="color"][value="#6366f1"]`).AttrOr("checked", "x") == "x" {
		t.Fatalf("new project page: %d", form.status)
	}
	checkPage(t, "new project", form)

	// Invalid input is shown in place: htmx gets the form alone with a 422.
	bad := owner.htmx("/projects/new", url.Values{"name": {"  "}, "hourly_rate": {"12"}})
	if bad.status != http.StatusUnprocessableEntity || strings.Contains(bad.body, "<html") || !strings.Contains(bad.text("field-error"), "Name is required.") {
		t.Fatalf("blank name: %d %q", bad.status, bad.text("field-error"))
	}
	if got := bad.doc.Find(`#project-name`).AttrOr("aria-invalid", ""); got != "true" {
		t.Fatalf("name field not marked invalid")
	}
	rate := owner.post("/projects/new", url.Values{"name": {"Website relaunch"}, "hourly_rate": {"lots"}})
	if rate.status != http.StatusUnprocessableEntity || !strings.Contains(rate.text("field-error"), "Hourly rate") || !rate.has("sidebar") {
		t.Fatalf("bad rate: %d %q", rate.status, rate.text("field-error"))
	}
	if got := rate.doc.Find(`#project-name`).AttrOr("value", ""); got != "Website relaunch" {
		t.Fatalf("form lost the name: %q", got)
	}

	// A custom color, a rate in major units, billable.
	ok := owner.post("/projects/new", url.Values{
		"name": {"Website relaunch"}, "description": {"New marketing site"}, "color": {"#6366f1"},
		"color_custom": {"#123456"}, "color_custom_was": {"#6366f1"}, "billable": {"true"}, "hourly_rate": {"120.50"},
	})
	id := e.id(`SELECT id FROM projects WHERE name = $1`, "Website relaunch")
	if ok.status != http.StatusSeeOther || ok.location != "/projects/"+id+"/board" {
		t.Fatalf("create: %d %q", ok.status, ok.location)
	}
	var pr struct {
		Color    string         `db:"color"`
		Billable bool           `db:"billable"`
		Rate     sql.NullInt64  `db:"hourly_rate"`
		Status   string         `db:"status"`
		Client   sql.NullString `db:"client_id"`
	}
	if err := e.db.Get(&pr, `SELECT color, billable, hourly_rate, status, client_id FROM projects WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if pr.Color != "#123456" || !pr.Billable || pr.Rate.Int64 != 12050 || pr.Status != "active" {
		t.Fatalf("created project: %+v", pr)
	}
	pwCreateProject(t, e, owner, "Internal tools")

	list := owner.get("/projects")
	cards := list.doc.Find(`[data-testid="project-card"]`)
	if cards.Length() != 2 {
		t.Fatalf("%d cards", cards.Length())
	}
	web := list.doc.Find(`[data-testid="project-card"][data-project-id="` + id + `"]`)
	if strings.TrimSpace(web.Find(`[data-testid="project-rate"] .money`).Text()) != "120.50 EUR" ||
		strings.TrimSpace(web.Find(`[data-testid="project-billable"]`).Text()) != "Billable" ||
		!strings.Contains(web.Find(`[data-testid="project-progress"]`).Text(), "No tasks yet") ||
		web.Find(`a[href="/projects/`+id+`/board"]`).Length() == 0 || web.Find(`a[href="/projects/`+id+`/gantt"]`).Length() == 0 ||
		web.Find(`a[href="/projects/`+id+`/edit"]`).Length() == 0 {
		t.Fatalf("card: %s", web.Text())
	}
	if web.Find(`svg rect[fill="#123456"]`).Length() == 0 {
		t.Fatalf("card without its color")
	}
	checkPage(t, "list", list)

	// Edit: archive, clear the rate, not billable, a preset color.
	edit := owner.get("/projects/" + id + "/edit")
	if edit.status != 200 || !edit.has("project-form") || !edit.has("project-delete-form") || !edit.has("project-tab-settings") {
		t.Fatalf("edit page: %d", edit.status)
	}
	if got := edit.doc.Find(`#project-rate`).AttrOr("value", ""); got != "120.50" {
		t.Fatalf("rate shown as %q", got)
	}
	if edit.doc.Find(`input[name="color"][value="custom"][checked]`).Length() != 1 {
		t.Fatalf("custom color not selected")
	}
	checkPage(t, "edit", edit)
	if p := owner.htmx("/projects/"+id+"/edit", url.Values{"name": {""}, "status": {"active"}}); p.status != 422 || !strings.Contains(p.body, "Name is required.") || strings.Contains(p.body, "<html") {
		t.Fatalf("blank name on edit: %d", p.status)
	}
	saved := owner.post("/projects/"+id+"/edit", url.Values{
		"name": {"Website relaunch"}, "color": {"#ef4444"}, "color_custom": {"#123456"}, "color_custom_was": {"#123456"},
		"hourly_rate": {""}, "status": {"archived"},
	})
	if saved.status != http.StatusSeeOther || saved.location != "/projects/"+id+"/edit" {
		t.Fatalf("save: %d %q %s", saved.status, saved.location, saved.body)
	}
	e.db.Get(&pr, `SELECT color, billable, hourly_rate, status, client_id FROM projects WHERE id = $1`, id)
	if pr.Color != "#ef4444" || pr.Billable || pr.Rate.Valid || pr.Status != "archived" {
		t.Fatalf("saved project: %+v", pr)
	}

	// Filters live in the URL; htmx gets the results alone.
	if n := owner.get("/projects").count("project-card"); n != 1 {
		t.Fatalf("active: %d cards", n)
	}
	arch := owner.get("/projects?status=archived")
	if arch.count("project-card") != 1 || !arch.has("project-archived") || arch.doc.Find(`#projects-status-archived[checked]`).Length() != 1 {
		t.Fatalf("archived filter")
	}
	if n := owner.get("/projects?status=all").count("project-card"); n != 2 {
		t.Fatalf("all: %d cards", n)
	}
	q := owner.get("/projects?status=all&q=intern")
	if q.count("project-card") != 1 || q.doc.Find(`#projects-q`).AttrOr("value", "") != "intern" {
		t.Fatalf("search")
	}
	none := owner.get("/projects?q=zebra")
	if !none.has("empty-state") || !none.has("clear-filters") {
		t.Fatalf("no match without empty state")
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/projects?status=all&q=web", nil)
	req.Header.Set("HX-Request", "true")
	frag := owner.read(owner.c.Do(req))
	if frag.status != 200 || strings.Contains(frag.body, "<html") || !frag.has("projects-results") || frag.count("project-card") != 1 {
		t.Fatalf("htmx results: %d %s", frag.status, frag.body)
	}

	// Delete needs the name typed exactly.
	owner.get("/projects/" + id + "/edit")
	if p := owner.post("/projects/"+id+"/delete", url.Values{"confirm_name": {"website"}}); p.status != 422 || !p.has("field-error") {
		t.Fatalf("delete without confirmation: %d", p.status)
	}
	if p := owner.post("/projects/"+id+"/delete", url.Values{"confirm_name": {"Website relaunch"}}); p.status != http.StatusSeeOther || p.location != "/projects" {
		t.Fatalf("delete: %d %q", p.status, p.location)
	}
	var n int
	e.db.Get(&n, `SELECT count(*) FROM projects WHERE id = $1`, id)
	if n != 0 {
		t.Fatal("project not deleted")
	}
}

func TestProjectPages_MembersManagersAndOtherOrganizations(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Projects Co")
	id := pwCreateProject(t, e, owner, "Apollo")
	mia := e.join(owner, "Mia Member", "mia@example.com", "member")
	miaID := e.userID("mia@example.com")

	// A member on no project: no create button, a friendly empty state; creating is forbidden; the project is
	// invisible.
	list := mia.get("/projects")
	if list.status != 200 || list.has("new-project") || list.count("project-card") != 0 || !list.has("empty-state") {
		t.Fatalf("member list: %d", list.status)
	}
	mia.visit(visit{name: "member new page", path: "/projects/new", status: 403})
	mia.visit(visit{name: "member create", method: http.MethodPost, path: "/projects/new", form: url.Values{"name": {"Sneaky"}}, status: 403})
	// The store refuses a member before it reads the rate: a rate it cannot read changes nothing.
	mia.visit(visit{name: "member create with a bad rate", method: http.MethodPost, path: "/projects/new", form: url.Values{"name": {"Sneaky"}, "hourly_rate": {"lots"}}, status: 403})
	for _, path := range []string{"/projects/" + id + "/edit", "/projects/" + id + "/members", "/projects/not-a-uuid/members"} {
		mia.visit(visit{name: "member", path: path, status: 404})
	}

	// The owner adds Mia as a member with htmx: the section comes back with her and a flash.
	mp := owner.get("/projects/" + id + "/members")
	if mp.status != 200 || !mp.has("project-member-add-form") || mp.count("project-member-row") != 1 {
		t.Fatalf("members page: %d", mp.status)
	}
	if mp.doc.Find(`#pm-add-user option[value="`+miaID+`"]`).Length() != 1 {
		t.Fatalf("Mia is not offered")
	}
	checkPage(t, "members", mp)
	if p := owner.htmx("/projects/"+id+"/members", url.Values{"user_id": {""}, "role": {"member"}}); p.status != 422 || !strings.Contains(p.body, "Choose a person to add.") {
		t.Fatalf("add nobody: %d", p.status)
	}
	added := owner.htmx("/projects/"+id+"/members", url.Values{"user_id": {miaID}, "role": {"member"}})
	if added.status != 200 || strings.Contains(added.body, "<html") || added.count("project-member-row") != 2 || !strings.Contains(added.body, "Mia Member was added") {
		t.Fatalf("add: %d %s", added.status, added.body)
	}
	if !added.has("project-member-none") {
		t.Fatalf("everyone is on the project, yet someone is offered")
	}
	if p := owner.htmx("/projects/"+id+"/members", url.Values{"user_id": {miaID}, "role": {"member"}}); p.status != 422 || !strings.Contains(p.text("form-error"), "already a member") {
		t.Fatalf("add twice: %d %q", p.status, p.text("form-error"))
	}

	// As a member, Mia sees the project and its people, but cannot manage it.
	list = mia.get("/projects")
	if list.count("project-card") != 1 || list.has("project-edit-link") {
		t.Fatalf("member sees %d cards, edit link %v", list.count("project-card"), list.has("project-edit-link"))
	}
	mm := mia.get("/projects/" + id + "/members")
	if mm.status != 200 || mm.has("project-member-add-form") || mm.has("project-member-remove-form") || mm.has("project-tab-settings") {
		t.Fatalf("member view of members: %d", mm.status)
	}
	mia.visit(visit{name: "member edit page", path: "/projects/" + id + "/edit", status: 403})
	mia.visit(visit{name: "member edit", method: http.MethodPost, path: "/projects/" + id + "/edit", form: url.Values{"name": {"Renamed"}, "status": {"active"}}, status: 403})
	mia.visit(visit{name: "member edit with a bad rate", method: http.MethodPost, path: "/projects/" + id + "/edit", form: url.Values{"name": {"Renamed"}, "status": {"active"}, "hourly_rate": {"12.345"}}, status: 403})
	mia.visit(visit{name: "member removes", method: http.MethodPost, path: "/projects/" + id + "/members/" + miaID + "/remove", status: 403})

	// Made a manager, Mia may edit the project but not delete it.
	owner.get("/projects/" + id + "/members")
	if p := owner.htmx("/projects/"+id+"/members/"+miaID+"/remove", nil); p.status != 200 || p.count("project-member-row") != 1 {
		t.Fatalf("remove: %d", p.status)
	}
	owner.visit(visit{name: "add manager", method: http.MethodPost, path: "/projects/" + id + "/members", form: url.Values{"user_id": {miaID}, "role": {"manager"}}, status: http.StatusSeeOther})
	me := mia.get("/projects/" + id + "/edit")
	if me.status != 200 || me.has("project-delete-form") || !me.has("project-tab-settings") {
		t.Fatalf("manager edit page: %d delete form %v", me.status, me.has("project-delete-form"))
	}
	mia.visit(visit{name: "manager save", method: http.MethodPost, path: "/projects/" + id + "/edit", form: url.Values{"name": {"Apollo 11"}, "color": {"#3b82f6"}, "status": {"active"}, "billable": {"true"}}, status: http.StatusSeeOther})
	mia.visit(visit{name: "manager delete", method: http.MethodPost, path: "/projects/" + id + "/delete", form: url.Values{"confirm_name": {"Apollo 11"}}, status: 403})
	if mm := mia.get("/projects/" + id + "/members"); !mm.has("project-member-add-form") || !mm.has("project-member-remove-form") {
		t.Fatalf("manager cannot manage members")
	}

	// An admin gets both forms and may delete.
	adam := e.join(owner, "Adam Admin", "adam@example.com", "admin")
	if p := adam.get("/projects/new"); p.status != 200 || !p.has("project-form") {
		t.Fatalf("admin new page: %d", p.status)
	}
	if p := adam.get("/projects/" + id + "/edit"); p.status != 200 || !p.has("project-form") || !p.has("project-delete-form") {
		t.Fatalf("admin edit page: %d", p.status)
	}

	// A manager who leaves loses sight of the project and is sent to the list.
	mia.get("/projects/" + id + "/members")
	if p := mia.post("/projects/"+id+"/members/"+miaID+"/remove", nil); p.status != http.StatusSeeOther || p.location != "/projects" {
		t.Fatalf("manager leaves: %d %q", p.status, p.location)
	}
	mia.visit(visit{name: "after leaving", path: "/projects/" + id + "/edit", status: 404})

	// Another organization's admin never sees the project.
	stranger := e.withOrg("Stan", "stan@example.com", "Stranger Co")
	for _, path := range []string{"/projects/" + id + "/edit", "/projects/" + id + "/members"} {
		stranger.visit(visit{name: "stranger", path: path, status: 404})
	}
	stranger.get("/projects")
	for _, path := range []string{"/projects/" + id + "/edit", "/projects/" + id + "/delete", "/projects/" + id + "/members", "/projects/" + id + "/members/" + miaID + "/remove"} {
		stranger.visit(visit{name: "stranger POST", method: http.MethodPost, path: path, form: url.Values{"name": {"x"}, "confirm_name": {"Apollo 11"}, "user_id": {miaID}}, status: 404})
	}
	if stranger.get("/projects").count("project-card") != 0 {
		t.Fatal("stranger lists another organization's project")
	}
}
