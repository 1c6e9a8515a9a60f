package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// The read models of the time pages: a user's week as a timesheet (days × projects) with its entries, one entry
// with the names a list shows, the running timer as the page header shows it, and the CSV export. Each runs a
// fixed number of queries whatever the number of entries, over the (organization_id, [user_id,] started_at)
// indexes of time_entries, so its cost follows the length of the range rather than the history.

// TimeLine is a time entry with the names shown next to it.
type TimeLine struct {
	TimeEntry
	UserName      string  `db:"user_name"`
	ProjectName   *string `db:"project_name"`
	ProjectColor  *string `db:"project_color"`
	TaskTitle     *string `db:"task_title"`
	InvoiceNumber *string `db:"invoice_number"`
	// Rate is the rate billing uses, in cents per hour: the entry's, else the project's, else its client's; 0 when
	// none is set.
	Rate int64 `db:"rate"`
	// Currency is the organization's, which Rate is written in.
	Currency string `db:"currency"`
}

const timeLineSelect = `
	SELECT te.id, te.organization_id, te.user_id, te.project_id, te.task_id, te.description, te.started_at,
		te.stopped_at, te.duration_seconds, te.billable, te.hourly_rate, te.invoice_id, te.created_at, te.updated_at,
		u.name AS user_name, p.name AS project_name, p.color AS project_color, t.title AS task_title,
		i.number AS invoice_number, coalesce(te.hourly_rate, p.hourly_rate, c.hourly_rate, 0) AS rate,
		o.currency
	FROM time_entries te
	JOIN users u ON u.id = te.user_id
	JOIN organizations o ON o.id = te.organization_id
	LEFT JOIN projects p ON p.id = te.project_id
	LEFT JOIN clients c ON c.id = p.client_id
	LEFT JOIN tasks t ON t.id = te.task_id
	LEFT JOIN invoices i ON i.id = te.invoice_id`

