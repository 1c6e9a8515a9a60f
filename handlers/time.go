package handlers

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

// The time page: a week's timesheet and entries, adding, editing and deleting entries, and the CSV export.
// Writes answer 204 with a time-changed event for htmx, which reloads #time-results; refused input fills the
// form's message slots in place (views.TimeFormErrors), so what was typed stays.

func (h *Handlers) mountTime(g *router) {
	g.GET("/time", h.timePage, h.requireOrg)
	g.GET("/time/export.csv", h.exportTime, h.requireOrg)
	g.GET("/time/tasks", h.timeTaskOptions, h.requireOrg)
	g.POST("/time/entries", h.createTimeEntry, h.requireOrg)
	g.POST("/time/cell", h.setTimesheetCell, h.requireOrg)
	g.GET("/time/entries/:id", h.timeEntryItem, h.requireOrg)
	g.GET("/time/entries/:id/edit", h.editTimeEntry, h.requireOrg)
	g.POST("/time/entries/:id", h.updateTimeEntry, h.requireOrg)
	g.POST("/time/entries/:id/delete", h.deleteTimeEntry, h.requireOrg)
}

// timeFilters reads the page's query: ?week=2026-W48 or ?start=YYYY-MM-DD, project, billable and user.
func timeFilters(c echo.Context) (store.TimeWeekFilter, views.TimeFilter) {
	vf := views.TimeFilter{
		Week: strings.TrimSpace(c.QueryParam("week")), Project: strings.TrimSpace(c.QueryParam("project")),
		Billable: c.QueryParam("billable"), User: strings.TrimSpace(c.QueryParam("user")),
	}
	if vf.User == currentActor(c).UserID {
		vf.User = ""
	}
	sf := store.TimeWeekFilter{Week: vf.Week, Start: strings.TrimSpace(c.QueryParam("start")), UserID: vf.User,
		ProjectID: vf.Project, Billable: vf.Billable}
	return sf, vf
}

// timeQueryError turns an unreadable query into a 400; other errors go to the error page as they are.
func timeQueryError(err error) error {
	if v, ok := store.AsKind(err, store.ErrInvalid); ok {
		return echo.NewHTTPError(http.StatusBadRequest, sentence(v.Message))
	}
	return err
}

func (h *Handlers) timePage(c echo.Context) error {
	a := currentActor(c)
	sf, vf := timeFilters(c)
	w, err := h.store.TimeWeek(c.Request().Context(), a, sf)
	if err != nil {
		return timeQueryError(err)
	}
	if vf.Week != "" || sf.Start != "" {
		vf.Week = store.ISOWeekString(w.Monday.Time) // ?start= becomes the week it falls in
	}
	v := h.timePageView(a, w, vf, csrfToken(c))
	addSheetRow(&v, c.QueryParam("row"))
	if isHTMX(c) {
		return render(c, http.StatusOK, views.TimeResults(v))
	}
	p, err := h.page(c, "Time", views.NavTime)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.TimePage(p, v))
}

func timeProjectOptions(projects []store.TimeProject) []views.TimeProjectOption {
	out := make([]views.TimeProjectOption, 0, len(projects))
	for _, p := range projects {
		out = append(out, views.TimeProjectOption{ID: p.ID, Name: p.Name, Color: p.Color, Billable: p.Billable,
			Archived: p.Status == store.ProjectArchived, ClientName: p.ClientName})
	}
	return out
}

