package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// TimeEntry is a span of a user's time, optionally on a project and task. A running timer has no stopped_at;
// its duration is then counted up to now.
type TimeEntry struct {
	ID              string     `db:"id" json:"id"`
	OrganizationID  string     `db:"organization_id" json:"organization_id"`
	UserID          string     `db:"user_id" json:"user_id"`
	ProjectID       *string    `db:"project_id" json:"project_id"`
	TaskID          *string    `db:"task_id" json:"task_id"`
	Description     string     `db:"description" json:"description"`
	StartedAt       time.Time  `db:"started_at" json:"started_at"`
	StoppedAt       *time.Time `db:"stopped_at" json:"stopped_at"`
	DurationSeconds int64      `db:"-" json:"duration_seconds"`
	Billable        bool       `db:"billable" json:"billable"`
	HourlyRate      *int64     `db:"hourly_rate" json:"hourly_rate"` // cents per hour
	InvoiceID       *string    `db:"invoice_id" json:"invoice_id"`
	CreatedAt       time.Time  `db:"created_at" json:"created_at"`
	UpdatedAt       time.Time  `db:"updated_at" json:"updated_at"`

	// StoredDuration is the generated column, null while running.
	StoredDuration *int64 `db:"duration_seconds" json:"-"`
}

// Running reports whether the entry is a timer that has not been stopped.
func (e TimeEntry) Running() bool { return e.StoppedAt == nil }

const timeEntryColumns = `id, organization_id, user_id, project_id, task_id, description, started_at, stopped_at,
	duration_seconds, billable, hourly_rate, invoice_id, created_at, updated_at`

// MaxTimeEntryDuration bounds entries whose times are typed in; a timer that is stopped may run longer.
const MaxTimeEntryDuration = 24 * time.Hour

// Validation messages shared by the time entry use cases.
const (
	msgProjectNotVisible = "project_id must be a project you can see"
	msgTaskNotVisible    = "task_id must be a task you can see"
	msgTaskOtherProject  = "task_id must be a task of project_id"
	msgProjectArchived   = "time cannot be tracked on an archived project"
	msgStopBeforeStart   = "stopped_at must be after started_at"
	msgTooLong           = "a time entry can last at most 24 hours"
	msgStartInFuture     = "started_at must not be in the future while the timer runs"
)

// presentTimeEntry finishes an entry read from the database: times in UTC and the duration of a running timer.
func (s *Store) presentTimeEntry(e *TimeEntry) {
	e.StartedAt = e.StartedAt.UTC()
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if e.StoppedAt != nil {
		t := e.StoppedAt.UTC()
		e.StoppedAt = &t
	}
	switch {
	case e.StoredDuration != nil:
		e.DurationSeconds = *e.StoredDuration
	default:
		e.DurationSeconds = max(0, int64(s.now().Sub(e.StartedAt)/time.Second))
	}
}

// entryTarget is the project and task an entry is tracked against, after checking them.
type entryTarget struct {
	ProjectID *string
	TaskID    *string
	// Billable is the project's billable flag, or true without a project: the default of a new entry.
	Billable bool
}

// resolveTarget checks a project and task named in a body: both must be visible to the actor (else 400, as
// they are body fields rather than path ids), the task must be of the project, and given only a task the project
// is the task's. Time is never tracked on an archived project.
func resolveTarget(ctx context.Context, q sqlx.QueryerContext, a Actor, v *validator, projectID, taskID *string) (entryTarget, error) {
	t := entryTarget{ProjectID: projectID, TaskID: taskID, Billable: true}
	if taskID != nil {
		task, err := visibleTask(ctx, q, a, *taskID, false)
		switch {
		case errors.Is(err, ErrNotFound):
			v.add("task_id", msgTaskNotVisible)
			return t, nil
		case err != nil:
			return t, err
		case projectID == nil:
			t.ProjectID = &task.ProjectID
		case *projectID != task.ProjectID:
			v.add("task_id", msgTaskOtherProject)
			return t, nil
		}
	}
	if t.ProjectID == nil {
		return t, nil
	}
	p, err := visibleProject(ctx, q, a, *t.ProjectID)
	if errors.Is(err, ErrNotFound) {
		v.add("project_id", msgProjectNotVisible)
		return t, nil
	}
	if err != nil {
		return t, err
	}
	v.check(p.Status != ProjectArchived, "project_id", msgProjectArchived)
	if err := sqlx.GetContext(ctx, q, &t.Billable, `SELECT billable FROM projects WHERE id = $1`, p.ID); err != nil {
		return t, fmt.Errorf("project billable: %w", err)
	}
	return t, nil
}

