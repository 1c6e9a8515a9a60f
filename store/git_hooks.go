package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/vocab"
)

// A repository's inbound hook: what its provider sends, verified with the repository's secret, stored once per
// delivery, linked to the tasks it names, announced as a git.event, and, for a merged pull request that says
// "fixes TRC-123", the task moved to done (DECISIONS.md "Git").

// GitHook is a request to a repository's inbound hook, as the front end received it.
type GitHook struct {
	RepositoryID string
	Header       func(name string) string // the request's header of that name, "" when absent
	Body         []byte
}

// GitHookResult says what became of a verified request.
type GitHookResult struct {
	Status  string   `json:"status"` // accepted, ignored or duplicate (vocab.HookDeliveryStatuses)
	EventID string   `json:"event_id,omitempty"`
	Tasks   []string `json:"tasks"`  // references of the tasks it is linked to
	Closed  []string `json:"closed"` // references of the tasks it moved to done
}

// MaxGitHookBody is the largest event body read; providers send a few hundred kilobytes at most for a push of
// many commits.
const MaxGitHookBody = 5 << 20

// hookRepo is what the hook needs of its repository.
type hookRepo struct {
	ID                string  `db:"id"`
	OrgID             string  `db:"organization_id"`
	ProjectID         *string `db:"project_id"`
	Provider          string  `db:"provider"`
	FullName          string  `db:"full_name"`
	Secret            string  `db:"hook_secret"`
	CloseTasksOnMerge bool    `db:"close_tasks_on_merge"`
}

// ReceiveGitHook verifies a request to a repository's hook and acts on it. An unknown repository is ErrNotFound; a
// missing or wrong signature or token ErrUnauthorized; a verified body that is not its event's JSON ErrInvalid. A
// delivery id seen before is answered duplicate and changes nothing; an event TRCR does not use is ignored. Every
// request is kept in the repository's last deliveries, with what became of it.
func (s *Store) ReceiveGitHook(ctx context.Context, h GitHook) (GitHookResult, error) {
	var repo hookRepo
	if !validID(h.RepositoryID) {
		return GitHookResult{}, fmt.Errorf("git repository: %w", ErrNotFound)
	}
	err := s.db.GetContext(ctx, &repo, `SELECT id, organization_id, project_id, provider, full_name, hook_secret,
		close_tasks_on_merge FROM git_repositories WHERE id = $1`, h.RepositoryID)
	if err != nil {
		return GitHookResult{}, notFoundIfNoRows(err, "git repository")
	}
	event, delivery := hookEventAndDelivery(repo.Provider, h.Header, h.Body)
	if err := verifyGitHook(repo.Provider, repo.Secret, h.Header, h.Body); err != nil {
		return GitHookResult{}, s.rejectHook(ctx, repo.ID, delivery, event, err)
	}
	sum, err := parseGitPayload(repo.Provider, event, h.Body)
	if errors.Is(err, errIgnoredGitEvent) {
		return GitHookResult{Status: vocab.HookIgnored, Tasks: []string{}, Closed: []string{}},
			s.logHookDelivery(ctx, s.db, repo.ID, delivery, event, vocab.HookIgnored, "")
	}
	if err != nil {
		return GitHookResult{}, s.rejectHook(ctx, repo.ID, delivery, event, Invalid("body", err.Error()))
	}
	var res GitHookResult
	err = s.withTaskTx(ctx, func(tx *sqlx.Tx) (err error) {
		res, err = s.storeGitEvent(ctx, tx, repo, delivery, event, sum)
		return err
	})
	if err != nil {
		return GitHookResult{}, fmt.Errorf("git hook: %w", err)
	}
	return res, nil
}

// hookEventAndDelivery reads the event type and delivery id the provider sent. A request without a delivery id is
// known by its body's digest, so an identical copy of it is still a duplicate.
func hookEventAndDelivery(provider string, header func(string) string, body []byte) (event, delivery string) {
	switch provider {
	case vocab.GitHub:
		event, delivery = header("X-GitHub-Event"), header("X-GitHub-Delivery")
	case vocab.GitLab:
		// Idempotency-Key stays the same when GitLab retries a delivery; X-Gitlab-Event-UUID is older.
		event, delivery = header("X-Gitlab-Event"), firstNonEmpty(header("Idempotency-Key"), header("X-Gitlab-Event-UUID"))
	case vocab.Gitea:
		event = firstNonEmpty(header("X-Gitea-Event"), header("X-Gogs-Event"), header("X-GitHub-Event"))
		delivery = firstNonEmpty(header("X-Gitea-Delivery"), header("X-Gogs-Delivery"), header("X-GitHub-Delivery"))
	}
	if strings.TrimSpace(delivery) == "" {
		sum := sha256.Sum256(body)
		delivery = "sha256:" + hex.EncodeToString(sum[:])
	}
	return clip(strings.TrimSpace(event), 100), clip(strings.TrimSpace(delivery), 200)
}

