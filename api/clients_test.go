package api_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

func names(r resp, key string) string {
	var out []string
	for _, x := range r.data() {
		out = append(out, x[key].(string))
	}
	return strings.Join(out, ",")
}

func TestClients_CreateDefaultsAndFullShape(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	r := f.call(201, f.admin, "POST", "/clients", map[string]any{"name": "  Bare Client  "})
	c := r.json
	addr, _ := c["address"].(map[string]any)
	if c["name"] != "Bare Client" || c["email"] != "" || c["phone"] != "" || c["currency"] != nil || c["hourly_rate"] != nil ||
		c["notes"] != "" || c["organization_id"] != f.org || c["id"] == "" || c["created_at"] == nil || c["updated_at"] == nil ||
		len(addr) != 5 || addr["street"] != "" || addr["country"] != "" {
		t.Fatalf("create bare: %s", r.raw)
	}
	if _, listed := c["open_balance"]; listed {
		t.Fatalf("create answers the detail figures: %s", r.raw)
	}
	full := f.call(201, f.owner, "POST", "/clients", map[string]any{
		"name": "Globex", "email": " ap@globex.example ", "phone": "+1-555-0100", "currency": "eur", "hourly_rate": 15000,
		"notes": "Pays late", "address": map[string]any{"street": "1 Main St", "city": "Springfield", "state": "IL",
			"zip": "62701", "country": "US", "planet": "Earth"},
	})
	addr, _ = full.json["address"].(map[string]any)
	if full.json["email"] != "ap@globex.example" || full.json["phone"] != "+1-555-0100" || full.json["currency"] != "EUR" ||
		full.json["hourly_rate"] != 15000.0 || full.json["notes"] != "Pays late" || addr["street"] != "1 Main St" ||
		addr["city"] != "Springfield" || addr["state"] != "IL" || addr["zip"] != "62701" || addr["country"] != "US" ||
		addr["planet"] != nil {
		t.Fatalf("create full: %s", full.raw)
	}
	zero := f.call(201, f.owner, "POST", "/clients", map[string]any{"name": "Free", "hourly_rate": 0, "currency": nil, "address": nil})
	if zero.json["hourly_rate"] != 0.0 || zero.json["currency"] != nil {
		t.Fatalf("create zero rate: %s", zero.raw)
	}
	got := f.call(200, f.member, "GET", "/clients/"+full.str("id"), nil)
	if got.str("name") != "Globex" || got.json["currency"] != "EUR" || got.json["open_balance"] != nil ||
		got.json["projects_count"] != 0.0 || got.json["invoices_count"] != 0.0 {
		t.Fatalf("get: %s", got.raw)
	}
	if n := f.auditCount("client", "created"); n != 4 { // the fixture's and three here
		t.Fatalf("client created audit entries: %d", n)
	}
}

