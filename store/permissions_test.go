package store_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store"
)

// permFixture is an organization with an owner, an admin and a member, and another organization.
type permFixture struct {
	s                           *store.Store
	db                          *sqlx.DB
	owner, admin, member, other store.Actor
}

func newPermFixture(t *testing.T) permFixture {
	t.Helper()
	_, db := newStore(t)
	return newPermFixtureOn(t, db)
}

// newPermFixtureOn builds the fixture on an open test database.
func newPermFixtureOn(t *testing.T, db *sqlx.DB) permFixture {
	t.Helper()
	s := store.New(db, nil, store.Config{BaseURL: "https://trcr.example", Secret: []byte(strings.Repeat("k", 32))}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	f := permFixture{s: s, db: db}
	register := func(email string) string {
		sess, err := s.Register(ctx, store.RegisterInput{Email: email, Password: "secret123", Name: email})
		if err != nil {
			t.Fatal(err)
		}
		// Verified, so that only the role decides what the use cases allow (unverified accounts email no one).
		db.MustExec(`UPDATE users SET email_verified_at = now() WHERE id = $1`, sess.User.ID)
		return sess.User.ID
	}
	org := func(userID, name string) string {
		o, err := s.CreateOrganization(ctx, userID, "", store.OrganizationInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	actor := func(userID, orgID string) store.Actor {
		a, err := s.ActorFor(ctx, userID, orgID, "")
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	ownerID, adminID, memberID, otherID := register("owner@example.com"), register("admin@example.com"), register("member@example.com"), register("other@example.com")
	orgID := org(ownerID, "Perm Co")
	for id, role := range map[string]string{adminID: "admin", memberID: "member"} {
		db.MustExec(`INSERT INTO members (organization_id, user_id, email, role, status)
			SELECT $1, id, email, $3, 'active' FROM users WHERE id = $2`, orgID, id, role)
	}
	f.owner, f.admin, f.member = actor(ownerID, orgID), actor(adminID, orgID), actor(memberID, orgID)
	f.other = actor(otherID, org(otherID, "Other Co"))
	return f
}

// allowed is whether a use case let the actor through: anything but a refusal for permission.
func allowed(t *testing.T, what string, err error) bool {
	t.Helper()
	if err != nil && !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("%s: %v", what, err)
	}
	return err == nil
}

// What Permissions says each role may do is exactly what the use cases let it do, so pages that show controls
// from Permissions never offer a refused action nor hide an allowed one.
func TestPermissions_MatchWhatTheUseCasesAllow(t *testing.T) {
	f := newPermFixture(t)
	ctx := context.Background()
	name, color := "Seed", "#123456"
	label, err := f.s.CreateLabel(ctx, f.owner, store.LabelInput{Name: &name, Color: &color})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range []store.Actor{f.owner, f.admin, f.member} {
		p := a.Permissions()
		n := fmt.Sprint(i)
		check := func(what string, want bool, err error) {
			t.Helper()
			if got := allowed(t, a.Role+" "+what, err); got != want {
				t.Errorf("%s %s: use case allowed=%v, Permissions says %v", a.Role, what, got, want)
			}
		}
		orgName := "Perm Co"
		_, err := f.s.UpdateOrganization(ctx, a, store.OrganizationInput{Name: &orgName})
		check("update organization", p.ManageOrganization, err)
		_, err = f.s.OrganizationSettings(ctx, a)
		check("organization settings", p.ManageOrganization, err)
		if !p.DeleteOrganization {
			check("delete organization", false, f.s.DeleteOrganization(ctx, a))
		}
		_, err = f.s.Invite(ctx, a, store.InviteInput{Email: "guest" + n + "@example.com", Role: store.RoleMember})
		check("invite", p.ManageMembers, err)
		_, err = f.s.Invite(ctx, a, store.InviteInput{Email: "boss" + n + "@example.com", Role: store.RoleOwner})
		check("invite an owner", p.ManageOwners, err)
		_, err = f.s.AuditLogs(ctx, a, store.AuditFilter{})
		check("audit log", p.ViewAuditLog, err)
		client := "Client " + n
		_, err = f.s.CreateClient(ctx, a, store.ClientInput{Name: &client})
		check("create client", p.ManageClients, err)
		_, err = f.s.ClientForm(ctx, a, "")
		check("client form", p.ManageClients, err)
		project := "Project " + n
		_, err = f.s.CreateProject(ctx, a, store.ProjectInput{Name: &project})
		check("create project", p.CreateProjects, err)
		doomed, err := f.s.CreateProject(ctx, f.owner, store.ProjectInput{Name: &project})
		if err != nil {
			t.Fatal(err)
		}
		pa, err := f.s.ProjectAccess(ctx, f.owner, doomed.ID)
		if err != nil || !pa.CanManage || !pa.CanDelete {
			t.Fatalf("owner's access: %+v %v", pa, err)
		}
		if p.ManageAllProjects {
			pa, err := f.s.ProjectAccess(ctx, a, doomed.ID)
			if err != nil || !pa.CanManage || pa.CanDelete != p.DeleteProjects {
				t.Errorf("%s access to any project: %+v %v", a.Role, pa, err)
			}
			check("delete project", p.DeleteProjects, f.s.DeleteProject(ctx, a, doomed.ID))
		} else if err := f.s.DeleteProject(ctx, a, doomed.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s deletes a project it cannot see: %v", a.Role, err)
		}
		labelName := "Label " + n
		_, err = f.s.CreateLabel(ctx, a, store.LabelInput{Name: &labelName, Color: &color})
		check("create label", p.CreateLabels, err)
		_, err = f.s.UpdateLabel(ctx, a, label.ID, store.LabelInput{Color: &color})
		check("edit label", p.EditLabels, err)
		code, statusLabel := "step_"+n, "Step "+n
		_, err = f.s.CreateTaskStatus(ctx, a, store.TaskStatusInput{Code: &code, Label: &statusLabel, Color: &color})
		check("create task status", p.ManageTaskStatuses, err)
		// Someone else's channel and message.
		other := f.owner
		if a.UserID == f.owner.UserID {
			other = f.admin
		}
		channelName, description := "chat-"+n, "Changed"
		channel, err := f.s.CreateChatChannel(ctx, other, store.ChannelInput{Name: &channelName})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.UpdateChatChannel(ctx, a, channel.ID, store.ChannelInput{Description: &description})
		check("change a channel", p.ManageChannels, err)
		msg, err := f.s.PostChatMessage(ctx, other, channel.ID, store.MessageInput{Content: "hello"})
		if err != nil {
			t.Fatal(err)
		}
		check("delete another's message", p.DeleteAnyMessage, f.s.DeleteChatMessage(ctx, a, channel.ID, msg.ID))
		check("delete a channel", p.ManageChannels, f.s.DeleteChatChannel(ctx, a, channel.ID))
	}
	if p := f.member.Permissions(); !p.CreateLabels || p.EditLabels || p.ManageTaskStatuses || p.ManageClients {
		t.Errorf("member permissions: %+v", p)
	}
	if p := f.owner.Permissions(); !p.DeleteOrganization || !p.ManageOwners {
		t.Errorf("owner permissions: %+v", p)
	}
}

func TestOrganizationSettings_ForOwnersAndAdminsOnly(t *testing.T) {
	f := newPermFixture(t)
	ctx := context.Background()
	o, err := f.s.OrganizationSettings(ctx, f.owner)
	if err != nil || o.Name != "Perm Co" || !o.CanDelete {
		t.Fatalf("owner: %+v %v", o, err)
	}
	if o, err := f.s.OrganizationSettings(ctx, f.admin); err != nil || o.CanDelete {
		t.Fatalf("admin: %+v %v", o, err)
	}
	if _, err := f.s.OrganizationSettings(ctx, f.member); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member: %v", err)
	}
}

func TestCanManageMember_OnlyOwnersTouchOwners(t *testing.T) {
	f := newPermFixture(t)
	owner := store.Member{Role: store.RoleOwner}
	member := store.Member{Role: store.RoleMember}
	for _, c := range []struct {
		a               store.Actor
		owners, members bool
	}{{f.owner, true, true}, {f.admin, false, true}, {f.member, false, false}} {
		if c.a.CanManageMember(owner) != c.owners || c.a.CanManageMember(member) != c.members {
			t.Errorf("%s: owners %v members %v", c.a.Role, c.a.CanManageMember(owner), c.a.CanManageMember(member))
		}
	}
	// The store agrees: an admin may not remove the owner, and says why.
	var ownerMemberID string
	if err := f.db.Get(&ownerMemberID, `SELECT id FROM members WHERE role = 'owner' AND organization_id = $1`, f.owner.OrgID); err != nil {
		t.Fatal(err)
	}
	var fe *store.Error
	if err := f.s.RemoveMember(context.Background(), f.admin, ownerMemberID); !asKind(err, store.ErrForbidden, &fe) || fe.Message != "only an owner can remove an owner" {
		t.Fatalf("admin removes the owner: %v", err)
	}
	if err := f.s.RemoveMember(context.Background(), f.member, ownerMemberID); !asKind(err, store.ErrForbidden, &fe) || fe.Message != "this action requires the admin role" {
		t.Fatalf("member removes the owner: %v", err)
	}
}

func TestClientForm_ReadsTheClientForThoseWhoMayChangeIt(t *testing.T) {
	f := newPermFixture(t)
	ctx := context.Background()
	name, cur := "Acme", "JPY"
	c, err := f.s.CreateClient(ctx, f.owner, store.ClientInput{Name: &name, Currency: &cur})
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.s.ClientForm(ctx, f.admin, c.ID)
	if err != nil || d.Client.Name != "Acme" || d.OrgCurrency != "USD" {
		t.Fatalf("admin: %+v %v", d, err)
	}
	if d, err := f.s.ClientForm(ctx, f.admin, ""); err != nil || d.Client.ID != "" || d.OrgCurrency != "USD" {
		t.Fatalf("new: %+v %v", d, err)
	}
	if _, err := f.s.ClientForm(ctx, f.member, c.ID); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member: %v", err)
	}
	for _, id := range []string{"not-a-uuid", "00000000-0000-0000-0000-000000000000"} {
		if _, err := f.s.ClientForm(ctx, f.owner, id); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s: %v", id, err)
		}
	}
	if _, err := f.s.ClientForm(ctx, f.other, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization: %v", err)
	}
	// Contacts: any member reads one; only those who may change it get its form.
	contact := "Wile"
	ct, err := f.s.CreateClientContact(ctx, f.owner, c.ID, store.ClientContactInput{Name: &contact})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.ClientContact(ctx, f.member, c.ID, ct.ID); err != nil || got.Name != "Wile" {
		t.Fatalf("member reads the contact: %+v %v", got, err)
	}
	if _, err := f.s.ClientContactForm(ctx, f.member, c.ID, ct.ID); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member contact form: %v", err)
	}
	if got, err := f.s.ClientContactForm(ctx, f.admin, c.ID, ct.ID); err != nil || got.ID != ct.ID {
		t.Fatalf("admin contact form: %+v %v", got, err)
	}
	if _, err := f.s.ClientContactForm(ctx, f.other, c.ID, ct.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization's contact: %v", err)
	}
}