func (h *Handlers) timePageView(a store.Actor, w store.TimeWeek, f views.TimeFilter, csrf string) views.TimePageView {
	loc, now := w.Location, h.now()
	today := store.MondayOf(w.Today.Time)
	v := views.TimePageView{
		Filter: f, Monday: w.Monday.Time, IsThisWeek: today.Equal(w.Monday.Time), ThisWeek: store.ISOWeekString(w.Today.Time),
		Total: w.Total, Truncated: w.Truncated, EntryCount: len(w.Entries), Projects: timeProjectOptions(w.Projects),
		Can: views.Permissions(a.Permissions()), ViewingSelf: w.UserID == a.UserID, CSRFToken: csrf,
	}
	for i := range 7 {
		day := w.Monday.AddDate(0, 0, i)
		v.Days = append(v.Days, views.TimeDay{Date: day, IsToday: day.Equal(w.Today.Time), Seconds: w.DayTotals[i]})
	}
	for _, r := range w.Rows {
		id := store.TimeNoProject
		if r.ProjectID != nil {
			id = *r.ProjectID
		}
		v.Rows = append(v.Rows, views.TimeSheetRow{ProjectID: id, Name: r.Name, Color: r.Color, Seconds: r.Seconds,
			Total: r.Total})
	}
	for _, l := range w.Entries {
		row := timeEntryRow(l, loc, w.UserID == "", csrf, now)
		day := time.Date(row.Start.Year(), row.Start.Month(), row.Start.Day(), 0, 0, 0, 0, time.UTC)
		if n := len(v.Groups); n == 0 || !v.Groups[n-1].Date.Equal(day) {
			v.Groups = append(v.Groups, views.TimeEntryGroup{Date: day})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Entries = append(g.Entries, row)
		if row.Running {
			v.Running++
			g.Running = true
		} else {
			g.Seconds += row.Seconds
		}
	}
	if v.Can.ManageAllTime {
		v.Users = []views.Option{{Value: "", Label: "My time"}, {Value: store.TimeAllUsers, Label: "All members"}}
		for _, m := range w.Members {
			if m.UserID != a.UserID {
				v.Users = append(v.Users, views.Option{Value: m.UserID, Label: m.Name})
			}
		}
	}
	// The add form starts on today in the current week, else on the week's Monday.
	date := w.Monday.Time
	if v.IsThisWeek {
		date = w.Today.Time
	}
	v.New = views.TimeEntryForm{Date: date.Format(time.DateOnly), Billable: true, Projects: activeProjects(v.Projects),
		CSRFToken: csrf, ReturnTo: f.URL("/time")}
	return v
}

// addSheetRow adds an empty row to one's own timesheet for ?row= (an active project without time this week, or
// "none"), so that time can be typed into a project the week has none of; NewRows offers the others.
func addSheetRow(v *views.TimePageView, row string) {
	if !v.ViewingSelf {
		return
	}
	shown := map[string]bool{}
	for _, r := range v.Rows {
		shown[r.ProjectID] = true
	}
	candidates := []views.TimeSheetRow{}
	for _, p := range activeProjects(v.Projects) {
		candidates = append(candidates, views.TimeSheetRow{ProjectID: p.ID, Name: p.Name, Color: p.Color})
	}
	candidates = append(candidates, views.TimeSheetRow{ProjectID: store.TimeNoProject, Name: "No project"})
	for _, r := range candidates {
		switch {
		case shown[r.ProjectID]:
		case r.ProjectID == row:
			v.Rows = append(v.Rows, r)
		default:
			v.NewRows = append(v.NewRows, views.Option{Value: r.ProjectID, Label: r.Name})
		}
	}
}

func activeProjects(ps []views.TimeProjectOption) []views.TimeProjectOption {
	out := make([]views.TimeProjectOption, 0, len(ps))
	for _, p := range ps {
		if !p.Archived {
			out = append(out, p)
		}
	}
	return out
}

func timeEntryRow(l store.TimeLine, loc *time.Location, showUser bool, csrf string, now time.Time) views.TimeEntryRow {
	r := views.TimeEntryRow{
		ID: l.ID, Description: l.Description, ProjectName: deref(l.ProjectName), ProjectColor: deref(l.ProjectColor),
		TaskTitle: deref(l.TaskTitle), UserName: l.UserName, Start: l.StartedAt.In(loc), Running: l.Running(),
		Seconds: l.DurationSeconds, Billable: l.Billable, InvoiceNumber: deref(l.InvoiceNumber), ShowUser: showUser,
		CSRFToken: csrf, Now: now,
	}
	if l.StoppedAt != nil {
		r.End = l.StoppedAt.In(loc)
	}
	return r
}

// --- one entry ---

func (h *Handlers) timeEntryItem(c echo.Context) error {
	a := currentActor(c)
	l, err := h.store.TimeLine(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return c.Redirect(http.StatusSeeOther, "/time")
	}
	return render(c, http.StatusOK, views.TimeEntryItem(timeEntryRow(l, userLocation(c), l.UserID != a.UserID, csrfToken(c), h.now())))
}

func (h *Handlers) editTimeEntry(c echo.Context) error {
	a := currentActor(c)
	e, err := h.store.TimeEntryEdit(c.Request().Context(), a, c.Param("id"))
	if err != nil {
		return err
	}
	loc := userLocation(c)
	if e.Line.InvoiceID != nil {
		// Billed entries are frozen: show the entry as it is.
		if !isHTMX(c) {
			return c.Redirect(http.StatusSeeOther, "/time")
		}
		return render(c, http.StatusOK, views.TimeEntryItem(timeEntryRow(e.Line, loc, e.Line.UserID != a.UserID, csrfToken(c), h.now())))
	}
	f := editForm(e, loc, csrfToken(c), backTo(c, "/time"))
	if isHTMX(c) {
		return render(c, http.StatusOK, views.TimeEntryEditItem(f))
	}
	p, err := h.page(c, "Edit time entry", views.NavTime)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.TimeEntryEditPage(p, f))
}