func validateEntryDescription(v *validator, d *string) string {
	if d == nil {
		return ""
	}
	out := strings.TrimSpace(*d)
	v.check(utf8.RuneCountInString(out) <= maxDescription, "description", fmt.Sprintf("description must be at most %d characters", maxDescription))
	return out
}

func validateHourlyRate(v *validator, rate *int64) {
	if rate != nil {
		v.check(*rate >= 0, "hourly_rate", "hourly_rate must be zero or more (cents per hour)")
		checkAmount(v, "hourly_rate", *rate)
	}
}

// parseEntryTime reads an RFC 3339 datetime of a body field.
func parseEntryTime(v *validator, field string, s *string) *time.Time {
	if s == nil {
		return nil
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(*s))
	if err != nil {
		v.add(field, field+" must be an RFC 3339 datetime")
		return nil
	}
	t = t.UTC().Truncate(time.Microsecond)
	return &t
}

// checkSpan validates a stopped entry's times; typed-in times may span at most MaxTimeEntryDuration.
func checkSpan(v *validator, started, stopped time.Time, typedIn bool) {
	if !stopped.After(started) {
		v.add("stopped_at", msgStopBeforeStart)
		return
	}
	v.check(!typedIn || stopped.Sub(started) <= MaxTimeEntryDuration, "stopped_at", msgTooLong)
}

func getTimeEntry(ctx context.Context, q sqlx.QueryerContext, a Actor, id string, lock bool) (TimeEntry, error) {
	var e TimeEntry
	if !validID(id) {
		return e, fmt.Errorf("time entry: %w", ErrNotFound)
	}
	query := `SELECT ` + timeEntryColumns + ` FROM time_entries WHERE id = $1 AND organization_id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	if err := sqlx.GetContext(ctx, q, &e, query, id, a.OrgID); err != nil {
		return e, notFoundIfNoRows(err, "time entry")
	}
	// Members never learn of other members' entries.
	if e.UserID != a.UserID && !a.Permissions().ManageAllTime {
		return TimeEntry{}, fmt.Errorf("time entry: %w", ErrNotFound)
	}
	return e, nil
}

// editableEntry loads an entry the actor may change (its owner, or an admin) and refuses billed ones.
func editableEntry(ctx context.Context, tx *sqlx.Tx, a Actor, id string) (TimeEntry, error) {
	e, err := getTimeEntry(ctx, tx, a, id, true)
	if err != nil {
		return e, err
	}
	if e.InvoiceID != nil {
		var number string
		if err := tx.GetContext(ctx, &number, `SELECT number FROM invoices WHERE id = $1`, *e.InvoiceID); err != nil {
			return e, fmt.Errorf("billing invoice: %w", err)
		}
		return e, conflict("the time entry is billed on invoice %s", number)
	}
	return e, nil
}

// TimeEntry reads one entry: the caller's own, or any in the organization for owners and admins.
func (s *Store) TimeEntry(ctx context.Context, a Actor, id string) (TimeEntry, error) {
	e, err := getTimeEntry(ctx, s.db, a, id, false)
	if err != nil {
		return e, err
	}
	s.presentTimeEntry(&e)
	return e, nil
}

// RunningTimer is the caller's running timer in its organization, or nil when none runs.
func (s *Store) RunningTimer(ctx context.Context, a Actor) (*TimeEntry, error) {
	var rows []TimeEntry
	err := s.db.SelectContext(ctx, &rows, `SELECT `+timeEntryColumns+` FROM time_entries
		WHERE user_id = $1 AND organization_id = $2 AND stopped_at IS NULL`, a.UserID, a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("running timer: %w", err)
	}
	if len(rows) == 0 {
		return nil, nil // no timer is a normal answer, not a missing thing
	}
	s.presentTimeEntry(&rows[0])
	return &rows[0], nil
}

// StartTimerInput starts a timer; all fields are optional.
type StartTimerInput struct {
	ProjectID   *string
	TaskID      *string
	Description *string
	Billable    *bool // defaults to the project's billable flag, true without a project
}

// StartTimer starts the caller's timer now. A user has at most one running timer, which the database
// guarantees whatever the number of concurrent starts: the loser gets a conflict.
func (s *Store) StartTimer(ctx context.Context, a Actor, in StartTimerInput) (TimeEntry, error) {
	var e TimeEntry
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var v validator
		desc := validateEntryDescription(&v, in.Description)
		target, err := resolveTarget(ctx, tx, a, &v, in.ProjectID, in.TaskID)
		if err != nil {
			return err
		}
		if err := v.err(); err != nil {
			return err
		}
		billable := target.Billable
		if in.Billable != nil {
			billable = *in.Billable
		}
		err = tx.GetContext(ctx, &e, `
			INSERT INTO time_entries (organization_id, user_id, project_id, task_id, description, started_at, billable)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+timeEntryColumns,
			a.OrgID, a.UserID, target.ProjectID, target.TaskID, desc, s.now().UTC(), billable)
		if isUniqueViolation(err, "time_entries_one_running_key") {
			return conflict("a timer is already running")
		}
		if err != nil {
			return fmt.Errorf("start timer: %w", err)
		}
		if err := audit(ctx, tx, a, ActionCreated, "time_entry", e.ID, entryCreatedChanges(e)); err != nil {
			return err
		}
		return s.recordTimer(ctx, tx, a, EventTimerStarted, e)
	})
	if err != nil {
		return TimeEntry{}, err
	}
	s.presentTimeEntry(&e)
	return e, nil
}

