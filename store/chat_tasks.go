package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/lib/pq"
)

// taskLinkPattern finds links to a task in text: the tasks page with its panel open (TaskLink), relative or
// absolute.
var taskLinkPattern = regexp.MustCompile(`/tasks\?task=([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})`)

// TaskIDsIn lists the ids of the tasks a text links to, once each, in order.
func TaskIDsIn(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range taskLinkPattern.FindAllStringSubmatch(text, -1) {
		id := strings.ToLower(m[1])
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// TaskChip is what a chat message shows of a task it links to.
type TaskChip struct {
	ID        string `db:"id"`
	Title     string `db:"title"`
	Status    string `db:"status"`
	Completed bool   `db:"completed"`
}

// MaxTaskChips bounds the tasks looked up for one page of messages.
const MaxTaskChips = 200

// ChatTaskChips looks up the tasks that messages link to, keyed by id: only those the actor may see, so a link to
// a task of a project they are not on shows as a plain link and tells nothing of it.
func (s *Store) ChatTaskChips(ctx context.Context, a Actor, msgs []ChatMessage) (map[string]TaskChip, error) {
	out := map[string]TaskChip{}
	var ids []string
	for _, m := range msgs {
		ids = append(ids, TaskIDsIn(m.Content)...)
	}
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > MaxTaskChips {
		ids = ids[:MaxTaskChips]
	}
	q := newQuery("t.organization_id = $1", a.OrgID)
	q.where("t.id = ANY(?::uuid[])", pq.Array(ids))
	visibleProjectsCond(q, a, "t.project_id")
	var rows []TaskChip
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT t.id, t.title, t.status, t.completed_at IS NOT NULL AS completed FROM tasks t WHERE `+q.cond(), q.args...); err != nil {
		return nil, fmt.Errorf("task chips: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}
