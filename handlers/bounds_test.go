package handlers_test

import (
	"net/http"
	"testing"
)

func TestPages_PageNumbersPastTheDataShowAnEmptyPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.withOrg("Paula Pager", "paula@example.com", "Pager Co")
	var client string
	if err := e.db.Get(&client, `INSERT INTO clients (organization_id, name) SELECT id, 'Big Client' FROM organizations RETURNING id`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/tasks", "/members", "/projects", "/clients", "/invoices", "/audit-logs", "/clients/" + client} {
		for _, query := range []string{"?page=922337203685477581", "?page=9223372036854775807&per_page=100", "?page=99999999999999999999999"} {
			if p := b.get(path + query); p.status != http.StatusOK {
				t.Errorf("GET %s%s: %d", path, query, p.status)
			}
		}
	}
}

func TestReports_LegacyHugeRatesShowTheBoundNotAnError(t *testing.T) {
	t.Parallel()
	r := newReportsTeam(t)
	// Written before rates were bounded: 2^63-1 cents an hour, for two hours.
	var legacy string
	if err := r.e.db.Get(&legacy, `INSERT INTO projects (organization_id, name, hourly_rate) VALUES ($1, 'Legacy', 9223372036854775807) RETURNING id`, r.org); err != nil {
		t.Fatal(err)
	}
	r.e.db.MustExec(`INSERT INTO time_entries (organization_id, user_id, project_id, started_at, stopped_at, billable)
		VALUES ($1, $2, $3, '2026-03-04T09:00:00Z', '2026-03-04T11:00:00Z', true)`, r.org, r.olga, legacy)
	for _, path := range []string{"/reports/profitability?" + march, "/reports/profitability?" + march + "&group_by=client",
		"/reports/profitability.csv?" + march} {
		if p := r.owner.get(path); p.status != http.StatusOK {
			t.Errorf("GET %s: %d", path, p.status)
		}
	}
	p := r.owner.get("/reports/profitability?" + march)
	// The legacy row reads at the bound, and adding the other rows to it keeps the total there.
	if _, _, totals := tableSums(t, p); len(totals) < 3 || totals[0] < 9e16 || totals[2] < 9e16 {
		t.Errorf("totals %v, want revenue and profit at the bound", totals)
	}
}
