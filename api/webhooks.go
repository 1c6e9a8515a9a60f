package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// Outbound webhooks of the organization (DECISIONS.md "Outbound webhooks"), for owners and admins.
func (a *API) mountWebhooks(g *router) {
	g.GET("/webhooks", a.listWebhooks, a.requireOrg)
	g.POST("/webhooks", a.createWebhook, a.requireOrg)
	g.GET("/webhooks/:id", a.getWebhook, a.requireOrg)
	g.PUT("/webhooks/:id", a.updateWebhook, a.requireOrg)
	g.DELETE("/webhooks/:id", a.deleteWebhook, a.requireOrg)
	g.GET("/webhooks/:id/deliveries", a.listWebhookDeliveries, a.requireOrg)
	g.POST("/webhooks/:id/deliveries/:delivery_id/redeliver", a.redeliverWebhook, a.requireOrg)
	g.POST("/webhooks/:id/test", a.sendWebhookTest, a.requireOrg)
}

// webhookInput is the body of create and update; fields left out of an update stay as they are.
type webhookInput struct {
	URL    *string  `json:"url"`
	Events []string `json:"events"`
	Active *bool    `json:"active"`
}

func (in webhookInput) store() store.WebhookInput {
	return store.WebhookInput{URL: in.URL, Events: in.Events, Active: in.Active}
}

func (a *API) listWebhooks(c echo.Context) error {
	hooks, err := a.store.Webhooks(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return unpaged(c, hooks)
}

func (a *API) createWebhook(c echo.Context) error {
	var in webhookInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := a.store.CreateWebhook(c.Request().Context(), actor(c), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, w)
}

func (a *API) getWebhook(c echo.Context) error {
	w, err := a.store.Webhook(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

func (a *API) updateWebhook(c echo.Context) error {
	var in webhookInput
	if err := bind(c, &in); err != nil {
		return err
	}
	w, err := a.store.UpdateWebhook(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

func (a *API) deleteWebhook(c echo.Context) error {
	if err := a.store.DeleteWebhook(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) listWebhookDeliveries(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.WebhookDeliveries(c.Request().Context(), actor(c), c.Param("id"), p)
	if err != nil {
		return err
	}
	return paged(c, l)
}

func (a *API) redeliverWebhook(c echo.Context) error {
	d, err := a.store.RedeliverWebhook(c.Request().Context(), actor(c), c.Param("id"), c.Param("delivery_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

// sendWebhookTest queues a webhook.test event to the webhook; 202 because it is sent by the delivery loop, after.
func (a *API) sendWebhookTest(c echo.Context) error {
	d, err := a.store.SendWebhookTest(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, d)
}
