package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountOrganization(g *router) {
	g.GET("/", h.dashboard, h.requireOrg)
	g.GET("/onboarding", h.onboardingPage, h.requireUser)
	g.POST("/onboarding", h.createOrganization, h.requireUser)
	h.mountOnboardingTeam(g)
	g.GET("/organizations/new", h.newOrganizationPage, h.requireUser)
	g.POST("/organizations/new", h.createOrganization, h.requireUser)
	g.POST("/orgs/switch", h.switchOrganization, h.requireUser)

	g.GET("/settings/organization", h.orgSettingsPage, h.requireOrg)
	g.POST("/settings/organization", h.updateOrgSettings, h.requireOrg)
	g.POST("/settings/organization/invoicing", h.updateOrgInvoicing, h.requireOrg)
	g.UPLOAD("/settings/organization/logo", h.uploadLogo, h.requireOrg)
	g.POST("/settings/organization/logo/remove", h.removeLogo, h.requireOrg)
	g.POST("/settings/organization/delete", h.deleteOrganization, h.requireOrg)

	g.GET("/members", h.membersPage, h.requireOrg)
	g.POST("/members/invite", h.invite, h.requireOrg)
	g.POST("/members/:id/role", h.changeRole, h.requireOrg)
	g.POST("/members/:id/cost-rate", h.changeCostRate, h.requireOrg)
	g.POST("/members/:id/resend", h.resendInvitation, h.requireOrg)
	g.POST("/members/:id/remove", h.removeMember, h.requireOrg)

	g.GET("/audit-logs", h.auditLogPage, h.requireOrg)
	g.POST("/dashboard/setup/dismiss", h.dismissSetupChecklist, h.requireOrg)
}

func (h *Handlers) dashboard(c echo.Context) error {
	a := currentActor(c)
	p, err := h.page(c, "Dashboard", views.NavDashboard)
	if err != nil {
		return err
	}
	dp, err := h.store.DashboardPage(c.Request().Context(), a)
	if err != nil {
		return err
	}
	d := views.DashboardView{
		MemberCount: dp.ActiveMembers, PendingInvites: dp.InvitedMembers, Role: a.Role,
		Currency: dp.Currency, Timezone: dp.Timezone, Now: h.now(),
		Checklist: setupChecklist(currentUser(c), a.Permissions(), dp), FirstVisit: dp.Overview.FirstVisit,
		WeekSeconds: dp.Overview.WeekSeconds, SetupDismissed: dp.Overview.Setup.Dismissed,
	}
	if t := dp.Overview.Running; t != nil {
		d.Running = &views.DashboardTimerView{StartedAt: t.StartedAt, Project: t.ProjectName, Description: t.Description}
	}
	if b := dp.Overview.Billing; b != nil {
		d.Billing = &views.DashboardBillingView{UnbilledSeconds: b.UnbilledSeconds, Outstanding: b.Outstanding,
			OutstandingCount: b.OutstandingCount, Overdue: b.Overdue, OverdueCount: b.OverdueCount}
	}
	if dp.RecentActivity != nil {
		d.RecentActivity = auditEntries(dp.RecentActivity, store.AuditNames{}, location(currentUser(c).Timezone))
	}
	return render(c, http.StatusOK, views.DashboardPage(p, d, dashboardWork(dp.Work)))
}

// setupChecklist is the dashboard's "Get set up" list: the steps of a new organization the viewer may take.
func setupChecklist(u *store.User, perm store.Permissions, dp store.DashboardPage) []views.ChecklistItem {
	setup := dp.Overview.Setup
	items := []views.ChecklistItem{
		{Label: "Verify your email", Hint: "Follow the link we emailed you.", Href: "/profile", Done: u.EmailVerified},
		{Label: "Create your organization", Href: "/settings/organization", Done: true},
	}
	if perm.ManageClients {
		items = append(items, views.ChecklistItem{Label: "Add your first client", Hint: "Who you bill for your work.", Href: "/clients/new", Done: setup.HasClient})
	}
	if perm.CreateProjects || setup.HasProject {
		items = append(items, views.ChecklistItem{Label: "Create your first project", Hint: "Link it to a client to bill its time.", Href: "/projects/new", Done: setup.HasProject})
	}
	items = append(items, views.ChecklistItem{Label: "Track your first time", Hint: "Start the timer in the top bar, or type hours into the timesheet.", Href: "/time", Done: setup.HasTimeEntry})
	if perm.ManageMembers {
		items = append(items, views.ChecklistItem{Label: "Invite your team", Hint: "Send an invitation by email.", Href: "/members#invite", Done: dp.ActiveMembers+dp.InvitedMembers > 1})
	}
	if perm.ManageOrganization {
		items = append(items, views.ChecklistItem{Label: "Add your logo", Hint: "It appears on invoices.", Href: "/settings/organization", Done: dp.HasLogo})
	}
	return append(items, views.ChecklistItem{Label: "Add a profile photo", Href: "/profile", Done: u.AvatarKey != nil})
}