// RunningTimerLine is the caller's running timer with its project and task names, or nil when none runs: what the
// header of every page shows.
func (s *Store) RunningTimerLine(ctx context.Context, a Actor) (*TimeLine, error) {
	var rows []TimeLine
	// Prepared: every page's chrome runs it (PageChrome).
	err := s.selectPrepared(ctx, &rows, timeLineSelect+`
		WHERE te.user_id = $1 AND te.organization_id = $2 AND te.stopped_at IS NULL`, a.UserID, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("running timer: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil // no timer is a normal answer, not a missing thing
	}
	s.presentTimeEntry(&rows[0].TimeEntry)
	return &rows[0], nil
}

// StopRunningTimer stops the caller's running timer, whichever it is; without one it is a conflict.
func (s *Store) StopRunningTimer(ctx context.Context, a Actor) (TimeEntry, error) {
	cur, err := s.RunningTimer(ctx, a)
	if err != nil {
		return TimeEntry{}, err
	}
	if cur == nil {
		return TimeEntry{}, conflict("no timer is running")
	}
	return s.StopTimer(ctx, a, cur.ID)
}

// TimeLine reads one entry with its names: the caller's own, or any in the organization for owners and admins.
func (s *Store) TimeLine(ctx context.Context, a Actor, id string) (TimeLine, error) {
	return s.timeLine(ctx, s.db, a, id)
}

func (s *Store) timeLine(ctx context.Context, q sqlx.QueryerContext, a Actor, id string) (TimeLine, error) {
	var l TimeLine
	if !validID(id) {
		return l, fmt.Errorf("time entry: %w", ErrNotFound)
	}
	if err := sqlx.GetContext(ctx, q, &l, timeLineSelect+` WHERE te.id = $1 AND te.organization_id = $2`, id, a.OrgID); err != nil {
		return l, notFoundIfNoRows(err, "time entry")
	}
	// Members never learn of other members' entries.
	if l.UserID != a.UserID && !a.Permissions().ManageAllTime {
		return TimeLine{}, fmt.Errorf("time entry: %w", ErrNotFound)
	}
	s.presentTimeEntry(&l.TimeEntry)
	return l, nil
}

// TimeProject is a project as the time pickers and filters offer it.
type TimeProject struct {
	ID       string `db:"id"`
	Name     string `db:"name"`
	Color    string `db:"color"`
	Status   string `db:"status"`
	Billable bool   `db:"billable"`
	// ClientName is the name of the project's client; "" for none.
	ClientName string `db:"client_name"`
}

// TimeTask is a task as the time pickers offer it.
type TimeTask struct {
	ID        string `db:"id"`
	ProjectID string `db:"project_id"`
	Title     string `db:"title"`
	Completed bool   `db:"completed"`
}

// TimeEntryEdit is an entry with the choices its edit form offers.
type TimeEntryEdit struct {
	Line     TimeLine
	Projects []TimeProject // the projects the actor can see, archived ones included
	Tasks    []TimeTask    // the open tasks of the entry's project, plus the entry's own task
}

// TimeEntryEdit reads an entry for its edit form, for anyone who may read it.
func (s *Store) TimeEntryEdit(ctx context.Context, a Actor, id string) (TimeEntryEdit, error) {
	var out TimeEntryEdit
	l, err := s.TimeLine(ctx, a, id)
	if err != nil {
		return out, err
	}
	out.Line = l
	if out.Projects, err = s.timeProjects(ctx, a); err != nil {
		return out, err
	}
	out.Tasks = []TimeTask{}
	if l.ProjectID != nil {
		taskID := ""
		if l.TaskID != nil {
			taskID = *l.TaskID
		}
		if out.Tasks, err = s.TimeTasks(ctx, a, *l.ProjectID, taskID); err != nil {
			return out, err
		}
	}
	return out, nil
}

// timeProjects lists the projects the actor can see, by name.
func (s *Store) timeProjects(ctx context.Context, a Actor) ([]TimeProject, error) {
	q := newQuery("p.organization_id = $1", a.OrgID)
	visibleProjectsCond(q, a, "p.id")
	out := []TimeProject{}
	err := s.db.SelectContext(ctx, &out, `SELECT p.id, p.name, p.color, p.status, p.billable, coalesce(c.name, '') AS client_name
		FROM projects p LEFT JOIN clients c ON c.id = p.client_id WHERE `+q.cond()+`
		ORDER BY lower(p.name), p.id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("time projects: %w", err)
	}
	return out, nil
}

// maxTimeTasks bounds a task picker; a project with more open tasks offers the most recently updated ones.
const maxTimeTasks = 500

// maxTaskSearch bounds what a task picker may search for.
const maxTaskSearch = 200

// TimeTasks lists the tasks time can be tracked on in a project the actor can see: its open tasks, plus keepID
// (the task an entry already has) even when completed. A project the actor cannot see has none.
func (s *Store) TimeTasks(ctx context.Context, a Actor, projectID, keepID string) ([]TimeTask, error) {
	return s.timeTasks(ctx, a, projectID, keepID, "")
}

// TimeTasksMatching is TimeTasks narrowed to the open tasks whose title or short reference (KEY-123) contains
// search, for a task picker that asks as one types; an empty search is TimeTasks.
func (s *Store) TimeTasksMatching(ctx context.Context, a Actor, projectID, search string) ([]TimeTask, error) {
	return s.timeTasks(ctx, a, projectID, "", search)
}

func (s *Store) timeTasks(ctx context.Context, a Actor, projectID, keepID, search string) ([]TimeTask, error) {
	out := []TimeTask{}
	if !validID(projectID) {
		return out, nil
	}
	if keepID != "" && !validID(keepID) {
		keepID = ""
	}
	q := newQuery("t.organization_id = $1", a.OrgID)
	q.where("t.project_id = ?", projectID)
	visibleProjectsCond(q, a, "t.project_id")
	if len(search) > maxTaskSearch {
		return nil, Invalid("q", fmt.Sprintf("a search is at most %d characters", maxTaskSearch))
	}
	if search = strings.TrimSpace(search); search != "" {
		like := "%" + escapeLike(search) + "%"
		q.where("(t.title ILIKE ? OR (SELECT p.key FROM projects p WHERE p.id = t.project_id) || '-' || t.number ILIKE ?)", like, like)
	}
	keep := q.arg(keepID)
	err := s.db.SelectContext(ctx, &out, `
		SELECT id, project_id, title, completed FROM (
			SELECT t.id, t.project_id, t.title, t.completed_at IS NOT NULL AS completed, t.updated_at
			FROM tasks t
			WHERE `+q.cond()+` AND (t.completed_at IS NULL OR t.id::text = `+keep+`)
			ORDER BY t.id::text = `+keep+` DESC, t.updated_at DESC
			LIMIT `+strconv.Itoa(maxTimeTasks)+`
		) picked ORDER BY lower(title), id`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("time tasks: %w", err)
	}
	return out, nil
}

// TimeWeekFilter is the query of the time page. Values are as they come from a query string.
type TimeWeekFilter struct {
	Week      string // an ISO week, 2026-W48
	Start     string // or any day of the week, YYYY-MM-DD; neither: the current week in the caller's timezone
	UserID    string // owners and admins: a member's id, or TimeAllUsers; default the caller
	ProjectID string // a project id, or TimeNoProject for entries without one
	Billable  string // "true" or "false"
}

// Special values of TimeWeekFilter.
const (
	TimeAllUsers  = "all"
	TimeNoProject = "none"
)

// TimeWeekRow is one project's line of a weekly timesheet; ProjectID is nil for the time without a project.
type TimeWeekRow struct {
	ProjectID *string
	Name      string
	Color     string
	Seconds   [7]int64 // Monday to Sunday
	Total     int64
}

// TimeWeek is a week of tracked time: the timesheet grid (stopped entries only: a running timer has no duration
// yet), the entries started that week, newest first, and the choices the page's filters and forms offer.
type TimeWeek struct {
	Monday    Date // the first day, in the caller's timezone
	Today     Date // today in the caller's timezone
	Location  *time.Location
	UserID    string // whose time the week shows; empty for everyone's
	Rows      []TimeWeekRow
	DayTotals [7]int64
	Total     int64
	Entries   []TimeLine
	Truncated bool          // more than MaxWeekEntries entries matched; only the newest are listed
	Projects  []TimeProject // the projects the actor can see, archived ones included, by name
	Members   []Person      // owners and admins: the organization's active members, by name
}

// MaxWeekEntries bounds the entries a week lists; the CSV export has them all.
const MaxWeekEntries = 500

var isoWeekPattern = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)

// ParseISOWeek reads 2026-W48 as the Monday of that ISO week (midnight UTC).
func ParseISOWeek(s string) (time.Time, bool) {
	m := isoWeekPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return time.Time{}, false
	}
	year, _ := strconv.Atoi(m[1])
	week, _ := strconv.Atoi(m[2])
	// 4 January is always in week 1.
	jan4 := time.Date(year, time.January, 4, 0, 0, 0, 0, time.UTC)
	monday := MondayOf(jan4).AddDate(0, 0, (week-1)*7)
	if y, w := monday.ISOWeek(); week < 1 || y != year || w != week {
		return time.Time{}, false
	}
	return monday, true
}

// MondayOf is the Monday of the ISO week of a calendar day (midnight UTC).
func MondayOf(day time.Time) time.Time {
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// ISOWeekString writes the ISO week of a day as 2026-W48.
func ISOWeekString(day time.Time) string {
	y, w := day.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// timeScope is the validated part of a time page or export query common to both.
type timeScope struct {
	q      *query
	userID string
	loc    *time.Location
}

// newTimeScope starts the WHERE clause over time_entries te: the organization, whose time (members only their
// own: asking for someone else's is forbidden), the project and the billable flag.
func (s *Store) newTimeScope(ctx context.Context, a Actor, v *validator, f TimeWeekFilter) (timeScope, error) {
	sc := timeScope{q: newQuery("te.organization_id = $1", a.OrgID), userID: a.UserID}
	switch u := strings.TrimSpace(f.UserID); {
	case u == "" || u == a.UserID:
	case !a.Permissions().ManageAllTime:
		return sc, forbidden("members can only see their own time entries")
	case u == TimeAllUsers:
		sc.userID = ""
	case !validID(u):
		v.add("user_id", "user_id must be a member of the organization")
	default:
		sc.userID = u
	}
	if sc.userID != "" {
		sc.q.where("te.user_id = ?", sc.userID)
	}
	switch p := strings.TrimSpace(f.ProjectID); {
	case p == "":
	case p == TimeNoProject:
		sc.q.where("te.project_id IS NULL")
	case validID(p):
		sc.q.where("te.project_id = ?", p)
	default:
		v.add("project_id", "project_id must be a project you can see")
	}
	switch f.Billable {
	case "":
	case "true":
		sc.q.where("te.billable")
	case "false":
		sc.q.where("NOT te.billable")
	default:
		v.add("billable", "billable must be true or false")
	}
	loc, err := s.userLocation(ctx, a.UserID)
	sc.loc = loc
	return sc, err
}

// weekMonday resolves the week of a filter in loc: an ISO week, the week of a day, or the current week.
func (s *Store) weekMonday(v *validator, f TimeWeekFilter, loc *time.Location) time.Time {
	switch {
	case strings.TrimSpace(f.Week) != "":
		m, ok := ParseISOWeek(f.Week)
		v.check(ok, "week", "week must be an ISO week such as 2026-W48")
		if ok {
			return m
		}
	case strings.TrimSpace(f.Start) != "":
		d, err := time.Parse(time.DateOnly, strings.TrimSpace(f.Start))
		v.check(err == nil, "start", "start must be a date (YYYY-MM-DD)")
		if err == nil {
			return MondayOf(d)
		}
	}
	return MondayOf(dayIn(s.now(), loc))
}

// localMidnight is the instant a calendar day (midnight UTC) starts in loc.
func localMidnight(day time.Time, loc *time.Location) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc)
}

// TimeWeek reads a week of the caller's time (owners and admins: a member's, or everyone's) for the time page.
// An entry belongs to the day, in the caller's timezone, on which it started.
func (s *Store) TimeWeek(ctx context.Context, a Actor, f TimeWeekFilter) (TimeWeek, error) {
	var v validator
	sc, err := s.newTimeScope(ctx, a, &v, f)
	if err != nil {
		return TimeWeek{}, err
	}
	monday := s.weekMonday(&v, f, sc.loc)
	if err := v.err(); err != nil {
		return TimeWeek{}, err
	}
	w := TimeWeek{Monday: Date{monday}, Today: Date{dayIn(s.now(), sc.loc)}, Location: sc.loc, UserID: sc.userID,
		Rows: []TimeWeekRow{}, Entries: []TimeLine{}, Members: []Person{}}
	q := sc.q
	q.where("te.started_at >= ?", localMidnight(monday, sc.loc))
	q.where("te.started_at < ?", localMidnight(monday.AddDate(0, 0, 7), sc.loc))

	// The entries, newest first, running timers included.
	err = s.db.SelectContext(ctx, &w.Entries, timeLineSelect+` WHERE `+q.cond()+`
		ORDER BY te.started_at DESC, te.id LIMIT `+strconv.Itoa(MaxWeekEntries+1), q.args...)
	if err != nil {
		return w, fmt.Errorf("time week entries: %w", err)
	}
	if len(w.Entries) > MaxWeekEntries {
		w.Entries, w.Truncated = w.Entries[:MaxWeekEntries], true
	}
	for i := range w.Entries {
		s.presentTimeEntry(&w.Entries[i].TimeEntry)
	}

	// The grid: seconds per project and ISO day of week, summed in PostgreSQL.
	var cells []struct {
		ProjectID *string `db:"project_id"`
		Name      *string `db:"name"`
		Color     *string `db:"color"`
		Day       int     `db:"day"`
		Seconds   int64   `db:"seconds"`
	}
	tz := q.arg(sc.loc.String())
	err = s.db.SelectContext(ctx, &cells, `
		SELECT te.project_id, p.name, p.color,
			extract(isodow FROM te.started_at AT TIME ZONE `+tz+`)::int AS day, sum(te.duration_seconds)::bigint AS seconds
		FROM time_entries te LEFT JOIN projects p ON p.id = te.project_id
		WHERE `+q.cond()+` AND te.stopped_at IS NOT NULL
		GROUP BY te.project_id, p.name, p.color, 4
		ORDER BY p.name IS NULL, lower(p.name), te.project_id, 4`, q.args...)
	if err != nil {
		return w, fmt.Errorf("time week: %w", err)
	}
	for _, c := range cells {
		if n := len(w.Rows); n == 0 || !sameID(w.Rows[n-1].ProjectID, c.ProjectID) {
			row := TimeWeekRow{ProjectID: c.ProjectID, Name: "No project", Color: ""}
			if c.Name != nil {
				row.Name, row.Color = *c.Name, *c.Color
			}
			w.Rows = append(w.Rows, row)
		}
		row := &w.Rows[len(w.Rows)-1]
		row.Seconds[c.Day-1] += c.Seconds
		row.Total += c.Seconds
		w.DayTotals[c.Day-1] += c.Seconds
		w.Total += c.Seconds
	}

	if w.Projects, err = s.timeProjects(ctx, a); err != nil {
		return w, err
	}
	if a.Permissions().ManageAllTime {
		err = s.db.SelectContext(ctx, &w.Members, `
			SELECT u.id AS user_id, u.name, u.email, u.avatar_key FROM members m JOIN users u ON u.id = m.user_id
			WHERE m.organization_id = $1 AND m.status = 'active' ORDER BY lower(u.name), u.id`, a.OrgID)
		if err != nil {
			return w, fmt.Errorf("time week members: %w", err)
		}
	}
	return w, nil
}

// TimeExportFilter is a TimeWeekFilter, or an explicit range of days: From and To, inclusive calendar days in the
// caller's timezone, replace the week when either is given.
type TimeExportFilter struct {
	TimeWeekFilter
	From, To string
}

// ExportTimeEntries streams the entries of a week (or a range) with their names to fn, oldest first, as they
// are read: an export of years of entries holds one row in memory at a time. The permissions and filters are
// those of TimeWeek.
func (s *Store) ExportTimeEntries(ctx context.Context, a Actor, f TimeExportFilter, fn func(TimeLine) error) error {
	var v validator
	sc, err := s.newTimeScope(ctx, a, &v, f.TimeWeekFilter)
	if err != nil {
		return err
	}
	q := sc.q
	if strings.TrimSpace(f.From) != "" || strings.TrimSpace(f.To) != "" {
		from, to := parseRange(&v, strings.TrimSpace(f.From), strings.TrimSpace(f.To), sc.loc)
		if !from.IsZero() {
			q.where("te.started_at >= ?", from)
		}
		if !to.IsZero() {
			q.where("te.started_at < ?", to)
		}
	} else {
		monday := s.weekMonday(&v, f.TimeWeekFilter, sc.loc)
		q.where("te.started_at >= ?", localMidnight(monday, sc.loc))
		q.where("te.started_at < ?", localMidnight(monday.AddDate(0, 0, 7), sc.loc))
	}
	if err := v.err(); err != nil {
		return err
	}
	rows, err := s.db.QueryxContext(ctx, timeLineSelect+` WHERE `+q.cond()+` ORDER BY te.started_at, te.id`, q.args...)
	if err != nil {
		return fmt.Errorf("export time entries: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l TimeLine
		if err := rows.StructScan(&l); err != nil {
			return fmt.Errorf("export time entries: %w", err)
		}
		s.presentTimeEntry(&l.TimeEntry)
		if err := fn(l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export time entries: %w", err)
	}
	return nil
}
