package handlers

import (
	"strings"

	"github.com/trcr/trcr/store"
)

// Small conversions of the store's optional values into the plain strings the view models hold.

// deref is the string, or "" for none.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// dateString is the date as YYYY-MM-DD, or "" for none.
func dateString(d *store.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// orName is a person's name, or their email when the name is blank.
func orName(name, email string) string {
	if strings.TrimSpace(name) != "" {
		return name
	}
	return email
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
