package views

import (
	"context"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/trcr/trcr/store/vocab"
)

// View models and helpers of the board, the task panel and the tasks page.

// TaskStatusOption is a status a task can take: a built-in or one of the organization's custom statuses.
type TaskStatusOption struct {
	Code  string
	Label string
	Color string // #rrggbb; empty for built-ins
}

// TaskStatusOptions are the built-ins followed by custom statuses.
func TaskStatusOptions(custom []TaskStatusOption) []TaskStatusOption {
	out := make([]TaskStatusOption, 0, len(vocab.BuiltinStatuses)+len(custom))
	for _, b := range vocab.BuiltinStatuses {
		out = append(out, TaskStatusOption{Code: b.Code, Label: b.Label})
	}
	return append(out, custom...)
}

// StatusLabel names a status code for people, from the options when it is one of them.
func StatusLabel(code string, opts []TaskStatusOption) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Label
		}
	}
	return builtinStatusLabel(code)
}

// StatusColor is the color of a custom status among the options, "" for built-ins.
func StatusColor(code string, opts []TaskStatusOption) string {
	for _, o := range opts {
		if o.Code == code {
			return o.Color
		}
	}
	return ""
}

// builtinStatusLabel names a built-in status; custom codes are humanized.
func builtinStatusLabel(code string) string {
	if b, ok := vocab.Builtin(code); ok {
		return b.Label
	}
	return humanize(code)
}

func priorityLabel(p string) string { return termLabel(vocab.Priorities, p) }

// TaskLabel is a label chip.
type TaskLabel struct {
	ID    string
	Name  string
	Color string
	// On marks, in the panel's label picker, the labels the task carries.
	On bool
}

// TaskPerson is an assignee, author or member as avatars and pickers show them.
type TaskPerson struct {
	ID        string
	Name      string
	AvatarURL string
	Initials  string
}

// Due is a due date as a card or row shows it.
type Due struct {
	Date    string // YYYY-MM-DD; empty when none
	Label   string // "Mar 1", "Today", "Tomorrow"
	Overdue bool   // before today and the task is not completed
	Soon    bool   // today or tomorrow, not completed
}

// MakeDue describes a due date relative to today (both YYYY-MM-DD in the user's timezone).
func MakeDue(date, today string, completed bool) Due {
	if date == "" {
		return Due{}
	}
	d := Due{Date: date}
	t, err := time.Parse("2006-01-02", date)
	now, err2 := time.Parse("2006-01-02", today)
	if err != nil || err2 != nil {
		d.Label = date
		return d
	}
	switch days := int(t.Sub(now).Hours() / 24); {
	case days == 0:
		d.Label = "Today"
	case days == 1:
		d.Label = "Tomorrow"
	case days == -1:
		d.Label = "Yesterday"
	case t.Year() == now.Year():
		d.Label = t.Format("Jan 2")
	default:
		d.Label = t.Format("Jan 2, 2006")
	}
	if !completed {
		d.Overdue = t.Before(now)
		d.Soon = !d.Overdue && t.Sub(now) <= 24*time.Hour
	}
	return d
}

// ---------------------------------------------------------------------------
// Board

// BoardView is a project's board (GET /projects/{id}/board).
type BoardView struct {
	ProjectID    string
	ProjectName  string
	ProjectColor string
	// ProjectStatus is active or archived.
	ProjectStatus string
	// CanManage enables drag and drop, quick add and new columns.
	CanManage bool
	Columns   []BoardColumn
	Filter    BoardFilter
	Members   []TaskPerson
	Labels    []TaskLabel
	Statuses  []TaskStatusOption
	Total     int // tasks in the project
	Matching  int // tasks that pass the filter (all of them without one), whether their cards are loaded or not
	// FilterError explains a filter value the server refused.
	FilterError string
	// NewColumn is the "add a column" form.
	NewColumn NewColumnForm
}

// BoardFilter is the board's query (?assignee=&label=&priority=&q=).
type BoardFilter struct {
	Assignee string // a user id, "me" or "none"
	Label    string
	Priority string
	Q        string
}

// Active reports whether any filter is set.
func (f BoardFilter) Active() bool {
	return f.Assignee != "" || f.Label != "" || f.Priority != "" || strings.TrimSpace(f.Q) != ""
}

