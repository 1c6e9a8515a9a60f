package main

// Helpers of the browser tests (e2e_test.go): one `trcr serve` process shared by every test of this package, and
// a thin layer over chromedp that waits for elements by data-testid and reports what the page showed on failure.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/trcr/trcr/store/storetest"
)

const (
	// chromiumPath is the browser the tests drive. CI installs it; a missing browser fails the tests.
	chromiumPath = "/usr/bin/chromium"
	// serverStartLimit bounds the wait for GET /healthz: the first start initializes a PostgreSQL cluster.
	serverStartLimit = 90 * time.Second
	// serverStopLimit is how long `trcr serve` may take to exit after SIGTERM.
	serverStopLimit = 30 * time.Second
	// stepTimeout bounds one browser step (a navigation, a wait, a click). Generous: CI machines have 2 cores.
	stepTimeout = 45 * time.Second
)

// TestMain stops the shared server after the tests and fails the run unless it shut down gracefully: exit
// status 0 within serverStopLimit of SIGTERM, with its embedded PostgreSQL stopped.
func TestMain(m *testing.M) {
	code := storetest.Run(m) // the tests of serve's failure behaviour use its databases
	if s := sharedServer; s != nil {
		took, err := s.stop(serverStopLimit)
		switch {
		case err != nil:
			fmt.Fprintf(os.Stderr, "FAIL: trcr serve did not shut down gracefully: %v\n--- trcr serve log (last 60 lines) ---\n%s\n", err, s.logTail(60))
			code = 1
		case testing.Verbose():
			fmt.Printf("e2e: trcr serve exited 0 %s after SIGTERM\n", took.Round(time.Millisecond))
		}
		if err := os.RemoveAll(s.root); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: remove %s: %v\n", s.root, err)
		}
	}
	os.Exit(code)
}

// ---------------------------------------------------------------------------
// The server

// e2eServer is a `trcr serve` subprocess on a free loopback port, with its own data directory (and so its own
// embedded PostgreSQL) and no SMTP server, so emails land in the dev mailbox.
type e2eServer struct {
	BaseURL string
	root    string // temporary directory holding the binary, the data dir and the log
	logPath string
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has exited; exitErr is then set
	exitErr error
	build   time.Duration
	startup time.Duration
}

var (
	sharedServerOnce sync.Once
	sharedServer     *e2eServer // set as soon as the process runs, so that TestMain stops it whatever happens
	sharedServerErr  error
)

// e2eServerFor returns the shared server, starting it on first use, and prints its log tail if t fails.
func e2eServerFor(t *testing.T) *e2eServer {
	t.Helper()
	sharedServerOnce.Do(func() { sharedServer, sharedServerErr = startE2EServer() })
	if sharedServerErr != nil {
		t.Fatalf("start trcr serve: %v", sharedServerErr)
	}
	s := sharedServer
	t.Logf("trcr serve at %s (go build %s, ready %s after start)", s.BaseURL, s.build.Round(time.Millisecond), s.startup.Round(time.Millisecond))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("--- trcr serve log (last 80 lines) ---\n%s", s.logTail(80))
		}
	})
	return s
}

