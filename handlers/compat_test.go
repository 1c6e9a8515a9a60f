package handlers_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

// The invoice, client and project fixtures' former names, kept for tests written against them; new tests use the
// world (world_test.go) and the page helpers (visit_test.go).

// ivWorld is newInvoiceTeam under its former field names.
type ivWorld struct {
	*world
	actor     store.Actor
	projectID string
}

func ivSetup(t *testing.T) *ivWorld {
	t.Helper()
	w := newInvoiceTeam(t)
	return &ivWorld{world: w, actor: w.ownerA, projectID: w.project.ID}
}

func ivActor(t *testing.T, e *env, email string) store.Actor {
	t.Helper()
	return e.actor(email)
}

func (w *ivWorld) ivEntry(t *testing.T, desc string, start time.Time, d time.Duration) {
	t.Helper()
	w.billable(t, desc, start, d)
}

func (w *ivWorld) ivCreate(t *testing.T, form url.Values) string {
	t.Helper()
	return w.createInvoice(t, form)
}

func (w *ivWorld) ivDraft(t *testing.T) string {
	t.Helper()
	return w.draft(t)
}

func (w *ivWorld) ivAddLine(t *testing.T, id, desc, qty, price string) string {
	t.Helper()
	return w.addLine(t, id, desc, qty, price)
}

// ivMember invites Mia as a member through the pages and returns her signed-in browser.
func (w *ivWorld) ivMember(t *testing.T) *browser {
	t.Helper()
	return w.e.join(w.owner, "Mia Member", "mia@example.com", "member")
}

func ivText(p page, sel string) string { return p.find(sel) }

func clFieldError(p page, name string) string { return p.fieldError(name) }

func pwProjectID(t *testing.T, e *env, name string) string {
	t.Helper()
	return e.id(`SELECT id FROM projects WHERE name = $1`, name)
}

func pwJoin(t *testing.T, e *env, owner *browser, name, email string) *browser {
	t.Helper()
	return e.join(owner, name, email, "member")
}