// dismissSetupChecklist hides the checklist for the member: htmx removes the card, a plain form goes home.
func (h *Handlers) dismissSetupChecklist(c echo.Context) error {
	if err := h.store.DismissSetupChecklist(c.Request().Context(), currentActor(c)); err != nil {
		return err
	}
	if isHTMX(c) {
		return c.NoContent(http.StatusOK)
	}
	return redirect(c, "/")
}

// dashboardWork translates the caller's work for the dashboard.
func dashboardWork(w store.DashboardWork) views.DashboardWork {
	rows := func(tasks []store.DashboardTask) []views.DashboardTaskRow {
		out := make([]views.DashboardTaskRow, len(tasks))
		for i, t := range tasks {
			out[i] = views.DashboardTaskRow{ID: t.ID, Title: t.Title, Project: t.ProjectName, ProjectColor: t.ProjectColor,
				Status: t.Status, StatusLabel: w.StatusLabels[t.Status], Priority: t.Priority, Progress: t.Progress}
			if t.DueDate != nil {
				d := t.DueDate.Time
				out[i].Due = &d
			}
		}
		return out
	}
	return views.DashboardWork{Total: w.Summary.TotalTasks, Completed: w.Summary.CompletedTasks, Overdue: w.Summary.OverdueCount,
		DueSoon: w.DueSoon, MyOpen: rows(w.OpenTasks), Urgent: rows(w.OverdueUrgent), Today: w.Today.Time}
}

func (h *Handlers) onboardingPage(c echo.Context) error {
	p, err := h.page(c, "Create your organization", "")
	if err != nil {
		return err
	}
	if len(p.Orgs) > 0 {
		return redirect(c, "/")
	}
	return render(c, http.StatusOK, views.OnboardingPage(p, views.OrgForm{}))
}

func (h *Handlers) newOrganizationPage(c echo.Context) error {
	p, err := h.accountPage(c)
	if err != nil {
		return err
	}
	p.Title, p.ActiveNav = "New organization", views.NavNewOrg
	return render(c, http.StatusOK, views.NewOrganizationPage(p, views.OrgForm{}))
}

// createOrganization serves both onboarding and "New organization": the form differs only in its chrome.
func (h *Handlers) createOrganization(c echo.Context) error {
	ctx := c.Request().Context()
	f := views.OrgForm{Name: c.FormValue("name"), Slug: c.FormValue("slug")}
	in := store.OrganizationInput{Name: &f.Name}
	if strings.TrimSpace(f.Slug) != "" {
		in.Slug = &f.Slug
	}
	if tz := c.FormValue("timezone"); tz != "" {
		in.Settings = map[string]any{"timezone": tz}
	}
	o, err := h.store.CreateOrganization(ctx, currentUser(c).ID, c.RealIP(), in)
	if err == nil {
		h.sessions.Put(ctx, sessOrgID, o.ID)
		if c.Path() == "/onboarding" {
			h.flash(c, views.FlashSuccess, o.Name+" is ready.")
			return redirect(c, "/onboarding/team")
		}
		h.flash(c, views.FlashSuccess, o.Name+" is ready. Invite your team to get started.")
		return redirect(c, "/")
	}
	if f.Errors, f.Error, err = formErrorsAsIs(err); err != nil {
		return err
	}
	if f.Error == "slug is already taken" {
		f.Errors, f.Error = map[string]string{"slug": "This slug is already taken."}, ""
	}
	action := c.Path()
	p, err := h.accountPage(c)
	if err != nil {
		return err
	}
	page := views.OnboardingPage(p, f)
	if action == "/organizations/new" {
		page = views.NewOrganizationPage(p, f)
	}
	return renderForm(c, http.StatusUnprocessableEntity, page, views.CreateOrgFormFragment(p.CSRFToken, action, f))
}

