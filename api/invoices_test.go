package api_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store/mail"
)

func num(r resp, key string) float64 {
	f, _ := r.json[key].(float64)
	return f
}

func TestInvoicesAPI_CreateReadUpdateDelete(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env

	inv := w.createInvoice(map[string]any{"project_id": w.project, "issue_date": "2026-03-01", "due_date": "2026-04-30",
		"tax_rate": 21, "discount": 10, "notes": "Payment due within 30 days"})
	id := inv.str("id")
	for key, want := range map[string]any{
		"organization_id": w.org, "number": "INV-2026-0001", "client_id": w.client, "project_id": w.project, "status": "draft",
		"issue_date": "2026-03-01", "due_date": "2026-04-30", "currency": "EUR", "notes": "Payment due within 30 days",
		"tax_rate": 21.0, "discount": 10.0, "subtotal": 0.0, "discount_amount": 0.0, "tax_amount": 0.0, "total": 0.0,
		"amount_paid": 0.0, "balance": 0.0, "sent_at": nil, "paid_at": nil,
	} {
		if inv.json[key] != want {
			t.Errorf("%s = %v, want %v", key, inv.json[key], want)
		}
	}
	if items, ok := inv.json["line_items"].([]any); !ok || len(items) != 0 || inv.str("created_at") == "" || inv.str("updated_at") == "" {
		t.Fatalf("created: %s", inv.raw)
	}
	// Defaults: issue date today in the organization's timezone, currency of the org when the client has none.
	second := w.createInvoice(map[string]any{"client_id": w.secondClient})
	if second.str("issue_date") != time.Now().UTC().Format("2006-01-02") && second.str("issue_date") != time.Now().Add(-time.Minute).UTC().Format("2006-01-02") {
		t.Errorf("default issue_date %s", second.str("issue_date"))
	}
	if second.str("currency") != "USD" || !strings.HasPrefix(second.str("number"), "INV-") {
		t.Errorf("defaults: %s", second.raw)
	}

	t.Run("create refusals", func(t *testing.T) {
		before := w.count(`SELECT count(*) FROM invoices`)
		for _, c := range []struct {
			body map[string]any
			msg  string
		}{
			{map[string]any{"due_date": "2026-04-30"}, "client_id is required"},
			{map[string]any{"client_id": w.strangerClient, "due_date": "2026-04-30"}, "client_id must be a client of the organization"},
			{map[string]any{"client_id": "not-a-uuid", "due_date": "2026-04-30"}, "client_id must be a client of the organization"},
			{map[string]any{"client_id": w.client}, "due_date is required"},
			{map[string]any{"client_id": w.client, "due_date": "30/04/2026"}, "due_date must be a date (YYYY-MM-DD)"},
			{map[string]any{"client_id": w.client, "due_date": "2026-02-28", "issue_date": "2026-03-01"}, "due_date must be on or after issue_date"},
			{map[string]any{"client_id": w.client, "due_date": "2026-04-30", "tax_rate": 100.5}, "tax_rate must be a number from 0 to 100 with at most 4 decimals"},
			{map[string]any{"client_id": w.client, "due_date": "2026-04-30", "tax_rate": 7.12345}, "tax_rate must be a number from 0 to 100 with at most 4 decimals"},
			{map[string]any{"client_id": w.client, "due_date": "2026-04-30", "discount": -1}, "discount must be a number from 0 to 100 with at most 4 decimals"},
			{map[string]any{"client_id": w.client, "due_date": "2026-04-30", "currency": "EURO"}, "currency must be an ISO 4217 currency code such as USD"},
			{map[string]any{"client_id": w.client, "due_date": "2026-04-30", "project_id": w.secondProject}, "project_id must be a project of the client"},
			{map[string]any{"client_id": w.client, "due_date": "2026-04-30", "project_id": otherOrgID}, "project_id must be a project of the organization"},
		} {
			e.run(scenario{req: w.as(w.owner, "POST", "/invoices", c.body), status: 400, message: c.msg})
		}
		if r := e.must(400, w.as(w.owner, "POST", "/invoices", `{"client_id": "`+w.client+`", "due_date": "2026-04-30", "tax_rate": "lots"}`)); !strings.Contains(r.errMessage(), "tax_rate") {
			t.Errorf("wrong type: %s", r.raw)
		}
		ok := map[string]any{"client_id": w.client, "due_date": "2026-04-30"}
		e.must(403, w.as(w.member, "POST", "/invoices", ok))
		e.must(401, req{method: "POST", path: "/invoices", org: w.org, body: ok})
		if n := w.count(`SELECT count(*) FROM invoices`); n != before {
			t.Fatalf("refused creates stored invoices: %d → %d", before, n)
		}
	})

	t.Run("read and list", func(t *testing.T) {
		got := e.must(200, w.as(w.admin, "GET", "/invoices/"+id, nil))
		if got.str("number") != "INV-2026-0001" {
			t.Fatalf("get: %s", got.raw)
		}
		for _, bad := range []string{"not-a-uuid", otherOrgID, w.strangerInvoice} {
			e.must(404, w.as(w.owner, "GET", "/invoices/"+bad, nil))
		}
		e.must(403, w.as(w.member, "GET", "/invoices/"+id, nil))
		e.must(403, w.as(w.member, "GET", "/invoices", nil))
		e.must(401, req{method: "GET", path: "/invoices/" + id, org: w.org})

		list := e.must(200, w.as(w.owner, "GET", "/invoices?per_page=1", nil))
		if meta := list.json["meta"].(map[string]any); meta["total"] != 2.0 || meta["per_page"] != 1.0 || len(list.data()) != 1 {
			t.Fatalf("list: %s", list.raw)
		}
		// Newest issue date first.
		if all := e.must(200, w.as(w.owner, "GET", "/invoices", nil)).data(); all[0]["id"] != second.str("id") {
			t.Errorf("order: %v", all)
		}
		for query, want := range map[string]int{
			"client_id=" + w.client:         1,
			"client_id=" + w.secondClient:   1,
			"status=draft":                  2,
			"status=sent":                   0,
			"from=2026-03-01&to=2026-03-01": 1,
			"to=2026-02-28":                 0,
		} {
			if got := len(e.must(200, w.as(w.owner, "GET", "/invoices?"+query, nil)).data()); got != want {
				t.Errorf("%s: %d invoices, want %d", query, got, want)
			}
		}
		e.run(scenario{req: w.as(w.owner, "GET", "/invoices?status=late", nil), status: 400, message: "status must be one of draft, sent, paid, overdue, void"})
		e.must(400, w.as(w.owner, "GET", "/invoices?client_id=nope", nil))
		e.must(400, w.as(w.owner, "GET", "/invoices?from=yesterday", nil))
	})

	t.Run("update", func(t *testing.T) {
		up := e.must(200, w.as(w.owner, "PUT", "/invoices/"+id, map[string]any{"notes": "Net 15", "discount": 12.5, "due_date": "2026-05-15"}))
		if up.str("notes") != "Net 15" || num(up, "discount") != 12.5 || up.str("due_date") != "2026-05-15" || num(up, "tax_rate") != 21 {
			t.Fatalf("update: %s", up.raw)
		}
		e.run(scenario{req: w.as(w.owner, "PUT", "/invoices/"+id, map[string]any{"due_date": "2026-01-01"}), status: 400, message: "due_date must be on or after issue_date"})
		e.must(403, w.as(w.member, "PUT", "/invoices/"+id, map[string]any{"notes": "x"}))
		e.must(404, w.as(w.owner, "PUT", "/invoices/"+w.strangerInvoice, map[string]any{"notes": "x"}))
		e.must(404, w.as(w.owner, "PUT", "/invoices/nope", map[string]any{"notes": "x"}))
		if got := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil)); got.str("notes") != "Net 15" {
			t.Fatalf("refused updates changed the invoice: %s", got.raw)
		}
		var audits int = w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'invoice' AND entity_id = $1`, id)
		if audits != 2 {
			t.Errorf("%d audit entries", audits)
		}
	})

	t.Run("non-drafts cannot be edited or deleted", func(t *testing.T) {
		e.must(201, w.as(w.owner, "POST", "/invoices/"+id+"/line-items", map[string]any{"description": "Work", "quantity": 1, "unit_price": 100}))
		e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/send", map[string]any{}))
		e.run(scenario{req: w.as(w.owner, "PUT", "/invoices/"+id, map[string]any{"notes": "late"}), status: 409, message: "only draft invoices can be edited"})
		e.run(scenario{req: w.as(w.owner, "DELETE", "/invoices/"+id, nil), status: 409, message: "only draft invoices can be deleted"})
		// Its due date has passed: it reads overdue, and lists under overdue rather than sent.
		if got := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil)); got.str("status") != "overdue" {
			t.Errorf("status %s", got.str("status"))
		}
		if got := e.must(200, w.as(w.owner, "GET", "/invoices?status=overdue", nil)).data(); len(got) != 1 || got[0]["id"] != id {
			t.Errorf("overdue filter: %v", got)
		}
		if got := e.must(200, w.as(w.owner, "GET", "/invoices?status=sent", nil)).data(); len(got) != 0 {
			t.Errorf("sent filter: %v", got)
		}
	})

	t.Run("delete", func(t *testing.T) {
		e.must(403, w.as(w.member, "DELETE", "/invoices/"+second.str("id"), nil))
		e.must(404, w.as(w.owner, "DELETE", "/invoices/"+w.strangerInvoice, nil))
		e.must(204, w.as(w.admin, "DELETE", "/invoices/"+second.str("id"), nil))
		e.must(404, w.as(w.owner, "GET", "/invoices/"+second.str("id"), nil))
		if w.count(`SELECT count(*) FROM invoices WHERE id = $1`, w.strangerInvoice) != 1 {
			t.Fatal("the stranger's invoice is gone")
		}
	})
}

func TestInvoicesAPI_LineItems(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	inv := w.createInvoice(map[string]any{"tax_rate": 21, "discount": 10})
	id := inv.str("id")
	items := "/invoices/" + id + "/line-items"

	li := e.must(201, w.as(w.owner, "POST", items, map[string]any{"description": "Frontend development", "quantity": 10.5, "unit_price": 15000}))
	if li.str("invoice_id") != id || li.str("description") != "Frontend development" || num(li, "quantity") != 10.5 ||
		num(li, "unit_price") != 15000 || num(li, "amount") != 157500 || li.str("id") == "" {
		t.Fatalf("line item: %s", li.raw)
	}
	got := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil))
	if num(got, "subtotal") != 157500 || num(got, "discount_amount") != 15750 || num(got, "tax_amount") != 29768 || num(got, "total") != 171518 || num(got, "balance") != 171518 {
		t.Fatalf("totals: %s", got.raw)
	}
	// Linking a time entry bills it; it cannot be linked twice.
	entry := w.sqlEntry(w.project, "Call", time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), time.Hour, 9000)
	linked := e.must(201, w.as(w.owner, "POST", items, map[string]any{"description": "Call", "quantity": 1, "unit_price": 9000, "time_entry_ids": []string{entry}}))
	if ids, _ := linked.json["time_entry_ids"].([]any); len(ids) != 1 || ids[0] != entry {
		t.Fatalf("linked: %s", linked.raw)
	}
	if w.count(`SELECT count(*) FROM time_entries WHERE id = $1 AND invoice_id = $2 AND line_item_id = $3`, entry, id, linked.str("id")) != 1 {
		t.Fatal("entry not linked")
	}
	e.must(409, w.as(w.owner, "POST", items, map[string]any{"description": "Again", "quantity": 1, "unit_price": 1, "time_entry_ids": []string{entry}}))

	t.Run("refusals", func(t *testing.T) {
		before := w.count(`SELECT count(*) FROM invoice_line_items`)
		for _, c := range []struct {
			body map[string]any
			msg  string
		}{
			{map[string]any{"quantity": 1, "unit_price": 1}, "description is required"},
			{map[string]any{"description": " ", "quantity": 1, "unit_price": 1}, "description is required"},
			{map[string]any{"description": "x", "unit_price": 1}, "quantity is required"},
			{map[string]any{"description": "x", "quantity": -1, "unit_price": 1}, "quantity must be a number of 0 or more with at most 4 decimals"},
			{map[string]any{"description": "x", "quantity": 1.00001, "unit_price": 1}, "quantity must be a number of 0 or more with at most 4 decimals"},
			{map[string]any{"description": "x", "quantity": 1}, "unit_price is required"},
			{map[string]any{"description": "x", "quantity": 1, "unit_price": 10.5}, "unit_price must be a whole number of cents, 0 or more"},
			{map[string]any{"description": "x", "quantity": 1, "unit_price": -5}, "unit_price must be a whole number of cents, 0 or more"},
			{map[string]any{"description": "x", "quantity": 1, "unit_price": 1, "time_entry_ids": []string{otherOrgID}}, "time_entry_ids must be time entries of the organization"},
		} {
			e.run(scenario{req: w.as(w.owner, "POST", items, c.body), status: 400, message: c.msg})
		}
		ok := map[string]any{"description": "x", "quantity": 1, "unit_price": 1}
		e.must(403, w.as(w.member, "POST", items, ok))
		e.must(401, req{method: "POST", path: items, org: w.org, body: ok})
		e.must(404, w.as(w.owner, "POST", "/invoices/"+w.strangerInvoice+"/line-items", ok))
		e.must(404, w.as(w.owner, "POST", "/invoices/nope/line-items", ok))
		if n := w.count(`SELECT count(*) FROM invoice_line_items`); n != before {
			t.Fatalf("refused adds stored items: %d → %d", before, n)
		}
	})

	t.Run("update and delete", func(t *testing.T) {
		path := items + "/" + li.str("id")
		up := e.must(200, w.as(w.owner, "PUT", path, map[string]any{"quantity": 12}))
		if num(up, "quantity") != 12 || num(up, "amount") != 180000 || up.str("description") != "Frontend development" {
			t.Fatalf("update: %s", up.raw)
		}
		if got := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil)); num(got, "subtotal") != 189000 {
			t.Fatalf("subtotal after update: %s", got.raw)
		}
		e.run(scenario{req: w.as(w.owner, "PUT", path, map[string]any{"description": ""}), status: 400, message: "description is required"})
		e.must(403, w.as(w.member, "PUT", path, map[string]any{"quantity": 1}))
		e.must(404, w.as(w.owner, "PUT", items+"/"+otherOrgID, map[string]any{"quantity": 1}))
		e.must(404, w.as(w.owner, "PUT", items+"/nope", map[string]any{"quantity": 1}))
		e.must(403, w.as(w.member, "DELETE", path, nil))
		// Removing the linked line releases its entry.
		e.must(204, w.as(w.owner, "DELETE", items+"/"+linked.str("id"), nil))
		if w.count(`SELECT count(*) FROM time_entries WHERE id = $1 AND invoice_id IS NULL AND line_item_id IS NULL`, entry) != 1 {
			t.Fatal("entry not released")
		}
		e.must(404, w.as(w.owner, "DELETE", items+"/"+linked.str("id"), nil))
		if got := e.must(200, w.as(w.owner, "GET", "/invoices/"+id, nil)); num(got, "subtotal") != 180000 || len(got.json["line_items"].([]any)) != 1 {
			t.Fatalf("after delete: %s", got.raw)
		}
	})

	t.Run("only drafts", func(t *testing.T) {
		e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/send", nil))
		path := items + "/" + li.str("id")
		e.runAll([]scenario{
			{req: w.as(w.owner, "POST", items, map[string]any{"description": "x", "quantity": 1, "unit_price": 1}), status: 409, message: "only draft invoices can be edited"},
			{req: w.as(w.owner, "PUT", path, map[string]any{"quantity": 1}), status: 409, message: "only draft invoices can be edited"},
			{req: w.as(w.owner, "DELETE", path, nil), status: 409, message: "only draft invoices can be edited"},
		})
	})
}

func TestInvoicesAPI_GenerateSendPDFAndMarkPaid(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	day := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	w.sqlEntry(w.project, "Design review", day, 90*time.Minute, 10000)
	w.sqlEntry(w.project, "Design review", day.Add(3*time.Hour), 30*time.Minute, 10000)
	w.sqlEntry(w.project, "April work", day.AddDate(0, 1, 0), time.Hour, 10000)
	inv := w.createInvoice(map[string]any{"project_id": w.project, "issue_date": "2026-04-01", "due_date": "2026-04-30"})
	id := inv.str("id")

	gen := e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/generate", map[string]any{"from": "2026-03-01", "to": "2026-03-31"}))
	lines := gen.json["line_items"].([]any)
	if len(lines) != 1 || num(gen, "subtotal") != 20000 {
		t.Fatalf("generate: %s", gen.raw)
	}
	if l := lines[0].(map[string]any); l["description"] != "Design review" || l["quantity"] != 2.0 || l["unit_price"] != 10000.0 {
		t.Fatalf("generated line: %v", l)
	}
	// Nothing left in the range: 200 with the invoice unchanged.
	if again := e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/generate", map[string]any{"from": "2026-03-01", "to": "2026-03-31"})); num(again, "subtotal") != 20000 {
		t.Fatalf("second generate: %s", again.raw)
	}
	e.run(scenario{req: w.as(w.owner, "POST", "/invoices/"+id+"/generate", map[string]any{"from": "March"}), status: 400, message: "from must be a date (YYYY-MM-DD) or an RFC 3339 datetime"})
	e.must(403, w.as(w.member, "POST", "/invoices/"+id+"/generate", nil))
	e.must(404, w.as(w.owner, "POST", "/invoices/"+w.strangerInvoice+"/generate", nil))

	t.Run("pdf", func(t *testing.T) {
		// The organization's logo and address, read from the blob store and settings, are printed.
		ct, body := multipartBody(t, "logo", "logo.png", "image/png", pngImage(t, 400, 100))
		e.must(200, req{method: "POST", path: "/organizations/" + w.org + "/logo/upload", token: w.owner.token, body: body, contentType: ct})
		e.must(200, req{method: "PUT", path: "/organizations/" + w.org, token: w.owner.token, body: map[string]any{
			"settings": map[string]any{"address": "1 Main Street\nSpringfield", "tax_id": "DE123"},
		}})
		r := e.must(200, w.as(w.owner, "GET", "/invoices/"+id+"/pdf", nil))
		if !strings.Contains(string(r.raw), "/Subtype /Image") {
			t.Error("the PDF has no logo")
		}
		if r.header.Get("Content-Type") != "application/pdf" || r.header.Get("Content-Disposition") != `attachment; filename="INV-2026-0001.pdf"` {
			t.Fatalf("headers %v", r.header)
		}
		if text := apiPDFText(t, r.raw); !strings.Contains(text, "INV-2026-0001") || !strings.Contains(text, "Zoë Müller GmbH") ||
			!strings.Contains(text, "Springfield") || !strings.Contains(text, "Tax ID: DE123") {
			t.Fatalf("pdf text %q", text)
		}
		e.must(403, w.as(w.member, "GET", "/invoices/"+id+"/pdf", nil))
		e.must(404, w.as(w.owner, "GET", "/invoices/"+w.strangerInvoice+"/pdf", nil))
		e.must(401, req{method: "GET", path: "/invoices/" + id + "/pdf", org: w.org})
	})

	t.Run("send", func(t *testing.T) {
		empty := w.createInvoice(map[string]any{})
		e.run(scenario{req: w.as(w.owner, "POST", "/invoices/"+empty.str("id")+"/send", nil), status: 400, message: "the invoice has no line items"})
		e.must(403, w.as(w.member, "POST", "/invoices/"+id+"/send", nil))
		e.must(404, w.as(w.owner, "POST", "/invoices/"+w.strangerInvoice+"/send", nil))
		e.run(scenario{req: w.as(w.owner, "POST", "/invoices/"+id+"/send", map[string]any{"to": []string{"nope"}}), status: 400, message: "to must be a list of email addresses"})
		if w.count(`SELECT count(*) FROM invoices WHERE id = $1 AND status = 'draft'`, id) != 1 {
			t.Fatal("a refused send changed the status")
		}
		sent := e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/send", map[string]any{"message": "Please find attached invoice for March."}))
		if sent.str("status") != "sent" && sent.str("status") != "overdue" || sent.str("sent_at") == "" {
			t.Fatalf("sent: %s", sent.raw)
		}
		m := e.lastEmailTo("billing@zoe.example")
		if m.Subject != "Invoice INV-2026-0001 from Acme Studio" || !strings.Contains(m.Text, "Please find attached invoice for March.") ||
			!strings.Contains(m.Text, "http://trcr.test/i/"+id+"?sig=") {
			t.Fatalf("email %q %q", m.Subject, m.Text)
		}
		var atts []mail.Attachment
		if err := json.Unmarshal(m.Attachments, &atts); err != nil || len(atts) != 1 || atts[0].Filename != "INV-2026-0001.pdf" ||
			atts[0].ContentType != "application/pdf" || !strings.Contains(apiPDFText(t, atts[0].Data), "INV-2026-0001") {
			t.Fatalf("attachments: %v %s", err, m.Attachments)
		}
	})

	t.Run("mark paid", func(t *testing.T) {
		path := "/invoices/" + id + "/mark-paid"
		draft := w.createInvoice(map[string]any{})
		e.runAll([]scenario{
			{req: w.as(w.owner, "POST", "/invoices/"+draft.str("id")+"/mark-paid", nil), status: 409, message: "send the invoice first"},
			{req: w.as(w.owner, "POST", path, map[string]any{"payment_method": "cheque"}), status: 400, message: "payment_method must be one of bank_transfer, credit_card, cash, other"},
			{req: w.as(w.owner, "POST", path, map[string]any{"paid_at": "soon"}), status: 400, message: "paid_at must be a date (YYYY-MM-DD) or an RFC 3339 datetime"},
		})
		e.must(403, w.as(w.member, "POST", path, nil))
		e.must(404, w.as(w.owner, "POST", "/invoices/"+w.strangerInvoice+"/mark-paid", nil))
		paid := e.must(200, w.as(w.owner, "POST", path, map[string]any{"payment_method": "bank_transfer", "paid_at": "2026-04-15T10:00:00Z"}))
		if paid.str("status") != "paid" || num(paid, "amount_paid") != 20000 || num(paid, "balance") != 0 || paid.str("paid_at") != "2026-04-15T10:00:00Z" {
			t.Fatalf("paid: %s", paid.raw)
		}
		pays := e.must(200, w.as(w.owner, "GET", "/payments?invoice_id="+id, nil)).data()
		if len(pays) != 1 || pays[0]["amount"] != 20000.0 || pays[0]["method"] != "bank_transfer" {
			t.Fatalf("payments: %v", pays)
		}
		e.run(scenario{req: w.as(w.owner, "POST", path, nil), status: 409, message: "the invoice is already paid"})
		e.must(409, w.as(w.owner, "POST", "/invoices/"+id+"/send", nil))
		// The other admin hears about it; the member does not.
		if w.count(`SELECT count(*) FROM notifications WHERE type = 'invoice_paid' AND user_id = $1`, w.admin.id) != 1 ||
			w.count(`SELECT count(*) FROM notifications WHERE type = 'invoice_paid' AND user_id = $1`, w.member.id) != 0 {
			t.Fatal("invoice_paid notifications")
		}
		if got := e.must(200, w.as(w.owner, "GET", "/invoices?status=paid", nil)).data(); len(got) != 1 {
			t.Fatalf("paid filter: %v", got)
		}
	})
}

// apiPDFText extracts a PDF's text with poppler's pdftotext.
func apiPDFText(t *testing.T, doc []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func TestInvoicesAPI_Void(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	// sent creates an invoice of the project that bills one hour of new time, and sends it.
	sent := func(desc string) (id, entry string) {
		entry = w.sqlEntry(w.project, desc, time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC), time.Hour, 10000)
		id = w.createInvoice(map[string]any{"project_id": w.project, "issue_date": "2026-03-15"}).str("id")
		e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/generate", nil))
		e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/send", nil))
		return id, entry
	}
	target, entry := sent("Design")
	byAdmin, _ := sent("Review")
	withPayment, _ := sent("Support")
	e.must(201, w.as(w.owner, "POST", "/payments", map[string]any{"invoice_id": withPayment, "amount": 100}))
	paid, _ := sent("Hosting")
	e.must(200, w.as(w.owner, "POST", "/invoices/"+paid+"/mark-paid", nil))
	draft := w.createInvoice(map[string]any{}).str("id")
	void := func(id string) string { return "/invoices/" + id + "/void" }

	for _, c := range []struct {
		name   string
		req    req
		status int
		msg    string
	}{
		{"member", w.as(w.member, "POST", void(target), nil), 403, ""},
		{"no token", req{method: "POST", path: void(target), org: w.org}, 401, ""},
		{"other organization", w.as(w.owner, "POST", void(w.strangerInvoice), nil), 404, ""},
		{"unknown id", w.as(w.owner, "POST", void(otherOrgID), nil), 404, ""},
		{"not an id", w.as(w.owner, "POST", void("nope"), nil), 404, ""},
		{"draft", w.as(w.owner, "POST", void(draft), nil), 409, "a draft cannot be voided: delete it instead"},
		{"paid", w.as(w.owner, "POST", void(paid), nil), 409, "a paid invoice cannot be voided"},
		{"with payments", w.as(w.owner, "POST", void(withPayment), nil), 409, "the invoice has payments: refund or delete them before voiding it"},
		{"happy", w.as(w.owner, "POST", void(target), nil), 200, ""},
		{"admin", w.as(w.admin, "POST", void(byAdmin), map[string]any{}), 200, ""},
		{"already void", w.as(w.owner, "POST", void(target), nil), 409, "the invoice is already void"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.req)
			if r.status != c.status || c.msg != "" && r.errMessage() != c.msg {
				t.Fatalf("want %d %q, got %d %s", c.status, c.msg, r.status, r.raw)
			}
			if c.status == 200 {
				items, _ := r.json["line_items"].([]any)
				if r.str("status") != "void" || !strings.HasPrefix(r.str("number"), "INV-2026-") || num(r, "total") != 10000 || num(r, "balance") != 0 || len(items) != 1 ||
					len(items[0].(map[string]any)["time_entry_ids"].([]any)) != 0 || r.str("sent_at") == "" {
					t.Fatalf("void invoice: %s", r.raw)
				}
			}
		})
	}
	if n := w.count(`SELECT count(*) FROM invoices WHERE status = 'void'`); n != 2 {
		t.Fatalf("void invoices = %d", n)
	}
	if n := w.count(`SELECT count(*) FROM invoices WHERE id IN ($1, $2, $3) AND status <> 'void'`, withPayment, paid, draft); n != 3 {
		t.Fatalf("refused voids changed invoices")
	}
	// The released entry is billed again by the next invoice; the void one is listed under void and takes no payments.
	next := w.createInvoice(map[string]any{"project_id": w.project, "issue_date": "2026-03-20"}).str("id")
	e.must(200, w.as(w.owner, "POST", "/invoices/"+next+"/generate", nil))
	if w.count(`SELECT count(*) FROM time_entries WHERE id = $1 AND invoice_id = $2`, entry, next) != 1 {
		t.Fatal("the released entry was not billed again")
	}
	if got := e.must(200, w.as(w.owner, "GET", "/invoices?status=void", nil)).data(); len(got) != 2 {
		t.Fatalf("void filter: %v", got)
	}
	e.run(scenario{req: w.as(w.owner, "POST", "/payments", map[string]any{"invoice_id": target, "amount": 100}), status: 409, message: "a void invoice cannot take payments"})
}
