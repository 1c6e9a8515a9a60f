package seed

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
)

// Sizes of the seeded work.
const (
	// DefaultTasks is the number of tasks Work makes when WorkOptions.Tasks is zero.
	DefaultTasks = 2000
	// DefaultProjects is the number of projects Work makes when WorkOptions.Projects is zero.
	DefaultProjects = 40
	// BoardProjectName is the seeded project whose board the benchmarks read.
	BoardProjectName = "Platform rebuild"
	// BoardProjectTasks is how many tasks BoardProjectName gets once the organization has at least twice as many;
	// below that it gets half of them, so that the other projects are not empty.
	BoardProjectTasks = 2000
)

// ErrWorkExists is Work's answer when the organization has projects already: it then changes nothing.
var ErrWorkExists = errors.New("the organization has projects already")

// WorkOptions sizes Work. Zero values take the defaults.
type WorkOptions struct {
	Tasks    int    // total tasks over all projects; DefaultTasks
	Projects int    // projects, BoardProjectName first; DefaultProjects
	Seed     uint64 // of the random generator: the same seed makes the same work (relative to today); 1
}

func (o WorkOptions) withDefaults() WorkOptions {
	if o.Tasks <= 0 {
		o.Tasks = DefaultTasks
	}
	if o.Projects <= 0 {
		o.Projects = DefaultProjects
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// boardProjectSize is how many of tasks go to the board project.
func boardProjectSize(tasks, projects int) int {
	switch {
	case projects == 1:
		return tasks
	case tasks >= 2*BoardProjectTasks:
		return BoardProjectTasks
	}
	return tasks / 2
}

// Work fills an organization (the demo one of Demo) with realistic work, in bulk: o.Projects projects with
// members, five task groups each (Backlog, To do, In progress, Review, Done), labels, custom statuses, o.Tasks tasks
// with dates around today, labels, checklists, comments, dependencies and milestones. BoardProjectName holds
// BoardProjectTasks of the tasks, for the board benchmark. The content is deterministic for a seed (ids are not).
//
// If the organization has any project, Work changes nothing and answers ErrWorkExists.
//
// Everything is written with COPY in one transaction, bypassing the use cases: the rows get no audit entries,
// notifications or outbox emails (a bulk load is not something the team did). VACUUM (ANALYZE) runs afterwards, so
// that the planner knows the new sizes and the visibility map allows index-only scans at once.
func Work(ctx context.Context, s *store.Store, orgID string, o WorkOptions) error {
	o = o.withDefaults()
	if _, err := uuid.Parse(orgID); err != nil {
		return fmt.Errorf("seed work: organization: %w", store.ErrNotFound)
	}
	err := inTx(ctx, s, func(tx *sqlx.Tx) error {
		// Flushed at commit even where synchronous_commit is off (the test clusters), for vacuumSeeded.
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = on`); err != nil {
			return err
		}
		// Two seeds of one organization at once: the second waits, then finds the projects of the first.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('seed_work:' || $1, 0))`, orgID); err != nil {
			return err
		}
		var org struct {
			Timezone string `db:"timezone"`
			Projects int    `db:"projects"`
		}
		err := tx.GetContext(ctx, &org, `
			SELECT o.timezone, (SELECT count(*) FROM projects p WHERE p.organization_id = o.id) AS projects
			FROM organizations o WHERE o.id = $1`, orgID)
		if err != nil {
			return notFoundIfNoRows(err, "organization")
		}
		if org.Projects > 0 {
			return ErrWorkExists
		}
		// By email: the same seed then puts the same people on the same projects.
		var people []seedPerson
		if err := tx.SelectContext(ctx, &people, `
			SELECT user_id, role FROM members
			WHERE organization_id = $1 AND status = 'active' AND user_id IS NOT NULL
			ORDER BY CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, lower(email)`, orgID); err != nil {
			return err
		}
		if len(people) == 0 {
			return errors.New("the organization has no active members")
		}
		loc, err := time.LoadLocation(org.Timezone)
		if err != nil {
			loc = time.UTC
		}
		g := newWorkGen(o, orgID, people, s.Now().In(loc))
		if err := g.insertCatalog(ctx, tx); err != nil {
			return err
		}
		g.plan()
		return g.copyAll(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("seed work: %w", err)
	}
	// Fresh statistics, and a visibility map for index-only scans, instead of waiting for autovacuum.
	if err := vacuumSeeded(ctx, s, `projects, project_members, task_groups, labels, task_statuses,
		tasks, task_labels, task_checklist_items, task_comments, task_dependencies, milestones`); err != nil {
		return fmt.Errorf("seed work: vacuum: %w", err)
	}
	return nil
}

// vacuumSeeded vacuums and analyzes the tables a seed filled (SQL names, comma-separated). VACUUM marks a page all-visible only once it has set
// the commit hint bits of its rows, which it may not do while the commit record of their transaction, or of a later
// one sharing its commit-log group, is not yet flushed: with synchronous_commit off, ANALYZE's own commits of the
// first tables were enough to leave the tasks out of the visibility map, and the planner then shuns index-only scans.
// Hence the seeding transactions commit synchronously, and so does this session.
func vacuumSeeded(ctx context.Context, s *store.Store, tables string) error {
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET synchronous_commit = on`); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `VACUUM (ANALYZE) `+tables)
	if _, resetErr := conn.ExecContext(ctx, `RESET synchronous_commit`); err == nil {
		err = resetErr
	}
	return err
}

type seedPerson struct {
	UserID string `db:"user_id"`
	Role   string `db:"role"`
}

// Word lists of the generated work.
var (
	seedProjectNames = []string{
		BoardProjectName, "Mobile app v3", "Marketing website", "Customer portal", "Billing migration", "Data warehouse",
		"Design system", "Onboarding revamp", "Analytics dashboard", "Security audit", "Public API v2", "Search relaunch",
		"Payments integration", "Support tooling", "Internal wiki", "Brand refresh", "Checkout redesign", "Localization",
		"Accessibility pass", "Performance sprint", "Partner API", "Email templates", "iOS widget", "Android tablet app",
		"Admin console", "Reporting exports", "SSO rollout", "Infrastructure as code", "Observability", "Cloud cost review",
		"Recruiting site", "Annual report", "Event landing pages", "Content calendar", "QA automation", "Support chatbot",
		"Pricing experiments", "GDPR review", "Offline mode", "Release tooling",
	}
	seedProjectBlurbs = []string{
		"Rebuild of the core platform on the new service architecture.",
		"Quarterly goals and the work that gets us there.",
		"Client engagement; see the statement of work in the shared drive.",
		"Internal initiative owned by the product team.",
		"",
	}
	seedColors = []string{"#6366f1", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#ec4899", "#14b8a6",
		"#f97316", "#64748b", "#22c55e", "#3b82f6"}
	seedGroups = []struct {
		name   string
		weight int // share of a project's tasks, in percent
	}{{"Backlog", 20}, {"To do", 25}, {"In progress", 15}, {"Review", 10}, {"Done", 30}}
	seedLabels = []struct{ name, color string }{
		{"Bug", "#ef4444"}, {"Feature", "#3b82f6"}, {"Design", "#a855f7"}, {"Infra", "#64748b"}, {"Docs", "#14b8a6"},
		{"Performance", "#f59e0b"}, {"Security", "#dc2626"}, {"UX", "#ec4899"}, {"Tech debt", "#78716c"},
		{"Customer", "#22c55e"}, {"Backend", "#0ea5e9"}, {"Frontend", "#8b5cf6"},
	}
	seedVerbs = []string{"Fix", "Add", "Implement", "Design", "Refactor", "Update", "Review", "Write tests for",
		"Investigate", "Migrate", "Document", "Optimize", "Remove", "Improve", "Prototype", "Automate", "Clean up",
		"Audit", "Configure", "Draft", "Polish", "Benchmark", "Validate", "Deploy", "Redesign", "Spec out"}
	seedObjects = []string{"login form", "password reset flow", "invoice PDF export", "dashboard charts",
		"search results page", "onboarding checklist", "API rate limiting", "billing webhook", "avatar upload",
		"notification settings", "CSV import", "audit log view", "permissions matrix", "mobile navigation", "dark mode",
		"email templates", "error pages", "session handling", "caching layer", "database indexes", "background jobs",
		"file previews", "timezone handling", "project board", "Gantt timeline", "task filters", "comment threads",
		"checklist reordering", "label picker", "date picker", "empty states", "pricing page", "signup funnel",
		"SSO settings", "two-factor enrollment", "CI pipeline", "staging environment", "backup restore",
		"metrics dashboard", "alerting rules", "release notes", "screen reader labels", "keyboard shortcuts",
		"translation strings", "cookie banner", "data retention job", "report exports", "team invites",
		"time tracking widget", "client list", "design tokens", "icon set", "settings page", "webhooks admin"}
	seedSuffixes = []string{"", "", "", "", " for mobile", " in Safari", " on the API", " (v2)", " before launch",
		" for the enterprise plan", " after the migration", " behind a feature flag", " for new accounts"}
	// Only the title's verb and an object or two mention design, so that searching "desig" matches a few percent of
	// the tasks, as a real search does.
	seedSentences = []string{
		"Customers reported that the %s gets slow once the list grows past a few hundred rows.",
		"We need this before the next release; the %s is part of the launch checklist.",
		"Acceptance: the %s works with a keyboard only and passes the screen reader check.",
		"See the mockups for the %s; ask the product team about the edge cases.",
		"Steps to reproduce: open the %s, change a value, save, and reload the page.",
		"Blocked until the %s refactor has landed on main.",
		"The %s should follow the new style guide for spacing and colors.",
		"Track the error rate of the %s in the metrics dashboard after rollout.",
		"Support has three open tickets about the %s this week.",
		"Keep the old %s behind a flag for one release so we can roll back.",
		"Write down the decisions about the %s in the wiki when done.",
		"Pair with QA to test the %s on staging with production-like data.",
		"The %s breaks when the user's timezone differs from the organization's.",
		"Measure how long the %s takes on a slow phone before and after.",
		"Sales promised the %s to two enterprise prospects for next quarter.",
		"Legal wants to review the wording of the %s before it ships.",
		"Check the %s against the security checklist: input validation, permissions, logging.",
		"This came up in the retro: the %s confuses new team members.",
	}
	seedChecklist = []string{"Write tests", "Update docs", "Code review", "QA on staging", "Deploy to production",
		"Announce in #releases", "Check analytics", "Update the changelog", "Design review", "Security review"}
	seedComments = []string{
		"I can take this one after the current sprint.", "Pushed a first draft, feedback welcome.",
		"Is this still needed after the migration?", "Added screenshots to the description.",
		"Blocked on the API change, moving it back.", "Reviewed: looks good to me, two small nits.",
		"Customer confirmed the fix works for them.", "Let's discuss this in the planning meeting.",
		"Bumped the priority: three more reports today.", "Deployed to staging, please verify.",
		"Split the remaining work into a follow-up task.", "Can we ship this behind a feature flag first?",
	}
	seedMilestones = []struct {
		title  string
		offset int // days from today
		color  string
	}{{"Kickoff", -45, "#64748b"}, {"Beta", 14, "#f59e0b"}, {"Launch", 60, "#10b981"}}
	seedHours = []float64{0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 40}
)

// The custom statuses Work adds: QA review reports progress and advances to done at 100%.
var seedStatuses = []struct {
	code, label, color string
	terminal, progress bool
	onComplete, next   string
	editable           bool
}{
	{code: "qa_review", label: "QA review", color: "#f59e0b", progress: true, editable: true, onComplete: store.OnCompleteAutoAdvance, next: "done"},
	{code: "blocked", label: "Blocked", color: "#ef4444", onComplete: store.OnCompleteNone},
	{code: "wont_do", label: "Won't do", color: "#94a3b8", terminal: true, onComplete: store.OnCompleteNone},
}

// workGen plans the rows of Work in memory, then copies them.
type workGen struct {
	o      WorkOptions
	orgID  string
	people []seedPerson
	now    time.Time
	today  time.Time // midnight of the organization's day, as a UTC date
	rng    *rand.Rand

	labelIDs []string // by seedLabels index
	projects []seedProject
	tasks    []seedTask
	labels   [][2]string // task_id, label_id
	checks   [][]any
	comments [][]any
	deps     [][2]string // task_id blocked by depends_on_id
}

type seedProject struct {
	id, name, description, color string
	status                       string
	billable                     bool
	rate                         *int64
	createdAt                    time.Time
	members                      []int    // indexes in people; members[0] is the owner, the manager
	groups                       []string // ids, by seedGroups index
	tasks                        int
}

type seedTask struct {
	id, projectID, groupID, title, description, status, priority string
	assignee, reporter                                           *string
	start, due                                                   *string
	hours                                                        *float64
	complexity                                                   *int
	progress, position                                           int
	completedAt                                                  *time.Time
	createdAt, updatedAt                                         time.Time
}

func newWorkGen(o WorkOptions, orgID string, people []seedPerson, now time.Time) *workGen {
	h := fnv.New64a()
	h.Write([]byte("trcr seed work"))
	return &workGen{
		o: o, orgID: orgID, people: people, now: now,
		today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC),
		rng:   rand.New(rand.NewPCG(o.Seed, h.Sum64())),
	}
}

func (g *workGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// chance is true with probability percent/100.
func (g *workGen) chance(percent int) bool { return g.rng.IntN(100) < percent }

// weighted picks an index by weights.
func (g *workGen) weighted(weights ...int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func (g *workGen) day(offset int) string { return g.today.AddDate(0, 0, offset).Format(time.DateOnly) }

// between returns a time in [from, to).
func (g *workGen) between(from, to time.Time) time.Time {
	if !to.After(from) {
		return from
	}
	return from.Add(time.Duration(g.rng.Int64N(int64(to.Sub(from)))))
}

// insertCatalog adds the organization's labels and custom statuses, keeping any of the same name or code, and
// reads back the label ids.
func (g *workGen) insertCatalog(ctx context.Context, tx *sqlx.Tx) error {
	names, colors := make([]string, len(seedLabels)), make([]string, len(seedLabels))
	for i, l := range seedLabels {
		names[i], colors[i] = l.name, l.color
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO labels (organization_id, name, color)
		SELECT $1, n, c FROM unnest($2::text[], $3::text[]) AS x (n, c)
		ON CONFLICT DO NOTHING`, g.orgID, pq.Array(names), pq.Array(colors)); err != nil {
		return fmt.Errorf("labels: %w", err)
	}
	var rows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT id, lower(name) AS name FROM labels WHERE organization_id = $1`, g.orgID); err != nil {
		return err
	}
	byName := map[string]string{}
	for _, r := range rows {
		byName[r.Name] = r.ID
	}
	g.labelIDs = make([]string, len(seedLabels))
	for i, l := range seedLabels {
		g.labelIDs[i] = byName[strings.ToLower(l.name)]
	}
	for _, st := range seedStatuses {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO task_statuses (organization_id, code, label, color, position, is_terminal, supports_progress,
				progress_editable, on_complete, next_status_code)
			VALUES ($1, $2, $3, $4, (SELECT coalesce(max(position) + 1, 0) FROM task_statuses WHERE organization_id = $1),
				$5, $6, $7, $8, NULLIF($9, ''))
			ON CONFLICT DO NOTHING`,
			g.orgID, st.code, st.label, st.color, st.terminal, st.progress, st.editable, st.onComplete, st.next); err != nil {
			return fmt.Errorf("task statuses: %w", err)
		}
	}
	return nil
}

