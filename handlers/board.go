package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountBoard(g *router) {
	g.GET("/projects/:id/board", h.boardPage, h.requireOrg)
	g.GET("/projects/:id/board/groups/:group/cards", h.boardColumnCards, h.requireOrg)
	g.POST("/projects/:id/board/tasks", h.boardQuickAdd, h.requireOrg)
	g.POST("/projects/:id/board/groups", h.boardAddColumn, h.requireOrg)
	g.POST("/projects/:id/board/groups/:group/collapse", h.boardToggleCollapsed, h.requireOrg)
	g.POST("/projects/:id/board/groups/:group/status", h.boardColumnStatus, h.requireOrg)
	g.POST("/tasks/:id/move", h.moveTask, h.requireOrg)
}

func boardFilterFrom(c echo.Context) views.BoardFilter {
	return views.BoardFilter{
		Assignee: c.QueryParam("assignee"), Label: c.QueryParam("label"),
		Priority: c.QueryParam("priority"), Q: c.QueryParam("q"),
	}
}

func boardPath(projectID string) string { return "/projects/" + url.PathEscape(projectID) + "/board" }

func storeBoardFilter(f views.BoardFilter) store.BoardFilter {
	return store.BoardFilter{AssigneeID: f.Assignee, LabelID: f.Label, Priority: f.Priority, Search: f.Q}
}

// boardMore is a column's "show more" button after its last card shown (none: its first page).
func boardMore(projectID, groupID string, f views.BoardFilter, cards []views.TaskCard, remaining int) views.BoardMore {
	m := views.BoardMore{ProjectID: projectID, GroupID: groupID, Filter: f, Remaining: remaining,
		Next: min(remaining, store.BoardColumnPageSize)}
	if len(cards) > 0 {
		m.After = cards[len(cards)-1].ID
	}
	return m
}

// boardResultsFirstCards is how many cards of each column a search's answer (the filter form's, htmx) paints: about
// what a column shows without scrolling at 900 px of height. The rest of the column's first page comes with its
// "show more", which a search's answer loads as soon as it comes into view (issue 15: a search's answer was 87
// cards, most of them parsed, inserted and styled below the columns' own scroll). Without JavaScript, the page of a
// search paints store.BoardPageSize per column as ever.
const boardResultsFirstCards = 8

// firstCardsOnly keeps the first n cards of each column; a column cut short loads the rest when its button comes
// into view.
func firstCardsOnly(v *views.BoardView, n int) {
	for i := range v.Columns {
		col := &v.Columns[i]
		if len(col.Cards) <= n {
			continue
		}
		cut := len(col.Cards) - n
		col.Cards = col.Cards[:n]
		col.More = boardMore(v.ProjectID, col.ID, v.Filter, col.Cards, col.More.Remaining+cut)
		col.More.OnView = true
	}
}