// Query is the filter as URL query values, empty ones left out.
func (f BoardFilter) Query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"assignee": f.Assignee, "label": f.Label, "priority": f.Priority, "q": f.Q} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// BoardColumn is one task group.
type BoardColumn struct {
	ID        string
	Name      string
	IsDefault bool
	// Status is the status the column stands for (dropping a card sets it); zero for none.
	Status    TaskStatusOption
	Collapsed bool
	Total     int        // tasks in the column
	Matching  int        // tasks that pass the filter
	Cards     []TaskCard // the first page of them; none for a collapsed column until it is expanded
	More      BoardMore
	QuickAdd  QuickAddForm
}

// BoardMore is a column's "show more" button: it appends the column's next page of cards (GET
// /projects/{id}/board/groups/{group}/cards?after=…&filters) and is replaced by the page's own button.
type BoardMore struct {
	ProjectID string
	GroupID   string
	Filter    BoardFilter
	After     string // the id of the column's last card shown; "" for the first page (a collapsed column)
	Next      int    // cards the next page shows
	Remaining int    // matching cards not shown yet; no button when 0
	// OnView loads the page as soon as the button comes into view, not only when pressed: the button after the
	// short first slice of a search's answer (handlers.boardResultsFirstCards), so that scrolling a column reaches
	// its later cards as on the page.
	OnView bool
}

// BoardCardsPage is the answer to a "show more": the next cards of the column and its next button.
type BoardCardsPage struct {
	Cards []TaskCard
	More  BoardMore
}

// QuickAddForm adds a task at the bottom of a column (field "title").
type QuickAddForm struct {
	Title string
	Error string
}

// NewColumnForm adds a column (field "name").
type NewColumnForm struct {
	Name  string
	Error string
}

// TaskCard is a task on the board.
type TaskCard struct {
	ID             string
	Reference      string // TRC-123
	Title          string
	Priority       string
	Status         string
	StatusLabel    string
	StatusColor    string
	Completed      bool
	Assignee       *TaskPerson
	Due            Due
	Labels         []TaskLabel
	ChecklistDone  int
	ChecklistTotal int
	Comments       int
	Progress       int
}

// ---------------------------------------------------------------------------
// Task panel

// TaskPanelView is the task drawer (GET /tasks/{id}/panel) and its sections.
type TaskPanelView struct {
	CSRFToken string

	ID           string
	Reference    string // TRC-123
	Title        string
	Description  string
	ProjectID    string
	ProjectName  string
	ProjectColor string
	Status       string
	Statuses     []TaskStatusOption
	Completed    bool
	Priority     string
	AssigneeID   string
	Members      []TaskPerson
	StartDate    string
	DueDate      string
	Due          Due
	Estimate     string // hours, as typed
	Complexity   string
	Progress     int
	GroupID      string
	Groups       []Option
	Labels       []TaskLabel // every label of the organization, On when the task carries it
	ReporterName string
	CreatedAt    time.Time
	UpdatedAt    time.Time

	Comments    []CommentView
	Attachments []AttachmentView
	// MaxFileSize is the largest file an upload takes, in bytes.
	MaxFileSize int64
	Checklist   []ChecklistItemView
	BlockedBy   []DependencyView
	Blocks      []DependencyView
	Recurrence  *RecurrenceView
	// Development lists the pull requests, branches and commits of connected repositories that name the task.
	Development DevelopmentView

	// TimerRunning is true when the viewer's running timer is on this task.
	TimerRunning bool

	// CanManage: every field, labels, checklist items, dependencies, recurrence, delete.
	CanManage bool
	// CanWorkflow: status and progress (managers and the assignee).
	CanWorkflow bool

	// Errors are field messages ("title", "start_date", "body", "depends_on_id", "recurrence_pattern", …).
	Errors map[string]string
	// Error is a message for the section named by ErrorSection (the one just submitted).
	Error        string
	ErrorSection string
	// EditDescription opens the Markdown editor.
	EditDescription bool
	// Drafts keep what was typed when a form is shown again with an error.
	CommentDraft   string
	ChecklistDraft string
	PatternDraft   string
	CronDraft      string
	// DependencySearch is the picker's result list, when rendered without JavaScript.
	DependencySearch *DependencySearchView
	// CloseURL is where the close button goes without JavaScript.
	CloseURL string
	// ReturnURL is the address of the page the panel was opened on (htmx's HX-Current-URL), put back when it
	// closes.
	ReturnURL string
	Now       time.Time
	// ScriptsLoaded: the page opening the panel runs its scripts already (task-panel.js says so in the request),
	// so the panel leaves out its <script> tags, which htmx would insert and the browser run again for nothing.
	ScriptsLoaded bool
	// LazyOptions: the panel is rendered for htmx (so its scripts run), and the assignee select brings only its
	// chosen option, with the organization's members in a <template> that task-panel.js puts in when the select
	// is about to be used (issue 15: fifty options cost the panel's first paint ~4 ms of style).
	LazyOptions bool
}

