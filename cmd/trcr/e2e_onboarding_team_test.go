package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Onboarding ends with its Team step: the new owner invites a teammate by email with a role, sees it sent, and
// goes on to the dashboard, which counts the pending invitation.
func TestBrowser_OnboardingTeamStepInvitesATeammate(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	b := newE2EBrowser(t, srv.BaseURL)
	email, teammate := uniqueEmail("team"), uniqueEmail("mate")
	b.open("/register", "register-form")
	b.register("Tess Team", email, "correct horse battery staple", "/onboarding")
	b.open(b.emailLink(email, "Confirm your email", "/verify-email?token="), "verify-success")
	b.open("/onboarding", "create-org-form")
	b.fill("#org-name", "Team Studio")
	b.clickToPage(testid("create-org-submit"), "/onboarding/team")
	steps := b.waitString("the stepper", `[...document.querySelectorAll('[data-testid="onboarding-step"]')]
		.map(li => li.getAttribute("aria-current") === "step" ? "[" + li.textContent.trim() + "]" : li.textContent.trim()).join(" ")`)
	if steps != "Account Organization [Team]" {
		b.fatalf("stepper shows %q", steps)
	}
	b.fill("#team-email", teammate)
	b.do("choose the admin role", chromedp.SetValue(chromedp.CSS("#team-role"), "admin"))
	b.clickToPage(testid("onboarding-invite-submit"), "/onboarding/team")
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, teammate) {
		b.fatalf("flash after inviting says %q, want it to name %s", got, teammate)
	}
	b.clickToPage(testid("onboarding-skip"), "/")
	b.do("see the dashboard", chromedp.WaitVisible(testid("org-overview")))
	if got := b.text(`[data-testid="stat-members"] .stat__meta`); !strings.Contains(got, "1 invitation pending") {
		b.fatalf("members card says %q, want 1 invitation pending", got)
	}
}