func (h *Handlers) switchOrganization(c echo.Context) error {
	ctx := c.Request().Context()
	orgID := c.FormValue("org_id")
	if err := h.store.SwitchOrganization(ctx, currentUser(c).ID, orgID); err != nil {
		return err
	}
	h.sessions.Put(ctx, sessOrgID, orgID)
	return redirect(c, "/")
}

// --- organization settings ---

// orgSettingsView loads the settings page's forms; the store refuses those who may not change the settings.
func (h *Handlers) orgSettingsView(c echo.Context) (views.OrgSettingsView, error) {
	o, err := h.store.OrganizationSettings(c.Request().Context(), currentActor(c))
	if err != nil {
		return views.OrgSettingsView{}, err
	}
	return views.OrgSettingsView{
		Settings:  views.OrgSettingsForm{Name: o.Name, Slug: o.Slug, Currency: o.Currency, Timezone: o.Timezone},
		Invoicing: invoicingForm(o.Invoicing),
		Logo:      views.LogoForm{LogoURL: deref(o.LogoURL), OrgName: o.Name},
		Delete:    views.DeleteOrgForm{OrgName: o.Name},
		CanDelete: o.CanDelete,
	}, nil
}

func (h *Handlers) orgSettingsPage(c echo.Context) error {
	v, err := h.orgSettingsView(c)
	if err != nil {
		return err
	}
	p, err := h.page(c, "Organization settings", views.NavSettings)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.OrgSettingsPage(p, v))
}

// settingsResult answers one of the settings page's forms, whose fragment is given.
func (h *Handlers) settingsResult(c echo.Context, status int, v views.OrgSettingsView, fragment templ.Component) error {
	p, err := h.page(c, "Organization settings", views.NavSettings)
	if err != nil {
		return err
	}
	return formResult(c, status, p, views.OrgSettingsPage(p, v), fragment)
}

func (h *Handlers) updateOrgSettings(c echo.Context) error {
	name, slug := c.FormValue("name"), c.FormValue("slug")
	f := views.OrgSettingsForm{Name: name, Slug: slug, Currency: c.FormValue("currency"), Timezone: c.FormValue("timezone")}
	_, err := h.store.UpdateOrganization(c.Request().Context(), currentActor(c), store.OrganizationInput{
		Name: &name, Slug: &slug, Settings: map[string]any{"currency": f.Currency, "timezone": f.Timezone},
	})
	status := http.StatusOK
	if err == nil {
		h.flash(c, views.FlashSuccess, "Organization settings saved.")
	} else {
		var fields map[string]string
		if fields, f.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		f.Errors = map[string]string{}
		for k, msg := range fields {
			f.Errors[strings.TrimPrefix(k, "settings.")] = msg
		}
		if f.Error == "slug is already taken" {
			f.Errors["slug"], f.Error = "This slug is already taken.", ""
		}
		status = http.StatusUnprocessableEntity
	}
	v, verr := h.orgSettingsView(c)
	if verr != nil {
		return verr
	}
	if err != nil || status != http.StatusOK {
		v.Settings = f
	}
	return h.settingsResult(c, status, v, views.OrgSettingsFormFragment(csrfToken(c), v.Settings))
}

func (h *Handlers) uploadLogo(c echo.Context) error {
	status := http.StatusOK
	var formErr map[string]string
	var msg string
	file, err := formFile(c, "logo")
	if err == nil {
		_, err = h.store.SetLogo(c.Request().Context(), currentActor(c), file)
	}
	if err == nil {
		h.flash(c, views.FlashSuccess, "Logo updated.")
	} else {
		if formErr, msg, err = formErrorsAsIs(err); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
	}
	v, err := h.orgSettingsView(c)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		v.Logo.Error = msg
		if formErr != nil {
			v.Logo.Errors = map[string]string{"logo": formErr["file"]}
		}
	}
	return h.settingsResult(c, status, v, views.OrgLogoFormFragment(csrfToken(c), v.Logo))
}

func (h *Handlers) removeLogo(c echo.Context) error {
	if _, err := h.store.RemoveLogo(c.Request().Context(), currentActor(c)); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Logo removed.")
	v, err := h.orgSettingsView(c)
	if err != nil {
		return err
	}
	return h.settingsResult(c, http.StatusOK, v, views.OrgLogoFormFragment(csrfToken(c), v.Logo))
}

