package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

func withEmailQuota(perHour, perDay int) envOption {
	return func(c *store.Config) { c.OrgEmailsPerHour, c.OrgEmailsPerDay = perHour, perDay }
}

// member finds the row of email in GET /members as the owner sees it.
func (e *env) member(owner user, org, email, query string) map[string]any {
	e.t.Helper()
	for _, m := range e.must(200, req{method: "GET", path: "/members" + query, token: owner.token, org: org}).data() {
		if m["email"] == email {
			return m
		}
	}
	return nil
}

// Inviting the address of an existing account must not tell the inviter that the account exists, nor whose it
// is: no user id, name or avatar, in the answer or in any list or search, until the invitation is accepted.
func TestInvite_RevealsNothingOfAnExistingAccountUntilAccepted(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Oracle Owner")
	org := e.org(owner, "Oracle Co")
	reg := e.must(201, req{method: "POST", path: "/auth/register", body: map[string]string{"email": "agent7@example.com", "password": "secret123", "name": "Mata Hari"}})
	agent := user{id: reg.json["user"].(map[string]any)["id"].(string), email: "agent7@example.com", token: reg.str("access_token")}
	ct, body := multipartBody(t, "avatar", "me.png", "image/png", pngImage(t, 64, 64))
	e.must(200, req{method: "POST", path: "/users/me/avatar/upload", token: agent.token, body: body, contentType: ct})

	hidden := func(what string, m map[string]any) {
		t.Helper()
		if m == nil || m["user_id"] != nil || m["name"] != "" || m["avatar_url"] != nil || m["status"] != "invited" {
			t.Errorf("%s shows the account: %v", what, m)
		}
	}
	r := e.must(201, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": agent.email}})
	hidden("the invite answer", r.json)
	again := e.must(201, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": agent.email, "role": "admin"}})
	hidden("a second invite", again.json)
	hidden("the member list", e.member(owner, org, agent.email, ""))
	hidden("the invited list", e.member(owner, org, agent.email, "?status=invited"))
	if n := len(e.must(200, req{method: "GET", path: "/members?search=Hari", token: owner.token, org: org}).data()); n != 0 {
		t.Errorf("searching the account's name finds %d members", n)
	}
	// Sorted by email, not by the account's name: "Mata Hari" would sort before "Oracle Owner".
	if list := e.must(200, req{method: "GET", path: "/members", token: owner.token, org: org}).data(); list[len(list)-1]["email"] != agent.email {
		t.Errorf("the invitation sorts as the account's name: %v", list)
	}

	// Accepted, the member is who they are.
	e.must(200, req{method: "POST", path: "/invitations/accept", token: agent.token, body: map[string]string{"token": tokenFrom(t, e.lastInvitationTo(agent.email))}})
	m := e.member(owner, org, agent.email, "")
	if m == nil || m["user_id"] != agent.id || m["name"] != "Mata Hari" || m["avatar_url"] == nil || m["status"] != "active" {
		t.Errorf("the accepted member: %v", m)
	}
	if n := len(e.must(200, req{method: "GET", path: "/members?search=Hari", token: owner.token, org: org}).data()); n != 1 {
		t.Errorf("searching the member's name finds %d members", n)
	}
}

func TestInvite_TheTwentyFirstInvitationOfAnHourAndTheHundredAndFirstOfADayAre429(t *testing.T) {
	t.Parallel()
	e := newEnv(t, withEmailQuota(1000, 1000))
	owner := e.register("Busy Owner")
	org := e.org(owner, "Busy Co")
	other := e.register("Other Owner")
	otherOrg := e.org(other, "Other Co")
	start := time.Date(2026, 3, 2, 0, 30, 0, 0, time.UTC)
	e.store.SetClock(func() time.Time { return start })
	invite := func(u user, org string, n int) resp {
		return e.do(req{method: "POST", path: "/members/invite", token: u.token, org: org, body: map[string]string{"email": fmt.Sprintf("guest%d@example.com", n)}})
	}
	refused := func(r resp, reason string) {
		t.Helper()
		secs, _ := strconv.Atoi(r.header.Get("Retry-After"))
		if r.status != http.StatusTooManyRequests || r.errCode() != "rate_limited" || secs < 1 || !strings.Contains(r.errMessage(), reason) {
			t.Fatalf("want 429 naming %q with Retry-After, got %d %v %s", reason, r.status, r.header, r.raw)
		}
	}
	for i := 0; i < 20; i++ {
		if r := invite(owner, org, i); r.status != http.StatusCreated {
			t.Fatalf("invitation %d: %d %s", i+1, r.status, r.raw)
		}
	}
	r := invite(owner, org, 20)
	refused(r, "20 invitations of this hour")
	if secs, _ := strconv.Atoi(r.header.Get("Retry-After")); secs != 30*60 {
		t.Errorf("Retry-After %d, want the 1800 seconds left in the hour", secs)
	}
	var rows int
	if err := e.db.Get(&rows, `SELECT count(*) FROM members WHERE email = 'guest20@example.com'`); err != nil || rows != 0 {
		t.Fatalf("the refused invitation was stored: %d %v", rows, err)
	}
	// Another organization has its own limit.
	if r := invite(other, otherOrg, 20); r.status != http.StatusCreated {
		t.Fatalf("another organization's invitation: %d %s", r.status, r.raw)
	}

	// Twenty an hour, up to a hundred a day.
	for h := 1; h < 5; h++ {
		e.store.SetClock(func() time.Time { return start.Add(time.Duration(h) * time.Hour) })
		for i := 0; i < 20; i++ {
			if r := invite(owner, org, 100*h+i); r.status != http.StatusCreated {
				t.Fatalf("hour %d, invitation %d: %d %s", h, i+1, r.status, r.raw)
			}
		}
	}
	e.store.SetClock(func() time.Time { return start.Add(5 * time.Hour) })
	refused(invite(owner, org, 999), "100 invitations of today")
}

// newSendWorld: an organization whose owner has a client and a draft invoice with a line, ready to send.
func newSendWorld(t *testing.T, verified bool, opts ...envOption) *world {
	t.Helper()
	w := newWorld(t, opts...)
	w.owner = w.register("Sending Owner")
	w.org = w.must(201, req{method: "POST", path: "/organizations", token: w.owner.token, body: map[string]string{"name": "Sending Co"}}).str("id")
	if verified {
		w.verify(w.owner)
	}
	w.client = w.sqlID(`INSERT INTO clients (organization_id, name, email) VALUES ($1, 'Globex', 'ap@globex.example') RETURNING id`, w.org)
	w.invoice = w.draft()
	return w
}

func (w *world) draft() string {
	w.t.Helper()
	id := w.must(201, req{method: "POST", path: "/invoices", token: w.owner.token, org: w.org, body: map[string]any{"client_id": w.client, "due_date": "2099-12-31"}}).str("id")
	w.must(201, req{method: "POST", path: "/invoices/" + id + "/line-items", token: w.owner.token, org: w.org, body: map[string]any{"description": "Work", "quantity": 1, "unit_price": 1000}})
	return id
}

func (w *world) sendReq(id string, to ...string) req {
	return req{method: "POST", path: "/invoices/" + id + "/send", token: w.owner.token, org: w.org, body: map[string]any{"to": to, "message": "Hello"}}
}

func (w *world) send(id string, to ...string) resp { return w.do(w.sendReq(id, to...)) }

func (w *world) outbox() int {
	w.t.Helper()
	return w.count(`SELECT count(*) FROM email_outbox WHERE organization_id = $1`, w.org)
}

// An account whose address is unverified (anyone can register with any address) emails no one: no invoices, no
// invitations. Verifying the address lifts the refusal.
func TestUnverifiedAccount_CannotSendInvoicesNorInvite(t *testing.T) {
	t.Parallel()
	w := newSendWorld(t, false)
	e := w.env
	for what, r := range map[string]resp{
		"send":   w.send(w.invoice, "victim@example.com"),
		"invite": e.do(req{method: "POST", path: "/members/invite", token: w.owner.token, org: w.org, body: map[string]string{"email": "victim@example.com"}}),
	} {
		if r.status != http.StatusForbidden || r.errCode() != "forbidden" || !strings.Contains(r.errMessage(), "verify your email address") {
			t.Errorf("%s by an unverified account: %d %s", what, r.status, r.raw)
		}
	}
	var status string
	if err := e.db.Get(&status, `SELECT status FROM invoices WHERE id = $1`, w.invoice); err != nil || status != "draft" || w.outbox() != 0 {
		t.Fatalf("a refused send changed something: %s, %d emails, %v", status, w.outbox(), err)
	}
	e.must(200, req{method: "POST", path: "/auth/verify-email", body: map[string]string{"token": tokenFrom(t, e.lastEmailTo(w.owner.email))}})
	e.must(200, w.sendReq(w.invoice, "ap@globex.example"))
	e.must(201, req{method: "POST", path: "/members/invite", token: w.owner.token, org: w.org, body: map[string]string{"email": "colleague@example.com"}})
}

// The invitation link reached the invitee's mailbox, so accepting it verifies that address.
func TestAcceptInvitation_VerifiesTheAddress(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Inviting Owner")
	org := e.org(owner, "Inviting Co")
	invitee := e.register("Fresh Invitee")
	if r := e.must(200, req{method: "GET", path: "/users/me", token: invitee.token}); r.json["email_verified"] != false {
		t.Fatalf("registered: %s", r.raw)
	}
	e.join(owner, org, invitee, "admin")
	if r := e.must(200, req{method: "GET", path: "/users/me", token: invitee.token}); r.json["email_verified"] != true {
		t.Fatalf("after accepting: %s", r.raw)
	}
	e.must(201, req{method: "POST", path: "/members/invite", token: invitee.token, org: org, body: map[string]string{"email": "next@example.com"}})
}

// The organization's quota counts every recipient of its invoices and invitations; what would pass it is refused
// with 429 and Retry-After, and writes nothing: no email, no status change.
func TestEmailQuota_ExceededIs429AndWritesNothing(t *testing.T) {
	t.Parallel()
	w := newSendWorld(t, true, withEmailQuota(4, 6))
	e := w.env
	start := time.Date(2026, 3, 2, 9, 45, 0, 0, time.UTC)
	e.store.SetClock(func() time.Time { return start })
	e.must(200, w.sendReq(w.invoice, "a@globex.example", "b@globex.example", "c@globex.example"))
	second := w.draft()
	emails := w.outbox()
	r := w.send(second, "a@globex.example", "b@globex.example")
	if secs, _ := strconv.Atoi(r.header.Get("Retry-After")); r.status != http.StatusTooManyRequests || r.errCode() != "rate_limited" ||
		secs != 15*60 || !strings.Contains(r.errMessage(), "quota of 4 email recipients an hour") {
		t.Fatalf("over the hourly quota: %d %v %s", r.status, r.header, r.raw)
	}
	var status string
	if err := e.db.Get(&status, `SELECT status FROM invoices WHERE id = $1`, second); err != nil || status != "draft" || w.outbox() != emails {
		t.Fatalf("a send over quota changed something: %s, %d emails (had %d), %v", status, w.outbox(), emails, err)
	}
	// What is left of the hour can still be used; an invitation counts too.
	e.must(201, req{method: "POST", path: "/members/invite", token: w.owner.token, org: w.org, body: map[string]string{"email": "one@example.com"}})
	r = e.do(req{method: "POST", path: "/members/invite", token: w.owner.token, org: w.org, body: map[string]string{"email": "two@example.com"}})
	if r.status != http.StatusTooManyRequests || w.outbox() != emails+1 {
		t.Fatalf("an invitation over quota: %d %s, %d emails", r.status, r.raw, w.outbox())
	}
	var members int
	if err := e.db.Get(&members, `SELECT count(*) FROM members WHERE email = 'two@example.com'`); err != nil || members != 0 {
		t.Fatalf("the refused invitation was stored: %d %v", members, err)
	}

	// The next hour has room again, up to the daily quota.
	e.store.SetClock(func() time.Time { return start.Add(time.Hour) })
	e.must(200, w.sendReq(second, "a@globex.example", "b@globex.example"))
	r = w.send(w.draft(), "a@globex.example")
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.errMessage(), "quota of 6 email recipients a day") {
		t.Fatalf("over the daily quota: %d %s", r.status, r.raw)
	}
}

func TestSendInvoice_AtMostTenRecipients(t *testing.T) {
	t.Parallel()
	w := newSendWorld(t, true)
	e := w.env
	var eleven []string
	for i := 0; i < 11; i++ {
		eleven = append(eleven, fmt.Sprintf("r%d@example.com", i))
	}
	e.run(scenario{req: w.sendReq(w.invoice, eleven...), status: 400, message: "to may list at most 10 addresses"})
	for i := 0; i < 10; i++ {
		if _, err := e.db.Exec(`INSERT INTO client_contacts (organization_id, client_id, name, email) VALUES ($1, $2, $3, $4)`,
			w.org, w.client, fmt.Sprintf("Contact %d", i), fmt.Sprintf("c%d@globex.example", i)); err != nil {
			t.Fatal(err)
		}
	}
	e.run(scenario{req: req{method: "POST", path: "/invoices/" + w.invoice + "/send", token: w.owner.token, org: w.org}, status: 400, message: "the client and its contacts have more than 10 email addresses; pass to with at most 10"})
	if w.outbox() != 0 {
		t.Fatal("a refused send wrote an email")
	}
	e.must(200, w.sendReq(w.invoice, eleven[:10]...))
}