func editForm(e store.TimeEntryEdit, loc *time.Location, csrf, returnTo string) views.TimeEntryForm {
	l := e.Line
	start := l.StartedAt.In(loc)
	f := views.TimeEntryForm{
		ID: l.ID, Date: start.Format(time.DateOnly), Start: start.Format("15:04"), Description: l.Description,
		ProjectID: deref(l.ProjectID), TaskID: deref(l.TaskID), Billable: l.Billable, Running: l.Running(),
		Projects: timeProjectOptions(e.Projects), CSRFToken: csrf, ReturnTo: returnTo,
	}
	if l.StoppedAt != nil {
		f.End = l.StoppedAt.In(loc).Format("15:04")
	}
	f.Tasks = taskOptions(e.Tasks)
	return f
}

func taskOptions(tasks []store.TimeTask) []views.Option {
	out := make([]views.Option, 0, len(tasks))
	for _, t := range tasks {
		label := t.Title
		if t.Completed {
			label += " (done)"
		}
		out = append(out, views.Option{Value: t.ID, Label: label})
	}
	return out
}

var selectIDPattern = regexp.MustCompile(`^[a-z0-9-]{1,80}$`)

// timeTaskOptions answers GET /time/tasks?target=&project_id=&q=: the task select of a form, after its project
// changed, or with the tasks matching q, what its picker (static/js/picker.js) has typed.
func (h *Handlers) timeTaskOptions(c echo.Context) error {
	target := c.QueryParam("target")
	if !selectIDPattern.MatchString(target) {
		return echo.NewHTTPError(http.StatusBadRequest, "target must be the id of a select")
	}
	projectID := strings.TrimSpace(c.QueryParam("project_id"))
	var tasks []store.TimeTask
	if projectID != "" {
		var err error
		tasks, err = h.store.TimeTasksMatching(c.Request().Context(), currentActor(c), projectID, c.QueryParam("q"))
		if err != nil {
			return err
		}
	}
	return render(c, http.StatusOK, views.TimeTaskSelect(target, projectID, taskOptions(tasks), ""))
}

// --- writes ---

// entryForm is a submitted add or edit form, and for an edit the times it showed.
type entryForm struct {
	views.TimeEntryForm
	dateWas, startWas, endWas string
}

func readEntryForm(c echo.Context, id string) entryForm {
	return entryForm{
		TimeEntryForm: views.TimeEntryForm{
			ID: id, Date: strings.TrimSpace(c.FormValue("date")), Start: strings.TrimSpace(c.FormValue("start")),
			End: strings.TrimSpace(c.FormValue("end")), Duration: strings.TrimSpace(c.FormValue("duration")),
			ProjectID: strings.TrimSpace(c.FormValue("project_id")), TaskID: strings.TrimSpace(c.FormValue("task_id")),
			Description: c.FormValue("description"), Billable: c.FormValue("billable") == "true",
		},
		dateWas: c.FormValue("date_was"), startWas: c.FormValue("start_was"), endWas: c.FormValue("end_was"),
	}
}

// clockPattern reads the times a time input sends (15:04, 15:04:05) and typed ones (9:00).
var clockPattern = regexp.MustCompile(`^([01]?\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$`)

func parseClock(day time.Time, s string, loc *time.Location) (time.Time, bool) {
	m := clockPattern.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	hh, _ := strconv.Atoi(m[1])
	mm, _ := strconv.Atoi(m[2])
	return time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, loc), true
}

