package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// memberRow is the members table's row of email.
func memberRow(p page, email string) *goquery.Selection {
	return p.doc.Find(`[data-testid="member-row"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.TrimSpace(s.Find(`[data-testid="member-email"]`).Text()) == email
	})
}

// The members page shows an invitation by its address only, whoever the address belongs to, until it is accepted.
func TestMembersPage_InvitationShowsNothingOfAnExistingAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olga Owner", "olga@example.com", "Oracle Co")
	agent := e.signUp("Mata Hari", "agent7@example.com")
	owner.get("/members")
	owner.visit(visit{name: "invite", method: http.MethodPost, path: "/members/invite", form: url.Values{"email": {"agent7@example.com"}, "role": {"member"}}, status: http.StatusSeeOther})
	p := owner.get("/members")
	row := memberRow(p, "agent7@example.com")
	if row.Length() != 1 || row.Find(`[data-testid="member-name"]`).Length() != 0 || strings.Contains(p.body, "Mata Hari") ||
		!strings.Contains(row.Text(), "Invitation pending") || strings.Contains(row.Text(), "MH") {
		t.Fatalf("the invited row shows the account: %s", row.Text())
	}
	if p := owner.get("/members?q=Hari"); p.doc.Find(`[data-testid="member-row"]`).Length() != 0 {
		t.Fatalf("searching the account's name finds the invitation")
	}

	tok := e.tokenSentTo("agent7@example.com", "/invitations/accept")
	agent.get("/invitations/accept?token=" + tok)
	agent.visit(visit{name: "accept", method: http.MethodPost, path: "/invitations/" + tok + "/accept", status: http.StatusSeeOther})
	if row := memberRow(owner.get("/members"), "agent7@example.com"); strings.TrimSpace(row.Find(`[data-testid="member-name"]`).Text()) != "Mata Hari" {
		t.Fatalf("the accepted member: %s", row.Text())
	}
}

// An owner whose address is unverified is told so where invitations and invoices are sent, with a button that
// emails a new verification link; a submitted form is refused with the same notice and sends nothing.
func TestUnverifiedOwner_PagesAskToVerifyBeforeInvitingOrSending(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	e, owner := w.e, w.owner
	id := w.draft(t)
	w.addLine(t, id, "Consulting", "1", "100")
	e.db.MustExec(`UPDATE users SET email_verified_at = NULL WHERE email = 'olivia@example.com'`)
	emails := func() int {
		var n int
		e.db.Get(&n, `SELECT count(*) FROM email_outbox WHERE organization_id IS NOT NULL`)
		return n
	}
	notice := func(what string, p page, status int) {
		t.Helper()
		if p.status != status || !p.has("verify-email-notice") || !p.has("verify-resend-form") ||
			!strings.Contains(p.text("verify-email-notice"), "Verify your email address") {
			t.Fatalf("%s: %d %s", what, p.status, p.body)
		}
	}

	p := owner.get("/members")
	notice("members page", p, http.StatusOK)
	if p.has("invite-form") {
		t.Error("the members page offers the invite form")
	}
	checkPage(t, "members page, unverified", p)
	notice("invite", owner.post("/members/invite", url.Values{"email": {"victim@example.com"}, "role": {"member"}}), http.StatusForbidden)
	notice("invite with htmx", owner.htmx("/members/invite", url.Values{"email": {"victim@example.com"}, "role": {"member"}}), http.StatusUnprocessableEntity)

	p = owner.get("/invoices/" + id + "/send")
	notice("send page", p, http.StatusOK)
	if p.has("send-form") {
		t.Error("the send page offers the form")
	}
	checkPage(t, "send page, unverified", p)
	notice("send", owner.post("/invoices/"+id+"/send", url.Values{"to": {"victim@example.com"}, "message": {"Hi"}}), http.StatusForbidden)
	notice("send with htmx", owner.htmx("/invoices/"+id+"/send", url.Values{"to": {"victim@example.com"}}), http.StatusUnprocessableEntity)
	if n := emails(); n != 0 {
		t.Fatalf("%d emails written for an unverified owner", n)
	}
	var status string
	if err := e.db.Get(&status, `SELECT status FROM invoices WHERE id = $1`, id); err != nil || status != "draft" {
		t.Fatalf("the refused send changed the invoice: %s %v", status, err)
	}

	// The notice's button sends a new link; following it opens the forms again.
	owner.get("/members")
	owner.visit(visit{name: "resend", method: http.MethodPost, path: "/verify-email/resend", status: http.StatusSeeOther})
	owner.get("/verify-email?token=" + e.tokenSentTo("olivia@example.com", "/verify-email"))
	if p := owner.get("/members"); !p.has("invite-form") || p.has("verify-email-notice") {
		t.Fatal("the verified owner gets no invite form")
	}
	if p := owner.get("/invoices/" + id + "/send"); !p.has("send-form") {
		t.Fatal("the verified owner gets no send form")
	}
}

// "New link" on the invoice page revokes the public link given out so far; only owners and admins may use it.
func TestInvoicePage_NewPublicLinkRevokesTheOldOne(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	id := w.draft(t)
	w.addLine(t, id, "Consulting", "2", "50")
	w.owner.get("/invoices/" + id + "/send")
	w.owner.visit(visit{name: "send", method: http.MethodPost, path: "/invoices/" + id + "/send", form: url.Values{"to": {"billing@acme.test"}}, status: http.StatusSeeOther})
	p := w.owner.get("/invoices/" + id)
	old := p.doc.Find(`[data-testid="invoice-public-link"]`).AttrOr("value", "")
	if !p.has("invoice-rotate-link-form") || !strings.HasPrefix(old, "http://trcr.test/i/"+id+"?sig=") {
		t.Fatalf("invoice page: link %q, rotate form %v", old, p.has("invoice-rotate-link-form"))
	}
	checkPage(t, "invoice page with its link", p)
	anon := w.e.browser()
	path := func(link string) string { return strings.TrimPrefix(link, "http://trcr.test") }
	anon.visit(visit{name: "the link before rotating", path: path(old), status: http.StatusOK})

	member := w.e.join(w.owner, "Mia Member", "mia@example.com", "member")
	member.get("/")
	member.visit(visit{name: "a member rotates", method: http.MethodPost, path: "/invoices/" + id + "/public-link/rotate", status: http.StatusForbidden})
	stranger := w.e.withOrg("Sam Stranger", "sam@example.com", "Stranger Co")
	stranger.visit(visit{name: "another organization rotates", method: http.MethodPost, path: "/invoices/" + id + "/public-link/rotate", status: http.StatusNotFound})
	anon.visit(visit{name: "a refused rotation revoked the link", path: path(old), status: http.StatusOK})

	w.owner.get("/invoices/" + id)
	if p := w.owner.post("/invoices/"+id+"/public-link/rotate", nil); p.status != http.StatusSeeOther || p.location != "/invoices/"+id {
		t.Fatalf("rotate: %d %q", p.status, p.location)
	}
	p = w.owner.get("/invoices/" + id)
	fresh := p.doc.Find(`[data-testid="invoice-public-link"]`).AttrOr("value", "")
	if fresh == old || !strings.Contains(p.text("flash"), "The previous link no longer opens it") {
		t.Fatalf("after rotating: link %q, flash %q", fresh, p.text("flash"))
	}
	if p := anon.get(path(old)); p.status != http.StatusNotFound || p.has("public-invoice") {
		t.Fatalf("the old link after rotating: %d", p.status)
	}
	anon.visit(visit{name: "the old PDF link after rotating", path: strings.Replace(path(old), "?sig=", "/pdf?sig=", 1), status: http.StatusNotFound})
	if p := anon.get(path(fresh)); p.status != http.StatusOK || p.text("public-invoice-number") != "INV-2026-0001" {
		t.Fatalf("the new link: %d", p.status)
	}
}
