package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lib/pq"
)

// The audit log page names what its entries are about: the entity's current name (a task's title, an invoice's
// number …) looked up by entity type, always within the entry's organization, and the actor's current name.

// auditEntityNames maps an entity type to the SQL that reads its name from the row whose id is $id in the
// organization $org (placeholders replaced by entityNameSQL). A type missing here is named from its entry's
// changes, by the page.
var auditEntityNames = map[string]string{
	"task":              `SELECT x.title FROM tasks x WHERE x.id = $id AND x.organization_id = $org`,
	"project":           `SELECT x.name FROM projects x WHERE x.id = $id AND x.organization_id = $org`,
	"client":            `SELECT x.name FROM clients x WHERE x.id = $id AND x.organization_id = $org`,
	"invoice":           `SELECT x.number FROM invoices x WHERE x.id = $id AND x.organization_id = $org`,
	"member":            `SELECT coalesce(nullif(u.name, ''), x.email) FROM members x LEFT JOIN users u ON u.id = x.user_id WHERE x.id = $id AND x.organization_id = $org`,
	"organization":      `SELECT x.name FROM organizations x WHERE x.id = $id AND x.id = $org`,
	"time_entry":        `SELECT coalesce(nullif(x.description, ''), p.name, 'Time entry') FROM time_entries x LEFT JOIN projects p ON p.id = x.project_id WHERE x.id = $id AND x.organization_id = $org`,
	"label":             `SELECT x.name FROM labels x WHERE x.id = $id AND x.organization_id = $org`,
	"milestone":         `SELECT x.title FROM milestones x WHERE x.id = $id AND x.organization_id = $org`,
	"task_group":        `SELECT x.name FROM task_groups x WHERE x.id = $id AND x.organization_id = $org`,
	"task_status":       `SELECT x.label FROM task_statuses x WHERE x.id = $id AND x.organization_id = $org`,
	"webhook":           `SELECT x.url FROM webhooks x WHERE x.id = $id AND x.organization_id = $org`,
	"payment":           `SELECT 'Payment on ' || i.number FROM payments x JOIN invoices i ON i.id = x.invoice_id WHERE x.id = $id AND x.organization_id = $org`,
	"invoice_line_item": `SELECT x.description FROM invoice_line_items x WHERE x.id = $id AND x.organization_id = $org`,
	"attachment":        `SELECT x.filename FROM attachments x WHERE x.id = $id AND x.organization_id = $org`,
	"chat_channel":      `SELECT x.name FROM chat_channels x WHERE x.id = $id AND x.organization_id = $org`,
	"client_contact":    `SELECT x.name FROM client_contacts x WHERE x.id = $id AND x.organization_id = $org`,
	"git_repository":    `SELECT x.full_name FROM git_repositories x WHERE x.id = $id AND x.organization_id = $org`,
}

