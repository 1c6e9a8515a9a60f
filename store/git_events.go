package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/vocab"
)

// GitEvent is a stored event of a repository as the live stream and outgoing webhooks carry it: what the provider
// sent, made common, with the tasks it is linked to.
type GitEvent struct {
	ID             string          `json:"id"`
	OrganizationID string          `json:"organization_id"`
	RepositoryID   string          `json:"repository_id"`
	Repository     string          `json:"repository"` // the repository's full name: acme/app
	Provider       string          `json:"provider"`
	Kind           string          `json:"kind"` // vocab.GitEventKinds
	DeliveryID     string          `json:"delivery_id"`
	Branch         string          `json:"branch"`
	BranchCreated  bool            `json:"branch_created"`
	Commits        []GitCommit     `json:"commits"`
	PullRequest    *GitPullRequest `json:"pull_request"`
	Sender         string          `json:"sender"`
	Tasks          []GitEventTask  `json:"tasks"`
	CreatedAt      time.Time       `json:"created_at"`
}

func newGitEvent(id, orgID, repoID, repoName, provider, delivery string, sum gitSummary, tasks []GitEventTask, at time.Time) GitEvent {
	return GitEvent{ID: id, OrganizationID: orgID, RepositoryID: repoID, Repository: repoName, Provider: provider,
		Kind: sum.Kind, DeliveryID: delivery, Branch: sum.Branch, BranchCreated: sum.BranchCreated, Commits: sum.Commits,
		PullRequest: sum.PullRequest, Sender: sum.Sender, Tasks: tasks, CreatedAt: at.UTC()}
}

// recordGitEvent announces the event to the members of the projects of its tasks, each seeing its own project's
// tasks (owners and admins when it names none). Subscribers (outgoing webhooks) work from the first copy only.
func (s *Store) recordGitEvent(ctx context.Context, tx *sqlx.Tx, ev GitEvent) error {
	system := Actor{OrgID: ev.OrganizationID}
	if len(ev.Tasks) == 0 {
		return s.record(ctx, tx, system, newEvent{Type: EventGit, To: toAdmins(), EntityType: "git_event", EntityID: ev.ID, Data: ev})
	}
	var projects []string
	byProject := map[string][]GitEventTask{}
	for _, t := range ev.Tasks {
		if _, ok := byProject[t.ProjectID]; !ok {
			projects = append(projects, t.ProjectID)
		}
		byProject[t.ProjectID] = append(byProject[t.ProjectID], t)
	}
	for i, p := range projects {
		data := ev
		data.Tasks = byProject[p]
		err := s.record(ctx, tx, system, newEvent{Type: EventGit, To: toProject(p), EntityType: "git_event", EntityID: ev.ID,
			Data: data, LiveOnly: i > 0})
		if err != nil {
			return err
		}
	}
	return nil
}

