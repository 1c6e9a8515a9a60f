package api_test

import (
	"fmt"
	"strings"
	"testing"
)

// scenario is one API call and what its answer must be, after PocketBase's ApiScenario. Expectations left empty
// are not checked.
type scenario struct {
	name string // what the call shows, for failure messages
	req
	status       int
	code         string   // error.code
	message      string   // error.message, exactly
	field        string   // error.fields has this field, with
	fieldMessage string   // exactly this message (any message when empty)
	contains     []string // the body contains each
	absent       []string // and none of these
}

// run sends sc and fails the test unless the answer is as sc expects; it returns the answer.
func (e *env) run(sc scenario) resp {
	e.t.Helper()
	r := e.do(sc.req)
	if problems := sc.check(r); len(problems) > 0 {
		name := sc.name
		if name != "" {
			name += ": "
		}
		e.t.Fatalf("%s%s %s: %s; body %s", name, sc.method, sc.path, strings.Join(problems, "; "), r.raw)
	}
	return r
}

// runAll runs scenarios in order: a later one may rely on what an earlier one changed.
func (e *env) runAll(scenarios []scenario) {
	e.t.Helper()
	for _, sc := range scenarios {
		e.run(sc)
	}
}

// must sends r and fails the test unless the status is want.
func (e *env) must(want int, r req) resp {
	e.t.Helper()
	return e.run(scenario{req: r, status: want})
}

// expectError fails the test unless r is an error answer with code and, when given, message.
func expectError(t *testing.T, r resp, code, message string) {
	t.Helper()
	if problems := (scenario{code: code, message: message}).check(r); len(problems) > 0 {
		t.Fatalf("%s; body %s", strings.Join(problems, "; "), r.raw)
	}
}

func (sc scenario) check(r resp) []string {
	var problems []string
	if sc.status != 0 && r.status != sc.status {
		problems = append(problems, fmt.Sprintf("status %d, want %d", r.status, sc.status))
	}
	if sc.code != "" && r.errCode() != sc.code {
		problems = append(problems, fmt.Sprintf("code %q, want %q", r.errCode(), sc.code))
	}
	if sc.message != "" && r.errMessage() != sc.message {
		problems = append(problems, fmt.Sprintf("message %q, want %q", r.errMessage(), sc.message))
	}
	if got := r.fieldMessage(sc.field); sc.field != "" && (got == "" || (sc.fieldMessage != "" && got != sc.fieldMessage)) {
		problems = append(problems, fmt.Sprintf("field %s: %q, want %q", sc.field, got, sc.fieldMessage))
	}
	for _, s := range sc.contains {
		if !strings.Contains(string(r.raw), s) {
			problems = append(problems, fmt.Sprintf("no %q in the body", s))
		}
	}
	for _, s := range sc.absent {
		if strings.Contains(string(r.raw), s) {
			problems = append(problems, fmt.Sprintf("%q in the body", s))
		}
	}
	return problems
}

// fields is error.fields of an error answer, or nil.
func (r resp) fields() map[string]any {
	e, _ := r.json["error"].(map[string]any)
	fields, _ := e["fields"].(map[string]any)
	return fields
}

// fieldMessage is error.fields[field] of an error answer, or "".
func (r resp) fieldMessage(field string) string {
	msg, _ := r.fields()[field].(string)
	return msg
}
