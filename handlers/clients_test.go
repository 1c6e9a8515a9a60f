package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// clCreate creates a client through the page form and returns its id.
func clCreate(t *testing.T, e *env, b *browser, form url.Values) string {
	t.Helper()
	b.get("/clients/new")
	p := b.post("/clients/new", form)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/clients/") {
		t.Fatalf("create client %v: %d %s", form, p.status, p.body)
	}
	return strings.TrimPrefix(p.location, "/clients/")
}

func TestClientPages_OwnerCreatesSearchesPagesAndEdits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Clients Co")
	e.db.MustExec(`UPDATE organizations SET currency = 'EUR'`)

	p := owner.get("/clients")
	if p.status != 200 || !p.has("new-client") || !p.has("empty-new-client") {
		t.Fatalf("empty list: %d new=%v empty=%v", p.status, p.has("new-client"), p.has("empty-new-client"))
	}
	if p.doc.Find(`a[aria-current="page"][href="/clients"]`).Length() != 1 {
		t.Errorf("the Clients nav item is not current")
	}
	checkPage(t, "empty list", p)

	form := owner.get("/clients/new")
	if form.status != 200 || !form.has("client-form") {
		t.Fatalf("new form: %d", form.status)
	}
	if got := form.doc.Find(`select[name="currency"] option[selected]`).Text(); !strings.Contains(got, "EUR") {
		t.Errorf("default currency option = %q", got)
	}
	checkPage(t, "new form", form)

	// Invalid input is shown in place, with what was typed kept.
	bad := owner.post("/clients/new", url.Values{"name": {" "}, "email": {"not-an-email"}, "phone": {"+49 30 1234"}})
	if bad.status != http.StatusUnprocessableEntity || !bad.has("client-form") {
		t.Fatalf("invalid create: %d", bad.status)
	}
	if bad.fieldError("name") != "Name is required." || !strings.Contains(bad.fieldError("email"), "valid email") {
		t.Errorf("messages: name=%q email=%q", bad.fieldError("name"), bad.fieldError("email"))
	}
	if bad.doc.Find(`input[name="phone"]`).AttrOr("value", "") != "+49 30 1234" {
		t.Errorf("typed phone was not kept")
	}
	checkPage(t, "invalid form", bad)
	rate := owner.htmx("/clients/new", url.Values{"name": {"Acme"}, "hourly_rate": {"12.345"}})
	if rate.status != http.StatusUnprocessableEntity || strings.Contains(rate.body, "<html") || !rate.has("client-form") {
		t.Fatalf("htmx invalid rate: %d fragment=%v", rate.status, !strings.Contains(rate.body, "<html"))
	}
	if !strings.Contains(rate.fieldError("hourly_rate"), "decimals") {
		t.Errorf("rate message = %q", rate.fieldError("hourly_rate"))
	}
	cur := owner.post("/clients/new", url.Values{"name": {"Acme"}, "currency": {"XXX"}})
	if cur.status != http.StatusUnprocessableEntity || !strings.Contains(cur.fieldError("currency"), "ISO 4217") {
		t.Errorf("bad currency: %d %q", cur.status, cur.fieldError("currency"))
	}

	acme := clCreate(t, e, owner, url.Values{
		"name": {"Acme Corp"}, "email": {"billing@acme.test"}, "phone": {"+1 555 0100"}, "street": {"1 Main St"},
		"city": {"Springfield"}, "state": {"IL"}, "zip": {"62701"}, "country": {"USA"}, "currency": {"usd"},
		"hourly_rate": {"1,120.50"}, "notes": {"Net 30"},
	})
	var row struct {
		Rate     int64  `db:"hourly_rate"`
		Currency string `db:"currency"`
		City     string `db:"city"`
	}
	if err := e.db.Get(&row, `SELECT hourly_rate, currency, address->>'city' AS city FROM clients WHERE id = $1`, acme); err != nil {
		t.Fatal(err)
	}
	if row.Rate != 112050 || row.Currency != "USD" || row.City != "Springfield" {
		t.Errorf("stored client = %+v", row)
	}
	page := owner.get("/clients/" + acme)
	if page.status != 200 || page.text("client-title") != "Acme Corp" || !page.has("flash") {
		t.Fatalf("client page after create: %d %q flash=%v", page.status, page.text("client-title"), page.has("flash"))
	}
	if !strings.Contains(page.text("client-header-address"), "62701 Springfield") || page.text("client-header-email") != "billing@acme.test" {
		t.Errorf("header: %q %q", page.text("client-header-address"), page.text("client-header-email"))
	}
	if page.doc.Find(`a[data-testid="client-header-phone"]`).AttrOr("href", "") != "tel:+15550100" {
		t.Errorf("phone link = %q", page.doc.Find(`a[data-testid="client-header-phone"]`).AttrOr("href", ""))
	}
	checkPage(t, "client page", page)

	clCreate(t, e, owner, url.Values{"name": {"Globex"}, "email": {"hello@globex.test"}})
	list := owner.get("/clients")
	if got := list.texts("client-name"); strings.Join(got, ",") != "Acme Corp,Globex" {
		t.Fatalf("list = %v", got)
	}
	if got := list.texts("client-rate"); got[0] != "1,120.50 USD" || got[1] != "—" {
		t.Errorf("rates = %v", got)
	}
	if got := list.texts("client-currency"); got[0] != "USD" || !strings.Contains(got[1], "EUR") || !strings.Contains(got[1], "default") {
		t.Errorf("currencies = %v", got)
	}
	checkPage(t, "list", list)

	// Search by name or email, kept in the URL; htmx gets only the results.
	if got := owner.get("/clients?q=GLOBEX.TEST").texts("client-name"); len(got) != 1 || got[0] != "Globex" {
		t.Errorf("search by email = %v", got)
	}
	frag := owner.send(visit{htmx: true, path: "/clients?q=acme", target: "clients-results"})
	if frag.status != 200 || strings.Contains(frag.body, "<html") || frag.count("client-row") != 1 {
		t.Errorf("htmx search: %d rows=%d", frag.status, frag.count("client-row"))
	}
	none := owner.get("/clients?q=zzz")
	if !none.has("empty-state") || !none.has("clear-filters") || none.doc.Find(`#clients-q`).AttrOr("value", "") != "zzz" {
		t.Errorf("no match: empty=%v value=%q", none.has("empty-state"), none.doc.Find(`#clients-q`).AttrOr("value", ""))
	}

	// Pagination keeps the search.
	org := e.id(`SELECT id FROM organizations`)
	e.db.MustExec(`INSERT INTO clients (organization_id, name) SELECT $1, 'Bulk ' || lpad(g::text, 2, '0') FROM generate_series(1, 30) g`, org)
	first := owner.get("/clients?q=bulk")
	next := first.doc.Find(`[data-testid="pagination-next"]`)
	if first.count("client-row") != 25 || next.AttrOr("href", "") != "/clients?page=2&q=bulk" || next.AttrOr("hx-target", "") != "#clients-results" {
		t.Fatalf("page 1: rows=%d next=%q", first.count("client-row"), next.AttrOr("href", ""))
	}
	if got := owner.get("/clients?q=bulk&page=2").texts("client-name"); len(got) != 5 || got[0] != "Bulk 26" {
		t.Errorf("page 2 = %v", got)
	}

	// Edit: the rate is shown in major units; clearing it and the currency stores NULLs.
	edit := owner.get("/clients/" + acme + "/edit")
	if edit.status != 200 || edit.doc.Find(`input[name="hourly_rate"]`).AttrOr("value", "") != "1120.50" ||
		edit.doc.Find(`select[name="currency"] option[selected]`).AttrOr("value", "") != "USD" || !edit.has("client-delete-form") {
		t.Fatalf("edit page: %d rate=%q", edit.status, edit.doc.Find(`input[name="hourly_rate"]`).AttrOr("value", ""))
	}
	checkPage(t, "edit page", edit)
	invalid := owner.htmx("/clients/"+acme+"/edit", url.Values{"name": {"Acme Corp"}, "email": {"nope"}})
	if invalid.status != http.StatusUnprocessableEntity || !strings.Contains(invalid.fieldError("email"), "valid email") {
		t.Errorf("invalid edit: %d %q", invalid.status, invalid.fieldError("email"))
	}
	saved := owner.post("/clients/"+acme+"/edit", url.Values{"name": {"Acme Corporation"}, "email": {"ap@acme.test"}, "city": {"Chicago"}})
	if saved.status != http.StatusSeeOther || saved.location != "/clients/"+acme {
		t.Fatalf("save: %d %s", saved.status, saved.location)
	}
	var after struct {
		Name     string  `db:"name"`
		Rate     *int64  `db:"hourly_rate"`
		Currency *string `db:"currency"`
		Street   string  `db:"street"`
	}
	if err := e.db.Get(&after, `SELECT name, hourly_rate, currency, address->>'street' AS street FROM clients WHERE id = $1`, acme); err != nil {
		t.Fatal(err)
	}
	if after.Name != "Acme Corporation" || after.Rate != nil || after.Currency != nil || after.Street != "" {
		t.Errorf("after edit = %+v", after)
	}
}

