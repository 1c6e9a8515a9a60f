package store

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// Field validation shared by create and update; each returns the normalized value.

func validateTaskTitle(v *validator, title string) string {
	title = strings.TrimSpace(title)
	v.check(title != "", "title", "title is required")
	v.check(utf8.RuneCountInString(title) <= MaxTaskTitle, "title", fmt.Sprintf("title must be at most %d characters", MaxTaskTitle))
	return title
}

func validateTaskDescription(v *validator, d string) {
	v.check(utf8.RuneCountInString(d) <= MaxTaskDescription, "description",
		fmt.Sprintf("description must be at most %d characters", MaxTaskDescription))
}

func validatePriority(v *validator, p string) {
	v.check(vocab.Priorities.Has(p), "priority", "priority must be one of low, medium, high, urgent")
}

func validateComplexity(v *validator, c *int) {
	if c != nil {
		v.check(vocab.IsComplexity(*c), "complexity", "complexity must be one of 1, 2, 3, 5, 8")
	}
}

func validateProgress(v *validator, p *int) {
	if p != nil {
		v.check(*p >= 0 && *p <= 100, "progress", "progress must be between 0 and 100")
	}
}

func validateEstimate(v *validator, h *float64) {
	if h != nil {
		v.check(*h >= 0 && *h <= maxEstimatedHours, "estimated_hours",
			fmt.Sprintf("estimated_hours must be between 0 and %d", maxEstimatedHours))
	}
}

func validateOptionalID(v *validator, field string, id *string) {
	if id != nil {
		v.check(validID(*id), field, field+" must be a valid id")
	}
}

// parseDateField reads an optional YYYY-MM-DD field.
func parseDateField(v *validator, field string, s *string) *Date {
	if s == nil {
		return nil
	}
	d, err := ParseDate(*s)
	if err != nil {
		v.add(field, field+" must be a date (YYYY-MM-DD)")
		return nil
	}
	return &d
}

// checkDateOrder applies the reference's rule to the pair a task ends up with.
func checkDateOrder(v *validator, start, due *Date) {
	if start != nil && due != nil && start.After(due.Time) {
		v.add("start_date", "start_date must be on or before due_date")
	}
}

// normalizeLabelIDs drops duplicates and reports ids that are not UUIDs.
func normalizeLabelIDs(v *validator, ids []string) []string {
	out := make([]string, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !validID(id) {
			v.add("label_ids", "label_ids must be labels of the organization")
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// References a task makes to other rows, checked inside the transaction.

func checkTaskStatus(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID, code string) (statusInfo, error) {
	st, ok, err := lookupStatus(ctx, q, orgID, code)
	if err != nil {
		return st, err
	}
	v.check(ok, "status", "status must be open, in_progress, done, closed or a custom status of the organization")
	return st, nil
}

func checkAssignee(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID, userID string) error {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `
		SELECT EXISTS (SELECT 1 FROM members WHERE organization_id = $1 AND user_id = $2 AND status = 'active')`, orgID, userID)
	v.check(ok, "assignee_id", "assignee_id must be an active member of the organization")
	return err
}

func checkTaskGroup(ctx context.Context, q sqlx.QueryerContext, v *validator, projectID, groupID string) error {
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT EXISTS (SELECT 1 FROM task_groups WHERE id = $1 AND project_id = $2)`, groupID, projectID)
	v.check(ok, "group_id", "group_id must be a task group of the project")
	return err
}

func checkLabels(ctx context.Context, q sqlx.QueryerContext, v *validator, orgID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var n int
	err := sqlx.GetContext(ctx, q, &n, `SELECT count(*) FROM labels WHERE organization_id = $1 AND id = ANY($2::uuid[])`, orgID, pq.Array(ids))
	v.check(n == len(ids), "label_ids", "label_ids must be labels of the organization")
	return err
}
