package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountReports(g *router) {
	g.GET("/reports/timesheet", a.timesheetReport, a.requireOrg)
	g.GET("/reports/revenue", a.revenueReport, a.requireOrg)
	g.GET("/reports/utilization", a.utilizationReport, a.requireOrg)
	g.GET("/reports/profitability", a.profitabilityReport, a.requireOrg)
}

// timesheetBody is {"data": [...], "total_hours"}: the rows and the exact sum of their hours.
type timesheetBody struct {
	Data       []store.TimesheetRow `json:"data"`
	TotalHours store.Hours          `json:"total_hours"`
}

func (a *API) timesheetReport(c echo.Context) error {
	q := c.QueryParam
	ts, err := a.store.Timesheet(c.Request().Context(), actor(c), store.TimesheetFilter{
		From: q("from"), To: q("to"), UserID: q("user_id"), ProjectID: q("project_id"), ClientID: q("client_id"),
		Description: q("description"), InvoiceID: q("invoice_id"), GroupBy: q("group_by"),
	})
	if err != nil {
		return err
	}
	if ts.Rows == nil {
		ts.Rows = []store.TimesheetRow{}
	}
	return c.JSON(http.StatusOK, timesheetBody{Data: ts.Rows, TotalHours: ts.TotalHours})
}

func (a *API) revenueReport(c echo.Context) error {
	q := c.QueryParam
	rows, err := a.store.Revenue(c.Request().Context(), actor(c), store.RevenueFilter{
		From: q("from"), To: q("to"), ClientID: q("client_id"), GroupBy: q("group_by"),
	})
	if err != nil {
		return err
	}
	return unpaged(c, rows)
}

func (a *API) utilizationReport(c echo.Context) error {
	q := c.QueryParam
	rows, err := a.store.Utilization(c.Request().Context(), actor(c), store.UtilizationFilter{
		From: q("from"), To: q("to"), UserID: q("user_id"), InvoiceID: q("invoice_id"), TargetHours: q("target_hours"),
	})
	if err != nil {
		return err
	}
	return unpaged(c, rows)
}

func (a *API) profitabilityReport(c echo.Context) error {
	q := c.QueryParam
	rows, err := a.store.Profitability(c.Request().Context(), actor(c), store.ProfitabilityFilter{
		From: q("from"), To: q("to"), GroupBy: q("group_by"),
	})
	if err != nil {
		return err
	}
	return unpaged(c, rows)
}