// verifyGitHook checks the request came from the provider holding the repository's secret, in constant time:
// GitHub signs the body with HMAC-SHA256 (X-Hub-Signature-256: sha256=<hex>), Gitea too (X-Gitea-Signature: <hex>,
// and X-Hub-Signature-256 since 1.17), and GitLab sends the secret itself (X-Gitlab-Token).
func verifyGitHook(provider, secret string, header func(string) string, body []byte) *Error {
	switch provider {
	case vocab.GitHub:
		return verifyBodySignature(secret, header("X-Hub-Signature-256"), "X-Hub-Signature-256", "sha256=", body)
	case vocab.Gitea:
		if sig := header("X-Gitea-Signature"); sig != "" {
			return verifyBodySignature(secret, sig, "X-Gitea-Signature", "", body)
		}
		return verifyBodySignature(secret, header("X-Hub-Signature-256"), "X-Gitea-Signature", "sha256=", body)
	case vocab.GitLab:
		token := header("X-Gitlab-Token")
		if token == "" {
			return unauthorized("X-Gitlab-Token is missing")
		}
		// Digests of equal length, so that the comparison takes the same time whatever the token's length.
		got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(secret))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			return unauthorized("X-Gitlab-Token does not match the repository's secret")
		}
		return nil
	}
	return unauthorized("unknown provider")
}

func verifyBodySignature(secret, signature, name, prefix string, body []byte) *Error {
	if signature == "" {
		return unauthorized(name + " is missing")
	}
	hexPart, ok := strings.CutPrefix(strings.TrimSpace(signature), prefix)
	got, err := hex.DecodeString(hexPart)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	if !ok || err != nil || !hmac.Equal(got, mac.Sum(nil)) {
		return unauthorized(name + " does not match the body signed with the repository's secret")
	}
	return nil
}

// rejectHook keeps a refused request among the last deliveries and returns why it was refused.
func (s *Store) rejectHook(ctx context.Context, repoID, delivery, event string, why *Error) error {
	if err := s.logHookDelivery(ctx, s.db, repoID, delivery, event, vocab.HookRejected, why.Message); err != nil {
		return err
	}
	return why
}

// logHookDelivery keeps a request among the repository's last deliveries; older ones beyond the kept number go.
func (s *Store) logHookDelivery(ctx context.Context, q sqlx.ExecerContext, repoID, delivery, event, status, msg string) error {
	_, err := q.ExecContext(ctx, `
		WITH added AS (
			INSERT INTO git_hook_deliveries (repository_id, delivery_id, event, status, error)
			VALUES ($1, $2, $3, $4, $5) RETURNING id
		)
		DELETE FROM git_hook_deliveries WHERE repository_id = $1 AND id <= (
			SELECT id FROM git_hook_deliveries WHERE repository_id = $1 ORDER BY id DESC OFFSET $6 - 1 LIMIT 1)`,
		repoID, delivery, event, status, clip(msg, 500), maxGitDeliveriesKept)
	if err != nil {
		return fmt.Errorf("git hook delivery: %w", err)
	}
	return nil
}

