package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// VoidInvoice cancels a sent (or overdue) invoice that was issued in error: it becomes void, keeps its number (so
// numbering stays gap-free) and its lines, and its time entries are released so they can be billed again. A
// draft is deleted instead, a paid or void invoice is a conflict, and so is an invoice with payments: they must
// be deleted (refunded) first, so a void invoice never holds money. Owners and admins only.
func (s *Store) VoidInvoice(ctx context.Context, a Actor, id string) (Invoice, error) {
	if err := require(a.Permissions().ManageBilling, msgAdminRole); err != nil {
		return Invoice{}, err
	}
	var out Invoice
	err := s.withTx(ctx, func(tx *sqlx.Tx) error {
		before, today, err := s.lockInvoice(ctx, tx, a, id)
		if err != nil {
			return err
		}
		switch before.StoredStatus {
		case InvoiceDraft:
			return conflict("a draft cannot be voided: delete it instead")
		case InvoicePaid:
			return conflict("a paid invoice cannot be voided")
		case InvoiceVoid:
			return conflict("the invoice is already void")
		}
		var payments int
		if err := tx.GetContext(ctx, &payments, `SELECT count(*) FROM payments WHERE invoice_id = $1`, before.ID); err != nil {
			return fmt.Errorf("void invoice: %w", err)
		}
		if payments > 0 {
			return conflict("the invoice has payments: refund or delete them before voiding it")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET status = 'void', updated_at = now() WHERE id = $1`, before.ID); err != nil {
			return fmt.Errorf("void invoice: %w", err)
		}
		var released []string
		if err := tx.SelectContext(ctx, &released, `
			UPDATE time_entries SET invoice_id = NULL, line_item_id = NULL, updated_at = now() WHERE invoice_id = $1
			RETURNING id::text`, before.ID); err != nil {
			return fmt.Errorf("void invoice: %w", err)
		}
		if out, err = s.loadInvoice(ctx, tx, a, before.ID, today); err != nil {
			return err
		}
		ch := Changes{}
		ch.set("status", before.StoredStatus, out.StoredStatus)
		if len(released) > 0 {
			ch["released_time_entry_ids"] = Change{From: released}
		}
		return audit(ctx, tx, a, ActionUpdated, "invoice", out.ID, ch)
	})
	return out, err
}
