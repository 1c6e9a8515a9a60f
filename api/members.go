package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountMembers(g *router) {
	g.GET("/members", a.listMembers, a.requireOrg)
	g.POST("/members/invite", a.inviteMember, a.requireOrg)
	g.PUT("/members/:id", a.updateMember, a.requireOrg)
	g.DELETE("/members/:id", a.removeMember, a.requireOrg)
}

func (a *API) listMembers(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.Members(c.Request().Context(), actor(c), store.MemberFilter{
		Role: c.QueryParam("role"), Status: c.QueryParam("status"), Search: c.QueryParam("search"), Page: p,
	})
	if err != nil {
		return err
	}
	return paged(c, l)
}

func (a *API) inviteMember(c echo.Context) error {
	var in struct {
		Email string `json:"email"`
		Role  string `json:"role"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.Invite(c.Request().Context(), actor(c), store.InviteInput{Email: in.Email, Role: in.Role})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, m)
}

func (a *API) updateMember(c echo.Context) error {
	var in struct {
		Role     *string `json:"role"`
		CostRate *int64  `json:"cost_rate"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	m, err := a.store.UpdateMember(c.Request().Context(), actor(c), c.Param("id"), store.MemberInput{Role: in.Role, CostRate: in.CostRate})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, m)
}

func (a *API) removeMember(c echo.Context) error {
	if err := a.store.RemoveMember(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