func TestProjectForm_CreatingIsForAdminsChangingForManagers(t *testing.T) {
	f := newPermFixture(t)
	ctx := context.Background()
	name := "Apollo"
	p, err := f.s.CreateProject(ctx, f.owner, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if d, err := f.s.ProjectForm(ctx, f.admin, ""); err != nil || d.OrgCurrency != "USD" || d.ID != "" {
		t.Fatalf("admin new: %+v %v", d, err)
	}
	if _, err := f.s.ProjectForm(ctx, f.member, ""); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member new: %v", err)
	}
	// Not on the project: the member cannot see it.
	if _, err := f.s.ProjectForm(ctx, f.member, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("outsider: %v", err)
	}
	if _, err := f.s.AddProjectMember(ctx, f.owner, p.ID, store.ProjectMemberInput{UserID: f.member.UserID}); err != nil {
		t.Fatal(err)
	}
	if pa, err := f.s.ProjectAccess(ctx, f.member, p.ID); err != nil || pa.CanManage || pa.CanDelete || pa.Name != "Apollo" {
		t.Fatalf("project member's access: %+v %v", pa, err)
	}
	if _, err := f.s.ProjectForm(ctx, f.member, p.ID); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("project member: %v", err)
	}
	if err := f.s.RemoveProjectMember(ctx, f.owner, p.ID, f.member.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.AddProjectMember(ctx, f.owner, p.ID, store.ProjectMemberInput{UserID: f.member.UserID, Role: store.ProjectManager}); err != nil {
		t.Fatal(err)
	}
	d, err := f.s.ProjectForm(ctx, f.member, p.ID)
	if err != nil || !d.CanManage || d.CanDelete || d.Name != "Apollo" {
		t.Fatalf("manager: %+v %v", d, err)
	}
	if _, err := f.s.ProjectForm(ctx, f.other, p.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization: %v", err)
	}
}