// loadGitEvent reads a stored event with all its tasks.
func loadGitEvent(ctx context.Context, q sqlx.QueryerContext, orgID, id string) (GitEvent, error) {
	var row struct {
		ID           string    `db:"id"`
		RepositoryID string    `db:"repository_id"`
		Repository   string    `db:"full_name"`
		Provider     string    `db:"provider"`
		DeliveryID   string    `db:"delivery_id"`
		Summary      []byte    `db:"summary"`
		CreatedAt    time.Time `db:"created_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `
		SELECT e.id, e.repository_id, r.full_name, r.provider, e.delivery_id, e.summary, e.created_at
		FROM git_events e JOIN git_repositories r ON r.id = e.repository_id
		WHERE e.id = $1 AND e.organization_id = $2`, id, orgID)
	if err != nil {
		return GitEvent{}, notFoundIfNoRows(err, "git event")
	}
	var sum gitSummary
	if err := json.Unmarshal(row.Summary, &sum); err != nil {
		return GitEvent{}, fmt.Errorf("git event %s: %w", id, err)
	}
	tasks := []GitEventTask{}
	err = sqlx.SelectContext(ctx, q, &tasks, `
		SELECT t.id, t.project_id, p.key || '-' || t.number AS reference, t.title, t.completed_at IS NOT NULL AS completed
		FROM git_event_tasks l JOIN tasks t ON t.id = l.task_id JOIN projects p ON p.id = t.project_id
		WHERE l.git_event_id = $1 ORDER BY p.key, t.number`, id)
	if err != nil {
		return GitEvent{}, fmt.Errorf("git event tasks: %w", err)
	}
	return newGitEvent(row.ID, orgID, row.RepositoryID, row.Repository, row.Provider, row.DeliveryID, sum, tasks, row.CreatedAt), nil
}

// TaskDevelopment is the task panel's Development section: the pull requests, branches and commits of connected
// repositories that name the task, newest first.
type TaskDevelopment struct {
	PullRequests []TaskPullRequest
	Branches     []TaskBranch
	Commits      []TaskCommit
}

// Empty reports whether nothing names the task.
func (d TaskDevelopment) Empty() bool {
	return len(d.PullRequests) == 0 && len(d.Branches) == 0 && len(d.Commits) == 0
}

// TaskPullRequest is a pull request in its latest known state.
type TaskPullRequest struct {
	GitPullRequest
	Repository string
	UpdatedAt  time.Time
}

// TaskBranch is a branch whose name names the task.
type TaskBranch struct {
	Repository string
	Name       string
	URL        string
	Deleted    bool
	UpdatedAt  time.Time
}

// TaskCommit is a commit whose message names the task.
type TaskCommit struct {
	GitCommit
	Repository string
	Branch     string
	PushedAt   time.Time
}

// Bounds of the Development section.
const (
	maxTaskGitEvents  = 200
	maxTaskGitCommits = 20
)

// taskDevelopment reads the last events linked to the task and keeps, of each pull request, its latest state; of
// each branch whose name names the task, whether it still exists; and each commit whose message names it, once.
func taskDevelopment(ctx context.Context, q sqlx.QueryerContext, t Task) (TaskDevelopment, error) {
	d := TaskDevelopment{PullRequests: []TaskPullRequest{}, Branches: []TaskBranch{}, Commits: []TaskCommit{}}
	var rows []struct {
		Summary   []byte    `db:"summary"`
		CreatedAt time.Time `db:"created_at"`
		Repo      string    `db:"full_name"`
		Provider  string    `db:"provider"`
		RepoURL   string    `db:"repo_url"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT e.summary, e.created_at, r.full_name, r.provider, r.repo_url
		FROM git_event_tasks l JOIN git_events e ON e.id = l.git_event_id JOIN git_repositories r ON r.id = e.repository_id
		WHERE l.task_id = $1 ORDER BY e.created_at DESC, e.id DESC LIMIT $2`, t.ID, maxTaskGitEvents)
	if err != nil {
		return d, fmt.Errorf("task development: %w", err)
	}
	names := func(text string) bool {
		m := newMentions()
		m.scan(text, linkOnly)
		return m.seen[t.ID] || m.seen[t.Reference]
	}
	prs, branches, commits := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range rows { // newest first: the first seen of a pull request or branch is its latest state
		var sum gitSummary
		if err := json.Unmarshal(r.Summary, &sum); err != nil {
			return d, fmt.Errorf("task development: %w", err)
		}
		if pr := sum.PullRequest; pr != nil && !prs[r.Repo+"#"+fmt.Sprint(pr.Number)] {
			prs[r.Repo+"#"+fmt.Sprint(pr.Number)] = true
			d.PullRequests = append(d.PullRequests, TaskPullRequest{GitPullRequest: *pr, Repository: r.Repo, UpdatedAt: r.CreatedAt})
		}
		if sum.Branch != "" && sum.Kind != vocab.GitPullRequest && !branches[r.Repo+":"+sum.Branch] && names(sum.Branch) {
			branches[r.Repo+":"+sum.Branch] = true
			d.Branches = append(d.Branches, TaskBranch{Repository: r.Repo, Name: sum.Branch, UpdatedAt: r.CreatedAt,
				URL: branchURL(r.Provider, r.RepoURL, sum.Branch), Deleted: sum.Kind == vocab.GitBranchDeleted})
		}
		for _, c := range slices.Backward(sum.Commits) {
			if len(d.Commits) < maxTaskGitCommits && !commits[c.SHA] && names(c.Message) {
				commits[c.SHA] = true
				d.Commits = append(d.Commits, TaskCommit{GitCommit: c, Repository: r.Repo, Branch: sum.Branch, PushedAt: r.CreatedAt})
			}
		}
	}
	return d, nil
}

// branchURL is the provider's page of a branch.
func branchURL(provider, repoURL, branch string) string {
	parts := strings.Split(branch, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	path := strings.Join(parts, "/")
	switch provider {
	case vocab.GitLab:
		return repoURL + "/-/tree/" + path
	case vocab.Gitea:
		return repoURL + "/src/branch/" + path
	}
	return repoURL + "/tree/" + path
}
