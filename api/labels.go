package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountLabels(g *router) {
	g.GET("/labels", a.listLabels, a.requireOrg)
	g.POST("/labels", a.createLabel, a.requireOrg)
	g.PUT("/labels/:id", a.updateLabel, a.requireOrg)
	g.DELETE("/labels/:id", a.deleteLabel, a.requireOrg)
}

type labelInput struct {
	Name  *string `json:"name"`
	Color *string `json:"color"`
}

func (in labelInput) store() store.LabelInput {
	return store.LabelInput{Name: in.Name, Color: in.Color}
}

func (a *API) listLabels(c echo.Context) error {
	labels, err := a.store.Labels(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return unpaged(c, labels)
}

func (a *API) createLabel(c echo.Context) error {
	var in labelInput
	if err := bind(c, &in); err != nil {
		return err
	}
	l, err := a.store.CreateLabel(c.Request().Context(), actor(c), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, l)
}

func (a *API) updateLabel(c echo.Context) error {
	var in labelInput
	if err := bind(c, &in); err != nil {
		return err
	}
	l, err := a.store.UpdateLabel(c.Request().Context(), actor(c), c.Param("id"), in.store())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, l)
}

func (a *API) deleteLabel(c echo.Context) error {
	if err := a.store.DeleteLabel(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
