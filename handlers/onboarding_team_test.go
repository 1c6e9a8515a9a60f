package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// After creating the organization, onboarding goes on to its Team step: the stepper shows it current, in order;
// the owner invites teammates by email with a role (once verified), one after another, or skips to the dashboard.
func TestOnboarding_TeamStepInvitesWithARoleOrSkips(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.signUp("Nora New", "nora@example.com")
	steps := func(p page) string {
		var out []string
		for i, label := range p.texts("onboarding-step") {
			if p.doc.Find(`[data-testid="onboarding-step"]`).Eq(i).AttrOr("aria-current", "") == "step" {
				label = "[" + label + "]"
			}
			out = append(out, label)
		}
		return strings.Join(out, " ")
	}
	if got := steps(b.get("/onboarding")); got != "Account [Organization] Team" {
		t.Errorf("organization step: stepper %q", got)
	}
	b.visit(visit{name: "create the organization", method: http.MethodPost, path: "/onboarding",
		form: url.Values{"name": {"Fresh Co"}}, status: http.StatusSeeOther, location: "/onboarding/team"})
	p := b.visit(visit{path: "/onboarding/team", status: http.StatusOK, flash: "Fresh Co is ready",
		has: []string{"onboarding-team", "onboarding-invite-form", "onboarding-verify"}})
	checkPage(t, "team step", p)
	if got := steps(p); got != "Account Organization [Team]" {
		t.Errorf("team step: stepper %q", got)
	}
	if skip := p.doc.Find(`[data-testid="onboarding-skip"]`); skip.AttrOr("href", "") != "/" || strings.TrimSpace(skip.Text()) != "Skip for now" {
		t.Errorf("skip link %q to %q", skip.Text(), skip.AttrOr("href", ""))
	}
	invitations := func() (n int) {
		if err := e.db.Get(&n, `SELECT count(*) FROM members WHERE status = 'invited'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Unverified, the invitation is refused and nothing is sent.
	b.visit(visit{name: "unverified", method: http.MethodPost, path: "/onboarding/team",
		form: url.Values{"email": {"ivan@example.com"}, "role": {"member"}}, status: http.StatusUnprocessableEntity,
		has: []string{"onboarding-invite-form"}})
	e.verify("nora@example.com")
	p = b.visit(visit{name: "bad address", method: http.MethodPost, path: "/onboarding/team",
		form: url.Values{"email": {"not-an-address"}, "role": {"member"}}, status: http.StatusUnprocessableEntity})
	if p.fieldError("team-email") == "" {
		t.Errorf("no message for a bad address")
	}
	b.visit(visit{name: "unknown role", htmx: true, method: http.MethodPost, path: "/onboarding/team",
		form: url.Values{"email": {"ivan@example.com"}, "role": {"emperor"}}, status: http.StatusUnprocessableEntity,
		has: []string{"onboarding-invite-form"}})
	if n := invitations(); n != 0 {
		t.Fatalf("%d invitations after refused forms", n)
	}
	b.visit(visit{name: "invite", method: http.MethodPost, path: "/onboarding/team",
		form: url.Values{"email": {"ivan@example.com"}, "role": {"admin"}}, status: http.StatusSeeOther, location: "/onboarding/team?sent=1"})
	p = b.visit(visit{path: "/onboarding/team?sent=1", status: http.StatusOK, flash: "Invitation sent to ivan@example.com",
		hasNot: []string{"onboarding-verify"}})
	if got := p.text("onboarding-skip"); got != "Continue to the dashboard" {
		t.Errorf("after an invitation the way on says %q", got)
	}
	var role string
	if err := e.db.Get(&role, `SELECT role FROM members WHERE email = 'ivan@example.com' AND status = 'invited'`); err != nil {
		t.Fatalf("invitation: %v", err)
	}
	if role != "admin" {
		t.Errorf("invited as %q, want admin", role)
	}
	// A member who cannot invite is not kept on the step.
	m := e.join(b, "Mia Member", "mia@example.com", "member")
	m.visit(visit{path: "/onboarding/team", status: http.StatusSeeOther, location: "/"})
}