func TestClientPage_ContactsInlineWithHTMX(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Clients Co")
	id := clCreate(t, e, owner, url.Values{"name": {"Acme"}})
	p := owner.get("/clients/" + id)
	if !p.has("contacts-empty") || !p.has("contact-add-form") {
		t.Fatalf("empty contacts: empty=%v form=%v", p.has("contacts-empty"), p.has("contact-add-form"))
	}

	bad := owner.htmx("/clients/"+id+"/contacts", url.Values{"name": {""}, "email": {"x@"}, "role": {"CFO"}})
	if bad.status != http.StatusUnprocessableEntity || strings.Contains(bad.body, "<html") || !bad.has("client-contacts") {
		t.Fatalf("invalid add: %d", bad.status)
	}
	if bad.fieldError("name") != "Name is required." || bad.fieldError("email") == "" {
		t.Errorf("messages: %q %q", bad.fieldError("name"), bad.fieldError("email"))
	}
	if _, open := bad.doc.Find(`[data-testid="contact-add"]`).Attr("open"); !open || bad.doc.Find(`input[name="role"]`).AttrOr("value", "") != "CFO" {
		t.Errorf("the add form is not open with the typed role")
	}

	ok := owner.htmx("/clients/"+id+"/contacts", url.Values{"name": {"Wile Coyote"}, "email": {"wile@acme.test"}, "phone": {"555-0199"}, "role": {"Buyer"}})
	if ok.status != 200 || ok.count("contact-row") != 1 || ok.text("contact-name") != "Wile Coyote" || ok.text("contact-role") != "Buyer" {
		t.Fatalf("add: %d rows=%d", ok.status, ok.count("contact-row"))
	}
	if ok.doc.Find(`#flashes[hx-swap-oob] [data-testid="flash"]`).Length() != 1 {
		t.Errorf("no flash with the added contact")
	}
	cid := e.id(`SELECT id FROM client_contacts WHERE name = 'Wile Coyote'`)

	// Edit in place: the row becomes a form, then the row again.
	form := owner.send(visit{htmx: true, path: "/clients/" + id + "/contacts/" + cid + "/edit", target: "contact-" + cid})
	if form.status != 200 || !form.has("contact-edit-form") || form.doc.Find(`input[name="email"]`).AttrOr("value", "") != "wile@acme.test" {
		t.Fatalf("edit row: %d", form.status)
	}
	invalid := owner.htmx("/clients/"+id+"/contacts/"+cid+"/edit", url.Values{"name": {"Wile E. Coyote"}, "email": {"bad"}})
	if invalid.status != http.StatusUnprocessableEntity || !invalid.has("contact-edit-form") || invalid.fieldError("email") == "" {
		t.Errorf("invalid edit: %d", invalid.status)
	}
	saved := owner.htmx("/clients/"+id+"/contacts/"+cid+"/edit", url.Values{"name": {"Wile E. Coyote"}, "email": {"wile@acme.test"}, "role": {"Head buyer"}})
	if saved.status != 200 || saved.has("contact-edit-form") || saved.text("contact-name") != "Wile E. Coyote" || saved.text("contact-role") != "Head buyer" {
		t.Errorf("saved row: %d %q", saved.status, saved.text("contact-name"))
	}
	cancel := owner.send(visit{htmx: true, path: "/clients/" + id + "/contacts/" + cid, target: "contact-" + cid})
	if cancel.status != 200 || cancel.has("contact-edit-form") || !cancel.has("contact-edit") {
		t.Errorf("cancel: %d", cancel.status)
	}
	// Without JavaScript the edit link opens the whole page with that row as a form.
	full := owner.get("/clients/" + id + "/contacts/" + cid + "/edit")
	if full.status != 200 || !full.has("client-header") || !full.has("contact-edit-form") {
		t.Errorf("plain edit link: %d", full.status)
	}
	checkPage(t, "page with an edited contact", full)

	gone := owner.htmx("/clients/"+id+"/contacts/"+cid+"/delete", nil)
	if gone.status != 200 || !gone.has("contacts-empty") {
		t.Errorf("delete: %d", gone.status)
	}
	plain := owner.post("/clients/"+id+"/contacts", url.Values{"name": {"Road Runner"}})
	if plain.status != http.StatusSeeOther || plain.location != "/clients/"+id+"#client-contacts" {
		t.Errorf("plain add: %d %s", plain.status, plain.location)
	}
}

func TestClientPage_ActivityTimelineFiltersAndLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Clients Co")
	id := clCreate(t, e, owner, url.Values{"name": {"Acme"}})
	p := owner.get("/clients/" + id)
	today := time.Now().UTC().Format(time.DateOnly) // the new user's timezone is UTC
	if !p.has("activity-form") || p.doc.Find(`input[name="date"]`).AttrOr("value", "") != today || !p.has("empty-state") {
		t.Fatalf("empty timeline: form=%v date=%q", p.has("activity-form"), p.doc.Find(`input[name="date"]`).AttrOr("value", ""))
	}

	bad := owner.htmx("/clients/"+id+"/activities", url.Values{"type": {"fax"}, "title": {""}, "date": {"yesterday"}})
	if bad.status != http.StatusUnprocessableEntity || !bad.has("client-activity") {
		t.Fatalf("invalid log: %d", bad.status)
	}
	if bad.fieldError("title") != "Title is required." || bad.fieldError("date") == "" {
		t.Errorf("messages: title=%q date=%q", bad.fieldError("title"), bad.fieldError("date"))
	}
	if !strings.Contains(bad.body, "Type must be meeting, call, email or note.") {
		t.Errorf("type message missing")
	}

	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	lastMonth := time.Now().UTC().AddDate(0, -1, -3).Format(time.DateOnly)
	for _, a := range []url.Values{
		{"type": {"meeting"}, "title": {"Kick-off"}, "date": {lastMonth}, "description": {"Scope and\nbudget"}},
		{"type": {"call"}, "title": {"Budget call"}, "date": {yesterday}},
		{"type": {"note"}, "title": {"Prefers email"}, "date": {today}},
	} {
		if r := owner.htmx("/clients/"+id+"/activities", a); r.status != 200 || !r.has("activity-timeline") {
			t.Fatalf("log %v: %d %s", a, r.status, r.body)
		}
	}
	p = owner.get("/clients/" + id)
	if got := p.texts("activity-title"); strings.Join(got, "|") != "Prefers email|Budget call|Kick-off" {
		t.Errorf("timeline = %v", got)
	}
	if got := p.texts("activity-type"); strings.Join(got, "|") != "Note|Call|Meeting" {
		t.Errorf("types = %v", got)
	}
	checkPage(t, "timeline", p)

	calls := owner.get("/clients/" + id + "?type=call")
	if got := calls.texts("activity-title"); len(got) != 1 || got[0] != "Budget call" {
		t.Errorf("calls = %v", got)
	}
	if _, checked := calls.doc.Find(`[data-testid="activity-filter-call"]`).Attr("checked"); !checked {
		t.Errorf("the call filter is not checked")
	}
	frag := owner.send(visit{htmx: true, path: "/clients/" + id + "?type=meeting", target: "client-activity"})
	if frag.status != 200 || strings.Contains(frag.body, "<html") || strings.Join(frag.texts("activity-title"), "|") != "Kick-off" {
		t.Errorf("htmx filter: %d %v", frag.status, frag.texts("activity-title"))
	}
	emails := owner.get("/clients/" + id + "?type=email")
	if !emails.has("activity-clear-filter") || emails.count("activity-item") != 0 {
		t.Errorf("empty filter state missing")
	}
	if got := owner.get("/clients/" + id + "?type=bogus").count("activity-item"); got != 3 {
		t.Errorf("unknown type filter shows %d items", got)
	}

	// Logging while filtered keeps the filter.
	r := owner.htmx("/clients/"+id+"/activities", url.Values{"type": {"call"}, "title": {"Follow-up"}, "date": {today}, "filter_type": {"call"}})
	if got := r.texts("activity-title"); strings.Join(got, "|") != "Follow-up|Budget call" {
		t.Errorf("filtered after log = %v", got)
	}
	plain := owner.post("/clients/"+id+"/activities", url.Values{"type": {"email"}, "title": {"Sent the quote"}, "date": {today}})
	if plain.status != http.StatusSeeOther || plain.location != "/clients/"+id+"#client-activity" {
		t.Errorf("plain log: %d %s", plain.status, plain.location)
	}
}

