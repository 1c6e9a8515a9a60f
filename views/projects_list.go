package views

import "net/url"

// The project list's views, orders and grouping, all in its query string so that every state is a link.
const (
	ProjectViewCards   = "cards"
	ProjectViewTable   = "table"
	ProjectGroupClient = "client"
)

// ProjectSortChoices are the orders the list offers, as its sort select and table headers name them.
var ProjectSortChoices = []Option{
	{Value: "name", Label: "Name"}, {Value: "client", Label: "Client"}, {Value: "open", Label: "Open tasks"},
	{Value: "hours", Label: "Hours"}, {Value: "activity", Label: "Last activity"},
}

// Query is the filter as a query string, leaving out what is the default.
func (f ProjectFilter) Query() url.Values {
	q := url.Values{}
	if f.Status != "" && f.Status != ProjectStatusActive {
		q.Set("status", f.Status)
	}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	if f.Sort != "" && f.Sort != "name" {
		q.Set("sort", f.Sort)
	}
	if f.Desc != f.DescByDefault {
		q.Set("dir", map[bool]string{true: "desc", false: "asc"}[f.Desc])
	}
	if f.Group != "" {
		q.Set("group", f.Group)
	}
	if f.View == ProjectViewTable {
		q.Set("view", f.View)
	}
	return q
}

// URL is the list's address for the filter.
func (f ProjectFilter) URL() string {
	if q := f.Query(); len(q) > 0 {
		return "/projects?" + q.Encode()
	}
	return "/projects"
}

// WithView, WithGroup and SortedBy are the filter with one thing changed, for the list's links.
func (f ProjectFilter) WithView(view string) ProjectFilter {
	f.View = view
	return f
}

func (f ProjectFilter) WithGroup(group string) ProjectFilter {
	f.Group = group
	return f
}

// SortedBy orders by a column: the current one turns around, another starts in its own direction (dir left out).
func (f ProjectFilter) SortedBy(sort string) ProjectFilter {
	if f.Sort == sort {
		f.Desc = !f.Desc
		return f
	}
	f.Sort = sort
	f.Desc, f.DescByDefault = false, false
	return f
}

// ariaSort is the aria-sort of a column header: the direction of the current order, else none.
func (f ProjectFilter) ariaSort(sort string) string {
	switch {
	case f.Sort != sort:
		return "none"
	case f.Desc:
		return "descending"
	}
	return "ascending"
}
