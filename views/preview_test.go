package views

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"

	"github.com/trcr/trcr/static"
)

// This file renders every page with realistic sample data.
//
//   - TestPages parses each page and checks key data-testids, that every POST
//     form carries the CSRF token, and basic accessibility wiring.
//   - TestWritePreviews (only when VIEWS_PREVIEW_DIR is set) writes the pages
//     as HTML files next to a copy of static/, ready to be served with
//     `python3 -m http.server -d $VIEWS_PREVIEW_DIR` and screenshotted.

const sampleCSRF = "csrf-9f8e7d6c5b4a"

var sampleNow = time.Date(2026, time.March, 12, 14, 30, 0, 0, time.UTC)

func sampleUser() User {
	return User{ID: "u_ada", Name: "Ada Lovelace", Email: "ada@northwind.studio", Initials: "AL"}
}

func sampleOrgs() []Org {
	return []Org{
		{ID: "o_nw", Name: "Northwind Studio"},
		{ID: "o_bp", Name: "Blue Pine Consulting"},
		{ID: "o_ax", Name: "Axiom Labs"},
	}
}

// sampleTimer and sampleBell stand in for the components other packages
// render into the top bar slots.
var sampleTimer = templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, `<a class="btn btn--secondary btn--sm" href="#" data-testid="sample-timer">`); err != nil {
		return err
	}
	if err := Icon("clock").Render(ctx, w); err != nil {
		return err
	}
	_, err := io.WriteString(w, `<span class="mono">01:24:09</span></a>`)
	return err
})

var sampleBell = templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, `<a class="icon-btn" href="#" aria-label="Notifications" data-testid="sample-bell">`); err != nil {
		return err
	}
	if err := Icon("bell").Render(ctx, w); err != nil {
		return err
	}
	_, err := io.WriteString(w, `</a>`)
	return err
})

// ownerCan and memberCan are the permissions store.Permissions gives an owner and a member.
var (
	ownerCan = Permissions{
		ManageOrganization: true, DeleteOrganization: true, ManageMembers: true, ManageOwners: true, ViewCostRates: true,
		ViewAuditLog: true, ManageClients: true, ManageBilling: true, ViewRevenueReports: true, ManageAllTime: true,
		ViewAllProjects: true, CreateProjects: true, ManageAllProjects: true, DeleteProjects: true, DeleteAnyComment: true,
		CreateLabels: true, EditLabels: true, ManageTaskStatuses: true,
	}
	memberCan = Permissions{CreateLabels: true}
)

func appPage(title, nav string) Page {
	return Page{
		Title:         title,
		CSRFToken:     sampleCSRF,
		CurrentUser:   sampleUser(),
		Orgs:          sampleOrgs(),
		CurrentOrg:    CurrentOrg{ID: "o_nw", Name: "Northwind Studio", Role: RoleOwner},
		ActiveNav:     nav,
		Can:           ownerCan,
		DevMailbox:    true,
		Timer:         sampleTimer,
		Notifications: sampleBell,
	}
}

func authPage(title string) Page {
	return Page{Title: title, CSRFToken: sampleCSRF, DevMailbox: true}
}

func sampleMembers() []Member {
	return []Member{
		{ID: "m1", Name: "Ada Lovelace", Email: "ada@northwind.studio", Initials: "AL", Role: RoleOwner, Status: StatusActive, CostRateCents: 9500, Currency: "EUR", IsSelf: true, CanEdit: true, CanMakeOwner: true},
		{ID: "m2", Name: "Grace Hopper", Email: "grace@northwind.studio", Initials: "GH", Role: RoleAdmin, Status: StatusActive, CostRateCents: 8500, Currency: "EUR", CanEdit: true, CanMakeOwner: true, Saved: true},
		{ID: "m3", Name: "Alan Turing", Email: "alan@northwind.studio", Initials: "AT", Role: RoleMember, Status: StatusActive, CostRateCents: 7250, Currency: "EUR", CanEdit: true, CanMakeOwner: true},
		{ID: "m4", Name: "Katherine Johnson", Email: "katherine@northwind.studio", Initials: "KJ", Role: RoleMember, Status: StatusActive, CostRateCents: 6800, Currency: "EUR", CanEdit: true, CanMakeOwner: true, Error: "Cost rate must be zero or more."},
		{ID: "m5", Email: "linus@contractor.dev", Initials: "LI", Role: RoleMember, Status: StatusInvited, CostRateCents: 0, Currency: "EUR", CanEdit: true, CanMakeOwner: true},
	}
}

