package store_test

import (
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// A task billed on two lines says why: its rates differ, or an earlier generation billed another period.
func TestGenerate_SplitLinesSayWhy(t *testing.T) {
	t.Parallel()
	b := newBilling(t)
	rate, other := int64(12000), int64(15000)
	b.exec(`UPDATE projects SET hourly_rate = $2 WHERE id = $1`, b.project, rate)
	design := b.taskIn(b.project, "Design")
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b.entry(b.project, design, "", day, 188*time.Second, true, nil) // 0.0522 h
	b.entry(b.project, design, "", day.Add(time.Hour), time.Hour, true, &other)
	b.entry(b.project, "", "Workshop", day.Add(3*time.Hour), time.Hour, true, nil)
	inv := b.invoice(store.InvoiceInput{})
	got, err := b.s.GenerateInvoiceLineItems(b.ctx, b.owner, inv.ID, store.GenerateInput{From: "2026-03-01", To: "2026-03-15"})
	if err != nil {
		t.Fatal(err)
	}
	descs := func(inv store.Invoice) []string {
		var out []string
		for _, it := range inv.LineItems {
			out = append(out, it.Description)
		}
		return out
	}
	want := []string{"Design (at 120.00 EUR/h)", "Design (at 150.00 EUR/h)", "Workshop"}
	if d := descs(got); len(d) != 3 || d[0] != want[0] || d[1] != want[1] || d[2] != want[2] {
		t.Fatalf("lines %q, want %q", d, want)
	}
	if got.LineItems[0].Quantity.String() != "0.0522" {
		t.Errorf("quantity %s: the stored quantity keeps its precision", got.LineItems[0].Quantity)
	}
	// The second half of the month billed later: Workshop is already on the invoice, so its new line names its period.
	b.entry(b.project, "", "Workshop", day.AddDate(0, 0, 14), time.Hour, true, nil)
	b.entry(b.project, "", "Workshop", day.AddDate(0, 0, 16), time.Hour, true, nil)
	b.entry(b.project, "", "Review", day.AddDate(0, 0, 16), time.Hour, true, nil)
	got, err = b.s.GenerateInvoiceLineItems(b.ctx, b.owner, inv.ID, store.GenerateInput{From: "2026-03-16", To: "2026-03-31"})
	if err != nil {
		t.Fatal(err)
	}
	d := descs(got)
	if len(d) != 5 || d[3] != "Workshop (Mar 16 – Mar 18, 2026)" || d[4] != "Review" {
		t.Fatalf("lines after the second generation %q", d)
	}
}
