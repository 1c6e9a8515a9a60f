package store_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// sentInvoiceWithTime bills two entries of the project on a new invoice and sends it; due in the past it reads
// overdue.
func (b *world) sentInvoiceWithTime(issue, due string) (store.Invoice, []string) {
	b.t.Helper()
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rate := int64(10000)
	entries := []string{
		b.entry(b.project, "", "Design", day, time.Hour, true, &rate),
		b.entry(b.project, "", "Design", day.Add(24*time.Hour), 30*time.Minute, true, &rate),
	}
	inv := b.invoice(store.InvoiceInput{ProjectID: &b.project, IssueDate: &issue, DueDate: &due})
	if _, err := b.s.GenerateInvoiceLineItems(b.ctx, b.owner, inv.ID, store.GenerateInput{}); err != nil {
		b.t.Fatal(err)
	}
	sent, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{})
	if err != nil {
		b.t.Fatal(err)
	}
	return sent, entries
}

func TestVoidInvoice_KeepsTheNumberAndReleasesTheTimeToBeBilledAgain(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	inv, entries := b.sentInvoiceWithTime("2026-03-05", "2026-03-20") // past due: overdue
	if inv.Status != store.InvoiceOverdue || inv.Total != 15000 {
		t.Fatalf("sent invoice %s %d", inv.Status, inv.Total)
	}
	client, err := b.s.Client(b.ctx, b.owner, b.clientID)
	if err != nil || client.OpenBalance == nil || *client.OpenBalance != 15000 {
		t.Fatalf("open balance before: %v %v", err, client.OpenBalance)
	}

	void, err := b.s.VoidInvoice(b.ctx, b.owner, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if void.Status != store.InvoiceVoid || void.Number != inv.Number || void.Total != 15000 || void.Balance != 0 || len(void.LineItems) != 1 ||
		len(void.LineItems[0].TimeEntryIDs) != 0 || void.SentAt == nil || void.PaidAt != nil {
		t.Fatalf("void invoice %+v", void)
	}
	var billed int
	if err := b.db.Get(&billed, `SELECT count(*) FROM time_entries WHERE invoice_id IS NOT NULL OR line_item_id IS NOT NULL`); err != nil || billed != 0 {
		t.Fatalf("entries still billed: %d %v", billed, err)
	}

	// The audit row says what changed and which entries were released.
	var raw []byte
	if err := b.db.Get(&raw, `SELECT changes FROM audit_logs WHERE entity_type = 'invoice' AND entity_id = $1 AND user_id = $2
		ORDER BY created_at DESC, id DESC LIMIT 1`, inv.ID, b.owner.UserID); err != nil {
		t.Fatal(err)
	}
	var changes map[string]struct {
		From any `json:"from"`
		To   any `json:"to"`
	}
	if err := json.Unmarshal(raw, &changes); err != nil {
		t.Fatal(err)
	}
	released, _ := changes["released_time_entry_ids"].From.([]any)
	if changes["status"].From != "sent" || changes["status"].To != "void" || len(released) != 2 {
		t.Fatalf("audit changes %s", raw)
	}

	// Out of open balances and revenue; listed under void.
	client, err = b.s.Client(b.ctx, b.owner, b.clientID)
	if err != nil || client.OpenBalance == nil || *client.OpenBalance != 0 {
		t.Errorf("open balance after: %v %v", err, client.OpenBalance)
	}
	rows, err := b.s.Revenue(b.ctx, b.owner, store.RevenueFilter{From: "2026-03-01", To: "2026-03-31"})
	if err != nil || len(rows) != 1 || rows[0].Invoiced != 0 {
		t.Errorf("revenue after void: %v %+v", err, rows)
	}
	for status, want := range map[string]int{"void": 1, "sent": 0, "overdue": 0} {
		if l, err := b.s.Invoices(b.ctx, b.owner, store.InvoiceFilter{Status: status}); err != nil || l.Total != want {
			t.Errorf("status=%s lists %d (%v), want %d", status, l.Total, err, want)
		}
	}

	// The released time is billed on the next invoice, whose number follows: numbering has no gap.
	next := b.invoice(store.InvoiceInput{ProjectID: &b.project, IssueDate: ptr("2026-03-25")})
	again, err := b.s.GenerateInvoiceLineItems(b.ctx, b.owner, next.ID, store.GenerateInput{})
	if err != nil || again.Total != 15000 || len(again.LineItems) != 1 || len(again.LineItems[0].TimeEntryIDs) != len(entries) {
		t.Fatalf("billing the released time again: %v %+v", err, again)
	}
	if next.Number != "INV-2026-0002" || inv.Number != "INV-2026-0001" {
		t.Errorf("numbers %s then %s", inv.Number, next.Number)
	}

	// The public link still opens, but only to say the invoice is void: nothing of its client, lines or amounts,
	// and no PDF. The PDF the owner downloads is stamped VOID.
	link, err := url.Parse(b.s.InvoiceLink(inv.ID, 0))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := b.s.PublicInvoicePage(b.ctx, inv.ID, link.Query().Get("sig"))
	if err != nil || pub.Invoice.Status != store.InvoiceVoid || pub.Invoice.Number != inv.Number {
		t.Fatalf("public page of a void invoice: %v %s", err, pub.Invoice.Status)
	}
	if pub.ClientName != "" || len(pub.ClientLines) != 0 || len(pub.Invoice.LineItems) != 0 || pub.Invoice.Total != 0 || pub.Invoice.Notes != "" {
		t.Errorf("the public page of a void invoice shows its details: %+v", pub)
	}
	if _, _, err := b.s.PublicInvoicePDF(b.ctx, inv.ID, link.Query().Get("sig")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("public PDF of a void invoice: %v", err)
	}
	doc, _, err := b.s.InvoicePDF(b.ctx, b.owner, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, doc); !strings.Contains(text, "VOID") || !strings.Contains(text, inv.Number) {
		t.Errorf("PDF of a void invoice:\n%s", text)
	}

	// A void invoice is final: no payments, no sending, no edits.
	var conflict *store.Error
	for name, err := range map[string]error{
		"payment": func() error {
			_, err := b.s.CreatePayment(b.ctx, b.owner, store.PaymentInput{InvoiceID: &inv.ID, Amount: ptr("100")})
			return err
		}(),
		"mark paid": func() error { _, err := b.s.MarkInvoicePaid(b.ctx, b.owner, inv.ID, store.MarkPaidInput{}); return err }(),
		"send":      func() error { _, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{}); return err }(),
		"update": func() error {
			_, err := b.s.UpdateInvoice(b.ctx, b.owner, inv.ID, store.InvoiceInput{Notes: ptr("x")})
			return err
		}(),
		"delete": b.s.DeleteInvoice(b.ctx, b.owner, inv.ID),
		"void":   func() error { _, err := b.s.VoidInvoice(b.ctx, b.owner, inv.ID); return err }(),
	} {
		if !asKind(err, store.ErrConflict, &conflict) {
			t.Errorf("%s on a void invoice: %v", name, err)
		}
	}
	if _, err := b.s.VoidInvoice(b.ctx, b.owner, inv.ID); !asKind(err, store.ErrConflict, &conflict) || conflict.Message != "the invoice is already void" {
		t.Errorf("voiding twice: %v", err)
	}
}

