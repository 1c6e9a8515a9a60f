package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
)

// JSONList is a page of a list whose items PostgreSQL wrote as the API's JSON array: T's JSON, as encoding/json
// would write it (T names the item type for the API's OpenAPI document and its readers).
type JSONList[T any] struct {
	Data    []byte // a JSON array of T
	Page    int
	PerPage int
	Total   int
}

// jsonTime writes a timestamptz column the way encoding/json writes the time.Time lib/pq reads from it: PostgreSQL's
// JSON form (RFC 3339, the session's offset, trailing zeros of the fraction dropped) with "Z" for a zero offset.
func jsonTime(col string) string {
	return `replace(to_json(` + col + `)::text, '+00:00"', 'Z"')::json`
}

// taskJSONColumns are the columns of a task row t that make the task's JSON as the API writes it (Task's JSON
// fields, in their order) when the row is given to json_agg. estimated_hours goes through float8 as it goes
// through Go's float64: 2.50 is written 2.5.
var taskJSONColumns = `t.id, t.organization_id, t.project_id, t.number, ` + taskReference + ` AS reference, t.group_id,
	t.title, t.description, t.status, t.priority, t.assignee_id, t.reporter_id, t.start_date, t.due_date,
	t.estimated_hours::float8 AS estimated_hours, t.complexity, t.progress, ` + taskPosition + ` AS position,
	` + taskLabelIDs + `, ` + jsonTime("t.completed_at") + ` AS completed_at, ` + jsonTime("t.created_at") + ` AS created_at,
	` + jsonTime("t.updated_at") + ` AS updated_at`

// TasksJSON is Tasks written as the API's JSON by PostgreSQL, in one prepared statement: the page, its labels
// and the total come back as one row, and no task is scanned into Go or encoded again (docs/PERFORMANCE.md,
// "Throughput"). The same filter, permission conditions and order as Tasks; store/task_list_json_test.go keeps
// the two writing the same JSON.
func (s *Store) TasksJSON(ctx context.Context, a Actor, f TaskFilter) (JSONList[Task], error) {
	l, err := taskListRead(a, f)
	if err != nil {
		return JSONList[Task]{}, err
	}
	page, args := l.page(`SELECT ` + taskJSONColumns)
	count := l.count
	if l.ownArgs {
		// In this statement the count's parameters follow the page's.
		count = shiftParams(count, len(args))
		args = append(args, l.countArgs...)
	}
	// json_agg takes the page's rows in the order of its ORDER BY: the aggregate reads the one subquery as it
	// comes, and nothing between them reorders rows. It writes each row as an object of its columns, compactly.
	var out struct {
		Total int    `db:"total"`
		Data  []byte `db:"data"`
	}
	err = s.getPrepared(ctx, &out, `SELECT (`+count+`) AS total,
		COALESCE((SELECT json_agg(t) FROM (`+page+`) t), '[]') AS data`, args...)
	if err != nil {
		return JSONList[Task]{}, fmt.Errorf("tasks: %w", err)
	}
	return JSONList[Task]{Data: out.Data, Page: f.Page.Number(), PerPage: f.Page.Size(), Total: out.Total}, nil
}

// JSONObject is one T that PostgreSQL wrote as the API's JSON, as encoding/json would write it.
type JSONObject[T any] struct {
	Data []byte
}

// TaskJSON is Task written as the API's JSON by PostgreSQL, in one prepared statement (GET /api/v1/tasks/:id): the
// same permission conditions as Task, the same columns as TasksJSON, nothing scanned into Go or encoded again.
func (s *Store) TaskJSON(ctx context.Context, a Actor, id string) (JSONObject[Task], error) {
	if !validID(id) {
		return JSONObject[Task]{}, fmt.Errorf("task: %w", ErrNotFound)
	}
	q := newQuery("t.id = $1", id)
	q.where("t.organization_id = ?", a.OrgID)
	visibleProjectsCond(q, a, "t.project_id")
	var out JSONObject[Task]
	err := s.getPrepared(ctx, &out.Data, `SELECT row_to_json(t) FROM (SELECT `+taskJSONColumns+` FROM tasks t WHERE `+q.cond()+`) t`, q.args...)
	if err != nil {
		return JSONObject[Task]{}, notFoundIfNoRows(err, "task")
	}
	return out, nil
}

var paramRef = regexp.MustCompile(`\$(\d+)`)

// shiftParams renumbers a statement's parameters $n to $(n+by). Only for statements built here, whose text has
// no $ but in parameters.
func shiftParams(sql string, by int) string {
	return paramRef.ReplaceAllStringFunc(sql, func(p string) string {
		n, _ := strconv.Atoi(p[1:])
		return "$" + strconv.Itoa(n+by)
	})
}