func startE2EServer() (*e2eServer, error) {
	root, err := os.MkdirTemp("", "trcr-e2e-")
	if err != nil {
		return nil, err
	}
	// As root, the embedded PostgreSQL runs as an unprivileged user. A traversable directory keeps its cluster
	// here (rather than relocated under /var/tmp), so that it is removed with the rest after the tests.
	if err := os.Chmod(root, 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(filepath.Join(root, "data"), 0o755); err != nil {
		return nil, err
	}
	s := &e2eServer{root: root, logPath: filepath.Join(root, "server.log"), exited: make(chan struct{})}
	defer func() {
		if s.cmd == nil { // failed before the server ran: TestMain will not see it
			os.RemoveAll(root)
		}
	}()

	// Build the binary once, from this package (the working directory of `go test`).
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(root, "trcr")
	start := time.Now()
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %v\n%s", err, out)
	}
	s.build = time.Since(start)

	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	s.BaseURL = "http://" + addr
	logFile, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // the child has its own copy
	cmd := exec.Command(bin, "serve")
	cmd.Dir = root
	cmd.Env = append(envWithout("DATABASE_URL", "TRCR_"),
		"TRCR_DATA_DIR="+filepath.Join(root, "data"),
		"TRCR_ADDR="+addr,
		"TRCR_AUTH_RATE_LIMIT=1000",
		"TRCR_DEV_MAILBOX=true",
		"TRCR_SHUTDOWN_GRACE=0",
	)
	// A file, not a pipe: Wait then returns when trcr exits, whatever its children hold open.
	cmd.Stdout, cmd.Stderr = logFile, logFile
	start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s.cmd = cmd
	sharedServer = s // TestMain stops it even when it never becomes healthy
	go func() {
		s.exitErr = cmd.Wait()
		close(s.exited)
	}()

	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(serverStartLimit)
	var last string
	for {
		select {
		case <-s.exited:
			return s, fmt.Errorf("trcr serve exited before it was healthy (%v)\n--- log ---\n%s", s.exitErr, s.logTail(60))
		default:
		}
		resp, err := client.Get(s.BaseURL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				s.startup = time.Since(start)
				return s, nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("GET /healthz did not answer 200 within %s (last: %s)\n--- log ---\n%s", serverStartLimit, last, s.logTail(60))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for the process. It is an error if the process exits with a non-zero status, does
// not exit within limit (it is then killed), or leaves its embedded PostgreSQL running.
func (s *e2eServer) stop(limit time.Duration) (time.Duration, error) {
	select {
	case <-s.exited:
		return 0, fmt.Errorf("trcr serve exited before the end of the tests: %v", s.exitErr)
	default:
	}
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, fmt.Errorf("SIGTERM: %w", err)
	}
	select {
	case <-s.exited:
	case <-time.After(limit):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return time.Since(start), fmt.Errorf("still running %s after SIGTERM; killed it", limit)
	}
	took := time.Since(start)
	if s.exitErr != nil {
		return took, fmt.Errorf("after SIGTERM: %v (want exit status 0)", s.exitErr)
	}
	// The embedded cluster is stopped before trcr exits; a postmaster.pid left behind means it was not.
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		pids := s.postmasterPIDFiles()
		if len(pids) == 0 {
			return took, nil
		}
		if time.Now().After(end) {
			return took, fmt.Errorf("trcr exited 0 but left PostgreSQL running (%s)", strings.Join(pids, ", "))
		}
	}
}

func (s *e2eServer) postmasterPIDFiles() []string {
	var out []string
	_ = filepath.WalkDir(filepath.Join(s.root, "data"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "postmaster.pid" {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// logTail returns the last n lines the server wrote to stdout and stderr.
func (s *e2eServer) logTail(n int) string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// envWithout is the environment minus the variables named or prefixed by drop, so that the developer's own
// configuration (a DATABASE_URL, an SMTP server, a base URL) cannot leak into the test server.
func envWithout(drop ...string) []string {
	var out []string
next:
	for _, kv := range os.Environ() {
		for _, d := range drop {
			if strings.HasPrefix(kv, d) {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}

// ---------------------------------------------------------------------------
// The browser

// e2eBrowser is one headless Chromium with a fresh profile, driving one tab.
type e2eBrowser struct {
	t    *testing.T
	ctx  context.Context // the tab; has no deadline (a deadline on it would stop the browser)
	base string
	out  *syncBuffer // Chromium's stdout and stderr

	mu       sync.Mutex
	jsErrors []string // uncaught exceptions and console.error calls
}

func newE2EBrowser(t *testing.T, baseURL string) *e2eBrowser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("chromium is required for the browser tests (CI installs it): %v", err)
	}
	b := &e2eBrowser{t: t, base: baseURL, out: &syncBuffer{}}
	// Chromium now and then exits before it serves DevTools on a machine busy with many browsers (seen as
	// "chrome failed to start"); a second process, with a fresh profile, is started once before giving up.
	var ctx context.Context
	start := time.Now()
	for attempt := 1; ; attempt++ {
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(chromiumPath),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true),
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true), // containers often have a tiny /dev/shm
			chromedp.UserDataDir(t.TempDir()),
			chromedp.WindowSize(1280, 900),
			chromedp.CombinedOutput(b.out),
		)
		var cancelCtx context.CancelFunc
		ctx, cancelCtx = chromedp.NewContext(allocCtx)
		err := chromedp.Do(ctx) // starts the browser and opens the tab
		if err == nil {
			// Registered before the failure report below, so it runs after it: the report needs the browser.
			t.Cleanup(func() { cancelCtx(); cancelAlloc() })
			break
		}
		cancelCtx()
		cancelAlloc()
		if attempt == 2 {
			t.Fatalf("start chromium: %v\n%s", err, b.out)
		}
		t.Logf("start chromium (attempt %d): %v; starting another", attempt, err)
	}
	t.Logf("chromium started in %s", time.Since(start).Round(time.Millisecond))
	b.ctx = ctx
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdpruntime.EventExceptionThrown:
			b.addJSError("uncaught: " + exceptionText(ev.ExceptionDetails))
		case *cdpruntime.EventConsoleAPICalled:
			if ev.Type == cdpruntime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
				}
				b.addJSError("console.error: " + strings.Join(parts, " "))
			}
		}
	}); err != nil {
		t.Fatalf("listen to the page: %v", err)
	}
	t.Cleanup(func() {
		b.mu.Lock()
		errs := append([]string(nil), b.jsErrors...)
		b.mu.Unlock()
		if len(errs) > 0 {
			t.Logf("JavaScript errors on the pages:\n  %s", strings.Join(errs, "\n  "))
		}
	})
	return b
}