func sampleAudit() []AuditEntry {
	return []AuditEntry{
		{ID: "a1", At: sampleNow.Add(-3 * time.Minute), ActorName: "Ada Lovelace", ActorEmail: "ada@northwind.studio", ActorInitials: "AL",
			Action: "member.role_changed", EntityType: "member", EntityID: "m2", EntityLabel: "Grace Hopper",
			Changes: []AuditChange{{Field: "role", From: "member", To: "admin"}}},
		{ID: "a2", At: sampleNow.Add(-2 * time.Hour), ActorName: "Grace Hopper", ActorEmail: "grace@northwind.studio", ActorInitials: "GH",
			Action: "member.invited", EntityType: "invitation", EntityID: "inv_8c1f", EntityLabel: "linus@contractor.dev",
			Changes: []AuditChange{{Field: "email", To: "linus@contractor.dev"}, {Field: "role", To: "member"}}},
		{ID: "a3", At: sampleNow.Add(-26 * time.Hour), ActorName: "Ada Lovelace", ActorEmail: "ada@northwind.studio", ActorInitials: "AL",
			Action: "organization.updated", EntityType: "organization", EntityID: "o_nw",
			Changes: []AuditChange{{Field: "currency", From: "USD", To: "EUR"}, {Field: "timezone", From: "UTC", To: "Europe/Berlin"}}},
		{ID: "a4", At: sampleNow.Add(-4 * 24 * time.Hour), ActorName: "Ada Lovelace", ActorEmail: "ada@northwind.studio", ActorInitials: "AL",
			Action: "member.cost_rate_changed", EntityType: "member", EntityID: "m3", EntityLabel: "Alan Turing",
			Changes: []AuditChange{{Field: "cost_rate", From: "65.00 EUR", To: "72.50 EUR"}}},
		{ID: "a5", At: sampleNow.Add(-40 * 24 * time.Hour), Action: "member.removed", EntityType: "member", EntityID: "m9",
			EntityLabel: "Former contractor", Changes: []AuditChange{{Field: "status", From: "active"}}},
	}
}

func sampleEmails() []OutboxEmail {
	return []OutboxEmail{
		{ID: "e3", To: "linus@contractor.dev", Subject: "Grace invited you to Northwind Studio on TRCR", Status: "sent", CreatedAt: sampleNow.Add(-2 * time.Hour),
			TextBody: "Hi,\n\nGrace Hopper invited you to join Northwind Studio on TRCR as a member.\n\nAccept the invitation:\nhttp://localhost:8080/invitations/tok_8c1f2a\n\nThe link expires in 7 days.\n\n— TRCR",
			HTMLBody: `<div style="font-family:system-ui,sans-serif;max-width:520px;margin:24px auto;color:#15171c"><h2 style="margin:0 0 12px">You're invited to Northwind Studio</h2><p>Grace Hopper invited you to join <b>Northwind Studio</b> on TRCR as a member.</p><p><a href="http://localhost:8080/invitations/tok_8c1f2a" style="display:inline-block;background:#5046e5;color:#fff;padding:10px 16px;border-radius:8px;text-decoration:none">Accept invitation</a></p><p style="color:#5b6170;font-size:13px">The link expires in 7 days.</p><script>alert("blocked by sandbox")</script></div>`},
		{ID: "e2", To: "ada@northwind.studio", Subject: "Verify your email address", Status: "sent", CreatedAt: sampleNow.Add(-26 * time.Hour),
			TextBody: "Welcome to TRCR!\n\nConfirm your email: http://localhost:8080/verify-email?token=abc123\n"},
		{ID: "e1", To: "bounce@example.invalid", Subject: "Reset your password", Status: "failed", CreatedAt: sampleNow.Add(-50 * 24 * time.Hour),
			Error: "550 5.1.1 mailbox unavailable", TextBody: "Reset your password: http://localhost:8080/reset-password?token=zzz"},
	}
}

type preview struct {
	name    string
	c       templ.Component
	testids []string
}

