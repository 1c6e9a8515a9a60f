package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestAnonymousIsSentToLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	for _, path := range []string{"/", "/members", "/profile", "/settings/organization", "/audit-logs"} {
		if p := b.get(path); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/login?next=") {
			t.Errorf("%s: %d %q", path, p.status, p.location)
		}
	}
	if p := b.get("/login"); p.status != 200 || !p.has("login-form") {
		t.Fatalf("login page: %d", p.status)
	}
}

func TestRegisterAndLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.get("/register")
	bad := b.post("/register", url.Values{"name": {"Ann"}, "email": {"ann@example.com"}, "password": {"short"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "password must be at least 8 characters") {
		t.Fatalf("invalid register: %d", bad.status)
	}
	if got := bad.doc.Find(`input[name="email"]`).AttrOr("value", ""); got != "ann@example.com" {
		t.Fatalf("form lost the email: %q", got)
	}
	ok := b.post("/register", url.Values{"name": {"Ann"}, "email": {"ann@example.com"}, "password": {"long enough"}})
	if ok.status != http.StatusSeeOther || ok.location != "/onboarding" {
		t.Fatalf("register: %d %q", ok.status, ok.location)
	}
	cookie := ok.header.Get("Set-Cookie")
	if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
		t.Fatalf("session cookie attributes: %s", cookie)
	}
	// Without an organization, the app sends the user to onboarding.
	if p := b.get("/"); p.location != "/onboarding" {
		t.Fatalf("/ without org: %d %q", p.status, p.location)
	}
	b.get("/onboarding")
	b.post("/logout", nil)

	// Login: wrong password re-renders with the message (htmx gets the fragment); right password goes to next.
	c := e.browser()
	c.get("/login")
	wrong := c.htmx("/login", url.Values{"email": {"ann@example.com"}, "password": {"nope nope"}})
	if wrong.status != http.StatusUnprocessableEntity || !strings.Contains(wrong.body, "Invalid email or password") || strings.Contains(wrong.body, "<html") {
		t.Fatalf("wrong password: %d %s", wrong.status, wrong.body)
	}
	before := sessionCookie(t, e, c)
	right := c.post("/login", url.Values{"email": {"ANN@example.com"}, "password": {"long enough"}, "next": {"/profile"}})
	if right.status != http.StatusSeeOther || right.location != "/profile" {
		t.Fatalf("login: %d %q", right.status, right.location)
	}
	if after := sessionCookie(t, e, c); after == before || after == "" {
		t.Fatal("session token not renewed at login")
	}
	// An open redirect through next is refused.
	d := e.browser()
	d.get("/login")
	if p := d.post("/login", url.Values{"email": {"ann@example.com"}, "password": {"long enough"}, "next": {"//evil.example"}}); p.location != "/" {
		t.Fatalf("next not sanitized: %q", p.location)
	}
	// htmx login answers HX-Redirect.
	h := e.browser()
	h.get("/login")
	if p := h.htmx("/login", url.Values{"email": {"ann@example.com"}, "password": {"long enough"}}); p.header.Get("HX-Redirect") != "/" {
		t.Fatalf("htmx login: %d %v", p.status, p.header)
	}
}

func sessionCookie(t *testing.T, e *env, b *browser) string {
	u, _ := url.Parse(e.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "trcr_session" {
			return c.Value
		}
	}
	return ""
}

func TestCSRFIsRequired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Cee", "cee@example.com", "Csrf Co")
	for _, path := range []string{"/profile", "/members/invite", "/logout", "/settings/organization"} {
		p := b.read(b.c.PostForm(e.srv.URL+path, url.Values{"name": {"x"}, "email": {"x@example.com"}}))
		if p.status != http.StatusForbidden {
			t.Errorf("%s without token: %d", path, p.status)
		}
		p = b.read(b.c.PostForm(e.srv.URL+path, url.Values{"_csrf": {"forged"}, "name": {"x"}}))
		if p.status != http.StatusForbidden {
			t.Errorf("%s with a forged token: %d", path, p.status)
		}
	}
	// Nothing changed; the real token works.
	b.get("/profile")
	b.visit(visit{name: "profile with header token", method: http.MethodPost, htmx: true, path: "/profile", form: url.Values{"name": {"Cee Changed"}, "timezone": {"Europe/Paris"}}, status: 200})
}

func TestForgotResetAndVerifyPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp("Vera", "vera@example.com")
	b := e.browser()
	if p := b.get("/verify-email?token=bogus"); p.status != 400 || !p.has("verify-failure") {
		t.Fatalf("bad verify: %d", p.status)
	}
	if p := b.get("/verify-email?token=" + e.tokenSentTo("vera@example.com", "/verify-email")); p.status != 200 || !p.has("verify-success") {
		t.Fatalf("verify: %d", p.status)
	}
	b.get("/forgot-password")
	if p := b.post("/forgot-password", url.Values{"email": {"vera@example.com"}}); p.status != 200 || !strings.Contains(strings.ToLower(p.body), "check your") {
		t.Fatalf("forgot: %d", p.status)
	}
	tok := e.tokenSentTo("vera@example.com", "/reset-password")
	b.get("/reset-password?token=" + tok)
	b.visit(visit{name: "short reset", method: http.MethodPost, path: "/reset-password", form: url.Values{"token": {tok}, "password": {"short"}}, status: 422})
	b.visit(visit{name: "reset", method: http.MethodPost, path: "/reset-password", form: url.Values{"token": {tok}, "password": {"a new password"}}, status: http.StatusSeeOther})
	b.get("/reset-password?token=" + tok) // the session was renewed at sign-in: fetch the new CSRF token
	b.visit(visit{name: "reused reset token", method: http.MethodPost, path: "/reset-password", form: url.Values{"token": {tok}, "password": {"again new password"}}, status: 422})
}

func TestMembersPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olive Owner", "olive@example.com", "Members Co")
	p := owner.get("/members")
	if p.status != 200 || !p.has("invite-form") || p.doc.Find(`[data-testid="member-row"]`).Length() != 1 {
		t.Fatalf("members page: %d", p.status)
	}
	if inv := owner.htmx("/members/invite", url.Values{"email": {"not-an-email"}, "role": {"member"}}); inv.status != 422 || !strings.Contains(inv.body, "valid email") {
		t.Fatalf("bad invite: %d", inv.status)
	}
	owner.visit(visit{name: "invite", method: http.MethodPost, path: "/members/invite", form: url.Values{"email": {"max@example.com"}, "role": {"member"}}, status: http.StatusSeeOther})
	p = owner.get("/members?q=max")
	rows := p.doc.Find(`[data-testid="member-row"]`)
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "max@example.com") {
		t.Fatalf("search: %d rows", rows.Length())
	}
	// Max signs up and accepts through the invitation page.
	max := e.signUp("Max Member", "max@example.com")
	tok := e.tokenSentTo("max@example.com", "/invitations/accept")
	if inv := max.get("/invitations/accept?token=" + tok); inv.status != 200 || inv.text("invitation-org") != "Members Co" || !inv.has("accept-invitation-form") {
		t.Fatalf("invitation page: %d", inv.status)
	}
	max.visit(visit{name: "accept", method: http.MethodPost, path: "/invitations/" + tok + "/accept", status: http.StatusSeeOther})
	if again := max.get("/invitations/" + tok); again.status != 404 || !again.has("invitation-invalid") {
		t.Fatalf("used invitation: %d", again.status)
	}
	mp := max.get("/members")
	if mp.status != 200 || mp.has("invite-form") {
		t.Fatalf("member view of members: %d invite form %v", mp.status, mp.has("invite-form"))
	}
	// The owner promotes Max with htmx: the row comes back.
	var maxID string
	if err := e.db.Get(&maxID, `SELECT id FROM members WHERE email = 'max@example.com'`); err != nil {
		t.Fatal(err)
	}
	owner.get("/members")
	row := owner.htmx("/members/"+maxID+"/role", url.Values{"role": {"admin"}})
	if row.status != 200 || row.text("member-role") == "" && !strings.Contains(row.body, "admin") {
		t.Fatalf("role change: %d %s", row.status, row.body)
	}
	rate := owner.htmx("/members/"+maxID+"/cost-rate", url.Values{"cost_rate": {"85.50"}})
	var cents int64
	if err := e.db.Get(&cents, `SELECT cost_rate FROM members WHERE id = $1`, maxID); err != nil || cents != 8550 || rate.status != 200 {
		t.Fatalf("cost rate: %d cents, status %d", cents, rate.status)
	}
	if bad := owner.htmx("/members/"+maxID+"/cost-rate", url.Values{"cost_rate": {"lots"}}); bad.status != 422 || !bad.has("member-row-error") {
		t.Fatalf("bad cost rate: %d", bad.status)
	}
	// The last owner cannot demote themselves: the row shows why.
	var ownerID string
	e.db.Get(&ownerID, `SELECT id FROM members WHERE email = 'olive@example.com'`)
	if last := owner.htmx("/members/"+ownerID+"/role", url.Values{"role": {"member"}}); last.status != 422 || !strings.Contains(last.body, "last owner") {
		t.Fatalf("last owner: %d %s", last.status, last.body)
	}
	// Another organization's member is not found.
	stranger := e.withOrg("Stan", "stan@example.com", "Stranger Co")
	stranger.get("/members")
	stranger.visit(visit{name: "cross-org remove", method: http.MethodPost, path: "/members/" + maxID + "/remove", status: 404})
}

func TestOrganizationSettingsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Sid Owner", "sid@example.com", "Settings Co")
	p := owner.get("/settings/organization")
	if p.status != 200 || !p.has("org-settings-form") || !p.has("delete-org-form") {
		t.Fatalf("settings: %d", p.status)
	}
	bad := owner.htmx("/settings/organization", url.Values{"name": {"Settings Co"}, "slug": {"settings-co"}, "currency": {"XYZ"}, "timezone": {"UTC"}})
	if bad.status != 422 || !strings.Contains(bad.body, "ISO 4217") {
		t.Fatalf("bad currency: %d %s", bad.status, bad.body)
	}
	good := owner.htmx("/settings/organization", url.Values{"name": {"Settings Corp"}, "slug": {"settings-corp"}, "currency": {"EUR"}, "timezone": {"Europe/Berlin"}})
	if good.status != 200 {
		t.Fatalf("save: %d %s", good.status, good.body)
	}
	var cur string
	e.db.Get(&cur, `SELECT currency FROM organizations WHERE slug = 'settings-corp'`)
	if cur != "EUR" {
		t.Fatalf("currency %q", cur)
	}
	// A member may not open settings.
	e.signUp("Mo", "mo@example.com")
	owner.get("/members")
	owner.post("/members/invite", url.Values{"email": {"mo@example.com"}, "role": {"member"}})
	mo := e.browser()
	mo.get("/login")
	mo.post("/login", url.Values{"email": {"mo@example.com"}, "password": {"secret123!"}})
	mo.get("/invitations/accept?token=" + e.tokenSentTo("mo@example.com", "/invitations/accept"))
	mo.post("/invitations/"+e.tokenSentTo("mo@example.com", "/invitations/accept")+"/accept", nil)
	mo.visit(visit{name: "member settings", path: "/settings/organization", status: 403})
	mo.visit(visit{name: "member audit log", path: "/audit-logs", status: 403})
	// Delete needs the name typed.
	owner.get("/settings/organization")
	owner.visit(visit{name: "delete without confirmation", method: http.MethodPost, path: "/settings/organization/delete", form: url.Values{"confirm_name": {"wrong"}}, status: 422})
	owner.visit(visit{name: "delete", method: http.MethodPost, path: "/settings/organization/delete", form: url.Values{"confirm_name": {"Settings Corp"}}, status: http.StatusSeeOther})
	var n int
	e.db.Get(&n, `SELECT count(*) FROM organizations`)
	if n != 0 {
		t.Fatalf("%d organizations left", n)
	}
}

func TestAuditLogPageAndSwitcher(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Ada", "ada@example.com", "First Co")
	owner.get("/onboarding")
	owner.get("/organizations/new")
	owner.visit(visit{name: "new org", method: http.MethodPost, path: "/organizations/new", form: url.Values{"name": {"Second Co"}}, status: http.StatusSeeOther})
	home := owner.get("/")
	if home.doc.Find(`[data-testid="org-switch-form"]`).Length() < 2 {
		t.Fatalf("switcher lists %d organizations", home.doc.Find(`[data-testid="org-switch-form"]`).Length())
	}
	log := owner.get("/audit-logs")
	if log.status != 200 || log.doc.Find(`[data-testid="audit-row"]`).Length() != 1 {
		t.Fatalf("audit log of the second org: %d rows", log.doc.Find(`[data-testid="audit-row"]`).Length())
	}
	if p := owner.get("/audit-logs?from=not-a-date"); p.status != 200 || !strings.Contains(p.body, "Filter not applied") {
		t.Fatalf("bad filter: %d", p.status)
	}
	// Switching to an organization the user is not in is refused.
	other := e.withOrg("Bo", "bo@example.com", "Not Yours")
	var otherID string
	e.db.Get(&otherID, `SELECT id FROM organizations WHERE name = 'Not Yours'`)
	owner.get("/")
	owner.visit(visit{name: "switch to a foreign org", method: http.MethodPost, path: "/orgs/switch", form: url.Values{"org_id": {otherID}}, status: 404})
	_ = other
}

