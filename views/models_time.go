package views

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/trcr/trcr/store/format"
)

// View models of time tracking: the timer in the top bar, the time page (a week's timesheet and entries) and the
// time entry forms.

// Events the time components send and listen to (HX-Trigger).
const (
	// EventTimerChanged: a timer started or stopped. The time page's results and the task panel's button reload.
	EventTimerChanged = "timer-changed"
	// EventTimeChanged: entries were added, edited or deleted on the time page; its results reload.
	EventTimeChanged = "time-changed"
	// EventTimerRefresh: the timer in the top bar reloads itself (it swaps itself when stopped from it).
	EventTimerRefresh = "timer-refresh"
	// TimerAnswerControl, as the "answer" of a start form, asks for the started timer's #timer in the answer
	// (the top bar's popover) instead of a 204 after which the top bar reloads it: one request instead of two.
	TimerAnswerControl = "timer"
)

// timerFormTrigger loads the popover's form when the pointer or the focus reaches the Start button, before the
// click that opens it, and at the latest when it opens.
const timerFormTrigger = "toggle once from:closest details, pointerenter once from:closest details, focusin once from:closest details"

// TimerView is the timer in the top bar.
type TimerView struct {
	Running bool
	// EntryID is the running entry, posted by the Stop button.
	EntryID     string
	StartedAt   time.Time
	Now         time.Time // the server's clock when rendered; the ticking script corrects the browser's with it
	Description string
	ProjectName string
	// ProjectColor is a #rrggbb color; empty without a project.
	ProjectColor string
	TaskTitle    string
	CSRFToken    string
}

// Elapsed is how long the timer has run when rendered.
func (t TimerView) Elapsed() time.Duration {
	if t.Now.Before(t.StartedAt) {
		return 0
	}
	return t.Now.Sub(t.StartedAt)
}

// Label is what the running timer says it tracks: the description, else the task, else the project.
func (t TimerView) Label() string {
	switch {
	case t.Description != "":
		return t.Description
	case t.TaskTitle != "":
		return t.TaskTitle
	case t.ProjectName != "":
		return t.ProjectName
	}
	return "No description"
}

// TimeProjectOption is a project in a picker or filter.
type TimeProjectOption struct {
	ID       string
	Name     string
	Color    string
	Billable bool
	Archived bool
	// ClientName is the name of the project's client; "" for none.
	ClientName string
}

// TimerForm is the "start a timer" popover form. Errors keys: "project", "task", "description".
type TimerForm struct {
	CSRFToken   string
	Projects    []TimeProjectOption // active projects only
	Tasks       []Option            // tasks of ProjectID
	ProjectID   string
	TaskID      string
	Description string
	Billable    bool
}

// TimeFilter is the time page query (GET /time?week=&project=&billable=&user=).
type TimeFilter struct {
	Week     string // 2026-W48
	Project  string // a project id, or "none"
	Billable string // "true", "false" or ""
	User     string // admins: a user id or "all"; empty for oneself
}

// Active reports whether a filter other than the week is applied.
func (f TimeFilter) Active() bool { return f.Project != "" || f.Billable != "" || f.User != "" }

// Query is the filter as URL values, the week included unless empty.
func (f TimeFilter) Query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"week": f.Week, "project": f.Project, "billable": f.Billable, "user": f.User} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// URL is the time page with this filter, or another path with the same query.
func (f TimeFilter) URL(path string) string {
	if enc := f.Query().Encode(); enc != "" {
		return path + "?" + enc
	}
	return path
}

// WithWeek is the filter for another week.
func (f TimeFilter) WithWeek(week string) TimeFilter {
	f.Week = week
	return f
}

// TimeDay is a column of the weekly timesheet.
type TimeDay struct {
	Date    time.Time // midnight UTC of the local day
	IsToday bool
	Seconds int64
}

// TimeSheetRow is a project's line of the timesheet.
type TimeSheetRow struct {
	// ProjectID names the row's cells for POST /time/cell: a project id, or "none" for time without a project.
	ProjectID string
	Name      string
	Color     string // empty for time without a project
	Seconds   [7]int64
	Total     int64
}