func previews() []preview {
	memberQuery := url.Values{"q": {""}, "role": {""}}
	members := MembersView{
		Members:    sampleMembers(),
		Pagination: Pagination{Page: 1, PerPage: 5, Total: 12, Path: "/members", Query: memberQuery, Target: "#members-results"},
		Invite:     InviteForm{Role: RoleMember, AllowOwner: true},
		CanManage:  true,
		Currency:   "EUR",
	}
	withFlash := appPage("", NavDashboard)
	withFlash.Flashes = []Flash{{Kind: FlashSuccess, Text: "Welcome to Northwind Studio! Your organization is ready."}}

	soloPage := appPage("", NavDashboard)
	soloPage.Orgs = sampleOrgs()[:1]
	memberPage := appPage("", NavMembers)
	memberPage.Can = memberCan
	memberPage.CurrentOrg.Role = RoleMember
	memberPage.Timer = nil
	readOnly := members
	readOnly.CanManage = false
	readOnly.Members = nil
	for _, m := range sampleMembers()[:4] {
		m.CanEdit, m.Error, m.Saved = false, "", false
		readOnly.Members = append(readOnly.Members, m)
	}
	readOnly.Pagination = Pagination{Page: 1, PerPage: 25, Total: 4, Path: "/members"}

	loggedOut := Page{CSRFToken: sampleCSRF, DevMailbox: true}
	inviteUser := Page{CSRFToken: sampleCSRF, CurrentUser: User{ID: "u_lin", Name: "Linus", Email: "linus@contractor.dev", Initials: "LI"}}
	wrongUser := authPage("")
	wrongUser.CurrentUser = sampleUser()
	inv := Invitation{Token: "tok_8c1f2a", OrgName: "Northwind Studio", InviterName: "Grace Hopper", Role: RoleMember, Email: "linus@contractor.dev"}
	emails := sampleEmails()
	errFlash := authPage("")
	errFlash.Flashes = []Flash{{Kind: FlashInfo, Text: "Your password was changed. Please sign in again."}}

	return []preview{
		{"login", LoginPage(errFlash, LoginForm{Next: "/members"}), []string{"login-form", "login-submit", "register-link", "forgot-link", "flash"}},
		{"login-error", LoginPage(authPage(""), LoginForm{Email: "ada@northwind.studio", Error: "Invalid email or password.", Errors: map[string]string{"password": "Password is required."}}), []string{"login-form", "form-error", "field-error"}},
		{"register", RegisterPage(authPage(""), RegisterForm{Name: "Ada", Email: "ada@", Errors: map[string]string{"email": "Enter a valid email address.", "password": "Use at least 8 characters."}}), []string{"register-form", "register-submit", "field-error", "login-link"}},
		{"forgot-password", ForgotPasswordPage(authPage(""), ForgotPasswordForm{}), []string{"forgot-form", "forgot-submit"}},
		{"forgot-password-sent", ForgotPasswordPage(authPage(""), ForgotPasswordForm{Email: "ada@northwind.studio", Sent: true}), []string{"forgot-sent"}},
		{"reset-password", ResetPasswordPage(authPage(""), ResetPasswordForm{Token: "rst_123", Errors: map[string]string{"password": "Use at least 8 characters."}}), []string{"reset-form", "reset-submit"}},
		{"reset-password-invalid", ResetPasswordPage(authPage(""), ResetPasswordForm{TokenInvalid: true}), []string{"reset-invalid"}},
		{"verify-email-success", VerifyEmailPage(authPage(""), VerifyEmailResult{Success: true}), []string{"verify-success", "verify-continue"}},
		{"verify-email-failure", VerifyEmailPage(authPage(""), VerifyEmailResult{CanResend: true}), []string{"verify-failure", "verify-resend-form"}},
		{"invitation-anonymous", AcceptInvitationPage(authPage(""), inv), []string{"invitation", "invitation-login", "invitation-register", "invitation-role"}},
		{"invitation-accept", AcceptInvitationPage(inviteUser, inv), []string{"invitation", "accept-invitation-form", "accept-invitation-submit"}},
		{"invitation-wrong-account", AcceptInvitationPage(wrongUser, inv), []string{"invitation-wrong-account", "logout-form"}},
		{"invitation-invalid", AcceptInvitationPage(authPage(""), Invitation{Invalid: true}), []string{"invitation-invalid"}},
		{"onboarding", OnboardingPage(Page{CSRFToken: sampleCSRF, CurrentUser: sampleUser()}, OrgForm{Name: "Northwind", Errors: map[string]string{"slug": "That short name is already taken."}}), []string{"onboarding", "create-org-form", "create-org-submit", "logout-form"}},
		{"dashboard", DashboardPage(withFlash, DashboardView{MemberCount: 4, PendingInvites: 1, Role: RoleOwner, Currency: "EUR", Timezone: "Europe/Berlin", Now: sampleNow,
			Checklist: []ChecklistItem{
				{Label: "Verify your email", Done: true},
				{Label: "Create your organization", Done: true},
				{Label: "Invite your team", Hint: "Members can track time once they join.", Href: "/members#invite", Done: true},
				{Label: "Set currency and timezone", Hint: "Used for cost rates, reports and invoices.", Href: "/settings/organization"},
				{Label: "Add your photo", Href: "/profile"},
			},
			RecentActivity: sampleAudit()[:4]}), []string{"org-overview", "stat-members", "quick-links", "recent-activity", "checklist", "org-switcher", "user-menu", "flash", "sample-timer", "sample-bell"}},
		{"dashboard-solo", DashboardPage(soloPage, DashboardView{MemberCount: 1, Role: RoleOwner, Currency: "USD", Timezone: "America/New_York", Now: sampleNow}), []string{"org-overview", "empty-state", "empty-invite", "recent-activity"}},
		{"profile", ProfilePage(appPage("", NavProfile), ProfileView{
			Profile:  ProfileForm{Name: "Ada Lovelace", Email: "ada@northwind.studio", Timezone: "Europe/London"},
			Avatar:   AvatarForm{Name: "Ada Lovelace", Initials: "AL"},
			Password: PasswordForm{Errors: map[string]string{"current_password": "That's not your current password."}},
		}), []string{"profile-form", "avatar-form", "avatar-upload-form", "password-form", "profile-submit", "password-submit"}},
		{"org-settings", OrgSettingsPage(appPage("", NavSettings), OrgSettingsView{
			Settings:  OrgSettingsForm{Name: "Northwind Studio", Slug: "northwind", Currency: "EUR", Timezone: "Europe/Berlin"},
			Logo:      LogoForm{OrgName: "Northwind Studio", Errors: map[string]string{"logo": "Logos must be smaller than 2 MB."}},
			Delete:    DeleteOrgForm{OrgName: "Northwind Studio"},
			CanDelete: true,
		}), []string{"org-settings-form", "logo-form", "logo-upload-form", "delete-org-form", "delete-org-submit", "org-settings-submit"}},
		{"members", MembersPage(appPage("", NavMembers), members), []string{"members-table", "member-row", "member-role-form", "member-rate-form", "member-remove-form", "member-resend-form", "invite-form", "invite-submit", "members-search", "members-role-filter", "pagination", "pagination-next", "member-row-error"}},
		{"members-readonly", MembersPage(memberPage, readOnly), []string{"members-table", "member-row", "member-role", "member-rate"}},
		{"members-empty-search", MembersPage(appPage("", NavMembers), MembersView{Filter: MemberFilter{Q: "zebra"}, CanManage: true, Currency: "EUR", Invite: InviteForm{Email: "not-an-email", Errors: map[string]string{"email": "Enter a valid email address."}}}), []string{"empty-state", "clear-filters", "invite-form"}},
		{"audit-log", AuditLogPage(appPage("", NavAuditLog), AuditLogView{
			Entries: sampleAudit(), Now: sampleNow,
			Users:       []Option{{Value: "u_ada", Label: "Ada Lovelace"}, {Value: "u_grace", Label: "Grace Hopper"}},
			Actions:     []string{"member.invited", "member.removed", "member.role_changed", "member.cost_rate_changed", "organization.updated"},
			EntityTypes: []string{"member", "invitation", "organization"},
			Pagination:  Pagination{Page: 2, PerPage: 5, Total: 23, Path: "/audit-logs", Query: url.Values{"page": {"2"}}, Target: "#audit-results"},
		}), []string{"audit-filter", "audit-table", "audit-row", "audit-changes", "pagination", "pagination-prev", "pagination-next"}},
		{"audit-log-empty", AuditLogPage(appPage("", NavAuditLog), AuditLogView{Filter: AuditFilter{Action: "member.removed", From: "2026-01-01"}, Actions: []string{"member.removed"}, Now: sampleNow}), []string{"audit-filter", "empty-state", "audit-filter-reset"}},
		{"dev-mailbox", DevMailboxPage(appPage("", NavDevMailbox), DevMailboxView{Emails: emails, Selected: &emails[0], Now: sampleNow}), []string{"mailbox", "mailbox-item", "mailbox-message", "mailbox-html", "mailbox-text"}},
		{"dev-mailbox-logged-out", DevMailboxPage(loggedOut, DevMailboxView{Emails: emails, Selected: &emails[1], Now: sampleNow}), []string{"mailbox", "mailbox-item", "mailbox-message"}},
		{"dev-mailbox-empty", DevMailboxPage(appPage("", NavDevMailbox), DevMailboxView{}), []string{"mailbox", "empty-state"}},
		{"new-organization", NewOrganizationPage(appPage("", ""), OrgForm{}), []string{"create-org-form", "create-org-submit", "org-switcher"}},
		{"error-404", ErrorPage(appPage("", ""), ErrorView{Status: 404}), []string{"error-page", "error-status", "error-home"}},
		{"error-500-logged-out", ErrorPage(loggedOut, ErrorView{Status: 500, RequestID: "req_01HV9K2M7Q"}), []string{"error-page", "error-status"}},
	}
}

