package handlers

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/views"
)

func (h *Handlers) mountSearch(g *router) {
	g.GET("/search", h.searchPage, h.requireOrg)
	g.GET("/search/palette", h.searchPalette, h.requireOrg)
}

// paletteSize is how many results the palette lists: what fits the dialog without scrolling far; the results page
// has the rest.
const paletteSize = 8

var searchLabels = map[string]string{"q": "Search", "type": "Type", "limit": "Limit"}

// searchPalette is the palette's list for what was typed. Nothing typed lists the actions only; a refused query
// (too long) answers 422 with its message, which htmx swaps in like a form's.
func (h *Handlers) searchPalette(c echo.Context) error {
	v := views.PaletteView{Query: strings.TrimSpace(c.QueryParam("q"))}
	if v.Query == "" {
		return render(c, http.StatusOK, views.PaletteResults(v))
	}
	results, err := h.store.Search(c.Request().Context(), currentActor(c), store.SearchFilter{
		Query: v.Query, Limit: fmt.Sprint(paletteSize),
	})
	if err != nil {
		_, msg, err := formErrorsShowing(err, searchLabels)
		if err != nil {
			return err
		}
		v.Error = msg
		return render(c, http.StatusUnprocessableEntity, views.PaletteResults(v))
	}
	v.Groups = views.GroupSearchResults(searchResultViews(results))
	return render(c, http.StatusOK, views.PaletteResults(v))
}

// searchPage is /search?q=&type=: a tab per type the user may search, with its number of matches, and the
// results of the chosen tab.
func (h *Handlers) searchPage(c echo.Context) error {
	query, typ := strings.TrimSpace(c.QueryParam("q")), c.QueryParam("type")
	status := http.StatusOK
	v := views.SearchPageView{Query: query, Type: typ}
	if query != "" {
		sp, err := h.store.SearchResultsPage(c.Request().Context(), currentActor(c), query, typ)
		if err != nil {
			_, msg, err := formErrorsShowing(err, searchLabels)
			if err != nil {
				return err
			}
			status, v.Error = http.StatusUnprocessableEntity, msg
		}
		v.Results = searchResultViews(sp.Results)
		v.Tabs = searchTabs(sp)
	}
	title := "Search"
	if query != "" {
		title = query + " · Search"
	}
	p, err := h.page(c, title, views.NavSearch)
	if err != nil {
		return err
	}
	return render(c, status, views.SearchPage(p, v))
}

// searchTabs are "All" and one tab per type the user may search, each with its count (capped: "100+").
func searchTabs(sp store.SearchPage) []views.SearchTab {
	count := func(n int) string {
		if n > store.SearchCountCap {
			return fmt.Sprintf("%d+", store.SearchCountCap)
		}
		return fmt.Sprint(n)
	}
	total := 0
	for _, n := range sp.Counts {
		total += n
	}
	tabs := []views.SearchTab{{Label: "All", Count: count(total), Href: views.SearchAllLink(sp.Query, ""), Active: sp.Type == ""}}
	for _, t := range sp.Types {
		tabs = append(tabs, views.SearchTab{
			Type: t, Label: views.SearchTypePlural(t), Count: count(sp.Counts[t]),
			Href: views.SearchAllLink(sp.Query, t), Active: sp.Type == t,
		})
	}
	return tabs
}

func searchResultViews(results []store.SearchResult) []views.SearchResult {
	out := make([]views.SearchResult, len(results))
	for i, r := range results {
		out[i] = views.SearchResult{
			Type: r.Type, ID: r.ID, Title: markedText(r.Title), Snippet: markedText(r.Snippet), Context: r.Context,
			URL: r.URL, Similar: r.Similar,
		}
	}
	return out
}

func markedText(m store.Marked) []views.MarkedText {
	out := make([]views.MarkedText, len(m))
	for i, r := range m {
		out[i] = views.MarkedText{Text: r.Text, Mark: r.Match}
	}
	return out
}