// TimeEntryRow is one entry of the list.
type TimeEntryRow struct {
	ID           string
	Description  string
	ProjectName  string
	ProjectColor string
	TaskTitle    string
	UserName     string
	Start        time.Time // in the viewer's timezone
	End          time.Time // zero while running
	Running      bool
	Seconds      int64
	Billable     bool
	// InvoiceNumber is set when the entry is billed, which freezes it.
	InvoiceNumber string
	ShowUser      bool
	CSRFToken     string
	Now           time.Time
}

// TimeEntryGroup is a day of the entry list.
type TimeEntryGroup struct {
	Date    time.Time
	Seconds int64 // stopped entries only
	Running bool  // a running timer started that day
	Entries []TimeEntryRow
}

// TimePageView is the time page.
type TimePageView struct {
	Filter     TimeFilter
	Monday     time.Time // midnight UTC of the local Monday
	IsThisWeek bool
	ThisWeek   string // the ISO week of today
	Days       []TimeDay
	Rows       []TimeSheetRow
	Total      int64
	Groups     []TimeEntryGroup
	EntryCount int
	Truncated  bool
	// Running is the number of running timers listed (not counted in the totals).
	Running  int
	Projects []TimeProjectOption
	Users    []Option
	Can      Permissions // the member filter shows with ManageAllTime
	// ViewingSelf is false when an admin looks at someone else's (or everyone's) time: the manual entry form, which
	// adds to one's own time, is then hidden.
	ViewingSelf bool
	New         TimeEntryForm
	CSRFToken   string
	// NewRows are the rows the timesheet can add to type into (active projects without time this week, and
	// "No project"), offered on one's own week.
	NewRows []Option
}

// Week is the ISO week shown.
func (v TimePageView) Week() string { return isoWeek(v.Monday) }

// TimeEntryForm adds (ID empty) or edits an entry. Times are local "15:04", Date "2006-01-02"; either End or
// Duration ("1:30", "1.5", "90m") ends the entry. Errors keys: "date", "start", "end", "duration", "project",
// "task", "description".
type TimeEntryForm struct {
	ID          string
	Date        string
	Start       string
	End         string
	Duration    string
	ProjectID   string
	TaskID      string
	Description string
	Billable    bool
	// Running marks a running timer being edited: End may stay empty.
	Running   bool
	Projects  []TimeProjectOption
	Tasks     []Option
	CSRFToken string
	// ReturnTo is the time page URL (with its filters) to come back to without JavaScript.
	ReturnTo string
}

// Prefix is the id prefix of the form's fields.
func (f TimeEntryForm) Prefix() string {
	if f.ID == "" {
		return "entry-new"
	}
	return "entry-" + f.ID
}

// TimeEntryFormFields are the message slots of a time entry form, in order.
var TimeEntryFormFields = []string{"date", "start", "end", "duration", "project", "task", "description"}

// TimerFormFields are the message slots of the timer form.
var TimerFormFields = []string{"project", "task", "description"}

