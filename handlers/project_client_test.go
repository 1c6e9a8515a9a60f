package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A project is linked to a client from the client's page ("New project" with the client chosen), its settings
// change or clear the client, and the project list and the timer's picker name the client.
func TestProjectClient_ChosenOnFormsAndShownOnCardsAndTimer(t *testing.T) {
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Acme")
	acme := clCreate(t, e, owner, url.Values{"name": {"Acme Corp"}})
	globex := clCreate(t, e, owner, url.Values{"name": {"Globex"}})

	cp := owner.get("/clients/" + acme)
	link := cp.doc.Find(`[data-testid="client-new-project"]`).AttrOr("href", "")
	if link != "/projects/new?client_id="+acme {
		t.Fatalf("client page new project link = %q", link)
	}
	form := owner.get(link)
	checkPage(t, "new project", form)
	if got := form.doc.Find(`[data-testid="project-client"] option[selected]`).AttrOr("value", ""); got != acme {
		t.Fatalf("preselected client = %q, want %q", got, acme)
	}
	if p := owner.post("/projects/new", url.Values{"name": {"Site"}, "color": {"#22c55e"}, "client_id": {acme}}); p.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", p.status, p.body)
	}
	pid := e.id(`SELECT id FROM projects WHERE name = $1`, "Site")
	if got := e.id(`SELECT coalesce(client_id::text, '') FROM projects WHERE id = $1`, pid); got != acme {
		t.Fatalf("client_id = %q", got)
	}

	list := owner.get("/projects")
	if got := strings.TrimSpace(list.text("project-client")); got != "Acme Corp" {
		t.Fatalf("project card client = %q", got)
	}
	timer := owner.get("/timer/form")
	if opt := timer.doc.Find(`option[value="` + pid + `"]`).Text(); !strings.Contains(opt, "Acme Corp") {
		t.Fatalf("timer picker option = %q", opt)
	}

	edit := owner.get("/projects/" + pid + "/edit")
	if got := edit.doc.Find(`[data-testid="project-client"] option[selected]`).AttrOr("value", ""); got != acme {
		t.Fatalf("settings client = %q", got)
	}
	save := func(client string) page {
		return owner.post("/projects/"+pid+"/edit", url.Values{"name": {"Site"}, "key": {"SITE"}, "color": {"#22c55e"},
			"status": {"active"}, "client_id": {client}})
	}
	if p := save(globex); p.status != http.StatusSeeOther {
		t.Fatalf("change client: %d %s", p.status, p.body)
	}
	if got := e.id(`SELECT coalesce(client_id::text, '') FROM projects WHERE id = $1`, pid); got != globex {
		t.Fatalf("client_id after change = %q", got)
	}

	other := e.withOrg("Otto Other", "otto@example.com", "Other")
	foreign := clCreate(t, e, other, url.Values{"name": {"Foreign"}})
	if p := save(foreign); p.status != http.StatusUnprocessableEntity || p.fieldError("client_id") == "" {
		t.Fatalf("another organization's client: %d %q", p.status, p.fieldError("client_id"))
	}
	if got := e.id(`SELECT coalesce(client_id::text, '') FROM projects WHERE id = $1`, pid); got != globex {
		t.Fatalf("refused change altered client_id to %q", got)
	}
	if p := save(""); p.status != http.StatusSeeOther {
		t.Fatalf("clear client: %d %s", p.status, p.body)
	}
	if got := e.id(`SELECT coalesce(client_id::text, '') FROM projects WHERE id = $1`, pid); got != "" {
		t.Fatalf("client_id after clearing = %q", got)
	}
}
