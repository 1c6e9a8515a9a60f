package views

import (
	"regexp"
	"strings"

	"github.com/trcr/trcr/store/vocab"
)

// View models of the projects pages (/projects…) and the workflow settings (/settings/workflow).

// Project statuses (aliases kept for existing callers; new code uses vocab) and the list filter's "every status"
// value.
const (
	ProjectStatusActive   = vocab.ProjectActive
	ProjectStatusArchived = vocab.ProjectArchived
	ProjectStatusAll      = "all"
)

// Project roles (aliases kept for existing callers; new code uses vocab).
const (
	ProjectRoleManager = vocab.ProjectRoleManager
	ProjectRoleMember  = vocab.ProjectRoleMember
)

// Tabs of a project's pages (ProjectHeader.Tab).
const (
	ProjectTabBoard    = "board"
	ProjectTabTimeline = "timeline"
	ProjectTabMembers  = "members"
	ProjectTabSettings = "settings"
)

// ---------------------------------------------------------------------------
// Projects list

// ProjectsView is GET /projects?status=&q=&sort=&dir=&group=&view=&page=.
type ProjectsView struct {
	Projects []ProjectCard
	// Groups are Projects client by client when the list is grouped, else one group without a heading.
	Groups     []ProjectGroup
	Filter     ProjectFilter
	Pagination Pagination
	// CanCreate shows "New project" (owners and admins).
	CanCreate bool
}

// ProjectGroup is the projects of one client ("" with Grouped: those without a client).
type ProjectGroup struct {
	Grouped    bool
	ClientID   string
	ClientName string
	Projects   []ProjectCard
}

// ProjectFilter is the list query; Status is active (the default), archived or all.
type ProjectFilter struct {
	Status string
	Q      string
	// Sort is name (the default), client, open, hours or activity; Desc is the direction it runs in.
	Sort string
	Desc bool
	// DescByDefault is the direction Sort runs in without dir: the links leave dir out when it matches.
	DescByDefault bool
	// Group is "client" to group by client, else "".
	Group string
	// View is cards (the default) or table.
	View string
}

// ProjectCard is one project of the list.
type ProjectCard struct {
	ID          string
	Name        string
	Description string
	Color       string
	Status      string
	Billable    bool
	// HasRate is false when the project has no hourly rate of its own.
	HasRate   bool
	RateCents int64
	Currency  string
	// TasksTotal and TasksDone come from the project stats (done counts completed tasks).
	TasksTotal int
	TasksDone  int
	// CanEdit links to the project's settings (owners and admins; managers reach them from the project).
	CanEdit bool
	// ClientID and ClientName name the project's client; "" for none.
	ClientID   string
	ClientName string
	// TrackedSeconds is everyone's stopped time on the project; LastActivity the day of its latest change
	// (LastActivityISO as YYYY-MM-DD), in the viewer's timezone.
	TrackedSeconds  int64
	LastActivity    string
	LastActivityISO string
}

// TasksOpen counts the tasks not yet completed.
func (c ProjectCard) TasksOpen() int { return c.TasksTotal - c.TasksDone }

// Percent is the share of completed tasks, 0–100.
func (c ProjectCard) Percent() int {
	if c.TasksTotal <= 0 {
		return 0
	}
	return c.TasksDone * 100 / c.TasksTotal
}

// ---------------------------------------------------------------------------
// Project pages

// ProjectHeader is the title and tabs shared by a project's pages.
type ProjectHeader struct {
	ID     string
	Name   string
	Color  string
	Status string
	// CanManage shows the settings tab (owners, admins and the project's managers).
	CanManage bool
	// Tab is the current ProjectTab….
	Tab string
}

// ProjectForm creates (POST /projects/new) or edits (POST /projects/{id}/edit) a project. HourlyRate is in
// major units as typed. Errors keys: "name", "description", "color", "billable", "hourly_rate", "status".
type ProjectForm struct {
	// ID is empty when creating.
	ID          string
	Name        string
	Key         string // the prefix of its tasks' references (TRC in TRC-123)
	Description string
	Color       string
	Status      string
	Billable    bool
	HourlyRate  string
	Currency    string
	// ClientID is the chosen client ("" for none) among Clients, the organization's clients.
	ClientID string
	Clients  []Option
	Errors   map[string]string
	Error    string
}

// ProjectEditView is GET /projects/{id}/edit.
type ProjectEditView struct {
	Project ProjectHeader
	Form    ProjectForm
	Delete  ProjectDeleteForm
	// CanDelete shows the danger zone (owners and admins).
	CanDelete bool
}

// ProjectDeleteForm confirms deletion by typing the project's name (field "confirm_name").
type ProjectDeleteForm struct {
	ProjectID   string
	ProjectName string
	ConfirmName string
	Errors      map[string]string
	Error       string
}

// ProjectMembersView is GET /projects/{id}/members.
type ProjectMembersView struct {
	Project ProjectHeader
	Members []ProjectMemberRow
	Add     ProjectMemberForm
	// CanManage shows the add form and the remove buttons.
	CanManage bool
	// CanInvite links to the organization's invitations (owners and admins).
	CanInvite bool
}

// ProjectMemberRow is one member of a project.
type ProjectMemberRow struct {
	UserID    string
	Name      string
	Email     string
	AvatarURL string
	Initials  string
	Role      string
	IsSelf    bool
}

