package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountTaskStatuses(g *router) {
	g.GET("/task-statuses", a.listTaskStatuses, a.requireOrg)
	g.POST("/task-statuses", a.createTaskStatus, a.requireOrg)
	g.POST("/task-statuses/reorder", a.reorderTaskStatuses, a.requireOrg)
	g.PUT("/task-statuses/:id", a.updateTaskStatus, a.requireOrg)
	g.DELETE("/task-statuses/:id", a.deleteTaskStatus, a.requireOrg)
}

// taskStatusInput is the body of create and update; next_status_code accepts null to clear it.
type taskStatusInput struct {
	Code             *string          `json:"code"`
	Label            *string          `json:"label"`
	Color            *string          `json:"color"`
	IsTerminal       *bool            `json:"is_terminal"`
	SupportsProgress *bool            `json:"supports_progress"`
	ProgressEditable *bool            `json:"progress_editable"`
	OnComplete       *string          `json:"on_complete"`
	NextStatusCode   Optional[string] `json:"next_status_code"`
}

func (in taskStatusInput) store() store.TaskStatusInput {
	return store.TaskStatusInput{
		Code: in.Code, Label: in.Label, Color: in.Color, IsTerminal: in.IsTerminal, SupportsProgress: in.SupportsProgress,
		ProgressEditable: in.ProgressEditable, OnComplete: in.OnComplete,
		NextStatusCode: in.NextStatusCode.Ptr(), ClearNextStatusCode: in.NextStatusCode.Cleared(),
	}
}

func (a *API) listTaskStatuses(c echo.Context) error {
	statuses, err := a.store.TaskStatuses(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return unpaged(c, statuses)
}

func (a *API) createTaskStatus(c echo.Context) error {
	var in taskStatusInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ts, err := a.store.CreateTaskStatus(c.Request().Context(), actor(c), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ts)
}

func (a *API) updateTaskStatus(c echo.Context) error {
	var in taskStatusInput
	if err := bind(c, &in); err != nil {
		return err
	}
	ts, err := a.store.UpdateTaskStatus(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ts)
}

func (a *API) deleteTaskStatus(c echo.Context) error {
	if err := a.store.DeleteTaskStatus(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// orderInput is the body of the reorder endpoints.
type orderInput struct {
	Order []string `json:"order"`
}

func (a *API) reorderTaskStatuses(c echo.Context) error {
	var in orderInput
	if err := bind(c, &in); err != nil {
		return err
	}
	statuses, err := a.store.ReorderTaskStatuses(c.Request().Context(), actor(c), in.Order)
	if err != nil {
		return err
	}
	return unpaged(c, statuses)
}
