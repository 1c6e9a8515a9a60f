package store

import (
	"regexp"
	"strings"
)

var hexColorPattern = regexp.MustCompile(`^#([0-9a-f]{3}|[0-9a-f]{6})$`)

// normalizeHexColor validates a #rrggbb or #rgb color in any case and returns it as lower-case #rrggbb, the form
// projects, labels, task statuses and milestones store.
func normalizeHexColor(v *validator, field, color string) string {
	c := strings.ToLower(strings.TrimSpace(color))
	if !hexColorPattern.MatchString(c) {
		v.add(field, field+" must be a hex color such as #6366f1")
		return c
	}
	if len(c) == 4 {
		c = string([]byte{'#', c[1], c[1], c[2], c[2], c[3], c[3]})
	}
	return c
}
