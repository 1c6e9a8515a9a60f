package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountPayments(g *router) {
	g.GET("/payments", a.listPayments, a.requireOrg)
	g.POST("/payments", a.createPayment, a.requireOrg)
	g.GET("/payments/:id", a.getPayment, a.requireOrg)
	g.PUT("/payments/:id", a.updatePayment, a.requireOrg)
	g.DELETE("/payments/:id", a.deletePayment, a.requireOrg)
}

func (a *API) listPayments(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.Payments(c.Request().Context(), actor(c), store.PaymentFilter{
		ClientID: c.QueryParam("client_id"), InvoiceID: c.QueryParam("invoice_id"),
		From: c.QueryParam("from"), To: c.QueryParam("to"), Page: p,
	})
	if err != nil {
		return err
	}
	return paged(c, l)
}

// paymentBody is the body of POST and PUT /payments; PUT ignores invoice_id.
type paymentBody struct {
	InvoiceID *string  `json:"invoice_id"`
	Amount    *decimal `json:"amount"`
	Method    *string  `json:"method"`
	PaidAt    *string  `json:"paid_at"`
	Notes     *string  `json:"notes"`
}

func (b paymentBody) input() store.PaymentInput {
	return store.PaymentInput{InvoiceID: b.InvoiceID, Amount: b.Amount.ptr(), Method: b.Method, PaidAt: b.PaidAt, Notes: b.Notes}
}

func (a *API) createPayment(c echo.Context) error {
	var in paymentBody
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := a.store.CreatePayment(c.Request().Context(), actor(c), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

func (a *API) getPayment(c echo.Context) error {
	p, err := a.store.Payment(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) updatePayment(c echo.Context) error {
	var in paymentBody
	if err := bind(c, &in); err != nil {
		return err
	}
	in.InvoiceID = nil
	p, err := a.store.UpdatePayment(c.Request().Context(), actor(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) deletePayment(c echo.Context) error {
	if err := a.store.DeletePayment(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
