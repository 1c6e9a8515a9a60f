package store

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// InvoiceLineItem is one line of an invoice: amount = round(quantity × unit_price), half-up to the cent.
// time_entry_ids are the time entries it bills.
type InvoiceLineItem struct {
	ID           string         `db:"id" json:"id"`
	InvoiceID    string         `db:"invoice_id" json:"invoice_id"`
	Description  string         `db:"description" json:"description"`
	Quantity     Decimal4       `db:"quantity" json:"quantity"`
	UnitPrice    int64          `db:"unit_price" json:"unit_price"`
	Amount       int64          `db:"amount" json:"amount"`
	Position     int            `db:"position" json:"position"`
	TaskID       *string        `db:"task_id" json:"task_id"`
	TimeEntryIDs pq.StringArray `db:"time_entry_ids" json:"time_entry_ids"`
	CreatedAt    time.Time      `db:"created_at" json:"created_at"`
	UpdatedAt    time.Time      `db:"updated_at" json:"updated_at"`
}

const lineItemSelect = `li.id, li.invoice_id, li.description, li.quantity::text AS quantity, li.unit_price, li.amount,
	li.position, li.task_id,
	ARRAY(SELECT te.id::text FROM time_entries te WHERE te.line_item_id = li.id ORDER BY te.started_at, te.id) AS time_entry_ids,
	li.created_at, li.updated_at`

// LineItemInput adds or changes a line item; nil fields are absent. Quantity and UnitPrice are the decimal text
// of their JSON numbers. UnitPriceText is the unit price as a form sends it, in major units of the invoice's
// currency ("85.50"); it takes the place of UnitPrice.
type LineItemInput struct {
	Description   *string
	Quantity      *string
	UnitPrice     *string
	UnitPriceText *string
	TimeEntryIDs  []string
}

const (
	maxLineDescription = 1000
	maxLinkedEntries   = 1000
)

// maxQuantity is the largest quantity numeric(14, 4) holds.
var maxQuantity = big.NewRat(9_999_999_999, 1)

// validate checks the given fields and normalizes them; create requires description, quantity and unit_price.
// currency is the invoice's, in whose major units UnitPriceText is.
func (in *LineItemInput) validate(create bool, currency string) error {
	var v validator
	if in.UnitPriceText != nil {
		in.UnitPrice = nil
		if cents := parseMoney(&v, "unit_price", *in.UnitPriceText, currency); cents != nil {
			p := strconv.FormatInt(*cents, 10)
			in.UnitPrice = &p
		}
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		in.Description = &d
		v.check(d != "", "description", "description is required")
		v.check(utf8.RuneCountInString(d) <= maxLineDescription, "description",
			fmt.Sprintf("description must be at most %d characters", maxLineDescription))
	} else if create {
		v.add("description", "description is required")
	}
	if in.Quantity != nil {
		q, ok := parseDecimal4(*in.Quantity)
		if !ok || q.Sign() < 0 || q.Cmp(maxQuantity) > 0 {
			v.add("quantity", "quantity must be a number of 0 or more with at most 4 decimals")
		} else {
			s := q.FloatString(4)
			in.Quantity = &s
		}
	} else if create {
		v.add("quantity", "quantity is required")
	}
	if in.UnitPrice != nil {
		p, ok := parseDecimal4(*in.UnitPrice)
		switch {
		case !ok || !p.IsInt() || p.Sign() < 0:
			v.add("unit_price", "unit_price must be a whole number of cents, 0 or more")
		case p.Cmp(new(big.Rat).SetInt64(maxAmount)) > 0:
			v.add("unit_price", amountTooLarge("unit_price"))
		default:
			s := p.Num().String()
			in.UnitPrice = &s
		}
	} else if create {
		v.add("unit_price", "unit_price is required")
	}
	if len(in.TimeEntryIDs) > maxLinkedEntries {
		v.add("time_entry_ids", fmt.Sprintf("time_entry_ids may list at most %d entries", maxLinkedEntries))
	}
	return v.err()
}

