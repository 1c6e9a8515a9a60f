package api_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"
)

// newReportsEnv: an organization with time, invoices and payments written with plain SQL, so these tests depend
// only on the schema. Figures are worked out by hand in each test.
//
// Owner Olga (UTC, cost 40.00/h), admin Ada (America/New_York), member Mel (America/New_York, cost 20.00/h).
// Client Acme (90.00/h); projects Site (Acme, 120.00/h) and Ops (Acme, no rate).
//
//	Mel   Site  2026-03-02T03:00Z  5400 s billable             (New York: 2026-03-01 22:00)
//	Mel   Ops   2026-03-04T15:00Z  1818 s billable rate 60.00  "Deploy 100%"
//	Olga  Ops   2026-03-04T16:00Z  2709 s billable             on invoice INV-1
//	Olga  Site  2026-03-05T09:00Z  3600 s not billable
//	Olga  Site  2026-03-06T09:00Z  running (never counted)
//
// INV-1 (sent, 2026-03-10) 1000.00, INV-2 (draft, 2026-03-11) 500.00; payment 400.00 at 2026-04-01T01:00Z
// (New York: March 31). Another organization has a 10 h entry by Mel, an invoice and a payment in March.
//
// In the world: Olga is owner, Ada admin, Mel member; Acme is client, Site project and Ops secondProject;
// INV-1 is invoice.
func newReportsEnv(t *testing.T) *world {
	t.Helper()
	r := newWorld(t).ownedBy("Olga Owner", "Report Co").withAdmin("Ada Admin").withMember("Mel Member").
		withStranger("Sam Stranger", "Elsewhere")
	e := r.env
	e.join(r.stranger, r.otherOrg, r.member, "member")

	e.exec(`UPDATE users SET timezone = 'America/New_York' WHERE id IN ($1, $2)`, r.admin.id, r.member.id)
	e.exec(`UPDATE members SET cost_rate = CASE user_id WHEN $2 THEN 4000 WHEN $3 THEN 2000 END WHERE organization_id = $1 AND user_id IN ($2, $3)`,
		r.org, r.owner.id, r.member.id)
	r.client = e.sqlID(`INSERT INTO clients (organization_id, name, hourly_rate) VALUES ($1, 'Acme', 9000) RETURNING id`, r.org)
	r.project = e.sqlID(`INSERT INTO projects (organization_id, name, client_id, hourly_rate) VALUES ($1, 'Site', $2, 12000) RETURNING id`, r.org, r.client)
	r.secondProject = e.sqlID(`INSERT INTO projects (organization_id, name, client_id) VALUES ($1, 'Ops', $2) RETURNING id`, r.org, r.client)
	r.invoice = e.sqlID(`INSERT INTO invoices (organization_id, client_id, number, status, issue_date, due_date, currency, total)
		VALUES ($1, $2, 'INV-1', 'sent', '2026-03-10', '2026-03-24', 'USD', 100000) RETURNING id`, r.org, r.client)
	e.sqlID(`INSERT INTO invoices (organization_id, client_id, number, status, issue_date, due_date, currency, total)
		VALUES ($1, $2, 'INV-2', 'draft', '2026-03-11', '2026-03-25', 'USD', 50000) RETURNING id`, r.org, r.client)
	e.sqlID(`INSERT INTO payments (organization_id, invoice_id, client_id, amount, paid_at) VALUES ($1, $2, $3, 40000, '2026-04-01T01:00:00Z') RETURNING id`,
		r.org, r.invoice, r.client)
	entry := func(org, user, project, start string, seconds int, billable bool, rate any, description string) string {
		return e.sqlID(`INSERT INTO time_entries (organization_id, user_id, project_id, started_at, stopped_at, billable, hourly_rate, description)
			VALUES ($1, $2, $3, $4::timestamptz, $4::timestamptz + make_interval(secs => $5), $6, $7, $8) RETURNING id`,
			org, user, project, start, seconds, billable, rate, description)
	}
	entry(r.org, r.member.id, r.project, "2026-03-02T03:00:00Z", 5400, true, nil, "")
	entry(r.org, r.member.id, r.secondProject, "2026-03-04T15:00:00Z", 1818, true, 6000, "Deploy 100%")
	onInvoice := entry(r.org, r.owner.id, r.secondProject, "2026-03-04T16:00:00Z", 2709, true, nil, "")
	entry(r.org, r.owner.id, r.project, "2026-03-05T09:00:00Z", 3600, false, nil, "")
	e.exec(`UPDATE time_entries SET invoice_id = $1 WHERE id = $2`, r.invoice, onInvoice)
	e.exec(`INSERT INTO time_entries (organization_id, user_id, project_id, started_at) VALUES ($1, $2, $3, '2026-03-06T09:00:00Z')`,
		r.org, r.owner.id, r.project)

	oc := e.sqlID(`INSERT INTO clients (organization_id, name, hourly_rate) VALUES ($1, 'Other', 99999) RETURNING id`, r.otherOrg)
	op := e.sqlID(`INSERT INTO projects (organization_id, name, client_id, hourly_rate) VALUES ($1, 'Other', $2, 99999) RETURNING id`, r.otherOrg, oc)
	entry(r.otherOrg, r.member.id, op, "2026-03-04T10:00:00Z", 36000, true, nil, "Deploy 100%")
	oi := e.sqlID(`INSERT INTO invoices (organization_id, client_id, number, status, issue_date, due_date, currency, total)
		VALUES ($1, $2, 'INV-1', 'sent', '2026-03-10', '2026-03-24', 'USD', 999999) RETURNING id`, r.otherOrg, oc)
	e.sqlID(`INSERT INTO payments (organization_id, invoice_id, client_id, amount, paid_at) VALUES ($1, $2, $3, 999999, '2026-03-15T12:00:00Z') RETURNING id`,
		r.otherOrg, oi, oc)
	return r
}

