package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/outbound"
	"github.com/trcr/trcr/store/vocab"
)

// Outgoing webhooks of a repository's events (POST /git/webhooks): each stored git event of a kind a webhook
// subscribes to is POSTed to it as the GitEvent object, signed with the webhook's secret
// (X-TRCR-Signature: sha256=<hex HMAC-SHA256 of the body>), by the git_webhooks subscriber of the event queue, which
// retries failed deliveries with backoff.

// GitWebhook is an outgoing webhook. Secret is set only in the answer that created it, and only when TRCR made it up.
type GitWebhook struct {
	ID             string              `db:"id" json:"id"`
	OrganizationID string              `db:"organization_id" json:"organization_id"`
	RepositoryID   string              `db:"repository_id" json:"repository_id"`
	URL            string              `db:"url" json:"url"`
	Events         pq.StringArray      `db:"events" json:"events"`
	Active         bool                `db:"active" json:"active"`
	Secret         string              `db:"-" json:"secret,omitempty"`
	LastDelivery   *GitWebhookDelivery `db:"-" json:"last_delivery"`
	CreatedBy      *string             `db:"created_by" json:"created_by"`
	CreatedAt      time.Time           `db:"created_at" json:"created_at"`
	UpdatedAt      time.Time           `db:"updated_at" json:"updated_at"`
}

const gitWebhookColumns = `id, organization_id, repository_id, url, events, active, created_by, created_at, updated_at`

// GitWebhookDelivery is one attempt to deliver an event to a webhook.
type GitWebhookDelivery struct {
	WebhookID    string    `db:"webhook_id" json:"-"`
	GitEventID   string    `db:"git_event_id" json:"git_event_id"`
	DeliveryID   string    `db:"delivery_id" json:"delivery_id"`
	Status       string    `db:"status" json:"status"` // delivered or failed
	ResponseCode *int      `db:"response_code" json:"response_code"`
	DurationMS   int       `db:"duration_ms" json:"duration_ms"`
	Error        string    `db:"error" json:"error"`
	CreatedAt    time.Time `db:"created_at" json:"created_at"`
}

// GitWebhookInput registers a webhook.
type GitWebhookInput struct {
	RepositoryID string
	URL          string
	Events       []string
	Secret       *string // made up when not given
	Active       *bool   // default true
}

// Bounds of webhooks.
const (
	maxWebhookURL          = 2000
	minWebhookSecret       = 16
	maxWebhookSecret       = 255
	maxWebhookDeliveryKept = 200
	msgWebhookRepository   = "repository_id must be a repository of this organization"
)

func (in *GitWebhookInput) validate(v *validator, allowPrivate bool) {
	in.URL = strings.TrimSpace(in.URL)
	switch {
	case in.RepositoryID == "":
		v.add("repository_id", "repository_id is required")
	case !validID(in.RepositoryID):
		v.add("repository_id", msgWebhookRepository)
	}
	switch {
	case in.URL == "":
		v.add("url", "url is required")
	case len(in.URL) > maxWebhookURL || strings.ContainsRune(in.URL, 0):
		v.add("url", fmt.Sprintf("url must be at most %d characters", maxWebhookURL))
	case outbound.CheckURL(in.URL) != nil:
		v.add("url", outbound.CheckURL(in.URL).Error())
	case !allowPrivate && internalHost(in.URL):
		v.add("url", "url must not point to a loopback, private or link-local address")
	}
	if len(in.Events) == 0 {
		v.add("events", "events is required: one or more of push, pull_request, branch_created, branch_deleted")
	}
	var events []string
	for _, e := range in.Events {
		e = strings.TrimSpace(e)
		if !vocab.GitEventKinds.Has(e) {
			v.add("events", "events must be push, pull_request, branch_created or branch_deleted")
		} else if !slices.Contains(events, e) {
			events = append(events, e)
		}
	}
	in.Events = events
	if in.Secret != nil {
		n := utf8.RuneCountInString(*in.Secret)
		v.check(n >= minWebhookSecret && n <= maxWebhookSecret && !strings.ContainsRune(*in.Secret, 0), "secret",
			fmt.Sprintf("secret must be %d to %d characters", minWebhookSecret, maxWebhookSecret))
	}
}

// internalHost reports whether a URL names this machine or an internal address literally. (Names that resolve to
// one are refused when dialing; this only makes the obvious mistake a clear 400.)
func internalHost(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && !outbound.PublicAddress(ip)
}

