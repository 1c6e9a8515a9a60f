package api_test

import (
	"strconv"
	"strings"
	"testing"
)

// The list and the task that PostgreSQL writes as JSON are sent with their Content-Length, not in chunks (net/http
// adds the length by itself only to answers under 2 KB).
func TestTasks_JSONAnswersCarryTheirLength(t *testing.T) {
	f := newProjectsFixture(t)
	id := f.call(201, f.manager, "POST", "/tasks", map[string]any{"project_id": f.project, "title": "Sized",
		"description": strings.Repeat("A long description. ", 500)}).str("id")
	for _, path := range []string{"/tasks?project_id=" + f.project + "&status=open", "/tasks/" + id} {
		rq := f.as(f.member, "GET", path, nil)
		rq.headers = map[string]string{"Accept-Encoding": "identity"} // uncompressed, as loadgen asks
		r := f.must(200, rq)
		if got := r.header.Get("Content-Length"); got != strconv.Itoa(len(r.raw)) {
			t.Fatalf("GET %s: Content-Length %q for %d bytes", path, got, len(r.raw))
		}
	}
}