// entryInput turns a form into store input, times read in loc. What only the form can get wrong (an unreadable
// date, time or duration, no end) is reported on its fields without calling the store. An edit sends the times
// only when they changed, so correcting the description of a long-forgotten timer does not trip the 24-hour rule
// of typed-in times.
func entryInput(f entryForm, loc *time.Location) (store.TimeEntryInput, map[string]string, bool) {
	errs := map[string]string{}
	edit := f.ID != ""
	in := store.TimeEntryInput{Description: &f.Description, Billable: &f.Billable}
	switch {
	case f.ProjectID != "":
		in.ProjectID = &f.ProjectID
	case edit:
		in.ClearProjectID = true
	}
	switch {
	case f.TaskID != "" && f.ProjectID != "":
		in.TaskID = &f.TaskID
	case edit:
		in.ClearTaskID = true
	}
	day, err := time.ParseInLocation(time.DateOnly, f.Date, loc)
	if err != nil {
		errs["date"] = "Enter a date."
	}
	start, ok := parseClock(day, f.Start, loc)
	switch {
	case ok:
	case f.Start == "" && !edit && f.Duration != "" && f.End == "":
		// A duration alone is time on that day: it starts at 09:00, as a typed timesheet cell does.
		start = time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, loc)
	default:
		errs["start"] = "Enter a start time such as 09:00."
	}
	usedDuration := false
	var stop time.Time
	switch {
	case f.End != "":
		end, ok := parseClock(day, f.End, loc)
		if !ok {
			errs["end"] = "Enter an end time such as 17:30."
		} else if end.Before(start) {
			end = parseClockNextDay(day, f.End, loc) // 22:00 to 01:00 ends the next day
		}
		stop = end
	case f.Duration != "":
		usedDuration = true
		d, ok := store.ParseHours(f.Duration)
		if !ok || d <= 0 {
			errs["duration"] = "Enter a duration such as 1:30, 1.5 or 90m."
		}
		stop = start.Add(d)
	case !edit || f.endWas != "":
		errs["end"] = "Enter an end time or a duration."
	}
	if len(errs) > 0 {
		return in, errs, usedDuration
	}
	startChanged := !edit || f.Date != f.dateWas || f.Start != f.startWas
	if startChanged {
		s := start.UTC().Format(time.RFC3339)
		in.StartedAt = &s
	}
	if !stop.IsZero() && (startChanged || f.End != f.endWas || usedDuration) {
		s := stop.UTC().Format(time.RFC3339)
		in.StoppedAt = &s
	}
	return in, errs, usedDuration
}

func parseClockNextDay(day time.Time, s string, loc *time.Location) time.Time {
	t, _ := parseClock(day.AddDate(0, 0, 1), s, loc)
	return t
}

// entryFields maps the store's fields to the entry form's message slots.
func entryFields(usedDuration bool) map[string]string {
	end := "end"
	if usedDuration {
		end = "duration"
	}
	return map[string]string{"started_at": "start", "stopped_at": end, "project_id": "project", "task_id": "task",
		"description": "description"}
}

// timerFields maps the store's fields to the timer form's message slots.
var timerFields = map[string]string{"project_id": "project", "task_id": "task", "description": "description"}

// timeMessages reword the store's messages, written for API clients, for people.
var timeMessages = map[string]string{
	"project_id must be a project you can see":                  "Choose a project you are a member of.",
	"task_id must be a task you can see":                        "Choose a task of a project you are a member of.",
	"task_id must be a task of project_id":                      "This task belongs to another project.",
	"time cannot be tracked on an archived project":             "Time can't be tracked on an archived project.",
	"stopped_at must be after started_at":                       "The end must be after the start.",
	"a time entry can last at most 24 hours":                    "An entry can last at most 24 hours.",
	"started_at must not be in the future while the timer runs": "A running timer can't start in the future.",
	"a timer is already running":                                "A timer is already running. Stop it before starting another one.",
	"hours must be a duration such as 1:30, 1.5 or 90m":         "Enter hours such as 1:30, 1.5 or 90m.",
}

func timeMessage(m string) string {
	if r, ok := timeMessages[m]; ok {
		return r
	}
	return sentence(m)
}

// timeFormMessages places the store's messages on a form's slots (fieldMap: store field → slot, nil for the timer
// form); a message of a field the form does not show becomes the form's message.
func timeFormMessages(errs map[string]string, msg string, fieldMap map[string]string) (map[string]string, string) {
	if fieldMap == nil {
		fieldMap = timerFields
	}
	out := map[string]string{}
	for field, m := range errs {
		if slot, ok := fieldMap[field]; ok {
			out[slot] = timeMessage(m)
		} else if msg == "" {
			msg = m
		}
	}
	if msg != "" {
		msg = timeMessage(msg)
	}
	return out, msg
}