// plan generates every row in memory.
func (g *workGen) plan() {
	o := g.o
	g.projects = make([]seedProject, o.Projects)
	board := boardProjectSize(o.Tasks, o.Projects)
	// The other projects share the rest unevenly, as real ones do.
	weights, total := make([]int, o.Projects), 0
	for i := 1; i < o.Projects; i++ {
		weights[i] = 50 + g.rng.IntN(101)
		total += weights[i]
	}
	rest, given := o.Tasks-board, 0
	for i := range g.projects {
		p := &g.projects[i]
		p.id = uuid.NewString()
		p.name = seedProjectNames[i%len(seedProjectNames)]
		if i >= len(seedProjectNames) {
			p.name += fmt.Sprintf(" %d", i/len(seedProjectNames)+1)
		}
		p.description = seedProjectBlurbs[g.rng.IntN(len(seedProjectBlurbs))]
		p.color = seedColors[i%len(seedColors)]
		p.status = store.ProjectActive
		if i > 0 && i%13 == 0 {
			p.status = store.ProjectArchived
		}
		p.billable = i == 0 || g.chance(70)
		if p.billable {
			rate := int64(8000 + 500*g.rng.IntN(15))
			p.rate = &rate
		}
		p.createdAt = g.now.AddDate(0, 0, -(60 + g.rng.IntN(300)))
		if i == 0 {
			p.tasks = board
		} else if total > 0 {
			p.tasks = rest * weights[i] / total
			given += p.tasks
		}
		// The owner manages every project; the admin manages some; plain members join about half, and all of them
		// are on the board project.
		p.members = []int{0}
		for j := 1; j < len(g.people); j++ {
			if i == 0 || g.chance(45) {
				p.members = append(p.members, j)
			}
		}
		p.groups = make([]string, len(seedGroups))
		for j := range seedGroups {
			p.groups[j] = uuid.NewString()
		}
	}
	for i := 1; given < rest; i = i%(o.Projects-1) + 1 { // what integer division left over
		g.projects[i].tasks++
		given++
	}
	g.tasks = make([]seedTask, 0, o.Tasks)
	for i := range g.projects {
		g.planTasks(&g.projects[i])
	}
}

