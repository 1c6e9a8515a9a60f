package views_test

import (
	"testing"

	"github.com/trcr/trcr/views"
)

// The pages and the handlers' flash messages count, write dates and link to tasks through these alone.
func TestPlural(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0 time entries", 1: "1 time entry", 2: "2 time entries"} {
		if got := views.Plural(n, "time entry", "time entries"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"2026-03-12": "Mar 12, 2026", "2027-01-01": "Jan 1, 2027", "soon": "soon", "": ""} {
		if got := views.FormatDate(in); got != want {
			t.Errorf("FormatDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTaskDeepLink(t *testing.T) {
	t.Parallel()
	if got := views.TaskDeepLink("5f0c6a52-9f1e-4c1b-8d7a-2b1f6c3e9a10"); got != "/tasks?task=5f0c6a52-9f1e-4c1b-8d7a-2b1f6c3e9a10" {
		t.Errorf("TaskDeepLink = %q", got)
	}
	if got := views.TaskDeepLink("a&b=c"); got != "/tasks?task=a%26b%3Dc" {
		t.Errorf("TaskDeepLink escapes nothing: %q", got)
	}
}