func render(t testing.TB, c templ.Component) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.Bytes()
}

func parse(t testing.TB, b []byte) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return doc
}

// checkForms asserts every POST form has a real action and the CSRF field.
func checkForms(t *testing.T, doc *goquery.Selection) {
	t.Helper()
	doc.Find("form").Each(func(_ int, f *goquery.Selection) {
		method := strings.ToLower(f.AttrOr("method", "get"))
		id := f.AttrOr("data-testid", f.AttrOr("action", "?"))
		if method != "post" && method != "get" {
			t.Errorf("form %s: unexpected method %q", id, method)
		}
		action := f.AttrOr("action", "")
		if !strings.HasPrefix(action, "/") {
			t.Errorf("form %s: action %q is not a local URL", id, action)
		}
		if method != "post" {
			return
		}
		csrf := f.Find(`input[type="hidden"][name="_csrf"]`)
		if csrf.Length() != 1 || csrf.AttrOr("value", "") != sampleCSRF {
			t.Errorf("form %s (%s): missing CSRF field", id, action)
		}
		if hx := f.AttrOr("hx-post", ""); hx != "" && hx != action {
			t.Errorf("form %s: hx-post %q differs from action %q", id, hx, action)
		}
		if f.Find(`button[type="submit"], input[type="submit"]`).Length() == 0 && f.AttrOr("hx-trigger", "") == "" {
			t.Errorf("form %s: no submit button", id)
		}
		f.Find(`button[type="submit"]`).Each(func(_ int, b *goquery.Selection) {
			if b.AttrOr("data-testid", "") == "" {
				t.Errorf("form %s: submit button %q has no data-testid", id, strings.TrimSpace(b.Text()))
			}
		})
		if f.AttrOr("data-testid", "") == "" {
			t.Errorf("form %s has no data-testid", action)
		}
	})
}

