package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountOrganizations(g *router) {
	g.GET("/organizations", a.listOrganizations, a.requireUser)
	g.POST("/organizations", a.createOrganization, a.requireUser)
	g.GET("/organizations/:id", a.getOrganization, a.orgFromPath)
	g.PUT("/organizations/:id", a.updateOrganization, a.orgFromPath)
	g.DELETE("/organizations/:id", a.deleteOrganization, a.orgFromPath)
	g.POST("/organizations/:id/logo/upload", a.uploadLogo, a.orgFromPath)
	g.DELETE("/organizations/:id/logo", a.deleteLogo, a.orgFromPath)
}

type organizationInput struct {
	Name     *string        `json:"name"`
	Slug     *string        `json:"slug"`
	Settings map[string]any `json:"settings"`
}

func (in organizationInput) store() store.OrganizationInput {
	return store.OrganizationInput{Name: in.Name, Slug: in.Slug, Settings: in.Settings}
}

func (a *API) listOrganizations(c echo.Context) error {
	orgs, err := a.store.Organizations(c.Request().Context(), userID(c))
	if err != nil {
		return err
	}
	return unpaged(c, orgs)
}

func (a *API) createOrganization(c echo.Context) error {
	var in organizationInput
	if err := bind(c, &in); err != nil {
		return err
	}
	o, err := a.store.CreateOrganization(c.Request().Context(), userID(c), c.RealIP(), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, o)
}

func (a *API) getOrganization(c echo.Context) error {
	o, err := a.store.Organization(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

func (a *API) updateOrganization(c echo.Context) error {
	var in organizationInput
	if err := bind(c, &in); err != nil {
		return err
	}
	o, err := a.store.UpdateOrganization(c.Request().Context(), actor(c), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

func (a *API) deleteOrganization(c echo.Context) error {
	if err := a.store.DeleteOrganization(c.Request().Context(), actor(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (a *API) uploadLogo(c echo.Context) error {
	f, err := uploadedFile(c, maxImageUpload)
	if err != nil {
		return err
	}
	o, err := a.store.SetLogo(c.Request().Context(), actor(c), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, o)
}

func (a *API) deleteLogo(c echo.Context) error {
	if _, err := a.store.RemoveLogo(c.Request().Context(), actor(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
