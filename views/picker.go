package views

import (
	"net/url"

	"github.com/a-h/templ"
)

// pickerAttrs marks a select for static/js/picker.js, which makes it searchable (type to filter, arrow keys and
// Enter, Escape); the select keeps working without JavaScript. src, when not "", is where the picker asks for the
// options matching what is typed (the select's fragment, with &q=), for lists too long to send whole.
func pickerAttrs(src string) templ.Attributes {
	a := templ.Attributes{"data-picker": true}
	if src != "" {
		a["data-picker-src"] = src
	}
	return a
}

// timeTasksURL is the task select's fragment for a project, "" without one.
func timeTasksURL(id, projectID string) string {
	if projectID == "" {
		return ""
	}
	return "/time/tasks?target=" + url.QueryEscape(id) + "&project_id=" + url.QueryEscape(projectID)
}
