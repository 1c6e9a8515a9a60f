package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/mail"
	"github.com/trcr/trcr/store/mail/mailtest"
)

// newBilling: an organization with an owner, a client and a project of that client; clients, tasks and time
// entries are written with plain SQL so these tests depend only on the schema.
func newBilling(t *testing.T) *world {
	t.Helper()
	b := newWorld(t).ownedBy("Olga Owner", "olga.owner@example.com", "Acme Studio")
	b.clientID = b.client("Zoë Müller GmbH", "billing@zoe.example", nil)
	b.project = b.clientProject("Website", &b.clientID, nil)
	return b
}

// actor registers a user; with orgID it joins that organization as an admin, else it creates one.
func (b *world) actor(name, orgID string) store.Actor {
	b.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"
	id := b.register(name, email)
	if orgID == "" {
		return b.organizationOf(id, "Acme Studio")
	}
	b.exec(`INSERT INTO members (organization_id, user_id, email, role, status) VALUES ($1, $2, $3, 'admin', 'active')`, orgID, id, email)
	return b.actorIn(id, orgID)
}

func (b *world) client(name, email string, rate *int64) string {
	b.t.Helper()
	return b.id(`INSERT INTO clients (organization_id, name, email, hourly_rate, currency) VALUES ($1, $2, $3, $4, 'EUR') RETURNING id`,
		b.owner.OrgID, name, email, rate)
}

func (b *world) clientProject(name string, clientID *string, rate *int64) string {
	b.t.Helper()
	return b.id(`INSERT INTO projects (organization_id, name, client_id, hourly_rate) VALUES ($1, $2, $3, $4) RETURNING id`,
		b.owner.OrgID, name, clientID, rate)
}

func (b *world) taskIn(projectID, title string) string {
	b.t.Helper()
	group := b.id(`INSERT INTO task_groups (organization_id, project_id, name, position) VALUES ($1, $2, 'Tasks', 1) RETURNING id`,
		b.owner.OrgID, projectID)
	return b.id(`INSERT INTO tasks (organization_id, project_id, group_id, title, position) VALUES ($1, $2, $3, $4, 1) RETURNING id`,
		b.owner.OrgID, projectID, group, title)
}

