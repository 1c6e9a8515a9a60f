package seed

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store"
)

// Sizes of the seeded billing data.
const (
	// DefaultTimeEntries is the number of time entries Billing makes when BillingOptions.TimeEntries is zero.
	DefaultTimeEntries = 20_000
	// DefaultBillingUsers is the number of active members Billing tops the organization up to.
	DefaultBillingUsers = 50
	// DefaultBillingProjects is the number of projects Billing tops the organization up to.
	DefaultBillingProjects = 200
	// DefaultClients is the number of clients Billing adds.
	DefaultClients = 25
	// DefaultBillingMonths is how far back the seeded time goes.
	DefaultBillingMonths = 12
)

// ErrBillingExists is Billing's answer when the organization has time entries already: it then changes
// nothing.
var ErrBillingExists = errors.New("the organization has time entries already")

// BillingOptions sizes Billing. Zero values take the defaults.
type BillingOptions struct {
	TimeEntries int          // total entries; DefaultTimeEntries
	Users       int          // active members to top the organization up to; DefaultBillingUsers
	Projects    int          // projects to top the organization up to; DefaultBillingProjects
	Clients     int          // clients to add; DefaultClients
	Months      int          // the entries cover the last Months months, up to yesterday; DefaultBillingMonths
	Seed        uint64       // of the random generator: the same seed makes the same data (relative to today); 1
	Log         *slog.Logger // gets the time of each step at debug level; slog.Default()
}