// firstMessage is one message for a place with room for one (a flash).
func firstMessage(fields map[string]string, msg string) string {
	if msg != "" {
		return msg
	}
	for _, slot := range append(views.TimeEntryFormFields, views.TimerFormFields...) {
		if m, ok := fields[slot]; ok {
			return m
		}
	}
	return "Please check the form and try again."
}

// entryRefused answers a refused add or edit form: its messages in place for htmx, else a flash on the page it
// came from.
func (h *Handlers) entryRefused(c echo.Context, f entryForm, fields map[string]string, msg string, status int) error {
	if !isHTMX(c) {
		h.flash(c, views.FlashError, firstMessage(fields, msg))
		return c.Redirect(http.StatusSeeOther, backTo(c, "/time"))
	}
	return render(c, status, views.TimeFormErrors(f.Prefix(), views.TimeEntryFormFields, fields, msg))
}

// entrySaved answers a saved form: 204 with the events that reload the list (and the top bar's timer, which an
// edit or delete may have changed), or the page the form came from.
func (h *Handlers) entrySaved(c echo.Context, flash string, refreshTimer bool) error {
	if !isHTMX(c) {
		h.flash(c, views.FlashSuccess, flash)
		return c.Redirect(http.StatusSeeOther, backTo(c, "/time"))
	}
	events := views.EventTimeChanged
	if refreshTimer {
		events += ", " + views.EventTimerRefresh
	}
	c.Response().Header().Set("HX-Trigger", events)
	return c.NoContent(http.StatusNoContent)
}

// storeRefusal splits a store error into form messages and their status; other errors are returned.
func storeRefusal(err error, fieldMap map[string]string) (map[string]string, string, int, error) {
	errs, msg, err := formErrorsAsIs(err)
	if err != nil {
		return nil, "", 0, err
	}
	status := http.StatusUnprocessableEntity
	if msg != "" {
		status = http.StatusConflict
	}
	fields, msg := timeFormMessages(errs, msg, fieldMap)
	return fields, msg, status, nil
}

func (h *Handlers) createTimeEntry(c echo.Context) error {
	f := readEntryForm(c, "")
	in, errs, usedDuration := entryInput(f, userLocation(c))
	if len(errs) > 0 {
		return h.entryRefused(c, f, errs, "", http.StatusUnprocessableEntity)
	}
	e, err := h.store.CreateTimeEntry(c.Request().Context(), currentActor(c), in)
	if err != nil {
		fields, msg, status, err := storeRefusal(err, entryFields(usedDuration))
		if err != nil {
			return err
		}
		return h.entryRefused(c, f, fields, msg, status)
	}
	return h.entrySaved(c, "Added "+views.FormatHours(e.DurationSeconds)+" to your time.", false)
}

func (h *Handlers) updateTimeEntry(c echo.Context) error {
	f := readEntryForm(c, c.Param("id"))
	in, errs, usedDuration := entryInput(f, userLocation(c))
	if len(errs) > 0 {
		return h.entryRefused(c, f, errs, "", http.StatusUnprocessableEntity)
	}
	_, err := h.store.UpdateTimeEntry(c.Request().Context(), currentActor(c), f.ID, in)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return err
		}
		fields, msg, status, err := storeRefusal(err, entryFields(usedDuration))
		if err != nil {
			return err
		}
		return h.entryRefused(c, f, fields, msg, status)
	}
	return h.entrySaved(c, "Time entry saved.", true)
}

func (h *Handlers) deleteTimeEntry(c echo.Context) error {
	err := h.store.DeleteTimeEntry(c.Request().Context(), currentActor(c), c.Param("id"))
	if conflict, ok := store.AsKind(err, store.ErrConflict); ok {
		msg := timeMessage(conflict.Message)
		if !isHTMX(c) {
			h.flash(c, views.FlashError, msg)
			return c.Redirect(http.StatusSeeOther, backTo(c, "/time"))
		}
		return render(c, http.StatusConflict, views.FlashesOOB([]views.Flash{{Kind: views.FlashError, Text: msg}}))
	}
	if err != nil {
		return err
	}
	return h.entrySaved(c, "Time entry deleted.", true)
}