// entry records a stopped time entry of the owner; taskID may be "" and rate nil.
func (b *world) entry(projectID, taskID, desc string, start time.Time, d time.Duration, billable bool, rate *int64) string {
	b.t.Helper()
	var task *string
	if taskID != "" {
		task = &taskID
	}
	return b.id(`INSERT INTO time_entries (organization_id, user_id, project_id, task_id, description, started_at, stopped_at, billable, hourly_rate)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		b.owner.OrgID, b.owner.UserID, projectID, task, desc, start, start.Add(d), billable, rate)
}

func (b *world) invoice(in store.InvoiceInput) store.Invoice {
	b.t.Helper()
	if in.ClientID == nil {
		in.ClientID = &b.clientID
	}
	if in.DueDate == nil {
		due := "2099-12-31"
		in.DueDate = &due
	}
	inv, err := b.s.CreateInvoice(b.ctx, b.owner, in)
	if err != nil {
		b.t.Fatal(err)
	}
	return inv
}

func (b *world) line(invoiceID, desc, qty, price string) store.InvoiceLineItem {
	b.t.Helper()
	it, err := b.s.AddInvoiceLineItem(b.ctx, b.owner, invoiceID, store.LineItemInput{Description: &desc, Quantity: &qty, UnitPrice: &price})
	if err != nil {
		b.t.Fatal(err)
	}
	return it
}

func ptr[T any](v T) *T { return &v }

func TestInvoiceTotals_RoundHalfUpAtEachStep(t *testing.T) {
	t.Parallel()
	lines := []struct {
		qty   string
		price int64
		want  int64
	}{
		{"10.5", 15000, 157500},
		{"0.3333", 100, 33},
		{"0.005", 100, 1},      // 0.5 → up
		{"0.0049", 100, 0},     // 0.49 → down
		{"1.0005", 1000, 1001}, // 1000.5 → up
		{"0", 15000, 0},
		{"2", 0, 0},
		{"0.0001", 5000, 1}, // 0.5 → up
		{"1.25", 3, 4},      // 3.75 → 4
	}
	for _, c := range lines {
		got, err := store.LineAmount(c.qty, c.price)
		if err != nil || got != c.want {
			t.Errorf("LineAmount(%s, %d) = %d, %v; want %d", c.qty, c.price, got, err, c.want)
		}
	}
	totals := []struct {
		name          string
		amounts       []int64
		discount, tax string
		want          store.InvoiceTotals
	}{
		{"discount then tax", []int64{157500}, "10", "21", store.InvoiceTotals{Subtotal: 157500, DiscountAmount: 15750, TaxAmount: 29768, Total: 171518}},
		{"no discount or tax", []int64{100, 250}, "0", "0", store.InvoiceTotals{Subtotal: 350, Total: 350}},
		{"half cent discount goes up", []int64{5}, "10", "0", store.InvoiceTotals{Subtotal: 5, DiscountAmount: 1, Total: 4}},
		{"below half goes down", []int64{4}, "10", "0", store.InvoiceTotals{Subtotal: 4, DiscountAmount: 0, Total: 4}},
		{"tax on the discounted amount", []int64{1000}, "33.3333", "7.5", store.InvoiceTotals{Subtotal: 1000, DiscountAmount: 333, TaxAmount: 50, Total: 717}},
		{"tax half up", []int64{10}, "0", "5", store.InvoiceTotals{Subtotal: 10, TaxAmount: 1, Total: 11}},
		{"full discount", []int64{999}, "100", "21", store.InvoiceTotals{Subtotal: 999, DiscountAmount: 999, Total: 0}},
		{"empty", nil, "10", "21", store.InvoiceTotals{}},
	}
	for _, c := range totals {
		got, err := store.ComputeInvoiceTotals(c.amounts, c.discount, c.tax)
		if err != nil || got != c.want {
			t.Errorf("%s: %+v, %v; want %+v", c.name, got, err, c.want)
		}
	}
}

func TestCreateInvoice_TotalsFollowLineItemsAndRates(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	inv := b.invoice(store.InvoiceInput{TaxRate: ptr("21"), Discount: ptr("10"), IssueDate: ptr("2026-03-01"), DueDate: ptr("2026-03-31")})
	if inv.Number != "INV-2026-0001" || inv.Status != "draft" || inv.Currency != "EUR" || inv.IssueDate != "2026-03-01" {
		t.Fatalf("created %+v", inv)
	}
	b.line(inv.ID, "Frontend development", "10.5", "15000")
	got, err := b.s.Invoice(b.ctx, b.owner, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Subtotal != 157500 || got.DiscountAmount != 15750 || got.TaxAmount != 29768 || got.Total != 171518 || got.Balance != 171518 {
		t.Fatalf("totals %+v", got)
	}
	if raw, _ := json.Marshal(got); !strings.Contains(string(raw), `"tax_rate":21,`) || !strings.Contains(string(raw), `"quantity":10.5,`) {
		t.Errorf("JSON numbers: %s", raw)
	}
	// A new issue year starts a new sequence.
	next := b.invoice(store.InvoiceInput{IssueDate: ptr("2027-01-02")})
	if next.Number != "INV-2027-0001" {
		t.Errorf("number %s", next.Number)
	}
}

func TestCreateInvoice_ConcurrentCreatesGetConsecutiveNumbers(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	const n = 10
	numbers := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv, err := b.s.CreateInvoice(b.ctx, b.owner, store.InvoiceInput{
				ClientID: &b.clientID, IssueDate: ptr("2026-05-01"), DueDate: ptr("2026-05-31"),
			})
			numbers[i], errs[i] = inv.Number, err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	sort.Strings(numbers)
	for i, got := range numbers {
		if want := fmt.Sprintf("INV-2026-%04d", i+1); got != want {
			t.Fatalf("numbers %v: want %s at %d", numbers, want, i)
		}
	}
}

func TestGenerate_OneLinePerTaskAndRateWithRateFallback(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	clientRate, projectRate, entryRate := int64(10000), int64(12000), int64(20000)
	b.exec(`UPDATE clients SET hourly_rate = $2 WHERE id = $1`, b.clientID, clientRate)
	rated := b.clientProject("Rated", &b.clientID, &projectRate)
	design := b.taskIn(b.project, "Design")
	day := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	e1 := b.entry(b.project, design, "", day, time.Hour, true, nil)                       // client rate
	e2 := b.entry(b.project, design, "", day.Add(2*time.Hour), 30*time.Minute, true, nil) // same line
	e3 := b.entry(b.project, design, "", day.Add(4*time.Hour), time.Hour, true, &entryRate)
	e4 := b.entry(rated, "", "Meeting", day.Add(24*time.Hour), 90*time.Minute, true, nil) // project rate
	b.entry(b.project, "", "Not billable", day, time.Hour, false, nil)
	b.entry(b.project, "", "Outside range", day.AddDate(0, 1, 0), time.Hour, true, nil)
	other := b.client("Other", "", nil)
	b.entry(b.clientProject("Other's", &other, nil), "", "Other client", day, time.Hour, true, nil)

	inv := b.invoice(store.InvoiceInput{})
	got, err := b.s.GenerateInvoiceLineItems(b.ctx, b.owner, inv.ID, store.GenerateInput{From: "2026-03-01", To: "2026-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		desc, qty string
		price     int64
		entries   int
	}
	var lines []line
	for _, it := range got.LineItems {
		lines = append(lines, line{it.Description, it.Quantity.String(), it.UnitPrice, len(it.TimeEntryIDs)})
	}
	want := []line{{"Design (at 100.00 EUR/h)", "1.5", clientRate, 2}, {"Design (at 200.00 EUR/h)", "1", entryRate, 1}, {"Meeting", "1.5", projectRate, 1}}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("lines %v, want %v", lines, want)
	}
	if got.Subtotal != 15000+20000+18000 {
		t.Errorf("subtotal %d", got.Subtotal)
	}
	// Generating again finds nothing more: 200 with the invoice unchanged.
	again, err := b.s.GenerateInvoiceLineItems(b.ctx, b.owner, inv.ID, store.GenerateInput{From: "2026-03-01", To: "2026-03-31"})
	if err != nil || len(again.LineItems) != 3 || again.Total != got.Total {
		t.Fatalf("second generate: %v %+v", err, again)
	}
	// Removing a line releases its entries; deleting the invoice releases the rest.
	var billed int
	count := func() int {
		t.Helper()
		if err := b.db.Get(&billed, `SELECT count(*) FROM time_entries WHERE invoice_id IS NOT NULL OR line_item_id IS NOT NULL`); err != nil {
			t.Fatal(err)
		}
		return billed
	}
	if count() != 4 {
		t.Fatalf("billed %d entries", billed)
	}
	if err := b.s.DeleteInvoiceLineItem(b.ctx, b.owner, inv.ID, got.LineItems[0].ID); err != nil {
		t.Fatal(err)
	}
	var free []string
	if err := b.db.Select(&free, `SELECT id FROM time_entries WHERE id IN ($1, $2) AND invoice_id IS NULL AND line_item_id IS NULL`, e1, e2); err != nil || len(free) != 2 {
		t.Fatalf("released %v %v", free, err)
	}
	if err := b.s.DeleteInvoice(b.ctx, b.owner, inv.ID); err != nil {
		t.Fatal(err)
	}
	if count() != 0 {
		t.Fatalf("%d entries still billed after deleting the invoice", billed)
	}
	_, _ = e3, e4
}

func TestGenerate_ConcurrentInvoicesBillEachEntryOnce(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	second := b.clientProject("Second", &b.clientID, nil)
	tasks := []string{b.taskIn(b.project, "A"), b.taskIn(b.project, "B"), b.taskIn(second, "C")}
	start := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	var total time.Duration
	for i := range 60 {
		d := time.Duration(15*(i%4+1)) * time.Minute
		total += d
		p := b.project
		if i%3 == 2 {
			p = second
		}
		task := tasks[i%3]
		b.entry(p, task, "", start.Add(time.Duration(i)*time.Hour), d, true, ptr(int64(9000)))
	}
	for round := range 5 {
		invs := []store.Invoice{b.invoice(store.InvoiceInput{}), b.invoice(store.InvoiceInput{})}
		var wg sync.WaitGroup
		results := make([]store.Invoice, 2)
		errs := make([]error, 2)
		for i := range invs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = b.s.GenerateInvoiceLineItems(b.ctx, b.owner, invs[i].ID, store.GenerateInput{})
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		var hours float64
		for i, r := range results {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			for _, it := range r.LineItems {
				var q float64
				fmt.Sscan(it.Quantity.String(), &q)
				hours += q
				for _, id := range it.TimeEntryIDs {
					if seen[id] {
						t.Fatalf("round %d: entry %s billed twice", round, id)
					}
					seen[id] = true
				}
			}
		}
		if len(seen) != 60 || hours != total.Hours() {
			t.Fatalf("round %d: billed %d entries, %v hours; want 60 and %v", round, len(seen), hours, total.Hours())
		}
		// Release everything for the next round.
		for _, inv := range invs {
			if err := b.s.DeleteInvoice(b.ctx, b.owner, inv.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestLineItems_LinkEntriesOnceAndOnlyOnDrafts(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e := b.entry(b.project, "", "Work", day, time.Hour, true, nil)
	running := b.id(`INSERT INTO time_entries (organization_id, user_id, project_id, started_at) VALUES ($1, $2, $3, now()) RETURNING id`,
		b.owner.OrgID, b.owner.UserID, b.project)
	inv := b.invoice(store.InvoiceInput{})
	add := func(ids ...string) error {
		_, err := b.s.AddInvoiceLineItem(b.ctx, b.owner, inv.ID, store.LineItemInput{
			Description: ptr("Work"), Quantity: ptr("1"), UnitPrice: ptr("100"), TimeEntryIDs: ids,
		})
		return err
	}
	if err := add(e); err != nil {
		t.Fatal(err)
	}
	var conflict *store.Error
	if err := add(e); !asKind(err, store.ErrConflict, &conflict) {
		t.Errorf("linking an invoiced entry: %v", err)
	}
	var verr *store.Error
	if err := add(running); !asKind(err, store.ErrInvalid, &verr) {
		t.Errorf("linking a running entry: %v", err)
	}
	if err := add("00000000-0000-4000-8000-000000000000"); !asKind(err, store.ErrInvalid, &verr) || verr.Fields["time_entry_ids"] == "" {
		t.Errorf("linking an unknown entry: %v", err)
	}
	// Sent invoices are frozen.
	if _, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{}); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"add": add(),
		"update": func() error {
			_, err := b.s.UpdateInvoice(b.ctx, b.owner, inv.ID, store.InvoiceInput{Notes: ptr("x")})
			return err
		}(),
		"delete": b.s.DeleteInvoice(b.ctx, b.owner, inv.ID),
		"generate": func() error {
			_, err := b.s.GenerateInvoiceLineItems(b.ctx, b.owner, inv.ID, store.GenerateInput{})
			return err
		}(),
	} {
		if !asKind(err, store.ErrConflict, &conflict) {
			t.Errorf("%s on a sent invoice: %v", name, err)
		}
	}
}

// pdfText extracts a PDF's text with poppler's pdftotext.
func pdfText(t *testing.T, doc []byte) string {
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

var publicLink = regexp.MustCompile(`https://trcr\.example/i/([0-9a-f-]{36})\?sig=([0-9a-f]{64})`)

func TestSendInvoice_EmailsThePDFToTheClientThroughSMTP(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	b.exec(`INSERT INTO client_contacts (organization_id, client_id, name, email) VALUES ($1, $2, 'Ann', 'ann@zoe.example'), ($1, $2, 'No Mail', '')`,
		b.owner.OrgID, b.clientID)
	inv := b.invoice(store.InvoiceInput{IssueDate: ptr("2026-03-01"), DueDate: ptr("2026-03-31")})

	if _, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{}); err == nil {
		t.Fatal("sending an invoice without line items succeeded")
	}
	b.line(inv.ID, "Frontend development", "10.5", "15000")
	sent, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{Message: ptr("Please find attached invoice for March.")})
	if err != nil {
		t.Fatal(err)
	}
	if sent.Status != "overdue" && sent.Status != "sent" || sent.SentAt == nil {
		t.Fatalf("after send: %+v", sent)
	}
	emails, err := b.s.OutboxEmails(b.ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var outbox []store.OutboxEmail
	for _, e := range emails {
		if strings.HasPrefix(e.Subject, "Invoice ") {
			outbox = append(outbox, e)
		}
	}
	if len(outbox) != 1 {
		t.Fatalf("want one invoice email, got %d", len(outbox))
	}
	e := outbox[0]
	if fmt.Sprint(e.To) != "[billing@zoe.example ann@zoe.example]" || e.Subject != "Invoice INV-2026-0001 from Acme Studio" {
		t.Errorf("email to %v subject %q", e.To, e.Subject)
	}
	for _, want := range []string{"Please find attached invoice for March.", "1,575.00 EUR", "Mar 31, 2026", "https://trcr.example/i/" + inv.ID + "?sig="} {
		if !strings.Contains(e.Text, want) || !strings.Contains(e.HTML, strings.ReplaceAll(want, "&", "&amp;")) {
			t.Errorf("email lacks %q:\n%s", want, e.Text)
		}
	}
	if !strings.Contains(e.HTML, "View invoice") {
		t.Error("no View invoice button")
	}
	var atts []mail.Attachment
	if err := json.Unmarshal(e.Attachments, &atts); err != nil || len(atts) != 1 {
		t.Fatalf("attachments %s: %v", e.Attachments, err)
	}
	if atts[0].Filename != "INV-2026-0001.pdf" || atts[0].ContentType != "application/pdf" || !strings.HasPrefix(string(atts[0].Data), "%PDF-") {
		t.Errorf("attachment %s %s %q", atts[0].Filename, atts[0].ContentType, atts[0].Data[:8])
	}

	// The outbox delivers it to a real SMTP server with the PDF intact.
	srv := mailtest.Start(t)
	for {
		found, err := b.s.DeliverNextEmail(b.ctx, smtpSender(t, srv))
		if err != nil {
			t.Fatal(err)
		}
		if !found {
			break
		}
	}
	got := srv.WaitFor(t, "ann@zoe.example", 10*time.Second)
	if got.Subject != "Invoice INV-2026-0001 from Acme Studio" || len(got.Attachments) != 1 {
		t.Fatalf("received %q with %d attachments", got.Subject, len(got.Attachments))
	}
	text := pdfText(t, got.Attachments[0].Data)
	for _, want := range []string{"INV-2026-0001", "Zoë Müller GmbH", "Frontend development", "1,575.00 EUR"} {
		if !strings.Contains(text, want) {
			t.Errorf("received PDF lacks %q:\n%s", want, text)
		}
	}

	// The public link opens the invoice without an account, and only with its signature.
	m := publicLink.FindStringSubmatch(got.Text)
	if m == nil {
		t.Fatalf("no public link in %q", got.Text)
	}
	pub, err := b.s.PublicInvoice(b.ctx, m[1], m[2])
	if err != nil || pub.Number != "INV-2026-0001" || len(pub.LineItems) != 1 {
		t.Fatalf("public invoice: %v %+v", err, pub)
	}
	doc, name, err := b.s.PublicInvoicePDF(b.ctx, m[1], m[2])
	if err != nil || name != "INV-2026-0001.pdf" || !strings.Contains(pdfText(t, doc), "INV-2026-0001") {
		t.Fatalf("public PDF: %v %s", err, name)
	}
	bad := []string{"", strings.Repeat("0", 64), m[2][:63] + "x", m[2][1:]}
	for _, sig := range bad {
		if _, err := b.s.PublicInvoice(b.ctx, m[1], sig); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("sig %q: %v", sig, err)
		}
		if _, _, err := b.s.PublicInvoicePDF(b.ctx, m[1], sig); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("PDF sig %q: %v", sig, err)
		}
	}
	// Another invoice's signature does not open this one.
	other := b.invoice(store.InvoiceInput{})
	if _, err := b.s.PublicInvoice(b.ctx, other.ID, m[2]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another invoice's signature: %v", err)
	}
	// Re-sending keeps the first sent_at and enqueues one more email.
	resent, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{To: []string{"boss@zoe.example"}})
	if err != nil || !resent.SentAt.Equal(*sent.SentAt) {
		t.Fatalf("re-send: %v %v %v", err, resent.SentAt, sent.SentAt)
	}
}

