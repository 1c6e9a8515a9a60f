package store

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Audit actions.
const (
	ActionCreated = "created"
	ActionUpdated = "updated"
	ActionDeleted = "deleted"
)

// Change is one field's value before and after.
type Change struct {
	From any `json:"from"`
	To   any `json:"to"`
}

// Changes maps field names to their change.
type Changes map[string]Change

// set records a field when its value differs.
func (c Changes) set(field string, from, to any) {
	if !reflect.DeepEqual(from, to) {
		c[field] = Change{From: from, To: to}
	}
}

// AuditEntry is one audit log row.
type AuditEntry struct {
	ID             string    `db:"id" json:"id"`
	OrganizationID string    `db:"organization_id" json:"organization_id"`
	UserID         *string   `db:"user_id" json:"user_id"`
	UserName       string    `db:"user_name" json:"user_name"`
	Action         string    `db:"action" json:"action"`
	EntityType     string    `db:"entity_type" json:"entity_type"`
	EntityID       string    `db:"entity_id" json:"entity_id"`
	Changes        Changes   `db:"-" json:"changes"`
	RawChanges     []byte    `db:"changes" json:"-"`
	IPAddress      string    `db:"ip_address" json:"ip_address"`
	CreatedAt      time.Time `db:"created_at" json:"created_at"`
}

// audit writes one entry inside the use case's transaction.
func audit(ctx context.Context, tx *sqlx.Tx, a Actor, action, entityType, entityID string, changes Changes) error {
	if changes == nil {
		changes = Changes{}
	}
	if action == ActionUpdated && len(changes) == 0 {
		return nil // nothing changed: no entry
	}
	raw, err := json.Marshal(changes)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	var userID *string
	if a.UserID != "" {
		userID = &a.UserID
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_logs (organization_id, user_id, user_name, action, entity_type, entity_id, changes, ip_address)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		a.OrgID, userID, a.UserName, action, entityType, entityID, raw, a.IP)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// RecordAudit writes one audit entry in tx, for code under store/ that writes domain rows itself (the seeds).
func RecordAudit(ctx context.Context, tx *sqlx.Tx, a Actor, action, entityType, entityID string, changes Changes) error {
	return audit(ctx, tx, a, action, entityType, entityID, changes)
}

// AuditFilter narrows GET /audit-logs.
type AuditFilter struct {
	UserID     string
	Action     string
	EntityType string
	EntityID   string
	From, To   string // dates or datetimes, inclusive days in the caller's timezone
	Page       Page
}

// AuditLogs lists an organization's audit entries, newest first. Admins only.
func (s *Store) AuditLogs(ctx context.Context, a Actor, f AuditFilter) (List[AuditEntry], error) {
	if err := require(a.Permissions().ViewAuditLog, msgAdminRole); err != nil {
		return List[AuditEntry]{}, err
	}
	var v validator
	q := newQuery("organization_id = $1", a.OrgID)
	if f.UserID != "" {
		if !validID(f.UserID) {
			v.add("user_id", "user_id must be a valid id")
		} else {
			q.where("user_id = ?", f.UserID)
		}
	}
	if f.Action != "" {
		q.where("action = ?", f.Action)
	}
	if f.EntityType != "" {
		q.where("entity_type = ?", strings.ToLower(f.EntityType))
	}
	if f.EntityID != "" {
		if !validID(f.EntityID) {
			v.add("entity_id", "entity_id must be a valid id")
		} else {
			q.where("entity_id = ?", f.EntityID)
		}
	}
	loc, err := s.userLocation(ctx, a.UserID)
	if err != nil {
		return List[AuditEntry]{}, err
	}
	from, to := parseRange(&v, f.From, f.To, loc)
	if !from.IsZero() {
		q.where("created_at >= ?", from)
	}
	if !to.IsZero() {
		q.where("created_at < ?", to)
	}
	if err := v.err(); err != nil {
		return List[AuditEntry]{}, err
	}
	out := List[AuditEntry]{Page: f.Page.Number(), PerPage: f.Page.Size()}
	if err := s.db.GetContext(ctx, &out.Total, "SELECT count(*) FROM audit_logs WHERE "+q.cond(), q.args...); err != nil {
		return out, err
	}
	rows := []AuditEntry{}
	err = s.db.SelectContext(ctx, &rows, `
		SELECT id, organization_id, user_id, user_name, action, entity_type, entity_id, changes, ip_address, created_at
		FROM audit_logs WHERE `+q.cond()+` ORDER BY created_at DESC, id DESC `+q.limit(f.Page), q.args...)
	if err != nil {
		return out, err
	}
	for i := range rows {
		if err := json.Unmarshal(rows[i].RawChanges, &rows[i].Changes); err != nil {
			return out, fmt.Errorf("audit changes: %w", err)
		}
	}
	out.Items = rows
	return out, nil
}