func TestClients_CreateRefusals(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	before := f.count(`SELECT count(*) FROM clients`)
	cases := []struct {
		body    any
		field   string
		message string
	}{
		{map[string]any{}, "name", "name is required"},
		{map[string]any{"name": "  "}, "name", "name is required"},
		{map[string]any{"name": strings.Repeat("x", 256)}, "name", "name must be at most 255 characters"},
		{map[string]any{"name": "C", "email": "not-an-email"}, "email", "email must be a valid email address"},
		{map[string]any{"name": "C", "email": "a@b"}, "email", "email must be a valid email address"},
		{map[string]any{"name": "C", "currency": "XYZ"}, "currency", "currency must be an ISO 4217 currency code such as USD"},
		{map[string]any{"name": "C", "hourly_rate": -1}, "hourly_rate", "hourly_rate must be zero or more (cents per hour)"},
		{map[string]any{"name": "C", "phone": strings.Repeat("1", 256)}, "phone", "phone must be at most 255 characters"},
		{map[string]any{"name": "C", "address": map[string]any{"city": strings.Repeat("x", 256)}}, "address.city", "address.city must be at most 255 characters"},
	}
	for _, c := range cases {
		f.run(scenario{req: f.as(f.owner, "POST", "/clients", c.body), status: 400, code: "validation_failed", message: c.message, field: c.field})
	}
	typeCases := []struct{ body, message string }{
		{`{"name": "C", "address": "1 Main St"}`, "address has the wrong type: expected an object"},
		{`{"name": "C", "address": ["1 Main St"]}`, "address has the wrong type: expected an object"},
		{`{"name": "C", "address": {"street": 5}}`, "address.street has the wrong type: expected a string"},
		{`{"name": "C", "hourly_rate": 1.5}`, "hourly_rate has the wrong type: expected a number"},
		{`{"name": "C", "hourly_rate": "lots"}`, "hourly_rate has the wrong type: expected a number"},
		{`{"name": 5}`, "name has the wrong type: expected a string"},
		{`{"name": "C", "currency": 840}`, "currency has the wrong type: expected a string"},
	}
	for _, c := range typeCases {
		f.run(scenario{req: f.as(f.owner, "POST", "/clients", c.body), status: 400, code: "invalid_body", message: c.message})
	}
	f.call(400, f.owner, "POST", "/clients", `{`)
	f.must(401, req{method: "POST", path: "/clients", org: f.org, body: map[string]any{"name": "C"}})
	f.run(scenario{req: f.as(f.member, "POST", "/clients", map[string]any{"name": "C"}), status: 403, code: "forbidden"})
	f.call(403, f.member, "POST", "/clients", map[string]any{}) // permission before validation
	if after := f.count(`SELECT count(*) FROM clients`); after != before {
		t.Fatalf("refused creates wrote clients: %d → %d", before, after)
	}
}

func TestClients_GetNotFound(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	for _, u := range []user{f.owner, f.admin, f.member} {
		if r := f.call(200, u, "GET", "/clients/"+f.client, nil); r.str("id") != f.client || r.str("name") != "Acme Corp" {
			t.Fatalf("get as %s: %s", u.name, r.raw)
		}
	}
	f.call(404, f.owner, "GET", "/clients/"+f.strangerClient, nil)
	f.call(404, f.owner, "GET", "/clients/"+unknownID, nil)
	f.run(scenario{req: f.as(f.owner, "GET", "/clients/cli_abc123", nil), status: 404, code: "not_found"})
	f.must(401, req{method: "GET", path: "/clients/" + f.client})
	f.must(404, req{method: "GET", path: "/clients/" + f.client, token: f.stranger.token, org: f.org})
}

func TestClients_DetailFiguresAndProjects(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	// Two projects of the client: the member is on one of them only.
	seen := f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "Seen", "client_id": f.client}).str("id")
	f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "Hidden", "client_id": f.client})
	f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "No Client"})
	f.call(201, f.owner, "POST", "/projects/"+seen+"/members", map[string]any{"user_id": f.member.id})
	f.sqlInvoice(f.client, "INV-1", "sent", 10000, 2500, "2099-01-31") // open 7500
	f.sqlInvoice(f.client, "INV-2", "sent", 5000, 0, "2026-01-15")     // overdue: open 5000
	f.sqlInvoice(f.client, "INV-3", "draft", 7000, 0, "2099-01-31")    // not sent yet
	f.sqlInvoice(f.client, "INV-4", "paid", 3000, 3000, "2099-01-31")  // settled
	f.sqlInvoice(f.client, "INV-5", "void", 9000, 0, "2099-01-31")     // void
	f.sqlInvoice(f.strangerClient, "INV-1", "sent", 100000, 0, "2099-01-31")
	owner := f.call(200, f.owner, "GET", "/clients/"+f.client, nil)
	if owner.json["open_balance"] != 12500.0 || owner.json["invoices_count"] != 5.0 || owner.json["projects_count"] != 2.0 {
		t.Fatalf("owner detail: %s", owner.raw)
	}
	member := f.call(200, f.member, "GET", "/clients/"+f.client, nil)
	// Members see the client but not its money: invoices are for owners and admins.
	if _, shown := member.json["open_balance"]; shown || member.json["projects_count"] != 1.0 {
		t.Fatalf("member detail: %s", member.raw)
	}
	// The figures belong to GET /clients/:id only.
	for _, c := range f.call(200, f.owner, "GET", "/clients", nil).data() {
		if _, ok := c["open_balance"]; ok {
			t.Fatalf("list carries detail figures: %v", c)
		}
	}

	ctx := context.Background()
	for _, tc := range []struct {
		u    user
		want string
	}{{f.owner, "Hidden,Seen"}, {f.member, "Seen"}} {
		a, err := f.store.ActorFor(ctx, tc.u.id, f.org, "")
		if err != nil {
			t.Fatal(err)
		}
		projects, err := f.store.ClientProjects(ctx, a, f.client)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range projects {
			got = append(got, p.Name)
		}
		if strings.Join(got, ",") != tc.want {
			t.Fatalf("client projects for %s: %v", tc.u.name, got)
		}
		if _, err := f.store.ClientProjects(ctx, a, f.strangerClient); err == nil {
			t.Fatal("another organization's client's projects were listed")
		}
	}
}

