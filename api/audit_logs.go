package api

import (
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountAuditLogs(g *router) {
	g.GET("/audit-logs", a.listAuditLogs, a.requireOrg)
}

func (a *API) listAuditLogs(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	q := c.QueryParam
	l, err := a.store.AuditLogs(c.Request().Context(), actor(c), store.AuditFilter{
		UserID: q("user_id"), Action: q("action"), EntityType: q("entity_type"), EntityID: q("entity_id"),
		From: q("from"), To: q("to"), Page: p,
	})
	if err != nil {
		return err
	}
	return paged(c, l)
}