// ProjectMemberForm adds an organization member to a project (fields "user_id" and "role"). Candidates are the
// active organization members not yet on the project. Errors keys: "user_id", "role".
type ProjectMemberForm struct {
	ProjectID  string
	UserID     string
	Role       string
	Candidates []Option
	Errors     map[string]string
	Error      string
}

// ---------------------------------------------------------------------------
// Workflow settings

// WorkflowView is GET /settings/workflow.
type WorkflowView struct {
	Labels   WorkflowLabelsView
	Statuses WorkflowStatusesView
}

// WorkflowLabelsView is the labels card (#workflow-labels).
type WorkflowLabelsView struct {
	Labels []WorkflowLabel
	New    WorkflowLabelForm
	// CanCreate shows the create form (any member); CanEdit the rename, recolor and delete controls (owners and
	// admins).
	CanCreate bool
	CanEdit   bool
}

// WorkflowLabel is one label row; it edits itself inline (POST /settings/workflow/labels/{id}, fields "name"
// and "color"). Errors keys: "name", "color".
type WorkflowLabel struct {
	ID    string
	Name  string
	Color string
	// SavedName and SavedColor are what the chip shows while Name and Color hold the input being corrected.
	SavedName  string
	SavedColor string
	Errors     map[string]string
	Error      string
	Saved      bool
}

// WorkflowLabelForm creates a label (POST /settings/workflow/labels). Errors keys: "name", "color".
type WorkflowLabelForm struct {
	Name   string
	Color  string
	Errors map[string]string
	Error  string
}

// WorkflowStatusesView is the task statuses card (#workflow-statuses).
type WorkflowStatusesView struct {
	Builtins []WorkflowBuiltinStatus
	Statuses []WorkflowStatus
	New      WorkflowStatusForm
	// Error is a list-level message, e.g. a failed reorder.
	Error string
	// CanManage shows the create, edit, reorder and delete controls (owners and admins).
	CanManage bool
}

// WorkflowBuiltinStatus is one of open, in_progress, done and closed, shown read-only.
type WorkflowBuiltinStatus struct {
	Code        string
	Label       string
	Color       string
	Terminal    bool
	Description string
}

// WorkflowStatus is one custom status: its saved state for display, and its edit form.
type WorkflowStatus struct {
	ID       string
	Code     string
	Label    string
	Color    string
	Position int
	// NextLabel names the status it advances to, if any.
	NextLabel string
	Saved     WorkflowStatusForm
	Form      WorkflowStatusForm
	// Open keeps the editor expanded (after an error).
	Open bool
	// JustSaved briefly highlights the row.
	JustSaved bool
	// UpOrder and DownOrder are the complete id orders after moving this status one place; empty at the ends.
	UpOrder   []string
	DownOrder []string
}

// WorkflowStatusForm creates (POST /settings/workflow/statuses) or edits (POST /settings/workflow/statuses/{id})
// a custom status. Code is read only on create. Errors keys: "code", "label", "color", "on_complete",
// "next_status_code".
type WorkflowStatusForm struct {
	Code             string
	Label            string
	Color            string
	IsTerminal       bool
	SupportsProgress bool
	ProgressEditable bool
	OnComplete       string
	NextStatusCode   string
	// NextOptions are the statuses it may advance to (every status but itself).
	NextOptions []Option
	Errors      map[string]string
	Error       string
}

// ---------------------------------------------------------------------------
// Colors

// ProjectColorPreset is one of the offered project and label colors.
type ProjectColorPreset struct {
	Hex  string
	Name string
}

// ProjectColorPresets are the swatches offered next to the color picker.
var ProjectColorPresets = []ProjectColorPreset{
	{"#6366f1", "Indigo"}, {"#8b5cf6", "Violet"}, {"#ec4899", "Pink"}, {"#ef4444", "Red"},
	{"#f97316", "Orange"}, {"#f59e0b", "Amber"}, {"#84cc16", "Lime"}, {"#22c55e", "Green"},
	{"#14b8a6", "Teal"}, {"#06b6d4", "Cyan"}, {"#3b82f6", "Blue"}, {"#64748b", "Slate"},
}

// ProjectDefaultColor is the color offered when none is chosen yet.
const ProjectDefaultColor = "#6366f1"

var pwHexColorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// pwSafeColor returns c when it is a #rrggbb color, else a neutral gray: colors are rendered into SVG fill
// attributes, never into CSS.
func pwSafeColor(c string) string {
	if pwHexColorRe.MatchString(c) {
		return strings.ToLower(c)
	}
	return "#94a3b8"
}

// pwColorInput is a valid value for <input type="color">.
func pwColorInput(c string) string {
	if pwHexColorRe.MatchString(c) {
		return strings.ToLower(c)
	}
	return ProjectDefaultColor
}

func pwIsPresetColor(c string) bool {
	for _, p := range ProjectColorPresets {
		if strings.EqualFold(p.Hex, c) {
			return true
		}
	}
	return false
}

// pwClientDescribedBy points the Client select at its hint, and at its message when there is one.
func pwClientDescribedBy(f ProjectForm) string {
	if f.Errors["client_id"] != "" {
		return "project-client-hint project-client-error"
	}
	return "project-client-hint"
}
