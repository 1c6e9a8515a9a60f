package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/vocab"
	"github.com/trcr/trcr/views"
)

// The workflow settings page: the organization's labels and custom task statuses. Every member sees it, with the
// controls the store's permissions allow them (members add labels; owners and admins change the rest); every
// change is made by the store, which checks the permission itself.
func (h *Handlers) mountWorkflow(g *router) {
	g.GET("/settings/workflow", h.workflowPage, h.requireOrg)
	g.POST("/settings/workflow/labels", h.workflowCreateLabel, h.requireOrg)
	g.POST("/settings/workflow/labels/:id", h.workflowUpdateLabel, h.requireOrg)
	g.POST("/settings/workflow/labels/:id/delete", h.workflowDeleteLabel, h.requireOrg)
	g.POST("/settings/workflow/statuses", h.workflowCreateStatus, h.requireOrg)
	g.POST("/settings/workflow/statuses/reorder", h.workflowReorderStatuses, h.requireOrg)
	g.POST("/settings/workflow/statuses/:id", h.workflowUpdateStatus, h.requireOrg)
	g.POST("/settings/workflow/statuses/:id/delete", h.workflowDeleteStatus, h.requireOrg)
}

// workflowBuiltins describes the statuses every organization has.
func workflowBuiltins() []views.WorkflowBuiltinStatus {
	out := make([]views.WorkflowBuiltinStatus, len(vocab.BuiltinStatuses))
	for i, b := range vocab.BuiltinStatuses {
		out[i] = views.WorkflowBuiltinStatus{Code: b.Code, Label: b.Label, Color: b.Color, Terminal: b.Completes, Description: b.Description}
	}
	return out
}

var pwLabelFields = map[string]string{"name": "Name", "color": "Color"}

var pwStatusFields = map[string]string{
	"code": "Code", "label": "Name", "color": "Color", "on_complete": "When complete",
	"next_status_code": "Next status",
}

// --- view models ---

func workflowLabelsView(a store.Actor, labels []store.Label) views.WorkflowLabelsView {
	can := a.Permissions()
	v := views.WorkflowLabelsView{
		// Offer the next preset color, so a new label differs from the last ones.
		New:       views.WorkflowLabelForm{Color: views.ProjectColorPresets[len(labels)%len(views.ProjectColorPresets)].Hex},
		CanCreate: can.CreateLabels, CanEdit: can.EditLabels,
	}
	for _, l := range labels {
		v.Labels = append(v.Labels, views.WorkflowLabel{ID: l.ID, Name: l.Name, Color: l.Color, SavedName: l.Name, SavedColor: l.Color})
	}
	return v
}

func workflowStatusesView(a store.Actor, statuses []store.TaskStatus) views.WorkflowStatusesView {
	v := views.WorkflowStatusesView{Builtins: workflowBuiltins(), CanManage: a.Permissions().ManageTaskStatuses}
	names := map[string]string{}
	var all []views.Option
	for _, b := range v.Builtins {
		names[b.Code] = b.Label
		all = append(all, views.Option{Value: b.Code, Label: b.Label})
	}
	ids := make([]string, len(statuses))
	for i, s := range statuses {
		ids[i] = s.ID
		names[s.Code] = s.Label
		all = append(all, views.Option{Value: s.Code, Label: s.Label})
	}
	for i, s := range statuses {
		f := views.WorkflowStatusForm{
			Code: s.Code, Label: s.Label, Color: s.Color, IsTerminal: s.IsTerminal, SupportsProgress: s.SupportsProgress,
			ProgressEditable: s.ProgressEditable, OnComplete: s.OnComplete, NextStatusCode: deref(s.NextStatusCode),
			NextOptions: workflowNextOptions(all, s.Code),
		}
		ws := views.WorkflowStatus{ID: s.ID, Code: s.Code, Label: s.Label, Color: s.Color, Position: s.Position, Saved: f, Form: f}
		if s.NextStatusCode != nil {
			ws.NextLabel = orDefault(names[*s.NextStatusCode], *s.NextStatusCode)
		}
		if i > 0 {
			ws.UpOrder = pwSwapped(ids, i-1, i)
		}
		if i < len(ids)-1 {
			ws.DownOrder = pwSwapped(ids, i, i+1)
		}
		v.Statuses = append(v.Statuses, ws)
	}
	v.New = views.WorkflowStatusForm{
		Color:       views.ProjectColorPresets[(len(statuses)+1)%len(views.ProjectColorPresets)].Hex,
		OnComplete:  store.OnCompleteNone,
		NextOptions: all,
	}
	return v
}

func workflowNextOptions(all []views.Option, own string) []views.Option {
	out := make([]views.Option, 0, len(all))
	for _, o := range all {
		if o.Value != own {
			out = append(out, o)
		}
	}
	return out
}

