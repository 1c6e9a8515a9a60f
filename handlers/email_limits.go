package handlers

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// unverifiedStatus is the status of a form refused because the user's email address is unverified: 403, but 422
// to htmx, which swaps only 422 answers in place of the form.
func unverifiedStatus(c echo.Context) int {
	if isHTMX(c) {
		return http.StatusUnprocessableEntity
	}
	return http.StatusForbidden
}

// waitText words a wait for people: "a minute", "25 minutes", "3 hours".
func waitText(d time.Duration) string {
	switch m := int(math.Ceil(d.Minutes())); {
	case m <= 1:
		return "a minute"
	case m < 90:
		return strconv.Itoa(m) + " minutes"
	default:
		return strconv.Itoa(int(math.Round(d.Hours()))) + " hours"
	}
}
