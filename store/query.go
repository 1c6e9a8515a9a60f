package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// List is one page of results.
type List[T any] struct {
	Items   []T
	Page    int
	PerPage int
	Total   int
}

// Page is a requested page; zero values take the defaults.
type Page struct {
	Num  int
	Per  int
	Bad  string // the name of a page parameter that could not be read, reported as a validation error
	None bool   // no pagination: every row
}

// Pagination defaults of DECISIONS.md.
const (
	DefaultPerPage = 25
	MaxPerPage     = 100
	// MaxPageNumber bounds page numbers so that OFFSET, and the "first item" arithmetic of the pages, can never
	// overflow; any page beyond it is past every list's data anyway, so it reads as an empty page.
	MaxPageNumber = 1_000_000_000
)

// ParsePage reads page and per_page query values; a value that is not a positive integer is invalid. Numbers
// past the bounds (however many digits) are read as the bound: a page past the data is an empty page.
func ParsePage(page, perPage string) (Page, error) {
	var p Page
	var v validator
	if page != "" {
		n, ok := parsePositive(page, MaxPageNumber)
		v.check(ok, "page", "page must be a positive integer")
		p.Num = n
	}
	if perPage != "" {
		n, ok := parsePositive(perPage, MaxPerPage)
		v.check(ok, "per_page", "per_page must be a positive integer")
		p.Per = n
	}
	return p, v.err()
}

// parsePositive reads a decimal integer of at least 1, capped at limit; ok is false for anything else.
func parsePositive(s string, limit int) (n int, ok bool) {
	s = strings.TrimPrefix(s, "+") // strconv.Atoi took a sign, so clients may send one
	if s == "" || !allDigits(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > limit {
		// Only a range error is left: all digits, too many of them.
		n = limit
	}
	return n, n >= 1
}

// Number is the 1-based page number, at most MaxPageNumber.
func (p Page) Number() int {
	return min(max(p.Num, 1), MaxPageNumber)
}

// Size is the page size, capped at MaxPerPage.
func (p Page) Size() int {
	switch {
	case p.Per < 1:
		return DefaultPerPage
	case p.Per > MaxPerPage:
		return MaxPerPage
	}
	return p.Per
}

// query builds a WHERE clause from conditions written with ? placeholders, numbering them $n as it goes.
// Column names never come from input: callers pass fixed SQL fragments and values as arguments.
type query struct {
	conds []string
	args  []any
}

func newQuery(cond string, args ...any) *query {
	q := &query{}
	q.conds = append(q.conds, cond)
	q.args = append(q.args, args...)
	return q
}

// where appends a condition; each ? becomes the next $n.
func (q *query) where(cond string, args ...any) {
	var b strings.Builder
	i := 0
	for _, r := range cond {
		if r == '?' {
			q.args = append(q.args, args[i])
			i++
			fmt.Fprintf(&b, "$%d", len(q.args))
			continue
		}
		b.WriteRune(r)
	}
	q.conds = append(q.conds, b.String())
}

// arg adds a value and returns its placeholder, for use in ORDER BY or select lists.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *query) cond() string { return strings.Join(q.conds, " AND ") }

// limit renders LIMIT/OFFSET for a page.
func (q *query) limit(p Page) string {
	if p.None {
		return ""
	}
	return fmt.Sprintf("LIMIT %d OFFSET %d", p.Size(), (p.Number()-1)*p.Size())
}

// parseRange reads inclusive from/to filters: a date means that whole calendar day in loc, a datetime is exact.
// It returns [from, to) bounds; a zero time means unbounded.
func parseRange(v *validator, from, to string, loc *time.Location) (time.Time, time.Time) {
	var f, t time.Time
	if from != "" {
		d, isDate, ok := parseDateOrTime(from, loc)
		v.check(ok, "from", "from must be a date (YYYY-MM-DD) or an RFC 3339 datetime")
		_ = isDate
		f = d
	}
	if to != "" {
		d, isDate, ok := parseDateOrTime(to, loc)
		v.check(ok, "to", "to must be a date (YYYY-MM-DD) or an RFC 3339 datetime")
		if ok && isDate {
			d = d.AddDate(0, 0, 1)
		}
		t = d
	}
	if !f.IsZero() && !t.IsZero() && !f.Before(t) {
		v.add("from", "from must be on or before to")
	}
	return f, t
}

func parseDateOrTime(s string, loc *time.Location) (t time.Time, isDate, ok bool) {
	if d, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return d, true, true
	}
	if d, err := time.Parse(time.RFC3339, s); err == nil {
		return d, false, true
	}
	return time.Time{}, false, false
}