// CommentView is a comment with its Markdown body and its files.
type CommentView struct {
	ID        string
	Author    TaskPerson
	Body      string
	At        time.Time
	CanDelete bool
	Files     []AttachmentView
}

// ChecklistItemView is one checklist line.
type ChecklistItemView struct {
	ID    string
	Title string
	Done  bool
}

// DependencyView is the other task of a dependency.
type DependencyView struct {
	ID        string // the dependency
	TaskID    string
	Title     string
	Status    string
	Completed bool
}

// RecurrenceView is a task's repeat rule.
type RecurrenceView struct {
	ID      string
	Pattern string
	NextDue string
}

// DependencyCandidate is a search result of the dependency picker.
type DependencyCandidate struct {
	ID          string
	Title       string
	ProjectName string
	Status      string
}

// DependencySearchView is the picker's result list.
type DependencySearchView struct {
	CSRFToken string
	TaskID    string
	Type      string
	Query     string
	Results   []DependencyCandidate
}

func (v TaskPanelView) err(field string) string { return errOf(v.Errors, field) }

func (v TaskPanelView) checklistDone() int {
	n := 0
	for _, it := range v.Checklist {
		if it.Done {
			n++
		}
	}
	return n
}

func (v TaskPanelView) assigneeName() string {
	for _, m := range v.Members {
		if m.ID == v.AssigneeID {
			return m.Name
		}
	}
	return ""
}

func (v TaskPanelView) groupName() string {
	for _, g := range v.Groups {
		if g.Value == v.GroupID {
			return g.Label
		}
	}
	return ""
}

