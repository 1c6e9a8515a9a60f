package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountClients(g *router) {
	g.GET("/clients", a.listClients, a.requireOrg)
	g.POST("/clients", a.createClient, a.requireOrg)
	g.GET("/clients/:id", a.getClient, a.requireOrg)
	g.PUT("/clients/:id", a.updateClient, a.requireOrg)
	g.DELETE("/clients/:id", a.deleteClient, a.requireOrg)
	g.GET("/clients/:id/contacts", a.listClientContacts, a.requireOrg)
	g.POST("/clients/:id/contacts", a.createClientContact, a.requireOrg)
	g.PUT("/clients/:id/contacts/:contact_id", a.updateClientContact, a.requireOrg)
	g.DELETE("/clients/:id/contacts/:contact_id", a.deleteClientContact, a.requireOrg)
	g.GET("/clients/:id/activities", a.listClientActivities, a.requireOrg)
	g.POST("/clients/:id/activities", a.createClientActivity, a.requireOrg)
}

// addressInput is the address object: its five string keys, others ignored. Anything but an object is a 400.
type addressInput store.Address

// objectType is a map type whose name bind's typeName reads as "an object" (it names no string, int or bool).
var objectType = reflect.TypeFor[map[struct{}]struct{}]()

func (ad *addressInput) UnmarshalJSON(data []byte) error {
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return &json.UnmarshalTypeError{Value: "value", Type: objectType}
	}
	type plain store.Address
	return json.Unmarshal(data, (*plain)(ad))
}

// clientInput is the body of create and update; address, currency and hourly_rate accept null to clear them.
type clientInput struct {
	Name       *string                `json:"name"`
	Email      *string                `json:"email"`
	Phone      *string                `json:"phone"`
	Address    Optional[addressInput] `json:"address"`
	Currency   Optional[string]       `json:"currency"`
	HourlyRate Optional[int64]        `json:"hourly_rate"`
	Notes      *string                `json:"notes"`
}

func (in clientInput) store() store.ClientInput {
	out := store.ClientInput{
		Name: in.Name, Email: in.Email, Phone: in.Phone, Notes: in.Notes,
		Currency: in.Currency.Ptr(), ClearCurrency: in.Currency.Cleared(),
		HourlyRate: in.HourlyRate.Ptr(), ClearHourlyRate: in.HourlyRate.Cleared(),
	}
	if in.Address.Set {
		ad := store.Address(in.Address.Value) // null is the zero value: an empty address
		out.Address = &ad
	}
	return out
}

func (a *API) listClients(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.Clients(c.Request().Context(), actor(c), store.ClientFilter{Search: c.QueryParam("search"), Page: p})
	if err != nil {
		return err
	}
	return paged(c, l)
}

func (a *API) createClient(c echo.Context) error {
	var in clientInput
	if err := bind(c, &in); err != nil {
		return err
	}
	cl, err := a.store.CreateClient(c.Request().Context(), actor(c), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cl)
}

func (a *API) getClient(c echo.Context) error {
	cl, err := a.store.Client(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cl)
}

func (a *API) updateClient(c echo.Context) error {
	var in clientInput
	if err := bind(c, &in); err != nil {
		return err
	}
	cl, err := a.store.UpdateClient(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cl)
}

func (a *API) deleteClient(c echo.Context) error {
	if err := a.store.DeleteClient(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

type clientContactInput struct {
	Name  *string `json:"name"`
	Email *string `json:"email"`
	Phone *string `json:"phone"`
	Role  *string `json:"role"`
}

func (in clientContactInput) store() store.ClientContactInput {
	return store.ClientContactInput{Name: in.Name, Email: in.Email, Phone: in.Phone, Role: in.Role}
}

func (a *API) listClientContacts(c echo.Context) error {
	contacts, err := a.store.ClientContacts(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return unpaged(c, contacts)
}

func (a *API) createClientContact(c echo.Context) error {
	var in clientContactInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ct, err := a.store.CreateClientContact(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ct)
}

func (a *API) updateClientContact(c echo.Context) error {
	var in clientContactInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ct, err := a.store.UpdateClientContact(c.Request().Context(), actor(c), c.Param("id"), c.Param("contact_id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ct)
}

func (a *API) deleteClientContact(c echo.Context) error {
	if err := a.store.DeleteClientContact(c.Request().Context(), actor(c), c.Param("id"), c.Param("contact_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) listClientActivities(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.ClientActivities(c.Request().Context(), actor(c), c.Param("id"), store.ClientActivityFilter{
		Type: c.QueryParam("type"), Page: p,
	})
	if err != nil {
		return err
	}
	return paged(c, l)
}

func (a *API) createClientActivity(c echo.Context) error {
	var in struct {
		Type        string `json:"type"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Date        string `json:"date"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	act, err := a.store.CreateClientActivity(c.Request().Context(), actor(c), c.Param("id"), store.ClientActivityInput{
		Type: in.Type, Title: in.Title, Description: in.Description, Date: in.Date,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, act)
}
