package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// mountTimeEntries registers the timer and time entry routes.
func (a *API) mountTimeEntries(g *router) {
	g.POST("/time-entries/start", a.startTimer, a.requireOrg)
	g.POST("/time-entries/:id/stop", a.stopTimer, a.requireOrg)
	g.GET("/time/current", a.currentTimer, a.requireOrg)
	g.GET("/time-entries", a.listTimeEntries, a.requireOrg)
	g.POST("/time-entries", a.createTimeEntry, a.requireOrg)
	g.GET("/time-entries/:id", a.getTimeEntry, a.requireOrg)
	g.PUT("/time-entries/:id", a.updateTimeEntry, a.requireOrg)
	g.DELETE("/time-entries/:id", a.deleteTimeEntry, a.requireOrg)
}

func (a *API) startTimer(c echo.Context) error {
	var in struct {
		ProjectID   *string `json:"project_id"`
		TaskID      *string `json:"task_id"`
		Description *string `json:"description"`
		Billable    *bool   `json:"billable"`
	}
	if err := bind(c, &in); err != nil {
		return err
	}
	e, err := a.store.StartTimer(c.Request().Context(), actor(c), store.StartTimerInput{
		ProjectID: in.ProjectID, TaskID: in.TaskID, Description: in.Description, Billable: in.Billable,
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, e)
}

func (a *API) stopTimer(c echo.Context) error {
	e, err := a.store.StopTimer(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}

// currentTimer answers the running entry, or the JSON body null when no timer runs.
func (a *API) currentTimer(c echo.Context) error {
	e, err := a.store.RunningTimer(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}

func (a *API) listTimeEntries(c echo.Context) error {
	p, err := page(c)
	if err != nil {
		return err
	}
	l, err := a.store.TimeEntries(c.Request().Context(), actor(c), store.TimeEntryFilter{
		ProjectID: c.QueryParam("project_id"), UserID: c.QueryParam("user_id"),
		From: c.QueryParam("from"), To: c.QueryParam("to"),
		Billable: c.QueryParam("billable"), Running: c.QueryParam("running"), Page: p,
	})
	if err != nil {
		return err
	}
	return paged(c, l)
}

// timeEntryBody is the body of a manual create and of an update; on update project_id and task_id accept null
// to clear them, hourly_rate (integer cents) null to clear it, and a null stopped_at is refused.
type timeEntryBody struct {
	ProjectID   Optional[string] `json:"project_id"`
	TaskID      Optional[string] `json:"task_id"`
	Description *string          `json:"description"`
	StartedAt   *string          `json:"started_at"`
	StoppedAt   Optional[string] `json:"stopped_at"`
	Billable    *bool            `json:"billable"`
	HourlyRate  Optional[int64]  `json:"hourly_rate"`
}

func (b timeEntryBody) input() store.TimeEntryInput {
	return store.TimeEntryInput{
		ProjectID: b.ProjectID.Ptr(), ClearProjectID: b.ProjectID.Cleared(),
		TaskID: b.TaskID.Ptr(), ClearTaskID: b.TaskID.Cleared(),
		Description: b.Description, StartedAt: b.StartedAt,
		StoppedAt: b.StoppedAt.Ptr(), ClearStoppedAt: b.StoppedAt.Cleared(),
		Billable: b.Billable, HourlyRate: b.HourlyRate.Ptr(), ClearHourlyRate: b.HourlyRate.Cleared(),
	}
}

func (a *API) createTimeEntry(c echo.Context) error {
	var in timeEntryBody
	if err := bind(c, &in); err != nil {
		return err
	}
	// On create a null means the same as an absent field.
	ti := in.input()
	ti.ClearProjectID, ti.ClearTaskID, ti.ClearStoppedAt, ti.ClearHourlyRate = false, false, false, false
	e, err := a.store.CreateTimeEntry(c.Request().Context(), actor(c), ti)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, e)
}

func (a *API) getTimeEntry(c echo.Context) error {
	e, err := a.store.TimeEntry(c.Request().Context(), actor(c), c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}

func (a *API) updateTimeEntry(c echo.Context) error {
	var in timeEntryBody
	if err := bind(c, &in); err != nil {
		return err
	}
	e, err := a.store.UpdateTimeEntry(c.Request().Context(), actor(c), c.Param("id"), in.input())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}

func (a *API) deleteTimeEntry(c echo.Context) error {
	if err := a.store.DeleteTimeEntry(c.Request().Context(), actor(c), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