// setTimesheetCell answers POST /time/cell: a typed cell of one's own timesheet (store.SetTimesheetCell). Saved:
// 204 with time-changed for htmx, which reloads the week, else back to the page with a flash. Refused: the message
// in the cell's slot, or a flash without htmx; nothing is changed.
func (h *Handlers) setTimesheetCell(c echo.Context) error {
	in := store.TimesheetCellInput{Date: strings.TrimSpace(c.FormValue("date")),
		ProjectID: strings.TrimSpace(c.FormValue("project_id")), Hours: strings.TrimSpace(c.FormValue("hours"))}
	seconds, err := h.store.SetTimesheetCell(c.Request().Context(), currentActor(c), in)
	if err == nil {
		return h.entrySaved(c, "Set the day to "+views.FormatHours(seconds)+".", false)
	}
	fields, msg, status, err := storeRefusal(err, map[string]string{"hours": "hours", "date": "date", "project_id": "project"})
	if err != nil {
		return err
	}
	text := msg
	for _, slot := range []string{"hours", "date", "project"} {
		if m, ok := fields[slot]; ok && text == "" {
			text = m
		}
	}
	if !isHTMX(c) {
		h.flash(c, views.FlashError, text)
		return c.Redirect(http.StatusSeeOther, backTo(c, "/time"))
	}
	return render(c, status, views.TimeCellError(views.TimeCellID(in.ProjectID, in.Date), text))
}

// --- export ---

// csvHeader names the columns of the export.
var csvHeader = []string{"date", "start", "end", "duration_hours", "user", "project", "task", "description",
	"billable", "rate", "invoice"}

// exportTime answers GET /time/export.csv with the filtered entries of the week (or of ?from=&to=), oldest first,
// written as they are read from the database.
func (h *Handlers) exportTime(c echo.Context) error {
	sf, vf := timeFilters(c)
	f := store.TimeExportFilter{TimeWeekFilter: sf, From: c.QueryParam("from"), To: c.QueryParam("to")}
	loc := userLocation(c)
	name := "trcr-time"
	switch {
	case f.From != "" || f.To != "":
		name += "-" + f.From + "-" + f.To
	case vf.Week != "":
		name += "-" + vf.Week
	default:
		name += "-" + store.ISOWeekString(h.now().In(loc))
	}
	res := c.Response()
	w := csv.NewWriter(res)
	started, rows := false, 0
	start := func() error {
		started = true
		res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		res.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.csv"`, csvFileName(name)))
		res.Header().Set("Cache-Control", "no-store")
		res.WriteHeader(http.StatusOK)
		return w.Write(csvHeader)
	}
	err := h.store.ExportTimeEntries(c.Request().Context(), currentActor(c), f, func(l store.TimeLine) error {
		if !started {
			if err := start(); err != nil {
				return err
			}
		}
		if err := w.Write(csvRecord(l, loc)); err != nil {
			return err
		}
		if rows++; rows%200 == 0 {
			w.Flush()
			res.Flush()
		}
		return w.Error()
	})
	switch {
	case err != nil && !started:
		return timeQueryError(err)
	case err != nil:
		// The answer is under way: it can only be cut short.
		h.log.Error("time export failed", "request_id", res.Header().Get(echo.HeaderXRequestID), "err", err)
		return nil
	case !started:
		if err := start(); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func csvFileName(s string) string { return unsafeFileChars.ReplaceAllString(s, "_") }

func csvRecord(l store.TimeLine, loc *time.Location) []string {
	start := l.StartedAt.In(loc)
	end := ""
	if l.StoppedAt != nil {
		end = l.StoppedAt.In(loc).Format("15:04")
	}
	billable := "no"
	if l.Billable {
		billable = "yes"
	}
	return []string{
		start.Format(time.DateOnly), start.Format("15:04"), end, views.DecimalHours(l.DurationSeconds),
		csvText(l.UserName), csvText(deref(l.ProjectName)), csvText(deref(l.TaskTitle)), csvText(l.Description),
		billable, views.MajorUnits(l.Rate, l.Currency), deref(l.InvoiceNumber),
	}
}

// csvText keeps a spreadsheet from reading text as a formula (CSV injection): a cell starting with = + - @ or a
// control character is prefixed with an apostrophe.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