// CreateGitWebhook registers a webhook of a repository's events. The answer shows the secret when TRCR made it up,
// and never again. Owners and admins.
func (s *Store) CreateGitWebhook(ctx context.Context, a Actor, in GitWebhookInput) (GitWebhook, error) {
	if err := require(a.Permissions().ManageGit, msgGitAdmins); err != nil {
		return GitWebhook{}, err
	}
	var v validator
	in.validate(&v, s.cfg.WebhookAllowPrivate)
	if err := v.err(); err != nil {
		return GitWebhook{}, err
	}
	secret, shown := newGitSecret(), true
	if in.Secret != nil {
		secret, shown = *in.Secret, false
	}
	active := in.Active == nil || *in.Active
	var w GitWebhook
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := getGitRepository(ctx, tx, a.OrgID, in.RepositoryID, false); err != nil {
			return Invalid("repository_id", msgWebhookRepository)
		}
		err := tx.GetContext(ctx, &w, `
			INSERT INTO git_webhooks (organization_id, repository_id, url, events, secret, active, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+gitWebhookColumns,
			a.OrgID, in.RepositoryID, in.URL, pq.Array(in.Events), secret, active, nilIfEmpty(a.UserID))
		if err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "git_webhook", w.ID, Changes{
			"repository_id": {To: w.RepositoryID}, "url": {To: w.URL}, "events": {To: []string(w.Events)}, "active": {To: w.Active},
		})
	})
	if err != nil {
		return GitWebhook{}, fmt.Errorf("create git webhook: %w", err)
	}
	if shown {
		w.Secret = secret
	}
	return w, nil
}

// GitWebhooks lists the organization's webhooks (of one repository when repositoryID is set), each with its
// last delivery. Owners and admins.
func (s *Store) GitWebhooks(ctx context.Context, a Actor, repositoryID string) ([]GitWebhook, error) {
	if err := require(a.Permissions().ManageGit, msgGitAdmins); err != nil {
		return nil, err
	}
	if repositoryID != "" && !validID(repositoryID) {
		return nil, Invalid("repository_id", msgWebhookRepository)
	}
	return listGitWebhooks(ctx, s.db, a.OrgID, repositoryID)
}

func listGitWebhooks(ctx context.Context, q sqlx.QueryerContext, orgID, repositoryID string) ([]GitWebhook, error) {
	out := []GitWebhook{}
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+gitWebhookColumns+` FROM git_webhooks
		WHERE organization_id = $1 AND ($2 = '' OR repository_id = $2::uuid) ORDER BY created_at, id`, orgID, repositoryID)
	if err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, w := range out {
		ids[i] = w.ID
	}
	var last []GitWebhookDelivery
	err = sqlx.SelectContext(ctx, q, &last, `
		SELECT d.webhook_id, d.git_event_id, d.delivery_id, d.status, d.response_code, d.duration_ms, d.error, d.created_at
		FROM unnest($1::uuid[]) AS w(id) CROSS JOIN LATERAL (
			SELECT * FROM git_webhook_deliveries WHERE webhook_id = w.id ORDER BY id DESC LIMIT 1) d`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("git webhook deliveries: %w", err)
	}
	for i := range last {
		for j := range out {
			if out[j].ID == last[i].WebhookID {
				out[j].LastDelivery = &last[i]
			}
		}
	}
	return out, nil
}

// DeleteGitWebhook removes a webhook; deliveries still due for it are dropped. Owners and admins.
func (s *Store) DeleteGitWebhook(ctx context.Context, a Actor, id string) error {
	if err := require(a.Permissions().ManageGit, msgGitAdmins); err != nil {
		return err
	}
	if !validID(id) {
		return fmt.Errorf("git webhook: %w", ErrNotFound)
	}
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		var w GitWebhook
		err := tx.GetContext(ctx, &w, `DELETE FROM git_webhooks WHERE id = $1 AND organization_id = $2 RETURNING `+gitWebhookColumns,
			id, a.OrgID)
		if err != nil {
			return notFoundIfNoRows(err, "git webhook")
		}
		return audit(ctx, tx, a, ActionDeleted, "git_webhook", id, Changes{"url": {From: w.URL}, "repository_id": {From: w.RepositoryID}})
	})
	if err != nil {
		return fmt.Errorf("delete git webhook: %w", err)
	}
	return nil
}

// gitWebhookSubscriber delivers git events to the webhooks of their repository, outside transactions: a receiver
// may take up to 10 s to answer.
func (s *Store) gitWebhookSubscriber() subscriber {
	return subscriber{
		name:    "git_webhooks",
		wants:   func(t string) bool { return t == EventGit },
		deliver: s.deliverGitEvent,
	}
}

// webhookTarget is a webhook as its delivery needs it.
type webhookTarget struct {
	ID     string         `db:"id"`
	URL    string         `db:"url"`
	Secret string         `db:"secret"`
	Events pq.StringArray `db:"events"`
}

// wants reports whether the webhook subscribes to the event.
func (w webhookTarget) wants(ev GitEvent) bool {
	return slices.Contains(w.Events, ev.Kind) || (ev.BranchCreated && slices.Contains(w.Events, vocab.GitBranchCreated))
}

// deliverGitEvent POSTs the event to each active webhook of its repository that wants it and has not had it yet.
// Each attempt is recorded; when any fails, the job fails and is retried with backoff, and the webhooks that had
// it are skipped then. X-TRCR-Delivery is the same for every attempt of one event to one webhook.
func (s *Store) deliverGitEvent(ctx context.Context, e Event) error {
	if e.EntityID == nil {
		return nil
	}
	ev, err := loadGitEvent(ctx, s.db, e.OrgID, *e.EntityID)
	if errors.Is(err, ErrNotFound) {
		return nil // the repository was disconnected meanwhile
	}
	if err != nil {
		return err
	}
	var targets []webhookTarget
	err = s.db.SelectContext(ctx, &targets, `
		SELECT w.id, w.url, w.secret, w.events FROM git_webhooks w
		WHERE w.repository_id = $1 AND w.active AND NOT EXISTS (
			SELECT 1 FROM git_webhook_deliveries d WHERE d.git_event_id = $2 AND d.webhook_id = w.id AND d.status = 'delivered')
		ORDER BY w.created_at, w.id`, ev.RepositoryID, ev.ID)
	if err != nil {
		return fmt.Errorf("git webhooks: %w", err)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	failed := 0
	for _, w := range targets {
		if !w.wants(ev) {
			continue
		}
		if ok, err := s.postGitWebhook(ctx, w, ev, body); err != nil {
			return err
		} else if !ok {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d webhook deliveries of git event %s failed", failed, ev.ID)
	}
	return nil
}

// postGitWebhook makes one attempt and records it; ok is false when the receiver did not answer 2xx. The error is
// a failure to record.
func (s *Store) postGitWebhook(ctx context.Context, w webhookTarget, ev GitEvent, body []byte) (ok bool, err error) {
	deliveryID := uuid.NewSHA1(uuid.MustParse(w.ID), []byte(ev.ID)).String()
	header := http.Header{}
	header.Set("X-TRCR-Event", ev.Kind)
	header.Set("X-TRCR-Delivery", deliveryID)
	header.Set("X-TRCR-Signature", SignWebhookBody(w.Secret, body))
	ans, postErr := s.outbound.Post(ctx, w.URL, header, body)
	d := GitWebhookDelivery{Status: "delivered", DurationMS: int(ans.Duration.Milliseconds())}
	switch {
	case postErr != nil:
		d.Status, d.Error = "failed", clip(postErr.Error(), 500)
	case ans.Status < 200 || ans.Status > 299:
		d.Status, d.Error = "failed", fmt.Sprintf("the receiver answered %d", ans.Status)
	}
	if ans.Status != 0 {
		d.ResponseCode = &ans.Status
	}
	recordCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTime)
	defer cancel()
	_, err = s.db.ExecContext(recordCtx, `
		WITH added AS (
			INSERT INTO git_webhook_deliveries (webhook_id, git_event_id, delivery_id, status, response_code, duration_ms, error)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
		)
		DELETE FROM git_webhook_deliveries WHERE webhook_id = $1 AND id <= (
			SELECT id FROM git_webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC OFFSET $8 - 1 LIMIT 1)`,
		w.ID, ev.ID, deliveryID, d.Status, d.ResponseCode, d.DurationMS, d.Error, maxWebhookDeliveryKept)
	if err != nil {
		return false, fmt.Errorf("record git webhook delivery: %w", err)
	}
	return d.Status == "delivered", nil
}

// SignWebhookBody is the X-TRCR-Signature of a body: sha256= and the hex HMAC-SHA256 of the body with the secret.
func SignWebhookBody(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}