func (o BillingOptions) withDefaults() BillingOptions {
	if o.TimeEntries <= 0 {
		o.TimeEntries = DefaultTimeEntries
	}
	if o.Users <= 0 {
		o.Users = DefaultBillingUsers
	}
	if o.Projects <= 0 {
		o.Projects = DefaultBillingProjects
	}
	if o.Clients <= 0 {
		o.Clients = DefaultClients
	}
	if o.Months <= 0 {
		o.Months = DefaultBillingMonths
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Billing fills an organization (the demo one of Demo, usually after Work) with a year of billing
// data, in bulk: members up to o.Users (verified users with the demo password and cost rates), o.Clients clients
// with hourly rates, projects up to o.Projects linked to those clients (projects without a client get one too,
// some stay internal), the members on the projects they track time on, and o.TimeEntries stopped time entries
// over the weekdays of the last o.Months months, in business hours of the organization's timezone. Every full
// month's billable time of a client is invoiced early the next month (one line item per project and rate, the
// entries linked to it); invoices older than their payment delay are paid.
//
// If the organization has any time entry, Billing changes nothing and answers ErrBillingExists.
//
// Like Work it writes with COPY in one transaction, bypassing the use cases (no audit entries, notifications
// or emails), and runs VACUUM (ANALYZE) afterwards so that the planner knows the sizes and index-only scans work.
func Billing(ctx context.Context, s *store.Store, orgID string, o BillingOptions) error {
	o = o.withDefaults()
	if _, err := uuid.Parse(orgID); err != nil {
		return fmt.Errorf("seed billing: organization: %w", store.ErrNotFound)
	}
	hash, err := s.HashPassword(DemoPassword)
	if err != nil {
		return fmt.Errorf("seed billing: %w", err)
	}
	err = inTx(ctx, s, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('seed_billing:' || $1, 0))`, orgID); err != nil {
			return err
		}
		// Flushed at commit even where synchronous_commit is off (the test clusters), for vacuumSeeded.
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
			return err
		}
		var org struct {
			Timezone string `db:"timezone"`
			Currency string `db:"currency"`
			Entries  bool   `db:"entries"`
		}
		err := tx.GetContext(ctx, &org, `
			SELECT o.timezone, o.currency,
				EXISTS (SELECT 1 FROM time_entries te WHERE te.organization_id = o.id) AS entries
			FROM organizations o WHERE o.id = $1`, orgID)
		if err != nil {
			return notFoundIfNoRows(err, "organization")
		}
		if org.Entries {
			return ErrBillingExists
		}
		loc, err := time.LoadLocation(org.Timezone)
		if err != nil {
			loc = time.UTC
		}
		g := newBillingGen(o, orgID, org.Currency, s.Now().In(loc))
		steps := []struct {
			name string
			run  func(context.Context, *sqlx.Tx) error
		}{
			{"members", func(ctx context.Context, tx *sqlx.Tx) error { return g.topUpMembers(ctx, tx, hash) }},
			{"clients", g.addClients},
			{"projects", g.topUpProjects},
			{"project members", g.assignProjects},
			{"invoices", g.invoice},
			{"time entries", g.copyEntries},
		}
		for _, step := range steps {
			began := time.Now()
			if err := step.run(ctx, tx); err != nil {
				return err
			}
			o.Log.Debug("seed billing", "step", step.name, "took", time.Since(began))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed billing: %w", err)
	}
	if err := vacuumSeeded(ctx, s, `users, members, clients, projects, project_members, task_groups,
		invoice_counters, invoices, invoice_line_items, payments, time_entries, time_entry_counts`); err != nil {
		return fmt.Errorf("seed billing: analyze: %w", err)
	}
	return nil
}

// Word lists of the generated billing data.
var (
	seedFirstNames = []string{"Amara", "Ben", "Chloe", "Daniel", "Elif", "Felix", "Grace", "Hugo", "Ines", "Jonas",
		"Kira", "Liam", "Maya", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Samir", "Talia", "Umar", "Vera", "Wen",
		"Xavier", "Yara", "Zane", "Aiko", "Bruno", "Carmen", "Dmitri", "Emma", "Farah", "Gustav", "Hana", "Igor",
		"Jana", "Kofi", "Lucia", "Mateo", "Nina", "Oskar", "Paula", "Rafael", "Sofia", "Theo", "Uma", "Viktor", "Wanda"}
	seedLastNames = []string{"Adler", "Brennan", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ivanova",
		"Jensen", "Kim", "Larsen", "Moreau", "Nakamura", "Olsen", "Petrov", "Quintero", "Rossi", "Schmidt", "Tanaka",
		"Ueda", "Vogel", "Weber", "Yilmaz", "Zhang", "Novak", "Silva", "Keller", "Meyer", "Lindqvist", "Bauer"}
	seedClientNames = []string{"Acme Corporation", "Globex", "Initech", "Umbrella Health", "Stark Logistics",
		"Wayne Foundation", "Hooli", "Vandelay Imports", "Soylent Foods", "Cyberdyne Systems", "Tyrell Biotech",
		"Wonka Confectionery", "Gringotts Bank", "Oceanic Airlines", "Pied Piper", "Massive Dynamic", "Aperture Labs",
		"Blue Sun", "Monarch Solutions", "Nakatomi Trading", "Sterling Cooper", "Dunder Mifflin", "Prestige Worldwide",
		"Bluth Company", "Krusty Krab", "Los Pollos Hermanos", "Oscorp", "Rekall", "Virtucon", "Zorg Industries"}
	seedEngagements = []string{"Website redesign", "Mobile app", "Brand refresh", "Data platform", "Customer portal",
		"SEO retainer", "Support retainer", "Checkout revamp", "Analytics setup", "Cloud migration", "Design system",
		"Content strategy", "API integration", "Security review", "Intranet", "Marketing campaign", "E-commerce shop",
		"CRM rollout", "Accessibility audit", "Performance tuning"}
	seedEntryNotes = []string{"Implementation", "Code review", "Client call", "Sprint planning", "Bug fixing",
		"Design review", "Documentation", "Deployment", "Support", "QA testing", "Workshop", "Research",
		"Project management", "Refinement", "Prototyping", "Standup", "Estimation", "Pairing", "Copywriting", ""}
)

// billingGen plans Billing's rows. The time entries are never held in memory: a deterministic walk generates
// them, once to add up the invoices and once more to copy them.
type billingGen struct {
	o        BillingOptions
	orgID    string
	currency string
	now      time.Time // in the organization's timezone
	today    time.Time // the organization's date, as midnight UTC
	loc      *time.Location
	base     uint64 // second word of every generator's seed
	rng      *rand.Rand

	owner    string
	users    []billUser
	clients  []billClient
	projects []billProject
	days     []time.Time // weekdays of the range, local midnights
	perDay   [][]int32   // entries of users[u] on days[d]

	lines map[lineKey]billLine // billed time, by client, month, project and rate
}

type billUser struct {
	id       string
	projects []int // indexes in projects
}

type billClient struct {
	id       string
	name     string
	rate     int64
	payDelay int // days from issue to payment
}

type billProject struct {
	id       string
	name     string
	client   int // index in clients, -1 for none
	billable bool
	rate     *int64
	tasks    []string
}

// lineKey identifies an invoice line: a client's month (year*12 + month-1) and a project billed at a rate.
type lineKey struct {
	client, month, project int
	rate                   int64
}

type billLine struct {
	seconds           int64
	invoiceID, itemID string
}

func newBillingGen(o BillingOptions, orgID, currency string, now time.Time) *billingGen {
	h := fnv.New64a()
	h.Write([]byte("trcr seed billing"))
	base := h.Sum64()
	return &billingGen{o: o, orgID: orgID, currency: currency, now: now, loc: now.Location(), base: base,
		today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		rng:   rand.New(rand.NewPCG(o.Seed, base)), lines: map[lineKey]billLine{}}
}

func (g *billingGen) chance(percent int) bool { return g.rng.IntN(100) < percent }

// topUpMembers adds verified users as members with cost rates until the organization has o.Users active ones.
func (g *billingGen) topUpMembers(ctx context.Context, tx *sqlx.Tx, hash string) error {
	var existing []struct {
		UserID string `db:"user_id"`
		Role   string `db:"role"`
	}
	if err := tx.SelectContext(ctx, &existing, `
		SELECT user_id, role FROM members
		WHERE organization_id = $1 AND status = 'active' AND user_id IS NOT NULL
		ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, created_at, id`, g.orgID); err != nil {
		return err
	}
	if len(existing) == 0 {
		return errors.New("the organization has no active members")
	}
	g.owner = existing[0].UserID
	var names, emails []string
	var rates []int64
	for i := 0; len(existing)+len(names) < g.o.Users; i++ {
		first := seedFirstNames[i%len(seedFirstNames)]
		last := seedLastNames[(i*7+i/len(seedFirstNames))%len(seedLastNames)]
		names = append(names, first+" "+last)
		emails = append(emails, fmt.Sprintf("%s.%s@trcr.local", strings.ToLower(first), strings.ToLower(last)))
		rates = append(rates, int64(3500+250*g.rng.IntN(23)))
	}
	if len(names) > 0 {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO users (email, name, password_hash, timezone, email_verified_at, default_org_id)
			SELECT e, n, $3, o.timezone, now(), o.id
			FROM unnest($1::text[], $2::text[]) AS x (e, n), organizations o WHERE o.id = $4
			ON CONFLICT DO NOTHING`, pq.Array(emails), pq.Array(names), hash, g.orgID); err != nil {
			return fmt.Errorf("users: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO members (organization_id, user_id, email, role, status, cost_rate, invited_by)
			SELECT $1, u.id, u.email, 'member', 'active', x.r, $4
			FROM unnest($2::text[], $3::bigint[]) AS x (e, r) JOIN users u ON lower(u.email) = lower(x.e)
			ON CONFLICT DO NOTHING`, g.orgID, pq.Array(emails), pq.Array(rates), g.owner); err != nil {
			return fmt.Errorf("members: %w", err)
		}
	}
	// Members without a cost rate get one, so that profitability has costs everywhere.
	if _, err := tx.ExecContext(ctx, `
		UPDATE members SET cost_rate = 4000 + 250 * (abs(hashtext(user_id::text)) % 20)
		WHERE organization_id = $1 AND status = 'active' AND cost_rate = 0`, g.orgID); err != nil {
		return fmt.Errorf("cost rates: %w", err)
	}
	var ids []string
	if err := tx.SelectContext(ctx, &ids, `
		SELECT user_id FROM members WHERE organization_id = $1 AND status = 'active' AND user_id IS NOT NULL
		ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, created_at, id`, g.orgID); err != nil {
		return err
	}
	g.users = make([]billUser, len(ids))
	for i, id := range ids {
		g.users[i].id = id
	}
	return nil
}

// addClients adds o.Clients clients with hourly rates.
func (g *billingGen) addClients(ctx context.Context, tx *sqlx.Tx) error {
	g.clients = make([]billClient, g.o.Clients)
	names, rates := make([]string, g.o.Clients), make([]int64, g.o.Clients)
	for i := range g.clients {
		name := seedClientNames[i%len(seedClientNames)]
		if i >= len(seedClientNames) {
			name += fmt.Sprintf(" %d", i/len(seedClientNames)+1)
		}
		c := billClient{name: name, rate: int64(9000 + 500*g.rng.IntN(13)), payDelay: 7 + g.rng.IntN(40)}
		g.clients[i], names[i], rates[i] = c, c.name, c.rate
	}
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		INSERT INTO clients (organization_id, name, email, hourly_rate)
		SELECT $1, n, 'billing@' || regexp_replace(lower(n), '[^a-z0-9]+', '', 'g') || '.example', r
		FROM unnest($2::text[], $3::bigint[]) AS x (n, r)
		RETURNING id, name`, g.orgID, pq.Array(names), pq.Array(rates)); err != nil {
		return fmt.Errorf("clients: %w", err)
	}
	ids := map[string]string{}
	for _, r := range rows {
		ids[r.Name] = r.ID
	}
	for i := range g.clients {
		g.clients[i].id = ids[g.clients[i].name]
	}
	return nil
}

// topUpProjects links most client-less projects to a client and adds client projects until the organization
// has o.Projects, each with its default task group and the owner as manager.
func (g *billingGen) topUpProjects(ctx context.Context, tx *sqlx.Tx) error {
	var existing []struct {
		ID       string  `db:"id"`
		Name     string  `db:"name"`
		ClientID *string `db:"client_id"`
		Billable bool    `db:"billable"`
		Rate     *int64  `db:"hourly_rate"`
	}
	if err := tx.SelectContext(ctx, &existing, `
		SELECT id, name, client_id, billable, hourly_rate FROM projects WHERE organization_id = $1
		ORDER BY created_at, id`, g.orgID); err != nil {
		return err
	}
	clientIndex := map[string]int{}
	for i, c := range g.clients {
		clientIndex[c.id] = i
	}
	var linkIDs, linkClients []string
	for i, e := range existing {
		p := billProject{id: e.ID, name: e.Name, client: -1, billable: e.Billable, rate: e.Rate}
		switch {
		case e.ClientID != nil:
			if c, ok := clientIndex[*e.ClientID]; ok {
				p.client = c
			}
		case i%4 != 3: // one in four stays internal
			p.client = g.rng.IntN(len(g.clients))
			linkIDs, linkClients = append(linkIDs, p.id), append(linkClients, g.clients[p.client].id)
		}
		g.projects = append(g.projects, p)
	}
	if len(linkIDs) > 0 {
		if _, err := tx.ExecContext(ctx, `
			UPDATE projects p SET client_id = x.c FROM unnest($1::uuid[], $2::uuid[]) AS x (p, c) WHERE p.id = x.p`,
			pq.Array(linkIDs), pq.Array(linkClients)); err != nil {
			return fmt.Errorf("link projects: %w", err)
		}
	}
	first := len(g.projects)
	for i := first; i < g.o.Projects; i++ {
		c := g.rng.IntN(len(g.clients))
		p := billProject{id: uuid.NewString(), client: c, billable: g.chance(90),
			name: g.clients[c].name + " · " + seedEngagements[i%len(seedEngagements)]}
		if g.chance(50) {
			rate := int64(10000 + 500*g.rng.IntN(17))
			p.rate = &rate
		}
		g.projects = append(g.projects, p)
	}
	added := g.projects[first:]
	created := g.now.AddDate(0, -g.o.Months, -7)
	err := copyIn(ctx, tx, "projects", []string{"id", "organization_id", "name", "client_id", "color", "status",
		"billable", "hourly_rate", "created_by", "created_at", "updated_at"}, len(added), func(i int) []any {
		p := added[i]
		return []any{p.id, g.orgID, p.name, g.clients[p.client].id, seedColors[(first+i)%len(seedColors)], store.ProjectActive,
			p.billable, p.rate, g.owner, created, created}
	})
	if err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "project_members", []string{"project_id", "user_id", "role", "created_at"}, len(added),
		func(i int) []any { return []any{added[i].id, g.owner, store.ProjectManager, created} }); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "task_groups", []string{"organization_id", "project_id", "name", "position", "is_default",
		"created_at", "updated_at"}, len(added), func(i int) []any {
		return []any{g.orgID, added[i].id, "To do", 0, true, created, created}
	}); err != nil {
		return err
	}
	// Entries on the seeded work's projects name one of their tasks, sometimes.
	var tasks []struct {
		ID        string `db:"id"`
		ProjectID string `db:"project_id"`
	}
	if err := tx.SelectContext(ctx, &tasks, `SELECT id, project_id FROM tasks WHERE organization_id = $1 ORDER BY project_id, id`, g.orgID); err != nil {
		return err
	}
	byID := map[string]int{}
	for i, p := range g.projects {
		byID[p.id] = i
	}
	for _, t := range tasks {
		if i, ok := byID[t.ProjectID]; ok {
			g.projects[i].tasks = append(g.projects[i].tasks, t.ID)
		}
	}
	return nil
}