func isoWeek(day time.Time) string {
	y, w := day.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// ---------------------------------------------------------------------------
// Formatting

var timeHexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// timeSafeColor is a project color fit for an SVG fill attribute.
func timeSafeColor(c string) string {
	if timeHexColor.MatchString(c) {
		return strings.ToLower(c)
	}
	return "#94a3b8"
}

// formatClock writes a running duration as h:mm:ss ("0:05:12", "12:01:09").
func formatClock(d time.Duration) string {
	s := int64(d / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// FormatHours writes seconds as h:mm ("7:30", "0:05"), the timesheet's unit.
func FormatHours(seconds int64) string { return format.Hours(seconds) }

// DecimalHours writes seconds as hours with two decimals ("1.50"), for spreadsheets.
func DecimalHours(seconds int64) string { return format.DecimalHours(seconds) }

func timerTitle(t TimerView) string {
	parts := []string{t.Label()}
	if t.TaskTitle != "" && t.TaskTitle != t.Label() {
		parts = append(parts, t.TaskTitle)
	}
	if t.ProjectName != "" && t.ProjectName != t.Label() {
		parts = append(parts, t.ProjectName)
	}
	return strings.Join(parts, " · ") + " — open the time page"
}

func taskTimerButtonURL(taskID, projectID string) string {
	q := url.Values{"task_id": {taskID}}
	if projectID != "" {
		q.Set("project_id", projectID)
	}
	return "/timer/task-button?" + q.Encode()
}

func boolString(b bool) string { return strconv.FormatBool(b) }

// timeErrorSummary introduces the field messages of a rejected form.
func timeErrorSummary(errs map[string]string) string {
	if len(errs) == 1 {
		return "Please correct the highlighted field."
	}
	return "Please correct the highlighted fields."
}

// weekLabel writes a week's days: "Nov 23 – 29, 2026", "Nov 30 – Dec 6, 2026", "Dec 28, 2026 – Jan 3, 2027".
func weekLabel(monday time.Time) string {
	sunday := monday.AddDate(0, 0, 6)
	switch {
	case monday.Year() != sunday.Year():
		return monday.Format("Jan 2, 2006") + " – " + sunday.Format("Jan 2, 2006")
	case monday.Month() != sunday.Month():
		return monday.Format("Jan 2") + " – " + sunday.Format("Jan 2, 2006")
	}
	return monday.Format("Jan 2") + " – " + sunday.Format("2, 2006")
}

// weekNumber is "Week 48".
func weekNumber(monday time.Time) string {
	_, w := monday.ISOWeek()
	return "Week " + strconv.Itoa(w)
}

func timeFormTestID(f TimeEntryForm) string {
	if f.ID == "" {
		return "time-entry-form"
	}
	return "time-entry-edit-form"
}

func timeEmptySheetTitle(v TimePageView) string {
	if v.Filter.Active() {
		return "No time matches these filters"
	}
	if v.IsThisWeek {
		return "No time tracked yet this week"
	}
	return "No time tracked in this week"
}

func timeEmptySheetText(v TimePageView) string {
	switch {
	case v.Filter.Active():
		return "Try another project or member, or clear the filters."
	case !v.ViewingSelf:
		return "Nothing was tracked in this week."
	case v.Running > 0:
		return "Your running timer shows up here once you stop it."
	}
	return "Start the timer in the top bar, or add time manually. Hours appear here per project and day."
}

func timeEmptyListText(v TimePageView) string {
	if v.Filter.Active() {
		return "No entries of this week match the filters."
	}
	if !v.ViewingSelf {
		return "Entries started in this week will be listed here."
	}
	return "Entries you track in this week will be listed here, newest first. You can edit or delete them until they are billed."
}

func timeEntriesSubtitle(v TimePageView) string {
	n := 0
	for _, g := range v.Groups {
		n += len(g.Entries)
	}
	if n == 0 {
		return "Newest first"
	}
	return Plural(n, "entry", "entries") + " · newest first"
}

// TimeCell is a day of a row of the timesheet, typed into on one's own week (POST /time/cell).
type TimeCell struct {
	Date      time.Time
	ProjectID string
	Project   string
	Seconds   int64
	IsToday   bool
	CSRFToken string
	ReturnTo  string
}

// CellID is the id of the cell's input; its message slot is CellID()+"-error".
func (c TimeCell) CellID() string { return TimeCellID(c.ProjectID, c.Date.Format(time.DateOnly)) }

// TimeCellID is the id of the input of a project's (or "none") day (YYYY-MM-DD).
func TimeCellID(projectID, date string) string { return "cell-" + projectID + "-" + date }

// Value is what the cell's input shows: hours and minutes, empty for none.
func (c TimeCell) Value() string {
	if c.Seconds == 0 {
		return ""
	}
	return FormatHours(c.Seconds)
}

// Label names the cell for screen readers.
func (c TimeCell) Label() string {
	return "Hours on " + c.Project + ", " + c.Date.Format("Monday, January 2")
}

// Cell is the cell of a row's day i (0 = Monday).
func (v TimePageView) Cell(r TimeSheetRow, i int) TimeCell {
	return TimeCell{Date: v.Days[i].Date, ProjectID: r.ProjectID, Project: r.Name, Seconds: r.Seconds[i],
		IsToday: v.Days[i].IsToday, CSRFToken: v.CSRFToken, ReturnTo: v.Filter.URL("/time")}
}
