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
)

// ParsePage reads page and per_page query values; a value that is not a positive integer is invalid.
func ParsePage(page, perPage string) (Page, error) {
	var p Page
	var v validator
	if page != "" {
		n, err := strconv.Atoi(page)
		v.check(err == nil && n >= 1, "page", "page must be a positive integer")
		p.Num = n
	}
	if perPage != "" {
		n, err := strconv.Atoi(perPage)
		v.check(err == nil && n >= 1, "per_page", "per_page must be a positive integer")
		p.Per = n
	}
	return p, v.err()
}

// Number is the 1-based page number.
func (p Page) Number() int {
	if p.Num < 1 {
		return 1
	}
	return p.Num
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
