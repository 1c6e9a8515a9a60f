package views

import (
	"net/url"
	"strings"

	"github.com/trcr/trcr/store/vocab"
)

// NavSearch is Page.ActiveNav of the results page (no sidebar item is highlighted).
const NavSearch = "search"

// MarkedText is a run of text that matched the search (Mark) or not; templates escape it like any text.
type MarkedText struct {
	Text string
	Mark bool
}

// SearchResult is one result as the palette and the results page show it.
type SearchResult struct {
	Type    string
	ID      string
	Title   []MarkedText
	Snippet []MarkedText
	// Context is where it belongs: a project, a message's author, an invoice's client, a time entry's project.
	Context string
	URL     string
	// Similar marks a result found by its title's spelling rather than by the query's words.
	Similar bool
}

// TypeLabel is how a page names the result's type ("Task", "Message").
func (r SearchResult) TypeLabel() string {
	l, _ := vocab.SearchTypes.Label(r.Type)
	return l
}

// SearchGroup is the results of one type, in the order the search ranked them.
type SearchGroup struct {
	Type    string
	Results []SearchResult
}

// Label is the group's heading ("Tasks").
func (g SearchGroup) Label() string { return SearchTypePlural(g.Type) }

// SearchTypePlural names a result type in the plural ("Time entries"), for headings and tabs.
func SearchTypePlural(typ string) string {
	for _, t := range vocab.SearchTypes {
		if t.Code == typ {
			return t.Plural
		}
	}
	return typ
}

// GroupSearchResults groups results by type in vocab order, keeping their ranked order within each type.
func GroupSearchResults(results []SearchResult) []SearchGroup {
	var out []SearchGroup
	for _, t := range vocab.SearchTypes.Codes() {
		g := SearchGroup{Type: t}
		for _, r := range results {
			if r.Type == t {
				g.Results = append(g.Results, r)
			}
		}
		if len(g.Results) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// searchIcons are the icons of the result types.
var searchIcons = map[string]string{
	vocab.SearchProject:     "folder-kanban",
	vocab.SearchTask:        "square-check",
	vocab.SearchComment:     "message-square",
	vocab.SearchChatMessage: "hash",
	vocab.SearchClient:      "briefcase",
	vocab.SearchInvoice:     "file-text",
	vocab.SearchTimeEntry:   "clock",
}

func searchIcon(typ string) string {
	if i, ok := searchIcons[typ]; ok {
		return i
	}
	return "search"
}

// PaletteView is the command palette's list for what was typed: its actions and the search's results.
type PaletteView struct {
	Query  string
	Groups []SearchGroup
	// Error is the store's message when the query was refused (too long).
	Error string
}

// HasResults reports whether the search found anything.
func (v PaletteView) HasResults() bool { return len(v.Groups) > 0 }

// Projects are the project results, offered as "New task in …" as well.
func (v PaletteView) Projects() []SearchResult {
	for _, g := range v.Groups {
		if g.Type == vocab.SearchProject {
			return g.Results
		}
	}
	return nil
}

// SearchAllLink is the results page of the query.
func SearchAllLink(query, typ string) string {
	q := url.Values{}
	q.Set("q", query)
	if typ != "" {
		q.Set("type", typ)
	}
	return "/search?" + q.Encode()
}

// SearchTab is a tab of the results page: all types, or one, with its number of matches.
type SearchTab struct {
	Type   string // "" for every type
	Label  string
	Count  string // "", "12", "100+"
	Href   string
	Active bool
}

// SearchPageView is the results page.
type SearchPageView struct {
	Query   string
	Type    string
	Tabs    []SearchTab
	Results []SearchResult
	// Error is the store's message for a refused query.
	Error string
}

// Similar reports whether every result was found by spelling only (no word matched).
func (v SearchPageView) Similar() bool {
	for _, r := range v.Results {
		if !r.Similar {
			return false
		}
	}
	return len(v.Results) > 0
}

// TitleText is marked text without its marks.
func TitleText(runs []MarkedText) string {
	var s string
	for _, r := range runs {
		s += r.Text
	}
	return s
}

// searchWhat names what a results tab searched, for its empty state: "results" for every type, else the type's
// plural in lower case.
func searchWhat(typ string) string {
	for _, t := range vocab.SearchTypes {
		if t.Code == typ {
			return strings.ToLower(t.Plural)
		}
	}
	return "results"
}