// reportRows re-reads the data of an answer as plain values, numbers as float64, for comparison with literals.
func reportRows(t *testing.T, r resp) []map[string]any {
	t.Helper()
	var body struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal(r.raw, &body); err != nil {
		t.Fatal(err)
	}
	return body.Data
}

func TestTimesheetReport(t *testing.T) {
	t.Parallel()
	r := newReportsEnv(t)
	get := func(u user, query string) resp {
		return r.must(200, req{method: "GET", path: "/reports/timesheet?" + query, token: u.token, org: r.org})
	}
	row := func(u user, period string, hours, billable float64) map[string]any {
		return map[string]any{"user_id": u.id, "user_name": u.name, "period": period, "hours": hours, "billable_hours": billable}
	}
	// Olga (UTC), by day: Mel 5400 s = 1.50 on 03-02; 03-04: Mel 1818 s = 0.505 → 0.51, Olga 2709 s = 0.7525 → 0.75;
	// 03-05: Olga 3600 s = 1.00, not billable. The running entry and the other organization's 10 h never count.
	// total_hours = 1.50 + 0.51 + 0.75 + 1.00 = 3.76.
	got := get(r.owner, "from=2026-03-01&to=2026-03-31")
	want := []map[string]any{
		row(r.member, "2026-03-02", 1.5, 1.5), row(r.member, "2026-03-04", 0.51, 0.51), row(r.owner, "2026-03-04", 0.75, 0.75),
		row(r.owner, "2026-03-05", 1, 0),
	}
	if d := reportRows(t, got); !reflect.DeepEqual(d, want) || got.json["total_hours"] != 3.76 {
		t.Fatalf("day: %s", got.raw)
	}
	// Ada sees the same entries in New York: Mel's first is Sunday 2026-03-01 22:00 there, in the ISO week of
	// 2026-02-23; 03-04 Mel + 03-04 Olga + 03-05 Olga fall in the week of 03-02: Mel 0.51, Olga 6309 s = 1.7525 → 1.75.
	got = get(r.admin, "from=2026-03-01&to=2026-03-31&group_by=week")
	want = []map[string]any{row(r.member, "2026-02-23", 1.5, 1.5), row(r.member, "2026-03-02", 0.51, 0.51), row(r.owner, "2026-03-02", 1.75, 0.75)}
	if d := reportRows(t, got); !reflect.DeepEqual(d, want) || got.json["total_hours"] != 3.76 {
		t.Fatalf("week: %s", got.raw)
	}
	// By month, Mel 7218 s = 2.005 → 2.01, Olga 6309 s → 1.75 (billable 0.75). 3.76.
	got = get(r.owner, "from=2026-03-01&to=2026-03-31&group_by=month")
	want = []map[string]any{row(r.member, "2026-03", 2.01, 2.01), row(r.owner, "2026-03", 1.75, 0.75)}
	if d := reportRows(t, got); !reflect.DeepEqual(d, want) || got.json["total_hours"] != 3.76 {
		t.Fatalf("month: %s", got.raw)
	}
	// Filters: the entry on INV-1 (Olga 0.75); "100%" matches Mel's "Deploy 100%" only (% is literal); Ops is Mel's
	// 0.51 and Olga's 0.75; Mel's own rows.
	filters := map[string][]map[string]any{
		"invoice_id=" + r.invoice:                    {row(r.owner, "2026-03-04", 0.75, 0.75)},
		"description=" + url.QueryEscape("deploy 1"): {row(r.member, "2026-03-04", 0.51, 0.51)},
		"description=" + url.QueryEscape("%"):        {row(r.member, "2026-03-04", 0.51, 0.51)},
		"project_id=" + r.secondProject:              {row(r.member, "2026-03-04", 0.51, 0.51), row(r.owner, "2026-03-04", 0.75, 0.75)},
		"client_id=" + r.client + "&group_by=month":  {row(r.member, "2026-03", 2.01, 2.01), row(r.owner, "2026-03", 1.75, 0.75)},
		"user_id=" + r.member.id + "&group_by=month": {row(r.member, "2026-03", 2.01, 2.01)},
		"project_id=" + otherOrgID:                   {},
	}
	for q, want := range filters {
		if d := reportRows(t, get(r.owner, "from=2026-03-01&to=2026-03-31&"+q)); !reflect.DeepEqual(d, want) {
			t.Errorf("%s: %v, want %v", q, d, want)
		}
	}
	// Mel, a member in New York, sees only her own rows, the first on 03-01: 1.50 + 0.51 = 2.01.
	got = get(r.member, "from=2026-03-01&to=2026-03-31")
	if d := reportRows(t, got); !reflect.DeepEqual(d, []map[string]any{row(r.member, "2026-03-01", 1.5, 1.5), row(r.member, "2026-03-04", 0.51, 0.51)}) ||
		got.json["total_hours"] != 2.01 {
		t.Fatalf("member: %s", got.raw)
	}
	get(r.member, "from=2026-03-01&to=2026-03-31&user_id="+r.member.id)
	r.must(403, req{method: "GET", path: "/reports/timesheet?from=2026-03-01&to=2026-03-31&user_id=" + r.owner.id, token: r.member.token, org: r.org})
	// An empty report is an empty list with a zero total.
	if got := get(r.owner, "from=2025-01-01&to=2025-01-31"); string(got.raw) != `{"data":[],"total_hours":0}`+"\n" {
		t.Fatalf("empty: %q", got.raw)
	}
	// In the other organization Mel sees only its 10 h.
	got = r.must(200, req{method: "GET", path: "/reports/timesheet?from=2026-03-01&to=2026-03-31", token: r.member.token, org: r.otherOrg})
	if d := reportRows(t, got); !reflect.DeepEqual(d, []map[string]any{row(r.member, "2026-03-04", 10, 10)}) {
		t.Fatalf("other org: %s", got.raw)
	}
}