// boardView reads the board and turns it into its view model. A filter the store refuses shows the unfiltered
// board with the message.
func (h *Handlers) boardView(c echo.Context, projectID string, f views.BoardFilter) (views.BoardView, error) {
	ctx := c.Request().Context()
	a := currentActor(c)
	b, err := h.store.Board(ctx, a, projectID, storeBoardFilter(f))
	filterError := ""
	if invalid, ok := store.AsKind(err, store.ErrInvalid); ok {
		filterError = "Some filters were not valid and were ignored: " + invalid.Message + "."
		f = views.BoardFilter{}
		b, err = h.store.Board(ctx, a, projectID, store.BoardFilter{})
	}
	if err != nil {
		return views.BoardView{}, err
	}
	today := h.today(c)
	statuses := statusOptions(b.Statuses)
	v := views.BoardView{
		ProjectID: b.Project.ID, ProjectName: b.Project.Name, ProjectColor: b.Project.Color, ProjectStatus: b.Project.Status,
		CanManage: b.CanManage, Filter: f, Statuses: statuses, Total: b.Total, Matching: b.Matching,
		FilterError: filterError,
	}
	for _, m := range b.Members {
		v.Members = append(v.Members, personView(m))
	}
	for _, l := range b.Labels {
		v.Labels = append(v.Labels, views.TaskLabel{ID: l.ID, Name: l.Name, Color: l.Color})
	}
	for _, g := range b.Groups {
		col := views.BoardColumn{ID: g.ID, Name: g.Name, IsDefault: g.IsDefault, Status: views.BoardColumnStatus(statuses, g.StatusCode),
			Collapsed: g.Collapsed, Total: g.Total,
			Matching: g.Matching, Cards: make([]views.TaskCard, 0, len(g.Cards))}
		for _, card := range g.Cards {
			col.Cards = append(col.Cards, cardView(card, b.Project.Key, statuses, today))
		}
		remaining := g.Matching - len(g.Cards)
		if !g.HasMore {
			remaining = 0
		} else if remaining < 1 {
			remaining = 1 // tasks added since the counts were read
		}
		col.More = boardMore(b.Project.ID, g.ID, f, col.Cards, remaining)
		v.Columns = append(v.Columns, col)
	}
	return v, nil
}

func cardView(c store.BoardCard, projectKey string, statuses []views.TaskStatusOption, today string) views.TaskCard {
	card := views.TaskCard{
		ID: c.ID, Reference: fmt.Sprintf("%s-%d", projectKey, c.Number), Title: c.Title, Priority: c.Priority, Status: c.Status, Completed: c.Completed,
		StatusLabel: views.StatusLabel(c.Status, statuses), StatusColor: views.StatusColor(c.Status, statuses),
		Due: views.MakeDue(dateString(c.DueDate), today, c.Completed), ChecklistDone: c.ChecklistDone,
		ChecklistTotal: c.ChecklistTotal, Comments: c.Comments, Progress: c.Progress,
	}
	if c.AssigneeID != nil {
		card.Assignee = &views.TaskPerson{ID: *c.AssigneeID, Name: c.AssigneeName, AvatarURL: deref(c.AssigneeURL),
			Initials: initials(c.AssigneeName, "")}
	}
	for _, l := range c.Labels {
		card.Labels = append(card.Labels, views.TaskLabel{ID: l.ID, Name: l.Name, Color: l.Color})
	}
	return card
}

// boardPage answers the board. htmx asking for the board (a refresh) or one of its columns (a refresh after a
// refused move or an edit in the task panel) gets that part alone, not the page around it: a search answered the
// whole page and swapped ~6,300 elements for a few cards (issue 15). The filter form (HX-Trigger board-filters)
// gets less still: the board's results, its card lists and counts, swapped in place of the old ones.
func (h *Handlers) boardPage(c echo.Context) error {
	v, err := h.boardView(c, c.Param("id"), boardFilterFrom(c))
	if err != nil {
		return err
	}
	c.Response().Header().Add("Vary", "HX-Target, HX-Trigger")
	if isHTMX(c) {
		target := c.Request().Header.Get("HX-Target")
		if target == "board" && c.Request().Header.Get("HX-Trigger") == "board-filters" {
			if v.Filter.Active() {
				firstCardsOnly(&v, boardResultsFirstCards)
			}
			return render(c, http.StatusOK, views.BoardResults(csrfToken(c), v))
		}
		if target == "board" {
			return render(c, http.StatusOK, views.Board(csrfToken(c), v))
		}
		for _, col := range v.Columns {
			if target == "col-"+col.ID {
				return render(c, http.StatusOK, views.BoardColumnFragment(csrfToken(c), v, col))
			}
		}
	}
	return h.renderBoard(c, http.StatusOK, v)
}

