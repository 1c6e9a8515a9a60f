package views

import (
	"net/url"
	"time"

	"github.com/a-h/templ"

	"github.com/trcr/trcr/store/vocab"
)

// This file holds the view models rendered by the templ components in this
// package. They are plain structs: handlers translate store/domain types into
// them, so views never import the database layer.

// Roles of a member inside an organization (aliases kept for existing callers; new code uses vocab).
const (
	RoleOwner  = vocab.RoleOwner
	RoleAdmin  = vocab.RoleAdmin
	RoleMember = vocab.RoleMember
)

// Permissions is what the user may do in the current organization: the fields of store.Permissions, which handlers
// convert to it (views.Permissions(actor.Permissions())), so the two cannot drift apart. Pages show the controls,
// links and tabs it allows and nothing else.
type Permissions struct {
	ManageOrganization bool
	DeleteOrganization bool
	ManageMembers      bool
	ManageOwners       bool
	ViewCostRates      bool
	ViewAuditLog       bool
	ManageClients      bool
	ManageBilling      bool
	ViewRevenueReports bool
	ManageAllTime      bool
	ViewAllProjects    bool
	CreateProjects     bool
	ManageAllProjects  bool
	DeleteProjects     bool
	DeleteAnyComment   bool
	ManageAllFiles     bool
	CreateLabels       bool
	EditLabels         bool
	ManageTaskStatuses bool
	ManageChannels     bool
	DeleteAnyMessage   bool
	ManageGit          bool
	ManageWebhooks     bool
}

// Member statuses (aliases kept for existing callers; new code uses vocab).
const (
	StatusActive  = vocab.MemberActive
	StatusInvited = vocab.MemberInvited
)

// Flash kinds.
const (
	FlashSuccess = "success"
	FlashError   = "error"
	FlashInfo    = "info"
)

// Values for Page.ActiveNav.
const (
	NavDashboard   = "dashboard"
	NavProjects    = "projects"
	NavTasks       = "tasks"
	NavGantt       = "gantt"
	NavWorkflow    = "workflow"
	NavTime        = "time"
	NavClients     = "clients"
	NavInvoices    = "invoices"
	NavReports     = "reports"
	NavMembers     = "members"
	NavSettings    = "settings"
	NavAuditLog    = "audit-log"
	NavProfile     = "profile"
	NavDevMailbox  = "dev-mailbox"
	NavNewOrg      = "new-organization"
	NavUnspecified = ""
)

// Page is the base model every full page receives.
type Page struct {
	// Title is the document title; " · TRCR" is appended.
	Title     string
	CSRFToken string
	// CurrentUser is the signed-in user; the zero value means anonymous.
	CurrentUser User
	// Orgs lists the organizations the user belongs to (org switcher).
	Orgs []Org
	// CurrentOrg is the active organization; zero value when none.
	CurrentOrg CurrentOrg
	Flashes    []Flash
	// ActiveNav is one of the Nav* constants and highlights the sidebar item.
	ActiveNav string
	// Can is what the user may do in CurrentOrg: the navigation and pages offer only what it allows.
	Can Permissions
	// DevMailbox shows a link to /dev/mailbox (development only).
	DevMailbox bool
	// Timer is rendered inside <div id="timer-slot"> in the top bar (may be nil).
	Timer templ.Component
	// Notifications is rendered inside <div id="notifications-slot"> (may be nil): the bell.
	Notifications templ.Component
	// UnreadNotifications is the bell's count.
	UnreadNotifications int
}

// LoggedIn reports whether a user is signed in.
func (p Page) LoggedIn() bool { return p.CurrentUser.ID != "" }

// HasOrg reports whether an organization is selected.
func (p Page) HasOrg() bool { return p.CurrentOrg.ID != "" }

// User is the signed-in user as shown in the chrome.
type User struct {
	ID        string
	Name      string
	Email     string
	AvatarURL string
	// Initials shown when there is no avatar, e.g. "AL".
	Initials string
}

// Org is an organization entry in the switcher.
type Org struct {
	ID      string
	Name    string
	LogoURL string
}

