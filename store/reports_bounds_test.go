package store_test

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/trcr/trcr/store"
)

// Rates are bounded at 10^12 cents on input, but a timer may run for weeks and an organization may have any
// number of entries, and rows written before the bound may hold anything up to 2^63-1: the reports sum in
// numeric and answer amounts beyond int64 at its bound instead of failing the whole report.
func TestProfitability_AmountsAtTheBoundDoNotOverflow(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	f := worldOn(t, s, db)
	const bound = 1_000_000_000_000 // the largest rate the store accepts, in cents
	org := f.rowOrg("Big Rates")
	olga := f.rowUser("Olga", "UTC")
	f.rowMember(org, olga, "owner", bound)
	huge := f.rowProject(org, "Huge", nil, bound)
	normal := f.rowProject(org, "Normal", nil, 10000)
	legacy := f.rowProject(org, "Legacy", nil, nil)
	// 10,000 timers of 1,000 hours each at the bound: 10^19 cents of revenue and as much cost, past int64.
	f.exec(`
		INSERT INTO time_entries (organization_id, user_id, project_id, started_at, stopped_at, billable)
		SELECT $1, $2, $3, '2026-03-01T00:00:00Z'::timestamptz + make_interval(secs => i),
			'2026-03-01T00:00:00Z'::timestamptz + make_interval(secs => i) + interval '1000 hours', true
		FROM generate_series(1, 10000) i`, org, olga, huge)
	f.rowEntry(reportEntry{org: org, user: olga, project: normal, start: "2026-03-02T09:00:00Z", seconds: 3600, billable: true})
	// A rate written before the bound existed.
	f.rowEntry(reportEntry{org: org, user: olga, project: legacy, start: "2026-03-03T09:00:00Z", seconds: 7200, billable: true,
		rate: int64(math.MaxInt64)})

	rows, err := s.Profitability(context.Background(), reportActor(t, s, olga, org), store.ProfitabilityFilter{From: "2026-03-01", To: "2026-03-31"})
	if err != nil {
		t.Fatalf("profitability: %v", err)
	}
	ptr := func(s string) *string { return &s }
	want := []store.ProfitabilityRow{
		// Revenue and cost are both past the bound; their difference, taken exactly, is 0.
		{ID: ptr(huge), Name: "Huge", Revenue: math.MaxInt64, Cost: math.MaxInt64, Profit: 0, MarginPercent: 0},
		{ID: ptr(legacy), Name: "Legacy", Revenue: math.MaxInt64, Cost: 2 * bound, Profit: math.MaxInt64, MarginPercent: 100},
		{ID: ptr(normal), Name: "Normal", Revenue: 10000, Cost: bound, Profit: 10000 - bound, MarginPercent: -9999999900},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("\n got %v\nwant %v", dumpProfitability(rows), dumpProfitability(want))
	}
	if _, err := s.Profitability(context.Background(), reportActor(t, s, olga, org), store.ProfitabilityFilter{From: "2026-03-01", To: "2026-03-31", GroupBy: "client"}); err != nil {
		t.Errorf("by client: %v", err)
	}
	if _, err := s.Timesheet(context.Background(), reportActor(t, s, olga, org), store.TimesheetFilter{From: "2026-03-01", To: "2026-03-31"}); err != nil {
		t.Errorf("timesheet: %v", err)
	}
}

func TestRevenue_SumsPastInt64AnswerTheBound(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	f := worldOn(t, s, db)
	org := f.rowOrg("Big Invoices")
	olga := f.rowUser("Olga", "UTC")
	f.rowMember(org, olga, "owner", 0)
	client := f.rowClient(org, "Whale", nil)
	for _, n := range []string{"INV-1", "INV-2", "INV-3"} {
		inv := f.rowInvoice(org, client, n, "paid", "2026-03-10", math.MaxInt64/2)
		f.rowPayment(org, inv, client, math.MaxInt64/2, "2026-03-11T10:00:00Z")
	}
	rows, err := s.Revenue(context.Background(), reportActor(t, s, olga, org), store.RevenueFilter{From: "2026-03-01", To: "2026-03-31"})
	if err != nil {
		t.Fatalf("revenue: %v", err)
	}
	want := []store.RevenueRow{{Period: "2026-03", Invoiced: math.MaxInt64, Paid: math.MaxInt64}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got %v, want %v", rows, want)
	}
}

func TestClient_OpenBalancePastInt64AnswersTheBound(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	f := worldOn(t, s, db)
	org := f.rowOrg("Big Invoices")
	olga := f.rowUser("Olga", "UTC")
	f.rowMember(org, olga, "owner", 0)
	client := f.rowClient(org, "Whale", nil)
	for _, n := range []string{"INV-1", "INV-2", "INV-3"} {
		f.rowInvoice(org, client, n, "sent", "2026-03-10", math.MaxInt64/2)
	}
	d, err := s.Client(context.Background(), reportActor(t, s, olga, org), client)
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	if d.OpenBalance == nil || *d.OpenBalance != math.MaxInt64 {
		t.Errorf("open balance %v, want the bound", d.OpenBalance)
	}
}