func exceptionText(d *cdpruntime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	if d.Exception != nil && d.Exception.Description != "" {
		return d.Exception.Description
	}
	return d.Text
}

func (b *e2eBrowser) addJSError(s string) {
	b.mu.Lock()
	b.jsErrors = append(b.jsErrors, s)
	b.mu.Unlock()
}

// fatalf fails the test with what the page showed: its URL and visible text, and a screenshot in the test's
// artifact directory (kept with `go test -artifacts`).
func (b *e2eBrowser) fatalf(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		msg += "\n  page: " + loc
	}
	if text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`)); err == nil {
		if len(text) > 3000 {
			text = text[:3000] + "…"
		}
		msg += "\n  page text:\n" + indent(text, "    ")
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		path := filepath.Join(b.t.ArtifactDir(), "failure.png")
		if os.WriteFile(path, png, 0o644) == nil {
			msg += "\n  screenshot: " + path
		}
	}
	b.t.Fatal(msg)
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n"+prefix)
}

// do runs actions as one step with the step timeout.
func (b *e2eBrowser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatalf("%s: %v", step, err)
	}
}

// testid is the CSS selector of elements with the data-testid.
func testid(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

// url makes a path absolute on the server; absolute URLs are kept.
func (b *e2eBrowser) url(pathOrURL string) string {
	if strings.HasPrefix(pathOrURL, "http://") || strings.HasPrefix(pathOrURL, "https://") {
		return pathOrURL
	}
	return b.base + pathOrURL
}

// open navigates to a page and waits until the element with the testid is visible.
func (b *e2eBrowser) open(pathOrURL, wantTestID string) {
	b.t.Helper()
	b.do("open "+pathOrURL, chromedp.Navigate(b.url(pathOrURL)), chromedp.WaitVisible(testid(wantTestID)))
}

// fill replaces the value of an input by typing into it.
func (b *e2eBrowser) fill(sel, value string) {
	b.t.Helper()
	// Not chromedp.SetValue(sel, ""): chromedp v0.23 passes an empty string argument as undefined, which an
	// input turns into the text "undefined".
	b.do("fill "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(sel)+`).value = ""`),
		chromedp.SendKeys(chromedp.CSS(sel), value),
	)
	if got := b.value(sel); got != value {
		b.fatalf("fill %s: value is %q, want %q", sel, got, value)
	}
}

func (b *e2eBrowser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fatalf("value of %s: %v", sel, err)
	}
	return v
}

func (b *e2eBrowser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

// markPage tags the current document, so that waitPage can tell a new document from the old one.
func (b *e2eBrowser) markPage() {
	b.t.Helper()
	b.do("mark the page", chromedp.Evaluate[chromedp.Void](`window.__e2eOldPage = true`))
}

// pageIsMarked reports whether the document is still the one markPage tagged.
func (b *e2eBrowser) pageIsMarked() bool {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__e2eOldPage === true`))
	if err != nil {
		b.fatalf("read the page mark: %v", err)
	}
	return v
}

// clickToPage clicks an element that leads to another page (a link, a plain form, or an htmx form answered with
// HX-Redirect) and waits until a new document at path has loaded, with htmx ready.
func (b *e2eBrowser) clickToPage(sel chromedp.CSS, path string) {
	b.t.Helper()
	b.markPage()
	b.do("click "+string(sel), chromedp.Click(sel))
	b.waitPage(path)
}

// waitPage waits until a document newer than the last markPage, at path, has loaded.
func (b *e2eBrowser) waitPage(path string) {
	b.t.Helper()
	b.waitTrue("a new page at "+path, `window.__e2eOldPage === undefined && document.readyState === "complete" && !!window.htmx && location.pathname === `+jsString(path))
}

// waitTrue polls a JavaScript expression until it is true. It outlives navigations.
func (b *e2eBrowser) waitTrue(what, expr string) {
	b.t.Helper()
	b.waitString(what, `(`+expr+`) ? "yes" : ""`)
}

