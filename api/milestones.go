package api

import "github.com/labstack/echo/v4"

func (a *API) mountMilestones(g *echo.Group) {}