func (h *Handlers) deleteOrganization(c echo.Context) error {
	a := currentActor(c)
	v, err := h.orgSettingsView(c)
	if err != nil {
		return err
	}
	confirm := c.FormValue("confirm_name")
	if strings.TrimSpace(confirm) != v.Delete.OrgName {
		v.Delete.ConfirmName = confirm
		v.Delete.Errors = map[string]string{"confirm_name": "Type the organization's name exactly to confirm."}
		return h.settingsResult(c, http.StatusUnprocessableEntity, v, views.DeleteOrgFormFragment(csrfToken(c), v.Delete))
	}
	if err := h.store.DeleteOrganization(c.Request().Context(), a); err != nil {
		if _, v.Delete.Error, err = formErrorsAsIs(err); err != nil {
			return err
		}
		return h.settingsResult(c, http.StatusUnprocessableEntity, v, views.DeleteOrgFormFragment(csrfToken(c), v.Delete))
	}
	h.sessions.Remove(c.Request().Context(), sessOrgID)
	h.flash(c, views.FlashSuccess, v.Delete.OrgName+" was deleted.")
	return redirect(c, "/")
}

// --- members ---

func (h *Handlers) viewMember(c echo.Context, m store.Member, currency string) views.Member {
	a := currentActor(c)
	self := m.UserID != nil && *m.UserID == a.UserID
	return views.Member{
		ID: m.ID, Name: m.Name, Email: m.Email, AvatarURL: deref(m.AvatarURL), Initials: initials(m.Name, m.Email),
		Role: m.Role, Status: m.Status, CostRateCents: m.CostRate, Currency: currency,
		IsSelf: self, CanEdit: a.CanManageMember(m), CanMakeOwner: a.Permissions().ManageOwners,
	}
}

func (h *Handlers) membersView(c echo.Context) (views.MembersView, error) {
	ctx := c.Request().Context()
	a := currentActor(c)
	pg, err := store.ParsePage(c.QueryParam("page"), "")
	if err != nil {
		pg = store.Page{}
	}
	f := views.MemberFilter{Q: c.QueryParam("q"), Role: c.QueryParam("role")}
	if f.Role != "" && !vocab.OrgRoles.Has(f.Role) {
		f.Role = ""
	}
	mp, err := h.store.MembersPage(ctx, a, store.MemberFilter{Search: f.Q, Role: f.Role, Page: pg})
	if err != nil {
		return views.MembersView{}, err
	}
	l := mp.Members
	can := a.Permissions()
	v := views.MembersView{
		Filter: f, CanManage: can.ManageMembers, Currency: mp.Currency, Unverified: !currentUser(c).EmailVerified,
		Invite:     views.InviteForm{Role: store.RoleMember, AllowOwner: can.ManageOwners},
		Pagination: views.Pagination{Page: l.Page, PerPage: l.PerPage, Total: l.Total, Path: "/members", Query: c.QueryParams(), Target: "#members-results"},
	}
	for _, m := range l.Items {
		v.Members = append(v.Members, h.viewMember(c, m, mp.Currency))
	}
	return v, nil
}

func (h *Handlers) membersPage(c echo.Context) error {
	v, err := h.membersView(c)
	if err != nil {
		return err
	}
	p, err := h.page(c, "Members", views.NavMembers)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.MembersPage(p, v))
}

func (h *Handlers) invite(c echo.Context) error {
	f := views.InviteForm{Email: c.FormValue("email"), Role: c.FormValue("role"), AllowOwner: currentActor(c).Permissions().ManageOwners}
	m, err := h.store.Invite(c.Request().Context(), currentActor(c), store.InviteInput{Email: f.Email, Role: f.Role})
	if err == nil {
		h.flash(c, views.FlashSuccess, "Invitation sent to "+m.Email+".")
		return redirect(c, "/members")
	}
	unverified := errors.Is(err, store.ErrEmailNotVerified)
	if unverified {
		f.Error = store.ErrEmailNotVerified.Message
	} else if f.Errors, f.Error, err = formErrorsAsIs(err); err != nil {
		return err
	}
	v, err := h.membersView(c)
	if err != nil {
		return err
	}
	v.Invite = f
	p, err := h.page(c, "Members", views.NavMembers)
	if err != nil {
		return err
	}
	if unverified {
		v.Unverified = true
		return renderForm(c, unverifiedStatus(c), views.MembersPage(p, v), views.VerifyEmailNotice(p.CSRFToken, "invite", "invitations"))
	}
	return renderForm(c, http.StatusUnprocessableEntity, views.MembersPage(p, v), views.InviteFormFragment(p.CSRFToken, f))
}