func (v TaskPanelView) taskLabels() []TaskLabel {
	var out []TaskLabel
	for _, l := range v.Labels {
		if l.On {
			out = append(out, l)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Tasks page

// TasksPageView is GET /tasks.
type TasksPageView struct {
	Rows       []TaskRow
	Filter     TasksFilter
	Projects   []Option
	Members    []TaskPerson
	Statuses   []TaskStatusOption
	Labels     []TaskLabel
	Pagination Pagination
	// FilterError explains a filter value the server refused.
	FilterError string
	// Panel, when set, renders the task panel open (the deep link /tasks?task=ID).
	Panel *TaskPanelView
}

// TasksFilter is the tasks page query.
type TasksFilter struct {
	Project  string
	Assignee string // a user id or "me"
	Status   string
	Priority string
	Label    string
	Q        string
	Sort     string // created_at (default), updated_at, priority, position
}

// Active reports whether any filter (not the sort) is set.
func (f TasksFilter) Active() bool {
	return f.Project != "" || f.Assignee != "" || f.Status != "" || f.Priority != "" || f.Label != "" || strings.TrimSpace(f.Q) != ""
}

// Query is the filter as URL query values, empty ones left out.
func (f TasksFilter) Query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"project": f.Project, "assignee": f.Assignee, "status": f.Status,
		"priority": f.Priority, "label": f.Label, "q": f.Q, "sort": f.Sort} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// TaskSorts are the sort choices of the tasks page.
var TaskSorts = []Option{
	{Value: "", Label: "Newest first"}, {Value: "updated_at", Label: "Recently updated"},
	{Value: "priority", Label: "Priority"}, {Value: "position", Label: "Board order"},
}

// TaskRow is one row of the tasks page.
type TaskRow struct {
	ID           string
	Title        string
	ProjectID    string
	ProjectName  string
	ProjectColor string
	Status       string
	StatusLabel  string
	StatusColor  string
	Completed    bool
	Priority     string
	Assignee     *TaskPerson
	Due          Due
	Labels       []TaskLabel
}

// ---------------------------------------------------------------------------
// Colors

// Colors come from the organization (labels, projects, custom statuses). The CSP allows styles but the pages keep
// to classes: each color used on a page gets a class `c-rrggbb` that sets --c, declared in one <style> element
// built only from colors that match #rrggbb.

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// colorClass is the class carrying a color in --c, or "" for anything that is not a #rrggbb color.
func colorClass(hex string) string {
	if !hexColor.MatchString(hex) {
		return ""
	}
	return "c-" + strings.ToLower(hex[1:])
}

// colorStyles declares the classes of the given colors.
func colorStyles(colors ...string) templ.Component {
	seen := map[string]bool{}
	var list []string
	for _, c := range colors {
		if cls := colorClass(c); cls != "" && !seen[cls] {
			seen[cls] = true
			list = append(list, cls)
		}
	}
	sort.Strings(list)
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		if len(list) == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString(`<style data-colors>`)
		for _, cls := range list {
			b.WriteString("." + cls + "{--c:#" + cls[2:] + "}")
		}
		b.WriteString(`</style>`)
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// columnIDs are the ids of the board's columns in order, separated by spaces.
func (v BoardView) columnIDs() string {
	ids := make([]string, len(v.Columns))
	for i, c := range v.Columns {
		ids[i] = c.ID
	}
	return strings.Join(ids, " ")
}

func (v BoardView) colors() []string {
	out := []string{v.ProjectColor}
	for _, l := range v.Labels {
		out = append(out, l.Color)
	}
	for _, s := range v.Statuses {
		out = append(out, s.Color)
	}
	return out
}

func (v TaskPanelView) colors() []string {
	out := []string{v.ProjectColor}
	for _, l := range v.Labels {
		out = append(out, l.Color)
	}
	for _, s := range v.Statuses {
		out = append(out, s.Color)
	}
	return out
}

func (v TasksPageView) colors() []string {
	var out []string
	for _, r := range v.Rows {
		out = append(out, r.ProjectColor, r.StatusColor)
		for _, l := range r.Labels {
			out = append(out, l.Color)
		}
	}
	for _, l := range v.Labels {
		out = append(out, l.Color)
	}
	return out
}

// ---------------------------------------------------------------------------
// URLs

func taskPanelURL(id string) string { return "/tasks/" + url.PathEscape(id) + "/panel" }

// TaskDeepLink is the address that opens a task: the tasks page with its panel open.
func TaskDeepLink(id string) string { return "/tasks?task=" + url.QueryEscape(id) }

func taskPath(id, rest string) string {
	return "/tasks/" + url.PathEscape(id) + rest
}
func boardPath(projectID string) string { return "/projects/" + url.PathEscape(projectID) + "/board" }

// url is the page's address with the board's filter; the cursor goes in hx-vals (board.js sets it to the column's
// last card when the button is clicked, as drag and drop may have changed which card that is).
func (m BoardMore) url() string {
	u := boardPath(m.ProjectID) + "/groups/" + url.PathEscape(m.GroupID) + "/cards"
	if q := m.Filter.Query().Encode(); q != "" {
		u += "?" + q
	}
	return u
}

func (m BoardMore) vals() string {
	b, _ := json.Marshal(map[string]string{"after": m.After})
	return string(b)
}

func boardURL(projectID string, f BoardFilter) string {
	if q := f.Query().Encode(); q != "" {
		return boardPath(projectID) + "?" + q
	}
	return boardPath(projectID)
}

// personInitials are the initials of a person without an avatar.
func personInitials(p TaskPerson) string { return orDefault(p.Initials, initialsOf(p.Name)) }

func complexityOptions() []Option {
	out := []Option{{Value: "", Label: "None"}}
	for _, n := range vocab.Complexities {
		out = append(out, Option{Value: itoa(n), Label: itoa(n)})
	}
	return out
}

func recurrenceLabel(pattern string) string {
	if l, ok := vocab.RecurrencePatterns.Label(pattern); ok {
		return l
	}
	return "Cron: " + pattern
}

func formatDay(date string) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	return t.Format("Mon, Jan 2, 2006")
}

func ariaBool(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func (v TaskPanelView) sectionError(section string) string {
	if v.ErrorSection == section {
		return v.Error
	}
	return ""
}

// fieldTrigger is when a panel field saves: on change, except dates, whose inputs report a change for every digit
// typed into the year and so wait for the typing to pause.
func fieldTrigger(field string) string {
	if field == "start_date" || field == "due_date" {
		return "change delay:800ms, submit"
	}
	return "change, submit"
}

// statusOption finds a status among opts by code; zero when code is "" or unknown.
func statusOption(opts []TaskStatusOption, code string) TaskStatusOption {
	for _, o := range opts {
		if o.Code == code {
			return o
		}
	}
	return TaskStatusOption{}
}

// BoardColumnStatus is the status a column is bound to, from the board's status options.
func BoardColumnStatus(opts []TaskStatusOption, code string) TaskStatusOption {
	return statusOption(opts, code)
}