// pwSwapped is a copy of ids with positions i and j exchanged.
func pwSwapped(ids []string, i, j int) []string {
	out := append([]string(nil), ids...)
	out[i], out[j] = out[j], out[i]
	return out
}

func (h *Handlers) workflowPage(c echo.Context) error {
	a := currentActor(c)
	wp, err := h.store.WorkflowPage(c.Request().Context(), a)
	if err != nil {
		return err
	}
	p, err := h.page(c, "Labels & statuses", views.NavWorkflow)
	if err != nil {
		return err
	}
	v := views.WorkflowView{Labels: workflowLabelsView(a, wp.Labels), Statuses: workflowStatusesView(a, wp.Statuses)}
	return render(c, http.StatusOK, views.WorkflowPage(p, v))
}

// Which section of the workflow page a change answers with.
const (
	workflowLabels   = "labels"
	workflowStatuses = "statuses"
)

// workflowResult answers a change to a section (workflowLabels or workflowStatuses) after its store call: a plain
// form that succeeded is redirected back to the page (the flash shows there); otherwise htmx gets the changed
// section, read alone, with any flash out of band, and a plain form the whole page's read with the messages in
// place. adjust (may be nil) puts what was typed and the messages into the view.
func (h *Handlers) workflowResult(c echo.Context, status int, section string, adjust func(*views.WorkflowView)) error {
	if status == http.StatusOK && !isHTMX(c) {
		return redirect(c, "/settings/workflow#"+section)
	}
	ctx := c.Request().Context()
	a := currentActor(c)
	var v views.WorkflowView
	switch {
	case !isHTMX(c):
		wp, err := h.store.WorkflowPage(ctx, a)
		if err != nil {
			return err
		}
		v.Labels, v.Statuses = workflowLabelsView(a, wp.Labels), workflowStatusesView(a, wp.Statuses)
	case section == workflowLabels:
		labels, err := h.store.Labels(ctx, a)
		if err != nil {
			return err
		}
		v.Labels = workflowLabelsView(a, labels)
	default:
		statuses, err := h.store.TaskStatuses(ctx, a)
		if err != nil {
			return err
		}
		v.Statuses = workflowStatusesView(a, statuses)
	}
	if adjust != nil {
		adjust(&v)
	}
	p, err := h.page(c, "Labels & statuses", views.NavWorkflow)
	if err != nil {
		return err
	}
	var fragment templ.Component
	if section == workflowLabels {
		fragment = views.WorkflowLabelsSection(p.CSRFToken, v.Labels)
	} else {
		fragment = views.WorkflowStatusesSection(p.CSRFToken, v.Statuses)
	}
	return formResult(c, status, p, views.WorkflowPage(p, v), fragment)
}

// --- labels ---

func (h *Handlers) workflowCreateLabel(c echo.Context) error {
	f := views.WorkflowLabelForm{Name: c.FormValue("name"), Color: pwFormColor(c)}
	l, err := h.store.CreateLabel(c.Request().Context(), currentActor(c), store.LabelInput{Name: &f.Name, Color: &f.Color})
	status := http.StatusOK
	if err == nil {
		h.flash(c, views.FlashSuccess, "Label “"+l.Name+"” created.")
	} else {
		if f.Errors, f.Error, err = formErrors(err, pwLabelFields); err != nil {
			return err
		}
		workflowDuplicateLabel(f.Errors, &f.Error)
		status = http.StatusUnprocessableEntity
	}
	return h.workflowResult(c, status, workflowLabels, func(v *views.WorkflowView) {
		if status != http.StatusOK {
			v.Labels.New = f
		}
	})
}

// workflowDuplicateLabel shows the "name taken" conflict on the name field.
func workflowDuplicateLabel(fields map[string]string, msg *string) {
	if strings.Contains(*msg, "already exists") && fields != nil {
		fields["name"], *msg = "A label with this name already exists.", ""
	}
}

func (h *Handlers) workflowUpdateLabel(c echo.Context) error {
	id := c.Param("id")
	name, color := c.FormValue("name"), pwFormColor(c)
	_, err := h.store.UpdateLabel(c.Request().Context(), currentActor(c), id, store.LabelInput{Name: &name, Color: &color})
	var errs map[string]string
	var msg string
	status := http.StatusOK
	if err == nil {
		h.flash(c, views.FlashSuccess, "Label saved.")
	} else {
		if errs, msg, err = formErrors(err, pwLabelFields); err != nil {
			return err
		}
		workflowDuplicateLabel(errs, &msg)
		status = http.StatusUnprocessableEntity
	}
	return h.workflowResult(c, status, workflowLabels, func(v *views.WorkflowView) {
		for i := range v.Labels.Labels {
			l := &v.Labels.Labels[i]
			if l.ID != id {
				continue
			}
			if status == http.StatusOK {
				l.Saved = true
			} else {
				l.Name, l.Color, l.Errors, l.Error = name, color, errs, msg
			}
		}
	})
}

