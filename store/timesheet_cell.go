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

// Typing hours into the week timesheet: a cell (a day of one project, the caller's own time) is set to a
// duration, and the entries under it are changed as little as possible to match. See docs/DECISIONS.md,
// "Typing hours into the timesheet".

var (
	hoursClock   = regexp.MustCompile(`^(\d{1,2}):([0-5]\d)$`)
	hoursDecimal = regexp.MustCompile(`^(\d{1,2}(?:[.,]\d{1,4})?|[.,]\d{1,4})\s*h?$`)
	hoursMinutes = regexp.MustCompile(`^(\d{1,4})\s*m(?:in)?$`)
	hoursHM      = regexp.MustCompile(`^(\d{1,2})\s*h\s*(\d{1,2})\s*m?(?:in)?$`)
)

// ParseHours reads a duration as people type it: 1:30, 1.5, 1,5, 2h, 90m or 1h 30m, rounded to the minute.
// It is the one reader of typed durations, for the timesheet cells and the entry form alike.
func ParseHours(s string) (time.Duration, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if m := hoursClock.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute, true
	}
	if m := hoursHM.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute, mi < 60
	}
	if m := hoursMinutes.FindStringSubmatch(s); m != nil {
		mi, _ := strconv.Atoi(m[1])
		return time.Duration(mi) * time.Minute, true
	}
	if m := hoursDecimal.FindStringSubmatch(s); m != nil {
		h, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64)
		return time.Duration(h * float64(time.Hour)).Round(time.Minute), err == nil
	}
	return 0, false
}

// TimesheetCellInput sets a cell of the caller's week timesheet. Values are as a form sends them.
type TimesheetCellInput struct {
	Date      string // YYYY-MM-DD, a day in the caller's timezone
	ProjectID string // a project id, or "" / TimeNoProject for the time without a project
	Hours     string // as ParseHours reads it; "" is 0
}

// timesheetCellStart is when an entry typed into an empty cell starts, in the caller's timezone.
const timesheetCellStart = 9 * time.Hour

const msgCellHours = "hours must be a duration such as 1:30, 1.5 or 90m"

// SetTimesheetCell makes the caller's stopped time on a project and day add up to the typed hours:
// an empty cell gets one entry starting at 09:00; otherwise the difference is added to or taken off the cell's
// latest entry (so a typed cell stays one entry), which is deleted when nothing is left of it. Lowering by more
// than that entry holds is refused, so no other entry is touched behind the caller's back; raising a cell whose
// latest entry is billed adds a new entry of the difference after it instead.
// Each change is one of the entry use cases (CreateTimeEntry, UpdateTimeEntry, DeleteTimeEntry), with their
// rules, audit and refusals (billed entries, archived projects), all in one transaction that holds the cell.
// It returns the cell's new total in seconds.
func (s *Store) SetTimesheetCell(ctx context.Context, a Actor, in TimesheetCellInput) (int64, error) {
	var v validator
	day, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Date))
	v.check(err == nil, "date", "date must be a date (YYYY-MM-DD)")
	var target time.Duration
	if h := strings.TrimSpace(in.Hours); h != "" {
		d, ok := ParseHours(h)
		v.check(ok, "hours", msgCellHours)
		v.check(!ok || d <= MaxTimeEntryDuration, "hours", "a day holds at most 24 hours")
		target = d
	}
	var projectID *string
	switch p := strings.TrimSpace(in.ProjectID); {
	case p == "" || p == TimeNoProject:
	case validID(p):
		projectID = &p
	default:
		v.add("project_id", msgProjectNotVisible)
	}
	if err := v.err(); err != nil {
		return 0, err
	}
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return 0, err
	}
	from := localMidnight(day, loc)
	err = s.withTx(ctx, func(tx *sqlx.Tx) error {
		entries, err := lockCell(ctx, tx, a, projectID, from, localMidnight(day.AddDate(0, 0, 1), loc))
		if err != nil {
			return err
		}
		var current time.Duration
		for _, e := range entries {
			current += e.StoppedAt.Sub(e.StartedAt)
		}
		current = current.Round(time.Second)
		switch {
		case target == current.Round(time.Minute): // the cell shows minutes: sending back what it shows changes nothing
			return nil
		case len(entries) == 0:
			return addCellEntry(ctx, tx, a, projectID, from.Add(timesheetCellStart), target)
		case target > current && entries[len(entries)-1].InvoiceID != nil:
			return addCellEntry(ctx, tx, a, projectID, *entries[len(entries)-1].StoppedAt, target-current)
		}
		return s.resizeCellEntry(ctx, tx, a, entries[len(entries)-1], target-current)
	})
	if err != nil {
		return 0, err
	}
	return int64(target / time.Second), nil
}

// lockCell reads a cell's stopped entries, oldest stop first, and holds the cell until the transaction ends.
// The advisory lock covers the empty cell too (no row to lock yet), so two typings into the same cell at once
// are applied one after the other and never both create an entry.
func lockCell(ctx context.Context, tx *sqlx.Tx, a Actor, projectID *string, from, to time.Time) ([]TimeEntry, error) {
	project := TimeNoProject
	if projectID != nil {
		project = *projectID
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
		"timesheet-cell:"+a.UserID+":"+project+":"+from.UTC().Format(time.RFC3339)); err != nil {
		return nil, fmt.Errorf("lock timesheet cell: %w", err)
	}
	q := newQuery("organization_id = $1", a.OrgID)
	q.where("user_id = ?", a.UserID)
	q.where("started_at >= ?", from)
	q.where("started_at < ?", to)
	q.where("stopped_at IS NOT NULL")
	if projectID == nil {
		q.where("project_id IS NULL")
	} else {
		q.where("project_id = ?", *projectID)
	}
	var entries []TimeEntry
	if err := tx.SelectContext(ctx, &entries, `SELECT `+timeEntryColumns+` FROM time_entries WHERE `+q.cond()+`
		ORDER BY stopped_at, id FOR UPDATE`, q.args...); err != nil {
		return nil, fmt.Errorf("timesheet cell: %w", err)
	}
	return entries, nil
}

func addCellEntry(ctx context.Context, tx *sqlx.Tx, a Actor, projectID *string, start time.Time, d time.Duration) error {
	started, stopped := start.UTC().Format(time.RFC3339), start.Add(d).UTC().Format(time.RFC3339)
	_, err := createTimeEntry(ctx, tx, a, TimeEntryInput{ProjectID: projectID, StartedAt: &started, StoppedAt: &stopped})
	return err
}

// resizeCellEntry moves the stop of the cell's latest entry by change, deleting the entry when nothing is left.
func (s *Store) resizeCellEntry(ctx context.Context, tx *sqlx.Tx, a Actor, latest TimeEntry, change time.Duration) error {
	length := latest.StoppedAt.Sub(latest.StartedAt)
	switch {
	case -change > length:
		return conflict("this day has other entries on the project; lower it by at most %s here, or edit the entries in the list",
			formatCellHours(length))
	case -change == length:
		return deleteTimeEntry(ctx, tx, a, latest.ID)
	}
	stopped := latest.StoppedAt.Add(change).UTC().Format(time.RFC3339Nano)
	_, err := s.updateTimeEntry(ctx, tx, a, latest.ID, TimeEntryInput{StoppedAt: &stopped})
	return err
}

func formatCellHours(d time.Duration) string {
	m := int64(d.Round(time.Minute) / time.Minute)
	return fmt.Sprintf("%d:%02d", m/60, m%60)
}