// recordTimer tells the timer's owner's other tabs and devices that it started or stopped.
func (s *Store) recordTimer(ctx context.Context, tx *sqlx.Tx, a Actor, typ string, e TimeEntry) error {
	s.presentTimeEntry(&e)
	return s.record(ctx, tx, a, newEvent{Type: typ, To: toUser(e.UserID), EntityType: "time_entry", EntityID: e.ID, Data: e})
}

// StopTimer stops a running timer now. Only the entry's owner stops it (admins correct others' entries with
// an update that sets stopped_at); a stopped entry is a conflict.
func (s *Store) StopTimer(ctx context.Context, a Actor, id string) (TimeEntry, error) {
	var e TimeEntry
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := getTimeEntry(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if before.UserID != a.UserID {
			return forbidden("only the owner of a timer can stop it")
		}
		if !before.Running() {
			return conflict("the time entry is already stopped")
		}
		stop := s.now().UTC()
		if stop.Before(before.StartedAt) {
			stop = before.StartedAt
		}
		err = tx.GetContext(ctx, &e, `UPDATE time_entries SET stopped_at = $2, updated_at = now()
			WHERE id = $1 RETURNING `+timeEntryColumns, before.ID, stop)
		if err != nil {
			return fmt.Errorf("stop timer: %w", err)
		}
		ch := Changes{}
		ch.set("stopped_at", nil, timeValue(e.StoppedAt))
		if err := audit(ctx, tx, a, ActionUpdated, "time_entry", e.ID, ch); err != nil {
			return err
		}
		return s.recordTimer(ctx, tx, a, EventTimerStopped, e)
	})
	if err != nil {
		return TimeEntry{}, err
	}
	s.presentTimeEntry(&e)
	return e, nil
}

// TimeEntryInput creates (manually) or updates an entry. On update nil fields are left alone; the Clear flags
// set project_id, task_id and hourly_rate to null, and ClearStoppedAt (a null stopped_at) is refused.
type TimeEntryInput struct {
	ProjectID       *string
	ClearProjectID  bool
	TaskID          *string
	ClearTaskID     bool
	Description     *string
	StartedAt       *string // RFC 3339
	StoppedAt       *string // RFC 3339
	ClearStoppedAt  bool
	Billable        *bool
	HourlyRate      *int64
	ClearHourlyRate bool
}

