package store

import "context"

// AuditLogPage is what the audit log page shows: a page of entries, and the members its filter offers.
type AuditLogPage struct {
	Entries List[AuditEntry]
	Members []Member // the organization's active members, as Members orders them
}

// AuditLogPage reads the audit log page under a filter, for those who may read the audit log. A filter it refuses
// is an invalid error, returned before anything else is read.
func (s *Store) AuditLogPage(ctx context.Context, a Actor, f AuditFilter) (AuditLogPage, error) {
	var p AuditLogPage
	var err error
	if p.Entries, err = s.AuditLogs(ctx, a, f); err != nil {
		return AuditLogPage{}, err
	}
	if p.Members, err = s.activeMembers(ctx, a); err != nil {
		return AuditLogPage{}, err
	}
	return p, nil
}