// attachLineItems loads the line items of all the invoices in one query, with the ids of their time entries.
func attachLineItems(ctx context.Context, q sqlx.QueryerContext, invoices []Invoice) error {
	if len(invoices) == 0 {
		return nil
	}
	ids := make([]string, len(invoices))
	for i, inv := range invoices {
		ids[i] = inv.ID
	}
	items := []InvoiceLineItem{}
	err := sqlx.SelectContext(ctx, q, &items, `SELECT `+lineItemSelect+` FROM invoice_line_items li
		WHERE li.invoice_id = ANY($1::uuid[]) ORDER BY li.invoice_id, li.position, li.id`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("line items: %w", err)
	}
	byInvoice := map[string][]InvoiceLineItem{}
	for _, it := range items {
		if it.TimeEntryIDs == nil {
			it.TimeEntryIDs = pq.StringArray{}
		}
		byInvoice[it.InvoiceID] = append(byInvoice[it.InvoiceID], it)
	}
	for i := range invoices {
		invoices[i].LineItems = byInvoice[invoices[i].ID]
		if invoices[i].LineItems == nil {
			invoices[i].LineItems = []InvoiceLineItem{}
		}
	}
	return nil
}

func getLineItem(ctx context.Context, q sqlx.QueryerContext, invoiceID, id string) (InvoiceLineItem, error) {
	var it InvoiceLineItem
	if !validID(id) {
		return it, fmt.Errorf("line item: %w", ErrNotFound)
	}
	err := sqlx.GetContext(ctx, q, &it, `SELECT `+lineItemSelect+` FROM invoice_line_items li
		WHERE li.id = $1 AND li.invoice_id = $2`, id, invoiceID)
	if err != nil {
		return it, notFoundIfNoRows(err, "line item")
	}
	if it.TimeEntryIDs == nil {
		it.TimeEntryIDs = pq.StringArray{}
	}
	return it, nil
}

func parseCents(s string) int64 {
	var n int64
	_, _ = fmt.Sscan(s, &n)
	return n
}

// AddInvoiceLineItem adds a line to a draft invoice, optionally billing time entries with it, and recomputes
// the totals. Owners and admins only.
func (s *Store) AddInvoiceLineItem(ctx context.Context, a Actor, invoiceID string, in LineItemInput) (InvoiceLineItem, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return InvoiceLineItem{}, err
	}
	var it InvoiceLineItem
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		inv, err := lockDraftInvoice(ctx, tx, a, invoiceID, "1970-01-01")
		if err != nil {
			return err
		}
		if err := in.validate(true, inv.Currency); err != nil {
			return err
		}
		price := parseCents(*in.UnitPrice)
		amount, err := LineAmount(*in.Quantity, price)
		if err != nil {
			return err
		}
		entries, err := lockEntriesToLink(ctx, tx, a, in.TimeEntryIDs)
		if err != nil {
			return err
		}
		var id string
		err = tx.GetContext(ctx, &id, `
			INSERT INTO invoice_line_items (organization_id, invoice_id, description, quantity, unit_price, amount, position)
			VALUES ($1, $2, $3, $4, $5, $6,
				(SELECT coalesce(max(position), 0) + 1 FROM invoice_line_items WHERE invoice_id = $2))
			RETURNING id`, a.OrgID, inv.ID, *in.Description, *in.Quantity, price, amount)
		if err != nil {
			return fmt.Errorf("add line item: %w", err)
		}
		if err := linkEntries(ctx, tx, inv.ID, id, entries); err != nil {
			return err
		}
		if err := recomputeInvoiceTotals(ctx, tx, inv.ID); err != nil {
			return err
		}
		if it, err = getLineItem(ctx, tx, inv.ID, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionCreated, "invoice_line_item", it.ID, Changes{
			"invoice_id": {To: inv.ID}, "description": {To: it.Description}, "quantity": {To: it.Quantity},
			"unit_price": {To: it.UnitPrice}, "amount": {To: it.Amount}, "time_entry_ids": {To: []string(it.TimeEntryIDs)},
		})
	})
	return it, err
}

