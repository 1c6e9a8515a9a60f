package store

import (
	"context"
	"strings"
)

// AuditLogPage is what the audit log page shows: a page of entries with the names of their entities and actors,
// the members its filter offers, and the entities of the filtered type.
type AuditLogPage struct {
	Entries List[AuditEntry]
	Names   AuditNames
	Members []Member // the organization's active members, as Members orders them
	// Entities are the entities of the filter's entity type that have entries (none without a type).
	Entities []AuditEntity
}

// AuditLogPage reads the audit log page under a filter, for those who may read the audit log. A filter it refuses
// is an invalid error, returned before anything else is read.
func (s *Store) AuditLogPage(ctx context.Context, a Actor, f AuditFilter) (AuditLogPage, error) {
	var p AuditLogPage
	var err error
	if p.Entries, err = s.AuditLogs(ctx, a, f); err != nil {
		return AuditLogPage{}, err
	}
	if p.Names, err = s.auditNames(ctx, a, p.Entries.Items); err != nil {
		return AuditLogPage{}, err
	}
	if p.Members, err = s.activeMembers(ctx, a); err != nil {
		return AuditLogPage{}, err
	}
	if typ := strings.ToLower(strings.TrimSpace(f.EntityType)); typ != "" {
		if p.Entities, err = s.auditEntities(ctx, a, typ); err != nil {
			return AuditLogPage{}, err
		}
	}
	return p, nil
}