// CreateTimeEntry records a finished span typed in by the caller, for the caller.
func (s *Store) CreateTimeEntry(ctx context.Context, a Actor, in TimeEntryInput) (TimeEntry, error) {
	var e TimeEntry
	err := s.withTx(ctx, func(tx *sqlx.Tx) (err error) {
		e, err = createTimeEntry(ctx, tx, a, in)
		return err
	})
	if err != nil {
		return TimeEntry{}, err
	}
	s.presentTimeEntry(&e)
	return e, nil
}

// createTimeEntry is CreateTimeEntry inside the caller's transaction.
func createTimeEntry(ctx context.Context, tx *sqlx.Tx, a Actor, in TimeEntryInput) (TimeEntry, error) {
	var e TimeEntry
	var v validator
	desc := validateEntryDescription(&v, in.Description)
	started := parseEntryTime(&v, "started_at", in.StartedAt)
	stopped := parseEntryTime(&v, "stopped_at", in.StoppedAt)
	if in.StartedAt == nil {
		v.add("started_at", "started_at is required")
	}
	if in.StoppedAt == nil {
		v.add("stopped_at", "stopped_at is required")
	}
	if started != nil && stopped != nil {
		checkSpan(&v, *started, *stopped, true)
	}
	validateHourlyRate(&v, in.HourlyRate)
	target, err := resolveTarget(ctx, tx, a, &v, in.ProjectID, in.TaskID)
	if err != nil {
		return e, err
	}
	if err := v.err(); err != nil {
		return e, err
	}
	billable := target.Billable
	if in.Billable != nil {
		billable = *in.Billable
	}
	err = tx.GetContext(ctx, &e, `
			INSERT INTO time_entries (organization_id, user_id, project_id, task_id, description, started_at, stopped_at,
				billable, hourly_rate)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING `+timeEntryColumns,
		a.OrgID, a.UserID, target.ProjectID, target.TaskID, desc, *started, *stopped, billable, in.HourlyRate)
	if err != nil {
		return e, fmt.Errorf("create time entry: %w", err)
	}
	return e, audit(ctx, tx, a, ActionCreated, "time_entry", e.ID, entryCreatedChanges(e))
}

// UpdateTimeEntry changes an entry: its owner's, or any for owners and admins. Billed entries are frozen.
// Changing or clearing project_id without naming a task drops the task; naming only a task moves the entry to
// the task's project. A project or task is checked only when it changes, so an entry on a since-archived project
// can still be corrected. Setting stopped_at on a running timer stops it; stopped_at cannot be cleared.
func (s *Store) UpdateTimeEntry(ctx context.Context, a Actor, id string, in TimeEntryInput) (TimeEntry, error) {
	var e TimeEntry
	err := s.withTx(ctx, func(tx *sqlx.Tx) (err error) {
		e, err = s.updateTimeEntry(ctx, tx, a, id, in)
		return err
	})
	if err != nil {
		return TimeEntry{}, err
	}
	s.presentTimeEntry(&e)
	return e, nil
}

