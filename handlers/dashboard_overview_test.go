package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store"
)

func dashChecklist(p page) map[string]bool {
	out := map[string]bool{}
	p.doc.Find(`[data-testid="checklist-item"]`).Each(func(_ int, s *goquery.Selection) {
		_, done := s.Attr("data-done")
		out[strings.TrimSpace(s.Find(".checklist__text > a, .checklist__text > span:first-child").First().Text())] = done
	})
	return out
}

// A new organization's dashboard says "Welcome" once, and its checklist counts the first client, project and
// time entry until the owner dismisses it.
func TestDashboard_WelcomeOnceAndSetupChecklistCountsFirstSteps(t *testing.T) {
	e := newEnv(t)
	b := e.signUp("Nora New", "nora@example.com")
	if p := b.post("/onboarding", url.Values{"name": {"Fresh Co"}}); p.status != http.StatusSeeOther {
		t.Fatalf("onboarding: %d", p.status)
	}
	p := b.get("/")
	if h := strings.TrimSpace(p.doc.Find("h1").First().Text()); h != "Welcome, Nora" {
		t.Fatalf("first visit greets %q", h)
	}
	steps := dashChecklist(p)
	for _, step := range []string{"Add your first client", "Create your first project", "Track your first time"} {
		if done, ok := steps[step]; !ok || done {
			t.Errorf("step %q: listed %v, done %v (%v)", step, ok, done, steps)
		}
	}
	if p = b.get("/"); strings.TrimSpace(p.doc.Find("h1").First().Text()) != "Welcome back, Nora" {
		t.Fatalf("second visit greets %q", p.doc.Find("h1").First().Text())
	}

	a := e.actor("nora@example.com")
	ctx := context.Background()
	name := "Acme"
	cl, err := e.store.CreateClient(ctx, a, store.ClientInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	pname := "Site"
	pr, err := e.store.CreateProject(ctx, a, store.ProjectInput{Name: &pname, ClientID: &cl.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.StartTimer(ctx, a, store.StartTimerInput{ProjectID: &pr.ID}); err != nil {
		t.Fatal(err)
	}
	steps = dashChecklist(b.get("/"))
	for _, step := range []string{"Add your first client", "Create your first project", "Track your first time"} {
		if !steps[step] {
			t.Errorf("step %q not done after it was taken: %v", step, steps)
		}
	}

	if r := b.htmx("/dashboard/setup/dismiss", nil); r.status != http.StatusOK {
		t.Fatalf("dismiss: %d", r.status)
	}
	if p = b.get("/"); p.has("checklist") {
		t.Error("the dismissed checklist is still shown")
	}
}

// The first row shows the viewer's week and running timer to everyone, and unbilled time and unpaid invoices
// only to those who manage billing.
func TestDashboard_TimeAndBillingFiguresFollowPermissions(t *testing.T) {
	w := newInvoiceTeam(t)
	ctx := context.Background()
	now := time.Now()
	w.billable(t, "Design", now.Add(-7*time.Minute), 5*time.Minute)
	if _, err := w.e.store.StartTimer(ctx, w.ownerA, store.StartTimerInput{ProjectID: &w.project.ID, Description: ptrTo("Calls")}); err != nil {
		t.Fatal(err)
	}
	id := w.createInvoice(t, url.Values{"client_id": {w.clientID}, "issue_date": {"2026-01-01"}, "due_date": {"2026-01-31"}})
	w.addLine(t, id, "Retainer", "1", "250")
	w.owner.get("/invoices/" + id + "/send")
	if p := w.owner.post("/invoices/"+id+"/send", url.Values{"to": {"billing@acme.test"}}); p.status != http.StatusSeeOther {
		t.Fatalf("send: %d", p.status)
	}

	p := w.owner.get("/")
	utc := now.UTC()
	sinceMonday := time.Duration((int(utc.Weekday())+6)%7)*24*time.Hour + utc.Sub(utc.Truncate(24*time.Hour))
	if week := p.doc.Find(`[data-testid="stat-week-hours"] .stat__value`).Text(); week != "0:05" && sinceMonday > 8*time.Minute {
		t.Errorf("week hours %q", week) // 5 minutes, and the seconds the timer ran
	}
	if timer := p.text("stat-running-timer"); !strings.Contains(timer, "Website · Calls") {
		t.Errorf("running timer %q", timer)
	}
	if got := p.doc.Find(`[data-testid="stat-unbilled"] .stat__value`).Text(); got != "0:05" {
		t.Errorf("unbilled %q", got)
	}
	if got := p.doc.Find(`[data-testid="stat-outstanding"] .stat__value`).Text(); got != "250.00 EUR" {
		t.Errorf("outstanding %q", got)
	}
	if got := p.text("stat-overdue-invoices"); got != "1 overdue (250.00 EUR)" {
		t.Errorf("overdue %q", got)
	}

	m := w.e.join(w.owner, "Mia Member", "mia@example.com", "member").get("/")
	if m.status != http.StatusOK || !m.has("stat-week-hours") || !m.has("stat-running-timer") || m.has("stat-unbilled") || m.has("stat-outstanding") {
		t.Errorf("member's dashboard shows billing or lacks their time: %d", m.status)
	}
}

func ptrTo[T any](v T) *T { return &v }

// The audit log shows when things happened in the viewer's timezone, not the server's.
func TestAuditLog_TimesInTheViewersTimezone(t *testing.T) {
	w := newInvoiceTeam(t)
	w.e.db.MustExec(`UPDATE users SET timezone = 'Asia/Tokyo' WHERE email = 'olivia@example.com'`)
	p := w.owner.get("/audit-logs")
	when := p.doc.Find(`[data-testid="audit-when"]`).First()
	if title := when.AttrOr("title", ""); !strings.HasSuffix(title, " JST") {
		t.Errorf("audit time %q, want Tokyo time", title)
	}
	if dt := when.AttrOr("datetime", ""); !strings.HasSuffix(dt, "+09:00") {
		t.Errorf("datetime %q", dt)
	}
}
