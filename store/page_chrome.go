package store

import (
	"context"
	"fmt"
)

// PageChrome is what every signed-in page shows around its content: the user's organizations and, in the
// organization the page acts in, the running timer and the count of unread notifications.
type PageChrome struct {
	Organizations       []Organization
	Timer               *TimeLine // nil when none runs, or without an actor
	UnreadNotifications int
}

// chromeOrganizations is Organizations with the unread count of the actor's organization ($2, NULL without one)
// on every row: one statement where the chrome ran two. It is computed once per statement, not per row.
const chromeOrganizations = `
	SELECT ` + orgColumns + `, m.role, (SELECT count(*) FROM notifications
		WHERE user_id = $1 AND organization_id = $2 AND read_at IS NULL) AS unread
	FROM organizations o
	JOIN members m ON m.organization_id = o.id AND m.user_id = $1 AND m.status = 'active'
	ORDER BY lower(o.name), o.id`

// PageChrome reads a page's chrome for userID; a is the actor the page acts as, nil on pages without one. Two
// prepared statements (the organizations with the unread count, and the timer), where it took three
// unprepared ones. An actor stands for an active membership, so the organizations are never empty when the
// count is asked for.
func (s *Store) PageChrome(ctx context.Context, userID string, a *Actor) (PageChrome, error) {
	var out PageChrome
	var orgID any
	if a != nil {
		orgID = a.OrgID
	}
	var rows []struct {
		Organization
		Unread int `db:"unread"`
	}
	if err := s.selectPrepared(ctx, &rows, chromeOrganizations, userID, orgID); err != nil {
		return out, fmt.Errorf("page chrome: %w", err)
	}
	out.Organizations = make([]Organization, len(rows))
	for i, r := range rows {
		out.Organizations[i] = s.presentOrg(ctx, r.Organization)
		out.UnreadNotifications = r.Unread
	}
	if a == nil {
		return out, nil
	}
	t, err := s.RunningTimerLine(ctx, *a)
	if err != nil {
		return out, err
	}
	out.Timer = t
	return out, nil
}