// updateTimeEntry is UpdateTimeEntry inside the caller's transaction.
func (s *Store) updateTimeEntry(ctx context.Context, tx *sqlx.Tx, a Actor, id string, in TimeEntryInput) (TimeEntry, error) {
	var e TimeEntry
	before, err := editableEntry(ctx, tx, a, id)
	if err != nil {
		return e, err
	}
	var v validator
	desc := before.Description
	if in.Description != nil {
		desc = validateEntryDescription(&v, in.Description)
	}
	validateHourlyRate(&v, in.HourlyRate)
	started, stopped := before.StartedAt, before.StoppedAt
	if t := parseEntryTime(&v, "started_at", in.StartedAt); t != nil {
		started = *t
	}
	if in.ClearStoppedAt {
		v.add("stopped_at", "stopped_at cannot be cleared; start a new timer instead")
	} else if t := parseEntryTime(&v, "stopped_at", in.StoppedAt); t != nil {
		stopped = t
	}
	typedIn := in.StartedAt != nil || in.StoppedAt != nil
	switch {
	case stopped != nil && typedIn:
		checkSpan(&v, started, *stopped, true)
	case stopped == nil && in.StartedAt != nil:
		v.check(!started.After(s.now()), "started_at", msgStartInFuture)
	}
	projectID, taskID, err := updatedTarget(ctx, tx, a, &v, before, in)
	if err != nil {
		return e, err
	}
	if err := v.err(); err != nil {
		return e, err
	}
	billable := before.Billable
	if in.Billable != nil {
		billable = *in.Billable
	}
	rate := before.HourlyRate
	if in.ClearHourlyRate {
		rate = nil
	} else if in.HourlyRate != nil {
		rate = in.HourlyRate
	}
	err = tx.GetContext(ctx, &e, `
			UPDATE time_entries SET project_id = $2, task_id = $3, description = $4, started_at = $5, stopped_at = $6,
				billable = $7, hourly_rate = $8, updated_at = now()
			WHERE id = $1 RETURNING `+timeEntryColumns,
		before.ID, projectID, taskID, desc, started, stopped, billable, rate)
	if err != nil {
		return e, fmt.Errorf("update time entry: %w", err)
	}
	ch := Changes{}
	ch.set("project_id", before.ProjectID, e.ProjectID)
	ch.set("task_id", before.TaskID, e.TaskID)
	ch.set("description", before.Description, e.Description)
	ch.set("started_at", timeValue(&before.StartedAt), timeValue(&e.StartedAt))
	ch.set("stopped_at", timeValue(before.StoppedAt), timeValue(e.StoppedAt))
	ch.set("billable", before.Billable, e.Billable)
	ch.set("hourly_rate", before.HourlyRate, e.HourlyRate)
	return e, audit(ctx, tx, a, ActionUpdated, "time_entry", e.ID, ch)
}

// updatedTarget works out an updated entry's project and task, checking them only when they change.
func updatedTarget(ctx context.Context, tx *sqlx.Tx, a Actor, v *validator, before TimeEntry, in TimeEntryInput) (projectID, taskID *string, err error) {
	projectID, taskID = before.ProjectID, before.TaskID
	switch {
	case in.TaskID != nil:
		if in.ClearProjectID {
			v.add("task_id", msgTaskOtherProject)
			return projectID, taskID, nil
		}
		if sameID(in.TaskID, before.TaskID) && (in.ProjectID == nil || sameID(in.ProjectID, before.ProjectID)) {
			return projectID, taskID, nil
		}
		// Naming only a task moves the entry to the task's project.
		t, err := resolveTarget(ctx, tx, a, v, in.ProjectID, in.TaskID)
		return t.ProjectID, t.TaskID, err
	case in.ClearTaskID:
		taskID = nil
	}
	switch {
	case in.ClearProjectID:
		return nil, nil, nil
	case in.ProjectID != nil && !sameID(in.ProjectID, before.ProjectID):
		// The old task belongs to the old project, so it goes with it.
		t, err := resolveTarget(ctx, tx, a, v, in.ProjectID, nil)
		return t.ProjectID, nil, err
	}
	return projectID, taskID, nil
}

func sameID(x, y *string) bool {
	if x == nil || y == nil {
		return x == nil && y == nil
	}
	return *x == *y
}

// DeleteTimeEntry removes an entry (a running one discards the timer): its owner's, or any for owners and
// admins. Billed entries cannot be deleted.
func (s *Store) DeleteTimeEntry(ctx context.Context, a Actor, id string) error {
	return s.withTx(ctx, func(tx *sqlx.Tx) error { return deleteTimeEntry(ctx, tx, a, id) })
}