// lockEntriesToLink locks the time entries a new line item is to bill and checks that each is a stopped entry
// of the organization that no invoice bills yet. The row locks keep another invoice from billing them first.
func lockEntriesToLink(ctx context.Context, tx *sqlx.Tx, a Actor, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	seen := map[string]bool{}
	uniq := make([]string, 0, len(ids))
	for _, id := range ids {
		if !validID(id) {
			return nil, Invalid("time_entry_ids", "time_entry_ids must be time entries of the organization")
		}
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	sort.Strings(uniq) // a fixed lock order avoids deadlocks between concurrent calls
	var rows []struct {
		ID       string  `db:"id"`
		Stopped  bool    `db:"stopped"`
		Invoiced *string `db:"invoice_id"`
	}
	err := tx.SelectContext(ctx, &rows, `
		SELECT id, stopped_at IS NOT NULL AS stopped, invoice_id FROM time_entries
		WHERE id = ANY($1::uuid[]) AND organization_id = $2 ORDER BY id FOR UPDATE`, pq.Array(uniq), a.OrgID)
	if err != nil {
		return nil, fmt.Errorf("link time entries: %w", err)
	}
	if len(rows) != len(uniq) {
		return nil, Invalid("time_entry_ids", "time_entry_ids must be time entries of the organization")
	}
	for _, r := range rows {
		if !r.Stopped {
			return nil, Invalid("time_entry_ids", "time_entry_ids must not include a running time entry")
		}
	}
	for _, r := range rows {
		if r.Invoiced != nil {
			return nil, conflict("time entry %s is already invoiced", r.ID)
		}
	}
	return uniq, nil
}

func linkEntries(ctx context.Context, tx *sqlx.Tx, invoiceID, itemID string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE time_entries SET invoice_id = $1, line_item_id = $2, updated_at = now() WHERE id = ANY($3::uuid[])`,
		invoiceID, itemID, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("link time entries: %w", err)
	}
	return nil
}

// UpdateInvoiceLineItem changes a line of a draft invoice and recomputes the totals. Owners and admins only.
func (s *Store) UpdateInvoiceLineItem(ctx context.Context, a Actor, invoiceID, id string, in LineItemInput) (InvoiceLineItem, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return InvoiceLineItem{}, err
	}
	var it InvoiceLineItem
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		inv, err := lockDraftInvoice(ctx, tx, a, invoiceID, "1970-01-01")
		if err != nil {
			return err
		}
		before, err := getLineItem(ctx, tx, inv.ID, id)
		if err != nil {
			return err
		}
		in.TimeEntryIDs = nil // linking happens when a line is added or generated
		if err := in.validate(false, inv.Currency); err != nil {
			return err
		}
		desc, qty, price := before.Description, string(before.Quantity), before.UnitPrice
		if in.Description != nil {
			desc = *in.Description
		}
		if in.Quantity != nil {
			qty = *in.Quantity
		}
		if in.UnitPrice != nil {
			price = parseCents(*in.UnitPrice)
		}
		amount, err := LineAmount(qty, price)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE invoice_line_items SET description = $2, quantity = $3, unit_price = $4, amount = $5, updated_at = now()
			WHERE id = $1`, before.ID, desc, qty, price, amount)
		if err != nil {
			return fmt.Errorf("update line item: %w", err)
		}
		if err := recomputeInvoiceTotals(ctx, tx, inv.ID); err != nil {
			return err
		}
		if it, err = getLineItem(ctx, tx, inv.ID, before.ID); err != nil {
			return err
		}
		ch := Changes{}
		ch.set("description", before.Description, it.Description)
		ch.set("quantity", before.Quantity.String(), it.Quantity.String())
		ch.set("unit_price", before.UnitPrice, it.UnitPrice)
		ch.set("amount", before.Amount, it.Amount)
		return audit(ctx, tx, a, ActionUpdated, "invoice_line_item", it.ID, ch)
	})
	return it, err
}

// DeleteInvoiceLineItem removes a line of a draft invoice, releasing its time entries so they can be billed
// again, and recomputes the totals. Owners and admins only.
func (s *Store) DeleteInvoiceLineItem(ctx context.Context, a Actor, invoiceID, id string) error {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sqlx.Tx) error {
		inv, err := lockDraftInvoice(ctx, tx, a, invoiceID, "1970-01-01")
		if err != nil {
			return err
		}
		it, err := getLineItem(ctx, tx, inv.ID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE time_entries SET invoice_id = NULL, line_item_id = NULL, updated_at = now() WHERE line_item_id = $1`, it.ID); err != nil {
			return fmt.Errorf("delete line item: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM invoice_line_items WHERE id = $1`, it.ID); err != nil {
			return fmt.Errorf("delete line item: %w", err)
		}
		if err := recomputeInvoiceTotals(ctx, tx, inv.ID); err != nil {
			return err
		}
		return audit(ctx, tx, a, ActionDeleted, "invoice_line_item", it.ID, Changes{
			"invoice_id": {From: inv.ID}, "description": {From: it.Description}, "amount": {From: it.Amount},
			"time_entry_ids": {From: []string(it.TimeEntryIDs)},
		})
	})
}