var memberFields = map[string]string{"role": "Role", "cost_rate": "Cost rate", "member": "Member"}

// memberResult answers a per-row action: htmx gets the row again, a plain form the members page.
func (h *Handlers) memberResult(c echo.Context, id string, rowErr error) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	msg := ""
	if rowErr != nil {
		var fields map[string]string
		var err error
		if fields, msg, err = formErrors(rowErr, memberFields); err != nil {
			return err
		}
		for _, m := range fields {
			msg = m
		}
	}
	if !isHTMX(c) {
		if msg != "" {
			h.flash(c, views.FlashError, msg)
		} else {
			h.flash(c, views.FlashSuccess, "Member updated.")
		}
		return redirect(c, "/members")
	}
	r, err := h.store.MemberRow(ctx, a, id)
	if err != nil {
		return err
	}
	row := h.viewMember(c, r.Member, r.Currency)
	row.Error, row.Saved = msg, msg == ""
	status := http.StatusOK
	if msg != "" {
		status = http.StatusUnprocessableEntity
	}
	return render(c, status, views.MemberRow(csrfToken(c), row))
}

func (h *Handlers) changeRole(c echo.Context) error {
	role := c.FormValue("role")
	_, err := h.store.UpdateMember(c.Request().Context(), currentActor(c), c.Param("id"), store.MemberInput{Role: &role})
	return h.memberResult(c, c.Param("id"), err)
}

// changeCostRate takes the rate in major units of the organization's currency; the store reads it once it has
// checked the caller may change it.
func (h *Handlers) changeCostRate(c echo.Context) error {
	rate := c.FormValue("cost_rate")
	_, err := h.store.UpdateMember(c.Request().Context(), currentActor(c), c.Param("id"), store.MemberInput{CostRateText: &rate})
	return h.memberResult(c, c.Param("id"), err)
}

func (h *Handlers) resendInvitation(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	m, err := h.store.Member(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	if m.Status != store.MemberInvited {
		return h.memberResult(c, m.ID, store.Invalid("member", "this person has already joined"))
	}
	_, err = h.store.Invite(ctx, a, store.InviteInput{Email: m.Email, Role: m.Role})
	return h.memberResult(c, m.ID, err)
}

func (h *Handlers) removeMember(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	m, err := h.store.Member(ctx, a, c.Param("id"))
	if err != nil {
		return err
	}
	if err := h.store.RemoveMember(ctx, a, m.ID); err != nil {
		return h.memberResult(c, m.ID, err)
	}
	if m.UserID != nil && *m.UserID == a.UserID {
		// Leaving the organization: go wherever the user still belongs.
		h.sessions.Remove(ctx, sessOrgID)
		h.flash(c, views.FlashSuccess, "You left the organization.")
		return redirect(c, "/")
	}
	if isHTMX(c) {
		return c.NoContent(http.StatusOK) // the row is swapped with nothing
	}
	h.flash(c, views.FlashSuccess, m.Email+" was removed.")
	return redirect(c, "/members")
}

// --- audit log ---

// auditEntries translates audit entries, their times in the viewer's timezone (loc), with the current names of
// their actors and entities.
func auditEntries(items []store.AuditEntry, names store.AuditNames, loc *time.Location) []views.AuditEntry {
	out := make([]views.AuditEntry, 0, len(items))
	for _, e := range items {
		actor := e.UserName
		if n := names.Actor[e.ID]; n != nil {
			actor = *n
		}
		ve := views.AuditEntry{ID: e.ID, At: e.CreatedAt.In(loc), ActorName: actor, Action: e.Action, EntityType: e.EntityType, EntityID: e.EntityID}
		ve.ActorInitials = initials(actor, "")
		ve.EntityLabel = entityLabel(e.Changes)
		if names.Entity != nil { // names were read (the audit log page)
			ve.EntityLabel, ve.EntityGone = auditEntityLabel(e, names.Entity[e.ID])
		}
		fields := make([]string, 0, len(e.Changes))
		for f := range e.Changes {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			ch := e.Changes[f]
			ve.Changes = append(ve.Changes, views.AuditChange{Field: auditField(f), From: auditValue(ch.From, names.Values), To: auditValue(ch.To, names.Values)})
		}
		out = append(out, ve)
	}
	return out
}

// auditField drops the _id(s) of a field whose values are shown as names ("project_id" reads "Project").
func auditField(f string) string {
	if s, ok := strings.CutSuffix(f, "_ids"); ok {
		return s + "s"
	}
	return strings.TrimSuffix(f, "_id")
}

// auditValue writes a change's value, ids as the names of what they are (names is nil where they were not read):
// an id whose record is gone, or was never the organization's, reads "deleted".
func auditValue(v any, names map[string]string) string {
	if names == nil {
		return changeText(v)
	}
	switch x := v.(type) {
	case string:
		if !store.ValidID(x) {
			return x
		}
		if n, ok := names[x]; ok && n != "" {
			return n
		}
		return "deleted"
	case []any:
		parts := make([]string, 0, len(x))
		for _, el := range x {
			parts = append(parts, auditValue(el, names))
		}
		return strings.Join(parts, ", ")
	}
	return changeText(v)
}

// auditEntityLabel names an entry's entity: its current name; once it is gone, its last known name (from the
// changes) marked deleted, or "deleted <type>". Types the store does not name keep the name in their changes.
func auditEntityLabel(e store.AuditEntry, current *string) (string, bool) {
	if current != nil && *current != "" {
		return *current, false
	}
	known := entityLabel(e.Changes)
	if !slices.Contains(store.AuditNamedTypes(), e.EntityType) {
		return known, false
	}
	if known != "" {
		return known + " (deleted)", true
	}
	return "deleted " + strings.ToLower(strings.ReplaceAll(e.EntityType, "_", " ")), true
}

// entityLabel names an audited record from its changes: its name, title or email, before or after.
func entityLabel(ch store.Changes) string {
	for _, f := range []string{"name", "title", "email"} {
		if c, ok := ch[f]; ok {
			if s := changeText(c.To); s != "" {
				return s
			}
			return changeText(c.From)
		}
	}
	return ""
}

func changeText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprintf("%d", int64(x))
		}
		return fmt.Sprintf("%g", x)
	case bool:
		if x {
			return "yes"
		}
		return "no"
	}
	return fmt.Sprint(v)
}

