// Command benchpages measures page speed in a real browser (docs/PERFORMANCE.md, "Page speed in the browser"): it
// builds bin/trcr, seeds a private server with `trcr seed --tasks N`, signs in with headless Chromium and measures
// each main page's load and the interactions of issue 15, N runs each, printing the median and the worst against
// the goals as Markdown.
//
//	go run ./cmd/benchpages [-runs 5] [-tasks 20000] [-out FILE] [-data DIR] [-profile DIR]
//	go run ./cmd/benchpages -short     (a smoke run: 300 tasks, one run of everything)
//
// TRCR_DATABASE_URL, when set, is the database used instead of the embedded PostgreSQL of the data directory.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"
)

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[bench-pages] "+format+"\n", args...)
}

type options struct {
	runs, tasks, entries int
	out, data, profile   string
	trace, only          string
	chromium             string
}

func main() {
	var o options
	short := flag.Bool("short", false, "a quick smoke run: 300 tasks and 300 time entries, one run")
	flag.IntVar(&o.runs, "runs", 5, "loads of each page and repeats of each interaction")
	flag.IntVar(&o.tasks, "tasks", 20000, "tasks to seed (trcr seed --tasks)")
	flag.IntVar(&o.entries, "time-entries", 20000, "time entries to seed (trcr seed --time-entries)")
	flag.StringVar(&o.out, "out", "", "also write the results as Markdown to this file")
	flag.StringVar(&o.data, "data", "", "data directory to keep and reuse between runs (seeded once); default: a temporary one")
	flag.StringVar(&o.profile, "profile", "", "write CPU profiles of the first run of each page load and interaction to this directory and print their hottest functions")
	flag.StringVar(&o.trace, "trace", "", "write Chromium performance traces of the first run of each interaction to this directory and print where the renderer spent the time")
	flag.StringVar(&o.only, "only", "", "measure only the interactions and page loads whose names start with one of these (comma-separated: card, search, move, drag, wheel, timer; board, tasks, …)")
	flag.StringVar(&o.chromium, "chromium", "/usr/bin/chromium", "the browser")
	flag.Parse()
	if *short {
		o.runs, o.tasks, o.entries = 1, 300, 300
	}
	if o.runs < 1 || o.tasks < 1 || o.entries < 0 {
		fmt.Fprintln(os.Stderr, "benchpages: -runs and -tasks must be at least 1, -time-entries at least 0")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchpages:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	began := time.Now()
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	dataDir := o.data
	if dataDir == "" {
		if dataDir, err = os.MkdirTemp("", "benchpages-"); err != nil {
			return err
		}
		defer os.RemoveAll(dataDir)
	} else if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return err
	}
	// As root, the embedded PostgreSQL runs as an unprivileged user, who must reach its cluster here.
	if err := os.Chmod(dataDir, 0o755); err != nil {
		return err
	}
	logf("building bin/trcr")
	bin, err := build(root)
	if err != nil {
		return err
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	env := benchEnv(dataDir, addr)
	logf("seeding %d tasks (trcr seed)", o.tasks)
	if err := seedOnce(bin, dataDir, env, o.tasks, o.entries); err != nil {
		return err
	}
	srv, err := startServer(bin, dataDir, addr, env)
	if err != nil {
		return err
	}
	defer srv.stop()
	for _, dir := range []string{o.profile, o.trace} {
		if dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
	}
	b, closeBrowser, err := newBench(ctx, o.chromium, srv.base, o.profile)
	if err != nil {
		return err
	}
	defer closeBrowser()
	b.traceDir = o.trace
	loadBefore := loadAverage()
	if err := b.login(); err != nil {
		return err
	}
	t, err := b.findTargets()
	if err != nil {
		return err
	}
	pages, err := measurePages(b, t, o.runs, o.only)
	if err != nil {
		return err
	}
	acts, err := measureInteractions(b, t, o.runs, o.only)
	if err != nil {
		return err
	}
	var md bytes.Buffer
	writeResults(&md, o, b.version, loadBefore, loadAverage(), time.Since(began), pages, acts)
	os.Stdout.Write(md.Bytes())
	if o.out != "" {
		return os.WriteFile(o.out, md.Bytes(), 0o644)
	}
	return nil
}

// The goals: every page usable within a second (the board within half of one, in under 200 KB of HTML),
// every interaction answered within 100 ms, at most 6 of ~120 frames dropped while scrolling a timeline.
const (
	pageGoalMS        = 1000
	boardGoalMS       = 500
	boardHTMLGoalKB   = 200
	interactionGoalMS = 100
	droppedFramesGoal = 6
)

// wanted reports whether what is to be measured under -only (a comma-separated list of name prefixes; empty: all).
func wanted(only, what string) bool {
	if only == "" {
		return true
	}
	for _, w := range strings.Split(only, ",") {
		if w = strings.TrimSpace(w); w != "" && strings.HasPrefix(what, w) {
			return true
		}
	}
	return false
}

func measurePages(b *bench, t targets, runs int, only string) ([]*pageFigures, error) {
	type pg struct {
		fig  *pageFigures
		path string
	}
	list := []pg{
		{newPageFigures("dashboard", pageGoalMS, 0), "/"},
		{newPageFigures("tasks", pageGoalMS, 0), "/tasks"},
		{newPageFigures("board", boardGoalMS, boardHTMLGoalKB), "/projects/" + t.ProjectID + "/board"},
		{newPageFigures("task panel page", pageGoalMS, 0), "/tasks?task=" + t.TaskID},
		{newPageFigures("time", pageGoalMS, 0), "/time"},
		{newPageFigures("invoices", pageGoalMS, 0), "/invoices"},
		{newPageFigures("reports", pageGoalMS, 0), "/reports"},
		{newPageFigures("organization timeline", pageGoalMS, 0), "/gantt"},
		{newPageFigures("largest project's timeline", pageGoalMS, 0), "/projects/" + t.ProjectID + "/gantt"},
	}
	var chosen []pg
	for _, p := range list {
		if wanted(only, p.fig.Name) {
			chosen = append(chosen, p)
		}
	}
	list = chosen
	if len(list) == 0 {
		return nil, nil
	}
	// Run after run over every page, so that a burst of load on the machine spreads over the pages.
	for r := range runs {
		for _, p := range list {
			var f loadFigures
			_, err := b.profiled(p.fig.Name+" load", r == 0, func() (v float64, err error) {
				f, err = b.open(p.path)
				return f.Usable, err
			})
			if err != nil {
				return nil, err
			}
			p.fig.DCL.add(f.DCL)
			p.fig.Load.add(f.Load)
			p.fig.Usable.add(f.Usable)
			p.fig.Blocked.add(f.Blocked)
			p.fig.HTMLKB.add(f.HTML / 1024)
			p.fig.Nodes.add(f.Nodes)
		}
		logf("pages: run %d of %d done", r+1, runs)
	}
	out := make([]*pageFigures, len(list))
	for i, p := range list {
		out[i] = p.fig
	}
	return out, nil
}

func measureInteractions(b *bench, t targets, runs int, only string) ([]*metric, error) {

	board := "/projects/" + t.ProjectID + "/board"
	card := &metric{Name: "click a card → task panel painted", Unit: "ms", Goal: interactionGoalMS}
	search := &metric{Name: "board search: request sent → results settled", Unit: "ms", Goal: interactionGoalMS}
	move := &metric{Name: "move a card (server: request start → response start)", Unit: "ms", Goal: interactionGoalMS, Note: "and constant in the column size"}
	drag := &metric{Name: "drag a bar, organization timeline: longest frame", Unit: "ms", Goal: interactionGoalMS}
	wheelOrg := &metric{Name: "wheel scrolling 2 s, organization timeline: dropped frames", Unit: "frames", Goal: droppedFramesGoal, AtMost: true}
	wheelProject := &metric{Name: "wheel scrolling 2 s, largest project's timeline: dropped frames", Unit: "frames", Goal: droppedFramesGoal, AtMost: true}
	timerOpen := &metric{Name: "header timer: open", Unit: "ms", Goal: interactionGoalMS}
	timerStart := &metric{Name: "header timer: start", Unit: "ms", Goal: interactionGoalMS}
	for r := range runs {
		first := r == 0
		steps := []struct {
			what string
			f    func() error
		}{
			{"card", func() error {
				return b.sampleOn(card, board, func() (float64, error) {
					return b.clickMeasure("card click", `[data-testid="board-cards"] li:nth-child(3) [data-testid="board-card-link"]`, `#task-panel [data-testid="task-panel"]`, first)
				})
			}},
			{"search", func() error {
				return b.sampleOn(search, board, func() (float64, error) { return b.search(first) })
			}},
			{"move", func() error {
				return b.sampleOn(move, board, func() (float64, error) { return b.moveCard(r%2 == 0) })
			}},
			{"drag", func() error {
				return b.sampleOn(drag, "/gantt", func() (float64, error) { return b.drag(`.gantt-bar[data-draggable] .gantt-bar__track`) })
			}},
			{"wheel org", func() error {
				return b.sampleOn(wheelOrg, "/gantt", func() (float64, error) { return b.wheel(`[data-testid="gantt-scroller"]`) })
			}},
			{"wheel project", func() error {
				return b.sampleOn(wheelProject, "/projects/"+t.ProjectID+"/gantt", func() (float64, error) { return b.wheel(`[data-testid="gantt-scroller"]`) })
			}},
			{"timer", func() error { return b.timer(timerOpen, timerStart, first) }},
		}
		for _, s := range steps {
			if !wanted(only, s.what) {
				continue
			}
			if err := s.f(); err != nil {
				return nil, fmt.Errorf("%s: %w", s.what, err)
			}
		}
		logf("interactions: run %d of %d done", r+1, runs)
	}
	var measured []*metric
	for _, m := range []*metric{card, search, move, timerOpen, timerStart, drag, wheelOrg, wheelProject} {
		if len(m.Samples) > 0 {
			measured = append(measured, m)
		}
	}
	return measured, nil
}

// sample adds a measured value to m.
func sample(m *metric, v float64, err error) error {
	if err != nil {
		return err
	}
	m.add(v)
	return nil
}

// sampleOn opens a page, waits for it to settle, then measures once with f.
func (b *bench) sampleOn(m *metric, path string, f func() (float64, error)) error {
	if _, err := b.open(path); err != nil {
		return err
	}
	v, err := f()
	return sample(m, v, err)
}

// search types into the board's search field; the figure is from the board request being sent to its swap
// settled (the 300 ms debounce after the last key is not counted).
func (b *bench) search(profile bool) (float64, error) {
	x, y, err := b.centre(`#board-q`)
	if err != nil {
		return 0, err
	}
	if err := b.do("focus the search", chromedp.MouseClickXY(x, y)); err != nil {
		return 0, err
	}
	if _, err := eval[bool](b, "arm the search", `(window.__bench.afterSwap("/board"), true)`); err != nil {
		return 0, err
	}
	return b.profiled("board search", profile, func() (float64, error) {
		if err := b.do("type a search", chromedp.KeyEvent("desig")); err != nil {
			return 0, err
		}
		return eval[float64](b, "board search", `window.__bench.result`)
	})
}

// timer opens the header's Start popover and starts a timer, then stops it again.
func (b *bench) timer(open, start *metric, profile bool) error {
	if _, err := b.open("/"); err != nil {
		return err
	}
	if err := b.stopTimer(); err != nil {
		return err
	}
	if _, err := b.open("/"); err != nil {
		return err
	}
	v, err := b.clickMeasure("timer open", `[data-testid="timer-start-button"]`, `[data-testid="timer-form"]`, profile)
	if err := sample(open, v, err); err != nil {
		return err
	}
	if _, err := eval[bool](b, "describe the timer", `(document.querySelector("#timer-description").value = "Benchmark", true)`); err != nil {
		return err
	}
	v, err = b.clickMeasure("timer start", `[data-testid="timer-submit"]`, `[data-testid="timer-running"]`, profile)
	if err := sample(start, v, err); err != nil {
		return err
	}
	return b.stopTimer()
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func writeResults(w io.Writer, o options, chromium, loadBefore, loadAfter string, took time.Duration, pages []*pageFigures, acts []*metric) {
	fmt.Fprintf(w, "Run of %s: %d runs each, `trcr seed --tasks %d --time-entries %d`; %d CPUs (%s), %s; load average %s before, %s after; %s in all.\n\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), o.runs, o.tasks, o.entries, runtime.NumCPU(), cpuModel(), chromium,
		loadBefore, loadAfter, took.Round(time.Second))
	var rows []*metric
	for _, p := range pages {
		rows = append(rows, &p.Usable)
		if p.HTMLKB.Goal > 0 {
			rows = append(rows, &p.HTMLKB)
		}
	}
	writeTable(w, append(rows, acts...))
	if len(pages) == 0 {
		return
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Page loads (medians; usable: the later of the load event's end and the last long task's):")
	fmt.Fprintln(w)
	writePageDetails(w, pages)
}
