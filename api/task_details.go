package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// mountTaskDetails registers what hangs off a task: comments, checklist items, dependencies and recurrences.
func (a *API) mountTaskDetails(g *router) {
	g.GET("/tasks/:id/comments", a.listComments, a.requireOrg)
	g.POST("/tasks/:id/comments", a.addComment, a.requireOrg)
	g.DELETE("/tasks/:id/comments/:comment_id", a.deleteComment, a.requireOrg)

	g.GET("/tasks/:id/checklists", a.listChecklist, a.requireOrg)
	g.POST("/tasks/:id/checklists", a.addChecklistItem, a.requireOrg)
	g.PUT("/tasks/checklists/:item_id/toggle", a.toggleChecklistItem, a.requireOrg)
	g.DELETE("/tasks/checklists/:item_id", a.deleteChecklistItem, a.requireOrg)

	g.GET("/tasks/:id/dependencies", a.listTaskDependencies, a.requireOrg)
	g.POST("/tasks/:id/dependencies", a.addDependency, a.requireOrg)
	g.DELETE("/tasks/:id/dependencies/:dep_id", a.deleteDependency, a.requireOrg)
	g.GET("/task-dependencies", a.listAllDependencies, a.requireOrg)

	g.POST("/tasks/:id/recurrence", a.createRecurrence, a.requireOrg)
	g.GET("/tasks/:id/recurrence", a.getRecurrence, a.requireOrg)
	g.PUT("/recurrences/:id", a.updateRecurrence, a.requireOrg)
	g.DELETE("/recurrences/:id", a.deleteRecurrence, a.requireOrg)
}

func (a *API) listComments(c echo.Context) error {
	l, err := a.store.Comments(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return unpaged(c, l)
}

func (a *API) addComment(c echo.Context) error {
	var in struct {
		Body          string   `json:"body"`
		AttachmentIDs []string `json:"attachment_ids"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	cm, err := a.store.AddComment(c.Request().Context(), actor(c), c.Param("id"), in.Body, in.AttachmentIDs...)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, cm)
}

func (a *API) deleteComment(c echo.Context) error {
	if err := a.store.DeleteComment(c.Request().Context(), actor(c), c.Param("id"), c.Param("comment_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) listChecklist(c echo.Context) error {
	l, err := a.store.ChecklistItems(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return unpaged(c, l)
}

func (a *API) addChecklistItem(c echo.Context) error {
	var in struct {
		Title string `json:"title"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	item, err := a.store.AddChecklistItem(c.Request().Context(), actor(c), c.Param("id"), in.Title)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, item)
}

func (a *API) toggleChecklistItem(c echo.Context) error {
	item, err := a.store.ToggleChecklistItem(c.Request().Context(), actor(c), c.Param("item_id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, item)
}

func (a *API) deleteChecklistItem(c echo.Context) error {
	if err := a.store.DeleteChecklistItem(c.Request().Context(), actor(c), c.Param("item_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) listTaskDependencies(c echo.Context) error {
	l, err := a.store.TaskDependencies(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return unpaged(c, l)
}

func (a *API) addDependency(c echo.Context) error {
	var in struct {
		DependsOnID    string `json:"depends_on_id"`
		DependencyType string `json:"dependency_type"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := a.store.AddDependency(c.Request().Context(), actor(c), c.Param("id"), store.DependencyInput{
		DependsOnID: in.DependsOnID, DependencyType: in.DependencyType,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, d)
}

func (a *API) deleteDependency(c echo.Context) error {
	if err := a.store.DeleteDependency(c.Request().Context(), actor(c), c.Param("id"), c.Param("dep_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) listAllDependencies(c echo.Context) error {
	l, err := a.store.AllDependencies(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return unpaged(c, l)
}

func (a *API) createRecurrence(c echo.Context) error {
	var in struct {
		RecurrencePattern string `json:"recurrence_pattern"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := a.store.CreateRecurrence(c.Request().Context(), actor(c), c.Param("id"), in.RecurrencePattern)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, r)
}

func (a *API) getRecurrence(c echo.Context) error {
	r, err := a.store.TaskRecurrence(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) updateRecurrence(c echo.Context) error {
	var in struct {
		RecurrencePattern *string `json:"recurrence_pattern"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	r, err := a.store.UpdateRecurrence(c.Request().Context(), actor(c), c.Param("id"), in.RecurrencePattern)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}

func (a *API) deleteRecurrence(c echo.Context) error {
	if err := a.store.DeleteRecurrence(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