func TestRevenueReport(t *testing.T) {
	t.Parallel()
	r := newReportsEnv(t)
	get := func(u user, query string) []map[string]any {
		return reportRows(t, r.must(200, req{method: "GET", path: "/reports/revenue?" + query, token: u.token, org: r.org}))
	}
	period := func(p string, invoiced, paid float64) map[string]any {
		return map[string]any{"period": p, "invoiced": invoiced, "paid": paid}
	}
	// Olga (UTC): INV-1 (sent) 1000.00 issued in March, the draft INV-2 is not revenue; the 400.00 was paid on
	// April 1 UTC. February and May are listed with zeros.
	want := []map[string]any{period("2026-02", 0, 0), period("2026-03", 100000, 0), period("2026-04", 0, 40000), period("2026-05", 0, 0)}
	if got := get(r.owner, "from=2026-02-01&to=2026-05-31"); !reflect.DeepEqual(got, want) {
		t.Fatalf("months: %v", got)
	}
	// Ada in New York: the payment (2026-03-31 21:00 there) falls in March and Q1.
	want = []map[string]any{period("2026-Q1", 100000, 40000), period("2026-Q2", 0, 0)}
	if got := get(r.admin, "from=2026-01-01&to=2026-06-30&group_by=quarter"); !reflect.DeepEqual(got, want) {
		t.Fatalf("quarters: %v", got)
	}
	if got := get(r.owner, "from=2026-03-01&to=2026-04-30&client_id="+otherOrgID); !reflect.DeepEqual(got, []map[string]any{period("2026-03", 0, 0), period("2026-04", 0, 0)}) {
		t.Fatalf("unknown client: %v", got)
	}
	r.must(403, req{method: "GET", path: "/reports/revenue?from=2026-03-01&to=2026-03-31", token: r.member.token, org: r.org})
}

