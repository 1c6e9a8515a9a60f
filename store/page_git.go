package store

import (
	"context"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// GitSettingsPage is the repositories settings page (Settings → Git): each connected repository with its hook, its
// last deliveries received and its webhooks, and the projects a repository can be linked to.
type GitSettingsPage struct {
	Repositories []GitRepositorySettings
	Projects     []ProjectChoice
}

// GitRepositorySettings is one repository as the settings page shows it.
type GitRepositorySettings struct {
	GitRepository
	ProjectName string
	Deliveries  []GitHookDelivery // newest first, at most gitPageDeliveries
	Webhooks    []GitWebhook
}

// GitHookDelivery is a request the repository's hook received.
type GitHookDelivery struct {
	RepositoryID string    `db:"repository_id"`
	DeliveryID   string    `db:"delivery_id"`
	Event        string    `db:"event"`
	Status       string    `db:"status"` // vocab.HookDeliveryStatuses
	Error        string    `db:"error"`
	ReceivedAt   time.Time `db:"received_at"`
}

// ProjectChoice is a project as a select offers it.
type ProjectChoice struct {
	ID   string `db:"id"`
	Name string `db:"name"`
	Key  string `db:"key"`
}

// gitPageDeliveries is how many of each repository's last deliveries the page shows.
const gitPageDeliveries = 10

// GitSettingsPage reads the repositories settings page. Owners and admins.
func (s *Store) GitSettingsPage(ctx context.Context, a Actor) (GitSettingsPage, error) {
	var p GitSettingsPage
	repos, err := s.GitRepositories(ctx, a)
	if err != nil {
		return p, err
	}
	p.Projects = []ProjectChoice{}
	if err := s.db.SelectContext(ctx, &p.Projects, `SELECT id, name, key FROM projects WHERE organization_id = $1
		ORDER BY lower(name), id`, a.OrgID); err != nil {
		return p, fmt.Errorf("git settings projects: %w", err)
	}
	names := map[string]string{}
	for _, pr := range p.Projects {
		names[pr.ID] = pr.Name
	}
	ids := make([]string, len(repos))
	for i, r := range repos {
		ids[i] = r.ID
	}
	var deliveries []GitHookDelivery
	err = s.db.SelectContext(ctx, &deliveries, `
		SELECT d.repository_id, d.delivery_id, d.event, d.status, d.error, d.received_at
		FROM unnest($1::uuid[]) AS r(id) CROSS JOIN LATERAL (
			SELECT * FROM git_hook_deliveries WHERE repository_id = r.id ORDER BY id DESC LIMIT $2) d
		ORDER BY d.id DESC`, pq.Array(ids), gitPageDeliveries)
	if err != nil {
		return p, fmt.Errorf("git settings deliveries: %w", err)
	}
	hooks, err := listGitWebhooks(ctx, s.db, a.OrgID, "")
	if err != nil {
		return p, err
	}
	p.Repositories = make([]GitRepositorySettings, len(repos))
	for i, r := range repos {
		rs := GitRepositorySettings{GitRepository: r, Deliveries: []GitHookDelivery{}, Webhooks: []GitWebhook{}}
		if r.ProjectID != nil {
			rs.ProjectName = names[*r.ProjectID]
		}
		for _, d := range deliveries {
			if d.RepositoryID == r.ID {
				rs.Deliveries = append(rs.Deliveries, d)
			}
		}
		for _, w := range hooks {
			if w.RepositoryID == r.ID {
				rs.Webhooks = append(rs.Webhooks, w)
			}
		}
		p.Repositories[i] = rs
	}
	return p, nil
}