func (h *Handlers) auditLogPage(c echo.Context) error {
	ctx := c.Request().Context()
	a := currentActor(c)
	q := c.QueryParam
	f := views.AuditFilter{UserID: q("user"), Action: q("action"), EntityType: q("entity_type"), EntityID: q("entity_id"), From: q("from"), To: q("to")}
	pg, _ := store.ParsePage(q("page"), "")
	ap, err := h.store.AuditLogPage(ctx, a, store.AuditFilter{
		UserID: f.UserID, Action: f.Action, EntityType: f.EntityType, EntityID: f.EntityID, From: f.From, To: f.To, Page: pg,
	})
	p, perr := h.page(c, "Audit log", views.NavAuditLog)
	if perr != nil {
		return perr
	}
	if err != nil {
		verr, ok := store.AsKind(err, store.ErrInvalid)
		if !ok {
			return err
		}
		msg := verr.Message
		p.Flashes = append(p.Flashes, views.Flash{Kind: views.FlashError, Text: "Filter not applied: " + msg})
		f = views.AuditFilter{}
		if ap, err = h.store.AuditLogPage(ctx, a, store.AuditFilter{}); err != nil {
			return err
		}
	}
	l := ap.Entries
	v := views.AuditLogView{
		Entries: auditEntries(l.Items, ap.Names, location(currentUser(c).Timezone)), Filter: f, Now: h.now(),
		Actions:     []string{store.ActionCreated, store.ActionUpdated, store.ActionDeleted},
		EntityTypes: store.AuditNamedTypes(),
		Pagination:  views.Pagination{Page: l.Page, PerPage: l.PerPage, Total: l.Total, Path: "/audit-logs", Query: url.Values(c.QueryParams()), Target: "#audit-results"},
	}
	for _, m := range ap.Members {
		if m.UserID != nil {
			v.Users = append(v.Users, views.Option{Value: *m.UserID, Label: orDefault(m.Name, m.Email)})
		}
	}
	for _, ent := range ap.Entities {
		label := "deleted " + strings.ToLower(strings.ReplaceAll(f.EntityType, "_", " "))
		if ent.Name != nil && *ent.Name != "" {
			label = *ent.Name
		}
		v.Entities = append(v.Entities, views.Option{Value: ent.ID, Label: label})
	}
	return render(c, http.StatusOK, views.AuditLogPage(p, v))
}