func TestClientPages_MemberReadsWithoutWriteControlsOrMoney(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Clients Co")
	id := clCreate(t, e, owner, url.Values{"name": {"Acme"}, "hourly_rate": {"90"}})
	owner.get("/clients/" + id)
	owner.post("/clients/"+id+"/contacts", url.Values{"name": {"Wile"}})
	owner.post("/clients/"+id+"/activities", url.Values{"type": {"call"}, "title": {"Intro call"}})
	cid := e.id(`SELECT id FROM client_contacts`)
	member := e.join(owner, "Mia Member", "mia@example.com", "member")

	list := member.get("/clients")
	if list.status != 200 || list.count("client-row") != 1 || list.has("new-client") || list.has("client-edit-link") {
		t.Errorf("member list: %d rows=%d new=%v edit=%v", list.status, list.count("client-row"), list.has("new-client"), list.has("client-edit-link"))
	}
	p := member.get("/clients/" + id)
	if p.status != 200 || p.text("contact-name") != "Wile" || p.text("activity-title") != "Intro call" {
		t.Fatalf("member page: %d", p.status)
	}
	for _, hidden := range []string{"client-edit", "contact-add", "contact-edit", "contact-delete-form", "activity-composer", "client-invoices", "client-open-balance", "client-invoices-stat"} {
		if p.has(hidden) {
			t.Errorf("member sees %s", hidden)
		}
	}
	if !p.has("client-rate-stat") {
		t.Errorf("member does not see the hourly rate")
	}
	checkPage(t, "member page", p)

	forbidden := []page{
		member.get("/clients/new"),
		member.get("/clients/" + id + "/edit"),
		member.get("/clients/" + id + "/contacts/" + cid + "/edit"),
		member.post("/clients/new", url.Values{"name": {"Sneaky"}}),
		// The store refuses a member before it reads the rate.
		member.post("/clients/new", url.Values{"name": {"Sneaky"}, "hourly_rate": {"lots"}}),
		member.post("/clients/"+id+"/edit", url.Values{"name": {"Renamed"}}),
		member.post("/clients/"+id+"/edit", url.Values{"name": {"Renamed"}, "hourly_rate": {"12.345"}}),
		member.post("/clients/"+id+"/delete", url.Values{"confirm_name": {"Acme"}}),
		member.post("/clients/"+id+"/contacts", url.Values{"name": {"Sneaky"}}),
		member.post("/clients/"+id+"/contacts/"+cid+"/edit", url.Values{"name": {"Renamed"}}),
		member.post("/clients/"+id+"/contacts/"+cid+"/delete", nil),
		member.post("/clients/"+id+"/activities", url.Values{"type": {"note"}, "title": {"Sneaky"}}),
	}
	for i, f := range forbidden {
		if f.status != http.StatusForbidden {
			t.Errorf("request %d: status %d, want 403", i, f.status)
		}
	}
	var n int
	e.db.Get(&n, `SELECT count(*) FROM clients WHERE name IN ('Sneaky', 'Renamed')`)
	var contacts, activities int
	e.db.Get(&contacts, `SELECT count(*) FROM client_contacts`)
	e.db.Get(&activities, `SELECT count(*) FROM client_activities`)
	if n != 0 || contacts != 1 || activities != 1 {
		t.Errorf("member changed data: clients=%d contacts=%d activities=%d", n, contacts, activities)
	}
	// An htmx write answers the error as a flash, without swapping.
	hx := member.htmx("/clients/"+id+"/contacts", url.Values{"name": {"Sneaky"}})
	if hx.status != http.StatusForbidden || hx.header.Get("HX-Reswap") != "none" {
		t.Errorf("htmx forbidden: %d %q", hx.status, hx.header.Get("HX-Reswap"))
	}
}

