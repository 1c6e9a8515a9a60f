package handlers_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/trcr/trcr/store/vocab"
)

// currencyCodes are the codes a page's currency select offers, without its "organization default" choice.
func currencyCodes(p page, selector string) []string {
	var out []string
	for _, v := range p.doc.Find(selector + " option").Map(func(_ int, s *goquery.Selection) string { return s.AttrOr("value", "") }) {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Every currency select offers exactly the currencies the store accepts: MAD and PEN were accepted by the store
// and the API but offered by no page. Choosing them on a page saves them.
func TestCurrencySelects_OfferEveryCurrencyTheStoreAccepts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	owner := e.withOrg("Cora Owner", "cora@example.com", "Currency Co")
	want := vocab.Currencies.Codes()
	settings := owner.get("/settings/organization")
	client := owner.get("/clients/new")
	clCreate(t, e, owner, url.Values{"name": {"Lima Imports"}})
	invoice := owner.get("/invoices/new")
	for _, c := range []struct {
		name     string
		p        page
		selector string
	}{
		{"organization settings", settings, "#settings-currency"},
		{"new client", client, "#client-currency"},
		{"new invoice", invoice, "#inv-currency"},
	} {
		got := currencyCodes(c.p, c.selector)
		if c.p.status != http.StatusOK || !slices.Equal(got, want) {
			t.Errorf("%s (%d) offers %v, want %v", c.name, c.p.status, got, want)
		}
		if !slices.Contains(got, "MAD") || !slices.Contains(got, "PEN") {
			t.Errorf("%s does not offer MAD and PEN", c.name)
		}
	}

	for _, code := range []string{"MAD", "PEN"} {
		form := url.Values{"name": {"Currency Co"}, "slug": {"currency-co"}, "currency": {code}, "timezone": {"UTC"}}
		owner.visit(visit{name: "save", method: http.MethodPost, htmx: true, path: "/settings/organization", form: form, status: http.StatusOK})
		p := owner.get("/settings/organization")
		if got := p.doc.Find("#settings-currency option[selected]").AttrOr("value", ""); got != code {
			t.Fatalf("after saving %s the settings show %q", code, got)
		}
	}
}
