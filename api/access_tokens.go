package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountAccessTokens(g *router) {
	g.GET("/users/me/tokens", a.personalTokens, a.requireUser)
	g.POST("/users/me/tokens", a.createPersonalToken, a.requireUser)
	g.DELETE("/users/me/tokens/:id", a.revokePersonalToken, a.requireUser)
}

func credentials(c echo.Context) store.Credentials { return c.Get(ctxCredentials).(store.Credentials) }

func (a *API) personalTokens(c echo.Context) error {
	tokens, err := a.store.PersonalTokens(c.Request().Context(), credentials(c))
	if err != nil {
		return err
	}
	return unpaged(c, tokens)
}

func (a *API) createPersonalToken(c echo.Context) error {
	var in struct {
		Name      string   `json:"name"`
		Scopes    []string `json:"scopes"`
		ExpiresAt *string  `json:"expires_at"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := a.store.CreatePersonalToken(c.Request().Context(), credentials(c), store.PersonalTokenInput{Name: in.Name, Scopes: in.Scopes, ExpiresAt: in.ExpiresAt})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, t)
}

func (a *API) revokePersonalToken(c echo.Context) error {
	if err := a.store.RevokePersonalToken(c.Request().Context(), credentials(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