func TestSendInvoice_ClientWithoutEmailNeedsTo(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	silent := b.client("Silent", "", nil)
	inv := b.invoice(store.InvoiceInput{ClientID: &silent})
	b.line(inv.ID, "Work", "1", "100")
	_, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{})
	var verr *store.Error
	if !asKind(err, store.ErrInvalid, &verr) || verr.Message != "the client has no email address; pass to" {
		t.Fatalf("send: %v", err)
	}
	if _, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{To: []string{"not an email"}}); !asKind(err, store.ErrInvalid, &verr) {
		t.Fatalf("bad to: %v", err)
	}
	got, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{To: []string{"x@silent.example"}})
	if err != nil || got.Status != "sent" {
		t.Fatalf("send with to: %v %s", err, got.Status)
	}
}

func TestPayments_SettleTheInvoiceAndNotifyAdmins(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	admin := b.actor("Adam Admin", b.owner.OrgID)
	inv := b.invoice(store.InvoiceInput{IssueDate: ptr("2020-01-01"), DueDate: ptr("2020-01-31")})
	b.line(inv.ID, "Work", "1", "10000")

	var conflict *store.Error
	if _, err := b.s.CreatePayment(b.ctx, b.owner, store.PaymentInput{InvoiceID: &inv.ID, Amount: ptr("100")}); !asKind(err, store.ErrConflict, &conflict) {
		t.Fatalf("payment on a draft: %v", err)
	}
	if _, err := b.s.MarkInvoicePaid(b.ctx, b.owner, inv.ID, store.MarkPaidInput{}); !asKind(err, store.ErrConflict, &conflict) || conflict.Message != "send the invoice first" {
		t.Fatalf("mark-paid on a draft: %v", err)
	}
	sent, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{})
	if err != nil || sent.Status != "overdue" {
		t.Fatalf("a sent invoice past due reads %s (%v)", sent.Status, err)
	}
	list, err := b.s.Invoices(b.ctx, b.owner, store.InvoiceFilter{Status: "overdue"})
	if err != nil || list.Total != 1 {
		t.Fatalf("overdue filter: %v %d", err, list.Total)
	}
	if list, _ := b.s.Invoices(b.ctx, b.owner, store.InvoiceFilter{Status: "sent"}); list.Total != 0 {
		t.Errorf("an overdue invoice is listed as sent")
	}

	var verr *store.Error
	if _, err := b.s.CreatePayment(b.ctx, b.owner, store.PaymentInput{InvoiceID: &inv.ID, Amount: ptr("10001")}); !asKind(err, store.ErrInvalid, &verr) || verr.Message != "amount exceeds the invoice balance" {
		t.Fatalf("overpayment: %v", err)
	}
	p1, err := b.s.CreatePayment(b.ctx, b.owner, store.PaymentInput{InvoiceID: &inv.ID, Amount: ptr("4000"), PaidAt: ptr("2026-02-01T10:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := b.s.Invoice(b.ctx, b.owner, inv.ID)
	if got.AmountPaid != 4000 || got.Balance != 6000 || got.Status != "overdue" {
		t.Fatalf("after a partial payment: %+v", got)
	}
	p2, err := b.s.CreatePayment(b.ctx, b.owner, store.PaymentInput{InvoiceID: &inv.ID, Amount: ptr("6000"), Method: ptr("cash"), PaidAt: ptr("2026-02-03T10:00:00Z")})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = b.s.Invoice(b.ctx, b.owner, inv.ID)
	if got.Status != "paid" || got.Balance != 0 || got.PaidAt == nil || !got.PaidAt.Equal(p2.PaidAt) {
		t.Fatalf("after full payment: %+v", got)
	}
	if _, err := b.s.ProcessEventJobs(b.ctx); err != nil { // the notifications subscriber
		t.Fatal(err)
	}
	var notes []struct {
		Type  string `db:"type"`
		Title string `db:"title"`
		Data  []byte `db:"data"`
	}
	if err := b.db.Select(&notes, `SELECT type, title, data FROM notifications WHERE user_id = $1`, admin.UserID); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].Type != "invoice_paid" || notes[0].Title != "Invoice INV-2020-0001 was paid" ||
		!strings.Contains(string(notes[0].Data), `"link": "/invoices/`+inv.ID+`"`) {
		t.Fatalf("notifications %+v", notes)
	}
	// Lowering a payment or deleting one makes the invoice unpaid again.
	if _, err := b.s.UpdatePayment(b.ctx, b.owner, p2.ID, store.PaymentInput{Amount: ptr("5000")}); err != nil {
		t.Fatal(err)
	}
	got, _ = b.s.Invoice(b.ctx, b.owner, inv.ID)
	if got.Status != "overdue" || got.AmountPaid != 9000 || got.PaidAt != nil {
		t.Fatalf("after lowering: %+v", got)
	}
	if err := b.s.DeletePayment(b.ctx, b.owner, p1.ID); err != nil {
		t.Fatal(err)
	}
	// mark-paid records the balance as one more payment.
	paid, err := b.s.MarkInvoicePaid(b.ctx, b.owner, inv.ID, store.MarkPaidInput{PaymentMethod: ptr("bank_transfer"), PaidAt: ptr("2026-03-01")})
	if err != nil || paid.Status != "paid" || paid.AmountPaid != 10000 {
		t.Fatalf("mark-paid: %v %+v", err, paid)
	}
	payments, err := b.s.Payments(b.ctx, b.owner, store.PaymentFilter{InvoiceID: inv.ID})
	if err != nil || payments.Total != 2 || payments.Items[0].Amount != 5000 || payments.Items[0].Method != "bank_transfer" {
		t.Fatalf("payments %v %+v", err, payments)
	}
	if _, err := b.s.MarkInvoicePaid(b.ctx, b.owner, inv.ID, store.MarkPaidInput{}); !asKind(err, store.ErrConflict, &conflict) {
		t.Fatalf("mark-paid twice: %v", err)
	}
	if _, err := b.s.SendInvoice(b.ctx, b.owner, inv.ID, store.SendInvoiceInput{}); !asKind(err, store.ErrConflict, &conflict) {
		t.Fatalf("sending a paid invoice: %v", err)
	}
	var audits int
	if err := b.db.Get(&audits, `SELECT count(*) FROM audit_logs WHERE entity_type IN ('invoice', 'invoice_line_item', 'payment')`); err != nil || audits < 10 {
		t.Errorf("audit entries: %d %v", audits, err)
	}
}

func TestInvoices_MembersAreForbidden(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	inv := b.invoice(store.InvoiceInput{})
	member := b.owner
	member.Role = store.RoleMember
	if _, err := b.s.Invoice(b.ctx, member, inv.ID); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member read: %v", err)
	}
	if _, _, err := b.s.InvoicePDF(b.ctx, member, inv.ID); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member PDF: %v", err)
	}
	if _, err := b.s.Payments(b.ctx, member, store.PaymentFilter{}); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("member payments: %v", err)
	}
}
