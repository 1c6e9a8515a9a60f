package api

import "github.com/labstack/echo/v4"

func (a *API) mountTaskDetails(g *echo.Group) {}
