package api_test

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"testing"

	"github.com/trcr/trcr/store"
)

var invoiceLinkRe = regexp.MustCompile(`http://trcr\.test/i/[0-9a-f-]{36}\?sig=[0-9a-f]{64}`)

// opens reports whether a public invoice link opens the invoice.
func (e *env) opens(link string) bool {
	e.t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		e.t.Fatal(err)
	}
	id := u.Path[len("/i/"):]
	_, err = e.store.PublicInvoicePage(context.Background(), id, u.Query().Get("sig"))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		e.t.Fatal(err)
	}
	return err == nil
}

// Rotating an invoice's public link revokes the link emailed before; only owners and admins of the invoice's
// organization may, and only once the invoice was sent.
func TestInvoicePublicLink_RotateRevokesTheOldLink(t *testing.T) {
	t.Parallel()
	w := newBillWorld(t)
	e := w.env
	id := w.createInvoice(map[string]any{}).str("id")
	rotate := func(u user, id string) req { return w.as(u, "POST", "/invoices/"+id+"/public-link/rotate", nil) }
	e.run(scenario{req: rotate(w.owner, id), status: 409, message: "a draft has no public link yet: send the invoice first"})
	e.must(201, w.as(w.owner, "POST", "/invoices/"+id+"/line-items", map[string]any{"description": "Work", "quantity": 1, "unit_price": 5000}))
	e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/send", nil))
	emailed := invoiceLinkRe.FindString(e.lastEmailTo("billing@zoe.example").Text)
	if emailed == "" || !e.opens(emailed) {
		t.Fatalf("the emailed link %q does not open", emailed)
	}

	e.must(403, rotate(w.member, id))
	e.must(404, rotate(w.owner, w.strangerInvoice))
	e.must(404, req{method: "POST", path: "/invoices/" + id + "/public-link/rotate", token: w.stranger.token, org: w.otherOrg})
	e.must(401, req{method: "POST", path: "/invoices/" + id + "/public-link/rotate", org: w.org})
	if !e.opens(emailed) {
		t.Fatal("a refused rotation revoked the link")
	}

	first := e.must(200, rotate(w.admin, id)).str("public_url")
	if !invoiceLinkRe.MatchString(first) || first == emailed || !e.opens(first) || e.opens(emailed) {
		t.Fatalf("after rotating: new %q opens %v, emailed opens %v", first, e.opens(first), e.opens(emailed))
	}
	second := e.must(200, rotate(w.owner, id)).str("public_url")
	if second == first || e.opens(first) || !e.opens(second) {
		t.Fatalf("rotating twice: %q then %q", first, second)
	}
	// A later sending emails the current link.
	e.must(200, w.as(w.owner, "POST", "/invoices/"+id+"/send", nil))
	if got := invoiceLinkRe.FindString(e.lastEmailTo("billing@zoe.example").Text); got != second {
		t.Fatalf("sent again with %q, want %q", got, second)
	}
	logs := e.must(200, w.as(w.owner, "GET", "/audit-logs?entity_type=invoice&entity_id="+id, nil)).data()
	found := false
	for _, l := range logs {
		if ch, ok := l["changes"].(map[string]any)["public_link_version"].(map[string]any); ok && ch["to"] == 2.0 {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit entry of the rotation: %v", logs)
	}
}