func TestUtilizationReport(t *testing.T) {
	t.Parallel()
	r := newReportsEnv(t)
	get := func(u user, query string) []map[string]any {
		return reportRows(t, r.must(200, req{method: "GET", path: "/reports/utilization?" + query, token: u.token, org: r.org}))
	}
	row := func(u user, tracked, available, percent float64) map[string]any {
		return map[string]any{"user_id": u.id, "user_name": u.name, "tracked_hours": tracked, "available_hours": available, "utilization_percent": percent}
	}
	// 2026-03-02..03-08 has 5 weekdays: 5 × 8 = 40 h. Olga (UTC) sees every active member, by name:
	// Ada 0; Mel 7218 s = 2.005 h → 2.01, 2.005 / 40 = 5.0125 % → 5.0; Olga 6309 s = 1.7525 h → 1.75, 4.38 % → 4.4.
	want := []map[string]any{row(r.admin, 0, 40, 0), row(r.member, 2.01, 40, 5), row(r.owner, 1.75, 40, 4.4)}
	if got := get(r.owner, "from=2026-03-02&to=2026-03-08"); !reflect.DeepEqual(got, want) {
		t.Fatalf("week: %v", got)
	}
	// target_hours 2.5: 12.5 h available; Mel 2.005 / 12.5 = 16.04 % → 16.0, Olga 1.7525 / 12.5 = 14.02 % → 14.0.
	// Only the entry on INV-1: Olga 0.7525 h / 12.5 = 6.02 % → 6.0.
	want = []map[string]any{row(r.admin, 0, 12.5, 0), row(r.member, 2.01, 12.5, 16), row(r.owner, 1.75, 12.5, 14)}
	if got := get(r.owner, "from=2026-03-02&to=2026-03-08&target_hours=2.5"); !reflect.DeepEqual(got, want) {
		t.Fatalf("target: %v", got)
	}
	if got := get(r.owner, "from=2026-03-02&to=2026-03-08&target_hours=2.5&invoice_id="+r.invoice+"&user_id="+r.owner.id); !reflect.DeepEqual(got, []map[string]any{row(r.owner, 0.75, 12.5, 6)}) {
		t.Fatalf("invoice: %v", got)
	}
	// Mel in New York: 03-02..03-08 there starts at 05:00Z, so her 03-02T03:00Z entry is outside; 1818 s = 0.51 h,
	// 0.505 / 40 = 1.2625 % → 1.3. The other organization's 10 h do not count.
	if got := get(r.member, "from=2026-03-02&to=2026-03-08"); !reflect.DeepEqual(got, []map[string]any{row(r.member, 0.51, 40, 1.3)}) {
		t.Fatalf("member: %v", got)
	}
	r.must(403, req{method: "GET", path: "/reports/utilization?from=2026-03-02&to=2026-03-08&user_id=" + r.owner.id, token: r.member.token, org: r.org})
}

func TestProfitabilityReport(t *testing.T) {
	t.Parallel()
	r := newReportsEnv(t)
	get := func(query string) []map[string]any {
		return reportRows(t, r.must(200, req{method: "GET", path: "/reports/profitability?" + query, token: r.admin.token, org: r.org}))
	}
	row := func(id any, name string, revenue, cost, profit, margin float64) map[string]any {
		return map[string]any{"id": id, "name": name, "revenue": revenue, "cost": cost, "profit": profit, "margin_percent": margin}
	}
	// Ada is in New York: March there is [03-01T05:00Z, 04-01T04:00Z), which holds every entry.
	//   Ops:  Mel 1818 s × 6000 (entry rate) = 3030, cost × 2000 = 1010; Olga 2709 s × 9000 (Acme's rate, Ops has
	//         none) = 6772.5 → 6773, cost × 4000 = 3010. Revenue 9803, cost 4020, profit 5783, 58.99 % → 59.0.
	//   Site: Mel 5400 s × 12000 (project beats client) = 18000, cost 3000; Olga 3600 s not billable, cost 4000.
	//         Revenue 18000, cost 7000, profit 11000, 61.11 % → 61.1.
	want := []map[string]any{row(r.secondProject, "Ops", 9803, 4020, 5783, 59), row(r.project, "Site", 18000, 7000, 11000, 61.1)}
	if got := get("from=2026-03-01&to=2026-03-31"); !reflect.DeepEqual(got, want) {
		t.Fatalf("projects: %v", got)
	}
	// Acme: 27803 revenue, 11020 cost, 16783 profit, 60.36 % → 60.4.
	if got := get("from=2026-03-01&to=2026-03-31&group_by=client"); !reflect.DeepEqual(got, []map[string]any{row(r.client, "Acme", 27803, 11020, 16783, 60.4)}) {
		t.Fatalf("clients: %v", got)
	}
	if got := get("from=2025-03-01&to=2025-03-31"); len(got) != 0 {
		t.Fatalf("empty: %v", got)
	}
	r.must(403, req{method: "GET", path: "/reports/profitability?from=2026-03-01&to=2026-03-31", token: r.member.token, org: r.org})
}

