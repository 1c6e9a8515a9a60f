package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountTaskGroups(g *router) {
	g.GET("/projects/:id/task-groups", a.listTaskGroups, a.requireOrg)
	g.POST("/projects/:id/task-groups", a.createTaskGroup, a.requireOrg)
	g.PUT("/projects/:id/task-groups/reorder", a.reorderTaskGroups, a.requireOrg)
	g.GET("/projects/:id/task-groups/collapsed", a.collapsedTaskGroups, a.requireOrg)
	g.PUT("/projects/:id/task-groups/collapsed/bulk", a.setCollapsedTaskGroups, a.requireOrg)
	g.PUT("/projects/:id/task-groups/:gid", a.updateTaskGroup, a.requireOrg)
	g.DELETE("/projects/:id/task-groups/:gid", a.deleteTaskGroup, a.requireOrg)
	g.POST("/projects/:id/task-groups/:gid/toggle-collapsed", a.toggleCollapsedTaskGroup, a.requireOrg)
}

// taskGroupInput is a group's fields; status_code (beyond the reference) binds the board column to a task status,
// and null or "" unbinds it.
type taskGroupInput struct {
	Name       *string          `json:"name"`
	StatusCode Optional[string] `json:"status_code"`
}

func (in taskGroupInput) store() store.TaskGroupInput {
	out := store.TaskGroupInput{Name: in.Name}
	if in.StatusCode.Set {
		code := in.StatusCode.Value // "" when null: unbind
		out.StatusCode = &code
	}
	return out
}

// collapsedBody is the answer of the collapsed-groups endpoints.
type collapsedBody struct {
	GroupIDs []string `json:"group_ids"`
}

func collapsed(c echo.Context, ids []string) error {
	if ids == nil {
		ids = []string{}
	}
	return c.JSON(http.StatusOK, collapsedBody{GroupIDs: ids})
}

func (a *API) listTaskGroups(c echo.Context) error {
	groups, err := a.store.TaskGroups(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return unpaged(c, groups)
}

func (a *API) createTaskGroup(c echo.Context) error {
	var in taskGroupInput
	if err := bind(c, &in); err != nil {
		return err
	}
	g, err := a.store.CreateTaskGroup(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, g)
}

func (a *API) updateTaskGroup(c echo.Context) error {
	var in taskGroupInput
	if err := bind(c, &in); err != nil {
		return err
	}
	g, err := a.store.UpdateTaskGroup(c.Request().Context(), actor(c), c.Param("id"), c.Param("gid"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, g)
}

func (a *API) deleteTaskGroup(c echo.Context) error {
	if err := a.store.DeleteTaskGroup(c.Request().Context(), actor(c), c.Param("id"), c.Param("gid")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) reorderTaskGroups(c echo.Context) error {
	var in orderInput
	if err := bind(c, &in); err != nil {
		return err
	}
	groups, err := a.store.ReorderTaskGroups(c.Request().Context(), actor(c), c.Param("id"), in.Order)
	if err != nil {
		return err
	}
	return unpaged(c, groups)
}

func (a *API) collapsedTaskGroups(c echo.Context) error {
	ids, err := a.store.CollapsedTaskGroups(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return collapsed(c, ids)
}

func (a *API) setCollapsedTaskGroups(c echo.Context) error {
	var in struct {
		GroupIDs []string `json:"group_ids"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	ids, err := a.store.SetCollapsedTaskGroups(c.Request().Context(), actor(c), c.Param("id"), in.GroupIDs)
	if err != nil {
		return err
	}
	return collapsed(c, ids)
}

func (a *API) toggleCollapsedTaskGroup(c echo.Context) error {
	ids, err := a.store.ToggleCollapsedTaskGroup(c.Request().Context(), actor(c), c.Param("id"), c.Param("gid"))
	if err != nil {
		return err
	}
	return collapsed(c, ids)
}
