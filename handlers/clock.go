package handlers

import (
	"time"

	"github.com/labstack/echo/v4"
)

// The pages read the time from the store's clock only, so that the day they call today (overdue marks, default
// dates, report ranges) is the day the rules use, and a test that moves the store's clock moves the pages too.

// now is the current time on the store's clock.
func (h *Handlers) now() time.Time { return h.store.Now() }

// today is the signed-in user's current calendar day, YYYY-MM-DD, for due dates, overdue marks and default dates.
func (h *Handlers) today(c echo.Context) string { return h.todayIn(userLocation(c)) }

// todayIn is the current calendar day in loc, YYYY-MM-DD.
func (h *Handlers) todayIn(loc *time.Location) string { return h.now().In(loc).Format(time.DateOnly) }

// todayDate is the user's current calendar day as midnight UTC, the form the views' date arithmetic takes.
func (h *Handlers) todayDate(c echo.Context) time.Time {
	now := h.now().In(userLocation(c))
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// userLocation is the signed-in user's timezone, in which times are shown and typed.
func userLocation(c echo.Context) *time.Location {
	if u := currentUser(c); u != nil {
		return location(u.Timezone)
	}
	return time.UTC
}

// location is the named timezone, or UTC when the name is unknown.
func location(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}