// planTasks generates the tasks of one project and what hangs off them.
func (g *workGen) planTasks(p *seedProject) {
	positions := make([]int, len(seedGroups))
	first := len(g.tasks)
	done := 4 // index of Done in seedGroups
	for k := 0; k < p.tasks; k++ {
		var t seedTask
		t.id, t.projectID = uuid.NewString(), p.id
		gi := g.weighted(20, 25, 15, 10, 30)
		if p.status == store.ProjectArchived && g.chance(80) {
			gi = done
		}
		t.groupID, t.position = p.groups[gi], positions[gi]
		positions[gi]++
		switch gi {
		case 0, 1:
			t.status = "open"
			if gi == 1 && g.chance(5) {
				t.status = "blocked"
			}
		case 2:
			t.status = "in_progress"
			if g.chance(10) {
				t.status = "blocked"
			}
			t.progress = 5 * (2 + g.rng.IntN(17))
		case 3:
			t.status, t.progress = "qa_review", 5*(10+g.rng.IntN(10))
		default:
			switch g.weighted(90, 5, 5) {
			case 0:
				t.status, t.progress = "done", 100
			case 1:
				t.status, t.progress = "closed", 100
			default:
				t.status = "wont_do"
			}
		}
		t.priority = vocab.Priorities[g.weighted(20, 45, 25, 10)].Code
		verb, object := g.pick(seedVerbs), g.pick(seedObjects)
		t.title = verb + " " + object + g.pick(seedSuffixes)
		if g.chance(85) {
			n := 1 + g.rng.IntN(4)
			sentences := make([]string, n)
			for j := range sentences {
				obj := object
				if j > 0 && g.chance(50) {
					obj = g.pick(seedObjects)
				}
				sentences[j] = fmt.Sprintf(g.pick(seedSentences), obj)
			}
			t.description = strings.Join(sentences, " ")
		}
		if g.chance(85) {
			t.assignee = &g.people[p.members[g.rng.IntN(len(p.members))]].UserID
		}
		if g.chance(30) {
			t.reporter = &g.people[0].UserID
		} else {
			t.reporter = &g.people[p.members[g.rng.IntN(len(p.members))]].UserID
		}
		t.createdAt = g.between(p.createdAt, g.now)
		t.updatedAt = g.between(t.createdAt, g.now)
		if g.chance(80) {
			startOffset := -90 + g.rng.IntN(136)
			if gi == done {
				startOffset = -120 + g.rng.IntN(110)
			}
			due := g.day(startOffset + 1 + g.rng.IntN(30))
			t.due = &due
			if g.chance(75) {
				start := g.day(startOffset)
				t.start = &start
			}
		}
		if g.chance(60) {
			h := seedHours[g.rng.IntN(len(seedHours))]
			t.hours = &h
		}
		if g.chance(50) {
			c := vocab.Complexities[g.rng.IntN(len(vocab.Complexities))]
			t.complexity = &c
		}
		if t.status == "done" || t.status == "closed" || t.status == "wont_do" {
			t.completedAt = &t.updatedAt // completing it was the last change
		}
		g.tasks = append(g.tasks, t)

		for _, li := range g.taskLabels(verb) {
			g.labels = append(g.labels, [2]string{t.id, g.labelIDs[li]})
		}
		if g.chance(15) {
			items := g.rng.Perm(len(seedChecklist))[:2+g.rng.IntN(4)]
			doneItems := len(items) * t.progress / 100
			for pos, it := range items {
				g.checks = append(g.checks, []any{uuid.NewString(), g.orgID, t.id, seedChecklist[it], pos < doneItems, pos, t.createdAt, t.updatedAt})
			}
		}
		if g.chance(20) {
			at := t.createdAt
			for range 1 + g.rng.IntN(4) {
				at = g.between(at, g.now)
				who := g.people[p.members[g.rng.IntN(len(p.members))]].UserID
				g.comments = append(g.comments, []any{uuid.NewString(), g.orgID, t.id, who, g.pick(seedComments), at, at})
			}
		}
		// A task may wait for earlier tasks of its project: edges only point to lower indexes, so no cycles.
		if k > 0 && g.chance(6) {
			seen := map[int]bool{}
			for range 1 + g.rng.IntN(2) {
				j := max(0, k-50) + g.rng.IntN(min(k, 50))
				if !seen[j] {
					seen[j] = true
					g.deps = append(g.deps, [2]string{t.id, g.tasks[first+j].id})
				}
			}
		}
	}
}

