package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
)

// The webhooks settings page (Settings → Webhooks, owners and admins): add a webhook and see its secret once,
// change, turn off or delete one, and look into a webhook's deliveries, with the request each sent and what came
// back, and redeliver one. The store refuses members; the sidebar offers the page to those it allows.
func (h *Handlers) mountWebhooks(g *router) {
	g.GET("/settings/webhooks", h.webhooksPage, h.requireOrg)
	g.POST("/settings/webhooks", h.createWebhook, h.requireOrg)
	g.POST("/settings/webhooks/:id", h.updateWebhook, h.requireOrg)
	g.POST("/settings/webhooks/:id/delete", h.deleteWebhook, h.requireOrg)
	g.POST("/settings/webhooks/:id/test", h.sendWebhookTest, h.requireOrg)
	g.POST("/settings/webhooks/:id/deliveries/:delivery_id/redeliver", h.redeliverWebhook, h.requireOrg)
}

// sessWebhookSecret carries a new webhook's secret to the page the form redirects to, which shows it once.
const sessWebhookSecret = "webhook_secret_shown"

var webhookFormLabels = map[string]string{"url": "URL", "events": "Events"}

func (h *Handlers) webhooksPage(c echo.Context) error {
	v, err := h.webhooksView(c, c.QueryParam("webhook"), views.WebhookForm{}, "", views.WebhookForm{})
	if err != nil {
		return err
	}
	if raw := h.sessions.PopString(c.Request().Context(), sessWebhookSecret); raw != "" {
		var shown views.WebhookSecretShown
		if json.Unmarshal([]byte(raw), &shown) == nil {
			v.Shown = &shown
		}
	}
	return h.renderWebhooks(c, http.StatusOK, v)
}

// webhooksView reads the page; the edit form of webhook editID shows edit (typed values, errors) and is open.
func (h *Handlers) webhooksView(c echo.Context, selected string, create views.WebhookForm, editID string, edit views.WebhookForm) (views.WebhooksView, error) {
	page, err := h.store.WebhooksPage(c.Request().Context(), currentActor(c), selected)
	if err != nil {
		return views.WebhooksView{}, err
	}
	v := views.WebhooksView{Create: create, Now: h.now()}
	for _, w := range page.Webhooks {
		wv := webhookView(w)
		if w.ID == editID {
			wv.Edit, wv.EditOpen = edit, true
		}
		v.Webhooks = append(v.Webhooks, wv)
		if w.ID == page.Selected {
			v.Selected = &v.Webhooks[len(v.Webhooks)-1]
		}
	}
	if v.Selected != nil {
		sel := *v.Selected
		v.Selected = &sel
	}
	for _, d := range page.Deliveries {
		v.Deliveries = append(v.Deliveries, webhookDeliveryView(d))
	}
	return v, nil
}

func webhookView(w store.Webhook) views.WebhookView {
	wv := views.WebhookView{ID: w.ID, URL: w.URL, Active: w.Active, DisabledReason: w.DisabledReason,
		Edit: views.WebhookForm{URL: w.URL, Events: w.Events, Active: w.Active}}
	for _, e := range w.Events {
		if e == vocab.WebhookAllEvents {
			wv.Events = append(wv.Events, "All events")
			continue
		}
		l, _ := vocab.WebhookEventTypes.Label(e)
		wv.Events = append(wv.Events, l)
	}
	if d := w.LastDelivery; d != nil {
		wv.LastStatus, wv.LastError, wv.LastAt = d.Status, d.Error, d.LastAttemptAt
		if d.ResponseCode != nil {
			wv.LastCode = *d.ResponseCode
		}
	}
	return wv
}

func webhookDeliveryView(d store.WebhookDelivery) views.WebhookDeliveryView {
	label, _ := vocab.WebhookDeliveryStatuses.Label(d.Status)
	dv := views.WebhookDeliveryView{ID: d.ID, EventType: d.EventType, Status: d.Status, StatusLabel: label,
		DurationMS: d.DurationMS, Attempts: d.Attempts, Error: d.Error, Redelivery: d.RedeliveryOf != nil,
		At: d.CreatedAt, NextAt: d.NextAttemptAt}
	if d.ResponseCode != nil {
		dv.Code = *d.ResponseCode
	}
	for name, value := range d.Request.Headers {
		dv.Headers = append(dv.Headers, views.HeaderView{Name: name, Value: value})
	}
	sort.Slice(dv.Headers, func(i, j int) bool { return dv.Headers[i].Name < dv.Headers[j].Name })
	var body bytes.Buffer
	if json.Indent(&body, d.Request.Body, "", "  ") == nil {
		dv.Body = body.String()
	} else {
		dv.Body = string(d.Request.Body)
	}
	return dv
}