// checkA11y asserts ids are unique, labels point at controls and
// aria-describedby references exist.
func checkA11y(t *testing.T, doc *goquery.Document) {
	t.Helper()
	ids := map[string]int{}
	doc.Find("[id]").Each(func(_ int, s *goquery.Selection) { ids[s.AttrOr("id", "")]++ })
	for id, n := range ids {
		if n > 1 {
			t.Errorf("duplicate id %q (%d times)", id, n)
		}
	}
	doc.Find("label[for]").Each(func(_ int, s *goquery.Selection) {
		if ids[s.AttrOr("for", "")] == 0 {
			t.Errorf("label for=%q has no control", s.AttrOr("for", ""))
		}
	})
	doc.Find("[aria-describedby]").Each(func(_ int, s *goquery.Selection) {
		for _, ref := range strings.Fields(s.AttrOr("aria-describedby", "")) {
			if ids[ref] == 0 {
				t.Errorf("aria-describedby=%q: no element with id %q", s.AttrOr("aria-describedby", ""), ref)
			}
		}
	})
	doc.Find("input, select, textarea").Each(func(_ int, s *goquery.Selection) {
		typ := s.AttrOr("type", "")
		if typ == "hidden" || typ == "submit" || s.AttrOr("aria-hidden", "") == "true" {
			return
		}
		id := s.AttrOr("id", "")
		if s.AttrOr("aria-label", "") == "" && (id == "" || doc.Find(`label[for="`+id+`"]`).Length() == 0) {
			t.Errorf("control name=%q has no label", s.AttrOr("name", ""))
		}
	})
	doc.Find("[aria-invalid='true']").Each(func(_ int, s *goquery.Selection) {
		if s.AttrOr("aria-describedby", "") == "" {
			t.Errorf("invalid control %q does not reference its error", s.AttrOr("name", ""))
		}
	})
	doc.Find("img").Each(func(_ int, s *goquery.Selection) {
		if _, ok := s.Attr("alt"); !ok {
			t.Errorf("img %q has no alt", s.AttrOr("src", ""))
		}
	})
}