// AuditNamedTypes are the entity types whose entries the audit log names and offers to filter by, in order.
func AuditNamedTypes() []string {
	types := make([]string, 0, len(auditEntityNames))
	for t := range auditEntityNames {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// entityNameSQL is an expression naming the entity of type typ (a column) and id id (a column) of org.
func entityNameSQL(typ, id, org string) string {
	var b strings.Builder
	b.WriteString("CASE " + typ)
	for _, t := range AuditNamedTypes() {
		sub := strings.NewReplacer("$id", id, "$org", org).Replace(auditEntityNames[t])
		fmt.Fprintf(&b, " WHEN '%s' THEN (%s LIMIT 1)", t, sub)
	}
	b.WriteString(" END")
	return b.String()
}

// AuditNames are the names of a page of entries, by entry id: the entity's current name (nil when the entity is
// gone, or of a type not named) and the actor's current name (nil for system entries and deleted users).
type AuditNames struct {
	Entity map[string]*string
	Actor  map[string]*string
	// Values names the ids found in the entries' changes (a task's project_id, its label_ids …), by id; an id
	// not here is no longer there, or not the organization's.
	Values map[string]string
}

// auditNames names the entities and actors of entries, in one query.
func (s *Store) auditNames(ctx context.Context, a Actor, entries []AuditEntry) (AuditNames, error) {
	out := AuditNames{Entity: map[string]*string{}, Actor: map[string]*string{}, Values: map[string]string{}}
	if len(entries) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	var rows []struct {
		ID     string  `db:"id"`
		Entity *string `db:"entity_name"`
		Actor  *string `db:"actor_name"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT al.id, `+entityNameSQL("al.entity_type", "al.entity_id", "al.organization_id")+` AS entity_name,
			nullif(u.name, '') AS actor_name
		FROM audit_logs al LEFT JOIN users u ON u.id = al.user_id
		WHERE al.organization_id = $1 AND al.id = ANY($2)`, a.OrgID, pq.Array(ids))
	if err != nil {
		return out, fmt.Errorf("audit names: %w", err)
	}
	for _, r := range rows {
		out.Entity[r.ID], out.Actor[r.ID] = r.Entity, r.Actor
	}
	return out, s.auditValueNames(ctx, a, entries, out.Values)
}

// auditValueNames names, into names, the ids the entries' changes hold, among the organization's records that
// changes refer to.
func (s *Store) auditValueNames(ctx context.Context, a Actor, entries []AuditEntry, names map[string]string) error {
	var ids []string
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case string:
			if validID(x) {
				ids = append(ids, x)
			}
		case []any:
			for _, el := range x {
				collect(el)
			}
		}
	}
	for _, e := range entries {
		for _, ch := range e.Changes {
			collect(ch.From)
			collect(ch.To)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT id, name FROM projects WHERE organization_id = $1 AND id = ANY($2)
		UNION ALL SELECT id, name FROM clients WHERE organization_id = $1 AND id = ANY($2)
		UNION ALL SELECT id, title FROM tasks WHERE organization_id = $1 AND id = ANY($2)
		UNION ALL SELECT id, number FROM invoices WHERE organization_id = $1 AND id = ANY($2)
		UNION ALL SELECT id, name FROM task_groups WHERE organization_id = $1 AND id = ANY($2)
		UNION ALL SELECT id, name FROM labels WHERE organization_id = $1 AND id = ANY($2)
		UNION ALL SELECT id, title FROM milestones WHERE organization_id = $1 AND id = ANY($2)
		UNION ALL SELECT u.id, coalesce(nullif(u.name, ''), m.email) FROM users u
			JOIN members m ON m.user_id = u.id AND m.organization_id = $1 WHERE u.id = ANY($2)`, a.OrgID, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("audit value names: %w", err)
	}
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	return nil
}

// AuditEntity is an entity the audit log can be filtered by: its id and current name (nil once deleted).
type AuditEntity struct {
	ID   string  `db:"id"`
	Name *string `db:"name"`
}

// maxAuditEntities bounds the entity picker: the entities of a type with the most recent entries.
const maxAuditEntities = 500

// auditEntities lists the entities of type typ that have entries in the organization, most recent first.
func (s *Store) auditEntities(ctx context.Context, a Actor, typ string) ([]AuditEntity, error) {
	out := []AuditEntity{}
	if _, ok := auditEntityNames[typ]; !ok {
		return out, nil
	}
	err := s.db.SelectContext(ctx, &out, `
		SELECT al.entity_id AS id, `+entityNameSQL("al.entity_type", "al.entity_id", "$1::uuid")+` AS name
		FROM (SELECT entity_type, entity_id, max(created_at) AS last FROM audit_logs
			WHERE organization_id = $1 AND entity_type = $2 GROUP BY entity_type, entity_id
			ORDER BY last DESC LIMIT `+fmt.Sprint(maxAuditEntities)+`) al
		ORDER BY al.last DESC, al.entity_id`, a.OrgID, typ)
	if err != nil {
		return nil, fmt.Errorf("audit entities: %w", err)
	}
	return out, nil
}

// ValidID reports whether s is an id (a UUID), for code that shows ids as names.
func ValidID(s string) bool { return validID(s) }
