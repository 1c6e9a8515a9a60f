package handlers

import "testing"

func TestSafeNext_KeepsOnlyLocalPaths(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"/":                              "/",
		"/tasks?task=1&view=board#c":     "/tasks?task=1&view=board#c",
		"/invitations/abc/accept":        "/invitations/abc/accept",
		"/%2F%2Fevil.example":            "/%2F%2Fevil.example", // encoded slashes stay a path on this site
		"":                               "",
		"tasks":                          "",
		"//evil.example":                 "",
		"/\\evil.example":                "",
		"/\t/evil.example/phish":         "",
		"/\t\\evil.example":              "",
		"/\n/evil.example":               "",
		"/\r\n/evil.example":             "",
		"/ /evil.example":                "",
		"/\u00a0/evil.example":           "", // no-break space
		"/\u2028/evil.example":           "", // line separator
		"/a\\b":                          "",
		"/\x00/evil.example":             "",
		"/\x7f/evil.example":             "",
		"https://evil.example":           "",
		"javascript:alert(1)":            "",
		"/\u200b/evil.example":           "", // zero-width space, not printable
		"/" + string(make([]byte, 3000)): "",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}
