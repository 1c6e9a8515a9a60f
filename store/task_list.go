package store

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/lib/pq"
)

// TaskFilter narrows GET /tasks. Values come as the query string gives them and are validated here.
type TaskFilter struct {
	ProjectID  string
	AssigneeID string
	Status     string
	Priority   string
	LabelIDs   string // comma-separated; tasks carrying any of them
	GroupID    string
	Search     string // full text over title and description, each word a prefix
	Sort       string // created_at (default), updated_at, priority, position
	Order      string // asc or desc; default desc, asc for position
	Page       Page
}

// taskSorts are the ORDER BY clauses of the sort values; %[1]s is the direction.
var taskSorts = map[string]string{
	"created_at": "t.created_at %[1]s, t.id %[1]s",
	"updated_at": "t.updated_at %[1]s, t.id %[1]s",
	"priority":   "t.priority_rank %[1]s, t.created_at DESC, t.id",
	"position":   "t.project_id, g.position %[1]s, t.position %[1]s, t.id",
}

var searchWord = regexp.MustCompile(`[\p{L}\p{N}]+`)

// prefixQuery turns free text into a tsquery matching every word as a prefix. Only letters and digits reach
// to_tsquery, so user input can never be read as tsquery syntax; ok is false when nothing searchable is left.
func prefixQuery(search string) (string, bool) {
	words := searchWord.FindAllString(strings.ToLower(search), 32)
	for i, w := range words {
		words[i] = w + ":*"
	}
	return strings.Join(words, " & "), len(words) > 0
}

// Tasks lists the tasks of the projects the actor can see.
func (s *Store) Tasks(ctx context.Context, a Actor, f TaskFilter) (List[Task], error) {
	l, err := taskListRead(a, f)
	if err != nil {
		return List[Task]{}, err
	}
	out := List[Task]{Page: f.Page.Number(), PerPage: f.Page.Size(), Items: []Task{}}
	// The total and the page are independent reads, run side by side on two connections: the call waits for the
	// slower of them rather than their sum. The count is often the costlier (a search across every project
	// rechecks each match; docs/PERFORMANCE.md). Both are prepared: their text depends only on which filters
	// are present and the sort, and planning was a large part of their cost (docs/PERFORMANCE.md, "Throughput").
	counted := make(chan error, 1)
	go func() { counted <- s.getPrepared(ctx, &out.Total, l.count, l.countArgs...) }()
	page, args := l.page(`SELECT ` + taskColumns + `, ` + taskLabelIDs)
	var rows []taskRow
	err = s.selectPrepared(ctx, &rows, page, args...)
	for _, r := range rows {
		out.Items = append(out.Items, r.task())
	}
	if countErr := <-counted; err == nil && countErr != nil {
		err = countErr
	}
	if err != nil {
		return out, fmt.Errorf("tasks: %w", err)
	}
	return out, nil
}

// taskList is the read of a task list: which tasks, in which order, and how to count them.
type taskList struct {
	q             *query
	count         string
	countArgs     []any
	ownArgs       bool // the count numbers its own parameters from $1 (labelLinksCount), not the page's
	from, orderBy string
	limit         int // 0: every row
	offset        int
}

// page is the statement of the list's page: selectList over its rows in order, then LIMIT as a number in the text
// and OFFSET, past the first page, as the last parameter. A LIMIT or OFFSET parameter made PostgreSQL plan the
// prepared statement on every call: a generic plan assumes they select a tenth of the rows, never looks cheaper
// than the custom ones, and is never chosen (docs/PERFORMANCE.md, "Throughput, continued … session 20"). The
// first page, the one read most, therefore has no parameter there and runs its generic plan; the page size is at
// most MaxPerPage, so it multiplies the prepared texts by the few sizes clients use.
func (l taskList) page(selectList string) (string, []any) {
	args := l.q.args[:len(l.q.args):len(l.q.args)]
	sql := selectList + ` FROM ` + l.from + ` WHERE ` + l.q.cond() + ` ORDER BY ` + l.orderBy
	if l.limit > 0 {
		sql += ` LIMIT ` + strconv.Itoa(l.limit)
	}
	if l.offset > 0 {
		args = append(args, l.offset)
		sql += fmt.Sprintf(` OFFSET $%d`, len(args))
	}
	return sql, args
}

