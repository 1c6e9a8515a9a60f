package store

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/trcr/trcr/store/vocab"
)

// GitRepository is a repository connected to the organization (DECISIONS.md "Git"). Its provider sends events to
// HookURL, verified with the secret that only the answer of the connection shows (HookSecret).
type GitRepository struct {
	ID                string    `db:"id" json:"id"`
	OrganizationID    string    `db:"organization_id" json:"organization_id"`
	ProjectID         *string   `db:"project_id" json:"project_id"`
	Provider          string    `db:"provider" json:"provider"`
	RepoURL           string    `db:"repo_url" json:"repo_url"`
	FullName          string    `db:"full_name" json:"full_name"`
	CloseTasksOnMerge bool      `db:"close_tasks_on_merge" json:"close_tasks_on_merge"`
	HookURL           string    `db:"-" json:"hook_url"`
	HookSecret        string    `db:"-" json:"hook_secret,omitempty"`
	CreatedBy         *string   `db:"created_by" json:"created_by"`
	CreatedAt         time.Time `db:"created_at" json:"created_at"`
	UpdatedAt         time.Time `db:"updated_at" json:"updated_at"`
}

const gitRepositoryColumns = `id, organization_id, project_id, provider, repo_url, full_name, close_tasks_on_merge,
	created_by, created_at, updated_at`

// GitRepositoryInput connects a repository (provider and repo_url required) or changes one (project_id and
// close_tasks_on_merge; provider and repo_url cannot change).
type GitRepositoryInput struct {
	Provider          *string
	RepoURL           *string
	ProjectID         *string
	ClearProjectID    bool
	CloseTasksOnMerge *bool
}

const (
	msgGitAdmins         = "only owners and admins can manage git integration"
	msgRepoProject       = "project_id must be a project you can see"
	msgProvider          = "provider must be github, gitlab or gitea"
	maxRepoURL           = 500
	gitHookPath          = "/api/v1/git/hooks/"
	gitSecretBytes       = 32
	maxGitDeliveriesKept = 50
)

// hostedProviders are the public hosts whose provider is known.
var hostedProviders = map[string]string{"github.com": vocab.GitHub, "gitlab.com": vocab.GitLab, "gitea.com": vocab.Gitea}

// scpLikeURL is the SSH form git clones with: git@github.com:acme/app.git.
var scpLikeURL = regexp.MustCompile(`^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):([^/].*)$`)

// normalizeRepoURL checks a repository's web address for provider and returns it in one form (https://host/path,
// no trailing slash or .git, lower-case host) with its path, the repository's full name.
func normalizeRepoURL(v *validator, provider, raw string) (repoURL, fullName string) {
	raw = strings.TrimSpace(raw)
	if m := scpLikeURL.FindStringSubmatch(raw); m != nil {
		raw = "https://" + m[1] + "/" + m[2]
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Hostname() == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || len(raw) > maxRepoURL || strings.ContainsRune(raw, 0) {
		v.add("repo_url", "repo_url must be the repository's web address, such as https://github.com/acme/app")
		return "", ""
	}
	path := strings.TrimSuffix(strings.Trim(u.Path, "/"), ".git")
	segments := strings.Split(path, "/")
	for _, s := range segments {
		if s == "" || s == "." || s == ".." {
			segments = nil
			break
		}
	}
	host := strings.ToLower(u.Host)
	switch {
	case len(segments) < 2 || (provider != vocab.GitLab && len(segments) != 2):
		v.add("repo_url", "repo_url must name a repository: https://host/owner/name")
		return "", ""
	case hostedProviders[host] != "" && provider != "" && hostedProviders[host] != provider:
		v.add("provider", "provider must be "+hostedProviders[host]+" for a repository on "+host)
		return "", ""
	}
	return u.Scheme + "://" + host + "/" + path, path
}

func (in *GitRepositoryInput) validate(v *validator, creating bool) (repoURL, fullName string) {
	if creating {
		switch {
		case in.Provider == nil || strings.TrimSpace(*in.Provider) == "":
			v.add("provider", "provider is required")
		case !vocab.GitProviders.Has(strings.ToLower(strings.TrimSpace(*in.Provider))):
			v.add("provider", msgProvider)
		default:
			p := strings.ToLower(strings.TrimSpace(*in.Provider))
			in.Provider = &p
		}
		if in.RepoURL == nil || strings.TrimSpace(*in.RepoURL) == "" {
			v.add("repo_url", "repo_url is required")
		} else if in.Provider != nil && vocab.GitProviders.Has(*in.Provider) {
			repoURL, fullName = normalizeRepoURL(v, *in.Provider, *in.RepoURL)
		}
	}
	if in.ProjectID != nil && !in.ClearProjectID {
		v.check(validID(*in.ProjectID), "project_id", msgRepoProject)
	}
	return repoURL, fullName
}

// checkRepoProject validates the project a repository is linked to: one the actor can see.
func checkRepoProject(ctx context.Context, tx *sqlx.Tx, a Actor, projectID *string) error {
	if projectID == nil {
		return nil
	}
	if _, err := visibleProject(ctx, tx, a, *projectID); err != nil {
		return Invalid("project_id", msgRepoProject)
	}
	return nil
}

// hookURL is where the repository's provider sends its events.
func (s *Store) hookURL(repoID string) string {
	return strings.TrimRight(s.cfg.BaseURL, "/") + gitHookPath + repoID
}

func newGitSecret() string { return randomHex(gitSecretBytes) }

// ConnectGitRepository connects a repository and answers it with its hook URL and secret, the one time the secret
// is shown. Owners and admins.
func (s *Store) ConnectGitRepository(ctx context.Context, a Actor, in GitRepositoryInput) (GitRepository, error) {
	if err := require(a.Permissions().ManageGit, msgGitAdmins); err != nil {
		return GitRepository{}, err
	}
	var v validator
	repoURL, fullName := in.validate(&v, true)
	if err := v.err(); err != nil {
		return GitRepository{}, err
	}
	closeOnMerge := in.CloseTasksOnMerge == nil || *in.CloseTasksOnMerge
	secret := newGitSecret()
	var r GitRepository
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if err := checkRepoProject(ctx, tx, a, in.ProjectID); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &r, `
			INSERT INTO git_repositories (organization_id, project_id, provider, repo_url, full_name, hook_secret,
				close_tasks_on_merge, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING `+gitRepositoryColumns,
			a.OrgID, in.ProjectID, *in.Provider, repoURL, fullName, secret, closeOnMerge, nilIfEmpty(a.UserID))
		if isUniqueViolation(err, "git_repositories_org_url_key") {
			return conflict("this repository is already connected")
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "git_repository", r.ID, Changes{
			"provider": {To: r.Provider}, "repo_url": {To: r.RepoURL}, "project_id": {To: r.ProjectID},
			"close_tasks_on_merge": {To: r.CloseTasksOnMerge},
		})
	})
	if err != nil {
		return GitRepository{}, fmt.Errorf("connect git repository: %w", err)
	}
	r.HookURL, r.HookSecret = s.hookURL(r.ID), secret
	return r, nil
}

