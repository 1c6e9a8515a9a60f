package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// mountMilestones registers the milestone routes, which name the organization in the path.
func (a *API) mountMilestones(g *router) {
	g.GET("/organizations/:org_id/projects/:project_id/milestones", a.listMilestones, a.orgIDFromPath)
	g.POST("/organizations/:org_id/projects/:project_id/milestones", a.createMilestone, a.orgIDFromPath)
	g.GET("/organizations/:org_id/milestones/:id", a.getMilestone, a.orgIDFromPath)
	g.PUT("/organizations/:org_id/milestones/:id", a.updateMilestone, a.orgIDFromPath)
	g.DELETE("/organizations/:org_id/milestones/:id", a.deleteMilestone, a.orgIDFromPath)
}

// orgIDFromPath resolves the organization named by :org_id; a user who is not an active member of it gets 404.
func (a *API) orgIDFromPath(next echo.HandlerFunc) echo.HandlerFunc {
	return a.requireUser(func(c echo.Context) error {
		act, err := a.store.ActorFor(c.Request().Context(), userID(c), c.Param("org_id"), c.RealIP())
		if err != nil {
			return err
		}
		c.Set(ctxActor, act)
		return next(c)
	})
}

type milestoneBody struct {
	Title       *string          `json:"title"`
	TargetDate  *string          `json:"target_date"`
	Color       *string          `json:"color"`
	Description Optional[string] `json:"description"`
}

func (b milestoneBody) input() store.MilestoneInput {
	return store.MilestoneInput{
		Title: b.Title, TargetDate: b.TargetDate, Color: b.Color,
		Description: b.Description.Ptr(), SetDescription: b.Description.Set,
	}
}

func (a *API) listMilestones(c echo.Context) error {
	l, err := a.store.Milestones(c.Request().Context(), actor(c), c.Param("project_id"))
	if err != nil {
		return err
	}
	return unpaged(c, l)
}

func (a *API) createMilestone(c echo.Context) error {
	var in milestoneBody
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.CreateMilestone(c.Request().Context(), actor(c), c.Param("project_id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (a *API) getMilestone(c echo.Context) error {
	m, err := a.store.Milestone(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

func (a *API) updateMilestone(c echo.Context) error {
	var in milestoneBody
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.UpdateMilestone(c.Request().Context(), actor(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

func (a *API) deleteMilestone(c echo.Context) error {
	if err := a.store.DeleteMilestone(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