// storeGitEvent writes a verified event once, links it to the tasks it names (and, for a pull request, to those its
// earlier events named), closes the tasks a merged pull request fixes, and records the git.event.
func (s *Store) storeGitEvent(ctx context.Context, tx *sqlx.Tx, repo hookRepo, delivery, event string, sum gitSummary) (GitHookResult, error) {
	res := GitHookResult{Status: vocab.HookAccepted, Tasks: []string{}, Closed: []string{}}
	raw, err := json.Marshal(sum)
	if err != nil {
		return res, err
	}
	var prNumber *int
	if sum.PullRequest != nil {
		prNumber = &sum.PullRequest.Number
	}
	var createdAt time.Time
	err = tx.QueryRowxContext(ctx, `
		INSERT INTO git_events (organization_id, repository_id, delivery_id, kind, branch, pr_number, summary)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (repository_id, delivery_id) DO NOTHING RETURNING id, created_at`,
		repo.OrgID, repo.ID, delivery, sum.Kind, sum.Branch, prNumber, raw).Scan(&res.EventID, &createdAt)
	if isNoRows(err) {
		return GitHookResult{Status: vocab.HookDuplicate, Tasks: []string{}, Closed: []string{}},
			s.logHookDelivery(ctx, tx, repo.ID, delivery, event, vocab.HookDuplicate, "delivery "+delivery+" was received before")
	}
	if err != nil {
		return res, fmt.Errorf("store git event: %w", err)
	}
	tasks, err := gitEventTasks(ctx, tx, repo, res.EventID, sum)
	if err != nil {
		return res, err
	}
	ids := make([]string, len(tasks))
	for i, t := range tasks {
		ids[i] = t.ID
		res.Tasks = append(res.Tasks, t.Reference)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO git_event_tasks (task_id, git_event_id) SELECT unnest($1::uuid[]), $2`, pq.Array(ids), res.EventID); err != nil {
		return res, fmt.Errorf("link git event: %w", err)
	}
	if res.Closed, err = s.closeFixedTasks(ctx, tx, repo, sum, tasks); err != nil {
		return res, err
	}
	ev := newGitEvent(res.EventID, repo.OrgID, repo.ID, repo.FullName, repo.Provider, delivery, sum, tasks, createdAt)
	if err := s.recordGitEvent(ctx, tx, ev); err != nil {
		return res, err
	}
	return res, s.logHookDelivery(ctx, tx, repo.ID, delivery, event, vocab.HookAccepted, "")
}

// gitEventTasks are the tasks an event names in its branch, commit messages and pull request title (and the
// closing words of its description), plus, for a pull request, the tasks its earlier events were linked to, so
// that its later state reaches them even when its title no longer names them.
func gitEventTasks(ctx context.Context, tx *sqlx.Tx, repo hookRepo, eventID string, sum gitSummary) ([]GitEventTask, error) {
	m := newMentions()
	m.scan(sum.Branch, linkOnly)
	for _, c := range sum.Commits {
		m.scan(c.Message, linkOnly)
	}
	if pr := sum.PullRequest; pr != nil {
		m.scan(pr.Title, linkClosable)
		m.scan(pr.body, closingOnly)
	}
	tasks, err := resolveMentions(ctx, tx, repo.OrgID, m)
	if err != nil || sum.PullRequest == nil {
		return tasks, err
	}
	var earlier []GitEventTask
	err = tx.SelectContext(ctx, &earlier, `
		SELECT DISTINCT t.id, t.project_id, p.key || '-' || t.number AS reference, t.title, t.completed_at IS NOT NULL AS completed
		FROM git_events e JOIN git_event_tasks l ON l.git_event_id = e.id
		JOIN tasks t ON t.id = l.task_id JOIN projects p ON p.id = t.project_id
		WHERE e.repository_id = $1 AND e.pr_number = $2 AND e.id <> $3`, repo.ID, sum.PullRequest.Number, eventID)
	if err != nil {
		return nil, fmt.Errorf("git pull request tasks: %w", err)
	}
	seen := map[string]bool{}
	for _, t := range tasks {
		seen[t.ID] = true
	}
	for _, t := range earlier {
		if !seen[t.ID] {
			tasks = append(tasks, t)
		}
	}
	return tasks, nil
}

// gitActor is who a repository's events act as: no user, with the rights of an admin, named for the repository
// in the audit log.
func gitActor(repo hookRepo) Actor {
	return Actor{OrgID: repo.OrgID, Role: RoleAdmin, UserName: vocabLabel(vocab.GitProviders, repo.Provider) + " · " + repo.FullName}
}

func vocabLabel(ts vocab.Terms, code string) string {
	if l, ok := ts.Label(code); ok {
		return l
	}
	return code
}

// closeFixedTasks moves to done, through the task use case (its audit entry, events and notifications), the tasks
// a pull request that was just merged names after a closing word, when the repository allows it.
func (s *Store) closeFixedTasks(ctx context.Context, tx *sqlx.Tx, repo hookRepo, sum gitSummary, tasks []GitEventTask) ([]string, error) {
	closed := []string{}
	pr := sum.PullRequest
	if pr == nil || !pr.mergedNow || !repo.CloseTasksOnMerge {
		return closed, nil
	}
	done := vocab.StatusDone
	for _, t := range tasks {
		if !t.Closing || t.Completed {
			continue
		}
		if _, err := s.patchTaskIn(ctx, tx, gitActor(repo), t.ID, TaskPatch{Status: &done}, nil, nil); err != nil {
			return nil, fmt.Errorf("close %s: %w", t.Reference, err)
		}
		closed = append(closed, t.Reference)
	}
	return closed, nil
}