// assignProjects gives every member four to ten projects to track time on and puts them on those projects.
func (g *billingGen) assignProjects(ctx context.Context, tx *sqlx.Tx) error {
	var pu, uu []string
	for u := range g.users {
		n := 4 + g.rng.IntN(7)
		seen := map[int]bool{}
		for len(g.users[u].projects) < min(n, len(g.projects)) {
			p := g.rng.IntN(len(g.projects))
			if !seen[p] {
				seen[p] = true
				g.users[u].projects = append(g.users[u].projects, p)
				pu, uu = append(pu, g.projects[p].id), append(uu, g.users[u].id)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO project_members (project_id, user_id, role)
		SELECT p, u, 'member' FROM unnest($1::uuid[], $2::uuid[]) AS x (p, u)
		ON CONFLICT DO NOTHING`, pq.Array(pu), pq.Array(uu)); err != nil {
		return fmt.Errorf("project members: %w", err)
	}
	return nil
}

// planDays lists the weekdays of the range and spreads the entries over members and days: about one day in
// twenty off, the rest evenly, so that every member tracks much the same per day.
func (g *billingGen) planDays() {
	today := time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 0, 0, 0, 0, g.loc)
	for d := today.AddDate(0, -g.o.Months, 0); d.Before(today); d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			g.days = append(g.days, d)
		}
	}
	type slot struct{ u, d int }
	var slots []slot
	g.perDay = make([][]int32, len(g.users))
	for u := range g.users {
		g.perDay[u] = make([]int32, len(g.days))
		for d := range g.days {
			if !g.chance(5) {
				slots = append(slots, slot{u, d})
			}
		}
	}
	if len(slots) == 0 {
		return
	}
	n := g.o.TimeEntries
	each, rest := n/len(slots), n%len(slots)
	g.rng.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	for i, s := range slots {
		c := each
		if i < rest {
			c++
		}
		g.perDay[s.u][s.d] = int32(c)
	}
}

// seedEntry is one generated time entry; walk reuses it.
type seedEntry struct {
	user, project  int
	task           *string
	description    string
	started, ended time.Time
	billable       bool
	rate           *int64 // the entry's own rate, rarely set
	effective      int64  // the rate it bills at: its own, else the project's, else the client's
	month          int    // year*12 + month-1 of started, in the organization's timezone
}

// Business hours: a day starts between 08:00 and 09:15 and its entries end by 18:30.
const (
	dayStartMinutes = 8 * 60
	dayEndMinutes   = 18*60 + 30
)

// walk generates every entry, in the same order with the same values each time it is called.
func (g *billingGen) walk(fn func(e *seedEntry) error) error {
	rng := rand.New(rand.NewPCG(g.o.Seed+1, g.base))
	var e seedEntry
	rates := []int64{7500, 9500, 12000, 15000}
	var weights, gaps []float64
	for u := range g.users {
		e.user = u
		projects := g.users[u].projects
		for d, day := range g.days {
			k := int(g.perDay[u][d])
			if k == 0 {
				continue
			}
			start := dayStartMinutes + rng.IntN(76)
			window := dayEndMinutes - start
			// The day's tracked minutes: longer entries when there are few of them, never beyond the window.
			tracked := min(k*(90+rng.IntN(91)), 9*60, window)
			tracked = max(tracked, min(k, window))
			weights, gaps = weights[:0], gaps[:0]
			var wsum, gsum float64
			for range k {
				w := 0.5 + rng.Float64()
				weights = append(weights, w)
				wsum += w
				gp := rng.Float64()
				gaps = append(gaps, gp)
				gsum += gp
			}
			slack := float64(window - tracked)
			at := float64(start)
			y, m, _ := day.Date()
			e.month = y*12 + int(m) - 1
			for i := range k {
				minutes := max(1, int(float64(tracked)*weights[i]/wsum))
				at += slack * gaps[i] / gsum / 2 // half the slack between entries, the rest after the last
				begin := time.Date(y, m, day.Day(), 0, int(at), 0, 0, g.loc)
				at += float64(minutes)
				e.started, e.ended = begin, begin.Add(time.Duration(minutes)*time.Minute)
				e.project = projects[rng.IntN(len(projects))]
				p := &g.projects[e.project]
				e.task = nil
				if len(p.tasks) > 0 && rng.IntN(100) < 60 {
					e.task = &p.tasks[rng.IntN(len(p.tasks))]
				}
				e.description = seedEntryNotes[rng.IntN(len(seedEntryNotes))]
				e.billable = p.billable && rng.IntN(100) < 88
				e.rate = nil
				if rng.IntN(100) < 4 {
					e.rate = &rates[rng.IntN(len(rates))]
				}
				e.effective = 0
				switch {
				case e.rate != nil:
					e.effective = *e.rate
				case p.rate != nil:
					e.effective = *p.rate
				case p.client >= 0:
					e.effective = g.clients[p.client].rate
				}
				if err := fn(&e); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// invoiceIssueDate is the day a month's invoice is issued: the first weekday from the 3rd of the next month.
func invoiceIssueDate(month int) time.Time {
	d := time.Date(month/12, time.Month(month%12+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, 2)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// billed reports whether an entry ends up on an invoice: billable client time of a month invoiced by today.
func (g *billingGen) billed(e *seedEntry) bool {
	if !e.billable || e.effective == 0 || g.projects[e.project].client < 0 {
		return false
	}
	return !invoiceIssueDate(e.month).After(g.today)
}

func (g *billingGen) lineKeyOf(e *seedEntry) lineKey {
	return lineKey{client: g.projects[e.project].client, month: e.month, project: e.project, rate: e.effective}
}

// seedInvoice is one planned invoice.
type seedInvoice struct {
	id, number                  string
	client, month               int
	issue, due                  time.Time
	status                      string
	subtotal, total, amountPaid int64
	sentAt                      time.Time
	paidAt                      *time.Time
	items                       []lineKey
}

// invoice adds up the billed time, then writes the invoices, their line items and payments, so that the entries
// can reference them as they are copied.
func (g *billingGen) invoice(ctx context.Context, tx *sqlx.Tx) error {
	g.planDays()
	err := g.walk(func(e *seedEntry) error {
		if g.billed(e) {
			k := g.lineKeyOf(e)
			l := g.lines[k]
			l.seconds += int64(e.ended.Sub(e.started) / time.Second)
			g.lines[k] = l
		}
		return nil
	})
	if err != nil {
		return err
	}
	byInvoice := map[[2]int]*seedInvoice{}
	for k := range g.lines {
		key := [2]int{k.client, k.month}
		inv := byInvoice[key]
		if inv == nil {
			inv = &seedInvoice{id: uuid.NewString(), client: k.client, month: k.month}
			byInvoice[key] = inv
		}
		inv.items = append(inv.items, k)
	}
	invoices := make([]*seedInvoice, 0, len(byInvoice))
	for _, inv := range byInvoice {
		invoices = append(invoices, inv)
	}
	sort.Slice(invoices, func(i, j int) bool {
		a, b := invoices[i], invoices[j]
		if a.month != b.month {
			return a.month < b.month
		}
		return g.clients[a.client].name < g.clients[b.client].name
	})
	var counters []struct {
		Year int `db:"year"`
		Last int `db:"last_number"`
	}
	if err := tx.SelectContext(ctx, &counters, `SELECT year, last_number FROM invoice_counters WHERE organization_id = $1`, g.orgID); err != nil {
		return err
	}
	last := map[int]int{}
	for _, c := range counters {
		last[c.Year] = c.Last
	}
	var items, payments [][]any
	for _, inv := range invoices {
		inv.issue = invoiceIssueDate(inv.month)
		inv.due = inv.issue.AddDate(0, 0, 30)
		y := inv.issue.Year()
		last[y]++
		inv.number = fmt.Sprintf("INV-%d-%04d", y, last[y])
		inv.sentAt = time.Date(y, inv.issue.Month(), inv.issue.Day(), 9, 30, 0, 0, g.loc)
		sort.Slice(inv.items, func(i, j int) bool {
			a, b := inv.items[i], inv.items[j]
			if a.project != b.project {
				return g.projects[a.project].name < g.projects[b.project].name
			}
			return a.rate < b.rate
		})
		monthName := time.Date(inv.month/12, time.Month(inv.month%12+1), 1, 0, 0, 0, 0, time.UTC).Format("January 2006")
		amounts := make([]int64, len(inv.items))
		for pos, k := range inv.items {
			l := g.lines[k]
			qty := store.HoursQuantity(l.seconds)
			amount, err := store.LineAmount(qty, k.rate)
			if err != nil {
				return err
			}
			amounts[pos] = amount
			l.invoiceID, l.itemID = inv.id, uuid.NewString()
			g.lines[k] = l
			items = append(items, []any{l.itemID, g.orgID, inv.id, g.projects[k.project].name + " — " + monthName,
				qty, k.rate, amount, pos + 1, inv.sentAt, inv.sentAt})
		}
		totals, err := store.ComputeInvoiceTotals(amounts, "0", "0")
		if err != nil {
			return err
		}
		inv.subtotal, inv.total = totals.Subtotal, totals.Total
		inv.status = store.InvoiceSent
		if paid := inv.issue.AddDate(0, 0, g.clients[inv.client].payDelay); paid.Before(g.today) {
			at := time.Date(paid.Year(), paid.Month(), paid.Day(), 11, 0, 0, 0, g.loc)
			inv.status, inv.paidAt, inv.amountPaid = store.InvoicePaid, &at, inv.total
			payments = append(payments, []any{g.orgID, inv.id, g.clients[inv.client].id, inv.total, "bank_transfer", at, g.owner, at, at})
		}
	}
	err = copyIn(ctx, tx, "invoices", []string{"id", "organization_id", "number", "client_id", "status", "issue_date",
		"due_date", "currency", "subtotal", "total", "amount_paid", "sent_at", "paid_at", "created_by", "created_at",
		"updated_at"}, len(invoices), func(i int) []any {
		inv := invoices[i]
		return []any{inv.id, g.orgID, inv.number, g.clients[inv.client].id, inv.status, inv.issue.Format(time.DateOnly),
			inv.due.Format(time.DateOnly), g.currency, inv.subtotal, inv.total, inv.amountPaid, inv.sentAt, inv.paidAt,
			g.owner, inv.sentAt, inv.sentAt}
	})
	if err != nil {
		return err
	}
	rows := func(r [][]any) func(int) []any { return func(i int) []any { return r[i] } }
	if err := copyIn(ctx, tx, "invoice_line_items", []string{"id", "organization_id", "invoice_id", "description",
		"quantity", "unit_price", "amount", "position", "created_at", "updated_at"}, len(items), rows(items)); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "payments", []string{"organization_id", "invoice_id", "client_id", "amount", "method",
		"paid_at", "created_by", "created_at", "updated_at"}, len(payments), rows(payments)); err != nil {
		return err
	}
	for y, n := range last {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO invoice_counters (organization_id, year, last_number) VALUES ($1, $2, $3)
			ON CONFLICT (organization_id, year) DO UPDATE SET last_number = greatest(invoice_counters.last_number, $3)`,
			g.orgID, y, n); err != nil {
			return fmt.Errorf("invoice counters: %w", err)
		}
	}
	return nil
}

// bulkLoadMin is the size from which copyEntries rebuilds time_entries' indexes and foreign keys rather than
// maintaining them row by row: with the eight indexes and six foreign keys of the table, a COPY of 1,000,000 rows
// takes several times longer than the same COPY into the bare table followed by CREATE INDEX (one sort each) and
// ADD FOREIGN KEY (one anti-join each).
const bulkLoadMin = 50_000

// copyEntries streams the entries into time_entries with one COPY. A load bigger than bulkLoadMin and than the
// table already is goes in without the secondary indexes and foreign keys, recreated afterwards in the same
// transaction from their own definitions in the catalog (as pg_restore does), so nothing here repeats the
// migrations. The transaction holds time_entries exclusively meanwhile, which a seed may.
func (g *billingGen) copyEntries(ctx context.Context, tx *sqlx.Tx) error {
	if g.o.TimeEntries < bulkLoadMin {
		return g.copyEntryRows(ctx, tx)
	}
	var existing int64
	if err := tx.GetContext(ctx, &existing, `SELECT reltuples::bigint FROM pg_class WHERE oid = 'time_entries'::regclass`); err != nil {
		return err
	}
	if existing > int64(g.o.TimeEntries) {
		return g.copyEntryRows(ctx, tx)
	}
	return withoutIndexes(ctx, tx, "time_entries", func() error { return g.copyEntryRows(ctx, tx) })
}

// withoutIndexes runs load with table's secondary indexes (those that back no constraint) and foreign keys
// dropped, then recreates them. Everything happens in tx: on an error all of it rolls back.
func withoutIndexes(ctx context.Context, tx *sqlx.Tx, table string, load func() error) error {
	type def struct {
		Name string `db:"name"`
		Def  string `db:"def"`
	}
	var indexes, fks []def
	if err := tx.SelectContext(ctx, &indexes, `
		SELECT i.relname AS name, pg_get_indexdef(i.oid) AS def
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		WHERE x.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
		ORDER BY i.relname`, table); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	if err := tx.SelectContext(ctx, &fks, `
		SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
		WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname`, table); err != nil {
		return fmt.Errorf("bulk load: %w", err)
	}
	t := pq.QuoteIdentifier(table)
	var drops, adds []string
	for _, fk := range fks {
		drops = append(drops, "DROP CONSTRAINT "+pq.QuoteIdentifier(fk.Name))
		adds = append(adds, "ADD CONSTRAINT "+pq.QuoteIdentifier(fk.Name)+" "+fk.Def)
	}
	var stmts []string
	if len(drops) > 0 {
		stmts = append(stmts, "ALTER TABLE "+t+" "+strings.Join(drops, ", "))
	}
	for _, ix := range indexes {
		stmts = append(stmts, "DROP INDEX "+pq.QuoteIdentifier(ix.Name))
	}
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
	}
	if err := load(); err != nil {
		return err
	}
	stmts = []string{"SET LOCAL maintenance_work_mem = '256MB'"}
	for _, ix := range indexes {
		stmts = append(stmts, ix.Def)
	}
	if len(adds) > 0 {
		stmts = append(stmts, "ALTER TABLE "+t+" "+strings.Join(adds, ", "))
	}
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("bulk load: %w", err)
		}
	}
	return nil
}

// copyEntryRows streams the entries into time_entries with one COPY.
func (g *billingGen) copyEntryRows(ctx context.Context, tx *sqlx.Tx) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("time_entries", "organization_id", "user_id", "project_id", "task_id",
		"description", "started_at", "stopped_at", "billable", "hourly_rate", "invoice_id", "line_item_id",
		"created_at", "updated_at"))
	if err != nil {
		return fmt.Errorf("copy time_entries: %w", err)
	}
	defer stmt.Close()
	err = g.walk(func(e *seedEntry) error {
		var invoiceID, itemID *string
		if g.billed(e) {
			l := g.lines[g.lineKeyOf(e)]
			invoiceID, itemID = &l.invoiceID, &l.itemID
		}
		var rate any
		if e.rate != nil {
			rate = *e.rate
		}
		_, err := stmt.ExecContext(ctx, g.orgID, g.users[e.user].id, g.projects[e.project].id, e.task, e.description,
			e.started, e.ended, e.billable, rate, invoiceID, itemID, e.ended, e.ended)
		return err
	})
	if err != nil {
		return fmt.Errorf("copy time_entries: %w", err)
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy time_entries: %w", err)
	}
	return stmt.Close()
}