func TestClientPages_AdminGetsTheForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Clients Co")
	id := clCreate(t, e, owner, url.Values{"name": {"Acme"}, "currency": {"JPY"}, "hourly_rate": {"1,500"}})
	owner.get("/clients/" + id)
	owner.post("/clients/"+id+"/contacts", url.Values{"name": {"Wile"}})
	cid := e.id(`SELECT id FROM client_contacts`)
	admin := e.join(owner, "Adam Admin", "adam@example.com", "admin")

	if p := admin.get("/clients/new"); p.status != 200 || !p.has("client-form") {
		t.Fatalf("admin new page: %d", p.status)
	}
	edit := admin.get("/clients/" + id + "/edit")
	if edit.status != 200 || !edit.has("client-form") || !edit.has("client-delete-form") ||
		edit.doc.Find(`input[name="hourly_rate"]`).AttrOr("value", "") != "1500" {
		t.Fatalf("admin edit page: %d rate %q", edit.status, edit.doc.Find(`input[name="hourly_rate"]`).AttrOr("value", ""))
	}
	// Yen have no minor units: the store reads the rate in the client's currency.
	bad := admin.post("/clients/"+id+"/edit", url.Values{"name": {"Acme"}, "currency": {"JPY"}, "hourly_rate": {"15.50"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.fieldError("hourly_rate"), "whole amount") {
		t.Fatalf("yen with decimals: %d %q", bad.status, bad.fieldError("hourly_rate"))
	}
	if p := admin.get("/clients/" + id + "/contacts/" + cid + "/edit"); p.status != 200 || !p.has("contact-edit-form") {
		t.Fatalf("admin contact edit: %d", p.status)
	}
}

func TestClientPages_AnotherOrganizationsClientIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Clients Co")
	id := clCreate(t, e, owner, url.Values{"name": {"Acme"}})
	owner.get("/clients/" + id)
	owner.post("/clients/"+id+"/contacts", url.Values{"name": {"Wile"}})
	cid := e.id(`SELECT id FROM client_contacts`)
	other := clCreate(t, e, owner, url.Values{"name": {"Globex"}})

	stranger := e.withOrg("Sam Stranger", "sam@example.com", "Elsewhere")
	for _, p := range []page{
		stranger.get("/clients/" + id),
		stranger.get("/clients/" + id + "/edit"),
		stranger.get("/clients/" + id + "/contacts/" + cid + "/edit"),
		stranger.get("/clients/not-a-uuid"),
		stranger.post("/clients/"+id+"/edit", url.Values{"name": {"Mine"}}),
		stranger.post("/clients/"+id+"/delete", url.Values{"confirm_name": {"Acme"}}),
		stranger.post("/clients/"+id+"/contacts", url.Values{"name": {"Spy"}}),
		stranger.post("/clients/"+id+"/contacts/"+cid+"/delete", nil),
		stranger.post("/clients/"+id+"/activities", url.Values{"type": {"note"}, "title": {"Spy"}}),
	} {
		if p.status != http.StatusNotFound {
			t.Errorf("stranger: status %d, want 404", p.status)
		}
	}
	if got := stranger.get("/clients").count("client-row"); got != 0 {
		t.Errorf("stranger lists %d clients", got)
	}
	// A contact is reached only through its own client.
	owner.visit(visit{name: "contact through another client", path: "/clients/" + other + "/contacts/" + cid + "/edit", status: http.StatusNotFound})
	owner.visit(visit{name: "delete contact through another client", method: http.MethodPost, path: "/clients/" + other + "/contacts/" + cid + "/delete", status: http.StatusNotFound})
}