func TestPages(t *testing.T) {
	t.Parallel()
	for _, p := range previews() {
		t.Run(p.name, func(t *testing.T) {
			b := render(t, p.c)
			doc := parse(t, b)
			for _, id := range p.testids {
				if doc.Find(`[data-testid="`+id+`"]`).Length() == 0 {
					t.Errorf("missing data-testid=%q", id)
				}
			}
			// Document chrome.
			if doc.Find("title").Text() == "" || !strings.HasSuffix(doc.Find("title").Text(), "TRCR") {
				t.Errorf("title %q", doc.Find("title").Text())
			}
			var hdr map[string]string
			if err := json.Unmarshal([]byte(doc.Find("body").AttrOr("hx-headers", "")), &hdr); err != nil || hdr["X-CSRF-Token"] != sampleCSRF {
				t.Errorf("body hx-headers = %q (%v)", doc.Find("body").AttrOr("hx-headers", ""), err)
			}
			var cfg map[string]any
			if err := json.Unmarshal([]byte(doc.Find(`meta[name="htmx-config"]`).AttrOr("content", "")), &cfg); err != nil || cfg["responseHandling"] == nil {
				t.Errorf("htmx-config: %v", err)
			}
			for _, sel := range []string{`script[src^="/static/vendor/htmx/htmx.min.js?v="]`, `link[rel="stylesheet"][href^="/static/css/app.css?v="]`, `a.skip-link[href="#main"]`, `main#main`, `#flashes[role="status"]`} {
				if doc.Find(sel).Length() != 1 {
					t.Errorf("expected exactly one %s", sel)
				}
			}
			if doc.Find(`script:not([src])`).Length() > 0 {
				t.Errorf("inline scripts are not allowed (CSP)")
			}
			if doc.Find(`[style]`).Length() > 0 {
				t.Errorf("inline style attributes are not allowed (CSP)")
			}
			if doc.Find(`[data-testid="user-menu"]`).Length() > 0 {
				if doc.Find(`form[action="/logout"][data-testid="logout-form"]`).Length() == 0 {
					t.Errorf("user menu without logout form")
				}
			}
			if doc.Find(`[data-testid="sidebar"]`).Length() > 0 {
				for _, sel := range []string{"#timer-slot", "#notifications-slot", `[data-testid="nav-toggle"]`, `a[href="/organizations/new"]`} {
					if doc.Find(sel).Length() != 1 {
						t.Errorf("app layout: expected %s", sel)
					}
				}
			}
			if strings.Contains(string(b), "templ: failed sanitization") || strings.Contains(string(b), "about:invalid") {
				t.Errorf("rendered output contains a failed sanitization marker")
			}
			checkForms(t, doc.Selection)
			checkA11y(t, doc)
		})
	}
}

func TestAppLayoutNav(t *testing.T) {
	t.Parallel()
	p := appPage("", NavMembers)
	doc := parse(t, render(t, MembersPage(p, MembersView{Currency: "EUR"})))
	if got := doc.Find(`a[aria-current="page"]`).AttrOr("href", ""); got != "/members" {
		t.Errorf("active nav = %q", got)
	}
	if n := doc.Find(`[data-testid="org-switch-form"]`).Length(); n != 3 {
		t.Errorf("org switch forms = %d", n)
	}
	doc.Find(`[data-testid="org-switch-form"]`).Each(func(_ int, f *goquery.Selection) {
		if f.AttrOr("action", "") != "/orgs/switch" || f.Find(`input[name="org_id"]`).AttrOr("value", "") == "" {
			t.Errorf("bad org switch form")
		}
	})
	if doc.Find(`[data-testid="dev-mailbox-link"][href="/dev/mailbox"]`).Length() != 1 {
		t.Errorf("dev mailbox link missing")
	}

	// Members (non-admins) don't see admin navigation or the dev mailbox.
	p.Can, p.DevMailbox = memberCan, false
	doc = parse(t, render(t, DashboardPage(p, DashboardView{})))
	for _, href := range []string{"/settings/organization", "/audit-logs", "/dev/mailbox"} {
		if doc.Find(`.sidebar a[href="`+href+`"]`).Length() != 0 {
			t.Errorf("non-admin sees %s", href)
		}
	}
}