// CurrentOrg is the active organization and the user's role in it.
type CurrentOrg struct {
	ID      string
	Name    string
	Role    string
	LogoURL string
}

// Flash is a one-off message shown at the top of the content area.
type Flash struct {
	// Kind is FlashSuccess, FlashError or FlashInfo.
	Kind string
	Text string
}

// Option is a generic <option> value/label pair.
type Option struct {
	Value string
	Label string
}

// ---------------------------------------------------------------------------
// Auth forms

// LoginForm is the sign-in form. Errors keys: "email", "password".
type LoginForm struct {
	Email string
	// Next is an optional local path to return to after signing in.
	Next   string
	Errors map[string]string
	// Error is a form-level error, e.g. "Invalid email or password."
	Error string
}

// RegisterForm is the sign-up form. Errors keys: "name", "email", "password".
type RegisterForm struct {
	Name   string
	Email  string
	Next   string
	Errors map[string]string
	Error  string
}

// ForgotPasswordForm requests a reset link. When Sent is true the
// "check your inbox" state is shown instead of the form. Errors key: "email".
type ForgotPasswordForm struct {
	Email  string
	Sent   bool
	Errors map[string]string
	Error  string
}

// ResetPasswordForm sets a new password (field "password"). Errors key:
// "password". TokenInvalid shows an expired-link state instead.
type ResetPasswordForm struct {
	Token        string
	TokenInvalid bool
	Errors       map[string]string
	Error        string
}

// VerifyEmailResult is the outcome of following an email verification link.
type VerifyEmailResult struct {
	Success bool
	// Message overrides the default explanation.
	Message string
	// ContinueURL is where the continue button goes ("/" if empty).
	ContinueURL string
	// CanResend shows a "send a new link" button (POST /verify-email/resend)
	// on failure; requires a signed-in user.
	CanResend bool
}

// Invitation is shown on the accept-invitation page.
type Invitation struct {
	Token       string
	OrgName     string
	OrgLogoURL  string
	InviterName string
	Role        string
	// Email is the address the invitation was sent to.
	Email string
	// Invalid marks an expired, revoked or already used invitation; Error
	// explains why.
	Invalid bool
	Error   string
}

// OrgForm creates an organization (onboarding and "New organization").
// Errors keys: "name", "slug".
type OrgForm struct {
	Name   string
	Slug   string
	Errors map[string]string
	Error  string
}

// ---------------------------------------------------------------------------
// Profile

// ProfileView groups the forms on the profile page.
type ProfileView struct {
	Profile       ProfileForm
	Avatar        AvatarForm
	Password      PasswordForm
	Notifications NotificationPreferencesForm
}

// ProfileForm edits name and timezone. Errors keys: "name", "timezone".
type ProfileForm struct {
	Name string
	// Email is displayed read-only.
	Email    string
	Timezone string
	Errors   map[string]string
	Error    string
}

// AvatarForm uploads (POST /profile/avatar, field "avatar") or removes
// (POST /profile/avatar/remove) the avatar. Errors key: "avatar".
type AvatarForm struct {
	AvatarURL string
	Initials  string
	Name      string
	Errors    map[string]string
	Error     string
}

// PasswordForm changes the password. Errors keys: "current_password",
// "new_password".
type PasswordForm struct {
	Errors map[string]string
	Error  string
}

// ---------------------------------------------------------------------------
// Organization settings

// OrgSettingsView groups the forms on the organization settings page.
type OrgSettingsView struct {
	Settings  OrgSettingsForm
	Invoicing InvoicingForm
	Logo      LogoForm
	Delete    DeleteOrgForm
	// CanDelete shows the danger zone (owners only).
	CanDelete bool
}

// OrgSettingsForm edits the organization. Errors keys: "name", "slug",
// "currency", "timezone".
type OrgSettingsForm struct {
	Name     string
	Slug     string
	Currency string
	Timezone string
	Errors   map[string]string
	Error    string
}

// LogoForm uploads (POST /settings/organization/logo, field "logo") or
// removes (POST /settings/organization/logo/remove) the logo. Errors key: "logo".
type LogoForm struct {
	LogoURL string
	OrgName string
	Errors  map[string]string
	Error   string
}