// Forms send rates as typed; the store checks the permission before it reads them, and reads them in the right
// currency.
func TestRateText_PermissionFirstThenTheCurrencysDecimals(t *testing.T) {
	f := newPermFixture(t)
	ctx := context.Background()
	text := func(s string) *string { return &s }
	name := "Rates"

	p, err := f.s.CreateProject(ctx, f.owner, store.ProjectInput{Name: &name, HourlyRateText: text("1,250.50")})
	if err != nil || p.HourlyRate == nil || *p.HourlyRate != 125050 {
		t.Fatalf("project rate: %+v %v", p.HourlyRate, err)
	}
	if _, err := f.s.CreateProject(ctx, f.member, store.ProjectInput{Name: &name, HourlyRateText: text("lots")}); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member, bad rate: %v", err)
	}
	var verr *store.Error
	if _, err := f.s.UpdateProject(ctx, f.owner, p.ID, store.ProjectInput{HourlyRateText: text("12.345")}); !asKind(err, store.ErrInvalid, &verr) ||
		verr.Fields["hourly_rate"] != "hourly_rate must have at most 2 decimals" {
		t.Fatalf("three decimals: %v", err)
	}
	if p, err = f.s.UpdateProject(ctx, f.owner, p.ID, store.ProjectInput{HourlyRateText: text(" ")}); err != nil || p.HourlyRate != nil {
		t.Fatalf("blank clears: %+v %v", p.HourlyRate, err)
	}

	// A client's rate is in the client's currency: yen have no minor units.
	yen := "JPY"
	c, err := f.s.CreateClient(ctx, f.owner, store.ClientInput{Name: &name, Currency: &yen, HourlyRateText: text("1,500")})
	if err != nil || c.HourlyRate == nil || *c.HourlyRate != 1500 {
		t.Fatalf("client rate in yen: %+v %v", c.HourlyRate, err)
	}
	if _, err := f.s.UpdateClient(ctx, f.owner, c.ID, store.ClientInput{HourlyRateText: text("15.50")}); !asKind(err, store.ErrInvalid, &verr) ||
		verr.Fields["hourly_rate"] != "hourly_rate must be a whole amount: the currency has no minor units" {
		t.Fatalf("decimals in yen: %v", err)
	}
	// Clearing the client's currency makes the rate the organization's dollars.
	empty := ""
	if c, err = f.s.UpdateClient(ctx, f.owner, c.ID, store.ClientInput{Currency: &empty, HourlyRateText: text("15.50")}); err != nil || *c.HourlyRate != 1550 {
		t.Fatalf("rate in the organization's currency: %+v %v", c.HourlyRate, err)
	}
	if _, err := f.s.UpdateClient(ctx, f.member, c.ID, store.ClientInput{HourlyRateText: text("lots")}); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member, bad client rate: %v", err)
	}

	// Cost rates are in the organization's currency; blank is zero.
	var memberID string
	if err := f.db.Get(&memberID, `SELECT id FROM members WHERE user_id = $1`, f.member.UserID); err != nil {
		t.Fatal(err)
	}
	m, err := f.s.UpdateMember(ctx, f.admin, memberID, store.MemberInput{CostRateText: text("85.5")})
	if err != nil || m.CostRate != 8550 {
		t.Fatalf("cost rate: %d %v", m.CostRate, err)
	}
	if m, err = f.s.UpdateMember(ctx, f.admin, memberID, store.MemberInput{CostRateText: text("")}); err != nil || m.CostRate != 0 {
		t.Fatalf("blank cost rate: %d %v", m.CostRate, err)
	}
	if _, err := f.s.UpdateMember(ctx, f.admin, memberID, store.MemberInput{CostRateText: text("-1")}); !asKind(err, store.ErrInvalid, &verr) ||
		verr.Fields["cost_rate"] != "cost_rate must be zero or more" {
		t.Fatalf("negative cost rate: %v", err)
	}
	if _, err := f.s.UpdateMember(ctx, f.member, memberID, store.MemberInput{CostRateText: text("lots")}); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member, bad cost rate: %v", err)
	}
}

