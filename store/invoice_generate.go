package store

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store/format"
)

// GenerateInput is the range of POST /invoices/:id/generate: inclusive days in the organization's timezone
// (datetimes are exact); both optional.
type GenerateInput struct {
	From, To string
}

// billedEntry is a time entry claimed by a generate call.
type billedEntry struct {
	ID          string    `db:"id"`
	TaskID      *string   `db:"task_id"`
	TaskTitle   *string   `db:"task_title"`
	Description string    `db:"description"`
	ProjectName string    `db:"project_name"`
	Seconds     int64     `db:"duration_seconds"`
	StartedAt   time.Time `db:"started_at"`
	Rate        int64     `db:"rate"`
}

// lineGroup is the entries that become one generated line item.
type lineGroup struct {
	description string
	taskID      *string
	rate        int64
	seconds     int64
	first, last time.Time
	ids         []string
	// base is the grouping key without the rate: two groups with one base are one task split by its rates.
	base string
}

// GenerateInvoiceLineItems bills the unbilled time of a draft invoice's project (or of all the client's
// projects when the invoice has none): the billable, stopped, not yet invoiced entries that started in the
// range become one line item per task and rate (per description and rate for entries without a task), with
// quantity = hours and unit_price = the entry's rate, else the project's, else the client's. Each entry is
// claimed under a row lock with a re-check, so two concurrent calls never bill an entry twice. With nothing to
// bill the invoice is returned unchanged. Owners and admins only.
func (s *Store) GenerateInvoiceLineItems(ctx context.Context, a Actor, invoiceID string, in GenerateInput) (Invoice, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		org, err := loadBillingOrg(ctx, tx, a.OrgID)
		if err != nil {
			return err
		}
		today := s.orgToday(org)
		inv, err := lockDraftInvoice(ctx, tx, a, invoiceID, today)
		if err != nil {
			return err
		}
		var v validator
		from, to := parseRange(&v, in.From, in.To, org.location())
		if err := v.err(); err != nil {
			return err
		}
		entries, err := claimUnbilledEntries(ctx, tx, a, inv, from, to)
		if err != nil {
			return err
		}
		if len(entries) > 0 {
			if err := addGeneratedLines(ctx, tx, a, inv, entries, org.location()); err != nil {
				return err
			}
			if err := recomputeInvoiceTotals(ctx, tx, inv.ID); err != nil {
				return err
			}
		}
		if out, err = s.loadInvoice(ctx, tx, a, inv.ID, today); err != nil {
			return err
		}
		ch := Changes{}
		ch.set("total", inv.Total, out.Total)
		return audit(ctx, tx, a, ActionUpdated, "invoice", out.ID, ch)
	})
	return out, err
}

// claimUnbilledEntries locks the candidate entries, skipping those another transaction holds (it may be
// billing them), then marks them billed by this invoice only if they still are not billed.
func claimUnbilledEntries(ctx context.Context, tx *sqlx.Tx, a Actor, inv Invoice, from, to time.Time) ([]billedEntry, error) {
	q := newQuery("te.organization_id = $1", a.OrgID)
	q.where("te.invoice_id IS NULL AND te.billable AND te.stopped_at IS NOT NULL")
	if inv.ProjectID != nil {
		q.where("te.project_id = ?", *inv.ProjectID)
	} else {
		q.where("te.project_id IN (SELECT id FROM projects WHERE organization_id = ? AND client_id = ?)", a.OrgID, inv.ClientID)
	}
	if !from.IsZero() {
		q.where("te.started_at >= ?", from)
	}
	if !to.IsZero() {
		q.where("te.started_at < ?", to)
	}
	var ids []string
	err := tx.SelectContext(ctx, &ids, `SELECT te.id FROM time_entries te WHERE `+q.cond()+`
		ORDER BY te.id FOR UPDATE OF te SKIP LOCKED`, q.args...)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var entries []billedEntry
	err = tx.SelectContext(ctx, &entries, `
		UPDATE time_entries te SET invoice_id = $1, updated_at = now()
		FROM projects p
		WHERE te.id = ANY($2::uuid[]) AND te.invoice_id IS NULL AND p.id = te.project_id
		RETURNING te.id, te.task_id, (SELECT t.title FROM tasks t WHERE t.id = te.task_id) AS task_title,
			te.description, p.name AS project_name, te.duration_seconds, te.started_at,
			coalesce(te.hourly_rate, p.hourly_rate, (SELECT c.hourly_rate FROM clients c WHERE c.id = $3), 0) AS rate`,
		inv.ID, pq.Array(ids), inv.ClientID)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	return entries, nil
}