// DeleteOrgForm confirms deletion by typing the org name (field
// "confirm_name"). Errors key: "confirm_name".
type DeleteOrgForm struct {
	OrgName     string
	ConfirmName string
	Errors      map[string]string
	Error       string
}

// ---------------------------------------------------------------------------
// Members

// MembersView is the members page.
type MembersView struct {
	Members    []Member
	Filter     MemberFilter
	Pagination Pagination
	Invite     InviteForm
	// CanManage shows the invite form and per-row controls (admins).
	CanManage bool
	// Unverified replaces the invite form with a request to verify the user's email address.
	Unverified bool
	// Currency is the org currency (ISO 4217) used for cost rates.
	Currency string
}

// MemberFilter is the members search (GET /members?q=&role=).
type MemberFilter struct {
	Q    string
	Role string
}

// Active reports whether any filter is applied.
func (f MemberFilter) Active() bool { return f.Q != "" || f.Role != "" }

// Member is one row of the members table. ID identifies the membership (or
// the invitation for invited rows) in the /members/{id}/... routes.
type Member struct {
	ID        string
	Name      string
	Email     string
	AvatarURL string
	Initials  string
	Role      string
	// Status is StatusActive or StatusInvited.
	Status string
	// CostRateCents is the hourly cost rate in minor units of Currency.
	CostRateCents int64
	Currency      string
	// IsSelf marks the signed-in user's own row.
	IsSelf bool
	// CanEdit enables the role select, cost rate and remove controls.
	CanEdit bool
	// CanMakeOwner adds "Owner" to the role select (owners only).
	CanMakeOwner bool
	// Error is a row-level error (e.g. "An organization needs an owner.").
	Error string
	// Saved briefly marks the row as just updated (after an htmx save).
	Saved bool
}

// InviteForm invites someone by email. Errors keys: "email", "role".
type InviteForm struct {
	Email string
	Role  string
	// AllowOwner adds "Owner" to the role choices.
	AllowOwner bool
	Errors     map[string]string
	Error      string
}

// ---------------------------------------------------------------------------
// Audit log

// AuditLogView is the audit log page.
type AuditLogView struct {
	Entries     []AuditEntry
	Filter      AuditFilter
	Users       []Option
	Actions     []string
	EntityTypes []string
	// Entities are the entities of the filter's type that have entries, for the entity picker.
	Entities   []Option
	Pagination Pagination
	// Now is the reference time for relative timestamps (time.Now() if zero).
	Now time.Time
}

// AuditFilter is the audit log query (GET /audit-logs?user=&action=&entity_type=&entity_id=&from=&to=).
// From and To are dates as YYYY-MM-DD.
type AuditFilter struct {
	UserID     string
	Action     string
	EntityType string
	EntityID   string
	From       string
	To         string
}

// Active reports whether any filter is applied.
func (f AuditFilter) Active() bool {
	return f.UserID != "" || f.Action != "" || f.EntityType != "" || f.EntityID != "" || f.From != "" || f.To != ""
}

// AuditEntry is one audit log row.
type AuditEntry struct {
	ID string
	At time.Time
	// ActorName is empty for system actions.
	ActorName      string
	ActorEmail     string
	ActorAvatarURL string
	ActorInitials  string
	// Action such as "member.invited" or "organization.updated".
	Action     string
	EntityType string
	EntityID   string
	// EntityLabel is an optional human-readable name of the entity; EntityGone marks an entity that no longer
	// exists (the label is then its last known name, or "deleted <type>").
	EntityLabel string
	EntityGone  bool
	Changes     []AuditChange
}

// AuditChange is one changed field; empty From means it was set, empty To
// means it was cleared.
type AuditChange struct {
	Field string
	From  string
	To    string
}

// ---------------------------------------------------------------------------
// Dev mailbox

// DevMailboxView lists the outbox (development only).
type DevMailboxView struct {
	Emails []OutboxEmail
	// Selected is the email being read, if any.
	Selected *OutboxEmail
	Now      time.Time
}