// Each role's answer for every permission, so that a new permission cannot be added without deciding who has it
// (DECISIONS.md "Who may do what"): owner, admin, member.
var permissionsByRole = map[string][3]bool{
	"ManageOrganization": {true, true, false},
	"DeleteOrganization": {true, false, false},
	"ManageMembers":      {true, true, false},
	"ManageOwners":       {true, false, false},
	"ViewCostRates":      {true, true, false},
	"ViewAuditLog":       {true, true, false},
	"ManageClients":      {true, true, false},
	"ManageBilling":      {true, true, false},
	"ViewRevenueReports": {true, true, false},
	"ManageAllTime":      {true, true, false},
	"ViewAllProjects":    {true, true, false},
	"CreateProjects":     {true, true, false},
	"ManageAllProjects":  {true, true, false},
	"DeleteProjects":     {true, true, false},
	"DeleteAnyComment":   {true, true, false},
	"ManageAllFiles":     {true, true, false},
	"CreateLabels":       {true, true, true},
	"EditLabels":         {true, true, false},
	"ManageTaskStatuses": {true, true, false},
	"ManageChannels":     {true, true, false},
	"DeleteAnyMessage":   {true, true, false},
	"ManageGit":          {true, true, false},
}

func TestPermissions_EveryFieldIsDecidedPerRole(t *testing.T) {
	f := newPermFixture(t)
	typ := reflect.TypeOf(store.Permissions{})
	if typ.NumField() != len(permissionsByRole) {
		t.Errorf("Permissions has %d fields, the table %d: decide who has the new one", typ.NumField(), len(permissionsByRole))
	}
	for i, a := range []store.Actor{f.owner, f.admin, f.member} {
		got := reflect.ValueOf(a.Permissions())
		for j := range typ.NumField() {
			name := typ.Field(j).Name
			want, ok := permissionsByRole[name]
			if !ok {
				t.Errorf("%s is not in the table", name)
				continue
			}
			if got.Field(j).Bool() != want[i] {
				t.Errorf("%s %s = %v, want %v", a.Role, name, got.Field(j).Bool(), want[i])
			}
		}
	}
	if p := (store.Actor{Role: "stranger"}).Permissions(); p != (store.Permissions{}) {
		t.Errorf("an unknown role may do something: %+v", p)
	}
}