func TestClients_Update(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	path := "/clients/" + f.client
	r := f.call(200, f.admin, "PUT", path, map[string]any{
		"name": "Acme Inc", "currency": "USD", "hourly_rate": 17500, "phone": "555",
		"address": map[string]any{"street": "1 Road", "city": "Paris"},
	})
	addr := r.json["address"].(map[string]any)
	if r.str("name") != "Acme Inc" || r.json["currency"] != "USD" || r.json["hourly_rate"] != 17500.0 || r.str("phone") != "555" ||
		r.str("email") != "billing@acme.com" || addr["street"] != "1 Road" || addr["city"] != "Paris" || addr["zip"] != "" {
		t.Fatalf("update: %s", r.raw)
	}
	// Absent fields stay; an address replaces the whole address.
	r = f.call(200, f.owner, "PUT", path, map[string]any{"hourly_rate": 18000, "address": map[string]any{"country": "FR"}})
	addr = r.json["address"].(map[string]any)
	if r.json["hourly_rate"] != 18000.0 || r.str("name") != "Acme Inc" || r.json["currency"] != "USD" || addr["country"] != "FR" || addr["city"] != "" {
		t.Fatalf("partial update: %s", r.raw)
	}
	// null clears; an empty currency or email clears too.
	r = f.call(200, f.owner, "PUT", path, map[string]any{"hourly_rate": nil, "currency": nil, "address": nil, "email": ""})
	addr = r.json["address"].(map[string]any)
	if r.json["hourly_rate"] != nil || r.json["currency"] != nil || addr["country"] != "" || r.str("email") != "" {
		t.Fatalf("clearing update: %s", r.raw)
	}
	f.call(200, f.owner, "PUT", path, map[string]any{"currency": "GBP"})
	if r = f.call(200, f.owner, "PUT", path, map[string]any{"currency": ""}); r.json["currency"] != nil {
		t.Fatalf("empty currency: %s", r.raw)
	}
	audits := f.auditCount("client", "updated")
	f.call(200, f.owner, "PUT", path, map[string]any{"name": "Acme Inc", "notes": ""})
	if n := f.auditCount("client", "updated"); n != audits {
		t.Fatalf("no-op update audited: %d → %d", audits, n)
	}
	var changes string
	_ = f.db.Get(&changes, `SELECT changes::text FROM audit_logs WHERE entity_type = 'client' AND action = 'updated'
		ORDER BY created_at, id LIMIT 1`)
	if !strings.Contains(changes, `"name": {"to": "Acme Inc", "from": "Acme Corp"}`) {
		t.Fatalf("audit changes: %s", changes)
	}

	f.runAll([]scenario{
		{req: f.as(f.owner, "PUT", path, map[string]any{"name": ""}), status: 400, code: "validation_failed", message: "name is required"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"email": "nope"}), status: 400, code: "validation_failed", message: "email must be a valid email address"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"currency": "DOLLARS"}), status: 400, code: "validation_failed", message: "currency must be an ISO 4217 currency code such as USD"},
		{req: f.as(f.owner, "PUT", path, map[string]any{"hourly_rate": -5}), status: 400, code: "validation_failed", message: "hourly_rate must be zero or more (cents per hour)"},
		{req: f.as(f.owner, "PUT", path, `{"address": 7}`), status: 400, code: "invalid_body", message: "address has the wrong type: expected an object"},
		{req: f.as(f.member, "PUT", path, map[string]any{"name": "Hijack"}), status: 403, code: "forbidden"},
	})
	f.call(404, f.owner, "PUT", "/clients/"+f.strangerClient, map[string]any{"name": "Hijack"})
	f.call(404, f.owner, "PUT", "/clients/"+unknownID, map[string]any{"name": "Hijack"})
	f.call(404, f.owner, "PUT", "/clients/nope", map[string]any{"name": "Hijack"})
	f.must(401, req{method: "PUT", path: path, body: map[string]any{"name": "Hijack"}})
	if got := f.call(200, f.owner, "GET", path, nil); got.str("name") != "Acme Inc" || got.json["hourly_rate"] != nil {
		t.Fatalf("refused updates changed the client: %s", got.raw)
	}
	if n := f.auditCount("client", "updated"); n != audits {
		t.Fatalf("refused updates audited: %d → %d", audits, n)
	}
	theirs := f.must(200, req{method: "GET", path: "/clients/" + f.strangerClient, token: f.stranger.token, org: f.otherOrg})
	if theirs.str("name") != "Their Client" {
		t.Fatalf("another organization's client changed: %s", theirs.raw)
	}
}

