package api

import "github.com/labstack/echo/v4"

func (a *API) mountProjects(g *echo.Group) {}