// Billing, reports on money, everyone's time, every project, others' comments and cost rates: the use cases allow
// exactly what Permissions says, for each role.
func TestPermissions_BillingTimeProjectsAndCommentsMatchTheUseCases(t *testing.T) {
	f := newPermFixture(t)
	ctx := context.Background()
	name := "Acme"
	client, err := f.s.CreateClient(ctx, f.owner, store.ClientInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	project := func(creator store.Actor, name string) string {
		t.Helper()
		p, err := f.s.CreateProject(ctx, creator, store.ProjectInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	// The owner's project, with everyone on it, holds the comments; each hidden project has its creator only.
	shared, ownersOnly, adminsOnly := project(f.owner, "Shared"), project(f.owner, "Owner's"), project(f.admin, "Admin's")
	for _, a := range []store.Actor{f.admin, f.member} {
		if _, err := f.s.AddProjectMember(ctx, f.owner, shared, store.ProjectMemberInput{UserID: a.UserID}); err != nil {
			t.Fatal(err)
		}
	}
	task, err := f.s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: shared, Title: "Talk"})
	if err != nil {
		t.Fatal(err)
	}
	f.db.MustExec(`UPDATE members SET cost_rate = 4000 WHERE organization_id = $1`, f.owner.OrgID)

	for _, a := range []store.Actor{f.owner, f.admin, f.member} {
		p := a.Permissions()
		check := func(what string, want bool, err error) {
			t.Helper()
			if got := allowed(t, a.Role+" "+what, err); got != want {
				t.Errorf("%s %s: use case allowed=%v, Permissions says %v", a.Role, what, got, want)
			}
		}
		someoneElse := f.owner
		if a.UserID == f.owner.UserID {
			someoneElse = f.admin
		}

		_, err := f.s.Invoices(ctx, a, store.InvoiceFilter{})
		check("list invoices", p.ManageBilling, err)
		d, err := f.s.Client(ctx, a, client.ID)
		if err != nil || (d.OpenBalance != nil) != p.ManageBilling {
			t.Errorf("%s open balance shown=%v, Permissions says %v (%v)", a.Role, d.OpenBalance != nil, p.ManageBilling, err)
		}

		_, err = f.s.Revenue(ctx, a, store.RevenueFilter{From: "2026-01-01", To: "2026-03-31"})
		check("revenue report", p.ViewRevenueReports, err)
		_, err = f.s.Profitability(ctx, a, store.ProfitabilityFilter{From: "2026-01-01", To: "2026-03-31"})
		check("profitability report", p.ViewRevenueReports, err)

		_, err = f.s.TimeEntries(ctx, a, store.TimeEntryFilter{UserID: someoneElse.UserID})
		check("someone else's time entries", p.ManageAllTime, err)
		_, err = f.s.Timesheet(ctx, a, store.TimesheetFilter{From: "2026-01-01", To: "2026-03-31", UserID: someoneElse.UserID})
		check("someone else's timesheet", p.ManageAllTime, err)

		hidden := ownersOnly
		if a.UserID == f.owner.UserID {
			hidden = adminsOnly
		}
		if _, err := f.s.ProjectAccess(ctx, a, hidden); (err == nil) != p.ViewAllProjects || (err != nil && !errors.Is(err, store.ErrNotFound)) {
			t.Errorf("%s sees a project it is not on: %v, Permissions says %v", a.Role, err == nil, p.ViewAllProjects)
		}

		c, err := f.s.AddComment(ctx, someoneElse, task.ID, "said by "+someoneElse.Role)
		if err != nil {
			t.Fatal(err)
		}
		check("delete someone else's comment", p.DeleteAnyComment, f.s.DeleteComment(ctx, a, task.ID, c.ID))

		members, err := f.s.Members(ctx, a, store.MemberFilter{Status: store.MemberActive})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members.Items {
			if m.UserID != nil && *m.UserID != a.UserID && (m.CostRate != 0) != p.ViewCostRates {
				t.Errorf("%s sees %s's cost rate %d, Permissions says %v", a.Role, m.Email, m.CostRate, p.ViewCostRates)
			}
		}
	}
}
