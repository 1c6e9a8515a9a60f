// Command testsum reads `go test -json` on stdin and prints one line per package as it finishes (with the
// packages still running), the output of every failed test in full, and a summary; it exits 1 when a test or a
// build failed. `make test` pipes into it, so a long run shows its progress instead of staying silent.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// event is one line of test2json.
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
	Elapsed    float64
}

type summary struct {
	out                io.Writer
	start              time.Time
	running            map[string]time.Time
	output             map[string][]string // package + "\x00" + test → its lines
	passed, failed     int
	failedPackages     []string
	failedTests        []string
	tests, testsFailed int
}

func main() {
	s := &summary{out: os.Stdout, start: time.Now(), running: map[string]time.Time{}, output: map[string][]string{}}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		s.line(sc.Bytes())
	}
	if !s.finish() {
		os.Exit(1)
	}
}

func (s *summary) line(b []byte) {
	var e event
	if json.Unmarshal(b, &e) != nil || e.Action == "" {
		fmt.Fprintln(s.out, string(b)) // not test2json: a vet or build message, shown as is
		return
	}
	key := e.Package + "\x00" + e.Test
	switch e.Action {
	case "build-output":
		fmt.Fprint(s.out, e.Output)
	case "start":
		s.running[e.Package] = time.Now()
	case "output":
		s.output[key] = append(s.output[key], e.Output)
	case "pass", "skip":
		if e.Test != "" {
			s.tests++
			delete(s.output, key)
			return
		}
		s.done(e, "ok  ")
		s.passed++
	case "fail":
		if e.Test != "" {
			s.tests++
			s.testsFailed++
			s.failedTests = append(s.failedTests, e.Package+" "+e.Test)
			fmt.Fprintf(s.out, "--- FAIL %s %s (%.1fs)\n%s", e.Package, e.Test, e.Elapsed, strings.Join(s.output[key], ""))
			delete(s.output, key)
			return
		}
		// A package that fails outside a test (a panic, a build failure, TestMain) shows its own output.
		if lines := s.output[key]; len(lines) > 0 {
			fmt.Fprint(s.out, strings.Join(lines, ""))
		}
		s.done(e, "FAIL")
		s.failed++
		s.failedPackages = append(s.failedPackages, e.Package)
	}
}

func (s *summary) done(e event, verdict string) {
	delete(s.running, e.Package)
	delete(s.output, e.Package+"\x00")
	still := make([]string, 0, len(s.running))
	for p := range s.running {
		still = append(still, shortName(p))
	}
	sort.Strings(still)
	wait := ""
	if len(still) > 0 {
		wait = "  (running: " + strings.Join(still, ", ") + ")"
	}
	fmt.Fprintf(s.out, "%s %-44s %6.1fs  [%s]%s\n", verdict, e.Package, e.Elapsed, time.Since(s.start).Round(time.Second), wait)
}

func shortName(p string) string { return strings.TrimPrefix(p, "github.com/trcr/trcr/") }

// finish prints the summary and reports whether everything passed.
func (s *summary) finish() bool {
	fmt.Fprintf(s.out, "\n%d packages passed, %d failed; %d tests run, %d failed, in %s\n",
		s.passed, s.failed, s.tests, s.testsFailed, time.Since(s.start).Round(time.Second))
	for _, t := range s.failedTests {
		fmt.Fprintln(s.out, "  FAIL", t)
	}
	for _, p := range s.failedPackages {
		fmt.Fprintln(s.out, "  FAIL package", p)
	}
	return s.failed == 0 && s.testsFailed == 0
}
