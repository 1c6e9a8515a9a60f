package handlers_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store"
)

// Every page takes "today" from the store's clock, as the rules do: a task due on the clock's day reads Today, one
// due the day before is overdue, and the default dates of the report filter, the client activity form and the payment forms are the clock's.
func TestPages_TodayFollowsTheStoreClock(t *testing.T) {
	t.Parallel()
	w := newInvoiceTeam(t)
	clock := time.Date(2031, 7, 15, 12, 0, 0, 0, time.UTC) // the users and the organization are on UTC
	w.e.store.SetClock(func() time.Time { return clock })
	ctx := context.Background()

	due, yesterday := "2031-07-15", "2031-07-14"
	if _, err := w.e.store.CreateTask(ctx, w.ownerA, store.TaskInput{ProjectID: w.project.ID, Title: "Ship", DueDate: &due}); err != nil {
		t.Fatal(err)
	}
	late, err := w.e.store.CreateTask(ctx, w.ownerA, store.TaskInput{ProjectID: w.project.ID, Title: "Late", DueDate: &yesterday})
	if err != nil {
		t.Fatal(err)
	}
	p := w.owner.get("/tasks")
	row := p.doc.Find(`[data-testid="task-row"]`).FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), "Ship")
	})
	if got := strings.TrimSpace(row.Find(`[data-testid="task-row-due"]`).Text()); got != "Today" {
		t.Errorf("tasks page: due %q, want Today", got)
	}
	if p := w.owner.get("/tasks?task=" + late.ID); !p.has("tp-overdue") {
		t.Error("task panel: a task due the day before the clock's day is not overdue")
	}

	p = w.owner.get("/reports/timesheet")
	from, to := p.doc.Find(`input[name="from"]`).AttrOr("value", ""), p.doc.Find(`input[name="to"]`).AttrOr("value", "")
	if from != "2031-07-01" || to != "2031-07-31" {
		t.Errorf("report range %s – %s, want the clock's month", from, to)
	}

	p = w.owner.get("/clients/" + w.clientID)
	if got := p.doc.Find(`[data-testid="activity-date-input"]`).AttrOr("value", ""); got != due {
		t.Errorf("client activity date %q, want %s", got, due)
	}

	inv, err := w.e.store.CreateInvoice(ctx, w.ownerA, store.InvoiceInput{ClientID: &w.clientID, DueDate: &[]string{"2031-08-14"}[0]})
	if err != nil {
		t.Fatal(err)
	}
	w.e.db.MustExec(`UPDATE invoices SET status = 'sent', sent_at = now() WHERE id = $1`, inv.ID) // as sending does
	if p := w.owner.get("/invoices/" + inv.ID); p.status != http.StatusOK ||
		p.doc.Find(`#mp-date`).AttrOr("value", "") != due {
		t.Errorf("invoice page: %d, mark-paid date %q, want %s", p.status, p.doc.Find(`#mp-date`).AttrOr("value", ""), due)
	}
}