// taskListRead validates a task filter and builds the list's read for the actor: only the projects it may see.
func taskListRead(a Actor, f TaskFilter) (taskList, error) {
	var v validator
	q := newQuery("t.organization_id = $1", a.OrgID)
	visibleProjectsCond(q, a, "t.project_id")
	var labelIDs []string
	idFilter := func(field, col, val string) {
		if val == "" {
			return
		}
		if !validID(val) {
			v.add(field, field+" must be a valid id")
			return
		}
		q.where(col+" = ?", val)
	}
	idFilter("project_id", "t.project_id", f.ProjectID)
	// The conditions so far say which projects' tasks are listed; labelLinksCount can count a list that adds
	// nothing else but labels.
	scoped := len(q.conds)
	if f.LabelIDs != "" {
		var ids []string
		for _, id := range strings.Split(f.LabelIDs, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
		for _, id := range ids {
			v.check(validID(id), "label_ids", "label_ids must be a comma-separated list of label ids")
		}
		if len(ids) > 0 {
			q.where("t.id IN (SELECT task_id FROM task_labels WHERE label_id = ANY(?::uuid[]))", pq.Array(ids))
			labelIDs = ids
		}
	}
	statusConds := 0 // the status condition, when it is the only one past the projects' (statusCount)
	if f.Status != "" {
		statusConds = 1
	}
	idFilter("assignee_id", "t.assignee_id", f.AssigneeID)
	idFilter("group_id", "t.group_id", f.GroupID)
	if f.Status != "" {
		q.where("t.status = ?", f.Status)
	}
	if f.Priority != "" {
		validatePriority(&v, f.Priority)
		q.where("t.priority = ?", f.Priority)
	}
	if strings.TrimSpace(f.Search) != "" {
		if tsq, ok := prefixQuery(f.Search); ok {
			q.where("t.search @@ to_tsquery('simple', ?)", tsq)
		} else {
			q.where("false")
		}
	}
	sort := f.Sort
	if sort == "" {
		sort = "created_at"
	}
	orderBy, ok := taskSorts[sort]
	v.check(ok, "sort", "sort must be one of created_at, updated_at, priority, position")
	dir := "DESC"
	if sort == "position" {
		dir = "ASC"
	}
	switch strings.ToLower(f.Order) {
	case "":
	case "asc":
		dir = "ASC"
	case "desc":
		dir = "DESC"
	default:
		v.add("order", "order must be asc or desc")
	}
	if err := v.err(); err != nil {
		return taskList{}, err
	}
	l := taskList{q: q, count: `SELECT count(*) FROM tasks t WHERE ` + q.cond(), countArgs: q.args, from: `tasks t`,
		orderBy: fmt.Sprintf(orderBy, dir), limit: f.Page.Size(), offset: (f.Page.Number() - 1) * f.Page.Size()}
	switch {
	case labelIDs != nil && len(q.conds) == scoped+1:
		l.count, l.countArgs = labelLinksCount(a, f.ProjectID, labelIDs)
		l.ownArgs = true
	case labelIDs == nil && len(q.conds) == scoped+statusConds:
		l.count, l.countArgs = statusCount(a, f.ProjectID, f.Status)
		l.ownArgs = true
	}
	if sort == "position" {
		l.from = `tasks t JOIN task_groups g ON g.id = t.group_id`
	}
	if f.Page.None {
		l.limit, l.offset = 0, 0 // every row
	}
	return l, nil
}

// labelLinksCount is the count of a task list filtered by labels and nothing else about the tasks, read from the
// label links alone: they carry their task's project (migration 00013), so the count reads the labels' links of
// the visible projects off one index instead of probing every visible task (docs/PERFORMANCE.md).
func labelLinksCount(a Actor, projectID string, labelIDs []string) (string, []any) {
	q := newQuery("tl.label_id = ANY($1::uuid[])", pq.Array(labelIDs))
	q.where("tl.project_id IN (SELECT id FROM projects WHERE organization_id = ?)", a.OrgID)
	if projectID != "" {
		q.where("tl.project_id = ?", projectID)
	}
	visibleProjectsCond(q, a, "tl.project_id")
	count := "count(*)" // (task_id, label_id) is the key: one label counts each task once
	if len(labelIDs) > 1 {
		count = "count(DISTINCT tl.task_id)"
	}
	return `SELECT ` + count + ` FROM task_labels tl WHERE ` + q.cond(), q.args
}

// statusCount is the count of a task list narrowed by nothing but its projects and, optionally, a status, read
// from the per-project, per-status counters that triggers keep (migration 00030): one row per visible project
// instead of an index entry per task (docs/PERFORMANCE.md). The same projects as visibleProjectsCond.
func statusCount(a Actor, projectID, status string) (string, []any) {
	q := newQuery("c.project_id IN (SELECT id FROM projects WHERE organization_id = $1)", a.OrgID)
	if projectID != "" {
		q.where("c.project_id = ?", projectID)
	}
	if status != "" {
		q.where("c.status = ?", status)
	}
	visibleProjectsCond(q, a, "c.project_id")
	return `SELECT coalesce(sum(c.tasks), 0)::bigint FROM task_status_counts c WHERE ` + q.cond(), q.args
}
