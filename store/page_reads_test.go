package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/trcr/trcr/store"
)

// The tasks page is one read: the list, what its filters offer and the panel of the task asked for, in a number of
// queries that does not grow with the tasks; the panel of a task the actor cannot see is missing, not an error.
func TestTasksPage_OneReadWithItsPanelInFixedQueries(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	design := f.createTask(t, store.TaskInput{Title: "Design the site"})
	f.createTask(t, store.TaskInput{Title: "Site map"})
	f.label(t, "bug", "#dc2626")

	p, err := f.s.TasksPage(ctx, f.member, store.TasksPageQuery{TaskID: design.ID, DependencySearch: "site"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Tasks.Total != 2 || len(p.Projects) != 1 || p.Projects[0].ID != f.project || len(p.Members) != 3 || len(p.Labels) != 1 {
		t.Fatalf("member's page: %d tasks, %d projects, %d members, %d labels", p.Tasks.Total, len(p.Projects), len(p.Members), len(p.Labels))
	}
	if p.Panel == nil || p.Panel.Task.ID != design.ID || p.TaskMissing || p.Panel.TimerRunning {
		t.Fatalf("member's panel: %+v, missing %v", p.Panel, p.TaskMissing)
	}
	if p.DependencyCandidates != nil {
		t.Errorf("a member who may not manage the task got dependency candidates: %+v", p.DependencyCandidates)
	}

	p, err = f.s.TasksPage(ctx, f.owner, store.TasksPageQuery{TaskID: design.ID, DependencySearch: "site"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.DependencyCandidates) != 1 || p.DependencyCandidates[0].Title != "Site map" || p.DependencyCandidates[0].ProjectName != "Website" {
		t.Errorf("owner's candidates (the task itself left out): %+v", p.DependencyCandidates)
	}

	p, err = f.s.TasksPage(ctx, f.outsider, store.TasksPageQuery{TaskID: design.ID})
	if err != nil {
		t.Fatal(err)
	}
	if p.Tasks.Total != 0 || len(p.Projects) != 0 || p.Panel != nil || !p.TaskMissing {
		t.Fatalf("outsider's page: %d tasks, %d projects, panel %v, missing %v", p.Tasks.Total, len(p.Projects), p.Panel != nil, p.TaskMissing)
	}
	if _, err := f.s.TasksPage(ctx, f.owner, store.TasksPageQuery{Filter: store.TaskFilter{ProjectID: "nope"}}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("a refused filter: %v", err)
	}

	count := func() int64 {
		f.queries.Store(0)
		if _, err := f.s.TasksPage(ctx, f.owner, store.TasksPageQuery{TaskID: design.ID}); err != nil {
			t.Fatal(err)
		}
		return f.queries.Load()
	}
	small := count()
	for range 30 {
		f.createTask(t, store.TaskInput{Title: "More work"})
	}
	if large := count(); large != small {
		t.Fatalf("tasks page of 2 tasks: %d queries; of 32: %d", small, large)
	}
}

// The invoice pages are for those who manage billing, and each reads what its page shows at once.
func TestInvoicePages_ForBillingOnlyEachOneRead(t *testing.T) {
	t.Parallel()
	f := newBoardWorld(t)
	ctx := context.Background()
	name, email := "Acme Corp", "billing@acme.test"
	cl, err := f.s.CreateClient(ctx, f.owner, store.ClientInput{Name: &name, Email: &email})
	if err != nil {
		t.Fatal(err)
	}
	cname, cemail := "Carla Contact", "carla@acme.test"
	if _, err := f.s.CreateClientContact(ctx, f.owner, cl.ID, store.ClientContactInput{Name: &cname, Email: &cemail}); err != nil {
		t.Fatal(err)
	}
	issue, due := "2026-02-01", "2026-03-01"
	inv, err := f.s.CreateInvoice(ctx, f.owner, store.InvoiceInput{ClientID: &cl.ID, ProjectID: &f.project, IssueDate: &issue, DueDate: &due})
	if err != nil {
		t.Fatal(err)
	}

	p, err := f.s.InvoicePage(ctx, f.owner, inv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Invoice.ID != inv.ID || p.ClientName != name || p.ClientEmail != email || p.ProjectName != "Website" ||
		len(p.Payments) != 0 || p.PublicLink != "" || p.Timezone == "" {
		t.Errorf("invoice page: %+v", p)
	}
	sp, err := f.s.InvoiceSendPage(ctx, f.owner, inv.ID)
	if err != nil || sp.ClientEmail != email || len(sp.Contacts) != 1 || sp.Contacts[0].Email != cemail {
		t.Errorf("send page: %+v, %v", sp, err)
	}
	np, err := f.s.NewInvoicePage(ctx, f.owner, cl.ID)
	if err != nil || len(np.Clients) != 1 || np.Client == nil || np.Client.ID != cl.ID || np.Currency == "" {
		t.Errorf("new invoice page: %+v, %v", np, err)
	}
	if np, err := f.s.NewInvoicePage(ctx, f.owner, "not-a-client"); err != nil || np.Client != nil || np.Projects != nil {
		t.Errorf("new invoice page for an unknown client: %+v, %v", np, err)
	}
	lp, err := f.s.InvoicesPage(ctx, f.owner, store.InvoiceFilter{From: "2026-04-01", To: "2026-03-01"})
	if err != nil || !errors.Is(lp.FilterError, store.ErrInvalid) || len(lp.Invoices.Items) != 0 || len(lp.Clients) != 1 {
		t.Errorf("list under a refused filter: %+v, %v", lp, err)
	}

	for name, read := range map[string]func() error{
		"list":        func() error { _, err := f.s.InvoicesPage(ctx, f.member, store.InvoiceFilter{}); return err },
		"new invoice": func() error { _, err := f.s.NewInvoicePage(ctx, f.member, ""); return err },
		"invoice":     func() error { _, err := f.s.InvoicePage(ctx, f.member, inv.ID); return err },
		"send":        func() error { _, err := f.s.InvoiceSendPage(ctx, f.member, inv.ID); return err },
	} {
		if err := read(); !errors.Is(err, store.ErrForbidden) {
			t.Errorf("%s page for a member: %v", name, err)
		}
	}
}