func (h *Handlers) workflowDeleteLabel(c echo.Context) error {
	if err := h.store.DeleteLabel(c.Request().Context(), currentActor(c), c.Param("id")); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Label deleted and removed from its tasks.")
	return h.workflowResult(c, http.StatusOK, workflowLabels, nil)
}

// --- statuses ---

// workflowStatusInput reads the status form; the code is read only when creating.
func workflowStatusInput(c echo.Context, create bool) (store.TaskStatusInput, views.WorkflowStatusForm) {
	f := views.WorkflowStatusForm{
		Label: c.FormValue("label"), Color: pwFormColor(c),
		IsTerminal: c.FormValue("is_terminal") == "true", SupportsProgress: c.FormValue("supports_progress") == "true",
		ProgressEditable: c.FormValue("progress_editable") == "true",
		OnComplete:       orDefault(c.FormValue("on_complete"), store.OnCompleteNone), NextStatusCode: c.FormValue("next_status_code"),
	}
	in := store.TaskStatusInput{
		Label: &f.Label, Color: &f.Color, IsTerminal: &f.IsTerminal, SupportsProgress: &f.SupportsProgress,
		ProgressEditable: &f.ProgressEditable, OnComplete: &f.OnComplete, NextStatusCode: &f.NextStatusCode,
	}
	if create {
		f.Code = strings.TrimSpace(c.FormValue("code"))
		in.Code = &f.Code
	}
	return in, f
}

// workflowStatusErrors maps a refused status to its form's messages; a taken code is shown on the code field.
func workflowStatusErrors(err error, f *views.WorkflowStatusForm) error {
	var e error
	if f.Errors, f.Error, e = formErrors(err, pwStatusFields); e != nil {
		return e
	}
	if strings.HasPrefix(f.Error, "Duplicate status code") {
		if f.Errors == nil {
			f.Errors = map[string]string{}
		}
		if strings.Contains(f.Error, "built-in") {
			f.Errors["code"] = "This code belongs to a built-in status. Choose another."
		} else {
			f.Errors["code"] = "A status with this code already exists."
		}
		f.Error = ""
	}
	return nil
}

func (h *Handlers) workflowCreateStatus(c echo.Context) error {
	in, f := workflowStatusInput(c, true)
	ts, err := h.store.CreateTaskStatus(c.Request().Context(), currentActor(c), in)
	status := http.StatusOK
	if err == nil {
		h.flash(c, views.FlashSuccess, "Status “"+ts.Label+"” added.")
	} else {
		if err := workflowStatusErrors(err, &f); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
	}
	return h.workflowResult(c, status, workflowStatuses, func(v *views.WorkflowView) {
		if status != http.StatusOK {
			f.NextOptions = v.Statuses.New.NextOptions
			v.Statuses.New = f
		}
	})
}

func (h *Handlers) workflowUpdateStatus(c echo.Context) error {
	id := c.Param("id")
	in, f := workflowStatusInput(c, false)
	_, err := h.store.UpdateTaskStatus(c.Request().Context(), currentActor(c), id, in)
	status := http.StatusOK
	if err == nil {
		h.flash(c, views.FlashSuccess, "Status saved.")
	} else {
		if err := workflowStatusErrors(err, &f); err != nil {
			return err
		}
		status = http.StatusUnprocessableEntity
	}
	return h.workflowResult(c, status, workflowStatuses, func(v *views.WorkflowView) {
		for i := range v.Statuses.Statuses {
			s := &v.Statuses.Statuses[i]
			if s.ID != id {
				continue
			}
			if status == http.StatusOK {
				s.JustSaved = true
			} else {
				f.Code, f.NextOptions = s.Code, s.Form.NextOptions
				s.Form, s.Open = f, true
			}
		}
	})
}

func (h *Handlers) workflowDeleteStatus(c echo.Context) error {
	if err := h.store.DeleteTaskStatus(c.Request().Context(), currentActor(c), c.Param("id")); err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Status deleted. Its tasks moved to Open.")
	return h.workflowResult(c, http.StatusOK, workflowStatuses, nil)
}

func (h *Handlers) workflowReorderStatuses(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	_, err = h.store.ReorderTaskStatuses(c.Request().Context(), currentActor(c), form["order"])
	status := http.StatusOK
	msg := ""
	if err != nil {
		if !errors.Is(err, store.ErrInvalid) {
			return err
		}
		// The list changed meanwhile (another admin added or deleted a status): show it as it is now.
		msg, status = "The statuses changed while you were reordering them. Here is the current order; try again.", http.StatusUnprocessableEntity
	} else {
		h.flash(c, views.FlashSuccess, "Order saved.")
	}
	return h.workflowResult(c, status, workflowStatuses, func(v *views.WorkflowView) { v.Statuses.Error = msg })
}