func TestCSRFHeaderEscaping(t *testing.T) {
	t.Parallel()
	p := appPage("", "")
	p.CSRFToken = `a"b'<c>&`
	b := render(t, ErrorPage(p, ErrorView{Status: 404}))
	doc := parse(t, b)
	var hdr map[string]string
	if err := json.Unmarshal([]byte(doc.Find("body").AttrOr("hx-headers", "")), &hdr); err != nil {
		t.Fatal(err)
	}
	if hdr["X-CSRF-Token"] != p.CSRFToken {
		t.Errorf("token round-trip: %q", hdr["X-CSRF-Token"])
	}
}

func TestFragments(t *testing.T) {
	t.Parallel()
	cases := map[string]templ.Component{
		"login":         LoginFormFragment(sampleCSRF, LoginForm{Errors: map[string]string{"email": "Required"}}),
		"register":      RegisterFormFragment(sampleCSRF, RegisterForm{}),
		"forgot":        ForgotPasswordFormFragment(sampleCSRF, ForgotPasswordForm{}),
		"reset":         ResetPasswordFormFragment(sampleCSRF, ResetPasswordForm{Token: "t"}),
		"create-org":    CreateOrgFormFragment(sampleCSRF, "/organizations", OrgForm{}),
		"profile":       ProfileFormFragment(sampleCSRF, ProfileForm{Timezone: "Mars/Olympus_Mons"}),
		"avatar":        AvatarFormFragment(sampleCSRF, AvatarForm{AvatarURL: "/uploads/a.png", Name: "Ada"}),
		"password":      PasswordFormFragment(sampleCSRF, PasswordForm{}),
		"org-settings":  OrgSettingsFormFragment(sampleCSRF, OrgSettingsForm{Currency: "XTS"}),
		"logo":          OrgLogoFormFragment(sampleCSRF, LogoForm{LogoURL: "/uploads/l.png", OrgName: "N"}),
		"delete-org":    DeleteOrgFormFragment(sampleCSRF, DeleteOrgForm{OrgName: "N"}),
		"invite":        InviteFormFragment(sampleCSRF, InviteForm{}),
		"members":       MembersResults(sampleCSRF, MembersView{Members: sampleMembers(), Pagination: Pagination{Page: 1, PerPage: 10, Total: 5}}),
		"audit":         AuditLogResults(AuditLogView{Entries: sampleAudit(), Now: sampleNow}),
		"mail":          MailboxMessage(sampleEmails()[0]),
		"flashes-oob":   FlashesOOB([]Flash{{Kind: FlashSuccess, Text: "Saved"}}),
		"member-row":    memberRowTable(MemberRow(sampleCSRF, sampleMembers()[1])),
		"empty-members": MembersResults(sampleCSRF, MembersView{}),
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			b := render(t, c)
			doc := parse(t, b)
			checkForms(t, doc.Selection)
		})
	}

	// Unknown current values are still offered.
	b := string(render(t, ProfileFormFragment(sampleCSRF, ProfileForm{Timezone: "Mars/Olympus_Mons"})))
	if !strings.Contains(b, `value="Mars/Olympus_Mons" selected`) {
		t.Errorf("current timezone not preserved")
	}
	b = string(render(t, OrgSettingsFormFragment(sampleCSRF, OrgSettingsForm{Currency: "XTS"})))
	if !strings.Contains(b, `value="XTS" selected`) {
		t.Errorf("current currency not preserved")
	}

	// The email HTML is rendered into srcdoc, escaped, inside a sandbox without scripts.
	doc := parse(t, render(t, MailboxMessage(sampleEmails()[0])))
	frame := doc.Find("iframe[data-testid=mailbox-html]")
	if sb, ok := frame.Attr("sandbox"); !ok || strings.Contains(sb, "allow-scripts") || strings.Contains(sb, "allow-same-origin") {
		t.Errorf("iframe sandbox = %q", sb)
	}
	if !strings.Contains(frame.AttrOr("srcdoc", ""), "<h2") {
		t.Errorf("srcdoc not rendered as HTML: %q", frame.AttrOr("srcdoc", ""))
	}
	if doc.Find("script").Length() != 0 {
		t.Errorf("email script leaked into the page")
	}
	if doc.Find(`.mail__text a[href="http://localhost:8080/invitations/tok_8c1f2a"]`).Length() != 1 {
		t.Errorf("plain-text links not linkified")
	}
}

