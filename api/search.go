package api

import (
	"html"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

func (a *API) mountSearch(g *router) {
	g.GET("/search", a.search, a.requireOrg)
}

// searchResult is one result of GET /search. The snippet is HTML: the text escaped, the matches in <mark>.
type searchResult struct {
	Type    string `json:"type"`
	ID      string `json:"id"`
	Title   string `json:"title"`
	Snippet string `json:"snippet"`
	URL     string `json:"url"`
}

func (a *API) search(c echo.Context) error {
	results, err := a.store.Search(c.Request().Context(), actor(c), store.SearchFilter{
		Query: c.QueryParam("q"), Type: c.QueryParam("type"), Limit: c.QueryParam("limit"),
	})
	if err != nil {
		return err
	}
	out := make([]searchResult, len(results))
	for i, r := range results {
		out[i] = searchResult{Type: r.Type, ID: r.ID, Title: r.Title.String(), Snippet: markedHTML(r.Snippet), URL: r.URL}
	}
	return c.JSON(http.StatusOK, dataBody[searchResult]{Data: out})
}

// markedHTML escapes every run of the text and wraps the matches in <mark>, so a client may insert the snippet as
// HTML whatever the content held.
func markedHTML(m store.Marked) string {
	var b strings.Builder
	for _, r := range m {
		if r.Match {
			b.WriteString("<mark>" + html.EscapeString(r.Text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(r.Text))
		}
	}
	return b.String()
}