// GitRepositories lists the organization's repositories by name. Owners and admins.
func (s *Store) GitRepositories(ctx context.Context, a Actor) ([]GitRepository, error) {
	if err := require(a.Permissions().ManageGit, msgGitAdmins); err != nil {
		return nil, err
	}
	out, err := listGitRepositories(ctx, s.db, a.OrgID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].HookURL = s.hookURL(out[i].ID)
	}
	return out, nil
}

func listGitRepositories(ctx context.Context, q sqlx.QueryerContext, orgID string) ([]GitRepository, error) {
	out := []GitRepository{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+gitRepositoryColumns+` FROM git_repositories
		WHERE organization_id = $1 ORDER BY lower(full_name), repo_url, id`, orgID)
	if err != nil {
		return nil, fmt.Errorf("git repositories: %w", err)
	}
	return out, nil
}

// getGitRepository reads a repository of the organization; lock takes its row lock.
func getGitRepository(ctx context.Context, q sqlx.QueryerContext, orgID, id string, lock bool) (GitRepository, error) {
	var r GitRepository
	if !validID(id) {
		return r, fmt.Errorf("git repository: %w", ErrNotFound)
	}
	query := `SELECT ` + gitRepositoryColumns + ` FROM git_repositories WHERE id = $1 AND organization_id = $2`
	if lock {
		query += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &r, query, id, orgID)
	return r, notFoundIfNoRows(err, "git repository")
}

// UpdateGitRepository changes the project a repository is linked to and whether merged pull requests close tasks.
// Owners and admins.
func (s *Store) UpdateGitRepository(ctx context.Context, a Actor, id string, in GitRepositoryInput) (GitRepository, error) {
	if err := require(a.Permissions().ManageGit, msgGitAdmins); err != nil {
		return GitRepository{}, err
	}
	var v validator
	in.validate(&v, false)
	if err := v.err(); err != nil {
		return GitRepository{}, err
	}
	var r GitRepository
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, err := getGitRepository(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		r = before
		if in.ClearProjectID {
			r.ProjectID = nil
		} else if in.ProjectID != nil {
			if err := checkRepoProject(ctx, tx, a, in.ProjectID); err != nil {
				return err
			}
			r.ProjectID = in.ProjectID
		}
		if in.CloseTasksOnMerge != nil {
			r.CloseTasksOnMerge = *in.CloseTasksOnMerge
		}
		ch := Changes{}
		ch.set("project_id", before.ProjectID, r.ProjectID)
		ch.set("close_tasks_on_merge", before.CloseTasksOnMerge, r.CloseTasksOnMerge)
		if len(ch) == 0 {
			return nil
		}
		if err := tx.GetContext(ctx, &r, `
			UPDATE git_repositories SET project_id = $2, close_tasks_on_merge = $3, updated_at = now()
			WHERE id = $1 RETURNING `+gitRepositoryColumns, id, r.ProjectID, r.CloseTasksOnMerge); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionUpdated, "git_repository", id, ch)
	})
	if err != nil {
		return GitRepository{}, fmt.Errorf("update git repository: %w", err)
	}
	r.HookURL = s.hookURL(r.ID)
	return r, nil
}

// DisconnectGitRepository removes a repository with its events, deliveries and webhooks; its hook URL stops
// working. Owners and admins.
func (s *Store) DisconnectGitRepository(ctx context.Context, a Actor, id string) error {
	if err := require(a.Permissions().ManageGit, msgGitAdmins); err != nil {
		return err
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		r, err := getGitRepository(ctx, tx, a.OrgID, id, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM git_repositories WHERE id = $1`, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "git_repository", id, Changes{
			"provider": {From: r.Provider}, "repo_url": {From: r.RepoURL},
		})
	})
	if err != nil {
		return fmt.Errorf("disconnect git repository: %w", err)
	}
	return nil
}
