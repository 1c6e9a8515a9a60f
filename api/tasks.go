package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountTasks(g *router) {
	g.GET("/tasks", a.listTasks, a.requireOrg)
	g.POST("/tasks", a.createTask, a.requireOrg)
	g.GET("/tasks/:id", a.getTask, a.requireOrg)
	g.PUT("/tasks/:id", a.updateTask, a.requireOrg)
	g.DELETE("/tasks/:id", a.deleteTask, a.requireOrg)
	g.PUT("/tasks/:id/status", a.setTaskStatus, a.requireOrg)
	g.PUT("/tasks/:id/reorder", a.reorderTask, a.requireOrg)
	g.POST("/tasks/:id/labels", a.addTaskLabel, a.requireOrg)
	g.DELETE("/tasks/:id/labels/:label_id", a.removeTaskLabel, a.requireOrg)
	g.GET("/dashboard/summary", a.dashboardSummary, a.requireOrg)
}

// clearable turns an optional JSON field into the store's "given, and maybe cleared" value.
func clearable[T any](o Optional[T]) store.Clearable[T] {
	return store.Clearable[T]{Set: o.Set, Value: o.Ptr()}
}

func (a *API) listTasks(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.TasksJSON(c.Request().Context(), actor(c), store.TaskFilter{
		ProjectID:  c.QueryParam("project_id"),
		AssigneeID: c.QueryParam("assignee_id"),
		Status:     c.QueryParam("status"),
		Priority:   c.QueryParam("priority"),
		LabelIDs:   c.QueryParam("label_ids"),
		GroupID:    c.QueryParam("group_id"),
		Search:     c.QueryParam("search"),
		Sort:       c.QueryParam("sort"),
		Order:      c.QueryParam("order"),
		Page:       p,
	})
	if err != nil {
		return err
	}
	return pagedJSON(c, l)
}

func (a *API) createTask(c echo.Context) error {
	var in struct {
		Title          string   `json:"title"`
		Description    string   `json:"description"`
		ProjectID      string   `json:"project_id"`
		AssigneeID     *string  `json:"assignee_id"`
		Status         string   `json:"status"`
		Priority       string   `json:"priority"`
		StartDate      *string  `json:"start_date"`
		DueDate        *string  `json:"due_date"`
		LabelIDs       []string `json:"label_ids"`
		EstimatedHours *float64 `json:"estimated_hours"`
		GroupID        *string  `json:"group_id"`
		Complexity     *int     `json:"complexity"`
		Progress       *int     `json:"progress"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := a.store.CreateTask(c.Request().Context(), actor(c), store.TaskInput{
		ProjectID: in.ProjectID, Title: in.Title, Description: in.Description, Status: in.Status, Priority: in.Priority,
		AssigneeID: in.AssigneeID, GroupID: in.GroupID, StartDate: in.StartDate, DueDate: in.DueDate,
		LabelIDs: in.LabelIDs, EstimatedHours: in.EstimatedHours, Complexity: in.Complexity, Progress: in.Progress,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

func (a *API) getTask(c echo.Context) error {
	t, err := a.store.TaskJSON(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return objectJSON(c, t)
}

func (a *API) updateTask(c echo.Context) error {
	var in struct {
		Title          *string           `json:"title"`
		Description    *string           `json:"description"`
		Status         *string           `json:"status"`
		Priority       *string           `json:"priority"`
		AssigneeID     Optional[string]  `json:"assignee_id"`
		StartDate      Optional[string]  `json:"start_date"`
		DueDate        Optional[string]  `json:"due_date"`
		LabelIDs       *[]string         `json:"label_ids"`
		EstimatedHours Optional[float64] `json:"estimated_hours"`
		GroupID        *string           `json:"group_id"`
		Complexity     Optional[int]     `json:"complexity"`
		Progress       *int              `json:"progress"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := a.store.UpdateTask(c.Request().Context(), actor(c), c.Param("id"), store.TaskPatch{
		Title: in.Title, Description: in.Description, Status: in.Status, Priority: in.Priority,
		AssigneeID: clearable(in.AssigneeID), StartDate: clearable(in.StartDate), DueDate: clearable(in.DueDate),
		EstimatedHours: clearable(in.EstimatedHours), Complexity: clearable(in.Complexity),
		Progress: in.Progress, GroupID: in.GroupID, LabelIDs: in.LabelIDs,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) deleteTask(c echo.Context) error {
	if err := a.store.DeleteTask(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) setTaskStatus(c echo.Context) error {
	var in struct {
		Status string `json:"status"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := a.store.SetTaskStatus(c.Request().Context(), actor(c), c.Param("id"), in.Status)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) reorderTask(c echo.Context) error {
	var in struct {
		Position *int    `json:"position"`
		GroupID  *string `json:"group_id"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := a.store.ReorderTask(c.Request().Context(), actor(c), c.Param("id"), store.ReorderInput{Position: in.Position, GroupID: in.GroupID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (a *API) addTaskLabel(c echo.Context) error {
	var in struct {
		LabelID string `json:"label_id"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := a.store.AddTaskLabel(c.Request().Context(), actor(c), c.Param("id"), in.LabelID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

func (a *API) removeTaskLabel(c echo.Context) error {
	if err := a.store.RemoveTaskLabel(c.Request().Context(), actor(c), c.Param("id"), c.Param("label_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) dashboardSummary(c echo.Context) error {
	d, err := a.store.Dashboard(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}