func (h *Handlers) renderWebhooks(c echo.Context, status int, v views.WebhooksView) error {
	p, err := h.page(c, "Webhooks", views.NavWebhooks)
	if err != nil {
		return err
	}
	return render(c, status, views.WebhooksPage(p, v))
}

// webhookForm reads the form of the page; the active box is read only from the edit form, which has it.
func webhookForm(c echo.Context) (views.WebhookForm, error) {
	if err := c.Request().ParseForm(); err != nil {
		return views.WebhookForm{}, err
	}
	return views.WebhookForm{URL: c.FormValue("url"), Events: c.Request().PostForm["events"],
		Active: c.FormValue("active") == "true"}, nil
}

func (h *Handlers) createWebhook(c echo.Context) error {
	f, err := webhookForm(c)
	if err != nil {
		return err
	}
	w, err := h.store.CreateWebhook(c.Request().Context(), currentActor(c), store.WebhookInput{URL: &f.URL, Events: nonNil(f.Events)})
	if err == nil {
		raw, err := json.Marshal(views.WebhookSecretShown{ID: w.ID, URL: w.URL, Secret: w.Secret})
		if err != nil {
			return err
		}
		h.sessions.Put(c.Request().Context(), sessWebhookSecret, string(raw))
		return redirect(c, "/settings/webhooks#webhook-"+w.ID)
	}
	if errors.Is(err, store.ErrForbidden) {
		return err
	}
	if f.Errors, f.Error, err = formErrors(err, webhookFormLabels); err != nil {
		return err
	}
	v, err := h.webhooksView(c, "", f, "", views.WebhookForm{})
	if err != nil {
		return err
	}
	return h.renderWebhooks(c, http.StatusUnprocessableEntity, v)
}

// nonNil makes an empty list of events a change to none (refused), not "unchanged".
func nonNil(events []string) []string {
	if events == nil {
		return []string{}
	}
	return events
}

func (h *Handlers) updateWebhook(c echo.Context) error {
	f, err := webhookForm(c)
	if err != nil {
		return err
	}
	id := c.Param("id")
	_, err = h.store.UpdateWebhook(c.Request().Context(), currentActor(c), id,
		store.WebhookInput{URL: &f.URL, Events: nonNil(f.Events), Active: &f.Active})
	if err == nil {
		h.flash(c, views.FlashSuccess, "Webhook saved.")
		return redirect(c, "/settings/webhooks#webhook-"+id)
	}
	if _, invalid := store.AsKind(err, store.ErrInvalid); !invalid {
		return err
	}
	if f.Errors, f.Error, err = formErrors(err, webhookFormLabels); err != nil {
		return err
	}
	v, err := h.webhooksView(c, "", views.WebhookForm{}, id, f)
	if err != nil {
		return err
	}
	return h.renderWebhooks(c, http.StatusUnprocessableEntity, v)
}

func (h *Handlers) deleteWebhook(c echo.Context) error {
	if err := h.store.DeleteWebhook(c.Request().Context(), currentActor(c), c.Param("id")); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Webhook deleted.")
	return redirect(c, "/settings/webhooks")
}

func (h *Handlers) redeliverWebhook(c echo.Context) error {
	id := c.Param("id")
	_, err := h.store.RedeliverWebhook(c.Request().Context(), currentActor(c), id, c.Param("delivery_id"))
	if errors.Is(err, store.ErrConflict) {
		h.flash(c, views.FlashError, "Turn the webhook on before redelivering.")
		return redirect(c, "/settings/webhooks?webhook="+id+"#deliveries")
	}
	if err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Redelivery queued: it is sent within seconds and appears at the top of the log.")
	return redirect(c, "/settings/webhooks?webhook="+id+"#deliveries")
}

func (h *Handlers) sendWebhookTest(c echo.Context) error {
	id := c.Param("id")
	_, err := h.store.SendWebhookTest(c.Request().Context(), currentActor(c), id)
	if errors.Is(err, store.ErrConflict) || errors.Is(err, store.ErrRateLimited) {
		msg := "Turn the webhook on before sending it a test event."
		if errors.Is(err, store.ErrRateLimited) {
			msg = "That is enough test events for a minute: look at the deliveries log, then try again."
		}
		h.flash(c, views.FlashError, msg)
		return redirect(c, "/settings/webhooks#webhook-"+id)
	}
	if err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Test event queued: it is sent within seconds and appears at the top of the log.")
	return redirect(c, "/settings/webhooks?webhook="+id+"#deliveries")
}