func TestClients_ListSearchAndPagination(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	f.createClient(f.owner, map[string]any{"name": "beta 100%"})
	f.createClient(f.owner, map[string]any{"name": "Charlie_Co", "email": "ops@charlie.example"})
	f.createClient(f.owner, map[string]any{"name": "Delta", "email": "ACME-partner@delta.example"})
	f.createClient(f.owner, map[string]any{"name": "CharlieXCo"})
	all := f.call(200, f.member, "GET", "/clients", nil)
	if got := names(all, "name"); got != "Acme Corp,beta 100%,Charlie_Co,CharlieXCo,Delta" {
		t.Fatalf("list order: %s", got)
	}
	if meta := all.json["meta"].(map[string]any); meta["total"] != 5.0 || meta["page"] != 1.0 || meta["per_page"] != 25.0 {
		t.Fatalf("meta: %s", all.raw)
	}
	for q, want := range map[string]string{
		"acme":          "Acme Corp,Delta", // name, or email case-insensitively
		"charlie.EXAMP": "Charlie_Co",
		"100%":          "beta 100%",
		"%":             "beta 100%",
		"charlie_":      "Charlie_Co", // _ is literal, not a wildcard
		"nobody":        "",
		"their":         "", // another organization's client
	} {
		if got := names(f.call(200, f.owner, "GET", "/clients?search="+urlEscape(q), nil), "name"); got != want {
			t.Errorf("search %q: %q, want %q", q, got, want)
		}
	}
	p2 := f.call(200, f.owner, "GET", "/clients?per_page=2&page=2", nil)
	if got := names(p2, "name"); got != "Charlie_Co,CharlieXCo" || p2.json["meta"].(map[string]any)["total"] != 5.0 ||
		p2.json["meta"].(map[string]any)["per_page"] != 2.0 {
		t.Fatalf("page 2: %s", p2.raw)
	}
	if got := f.call(200, f.owner, "GET", "/clients?per_page=2&page=9", nil); len(got.data()) != 0 {
		t.Fatalf("past the end: %s", got.raw)
	}
	f.run(scenario{req: f.as(f.owner, "GET", "/clients?page=0", nil), status: 400, code: "validation_failed", message: "page must be a positive integer"})
	f.run(scenario{req: f.as(f.owner, "GET", "/clients?per_page=x", nil), status: 400, code: "validation_failed", message: "per_page must be a positive integer"})
	f.must(401, req{method: "GET", path: "/clients"})
}

