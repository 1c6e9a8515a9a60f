package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A generated line of 188 seconds holds 0.0522 hours: the editor, the sent invoice and the public page show
// 0.05, and saving the line's other fields leaves the stored quantity (and so the amount) as it was.
func TestInvoicePages_QuantitiesShowTwoDecimalsAndKeepTheirPrecision(t *testing.T) {
	w := newInvoiceTeam(t)
	b := w.owner
	w.billable(t, "Call", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), 188*time.Second)
	id := w.draft(t)
	p := b.get("/invoices/" + id)
	b.htmx("/invoices/"+id+"/generate", url.Values{"from": {"2026-03-01"}, "to": {"2026-03-31"},
		"known": {p.doc.Find(`#invoice-generate input[name="known"]`).AttrOr("value", "")}})

	p = b.get("/invoices/" + id)
	row := p.doc.Find(`form[data-testid="line-item"]`)
	line := row.AttrOr("data-line-id", "")
	if q := row.Find(`[data-testid="line-quantity"]`).AttrOr("value", ""); q != "0.05" {
		t.Fatalf("editor quantity %q, want 0.05", q)
	}
	if s := row.Find(`input[name="quantity_shown"]`).AttrOr("value", ""); s != "0.05" {
		t.Fatalf("quantity_shown %q", s)
	}
	p = b.htmx("/invoices/"+id+"/items/"+line, url.Values{"description": {"Kick-off call"}, "quantity": {"0.05"},
		"quantity_shown": {"0.05"}, "unit_price": {"90.00"}})
	if p.status != http.StatusOK {
		t.Fatalf("save line: %d %s", p.status, p.body)
	}
	inv, err := w.e.store.Invoice(context.Background(), w.ownerA, id)
	if err != nil {
		t.Fatal(err)
	}
	if q := inv.LineItems[0].Quantity.String(); q != "0.0522" || inv.LineItems[0].Description != "Kick-off call" || inv.Subtotal != 470 {
		t.Fatalf("after saving the description: quantity %s, %q, subtotal %d", q, inv.LineItems[0].Description, inv.Subtotal)
	}
	// A quantity typed over the shown one is saved.
	b.htmx("/invoices/"+id+"/items/"+line, url.Values{"description": {"Kick-off call"}, "quantity": {"0.25"},
		"quantity_shown": {"0.05"}, "unit_price": {"90.00"}})
	if inv, _ = w.e.store.Invoice(context.Background(), w.ownerA, id); inv.LineItems[0].Quantity.String() != "0.25" {
		t.Fatalf("typed quantity not saved: %s", inv.LineItems[0].Quantity)
	}
	b.htmx("/invoices/"+id+"/items/"+line, url.Values{"description": {"Kick-off call"}, "quantity": {"0.0522"}, "unit_price": {"90.00"}})

	b.get("/invoices/" + id + "/send")
	if p := b.post("/invoices/"+id+"/send", url.Values{"to": {"billing@acme.test"}}); p.status != http.StatusSeeOther {
		t.Fatalf("send: %d", p.status)
	}
	p = b.get("/invoices/" + id)
	if q := p.find(`[data-testid="line-quantity"]`); q != "0.05" {
		t.Errorf("sent invoice quantity %q", q)
	}
	if u := p.find(`.li-cell--price`); u != "90.00 EUR" {
		t.Errorf("sent invoice unit price %q", u)
	}
	pub := w.e.browser().get(strings.TrimPrefix(w.e.store.InvoiceLink(id, 0), "http://trcr.test"))
	cells := pub.doc.Find(`[data-testid="public-line-item"] td`)
	if cells.Eq(1).Text() != "0.05" || cells.Eq(2).Text() != "90.00 EUR" || cells.Eq(3).Text() != "4.70 EUR" {
		t.Errorf("public line %q %q %q", cells.Eq(1).Text(), cells.Eq(2).Text(), cells.Eq(3).Text())
	}
}