// addGeneratedLines groups claimed entries into line items, in the order of their first entry.
func addGeneratedLines(ctx context.Context, tx *sqlx.Tx, a Actor, inv Invoice, entries []billedEntry, loc *time.Location) error {
	groups := map[string]*lineGroup{}
	var order []*lineGroup
	sort.Slice(entries, func(i, j int) bool {
		if !entries[i].StartedAt.Equal(entries[j].StartedAt) {
			return entries[i].StartedAt.Before(entries[j].StartedAt)
		}
		return entries[i].ID < entries[j].ID
	})
	for _, e := range entries {
		var key, desc string
		if e.TaskID != nil {
			key, desc = "task:"+*e.TaskID, deref(e.TaskTitle)
		} else {
			desc = strings.TrimSpace(e.Description)
			if desc == "" {
				desc = e.ProjectName
			}
			key = "text:" + desc
		}
		base := key
		key += fmt.Sprintf("|%d", e.Rate)
		g := groups[key]
		if g == nil {
			g = &lineGroup{description: desc, taskID: e.TaskID, rate: e.Rate, first: e.StartedAt, base: base}
			groups[key] = g
			order = append(order, g)
		}
		g.seconds += e.Seconds
		g.last = e.StartedAt
		g.ids = append(g.ids, e.ID)
	}
	if err := explainSplitLines(ctx, tx, inv, order, loc); err != nil {
		return err
	}
	var pos int
	if err := tx.GetContext(ctx, &pos, `SELECT coalesce(max(position), 0) FROM invoice_line_items WHERE invoice_id = $1`, inv.ID); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	for _, g := range order {
		pos++
		qty := HoursQuantity(g.seconds)
		amount, err := LineAmount(qty, g.rate)
		if err != nil {
			return err
		}
		if utf8.RuneCountInString(g.description) > maxLineDescription {
			g.description = string([]rune(g.description)[:maxLineDescription])
		}
		var id string
		err = tx.GetContext(ctx, &id, `
			INSERT INTO invoice_line_items (organization_id, invoice_id, description, quantity, unit_price, amount, position, task_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.OrgID, inv.ID, g.description, qty, g.rate, amount, pos, g.taskID)
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		if err := linkEntries(ctx, tx, inv.ID, id, g.ids); err != nil {
			return err
		}
		if err := audit(ctx, tx, a, ActionCreated, "invoice_line_item", id, Changes{
			"invoice_id": {To: inv.ID}, "description": {To: g.description}, "quantity": {To: Decimal4(qty).String()},
			"unit_price": {To: g.rate}, "amount": {To: amount}, "time_entry_ids": {To: g.ids},
		}); err != nil {
			return err
		}
	}
	return nil
}

// explainSplitLines says why a task or description is billed on more than one line, so two lines with one
// name do not read as a mistake: "(at 120.00 EUR/h)" when its time has different rates, and the period of its
// entries ("(Mar 1 – Mar 15, 2026)") when an earlier generation already billed it on this invoice.
func explainSplitLines(ctx context.Context, tx *sqlx.Tx, inv Invoice, groups []*lineGroup, loc *time.Location) error {
	var existing []string
	if err := tx.SelectContext(ctx, &existing, `SELECT description FROM invoice_line_items WHERE invoice_id = $1`, inv.ID); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	billedBefore := func(desc string) bool {
		for _, d := range existing {
			if d == desc || strings.HasPrefix(d, desc+" (") {
				return true
			}
		}
		return false
	}
	rates := map[string]int{}
	for _, g := range groups {
		rates[g.base]++
	}
	for _, g := range groups {
		var why []string
		if billedBefore(g.description) {
			why = append(why, period(g.first.In(loc), g.last.In(loc)))
		}
		if rates[g.base] > 1 {
			why = append(why, "at "+format.Money(g.rate, inv.Currency)+"/h")
		}
		if len(why) > 0 {
			g.description += " (" + strings.Join(why, ", ") + ")"
		}
	}
	return nil
}

// period writes the days from first to last: "Mar 3, 2026", "Mar 1 – Mar 15, 2026".
func period(first, last time.Time) string {
	a, b := format.DateOf(first), format.DateOf(last)
	switch {
	case a == b:
		return a
	case first.Year() == last.Year():
		return first.Format("Jan 2") + " – " + b
	}
	return a + " – " + b
}

// HoursQuantity is seconds in hours, rounded half-up to the 4 decimals a quantity keeps.
func HoursQuantity(seconds int64) string {
	tenThousandths := roundHalfUp(big.NewRat(seconds*10000, 3600))
	return fmt.Sprintf("%d.%04d", tenThousandths/10000, tenThousandths%10000)
}
