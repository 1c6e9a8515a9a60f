package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountProjects(g *router) {
	g.GET("/projects", a.listProjects, a.requireOrg)
	g.POST("/projects", a.createProject, a.requireOrg)
	g.GET("/projects/stats", a.projectStats, a.requireOrg)
	g.GET("/projects/:id", a.getProject, a.requireOrg)
	g.PUT("/projects/:id", a.updateProject, a.requireOrg)
	g.DELETE("/projects/:id", a.deleteProject, a.requireOrg)
	g.GET("/projects/:id/members", a.listProjectMembers, a.requireOrg)
	g.POST("/projects/:id/members", a.addProjectMember, a.requireOrg)
	g.DELETE("/projects/:id/members/:user_id", a.removeProjectMember, a.requireOrg)
}

// projectInput is the body of create and update; client_id and hourly_rate accept null to clear them.
type projectInput struct {
	Name        *string          `json:"name"`
	Key         *string          `json:"key"`
	Description *string          `json:"description"`
	ClientID    Optional[string] `json:"client_id"`
	Color       *string          `json:"color"`
	Status      *string          `json:"status"`
	Billable    *bool            `json:"billable"`
	HourlyRate  Optional[int64]  `json:"hourly_rate"`
}

func (in projectInput) store() store.ProjectInput {
	return store.ProjectInput{
		Name: in.Name, Key: in.Key, Description: in.Description, Color: in.Color, Status: in.Status, Billable: in.Billable,
		ClientID: in.ClientID.Ptr(), ClearClientID: in.ClientID.Cleared(),
		HourlyRate: in.HourlyRate.Ptr(), ClearHourlyRate: in.HourlyRate.Cleared(),
	}
}

func (a *API) listProjects(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.Projects(c.Request().Context(), actor(c), store.ProjectFilter{
		Status: c.QueryParam("status"), Search: c.QueryParam("search"), Page: p,
	})
	if err != nil {
		return err
	}
	return paged(c, l)
}

func (a *API) createProject(c echo.Context) error {
	var in projectInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := a.store.CreateProject(c.Request().Context(), actor(c), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

func (a *API) projectStats(c echo.Context) error {
	stats, err := a.store.ProjectStats(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return unpaged(c, stats)
}

func (a *API) getProject(c echo.Context) error {
	p, err := a.store.Project(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) updateProject(c echo.Context) error {
	var in projectInput
	if err := bind(c, &in); err != nil {
		return err
	}
	p, err := a.store.UpdateProject(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) deleteProject(c echo.Context) error {
	if err := a.store.DeleteProject(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) listProjectMembers(c echo.Context) error {
	members, err := a.store.ProjectMembers(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return unpaged(c, members)
}

func (a *API) addProjectMember(c echo.Context) error {
	var in struct {
		UserID string `json:"user_id"`
		Role   string `json:"role"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.AddProjectMember(c.Request().Context(), actor(c), c.Param("id"), store.ProjectMemberInput{UserID: in.UserID, Role: in.Role})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (a *API) removeProjectMember(c echo.Context) error {
	if err := a.store.RemoveProjectMember(c.Request().Context(), actor(c), c.Param("id"), c.Param("user_id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
