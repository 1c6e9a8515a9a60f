package store

import (
	"errors"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/trcr/trcr/store/vocab"
)

// Recurrence patterns besides 5-field cron expressions (aliases kept for existing callers; new code uses vocab).
const (
	PatternDaily   = vocab.PatternDaily
	PatternWeekly  = vocab.PatternWeekly
	PatternMonthly = vocab.PatternMonthly
)

const msgBadPattern = "recurrence_pattern must be daily, weekly, monthly or a 5-field cron expression"

var errBadPattern = errors.New(msgBadPattern)

// cronParser reads the standard five fields (minute hour day-of-month month day-of-week), without descriptors
// such as @daily or a TZ= prefix, so the accepted language is exactly what the API documents.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// normalizePattern trims a pattern and lower-cases the keywords; it returns errBadPattern for anything that is
// neither a keyword nor a valid cron expression that ever fires.
func normalizePattern(pattern string) (string, error) {
	p := strings.TrimSpace(pattern)
	switch strings.ToLower(p) {
	case PatternDaily, PatternWeekly, PatternMonthly:
		return strings.ToLower(p), nil
	}
	fields := strings.Fields(p)
	if len(fields) != 5 {
		return "", errBadPattern
	}
	p = strings.Join(fields, " ")
	sched, err := cronParser.Parse(p)
	if err != nil {
		return "", errBadPattern
	}
	// A schedule such as "0 0 30 2 *" parses but never fires; the cron library gives up after five years.
	if sched.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return "", errBadPattern
	}
	return p, nil
}

// nextOccurrence is the first day strictly after from on which the pattern falls. Monthly keeps from's day of
// the month, clamped to the end of shorter months.
func nextOccurrence(pattern string, from time.Time) (time.Time, error) {
	return nextOccurrenceAnchored(pattern, from, from.Day())
}

// nextOccurrenceAnchored is nextOccurrence with the day of the month a monthly series is anchored to, so that a
// series started on the 31st goes Jan 31 → Feb 28 → Mar 31 rather than drifting to the 28th for good.
// Only the calendar date of from counts; results are midnight UTC.
func nextOccurrenceAnchored(pattern string, from time.Time, anchorDay int) (time.Time, error) {
	p, err := normalizePattern(pattern)
	if err != nil {
		return time.Time{}, err
	}
	day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	switch p {
	case PatternDaily:
		return day.AddDate(0, 0, 1), nil
	case PatternWeekly:
		return day.AddDate(0, 0, 7), nil
	case PatternMonthly:
		if anchorDay < 1 || anchorDay > 31 {
			anchorDay = day.Day()
		}
		first := time.Date(day.Year(), day.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		return first.AddDate(0, 0, min(anchorDay, daysIn(first))-1), nil
	}
	sched, err := cronParser.Parse(p)
	if err != nil {
		return time.Time{}, errBadPattern
	}
	// The first firing after the last minute of from's day falls on a later day.
	next := sched.Next(day.Add(24*time.Hour - time.Minute))
	if next.IsZero() {
		return time.Time{}, errBadPattern
	}
	return time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, time.UTC), nil
}

// daysIn is the number of days in t's month.
func daysIn(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// parseCalendarDate reads a YYYY-MM-DD date as midnight UTC.
func parseCalendarDate(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

func calendarDate(t time.Time) string { return t.Format("2006-01-02") }
