package api_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/trcr/trcr/store"
)

func TestMembers_InviteAccept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Team Owner")
	org := e.org(owner, "Team Co")
	invitee := e.register("New Hire")
	r := e.must(201, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": invitee.email, "role": "admin"}})
	if r.str("status") != "invited" || r.str("role") != "admin" || r.str("organization_id") != org {
		t.Fatalf("invite: %s", r.raw)
	}
	mail := e.lastEmailTo(invitee.email)
	if !strings.Contains(mail.Subject, "Team Co") || !strings.Contains(mail.Text, "http://trcr.test/invitations/accept?token=") {
		t.Fatalf("invitation email: %q %q", mail.Subject, mail.Text)
	}
	tok := tokenFrom(t, mail)
	// Someone else cannot accept it; a bad token is refused.
	other := e.register("Someone Else")
	e.must(403, req{method: "POST", path: "/invitations/accept", token: other.token, body: map[string]string{"token": tok}})
	e.must(400, req{method: "POST", path: "/invitations/accept", token: invitee.token, body: map[string]string{"token": "bogus"}})
	e.must(400, req{method: "POST", path: "/invitations/accept", token: invitee.token, body: map[string]string{}})
	e.must(401, req{method: "POST", path: "/invitations/accept", body: map[string]string{"token": tok}})
	a := e.must(200, req{method: "POST", path: "/invitations/accept", token: invitee.token, body: map[string]string{"token": tok}})
	if a.str("status") != "active" || a.str("user_id") != invitee.id {
		t.Fatalf("accept: %s", a.raw)
	}
	e.must(400, req{method: "POST", path: "/invitations/accept", token: invitee.token, body: map[string]string{"token": tok}})
	// The invitee now works in the organization by default.
	list := e.must(200, req{method: "GET", path: "/members", token: invitee.token})
	if list.json["meta"].(map[string]any)["total"].(float64) != 2 {
		t.Fatalf("members: %s", list.raw)
	}
	// Inviting an active member conflicts; inviting an unregistered address works and re-inviting resends.
	e.must(409, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": strings.ToUpper(invitee.email)}})
	first := e.must(201, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": "later@example.com"}})
	again := e.must(201, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": "later@example.com", "role": "admin"}})
	if first.str("id") != again.str("id") || again.str("role") != "admin" {
		t.Fatalf("re-invite: %s vs %s", first.raw, again.raw)
	}
	e.must(400, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": "nope"}})
	e.must(400, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": "a@b.co", "role": "king"}})
	// A registration with an invited address can accept later.
	later := e.must(201, req{method: "POST", path: "/auth/register", body: map[string]string{"email": "later@example.com", "password": "secret123", "name": "Later"}})
	latTok := tokenFrom(t, e.lastInvitationTo("later@example.com"))
	e.must(200, req{method: "POST", path: "/invitations/accept", token: later.str("access_token"), body: map[string]string{"token": latTok}})
}

// lastInvitationTo skips the verification email sent at registration.
func (e *env) lastInvitationTo(addr string) (m store.OutboxEmail) {
	e.t.Helper()
	emails, _ := e.store.OutboxEmails(context.Background(), 1000)
	for _, x := range emails {
		if strings.Contains(x.Text, "/invitations/accept?token=") && strings.EqualFold(x.To[0], addr) {
			return x
		}
	}
	e.t.Fatalf("no invitation to %s", addr)
	return
}

func TestMembers_Permissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Perm Owner")
	org := e.org(owner, "Perm Co")
	admin := e.register("Perm Admin")
	member := e.register("Perm Member")
	adminID := e.join(owner, org, admin, "admin")
	memberID := e.join(owner, org, member, "member")
	ownerID := ""
	for _, m := range e.must(200, req{method: "GET", path: "/members", token: owner.token, org: org}).data() {
		if m["user_id"] == owner.id {
			ownerID = m["id"].(string)
		}
	}
	// A member may list, but not invite, change or remove others.
	e.must(200, req{method: "GET", path: "/members", token: member.token, org: org})
	e.must(403, req{method: "POST", path: "/members/invite", token: member.token, org: org, body: map[string]string{"email": "x@example.com"}})
	e.must(403, req{method: "PUT", path: "/members/" + adminID, token: member.token, org: org, body: map[string]any{"role": "member"}})
	e.must(403, req{method: "DELETE", path: "/members/" + adminID, token: member.token, org: org})
	// An admin cannot touch the owner role.
	e.must(403, req{method: "PUT", path: "/members/" + memberID, token: admin.token, org: org, body: map[string]any{"role": "owner"}})
	e.must(403, req{method: "PUT", path: "/members/" + ownerID, token: admin.token, org: org, body: map[string]any{"role": "member"}})
	e.must(403, req{method: "DELETE", path: "/members/" + ownerID, token: admin.token, org: org})
	e.must(403, req{method: "POST", path: "/members/invite", token: admin.token, org: org, body: map[string]string{"email": "boss@example.com", "role": "owner"}})
	// The last owner can be neither demoted nor removed.
	e.must(409, req{method: "PUT", path: "/members/" + ownerID, token: owner.token, org: org, body: map[string]any{"role": "admin"}})
	e.must(409, req{method: "DELETE", path: "/members/" + ownerID, token: owner.token, org: org})
	// An admin sets roles and cost rates.
	r := e.must(200, req{method: "PUT", path: "/members/" + memberID, token: admin.token, org: org, body: map[string]any{"role": "admin", "cost_rate": 7500}})
	if r.str("role") != "admin" || r.json["cost_rate"].(float64) != 7500 {
		t.Fatalf("update: %s", r.raw)
	}
	e.must(400, req{method: "PUT", path: "/members/" + memberID, token: admin.token, org: org, body: map[string]any{"cost_rate": -1}})
	e.must(400, req{method: "PUT", path: "/members/" + memberID, token: admin.token, org: org, body: map[string]any{"cost_rate": "lots"}})
	e.must(400, req{method: "PUT", path: "/members/" + memberID, token: admin.token, org: org, body: map[string]any{"role": "emperor"}})
	// With a second owner, the first may step down.
	e.must(200, req{method: "PUT", path: "/members/" + adminID, token: owner.token, org: org, body: map[string]any{"role": "owner"}})
	e.must(200, req{method: "PUT", path: "/members/" + ownerID, token: owner.token, org: org, body: map[string]any{"role": "admin"}})
	// Another organization's member, an unknown id and a non-UUID: 404.
	stranger := e.register("Perm Stranger")
	strangerOrg := e.org(stranger, "Stranger Co")
	strangerMember := e.must(200, req{method: "GET", path: "/members", token: stranger.token, org: strangerOrg}).data()[0]["id"].(string)
	e.must(404, req{method: "PUT", path: "/members/" + strangerMember, token: admin.token, org: org, body: map[string]any{"role": "member"}})
	e.must(404, req{method: "DELETE", path: "/members/" + strangerMember, token: admin.token, org: org})
	e.must(404, req{method: "DELETE", path: "/members/mem_abc123", token: admin.token, org: org})
	e.must(404, req{method: "GET", path: "/members", token: admin.token, org: strangerOrg})
	e.must(404, req{method: "GET", path: "/members", token: admin.token, org: "not-a-uuid"})
	// A member may leave; an admin removes a member.
	e.must(204, req{method: "DELETE", path: "/members/" + memberID, token: member.token, org: org})
	e.must(404, req{method: "GET", path: "/members", token: member.token, org: org})
}

func TestMembers_LastOwnerSurvivesConcurrentDemotions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.register("Owner A")
	org := e.org(a, "Race Co")
	b := e.register("Owner B")
	bID := e.join(a, org, b, "owner")
	aID := ""
	for _, m := range e.must(200, req{method: "GET", path: "/members", token: a.token, org: org}).data() {
		if m["user_id"] == a.id {
			aID = m["id"].(string)
		}
	}
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, c := range []struct {
		u  user
		id string
	}{{a, bID}, {b, aID}} {
		wg.Add(1)
		go func(i int, u user, id string) {
			defer wg.Done()
			statuses[i] = e.do(req{method: "PUT", path: "/members/" + id, token: u.token, org: org, body: map[string]any{"role": "member"}}).status
		}(i, c.u, c.id)
	}
	wg.Wait()
	var owners int
	if err := e.db.Get(&owners, `SELECT count(*) FROM members WHERE organization_id = $1 AND role = 'owner'`, org); err != nil {
		t.Fatal(err)
	}
	if owners < 1 {
		t.Fatalf("no owner left; statuses %v", statuses)
	}
}

func TestMembers_ListFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.register("Filter Owner")
	org := e.org(owner, "Filter Co")
	e.join(owner, org, e.register("Alice Admin"), "admin")
	e.join(owner, org, e.register("Bob Member"), "member")
	e.must(201, req{method: "POST", path: "/members/invite", token: owner.token, org: org, body: map[string]string{"email": "carol@example.com"}})
	count := func(q string) int {
		r := e.must(200, req{method: "GET", path: "/members" + q, token: owner.token, org: org})
		return len(r.data())
	}
	if n := count(""); n != 4 {
		t.Fatalf("all: %d", n)
	}
	if n := count("?role=admin"); n != 1 {
		t.Fatalf("admins: %d", n)
	}
	if n := count("?status=invited"); n != 1 {
		t.Fatalf("invited: %d", n)
	}
	if n := count("?search=bob"); n != 1 {
		t.Fatalf("search bob: %d", n)
	}
	if n := count("?search=CAROL@"); n != 1 {
		t.Fatalf("search carol: %d", n)
	}
	if n := count("?search=%25"); n != 0 {
		t.Fatalf("search %%: %d", n)
	}
	r := e.must(200, req{method: "GET", path: "/members?per_page=2&page=2", token: owner.token, org: org})
	meta := r.json["meta"].(map[string]any)
	if len(r.data()) != 2 || meta["page"].(float64) != 2 || meta["per_page"].(float64) != 2 || meta["total"].(float64) != 4 {
		t.Fatalf("page 2: %s", r.raw)
	}
	if r := e.must(200, req{method: "GET", path: "/members?per_page=1000", token: owner.token, org: org}); r.json["meta"].(map[string]any)["per_page"].(float64) != 100 {
		t.Fatalf("per_page not capped: %s", r.raw)
	}
	e.must(400, req{method: "GET", path: "/members?role=king", token: owner.token, org: org})
	e.must(400, req{method: "GET", path: "/members?page=zero", token: owner.token, org: org})
	e.must(400, req{method: "GET", path: "/members?per_page=-1", token: owner.token, org: org})
	e.must(401, req{method: "GET", path: "/members", org: org})
}
