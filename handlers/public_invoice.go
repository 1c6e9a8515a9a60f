package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// The public invoice: the signed link emailed with an invoice opens it without an account. A bad or revoked
// signature, an unknown id or a draft is the 404 page; a void invoice shows only that it is void, and has no PDF. Neither answer may be cached by shared caches or indexed, and the
// signed URL must not leak to other sites in a Referer header.

func (h *Handlers) mountPublicInvoice(g *router) {
	g.GET("/i/:id", h.publicInvoicePage)
	g.GET("/i/:id/pdf", h.publicInvoicePDF)
}

func publicInvoiceHeaders(c echo.Context) {
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "private, no-store")
	hdr.Set("X-Robots-Tag", "noindex")
	hdr.Set("Referrer-Policy", "no-referrer")
}

func (h *Handlers) publicInvoicePage(c echo.Context) error {
	publicInvoiceHeaders(c)
	id, sig := c.Param("id"), c.QueryParam("sig")
	pv, err := h.store.PublicInvoicePage(c.Request().Context(), id, sig)
	if err != nil {
		return err
	}
	inv := pv.Invoice
	if inv.Status == store.InvoiceVoid {
		return render(c, http.StatusOK, views.PublicInvoiceVoidPage(views.PublicInvoiceView{
			Number: inv.Number, Status: inv.Status, OrgName: pv.OrgName, OrgLogoURL: deref(pv.OrgLogoURL),
		}))
	}
	v := views.PublicInvoiceView{
		Number: inv.Number, Status: inv.Status, IssueDate: inv.IssueDate, DueDate: inv.DueDate, Currency: inv.Currency,
		Notes: inv.Notes, OrgName: pv.OrgName, OrgLogoURL: deref(pv.OrgLogoURL), OrgLines: pv.OrgLines,
		PaymentInstructions: pv.PaymentInstructions, Footer: pv.Footer,
		ClientName: pv.ClientName, ClientLines: pv.ClientLines, Items: ivLineRows(inv), Totals: ivTotals(inv),
		PaidAt: inv.PaidAt, PDFURL: "/i/" + url.PathEscape(inv.ID) + "/pdf?" + url.Values{"sig": {sig}}.Encode(),
	}
	for i := range v.Items {
		v.Items[i].Editable = false
	}
	return render(c, http.StatusOK, views.PublicInvoicePage(v))
}

func (h *Handlers) publicInvoicePDF(c echo.Context) error {
	publicInvoiceHeaders(c)
	b, name, err := h.store.PublicInvoicePDF(c.Request().Context(), c.Param("id"), c.QueryParam("sig"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/pdf", b)
}
