package main

import (
	"strings"
	"testing"
	"time"
)

func TestSummary_OneLinePerPackageAndFailedTestsInFull(t *testing.T) {
	var out strings.Builder
	s := &summary{out: &out, start: time.Now(), running: map[string]time.Time{}, output: map[string][]string{}}
	for _, l := range []string{
		`{"Action":"start","Package":"github.com/trcr/trcr/store"}`,
		`{"Action":"start","Package":"github.com/trcr/trcr/api"}`,
		`{"Action":"output","Package":"github.com/trcr/trcr/store","Test":"TestA","Output":"noise of a passing test\n"}`,
		`{"Action":"pass","Package":"github.com/trcr/trcr/store","Test":"TestA","Elapsed":0.1}`,
		`{"Action":"pass","Package":"github.com/trcr/trcr/store","Elapsed":3.2}`,
		`{"Action":"output","Package":"github.com/trcr/trcr/api","Test":"TestB","Output":"api_test.go:10: want 200, got 500\n"}`,
		`{"Action":"fail","Package":"github.com/trcr/trcr/api","Test":"TestB","Elapsed":0.4}`,
		`{"Action":"fail","Package":"github.com/trcr/trcr/api","Elapsed":5}`,
		`# github.com/trcr/trcr/views`,
	} {
		s.line([]byte(l))
	}
	if s.finish() {
		t.Error("a failed test must fail the run")
	}
	got := out.String()
	for _, want := range []string{
		"ok   github.com/trcr/trcr/store", "(running: api)", "--- FAIL github.com/trcr/trcr/api TestB",
		"want 200, got 500", "FAIL github.com/trcr/trcr/api", "1 packages passed, 1 failed; 2 tests run, 1 failed",
		"# github.com/trcr/trcr/views",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "noise of a passing test") {
		t.Errorf("a passing test's output is shown:\n%s", got)
	}
}
