package api_test

import "testing"

// Text that PostgreSQL refuses (a NUL byte) is the client's mistake: 400, never 500, whichever field carries
// it and whether or not the field's own validation catches it first.
func TestNULByteInTextIsABadRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.register("Nul Tester")
	r := e.do(req{method: "POST", path: "/organizations", token: u.token, body: map[string]string{"name": "Acme\u0000Corp"}})
	if r.status != 400 || r.errCode() != "validation_failed" {
		t.Fatalf("organization named with NUL: %d %s", r.status, r.raw)
	}
}
