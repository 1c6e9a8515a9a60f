package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountInvoices(g *router) {
	g.GET("/invoices", a.listInvoices, a.requireOrg)
	g.POST("/invoices", a.createInvoice, a.requireOrg)
	g.GET("/invoices/:id", a.getInvoice, a.requireOrg)
	g.PUT("/invoices/:id", a.updateInvoice, a.requireOrg)
	g.DELETE("/invoices/:id", a.deleteInvoice, a.requireOrg)
	g.GET("/invoices/:id/pdf", a.invoicePDF, a.requireOrg)
	g.POST("/invoices/:id/line-items", a.addLineItem, a.requireOrg)
	g.PUT("/invoices/:id/line-items/:item_id", a.updateLineItem, a.requireOrg)
	g.DELETE("/invoices/:id/line-items/:item_id", a.deleteLineItem, a.requireOrg)
	g.POST("/invoices/:id/generate", a.generateInvoice, a.requireOrg)
	g.POST("/invoices/:id/send", a.sendInvoice, a.requireOrg)
	g.POST("/invoices/:id/mark-paid", a.markInvoicePaid, a.requireOrg)
	// Beyond the reference: the only way to reach status void (see docs/DECISIONS.md).
	g.POST("/invoices/:id/void", a.voidInvoice, a.requireOrg)
	// Beyond the reference: revokes the invoice's public link and makes a new one (see docs/DECISIONS.md).
	g.POST("/invoices/:id/public-link/rotate", a.rotateInvoiceLink, a.requireOrg)
}

// decimal is a JSON number kept as its text, so that money, quantities and percentages never go through float64.
type decimal string

func (d *decimal) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) {
		// The decoder adds the field name, so bind answers "<field> has the wrong type: expected a number".
		return &json.UnmarshalTypeError{Value: "non-number", Type: reflect.TypeFor[float64]()}
	}
	*d = decimal(s)
	return nil
}

func (d *decimal) ptr() *string {
	if d == nil {
		return nil
	}
	s := string(*d)
	return &s
}

func (a *API) listInvoices(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.Invoices(c.Request().Context(), actor(c), store.InvoiceFilter{
		ClientID: c.QueryParam("client_id"), Status: c.QueryParam("status"),
		From: c.QueryParam("from"), To: c.QueryParam("to"), Page: p,
	})
	if err != nil {
		return err
	}
	return paged(c, l)
}

// invoiceBody is the body of POST and PUT /invoices; PUT ignores client_id and project_id.
type invoiceBody struct {
	ClientID  *string  `json:"client_id"`
	ProjectID *string  `json:"project_id"`
	IssueDate *string  `json:"issue_date"`
	DueDate   *string  `json:"due_date"`
	Currency  *string  `json:"currency"`
	Notes     *string  `json:"notes"`
	TaxRate   *decimal `json:"tax_rate"`
	Discount  *decimal `json:"discount"`
}

func (b invoiceBody) input() store.InvoiceInput {
	return store.InvoiceInput{
		ClientID: b.ClientID, ProjectID: b.ProjectID, IssueDate: b.IssueDate, DueDate: b.DueDate,
		Currency: b.Currency, Notes: b.Notes, TaxRate: b.TaxRate.ptr(), Discount: b.Discount.ptr(),
	}
}

func (a *API) createInvoice(c echo.Context) error {
	var in invoiceBody
	if err := bind(c, &in); err != nil {
		return err
	}
	inv, err := a.store.CreateInvoice(c.Request().Context(), actor(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, inv)
}

func (a *API) getInvoice(c echo.Context) error {
	inv, err := a.store.Invoice(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inv)
}

func (a *API) updateInvoice(c echo.Context) error {
	var in invoiceBody
	if err := bind(c, &in); err != nil {
		return err
	}
	in.ClientID, in.ProjectID = nil, nil
	inv, err := a.store.UpdateInvoice(c.Request().Context(), actor(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inv)
}

func (a *API) deleteInvoice(c echo.Context) error {
	if err := a.store.DeleteInvoice(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) invoicePDF(c echo.Context) error {
	b, name, err := a.store.InvoicePDF(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/pdf", b)
}

type lineItemBody struct {
	Description  *string  `json:"description"`
	Quantity     *decimal `json:"quantity"`
	UnitPrice    *decimal `json:"unit_price"`
	TimeEntryIDs []string `json:"time_entry_ids"`
}

func (b lineItemBody) input() store.LineItemInput {
	return store.LineItemInput{Description: b.Description, Quantity: b.Quantity.ptr(), UnitPrice: b.UnitPrice.ptr(), TimeEntryIDs: b.TimeEntryIDs}
}

func (a *API) addLineItem(c echo.Context) error {
	var in lineItemBody
	if err := bind(c, &in); err != nil {
		return err
	}
	it, err := a.store.AddInvoiceLineItem(c.Request().Context(), actor(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, it)
}

func (a *API) updateLineItem(c echo.Context) error {
	var in lineItemBody
	if err := bind(c, &in); err != nil {
		return err
	}
	it, err := a.store.UpdateInvoiceLineItem(c.Request().Context(), actor(c), c.Param("id"), c.Param("item_id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, it)
}

func (a *API) deleteLineItem(c echo.Context) error {
	if err := a.store.DeleteInvoiceLineItem(c.Request().Context(), actor(c), c.Param("id"), c.Param("item_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) generateInvoice(c echo.Context) error {
	var in struct {
		From string `json:"from"`
		To   string `json:"to"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	inv, err := a.store.GenerateInvoiceLineItems(c.Request().Context(), actor(c), c.Param("id"), store.GenerateInput{From: in.From, To: in.To})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inv)
}

func (a *API) sendInvoice(c echo.Context) error {
	var in struct {
		To      []string `json:"to"`
		Message *string  `json:"message"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	inv, err := a.store.SendInvoice(c.Request().Context(), actor(c), c.Param("id"), store.SendInvoiceInput{To: in.To, Message: in.Message})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inv)
}

func (a *API) markInvoicePaid(c echo.Context) error {
	var in struct {
		PaidAt        *string `json:"paid_at"`
		PaymentMethod *string `json:"payment_method"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	inv, err := a.store.MarkInvoicePaid(c.Request().Context(), actor(c), c.Param("id"), store.MarkPaidInput{PaidAt: in.PaidAt, PaymentMethod: in.PaymentMethod})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inv)
}

// voidInvoice answers the void invoice, as send and mark-paid answer theirs. It takes no body.
func (a *API) voidInvoice(c echo.Context) error {
	inv, err := a.store.VoidInvoice(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, inv)
}

// rotateInvoiceLink answers the invoice's new public link; the invoice itself never carries it. It takes no body.
func (a *API) rotateInvoiceLink(c echo.Context) error {
	inv, err := a.store.RotateInvoiceLink(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"public_url": a.store.InvoiceLink(inv.ID, inv.PublicLinkVersion)})
}