// OutboxEmail is a queued or sent email.
type OutboxEmail struct {
	ID      string
	To      string
	Subject string
	// Status such as "pending", "sent" or "failed".
	Status    string
	CreatedAt time.Time
	Error     string
	TextBody  string
	// HTMLBody is rendered in a sandboxed iframe (no scripts).
	HTMLBody string
}

// ---------------------------------------------------------------------------
// Dashboard, errors

// DashboardView is the organization overview.
type DashboardView struct {
	MemberCount    int
	PendingInvites int
	Role           string
	Currency       string
	Timezone       string
	// Checklist is an optional "getting started" list.
	Checklist []ChecklistItem
	// RecentActivity shows the latest audit entries (admins; may be empty).
	RecentActivity []AuditEntry
	Now            time.Time
	// FirstVisit greets with "Welcome" rather than "Welcome back".
	FirstVisit bool
	// WeekSeconds is the viewer's time this week; Running their timer, if one runs.
	WeekSeconds int64
	Running     *DashboardTimerView
	// Billing is nil for those who may not manage billing.
	Billing *DashboardBillingView
	// SetupDismissed hides the checklist.
	SetupDismissed bool
}

// DashboardTimerView is the viewer's running timer on the dashboard.
type DashboardTimerView struct {
	StartedAt   time.Time
	Project     string
	Description string
}

// DashboardBillingView is what the organization has yet to bill and to be paid, in its currency.
type DashboardBillingView struct {
	UnbilledSeconds  int64
	Outstanding      int64
	OutstandingCount int
	Overdue          int64
	OverdueCount     int
}

// ChecklistItem is one getting-started step.
type ChecklistItem struct {
	Label string
	Hint  string
	Href  string
	Done  bool
}

// ErrorView is an error page.
type ErrorView struct {
	Status  int
	Title   string
	Message string
	// RequestID is shown to help support, if set.
	RequestID string
}

// ---------------------------------------------------------------------------
// Pagination

// Pagination describes a paged list. Page is 1-based.
type Pagination struct {
	Page    int
	PerPage int
	Total   int
	// Path is the list URL, e.g. "/members".
	Path string
	// Query holds the current query parameters, preserved in the links.
	Query url.Values
	// Target, if set, is a CSS selector the links load into with htmx
	// (hx-get + hx-select + hx-push-url); without it they are plain links.
	Target string
}

// Pages is the number of pages (at least 1).
func (p Pagination) Pages() int {
	if p.PerPage <= 0 || p.Total <= 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// HasPrev reports whether there is a previous page.
func (p Pagination) HasPrev() bool { return p.current() > 1 }

// HasNext reports whether there is a next page.
func (p Pagination) HasNext() bool { return p.current() < p.Pages() }

// First is the 1-based index of the first item on this page.
func (p Pagination) First() int {
	if p.Total == 0 {
		return 0
	}
	return (p.current()-1)*p.PerPage + 1
}

// Last is the 1-based index of the last item on this page.
func (p Pagination) Last() int {
	l := p.current() * p.PerPage
	if p.PerPage <= 0 || l > p.Total {
		l = p.Total
	}
	return l
}

// URL returns the link to page n, preserving other query parameters.
func (p Pagination) URL(n int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = append([]string(nil), v...)
	}
	if n <= 1 {
		q.Del("page")
	} else {
		q.Set("page", itoa(n))
	}
	if p.PerPage > 0 {
		if _, ok := p.Query["per_page"]; ok {
			q.Set("per_page", itoa(p.PerPage))
		}
	}
	enc := q.Encode()
	if enc == "" {
		if p.Path == "" {
			return "?"
		}
		return p.Path
	}
	return p.Path + "?" + enc
}

func (p Pagination) current() int {
	if p.Page < 1 {
		return 1
	}
	return p.Page
}

// InvoicingForm edits how the organization appears on its invoices (POST /settings/organization/invoicing).
// Errors keys are the settings keys: "legal_name", "address", "email", "tax_id", "payment_instructions",
// "invoice_prefix", "payment_terms_days", "invoice_footer".
type InvoicingForm struct {
	LegalName           string
	Address             string
	Email               string
	TaxID               string
	PaymentInstructions string
	Prefix              string
	PaymentTermsDays    string
	Footer              string
	Errors              map[string]string
	Error               string
}