func urlEscape(s string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "_", "_").Replace(s)
}

func TestClients_DeleteDetachesProjectsAndRemovesContactsAndActivities(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	project := f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "Site", "client_id": f.client}).str("id")
	f.call(201, f.owner, "POST", "/clients/"+f.client+"/contacts", map[string]any{"name": "John"})
	f.call(201, f.owner, "POST", "/clients/"+f.client+"/activities", map[string]any{"type": "note", "title": "Hello"})
	path := "/clients/" + f.client
	f.run(scenario{req: f.as(f.member, "DELETE", path, nil), status: 403, code: "forbidden"})
	f.call(404, f.owner, "DELETE", "/clients/"+f.strangerClient, nil)
	f.call(404, f.owner, "DELETE", "/clients/"+unknownID, nil)
	f.call(404, f.owner, "DELETE", "/clients/x", nil)
	f.must(401, req{method: "DELETE", path: path})
	f.call(200, f.owner, "GET", path, nil)

	f.call(204, f.admin, "DELETE", path, nil)
	f.call(404, f.owner, "GET", path, nil)
	f.call(404, f.owner, "DELETE", path, nil)
	if p := f.call(200, f.owner, "GET", "/projects/"+project, nil); p.json["client_id"] != nil {
		t.Fatalf("project keeps the deleted client: %s", p.raw)
	}
	if n := f.count(`SELECT count(*) FROM client_contacts`) + f.count(`SELECT count(*) FROM client_activities`); n != 0 {
		t.Fatalf("contacts and activities left: %d", n)
	}
	if f.auditCount("client", "deleted") != 1 || f.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'project'
		AND action = 'updated' AND entity_id = $1`, project) != 1 {
		t.Fatal("delete not audited")
	}
	f.must(200, req{method: "GET", path: "/clients/" + f.strangerClient, token: f.stranger.token, org: f.otherOrg})
}

func TestClients_DeleteWithInvoicesConflicts(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	project := f.call(201, f.owner, "POST", "/projects", map[string]any{"name": "Site", "client_id": f.client}).str("id")
	f.call(201, f.owner, "POST", "/clients/"+f.client+"/contacts", map[string]any{"name": "John"})
	f.sqlInvoice(f.client, "INV-2026-0001", "void", 0, 0, "2026-02-01")
	f.run(scenario{req: f.as(f.owner, "DELETE", "/clients/"+f.client, nil), status: 409, code: "conflict", message: "the client has invoices; void or delete them first"})
	f.call(200, f.owner, "GET", "/clients/"+f.client, nil)
	if p := f.call(200, f.owner, "GET", "/projects/"+project, nil); p.json["client_id"] != f.client {
		t.Fatalf("refused delete detached the project: %s", p.raw)
	}
	if len(f.call(200, f.owner, "GET", "/clients/"+f.client+"/contacts", nil).data()) != 1 || f.auditCount("client", "deleted") != 0 {
		t.Fatal("refused delete changed something")
	}
}

func TestClientContacts_CRUD(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	base := "/clients/" + f.client + "/contacts"
	r := f.call(201, f.admin, "POST", base, map[string]any{"name": " John Smith ", "email": "john@acme.com", "role": "CTO"})
	c := r.json
	if c["name"] != "John Smith" || c["email"] != "john@acme.com" || c["role"] != "CTO" || c["phone"] != "" ||
		c["client_id"] != f.client || c["id"] == "" || c["created_at"] == nil || c["updated_at"] == nil {
		t.Fatalf("create: %s", r.raw)
	}
	john := r.str("id")
	f.call(201, f.owner, "POST", base, map[string]any{"name": "alice Jones"})
	f.call(201, f.owner, "POST", base, map[string]any{"name": "Bob", "phone": "+1-555-0123"})
	list := f.call(200, f.member, "GET", base, nil)
	if got := names(list, "name"); got != "alice Jones,Bob,John Smith" {
		t.Fatalf("list: %s", list.raw)
	}
	if _, paged := list.json["meta"]; paged {
		t.Fatalf("contacts list is paginated: %s", list.raw)
	}
	r = f.call(200, f.owner, "PUT", base+"/"+john, map[string]any{"phone": "+1-555-0199"})
	if r.str("phone") != "+1-555-0199" || r.str("name") != "John Smith" || r.str("role") != "CTO" {
		t.Fatalf("update: %s", r.raw)
	}
	audits := f.auditCount("client_contact", "updated")
	f.call(200, f.owner, "PUT", base+"/"+john, map[string]any{"phone": "+1-555-0199"})
	if f.auditCount("client_contact", "updated") != audits || audits != 1 {
		t.Fatalf("contact update audit entries: %d", audits)
	}
	if r = f.call(200, f.owner, "PUT", base+"/"+john, map[string]any{"email": ""}); r.str("email") != "" {
		t.Fatalf("clearing email: %s", r.raw)
	}
	f.call(204, f.admin, "DELETE", base+"/"+john, nil)
	if got := names(f.call(200, f.owner, "GET", base, nil), "name"); got != "alice Jones,Bob" {
		t.Fatalf("after delete: %s", got)
	}
	if f.auditCount("client_contact", "created") != 3 || f.auditCount("client_contact", "deleted") != 1 {
		t.Fatal("contacts not audited")
	}
}

func TestClientContacts_Refusals(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	base := "/clients/" + f.client + "/contacts"
	contact := f.call(201, f.owner, "POST", base, map[string]any{"name": "John", "email": "john@acme.com"}).str("id")
	other := f.createClient(f.owner, map[string]any{"name": "Other"})
	otherContact := f.call(201, f.owner, "POST", "/clients/"+other+"/contacts", map[string]any{"name": "Olga"}).str("id")
	theirContact := f.must(201, req{method: "POST", path: "/clients/" + f.strangerClient + "/contacts", token: f.stranger.token,
		org: f.otherOrg, body: map[string]any{"name": "Theirs"}}).str("id")
	contacts := f.count(`SELECT count(*) FROM client_contacts`)

	for _, c := range []struct {
		body    any
		message string
	}{
		{map[string]any{}, "name is required"},
		{map[string]any{"name": " "}, "name is required"},
		{map[string]any{"name": strings.Repeat("n", 256)}, "name must be at most 255 characters"},
		{map[string]any{"name": "N", "email": "nope"}, "email must be a valid email address"},
		{map[string]any{"name": "N", "role": strings.Repeat("r", 256)}, "role must be at most 255 characters"},
	} {
		f.run(scenario{req: f.as(f.owner, "POST", base, c.body), status: 400, code: "validation_failed", message: c.message})
	}
	f.runAll([]scenario{
		{req: f.as(f.owner, "POST", base, `{"name": ["x"]}`), status: 400, code: "invalid_body", message: "name has the wrong type: expected a string"},
		{req: f.as(f.owner, "PUT", base+"/"+contact, map[string]any{"name": ""}), status: 400, code: "validation_failed", message: "name is required"},
		{req: f.as(f.owner, "PUT", base+"/"+contact, map[string]any{"email": "x@"}), status: 400, code: "validation_failed", message: "email must be a valid email address"},
	})

	f.call(403, f.member, "POST", base, map[string]any{"name": "N"})
	f.call(403, f.member, "PUT", base+"/"+contact, map[string]any{"name": "N"})
	f.call(403, f.member, "DELETE", base+"/"+contact, nil)
	f.must(401, req{method: "POST", path: base, body: map[string]any{"name": "N"}})
	f.must(401, req{method: "GET", path: base})

	for _, path := range []string{
		"/clients/" + unknownID + "/contacts",
		"/clients/" + f.strangerClient + "/contacts",
		"/clients/nope/contacts",
	} {
		f.call(404, f.owner, "GET", path, nil)
		f.call(404, f.owner, "POST", path, map[string]any{"name": "N"})
		f.call(404, f.member, "POST", path, map[string]any{"name": "N"})
	}
	for _, path := range []string{
		base + "/" + otherContact, // another client's contact
		base + "/" + theirContact, // another organization's
		"/clients/" + f.strangerClient + "/contacts/" + theirContact,
		base + "/" + unknownID,
		base + "/cnt_001",
	} {
		f.call(404, f.owner, "PUT", path, map[string]any{"name": "Hijack"})
		f.call(404, f.owner, "DELETE", path, nil)
	}
	if n := f.count(`SELECT count(*) FROM client_contacts`); n != contacts {
		t.Fatalf("refused requests changed contacts: %d → %d", contacts, n)
	}
	var left []string
	_ = f.db.Select(&left, `SELECT name FROM client_contacts ORDER BY name`)
	if strings.Join(left, ",") != "John,Olga,Theirs" {
		t.Fatalf("contacts changed: %v", left)
	}
}

func TestClientActivities_LogListAndFilter(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	base := "/clients/" + f.client + "/activities"
	f.call(200, f.admin, "PUT", "/users/me", map[string]any{"timezone": "Europe/Paris"})
	start := time.Now().Add(-time.Second)
	r := f.call(201, f.owner, "POST", base, map[string]any{"type": "meeting", "title": "Quarterly review", "description": "Discussed Q1 progress"})
	a := r.json
	date, err := time.Parse(time.RFC3339, r.str("date"))
	if err != nil || date.Before(start) || date.After(time.Now().Add(time.Second)) || !strings.HasSuffix(r.str("date"), "Z") {
		t.Fatalf("default date: %s", r.raw)
	}
	if a["type"] != "meeting" || a["title"] != "Quarterly review" || a["description"] != "Discussed Q1 progress" ||
		a["client_id"] != f.client || a["user_id"] != f.owner.id || a["user_name"] != f.owner.name || a["id"] == "" || a["created_at"] == nil {
		t.Fatalf("create: %s", r.raw)
	}
	// A day is midnight in the caller's timezone; a datetime is exact.
	r = f.call(201, f.admin, "POST", base, map[string]any{"type": "call", "title": "Kickoff call", "date": "2026-03-02"})
	if r.str("date") != "2026-03-01T23:00:00Z" || r.str("user_name") != f.admin.name || r.str("description") != "" {
		t.Fatalf("date-only: %s", r.raw)
	}
	r = f.call(201, f.owner, "POST", base, map[string]any{"type": "email", "title": "Sent proposal", "date": "2026-03-05T14:30:00+02:00"})
	if r.str("date") != "2026-03-05T12:30:00Z" {
		t.Fatalf("datetime: %s", r.raw)
	}
	f.call(201, f.owner, "POST", base, map[string]any{"type": "call", "title": "Follow-up", "date": "2026-03-10T09:00:00Z"})
	f.call(201, f.owner, "POST", base, map[string]any{"type": "note", "title": "Old note", "date": "2025-12-31"})

	list := f.call(200, f.member, "GET", base, nil)
	if got := names(list, "title"); got != "Quarterly review,Follow-up,Sent proposal,Kickoff call,Old note" ||
		list.json["meta"].(map[string]any)["total"] != 5.0 {
		t.Fatalf("list: %s", list.raw)
	}
	if got := names(f.call(200, f.member, "GET", base+"?type=call", nil), "title"); got != "Follow-up,Kickoff call" {
		t.Fatalf("type filter: %s", got)
	}
	p := f.call(200, f.owner, "GET", base+"?per_page=2&page=2", nil)
	if got := names(p, "title"); got != "Sent proposal,Kickoff call" || p.json["meta"].(map[string]any)["total"] != 5.0 {
		t.Fatalf("page 2: %s", p.raw)
	}
	p = f.call(200, f.owner, "GET", base+"?type=call&per_page=1&page=2", nil)
	if got := names(p, "title"); got != "Kickoff call" || p.json["meta"].(map[string]any)["total"] != 2.0 {
		t.Fatalf("filtered page 2: %s", p.raw)
	}
	f.run(scenario{req: f.as(f.owner, "GET", base+"?type=visit", nil), status: 400, code: "validation_failed", message: "type must be meeting, call, email or note"})
	f.run(scenario{req: f.as(f.owner, "GET", base+"?page=-1", nil), status: 400, code: "validation_failed", message: "page must be a positive integer"})
	if f.auditCount("client_activity", "created") != 5 {
		t.Fatal("activities not audited")
	}
	// Another client's timeline is its own.
	other := f.createClient(f.owner, map[string]any{"name": "Other"})
	if got := f.call(200, f.owner, "GET", "/clients/"+other+"/activities", nil); len(got.data()) != 0 {
		t.Fatalf("other client's activities: %s", got.raw)
	}
}

func TestClientActivities_Refusals(t *testing.T) {
	t.Parallel()
	f := newClientsFixture(t)
	base := "/clients/" + f.client + "/activities"
	for _, c := range []struct {
		body           any
		field, message string
	}{
		{map[string]any{"title": "T"}, "type", "type is required"},
		{map[string]any{"type": "visit", "title": "T"}, "type", "type must be meeting, call, email or note"},
		{map[string]any{"type": "note"}, "title", "title is required"},
		{map[string]any{"type": "note", "title": "  "}, "title", "title is required"},
		{map[string]any{"type": "note", "title": strings.Repeat("t", 256)}, "title", "title must be at most 255 characters"},
		{map[string]any{"type": "note", "title": "T", "date": "yesterday"}, "date", "date must be a date (YYYY-MM-DD) or an RFC 3339 datetime"},
		{map[string]any{"type": "note", "title": "T", "date": "2026-02-30"}, "date", "date must be a date (YYYY-MM-DD) or an RFC 3339 datetime"},
		{map[string]any{"type": "note", "title": "T", "description": strings.Repeat("d", 10001)}, "description", "description must be at most 10000 characters"},
	} {
		f.run(scenario{req: f.as(f.owner, "POST", base, c.body), status: 400, code: "validation_failed", message: c.message, field: c.field})
	}
	f.run(scenario{req: f.as(f.owner, "POST", base, `{"type": "note", "title": "T", "date": 20260301}`), status: 400, code: "invalid_body", message: "date has the wrong type: expected a string"})
	f.run(scenario{req: f.as(f.member, "POST", base, map[string]any{"type": "note", "title": "T"}), status: 403, code: "forbidden"})
	f.must(401, req{method: "POST", path: base, body: map[string]any{"type": "note", "title": "T"}})
	f.must(401, req{method: "GET", path: base})
	for _, id := range []string{unknownID, f.strangerClient, "cli_abc123"} {
		f.call(404, f.owner, "GET", "/clients/"+id+"/activities", nil)
		f.call(404, f.owner, "POST", "/clients/"+id+"/activities", map[string]any{"type": "note", "title": "T"})
	}
	// No update or delete: the timeline is append-only.
	f.call(405, f.owner, "PUT", base, map[string]any{"title": "T"})
	if n := f.count(`SELECT count(*) FROM client_activities`); n != 0 {
		t.Fatalf("refused requests logged activities: %d", n)
	}
	if f.auditCount("client_activity", "created") != 0 {
		t.Fatal("refused requests audited")
	}
}