// waitString polls a JavaScript expression until it returns a non-empty string, and returns it. Errors (such as
// a page that is being replaced) count as "not yet".
func (b *e2eBrowser) waitString(what, expr string) string {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	var lastErr error
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const v = (`+expr+`); return typeof v === "string" ? v : ""; })()`))
		cancel()
		if err == nil && v != "" {
			return v
		}
		if err != nil {
			lastErr = err
		}
		if b.ctx.Err() != nil || time.Now().After(deadline) {
			if lastErr != nil {
				b.fatalf("waiting for %s: timed out after %s (last error: %v)", what, stepTimeout, lastErr)
			}
			b.fatalf("waiting for %s: timed out after %s", what, stepTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logout opens the user menu (a <details> dropdown) and clicks "Log out"; the app answers with the login page.
func (b *e2eBrowser) logout() {
	b.t.Helper()
	b.do("open the user menu",
		chromedp.Click(chromedp.CSS(`[data-testid="user-menu"] > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="user-menu"] [data-testid="logout-button"]`)),
	)
	b.clickToPage(chromedp.CSS(`[data-testid="user-menu"] [data-testid="logout-button"]`), "/login")
	b.do("see the login form", chromedp.WaitVisible(testid("login-form")))
}

// register fills and submits the registration form on the current page and waits for the page it leads to.
func (b *e2eBrowser) register(name, email, password, wantPath string) {
	b.t.Helper()
	b.do("see the registration form", chromedp.WaitVisible(testid("register-form")))
	b.fill("#register-name", name)
	if email != "" {
		b.fill("#register-email", email)
	}
	b.fill("#register-password", password)
	b.clickToPage(testid("register-submit"), wantPath)
}

var urlInText = regexp.MustCompile(`https?://[^\s<>"']+`)

// emailLink opens the newest email to `to` whose subject contains subject in the dev mailbox (clicking it in the
// list, as a developer would), and returns the link of its text body whose path starts with pathPrefix. The link
// must be absolute on the server's base URL.
func (b *e2eBrowser) emailLink(to, subject, pathPrefix string) string {
	b.t.Helper()
	find := `(() => {
		for (const a of document.querySelectorAll('[data-testid="mailbox-item"]')) {
			const to = a.querySelector(".mail-item__to"), subj = a.querySelector(".mail-item__subject");
			if (to && subj && to.textContent.trim() === ` + jsString(to) + ` && subj.textContent.includes(` + jsString(subject) + `)) return a.getAttribute("href");
		}
		return "";
	})()`
	// The outbox is written in the same transaction as the action that sends the email, but allow for a
	// mailbox that is refreshed a few times before the email shows.
	var href string
	for attempt := 0; ; attempt++ {
		b.open("/dev/mailbox", "mailbox")
		ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](find))
		cancel()
		if err != nil {
			b.fatalf("look for the email to %s: %v", to, err)
		}
		if href = v; href != "" {
			break
		}
		if attempt == 20 {
			b.fatalf("no email to %s with a subject containing %q in the dev mailbox", to, subject)
		}
		time.Sleep(500 * time.Millisecond)
	}
	b.do("open the email to "+to, chromedp.Click(chromedp.CSS(`[data-testid="mailbox-item"][href=`+jsString(href)+`]`)))
	body := b.waitString("the email to "+to+" in the mailbox", `(() => {
		const m = document.querySelector('[data-testid="mailbox-message"]');
		const s = m && m.querySelector(".mail__subject"), txt = m && m.querySelector('[data-testid="mailbox-text"]');
		return s && txt && s.textContent.includes(`+jsString(subject)+`) ? txt.textContent : "";
	})()`)
	var links []string
	for _, l := range urlInText.FindAllString(body, -1) {
		l = strings.TrimRight(l, ".,;:)")
		links = append(links, l)
		if strings.HasPrefix(l, b.base+pathPrefix) {
			return l
		}
	}
	b.fatalf("the email to %s has no link starting with %s (links: %q)\n  text:\n%s", to, b.base+pathPrefix, links, indent(body, "    "))
	return ""
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// moduleRoot is the directory of go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// stepTimer logs how long each phase of a test took.
type stepTimer struct {
	t     *testing.T
	start time.Time
	last  time.Time
	steps []string
}

func newStepTimer(t *testing.T) *stepTimer {
	now := time.Now()
	st := &stepTimer{t: t, start: now, last: now}
	t.Cleanup(func() {
		st.t.Logf("timings: %s; total %s", strings.Join(st.steps, ", "), time.Since(st.start).Round(time.Millisecond))
	})
	return st
}

func (st *stepTimer) done(step string) {
	now := time.Now()
	st.steps = append(st.steps, step+" "+strconv.FormatFloat(now.Sub(st.last).Seconds(), 'f', 1, 64)+"s")
	st.last = now
}

// contextWithStepTimeout is the tab's context with the step timeout, for actions that return a value.
func contextWithStepTimeout(b *e2eBrowser) (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

var (
	emailsMu   sync.Mutex
	emailsUsed = map[string]int{}
)

// uniqueEmail is local@example.com the first time, then local+2@example.com and so on, so that tests can run
// several times (go test -count) against the one server.
func uniqueEmail(local string) string {
	emailsMu.Lock()
	defer emailsMu.Unlock()
	emailsUsed[local]++
	if n := emailsUsed[local]; n > 1 {
		return local + "+" + strconv.Itoa(n) + "@example.com"
	}
	return local + "@example.com"
}
