package api_test

import (
	"testing"
)

func TestPaymentsAPI(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	inv := w.createInvoice(map[string]any{"issue_date": "2026-03-01", "due_date": "2099-03-31"})
	id := inv.str("id")
	e.must(201, w.as(w.owner, "POST", "/invoices/"+id+"/line-items", map[string]any{"description": "Work", "quantity": 10.5, "unit_price": 15000}))

	t.Run("drafts take no payments", func(t *testing.T) {
		e.run(scenario{req: w.as(w.owner, "POST", "/payments", map[string]any{"invoice_id": id, "amount": 100}), status: 409, message: "send the invoice before recording payments"})
	})
	e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/send", nil))

	first := e.must(201, w.as(w.owner, "POST", "/payments", map[string]any{
		"invoice_id": id, "amount": 57500, "method": "bank_transfer", "paid_at": "2026-03-10T09:00:00Z", "notes": "Wire 1",
	}))
	for key, want := range map[string]any{
		"organization_id": w.org, "invoice_id": id, "client_id": w.client, "amount": 57500.0, "method": "bank_transfer",
		"paid_at": "2026-03-10T09:00:00Z", "notes": "Wire 1",
	} {
		if first.json[key] != want {
			t.Errorf("%s = %v, want %v", key, first.json[key], want)
		}
	}
	if got := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil)); num(got, "amount_paid") != 57500 || num(got, "balance") != 100000 || got.str("status") != "sent" {
		t.Fatalf("after a partial payment: %s", got.raw)
	}

	t.Run("create refusals", func(t *testing.T) {
		before := w.count(`SELECT count(*) FROM payments`)
		for _, c := range []struct {
			body map[string]any
			msg  string
		}{
			{map[string]any{"amount": 100}, "invoice_id is required"},
			{map[string]any{"invoice_id": id}, "amount is required"},
			{map[string]any{"invoice_id": id, "amount": 0}, "amount must be a positive whole number of cents"},
			{map[string]any{"invoice_id": id, "amount": 10.5}, "amount must be a positive whole number of cents"},
			{map[string]any{"invoice_id": id, "amount": 100, "method": "cheque"}, "method must be one of bank_transfer, credit_card, cash, other"},
			{map[string]any{"invoice_id": id, "amount": 100, "paid_at": "tomorrow"}, "paid_at must be a date (YYYY-MM-DD) or an RFC 3339 datetime"},
			{map[string]any{"invoice_id": id, "amount": 100001}, "amount exceeds the invoice balance"},
			{map[string]any{"invoice_id": w.strangerInvoice, "amount": 100}, "invoice_id must be an invoice of the organization"},
			{map[string]any{"invoice_id": "nope", "amount": 100}, "invoice_id must be an invoice of the organization"},
		} {
			e.run(scenario{req: w.as(w.owner, "POST", "/payments", c.body), status: 400, message: c.msg})
		}
		ok := map[string]any{"invoice_id": id, "amount": 100}
		e.must(403, w.as(w.member, "POST", "/payments", ok))
		e.must(401, req{method: "POST", path: "/payments", org: w.org, body: ok})
		if n := w.count(`SELECT count(*) FROM payments`); n != before {
			t.Fatalf("refused creates stored payments: %d → %d", before, n)
		}
	})

	second := e.must(201, w.as(w.admin, "POST", "/payments", map[string]any{"invoice_id": id, "amount": 100000, "paid_at": "2026-03-20"}))
	if second.str("method") != "other" {
		t.Errorf("default method: %s", second.raw)
	}
	paid := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil))
	if paid.str("status") != "paid" || num(paid, "balance") != 0 || paid.str("paid_at") != second.str("paid_at") {
		t.Fatalf("after full payment: %s", paid.raw)
	}
	if w.count(`SELECT count(*) FROM notifications WHERE type = 'invoice_paid' AND user_id = $1`, w.owner.id) != 1 {
		t.Error("the owner was not told the invoice is paid")
	}

	t.Run("read and list", func(t *testing.T) {
		got := e.must(200, w.as(w.owner, "GET", "/payments/"+first.str("id"), nil))
		if got.str("notes") != "Wire 1" {
			t.Fatalf("get: %s", got.raw)
		}
		for _, bad := range []string{"nope", otherOrgID} {
			e.must(404, w.as(w.owner, "GET", "/payments/"+bad, nil))
		}
		e.must(403, w.as(w.member, "GET", "/payments/"+first.str("id"), nil))
		e.must(403, w.as(w.member, "GET", "/payments", nil))
		e.must(401, req{method: "GET", path: "/payments", org: w.org})
		list := e.must(200, w.as(w.owner, "GET", "/payments?per_page=1", nil))
		if meta := list.json["meta"].(map[string]any); meta["total"] != 2.0 || len(list.data()) != 1 || list.data()[0]["id"] != second.str("id") {
			t.Fatalf("list: %s", list.raw)
		}
		for query, want := range map[string]int{
			"client_id=" + w.client:           2,
			"client_id=" + w.secondClient:     0,
			"invoice_id=" + id:                2,
			"from=2026-03-11":                 1,
			"to=2026-03-10":                   1,
			"from=2026-03-10&to=2026-03-20":   2,
			"invoice_id=" + w.strangerInvoice: 0,
		} {
			if got := len(e.must(200, w.as(w.owner, "GET", "/payments?"+query, nil)).data()); got != want {
				t.Errorf("%s: %d payments, want %d", query, got, want)
			}
		}
		e.must(400, w.as(w.owner, "GET", "/payments?invoice_id=nope", nil))
		e.must(400, w.as(w.owner, "GET", "/payments?from=2026-04-01&to=2026-03-01", nil))
	})

	t.Run("update", func(t *testing.T) {
		path := "/payments/" + second.str("id")
		e.run(scenario{req: w.as(w.owner, "PUT", path, map[string]any{"amount": 100001}), status: 400, message: "amount exceeds the invoice balance"})
		e.run(scenario{req: w.as(w.owner, "PUT", path, map[string]any{"method": "barter"}), status: 400, message: "method must be one of bank_transfer, credit_card, cash, other"})
		e.must(403, w.as(w.member, "PUT", path, map[string]any{"notes": "x"}))
		e.must(404, w.as(w.owner, "PUT", "/payments/"+otherOrgID, map[string]any{"notes": "x"}))
		up := e.must(200, w.as(w.owner, "PUT", path, map[string]any{"amount": 90000, "notes": "Wire transfer ref #12345", "method": "credit_card"}))
		if num(up, "amount") != 90000 || up.str("notes") != "Wire transfer ref #12345" || up.str("method") != "credit_card" {
			t.Fatalf("update: %s", up.raw)
		}
		got := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil))
		if got.str("status") != "sent" || num(got, "balance") != 10000 || got.json["paid_at"] != nil {
			t.Fatalf("after lowering a payment: %s", got.raw)
		}
	})

	t.Run("delete", func(t *testing.T) {
		path := "/payments/" + first.str("id")
		e.must(403, w.as(w.member, "DELETE", path, nil))
		e.must(404, w.as(w.owner, "DELETE", "/payments/nope", nil))
		e.must(204, w.as(w.owner, "DELETE", path, nil))
		e.must(404, w.as(w.owner, "GET", path, nil))
		if got := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil)); num(got, "amount_paid") != 90000 {
			t.Fatalf("after delete: %s", got.raw)
		}
		if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'payment'`); n != 4 {
			t.Errorf("%d payment audit entries, want 4", n)
		}
	})
}