// boardColumnCards answers a column's "show more": its next page of cards after the card ?after= (none: the
// first page), under the board's filter, for htmx to append, with the next button out of band. A cursor or filter
// the store refuses (the card has left the column meanwhile) answers a flash message asking for a reload.
func (h *Handlers) boardColumnCards(c echo.Context) error {
	projectID, groupID, f := c.Param("id"), c.Param("group"), boardFilterFrom(c)
	page, err := h.store.BoardColumn(c.Request().Context(), currentActor(c), projectID, groupID, storeBoardFilter(f), c.QueryParam("after"))
	if invalid, ok := store.AsKind(err, store.ErrInvalid); ok {
		return h.flashError(c, http.StatusUnprocessableEntity, "More cards could not be loaded: "+invalid.Message+". Reload the board to see it as it is now.")
	}
	if err != nil {
		return err
	}
	statuses, today := statusOptions(page.Statuses), h.today(c)
	v := views.BoardCardsPage{Cards: make([]views.TaskCard, 0, len(page.Cards))}
	for _, card := range page.Cards {
		v.Cards = append(v.Cards, cardView(card, page.Key, statuses, today))
	}
	v.More = boardMore(projectID, groupID, f, v.Cards, page.Remaining)
	return render(c, http.StatusOK, views.BoardCardsFragment(v))
}

func (h *Handlers) renderBoard(c echo.Context, status int, v views.BoardView) error {
	p, err := h.page(c, v.ProjectName+" · Board", views.NavProjects)
	if err != nil {
		return err
	}
	return render(c, status, views.BoardPage(p, v))
}

// boardQuickAdd creates a task by title at the bottom of a column. htmx gets the new card, appended to the
// column; an invalid title answers the form again in place of the card list's append.
func (h *Handlers) boardQuickAdd(c echo.Context) error {
	projectID, groupID, title := c.Param("id"), c.FormValue("group_id"), c.FormValue("title")
	a := currentActor(c)
	in := store.TaskInput{ProjectID: projectID, Title: title}
	if groupID != "" {
		in.GroupID = &groupID
	}
	t, err := h.store.CreateTask(c.Request().Context(), a, in)
	if err == nil {
		if !isHTMX(c) {
			return redirect(c, boardPath(projectID))
		}
		card := views.TaskCard{ID: t.ID, Reference: t.Reference, Title: t.Title, Priority: t.Priority, Status: t.Status,
			StatusLabel: views.StatusLabel(t.Status, nil), Completed: t.CompletedAt != nil,
			Due: views.MakeDue(dateString(t.DueDate), h.today(c), t.CompletedAt != nil)}
		return render(c, http.StatusOK, views.BoardCard(card))
	}
	if errors.Is(err, store.ErrForbidden) {
		return err
	}
	fields, msg, err := formErrorsAsIs(err)
	if err != nil {
		return err
	}
	f := views.QuickAddForm{Title: title, Error: msg}
	for k, m := range fields {
		if f.Error == "" || k == "title" {
			f.Error = sentence(m)
		}
	}
	if isHTMX(c) {
		c.Response().Header().Set("HX-Retarget", "#qa-"+groupID)
		c.Response().Header().Set("HX-Reswap", "outerHTML")
		return render(c, http.StatusUnprocessableEntity, views.QuickAddFormFragment(csrfToken(c), projectID, groupID, f))
	}
	v, verr := h.boardView(c, projectID, views.BoardFilter{})
	if verr != nil {
		return verr
	}
	for i := range v.Columns {
		if v.Columns[i].ID == groupID {
			v.Columns[i].QuickAdd = f
		}
	}
	return h.renderBoard(c, http.StatusUnprocessableEntity, v)
}