func TestClientPage_InvoicesBalanceProjectsAndDeleteRefusedWithInvoices(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	owner := e.withOrg("Olga Owner", "olga@example.com", "Clients Co")
	e.db.MustExec(`UPDATE organizations SET currency = 'EUR'`)
	id := clCreate(t, e, owner, url.Values{"name": {"Acme"}})
	spare := clCreate(t, e, owner, url.Values{"name": {"Spare"}})
	owner.get("/projects/new")
	owner.visit(visit{name: "create project", method: http.MethodPost, path: "/projects/new", form: url.Values{"name": {"Website"}, "color": {"#22c55e"}}, status: http.StatusSeeOther})
	project := e.id(`SELECT id FROM projects WHERE name = 'Website'`)
	e.db.MustExec(`UPDATE projects SET client_id = $1 WHERE id = $2`, spare, project)

	a, err := e.store.ActorFor(ctx, e.id(`SELECT id FROM users WHERE email = 'olga@example.com'`), "", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	inv, err := e.store.CreateInvoice(ctx, a, store.InvoiceInput{ClientID: &id, DueDate: &due})
	if err != nil {
		t.Fatal(err)
	}
	qty, price, desc := "2", "15025", "Design"
	if _, err := e.store.AddInvoiceLineItem(ctx, a, inv.ID, store.LineItemInput{Description: &desc, Quantity: &qty, UnitPrice: &price}); err != nil {
		t.Fatal(err)
	}
	// Sent long ago: it reads overdue, and its total is open.
	e.db.MustExec(`UPDATE invoices SET status = 'sent', sent_at = now(), issue_date = '2024-01-01', due_date = '2024-01-31' WHERE id = $1`, inv.ID)
	if _, err := e.store.CreateInvoice(ctx, a, store.InvoiceInput{ClientID: &id, DueDate: &due}); err != nil {
		t.Fatal(err)
	}

	p := owner.get("/clients/" + id)
	if got := p.texts("client-invoice-status"); strings.Join(got, "|") != "Draft|Overdue" {
		t.Errorf("statuses = %v", got)
	}
	link := p.doc.Find(`[data-testid="client-invoice-link"]`).Last()
	if link.AttrOr("href", "") != "/invoices/"+inv.ID || link.Find(`[data-testid="client-invoice-number"]`).Text() != inv.Number {
		t.Errorf("invoice link = %q %q", link.AttrOr("href", ""), link.Text())
	}
	if got := p.texts("client-invoice-total"); got[1] != "300.50 EUR" {
		t.Errorf("totals = %v", got)
	}
	if got := p.texts("client-invoice-balance"); got[1] != "300.50 EUR" {
		t.Errorf("balances = %v", got)
	}
	if got := p.text("client-open-balance-value"); got != "300.50 EUR" {
		t.Errorf("open balance = %q", got)
	}
	if !strings.Contains(p.text("client-invoices-stat"), "2") || !p.has("projects-empty") {
		t.Errorf("counts: invoices=%q projects-empty=%v", p.text("client-invoices-stat"), p.has("projects-empty"))
	}

	sp := owner.get("/clients/" + spare)
	if sp.doc.Find(`[data-testid="client-project-link"]`).AttrOr("href", "") != "/projects/"+project+"/board" || !sp.has("client-invoices") {
		t.Errorf("spare page: project link %q", sp.doc.Find(`[data-testid="client-project-link"]`).AttrOr("href", ""))
	}

	// Delete asks for the name, and is refused in place while the client has invoices.
	owner.get("/clients/" + id + "/edit")
	wrong := owner.htmx("/clients/"+id+"/delete", url.Values{"confirm_name": {"acme"}})
	if wrong.status != http.StatusUnprocessableEntity || wrong.fieldError("confirm_name") == "" {
		t.Errorf("wrong name: %d", wrong.status)
	}
	refused := owner.htmx("/clients/"+id+"/delete", url.Values{"confirm_name": {"Acme"}})
	if refused.status != http.StatusUnprocessableEntity || !refused.has("client-delete-form") || !strings.Contains(refused.text("form-error"), "has invoices") {
		t.Errorf("htmx refusal: %d %q", refused.status, refused.text("form-error"))
	}
	plain := owner.post("/clients/"+id+"/delete", url.Values{"confirm_name": {"Acme"}})
	if plain.status != http.StatusConflict || !plain.has("client-delete-form") || !strings.Contains(plain.text("form-error"), "has invoices") {
		t.Errorf("plain refusal: %d %q", plain.status, plain.text("form-error"))
	}

	// Without invoices it goes, and its project stays without a client.
	done := owner.post("/clients/"+spare+"/delete", url.Values{"confirm_name": {"Spare"}})
	if done.status != http.StatusSeeOther || done.location != "/clients" {
		t.Fatalf("delete: %d %s", done.status, done.location)
	}
	var clientID *string
	e.db.Get(&clientID, `SELECT client_id FROM projects WHERE id = $1`, project)
	if clientID != nil {
		t.Errorf("project still has client %v", *clientID)
	}
	if got := owner.get("/clients").texts("client-name"); strings.Join(got, ",") != "Acme" {
		t.Errorf("list after delete = %v", got)
	}
}
