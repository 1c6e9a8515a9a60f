package main

// End-to-end browser tests: a real `trcr serve` (with its embedded PostgreSQL and the dev mailbox) driven by
// headless Chromium. They need /usr/bin/chromium and take a while; `go test -short` skips them.
// TRCR_SCREENSHOT=1 also writes the dashboard to docs/screenshot.png (used by the README).

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

func TestBrowser_SignupOrganizationInvitationFlow(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	b := newE2EBrowser(t, srv.BaseURL)
	timer := newStepTimer(t)

	const (
		aliceName = "Alice Martin"
		bobName   = "Bob Stone"
		password  = "correct horse battery staple"
		orgName   = "Acme Studio"
	)
	aliceEmail, bobEmail := uniqueEmail("alice"), uniqueEmail("bob")

	// Sign up: a new account without an organization goes to onboarding.
	b.open("/register", "register-form")
	b.register(aliceName, aliceEmail, password, "/onboarding")
	b.do("see onboarding", chromedp.WaitVisible(testid("onboarding")))
	timer.done("register")

	// Verify the email address with the link from the dev mailbox.
	verify := b.emailLink(aliceEmail, "Confirm your email", "/verify-email?token=")
	b.open(verify, "verify-success")
	timer.done("verify email")

	// Create the organization; the Team step follows (skipped here: Bob is invited from Members), then the dashboard.
	b.open("/onboarding", "create-org-form")
	b.fill("#org-name", orgName)
	b.clickToPage(testid("create-org-submit"), "/onboarding/team")
	b.clickToPage(testid("onboarding-skip"), "/")
	b.do("see the dashboard", chromedp.WaitVisible(testid("org-overview")))
	if got := b.text(`[data-testid="org-switcher"] .org-switcher__name`); got != orgName {
		b.fatalf("organization switcher shows %q, want %q", got, orgName)
	}
	if got := b.text(".topbar__org"); got != orgName {
		b.fatalf("top bar shows %q, want %q", got, orgName)
	}
	timer.done("create organization")

	// Invite Bob as a member; his row shows as invited.
	b.open("/members", "invite-form")
	b.fill("#invite-email", bobEmail)
	b.do("choose the member role", chromedp.SetValue(chromedp.CSS("#invite-role"), "member"))
	b.clickToPage(testid("invite-submit"), "/members")
	row := b.waitString("a member row for "+bobEmail, `(() => {
		for (const tr of document.querySelectorAll('[data-testid="member-row"]')) {
			const email = tr.querySelector('[data-testid="member-email"]');
			if (!email || email.textContent.trim() !== `+jsString(bobEmail)+`) continue;
			const status = tr.querySelector('[data-testid="member-status"]');
			const roleSelect = tr.querySelector('[data-testid="member-role-select"]'), role = tr.querySelector('[data-testid="member-role"]');
			return (status ? status.textContent.trim() : "?") + "|" + (roleSelect ? roleSelect.value : role ? role.textContent.trim() : "?");
		}
		return "";
	})()`)
	if status, role, _ := strings.Cut(row, "|"); status != "Invited" || !strings.EqualFold(role, "member") {
		b.fatalf("row for %s: status %q, role %q; want Invited, member", bobEmail, status, role)
	}
	if got := b.text(`[data-testid="flash"]`); !strings.Contains(got, bobEmail) {
		b.fatalf("flash after inviting says %q, want it to name %s", got, bobEmail)
	}
	timer.done("invite")

	// The dashboard now counts the pending invitation; it is the README's screenshot.
	b.open("/", "org-overview")
	if got := b.text(`[data-testid="stat-members"] .stat__meta`); !strings.Contains(got, "1 invitation pending") {
		b.fatalf("members card says %q, want 1 invitation pending", got)
	}
	if os.Getenv("TRCR_SCREENSHOT") == "1" {
		writeDashboardScreenshot(t, b)
	}

	b.logout()
	timer.done("dashboard, log out")

	// Bob follows the invitation link from the mailbox (readable without signing in), creates his account from
	// the invitation, comes back to it and accepts.
	invite := b.emailLink(bobEmail, orgName, "/invitations/accept?token=")
	b.open(invite, "invitation")
	if got := b.text(`[data-testid="invitation-org"]`); got != orgName {
		b.fatalf("invitation is to %q, want %q", got, orgName)
	}
	if got := b.text(`[data-testid="invitation-role"]`); got != "Member" {
		b.fatalf("invitation role is %q, want Member", got)
	}
	u, err := url.Parse(invite)
	if err != nil {
		t.Fatal(err)
	}
	invitationPage := "/invitations/" + u.Query().Get("token") // where registration sends Bob back
	b.clickToPage(testid("invitation-register"), "/register")
	if got := b.value("#register-email"); got != bobEmail {
		b.fatalf("registration form from the invitation has email %q, want it prefilled with %s", got, bobEmail)
	}
	b.register(bobName, "", password, invitationPage)
	b.do("see the accept button", chromedp.WaitVisible(testid("accept-invitation-submit")))
	b.clickToPage(testid("accept-invitation-submit"), "/")
	b.do("see Bob's dashboard", chromedp.WaitVisible(testid("org-overview")))
	if got := b.text(`[data-testid="org-switcher"] .org-switcher__name`); got != orgName {
		b.fatalf("Bob's dashboard is for %q, want %q", got, orgName)
	}
	if got := b.text(".user-menu__name"); got != "Bob" {
		b.fatalf("signed in as %q, want Bob", got)
	}
	if got := b.text(`[data-testid="stat-role"] .stat__value`); got != "Member" {
		b.fatalf("Bob's role is %q, want Member", got)
	}
	timer.done("accept invitation")

	b.logout()
	timer.done("log out")
}

