package handlers_test

import (
	"net/url"
	"testing"
)

// A form field with a NUL byte answers 400 with a message, not a 500 page.
func TestNULByteInAFormIsABadRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.signUp("Nul Tester", "nul@example.com")
	p := b.post("/onboarding", url.Values{"name": {"Acme\x00Corp"}})
	if p.status != 400 && p.status != 422 {
		t.Fatalf("organization named with NUL: %d %s", p.status, p.body)
	}
}
