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

// taskJSONDoc is the API's JSON of a task row t (Task's JSON fields, in their order, as encoding/json writes them):
// the parts PostgreSQL keeps with the row (migration 00031: everything but the position, times in UTC) around its
// position, which is counted here while its group is marked stale.
var taskJSONDoc = `t.api_head || ',"position":' || (` + taskPosition + `) || ',' || t.api_tail`

// TasksJSON is Tasks written as the API's JSON by PostgreSQL, in one prepared statement: the page of tasks' stored
// JSON and the total come back as one row, and no task is scanned into Go or encoded again (docs/PERFORMANCE.md,
// "Throughput"). The same filter, permission conditions and order as Tasks; store/task_list_json_test.go keeps
// the two writing the same JSON.
func (s *Store) TasksJSON(ctx context.Context, a Actor, f TaskFilter) (JSONList[Task], error) {
	l, err := taskListRead(a, f)
	if err != nil {
		return JSONList[Task]{}, err
	}
	page, args := l.page(`SELECT ` + taskJSONDoc + ` AS doc`)
	count := l.count
	if l.ownArgs {
		// In this statement the count's parameters follow the page's.
		count = shiftParams(count, len(args))
		args = append(args, l.countArgs...)
	}
	// string_agg takes the page's rows in the order of its ORDER BY: the aggregate reads the one subquery as it
	// comes, and nothing between them reorders rows.
	var out struct {
		Total int    `db:"total"`
		Data  []byte `db:"data"`
	}
	err = s.getPrepared(ctx, &out, `SELECT (`+count+`) AS total,
		COALESCE((SELECT '[' || string_agg(t.doc, ',') || ']' FROM (`+page+`) t), '[]') AS data`, args...)
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
// same permission conditions as Task, the same JSON as TasksJSON, nothing scanned into Go or encoded again.
func (s *Store) TaskJSON(ctx context.Context, a Actor, id string) (JSONObject[Task], error) {
	if !validID(id) {
		return JSONObject[Task]{}, fmt.Errorf("task: %w", ErrNotFound)
	}
	q := newQuery("t.id = $1", id)
	q.where("t.organization_id = ?", a.OrgID)
	visibleProjectsCond(q, a, "t.project_id")
	var out JSONObject[Task]
	err := s.getPrepared(ctx, &out.Data, `SELECT `+taskJSONDoc+` FROM tasks t WHERE `+q.cond(), q.args...)
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