func TestReports_Refusals(t *testing.T) {
	t.Parallel()
	r := newReportsEnv(t)
	bad := []struct{ path, message string }{
		{"/reports/timesheet?to=2026-03-31", "from is required"},
		{"/reports/timesheet?from=2026-03-01", "to is required"},
		{"/reports/timesheet?from=2026-03-01&to=March", "to must be a date (YYYY-MM-DD) or an RFC 3339 datetime"},
		{"/reports/timesheet?from=2026-03-02&to=2026-03-01", "from must be on or before to"},
		{"/reports/timesheet?from=2026-03-01&to=2026-03-31&group_by=quarter", "group_by must be one of day, week, month"},
		{"/reports/timesheet?from=2026-03-01&to=2026-03-31&invoice_id=inv_abc123", "invoice_id must be a valid id"},
		{"/reports/timesheet?from=2026-03-01&to=2026-03-31&user_id=nobody", "user_id must be a valid id"},
		{"/reports/timesheet?from=2026-03-01&to=2026-03-31&project_id=1", "project_id must be a valid id"},
		{"/reports/revenue?to=2026-03-31", "from is required"},
		{"/reports/revenue?from=2026-03-01&to=2026-03-31&group_by=day", "group_by must be one of month, quarter"},
		{"/reports/revenue?from=2026-03-01&to=2026-03-31&client_id=acme", "client_id must be a valid id"},
		{"/reports/utilization?from=2026-03-01&to=2026-03-31&target_hours=0", "target_hours must be a number greater than 0 and at most 24"},
		{"/reports/utilization?from=2026-03-01&to=2026-03-31&target_hours=25", "target_hours must be a number greater than 0 and at most 24"},
		{"/reports/utilization?from=2026-03-01&to=2026-03-31&target_hours=eight", "target_hours must be a number greater than 0 and at most 24"},
		{"/reports/profitability?from=2026-03-01", "to is required"},
		{"/reports/profitability?from=2026-03-01&to=2026-03-31&group_by=user", "group_by must be one of project, client"},
	}
	for _, b := range bad {
		got := r.must(400, req{method: "GET", path: b.path, token: r.owner.token, org: r.org})
		if got.errCode() != "validation_failed" || got.errMessage() != b.message {
			t.Errorf("%s: %s", b.path, got.raw)
		}
	}
	for _, p := range []string{"timesheet", "revenue", "utilization", "profitability"} {
		path := "/reports/" + p + "?from=2026-03-01&to=2026-03-31"
		r.must(401, req{method: "GET", path: path, org: r.org})
		r.must(401, req{method: "GET", path: path, token: "not-a-token", org: r.org})
		// Not a member of the organization: it does not exist for the caller.
		r.must(404, req{method: "GET", path: path, token: r.stranger.token, org: r.org})
	}
	// Members may not see revenue or profitability, not even with invalid parameters.
	for _, p := range []string{"/reports/revenue", "/reports/profitability"} {
		if got := r.must(403, req{method: "GET", path: p, token: r.member.token, org: r.org}); got.errCode() != "forbidden" {
			t.Errorf("%s: %s", p, got.raw)
		}
	}
	// The stranger's own organization shows none of Report Co's figures.
	got := r.must(200, req{method: "GET", path: "/reports/revenue?from=2026-03-01&to=2026-03-31", token: r.stranger.token, org: r.otherOrg})
	if d := reportRows(t, got); !reflect.DeepEqual(d, []map[string]any{{"period": "2026-03", "invoiced": float64(999999), "paid": float64(999999)}}) {
		t.Fatalf("other org revenue: %s", got.raw)
	}
}
