// Package store is TRCR's domain: use cases with their permission checks, validation, invariants and SQL.
// Each exported method is one use case and runs in one transaction, writing its audit entries, notifications
// and outbox emails in that same transaction. It imports no HTTP code.
//
// Pages read through page reads: one method per page, named for it (DashboardPage, TasksPage, InvoicePage, …),
// returning one value with everything the page shows (the rule is written in the handlers package comment). A page
// read checks the actor's permission once, then reads with as few statements as it needs; where a read already
// runs part of its work on a second connection (Board), that stays. Page reads that gather several aggregates
// live in page_<area>.go (page_dashboard.go, page_tasks.go, page_invoices.go for the invoice list, form, page and
// send page, …), because they belong to none of those aggregates and a page changes for reasons of its own. They
// reuse the aggregates' readers: an exported use case where it reads just what the page needs, an unexported
// helper where the exported one would repeat a lookup or a count the page does not need (activeMembers,
// visibleProjects, allClients, listClientContacts …). The older page reads that serve mainly one aggregate stay
// beside it (Board in board_cards.go, TaskDetail in task_detail.go, TimeWeek in timesheet_week.go, ProjectForm,
// ClientForm, OrganizationSettings). The JSON API keeps its per-resource reads: a page read is not an API.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/blob"
	"github.com/trcr/trcr/store/internal/dbtx"
	"github.com/trcr/trcr/store/outbound"
)

// Config is what the domain needs from the process configuration.
type Config struct {
	// BaseURL is the absolute URL of the app, used to build links in emails.
	BaseURL string
	// Secret signs access tokens and derives other keys.
	Secret []byte
	// AuthRateLimit is the number of register, login and forgot-password requests allowed per IP a minute.
	AuthRateLimit int
	// OrgEmailsPerHour and OrgEmailsPerDay bound the recipients of the emails an organization sends to addresses
	// of its choosing (invoices and invitations), per clock hour and per UTC day.
	OrgEmailsPerHour int
	OrgEmailsPerDay  int
	// MaxFileSize is the largest attachment accepted, in bytes; OrgStorageQuota bounds the sum of an organization's
	// attachments.
	MaxFileSize     int64
	OrgStorageQuota int64
	// WebhookAllowPrivate lets outgoing webhooks reach loopback and private addresses (TRCR_WEBHOOK_ALLOW_PRIVATE).
	WebhookAllowPrivate bool
	// AuthCacheTTL is how long who a request is (the user exists, their membership and role) is trusted without
	// reading it again (auth_cache.go); zero reads it on every request. The server uses DefaultAuthCacheTTL.
	AuthCacheTTL time.Duration
}

// Default email quotas of an organization.
const (
	DefaultOrgEmailsPerHour = 50
	DefaultOrgEmailsPerDay  = 200
)

// Default file limits: an attachment of at most 25 MB, 5 GB of attachments per organization.
const (
	DefaultMaxFileSize     int64 = 25 << 20
	DefaultOrgStorageQuota int64 = 5 << 30
)

// Store runs use cases against PostgreSQL.
type Store struct {
	db     *sqlx.DB
	blobs  blob.Store
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	hasher passwordHasher
	// authMailWake wakes this process's account-email worker (RunAuthMail) when a request is queued.
	authMailWake chan struct{}
	// subscribers turn recorded events into effects after commit (event_jobs.go).
	subscribers []subscriber
	// stmts are the prepared statements of the hottest reads (stmts.go).
	stmts stmtCache
	// outbound posts to integrators' webhook URLs, refusing internal addresses unless WebhookAllowPrivate.
	outbound *outbound.Client
	// senderID names this process's webhook sender in the leases of webhooks (webhook_lanes.go).
	senderID string
	// webhookWake wakes the webhook senders when events committed; a run that is still sending takes it to wake
	// its lanes (webhook_lanes.go).
	webhookWake chan struct{}
	// auth remembers for a few seconds who requests are (auth_cache.go).
	auth authCache
	// accessKey signs access tokens, derived once from the secret rather than on every request.
	accessKey []byte
}

// New wires a Store. blobs may be nil in code paths that never touch files.
func New(db *sqlx.DB, blobs blob.Store, cfg Config, log *slog.Logger) *Store {
	if log == nil {
		log = slog.Default()
	}
	if cfg.AuthRateLimit <= 0 {
		cfg.AuthRateLimit = 30
	}
	if cfg.OrgEmailsPerHour <= 0 {
		cfg.OrgEmailsPerHour = DefaultOrgEmailsPerHour
	}
	if cfg.OrgEmailsPerDay <= 0 {
		cfg.OrgEmailsPerDay = DefaultOrgEmailsPerDay
	}
	if cfg.MaxFileSize <= 0 {
		cfg.MaxFileSize = DefaultMaxFileSize
	}
	if cfg.OrgStorageQuota <= 0 {
		cfg.OrgStorageQuota = DefaultOrgStorageQuota
	}
	s := &Store{db: db, blobs: blobs, cfg: cfg, log: log, now: time.Now, hasher: defaultHasher, authMailWake: make(chan struct{}, 1),
		webhookWake: make(chan struct{}, 1), senderID: randomHex(12)}
	s.outbound = outbound.New(cfg.WebhookAllowPrivate)
	s.auth.ttl = cfg.AuthCacheTTL
	s.accessKey = s.deriveKey("access-token")
	s.subscribers = []subscriber{s.notificationSubscriber(), s.gitWebhookSubscriber(), s.webhookAlertSubscriber()}
	return s
}

// SetClock replaces the clock, for tests of expiry.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Now reads the store's clock. Pages and seeds take the time from it, so that their "today" is the rules' today
// (and moves with SetClock in tests).
func (s *Store) Now() time.Time { return s.now() }

// DB exposes the pool for health checks and wiring; use cases never leak it further.
func (s *Store) DB() *sqlx.DB { return s.db }

// withTx runs fn in one transaction, committing when it returns nil and rolling back otherwise. A commit empties
// the authentication cache: the write may have removed a member or changed a role.
func (s *Store) withTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	err := dbtx.Run(ctx, s.db, fn)
	if err == nil {
		s.auth.forget()
	}
	return err
}

// notFoundIfNoRows turns sql.ErrNoRows into ErrNotFound so callers never see the driver's sentinel.
func notFoundIfNoRows(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return err
}

// isUniqueViolation reports whether err is a unique-constraint violation, optionally on the named constraint.
func isUniqueViolation(err error, constraint string) bool {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" {
		return constraint == "" || pqErr.Constraint == constraint
	}
	return false
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