// writeDashboardScreenshot saves the whole dashboard page, 1280 pixels wide, as docs/screenshot.png. Like
// Puppeteer's fullPage, it grows the viewport to the page's height rather than capturing beyond the viewport, so
// that the full-height sidebar spans the whole image.
func writeDashboardScreenshot(t *testing.T, b *e2eBrowser) {
	t.Helper()
	ctx, cancel := contextWithStepTimeout(b)
	defer cancel()
	b.do("wait for fonts", chromedp.Evaluate[chromedp.Void](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise))
	pageHeight := `Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))`
	height, err := chromedp.Run(ctx, chromedp.Evaluate[int64](pageHeight))
	if err != nil {
		b.fatalf("measure the page: %v", err)
	}
	b.do("size the viewport to the page", chromedp.EmulateViewport(1280, height), chromedp.Sleep(300*time.Millisecond))
	if h, err := chromedp.Run(ctx, chromedp.Evaluate[int64](pageHeight)); err == nil && h > height {
		b.do("size the viewport to the page again", chromedp.EmulateViewport(1280, h), chromedp.Sleep(300*time.Millisecond))
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fatalf("screenshot: %v", err)
	}
	b.do("restore the viewport", chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
		return err
	}))
	dir := filepath.Join(moduleRoot(t), "docs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "screenshot.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s (1280x%d, %d bytes)", path, height, len(png))
}

func TestBrowser_InvalidLoginShowsMessage(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("browser test: skipped with -short")
	}
	srv := e2eServerFor(t)
	b := newE2EBrowser(t, srv.BaseURL)
	timer := newStepTimer(t)

	const password = "carol's real password"
	email := uniqueEmail("carol")
	b.open("/register", "register-form")
	b.register("Carol Diaz", email, password, "/onboarding")
	// Log out with the link of the onboarding page.
	b.clickToPage(`[data-testid="onboarding"] ~ [data-testid="logout-form"] [data-testid="logout-button"]`, "/login")
	timer.done("register, log out")

	b.do("see the login form", chromedp.WaitVisible(testid("login-form")))
	b.fill("#login-email", email)
	b.fill("#login-password", "not the password")
	b.markPage()
	b.do("submit a wrong password", chromedp.Click(testid("login-submit")))
	b.do("see the error in the form", chromedp.WaitVisible(chromedp.CSS(`[data-testid="login-form"] [data-testid="form-error"]`)))
	if got := b.text(`[data-testid="login-form"] [data-testid="form-error"]`); !strings.Contains(got, "Invalid email or password") {
		b.fatalf("form error says %q, want Invalid email or password", got)
	}
	if !b.pageIsMarked() {
		b.fatalf("the page was reloaded; want the form swapped in place")
	}
	if loc := b.waitString("the location", `location.pathname`); loc != "/login" {
		b.fatalf("at %s after a failed login, want /login", loc)
	}
	if got := b.value("#login-email"); got != email {
		b.fatalf("email field holds %q after the error, want %q kept", got, email)
	}
	if got := b.value("#login-password"); got != "" {
		b.fatalf("password field holds %q after the error, want it empty", got)
	}
	timer.done("wrong password")

	// The re-rendered form still works: the right password signs in (to onboarding: Carol has no organization).
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/onboarding")
	timer.done("right password")
}