func TestVoidInvoice_OnlySentInvoicesWithoutPaymentsAndOnlyAdmins(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	var conflict *store.Error

	draft := b.invoice(store.InvoiceInput{})
	b.line(draft.ID, "Work", "1", "10000")
	if _, err := b.s.VoidInvoice(b.ctx, b.owner, draft.ID); !asKind(err, store.ErrConflict, &conflict) || !strings.Contains(conflict.Message, "delete it instead") {
		t.Errorf("voiding a draft: %v", err)
	}

	sent, entries := b.sentInvoiceWithTime("2026-03-05", "2099-12-31")
	if sent.Status != store.InvoiceSent {
		t.Fatalf("status %s", sent.Status)
	}
	// Members are forbidden and other organizations' owners see nothing; neither changes anything.
	member := b.owner
	member.Role = store.RoleMember
	if _, err := b.s.VoidInvoice(b.ctx, member, sent.ID); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member: %v", err)
	}
	stranger := b.actor("Sam Stranger", "")
	for _, id := range []string{sent.ID, "not-a-uuid", "00000000-0000-4000-8000-000000000000"} {
		if _, err := b.s.VoidInvoice(b.ctx, stranger, id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other organization, %s: %v", id, err)
		}
	}
	if got, _ := b.s.Invoice(b.ctx, b.owner, sent.ID); got.Status != store.InvoiceSent {
		t.Fatalf("refused voids changed the invoice: %s", got.Status)
	}

	// Payments must be deleted first, and the time stays billed meanwhile.
	p, err := b.s.CreatePayment(b.ctx, b.owner, store.PaymentInput{InvoiceID: &sent.ID, Amount: ptr("5000")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.VoidInvoice(b.ctx, b.owner, sent.ID); !asKind(err, store.ErrConflict, &conflict) || !strings.Contains(conflict.Message, "payments") {
		t.Errorf("voiding with a payment: %v", err)
	}
	var billed int
	if err := b.db.Get(&billed, `SELECT count(*) FROM time_entries WHERE invoice_id = $1`, sent.ID); err != nil || billed != len(entries) {
		t.Errorf("a refused void released entries: %d %v", billed, err)
	}
	if err := b.s.DeletePayment(b.ctx, b.owner, p.ID); err != nil {
		t.Fatal(err)
	}
	if v, err := b.s.VoidInvoice(b.ctx, b.owner, sent.ID); err != nil || v.Status != store.InvoiceVoid {
		t.Fatalf("voiding a sent invoice once its payment is deleted: %v %s", err, v.Status)
	}

	// A paid invoice cannot be voided.
	paid, _ := b.sentInvoiceWithTime("2026-03-06", "2099-12-31")
	if _, err := b.s.MarkInvoicePaid(b.ctx, b.owner, paid.ID, store.MarkPaidInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.s.VoidInvoice(b.ctx, b.owner, paid.ID); !asKind(err, store.ErrConflict, &conflict) || conflict.Message != "a paid invoice cannot be voided" {
		t.Errorf("voiding a paid invoice: %v", err)
	}
}

func TestTypedAmounts_AreReadInTheInvoiceCurrencyAfterThePermissionCheck(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	yen := b.invoice(store.InvoiceInput{Currency: ptr("JPY")})
	euro := b.invoice(store.InvoiceInput{})
	add := func(a store.Actor, invoiceID, price string) (store.InvoiceLineItem, error) {
		return b.s.AddInvoiceLineItem(b.ctx, a, invoiceID, store.LineItemInput{Description: ptr("Work"), Quantity: ptr("2"), UnitPriceText: &price})
	}
	for _, c := range []struct {
		invoiceID, price string
		want             int64
	}{
		{yen.ID, "1,500", 1500}, {yen.ID, " 52500 ", 52500}, {euro.ID, "85.5", 8550}, {euro.ID, "1,250.00", 125000}, {euro.ID, "0", 0},
	} {
		it, err := add(b.owner, c.invoiceID, c.price)
		if err != nil || it.UnitPrice != c.want || it.Amount != 2*c.want {
			t.Errorf("%q: %v %d", c.price, err, it.UnitPrice)
		}
	}
	var verr *store.Error
	for _, c := range []struct{ invoiceID, price, msg string }{
		{yen.ID, "1500.5", "unit_price must be a whole amount: the currency has no minor units"},
		{euro.ID, "12.345", "unit_price must have at most 2 decimals"},
		{euro.ID, "", "unit_price is required"},
		{euro.ID, "-5", "unit_price must be zero or more"},
		{euro.ID, "ten", "unit_price must be an amount such as 85.00"},
		{euro.ID, "99999999999999999", "unit_price is too large"},
	} {
		if _, err := add(b.owner, c.invoiceID, c.price); !asKind(err, store.ErrInvalid, &verr) || verr.Fields["unit_price"] != c.msg {
			t.Errorf("%q: %v", c.price, err)
		}
	}
	// Updating a line reads the typed price the same way.
	line := b.line(yen.ID, "Setup", "1", "100")
	up, err := b.s.UpdateInvoiceLineItem(b.ctx, b.owner, yen.ID, line.ID, store.LineItemInput{UnitPriceText: ptr("2,000")})
	if err != nil || up.UnitPrice != 2000 {
		t.Errorf("update with a typed price: %v %d", err, up.UnitPrice)
	}
	if _, err := b.s.UpdateInvoiceLineItem(b.ctx, b.owner, yen.ID, line.ID, store.LineItemInput{UnitPriceText: ptr("")}); !asKind(err, store.ErrInvalid, &verr) || verr.Fields["unit_price"] != "unit_price is required" {
		t.Errorf("update with a blank price: %v", err)
	}

	// A member learns they may not act, whatever they typed.
	member := b.owner
	member.Role = store.RoleMember
	if _, err := add(member, euro.ID, "12.345"); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member with a bad price: %v", err)
	}
	if _, err := b.s.UpdateInvoiceLineItem(b.ctx, member, yen.ID, line.ID, store.LineItemInput{UnitPriceText: ptr("x")}); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member updating with a bad price: %v", err)
	}

	// Payments: typed in the invoice's currency, more than zero.
	if _, err := b.s.SendInvoice(b.ctx, b.owner, yen.ID, store.SendInvoiceInput{}); err != nil {
		t.Fatal(err)
	}
	pay := func(a store.Actor, amount string) (store.Payment, error) {
		return b.s.CreatePayment(b.ctx, a, store.PaymentInput{InvoiceID: &yen.ID, AmountText: &amount})
	}
	if _, err := pay(member, "abc"); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member paying with a bad amount: %v", err)
	}
	for amount, msg := range map[string]string{
		"0": "amount must be more than 0", "": "amount is required", "10.5": "amount must be a whole amount: the currency has no minor units",
	} {
		if _, err := pay(b.owner, amount); !asKind(err, store.ErrInvalid, &verr) || verr.Fields["amount"] != msg {
			t.Errorf("amount %q: %v", amount, err)
		}
	}
	p, err := pay(b.owner, "1,000")
	if err != nil || p.Amount != 1000 {
		t.Errorf("payment of 1,000 yen: %v %d", err, p.Amount)
	}
	stranger := b.actor("Sam Stranger", "")
	if _, err := b.s.CreatePayment(b.ctx, stranger, store.PaymentInput{InvoiceID: &yen.ID, AmountText: ptr("1")}); !asKind(err, store.ErrInvalid, &verr) || verr.Fields["invoice_id"] == "" {
		t.Errorf("another organization's invoice: %v", err)
	}
}
