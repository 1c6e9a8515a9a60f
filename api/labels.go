package api

import "github.com/labstack/echo/v4"

func (a *API) mountLabels(g *echo.Group) {}