// boardAddColumn adds a task group at the end of the board, then shows the board again.
func (h *Handlers) boardAddColumn(c echo.Context) error {
	projectID, name := c.Param("id"), c.FormValue("name")
	_, err := h.store.CreateTaskGroup(c.Request().Context(), currentActor(c), projectID, store.TaskGroupInput{Name: &name})
	if err == nil {
		return redirect(c, boardPath(projectID))
	}
	if errors.Is(err, store.ErrForbidden) {
		return err
	}
	fields, msg, err := formErrorsAsIs(err)
	if err != nil {
		return err
	}
	f := views.NewColumnForm{Name: name, Error: msg}
	if m := fields["name"]; m != "" {
		f.Error = sentence(m)
	}
	if isHTMX(c) {
		return render(c, http.StatusUnprocessableEntity, views.NewColumnFormFragment(csrfToken(c), projectID, f))
	}
	v, verr := h.boardView(c, projectID, views.BoardFilter{})
	if verr != nil {
		return verr
	}
	v.NewColumn = f
	return h.renderBoard(c, http.StatusUnprocessableEntity, v)
}

// boardColumnStatus binds a column to a status ("" for none), the same use case as PUT
// /api/v1/projects/:id/task-groups/:gid with status_code, then shows the board again.
func (h *Handlers) boardColumnStatus(c echo.Context) error {
	projectID, code := c.Param("id"), c.FormValue("status_code")
	_, err := h.store.UpdateTaskGroup(c.Request().Context(), currentActor(c), projectID, c.Param("group"), store.TaskGroupInput{StatusCode: &code})
	if invalid, ok := store.AsKind(err, store.ErrInvalid); ok {
		return h.flashError(c, http.StatusUnprocessableEntity, "The column was not changed: "+invalid.Message+".")
	}
	if err != nil {
		return err
	}
	h.flash(c, views.FlashSuccess, "Column saved.")
	return redirect(c, boardPath(projectID))
}

// boardToggleCollapsed collapses or expands a column for the user, the same use case as the API's collapsed
// groups. htmx gets an empty answer (board.js flips the column); a plain form goes back to the board.
func (h *Handlers) boardToggleCollapsed(c echo.Context) error {
	projectID := c.Param("id")
	if _, err := h.store.ToggleCollapsedTaskGroup(c.Request().Context(), currentActor(c), projectID, c.Param("group")); err != nil {
		return err
	}
	if isHTMX(c) {
		return c.NoContent(http.StatusNoContent)
	}
	back := boardPath(projectID)
	if r := c.FormValue("return"); strings.HasPrefix(r, back) {
		back = r
	}
	return redirect(c, back)
}

// moveTask saves a drag and drop: the card's new 0-based index in its (possibly new) column, through the same
// use case as PUT /api/v1/tasks/:id/reorder. Refusals answer with a flash message; board.js then reloads the
// columns involved.
func (h *Handlers) moveTask(c echo.Context) error {
	in := store.ReorderInput{}
	if s := c.FormValue("position"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return h.flashError(c, http.StatusUnprocessableEntity, "The card could not be moved: position must be a number.")
		}
		in.Position = &n
	}
	if g := c.FormValue("group_id"); g != "" {
		in.GroupID = &g
	}
	_, err := h.store.ReorderTask(c.Request().Context(), currentActor(c), c.Param("id"), in)
	if err == nil {
		if !isHTMX(c) {
			if back := c.FormValue("return"); strings.HasPrefix(back, "/projects/") {
				return redirect(c, back)
			}
		}
		return c.NoContent(http.StatusNoContent)
	}
	if invalid, ok := store.AsKind(err, store.ErrInvalid); ok {
		return h.flashError(c, http.StatusUnprocessableEntity, "The card could not be moved: "+invalid.Message+".")
	}
	return err
}

func personView(p store.Person) views.TaskPerson {
	return views.TaskPerson{ID: p.UserID, Name: orName(p.Name, p.Email), AvatarURL: deref(p.AvatarURL), Initials: initials(p.Name, p.Email)}
}

func statusOptions(custom []store.TaskStatus) []views.TaskStatusOption {
	opts := make([]views.TaskStatusOption, 0, len(custom))
	for _, s := range custom {
		opts = append(opts, views.TaskStatusOption{Code: s.Code, Label: s.Label, Color: s.Color})
	}
	return views.TaskStatusOptions(opts)
}