// deleteTimeEntry is DeleteTimeEntry inside the caller's transaction.
func deleteTimeEntry(ctx context.Context, tx *sqlx.Tx, a Actor, id string) error {
	e, err := editableEntry(ctx, tx, a, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM time_entries WHERE id = $1`, e.ID); err != nil {
		return fmt.Errorf("delete time entry: %w", err)
	}
	return audit(ctx, tx, a, ActionDeleted, "time_entry", e.ID, Changes{
		"user_id": {From: e.UserID}, "project_id": {From: e.ProjectID}, "task_id": {From: e.TaskID},
		"description": {From: e.Description}, "started_at": {From: timeValue(&e.StartedAt)},
		"stopped_at": {From: timeValue(e.StoppedAt)},
	})
}

// TimeEntryFilter narrows GET /time-entries. Values are as they come from a query string.
type TimeEntryFilter struct {
	ProjectID string
	UserID    string
	From, To  string // dates (inclusive days in the caller's timezone) or RFC 3339 datetimes, on started_at
	Billable  string // "true" or "false"
	Running   string // "true" or "false"
	Page      Page   // Page{None: true} for every row, as a CSV export needs
}

// TimeEntries lists entries by started_at, newest first: the caller's own, or everyone's in the organization for
// owners and admins. A member asking for another user's entries is refused.
func (s *Store) TimeEntries(ctx context.Context, a Actor, f TimeEntryFilter) (List[TimeEntry], error) {
	var v validator
	q := newQuery("organization_id = $1", a.OrgID)
	if f.UserID != "" {
		switch {
		case !validID(f.UserID):
			v.add("user_id", "user_id must be a valid id")
		case f.UserID != a.UserID && !a.Permissions().ManageAllTime:
			return List[TimeEntry]{}, forbidden("members can only list their own time entries")
		default:
			q.where("user_id = ?", f.UserID)
		}
	}
	if !a.Permissions().ManageAllTime {
		q.where("user_id = ?", a.UserID)
	}
	// Conditions up to here name the organization and perhaps the user, which the counters of migration 00014 keep.
	counted := len(q.conds)
	if f.ProjectID != "" {
		if validID(f.ProjectID) {
			q.where("project_id = ?", f.ProjectID)
		} else {
			v.add("project_id", "project_id must be a valid id")
		}
	}
	boolFilter := func(field, val, ifTrue, ifFalse string) {
		switch val {
		case "":
		case "true":
			q.where(ifTrue)
		case "false":
			q.where(ifFalse)
		default:
			v.add(field, field+" must be true or false")
		}
	}
	boolFilter("billable", f.Billable, "billable", "NOT billable")
	boolFilter("running", f.Running, "stopped_at IS NULL", "stopped_at IS NOT NULL")
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return List[TimeEntry]{}, err
	}
	from, to := parseRange(&v, f.From, f.To, loc)
	if !from.IsZero() {
		q.where("started_at >= ?", from)
	}
	if !to.IsZero() {
		q.where("started_at < ?", to)
	}
	if err := v.err(); err != nil {
		return List[TimeEntry]{}, err
	}
	out := List[TimeEntry]{Page: f.Page.Number(), PerPage: f.Page.Size(), Items: []TimeEntry{}}
	count, countArgs := `SELECT count(*) FROM time_entries WHERE `+q.cond(), q.args
	if len(q.conds) == counted {
		// Narrowed by nothing but the organization and perhaps the user: the counters hold the answer, where
		// count(*) would read every entry of the organization.
		count, countArgs = `SELECT coalesce(sum(entries), 0) FROM time_entry_counts WHERE `+q.cond(), q.args
	}
	if err := s.db.GetContext(ctx, &out.Total, count, countArgs...); err != nil {
		return out, fmt.Errorf("time entries: %w", err)
	}
	err = s.db.SelectContext(ctx, &out.Items, `SELECT `+timeEntryColumns+` FROM time_entries WHERE `+q.cond()+`
		ORDER BY started_at DESC, id `+q.limit(f.Page), q.args...)
	if err != nil {
		return out, fmt.Errorf("time entries: %w", err)
	}
	if f.Page.None {
		out.Page, out.PerPage = 1, len(out.Items)
	}
	for i := range out.Items {
		s.presentTimeEntry(&out.Items[i])
	}
	return out, nil
}

func entryCreatedChanges(e TimeEntry) Changes {
	ch := Changes{
		"user_id": {To: e.UserID}, "description": {To: e.Description}, "started_at": {To: timeValue(&e.StartedAt)},
		"billable": {To: e.Billable},
	}
	if e.ProjectID != nil {
		ch["project_id"] = Change{To: *e.ProjectID}
	}
	if e.TaskID != nil {
		ch["task_id"] = Change{To: *e.TaskID}
	}
	if e.StoppedAt != nil {
		ch["stopped_at"] = Change{To: timeValue(e.StoppedAt)}
	}
	if e.HourlyRate != nil {
		ch["hourly_rate"] = Change{To: *e.HourlyRate}
	}
	return ch
}

// timeValue renders a time for audit changes, nil for none.
func timeValue(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}