// memberRowTable wraps a <tr> in a table so the HTML parser keeps it.
func memberRowTable(row templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, "<table><tbody>"); err != nil {
			return err
		}
		if err := row.Render(ctx, w); err != nil {
			return err
		}
		_, err := io.WriteString(w, "</tbody></table>")
		return err
	})
}

func TestPagination(t *testing.T) {
	t.Parallel()
	p := Pagination{Page: 2, PerPage: 10, Total: 35, Path: "/audit-logs", Query: url.Values{"action": {"member.invited"}, "page": {"2"}}}
	if p.Pages() != 4 || !p.HasPrev() || !p.HasNext() || p.First() != 11 || p.Last() != 20 {
		t.Errorf("pages=%d prev=%v next=%v first=%d last=%d", p.Pages(), p.HasPrev(), p.HasNext(), p.First(), p.Last())
	}
	if got := p.URL(3); got != "/audit-logs?action=member.invited&page=3" {
		t.Errorf("URL(3) = %q", got)
	}
	if got := p.URL(1); got != "/audit-logs?action=member.invited" {
		t.Errorf("URL(1) = %q", got)
	}
	if p.Query.Get("page") != "2" {
		t.Errorf("URL mutated the query")
	}
	last := Pagination{Page: 4, PerPage: 10, Total: 35}
	if last.HasNext() || last.Last() != 35 {
		t.Errorf("last page: next=%v last=%d", last.HasNext(), last.Last())
	}
	if (Pagination{}).URL(1) != "?" {
		t.Errorf("empty URL")
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		minor int64
		cur   string
		major string
		disp  string
	}{
		{8500, "EUR", "85.00", "85.00 EUR"},
		{125000, "USD", "1250.00", "1,250.00 USD"},
		{5, "GBP", "0.05", "0.05 GBP"},
		{1500, "JPY", "1500", "1,500 JPY"},
		{0, "EUR", "0.00", "0.00 EUR"},
		{123456789, "CHF", "1234567.89", "1,234,567.89 CHF"},
	} {
		if got := MajorUnits(c.minor, c.cur); got != c.major {
			t.Errorf("MajorUnits(%d,%s) = %q", c.minor, c.cur, got)
		}
		if got := FormatMoney(c.minor, c.cur); got != c.disp {
			t.Errorf("FormatMoney(%d,%s) = %q", c.minor, c.cur, got)
		}
	}
}

func TestRelTime(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		ago  time.Duration
		want string
	}{
		{10 * time.Second, "just now"}, {5 * time.Minute, "5 min ago"}, {3 * time.Hour, "3 hours ago"},
		{30 * time.Hour, "yesterday"}, {4 * 24 * time.Hour, "4 days ago"}, {20 * 24 * time.Hour, "Feb 20"},
		{400 * 24 * time.Hour, "Feb 5, 2025"},
	} {
		if got := relTime(sampleNow.Add(-c.ago), sampleNow); got != c.want {
			t.Errorf("relTime(-%v) = %q, want %q", c.ago, got, c.want)
		}
	}
}

// TestWritePreviews writes every page to $VIEWS_PREVIEW_DIR (plus a copy of
// the static assets) for visual review:
//
//	VIEWS_PREVIEW_DIR=/tmp/preview go test ./views -run TestWritePreviews
//	python3 -m http.server -d /tmp/preview 8099
//	open http://localhost:8099/
func TestWritePreviews(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("VIEWS_PREVIEW_DIR")
	if dir == "" {
		t.Skip("set VIEWS_PREVIEW_DIR to write HTML previews")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var index strings.Builder
	index.WriteString("<!doctype html><meta charset=utf-8><title>TRCR previews</title><ul>")
	for _, p := range previews() {
		name := p.name + ".html"
		if err := os.WriteFile(filepath.Join(dir, name), render(t, p.c), 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&index, `<li><a href="%s">%s</a></li>`, name, p.name)
	}
	index.WriteString("</ul>")
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(index.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	err := fs.WalkDir(static.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, "static", filepath.FromSlash(path))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(static.FS, path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d previews to %s", len(previews()), dir)
}