// taskLabels picks 0 to 3 labels, the first one often matching the title's verb.
func (g *workGen) taskLabels(verb string) []int {
	n := g.weighted(30, 45, 20, 5)
	if n == 0 {
		return nil
	}
	out := make([]int, 0, n)
	has := func(i int) bool {
		for _, x := range out {
			if x == i {
				return true
			}
		}
		return false
	}
	hint := map[string]int{"Fix": 0, "Add": 1, "Implement": 1, "Design": 2, "Redesign": 2, "Polish": 7, "Deploy": 3,
		"Configure": 3, "Document": 4, "Optimize": 5, "Benchmark": 5, "Audit": 6, "Refactor": 8, "Clean up": 8}
	if i, ok := hint[verb]; ok && g.chance(70) {
		out = append(out, i)
	}
	for len(out) < n {
		if i := g.rng.IntN(len(seedLabels)); !has(i) {
			out = append(out, i)
		}
	}
	return out
}

// copyIn streams n rows into table with COPY.
func copyIn(ctx context.Context, tx *sqlx.Tx, table string, cols []string, n int, row func(i int) []any) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn(table, cols...))
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	defer stmt.Close()
	for i := range n {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return stmt.Close()
}

func (g *workGen) copyAll(ctx context.Context, tx *sqlx.Tx) error {
	ps := g.projects
	owner := g.people[0].UserID
	err := copyIn(ctx, tx, "projects", []string{"id", "organization_id", "name", "description", "color", "status",
		"billable", "hourly_rate", "created_by", "created_at", "updated_at"}, len(ps), func(i int) []any {
		p := ps[i]
		return []any{p.id, g.orgID, p.name, p.description, p.color, p.status, p.billable, p.rate, owner, p.createdAt, p.createdAt}
	})
	if err != nil {
		return err
	}
	var members, groups [][]any
	for _, p := range ps {
		for j, m := range p.members {
			role := store.ProjectMember
			if j == 0 || g.people[m].Role == store.RoleAdmin {
				role = store.ProjectManager
			}
			members = append(members, []any{p.id, g.people[m].UserID, role, p.createdAt})
		}
		for j, id := range p.groups {
			groups = append(groups, []any{id, g.orgID, p.id, seedGroups[j].name, j, seedGroups[j].name == "To do", p.createdAt, p.createdAt})
		}
	}
	rows := func(r [][]any) func(int) []any { return func(i int) []any { return r[i] } }
	if err := copyIn(ctx, tx, "project_members", []string{"project_id", "user_id", "role", "created_at"},
		len(members), rows(members)); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "task_groups", []string{"id", "organization_id", "project_id", "name", "position",
		"is_default", "created_at", "updated_at"}, len(groups), rows(groups)); err != nil {
		return err
	}
	ts := g.tasks
	err = copyIn(ctx, tx, "tasks", []string{"id", "organization_id", "project_id", "group_id", "title", "description",
		"status", "priority", "assignee_id", "reporter_id", "start_date", "due_date", "estimated_hours", "complexity",
		"progress", "position", "completed_at", "created_at", "updated_at"}, len(ts), func(i int) []any {
		t := ts[i]
		return []any{t.id, g.orgID, t.projectID, t.groupID, t.title, t.description, t.status, t.priority, t.assignee,
			t.reporter, t.start, t.due, t.hours, t.complexity, t.progress, t.position, t.completedAt, t.createdAt, t.updatedAt}
	})
	if err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "task_labels", []string{"task_id", "label_id"}, len(g.labels), func(i int) []any {
		return []any{g.labels[i][0], g.labels[i][1]}
	}); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "task_checklist_items", []string{"id", "organization_id", "task_id", "title", "completed",
		"position", "created_at", "updated_at"}, len(g.checks), rows(g.checks)); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "task_comments", []string{"id", "organization_id", "task_id", "user_id", "body",
		"created_at", "updated_at"}, len(g.comments), rows(g.comments)); err != nil {
		return err
	}
	if err := copyIn(ctx, tx, "task_dependencies", []string{"organization_id", "task_id", "depends_on_id", "dependency_type"},
		len(g.deps), func(i int) []any { return []any{g.orgID, g.deps[i][0], g.deps[i][1], store.DependencyBlockedBy} }); err != nil {
		return err
	}
	var milestones [][]any
	for _, p := range ps {
		for _, m := range seedMilestones {
			milestones = append(milestones, []any{g.orgID, p.id, m.title, g.day(m.offset + g.rng.IntN(11) - 5), m.color})
		}
	}
	return copyIn(ctx, tx, "milestones", []string{"organization_id", "project_id", "title", "target_date", "color"},
		len(milestones), rows(milestones))
}
