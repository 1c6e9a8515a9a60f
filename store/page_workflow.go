package store

import (
	"context"
	"fmt"
)

// WorkflowPage is what the labels and statuses settings page shows.
type WorkflowPage struct {
	Labels   []Label      // by name
	Statuses []TaskStatus // the organization's custom statuses, by position
}

// WorkflowPage reads the labels and statuses page for any member; what each may change is in Permissions.
func (s *Store) WorkflowPage(ctx context.Context, a Actor) (WorkflowPage, error) {
	var p WorkflowPage
	var err error
	if p.Labels, err = s.Labels(ctx, a); err != nil {
		return WorkflowPage{}, fmt.Errorf("workflow labels: %w", err)
	}
	if p.Statuses, err = listTaskStatuses(ctx, s.db, a.OrgID); err != nil {
		return WorkflowPage{}, fmt.Errorf("workflow statuses: %w", err)
	}
	return p, nil
}