// The settings and members pages ask the store what each role may do: an admin gets the settings without the
// danger zone and cannot touch the owner's row; a member gets 403 for the settings and for every member change,
// whatever it typed.
func TestSettingsAndMembers_TheStoreDecidesWhoMay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Olive Owner", "olive@example.com", "Roles Co")
	admin := e.join(owner, "Adam Admin", "adam@example.com", "admin")
	member := e.join(owner, "Mia Member", "mia@example.com", "member")
	memberID := e.id(`SELECT id FROM members WHERE email = 'mia@example.com'`)
	ownerID := e.id(`SELECT id FROM members WHERE email = 'olive@example.com'`)

	if p := admin.get("/settings/organization"); p.status != 200 || !p.has("org-settings-form") || !p.has("logo-form") || p.has("delete-org-form") {
		t.Fatalf("admin settings: %d delete form %v", p.status, p.has("delete-org-form"))
	}
	if p := owner.get("/settings/organization"); p.status != 200 || !p.has("delete-org-form") {
		t.Fatalf("owner settings: %d", p.status)
	}

	member.get("/members")
	for i, r := range []page{
		member.get("/settings/organization"),
		member.post("/settings/organization", url.Values{"name": {"Mine"}, "slug": {"mine"}, "currency": {"EUR"}, "timezone": {"UTC"}}),
		member.htmx("/members/"+memberID+"/cost-rate", url.Values{"cost_rate": {"lots"}}),
		member.post("/members/"+memberID+"/cost-rate", url.Values{"cost_rate": {"-5"}}),
		member.htmx("/members/"+memberID+"/role", url.Values{"role": {"admin"}}),
	} {
		if r.status != http.StatusForbidden {
			t.Errorf("member request %d: %d", i, r.status)
		}
	}
	var org struct {
		Name     string `db:"name"`
		Currency string `db:"currency"`
	}
	e.db.Get(&org, `SELECT name, currency FROM organizations`)
	var role string
	var rate int64
	e.db.QueryRow(`SELECT role, cost_rate FROM members WHERE id = $1`, memberID).Scan(&role, &rate)
	if org.Name != "Roles Co" || org.Currency != "USD" || role != "member" || rate != 0 {
		t.Fatalf("member changed data: %+v %s %d", org, role, rate)
	}

	// The admin edits the member's row but not the owner's; a bad rate is the row's message.
	mp := admin.get("/members")
	if mp.doc.Find(`#member-`+memberID+` [data-testid="member-rate-form"]`).Length() != 1 ||
		mp.doc.Find(`#member-`+ownerID+` [data-testid="member-role-form"]`).Length() != 0 ||
		mp.doc.Find(`#member-`+memberID+` option[value="owner"]`).Length() != 0 {
		t.Fatal("admin's member controls")
	}
	bad := admin.htmx("/members/"+memberID+"/cost-rate", url.Values{"cost_rate": {"12.345"}})
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.text("member-row-error"), "Cost rate must have at most 2 decimals") {
		t.Fatalf("admin bad rate: %d %q", bad.status, bad.text("member-row-error"))
	}
	admin.visit(visit{name: "admin rate", method: http.MethodPost, htmx: true, path: "/members/" + memberID + "/cost-rate", form: url.Values{"cost_rate": {"1,200.50"}}, status: 200})
	e.db.Get(&rate, `SELECT cost_rate FROM members WHERE id = $1`, memberID)
	if rate != 120050 {
		t.Fatalf("rate %d", rate)
	}
	if p := owner.get("/members"); p.doc.Find(`#member-`+memberID+` option[value="owner"]`).Length() != 1 {
		t.Fatal("the owner is not offered the owner role")
	}
}
