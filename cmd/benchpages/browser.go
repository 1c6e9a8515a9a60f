package main

// The browser side: one headless Chromium signed in as the demo owner, driven through the DevTools protocol. Input
// goes through Input.dispatchMouseEvent/dispatchKeyEvent (real pointer, wheel and key events); figures are read in
// the page from the Performance APIs, requestAnimationFrame and htmx's events.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/trcr/trcr/store/seed"
)

// stepLimit bounds one browser step (a navigation, a wait for an answer).
const stepLimit = 60 * time.Second

// benchJS is run in every document before its own scripts: it records long tasks from the start and offers the
// helpers the measurements use.
const benchJS = `(() => {
  const b = window.__bench = { long: [] };
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) b.long.push([e.startTime, e.duration]); })
      .observe({ type: "longtask", buffered: true });
  } catch (e) {}
  b.frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  b.limit = (p, ms) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error("no answer within " + ms + " ms")), ms))]);
  b.present = (sel) => new Promise((res) => {
    if (document.querySelector(sel)) return res();
    const mo = new MutationObserver(() => { if (document.querySelector(sel)) { mo.disconnect(); res(); } });
    mo.observe(document.documentElement, { childList: true, subtree: true });
  });
  // afterClick: from the pointer going down for the next click (what runs on pointerdown, such as a drag
  // library's set-up, delays the click too) to sel in the DOM and the next animation frame.
  b.afterClick = (sel) => {
    b.result = b.limit(new Promise((res) => {
      document.addEventListener("pointerdown", (e) => {
        const t0 = e.timeStamp;
        b.present(sel).then(b.frame).then(() => res(performance.now() - t0));
      }, { capture: true, once: true });
    }), 20000);
  };
  // afterSwap: from the next htmx request to path being sent to its swap settled and the next animation frame.
  b.afterSwap = (path) => {
    const ours = (e) => { const c = e.detail && e.detail.requestConfig; return !!c && String(c.path || "").includes(path); };
    b.result = b.limit(new Promise((res) => {
      let t0;
      document.addEventListener("htmx:beforeRequest", (e) => { if (ours(e)) t0 = performance.now(); });
      document.addEventListener("htmx:afterSettle", function h(e) {
        if (t0 === undefined || !ours(e)) return;
        document.removeEventListener("htmx:afterSettle", h);
        b.frame().then(() => res(performance.now() - t0));
      });
    }), 20000);
  };
  // record: animation frame timestamps until stopRecording.
  b.record = () => { b.frames = []; b.recording = true; const loop = (t) => { b.frames.push(t); if (b.recording) requestAnimationFrame(loop); }; requestAnimationFrame(loop); };
  b.stopRecording = () => b.frame().then(() => { b.recording = false; return b.frames; });
})();`

// loadJS waits until the page has loaded and its main thread has had no long task for 500 ms, then reads its
// figures. Usable: the load event's end or the end of the last long task, whichever is later.
const loadJS = `(async () => {
  const b = window.__bench;
  if (!b) throw new Error("the benchmark's script did not run in this document");
  const nav = () => performance.getEntriesByType("navigation")[0];
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  while (!nav() || !nav().loadEventEnd) await sleep(50);
  const lastEnd = () => b.long.reduce((m, l) => Math.max(m, l[0] + l[1]), 0);
  while (performance.now() - Math.max(lastEnd(), nav().loadEventEnd) < 500) await sleep(100);
  const n = nav();
  return {
    dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, usable: Math.max(n.loadEventEnd, lastEnd()),
    blocked: b.long.reduce((s, l) => s + l[1], 0), html: n.decodedBodySize,
    nodes: document.getElementsByTagName("*").length,
  };
})()`

type loadFigures struct {
	DCL     float64 `json:"dcl"`
	Load    float64 `json:"load"`
	Usable  float64 `json:"usable"`
	Blocked float64 `json:"blocked"`
	HTML    float64 `json:"html"`
	Nodes   float64 `json:"nodes"`
}

type bench struct {
	ctx        context.Context
	base       string
	profileDir string // where CPU profiles of the first run of each page load and interaction go; "" for none
	traceDir   string // where performance traces of the first run of each interaction go; "" for none
	version    string // Chromium's
}

func newBench(ctx context.Context, chromium, base, profileDir string) (*bench, context.CancelFunc, error) {
	tmp, err := os.MkdirTemp("", "benchpages-chromium-")
	if err != nil {
		return nil, nil, err
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(tmp), chromedp.WindowSize(1440, 900),
	)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	cancel := func() { cancelTab(); cancelAlloc(); os.RemoveAll(tmp) }
	b := &bench{ctx: tabCtx, base: base, profileDir: profileDir}
	if err := chromedp.Do(tabCtx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("start chromium: %w", err)
	}
	v, err := chromedp.CallBrowser(tabCtx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		cancel()
		return nil, nil, err
	}
	b.version = v.Product
	if _, err := chromedp.Call(tabCtx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: benchJS}); err != nil {
		cancel()
		return nil, nil, err
	}
	return b, cancel, nil
}

func (b *bench) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepLimit)
}

func (b *bench) do(what string, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// eval runs JavaScript (awaiting a promise it returns) and decodes its value into out.
func eval[T any](b *bench, what, js string) (T, error) {
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return v, fmt.Errorf("%s: %w", what, err)
	}
	return v, nil
}

// open navigates to path and waits for the page to settle, returning its load figures.
func (b *bench) open(path string) (loadFigures, error) {
	if err := b.do("open "+path, chromedp.Navigate(b.base+path)); err != nil {
		return loadFigures{}, err
	}
	return eval[loadFigures](b, "measure "+path, loadJS)
}

// login signs in as the demo owner through the sign-in form.
func (b *bench) login() error {
	if _, err := b.open("/login"); err != nil {
		return err
	}
	if _, err := eval[bool](b, "fill the sign-in form", `(() => {
		document.querySelector("#login-email").value = `+jsString(seed.DemoOwnerEmail)+`;
		document.querySelector("#login-password").value = `+jsString(seed.DemoPassword)+`;
		return true; })()`); err != nil {
		return err
	}
	if err := b.do("sign in", chromedp.Click(chromedp.CSS(`[data-testid="login-submit"]`))); err != nil {
		return err
	}
	return b.waitFor("the dashboard after signing in", `location.pathname === "/" && document.readyState === "complete" && !!window.__bench`)
}

// waitFor polls a JavaScript condition until it holds; errors (a document being replaced) count as not yet.
func (b *bench) waitFor(what, cond string) error {
	for deadline := time.Now().Add(stepLimit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		cancel()
		if err == nil && ok {
			return nil
		}
	}
	return fmt.Errorf("waiting for %s: timed out after %s", what, stepLimit)
}

// targets are the pages measured, found in the seeded organization.
type targets struct {
	ProjectID, TaskID string
}

func (b *bench) findTargets() (targets, error) {
	var t targets
	if _, err := b.open("/projects?q=" + url.QueryEscape(seed.BoardProjectName)); err != nil {
		return t, err
	}
	href, err := eval[string](b, "find the board project", `(() => {
		for (const a of document.querySelectorAll('[data-testid="project-link"]'))
			if (a.textContent.trim() === `+jsString(seed.BoardProjectName)+`) return a.getAttribute("href");
		throw new Error("no project named `+seed.BoardProjectName+` on /projects");
	})()`)
	if err != nil {
		return t, err
	}
	parts := strings.Split(strings.Trim(href, "/"), "/") // projects/<id>/board
	if len(parts) < 2 {
		return t, fmt.Errorf("unexpected project link %q", href)
	}
	t.ProjectID = parts[1]
	if _, err := b.open("/projects/" + t.ProjectID + "/board"); err != nil {
		return t, err
	}
	t.TaskID, err = eval[string](b, "find a card", `document.querySelector('[data-testid="board-card"]').getAttribute("data-task-id")`)
	return t, err
}

// rect is the centre of the element sel after scrolling it into the middle of the view.
func (b *bench) centre(sel string) (x, y float64, err error) {
	p, err := eval[[]float64](b, "find "+sel, `(() => {
		const e = document.querySelector(`+jsString(sel)+`);
		if (!e) throw new Error("no element `+strings.ReplaceAll(sel, `"`, `'`)+`");
		e.scrollIntoView({ block: "center", inline: "center" });
		const r = e.getBoundingClientRect();
		return [r.left + r.width / 2, r.top + r.height / 2];
	})()`)
	if err != nil {
		return 0, 0, err
	}
	return p[0], p[1], nil
}

// clickMeasure clicks the element sel with the mouse and returns the time from the pointer going down to done in
// the DOM and painted.
func (b *bench) clickMeasure(name, sel, done string, profile bool) (float64, error) {
	x, y, err := b.centre(sel)
	if err != nil {
		return 0, err
	}
	if _, err := eval[bool](b, "arm "+name, `(window.__bench.afterClick(`+jsString(done)+`), true)`); err != nil {
		return 0, err
	}
	return b.profiled(name, profile, func() (float64, error) {
		if err := b.do("click "+sel, chromedp.MouseClickXY(x, y)); err != nil {
			return 0, err
		}
		return eval[float64](b, name, `window.__bench.result`)
	})
}

// profiled runs f under the V8 CPU profiler when asked to, writes the profile to profileDir and prints the
// functions with the most self time.
func (b *bench) profiled(name string, on bool, f func() (float64, error)) (float64, error) {
	if b.traceDir != "" {
		return b.traced(name, on, f)
	}
	if !on || b.profileDir == "" {
		return f()
	}
	if _, err := chromedp.Call(b.ctx, profiler.Enable, cdp.Empty{}); err != nil {
		return 0, err
	}
	_, _ = chromedp.Call(b.ctx, profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 100})
	if _, err := chromedp.Call(b.ctx, profiler.Start, cdp.Empty{}); err != nil {
		return 0, err
	}
	v, ferr := f()
	res, err := chromedp.Call(b.ctx, profiler.Stop, cdp.Empty{})
	if err != nil || res.Profile == nil {
		return v, ferr
	}
	raw, _ := json.Marshal(res.Profile)
	file := filepath.Join(b.profileDir, strings.NewReplacer(" ", "-", "/", "-", "→", "to").Replace(name)+".cpuprofile")
	if os.WriteFile(file, raw, 0o644) == nil {
		logf("CPU profile of %s: %s (open in Chrome DevTools, Performance)\n%s", name, file, topSelf(res.Profile, 12))
	}
	return v, ferr
}

// topSelf lists the functions of a profile with the most self time.
func topSelf(p *profiler.Profile, n int) string {
	self := map[int64]float64{}
	for i, id := range p.Samples {
		if i < len(p.TimeDeltas) {
			self[id] += float64(p.TimeDeltas[i]) / 1000
		}
	}
	byFn, byScript := map[string]float64{}, map[string]float64{}
	for _, node := range p.Nodes {
		cf := node.CallFrame
		name := cf.FunctionName
		if name == "" {
			name = "(anonymous)"
		}
		script, _, _ := strings.Cut(filepath.Base(cf.URL), "?")
		key := fmt.Sprintf("%s %s:%d", name, script, cf.LineNumber+1)
		byFn[key] += self[node.ID]
		if script != "." && script != "" {
			byScript[script] += self[node.ID]
		}
	}
	var scripts []string
	for k, v := range byScript {
		if v >= 1 {
			scripts = append(scripts, fmt.Sprintf("%s %.0f ms", k, v))
		}
	}
	sort.Strings(scripts)
	type kv struct {
		k string
		v float64
	}
	var all []kv
	for k, v := range byFn {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v })
	var s strings.Builder
	fmt.Fprintf(&s, "    self time by script: %s\n", strings.Join(scripts, ", "))
	for i, e := range all {
		if i == n {
			break
		}
		fmt.Fprintf(&s, "    %7.1f ms  %s\n", e.v, e.k)
	}
	return s.String()
}

func (b *bench) mouse(typ input.DispatchMouseEventType, x, y float64, buttons int64, dx, dy float64) error {
	// A map, not input.DispatchMouseEventParams: a wheel event needs deltaX and deltaY even when zero, and the
	// struct leaves zeros out.
	p := map[string]any{"type": typ, "x": x, "y": y, "buttons": buttons}
	if typ == input.DispatchMouseEventTypeMouseWheel {
		p["deltaX"], p["deltaY"] = dx, dy
	}
	if typ == input.DispatchMouseEventTypeMousePressed || typ == input.DispatchMouseEventTypeMouseReleased {
		p["button"], p["clickCount"] = input.MouseButtonLeft, 1
	}
	ctx, cancel := b.step()
	defer cancel()
	_, err := chromedp.Call(ctx, dispatchMouseEvent, p)
	return err
}

var dispatchMouseEvent = cdp.Command[map[string]any, cdp.Empty]{Method: input.CommandDispatchMouseEvent}

func (b *bench) frames() ([]float64, error) {
	return eval[[]float64](b, "frames", `window.__bench.stopRecording()`)
}

// drag presses on the bar sel, moves it 120 px right and back in 16 ms steps, then cancels with Escape (so
// nothing is saved), and returns the longest frame during the drag.
func (b *bench) drag(sel string) (float64, error) {
	x, y, err := b.centre(sel)
	if err != nil {
		return 0, err
	}
	if _, err := eval[bool](b, "record frames", `(window.__bench.record(), true)`); err != nil {
		return 0, err
	}
	if err := b.mouse(chromedp.MouseMoved, x, y, 0, 0, 0); err != nil {
		return 0, err
	}
	if err := b.mouse(chromedp.MousePressed, x, y, 1, 0, 0); err != nil {
		return 0, err
	}
	for i := 1; i <= 60; i++ {
		dx := float64(min(i, 60-i)) * 4
		if err := b.mouse(chromedp.MouseMoved, x+dx, y, 1, 0, 0); err != nil {
			return 0, err
		}
		time.Sleep(16 * time.Millisecond)
	}
	if err := b.do("cancel the drag", chromedp.KeyEvent(kb.Escape)); err != nil {
		return 0, err
	}
	if err := b.mouse(chromedp.MouseReleased, x, y, 0, 0, 0); err != nil {
		return 0, err
	}
	f, err := b.frames()
	return longestGap(f), err
}

// wheel turns the mouse wheel over sel for two seconds (down for one, up for the other) and returns the frames
// dropped meanwhile.
func (b *bench) wheel(sel string) (float64, error) {
	x, y, err := b.centre(sel)
	if err != nil {
		return 0, err
	}
	if err := b.mouse(chromedp.MouseMoved, x, y, 0, 0, 0); err != nil {
		return 0, err
	}
	if _, err := eval[bool](b, "record frames", `(window.__bench.record(), true)`); err != nil {
		return 0, err
	}
	start := time.Now()
	for time.Since(start) < 2*time.Second {
		dy := 100.0
		if time.Since(start) > time.Second {
			dy = -100
		}
		if err := b.mouse(chromedp.MouseWheel, x, y, 0, 0, dy); err != nil {
			return 0, err
		}
		time.Sleep(16 * time.Millisecond)
	}
	f, err := b.frames()
	return float64(droppedFrames(f)), err
}

// moveCard moves the first card of the first column one place down (or the second back up) with Alt+arrow, and
// returns the server's part of the request: the resource timing's request start to response start.
func (b *bench) moveCard(down bool) (float64, error) {
	nth := 1
	if !down {
		nth = 2
	}
	if _, err := eval[bool](b, "focus a card", `(() => {
		const a = document.querySelector('[data-testid="board-cards"] > li:nth-child(`+strconv.Itoa(nth)+`) [data-testid="board-card-link"]');
		performance.clearResourceTimings();
		a.focus();
		return document.activeElement === a;
	})()`); err != nil {
		return 0, err
	}
	key := kb.ArrowDown
	if !down {
		key = kb.ArrowUp
	}
	if err := b.do("move a card", chromedp.KeyEvent(key, chromedp.KeyModifiers(chromedp.ModifierAlt))); err != nil {
		return 0, err
	}
	return eval[float64](b, "the move's timing", `(async () => {
		for (let i = 0; i < 300; i++) {
			const e = performance.getEntriesByType("resource").find((e) => e.name.includes("/move") && e.responseEnd > 0);
			if (e) return e.responseStart - e.requestStart;
			await new Promise((r) => setTimeout(r, 50));
		}
		throw new Error("no move request");
	})()`)
}

// stopTimer stops a running timer of the demo owner, so that the header offers Start again.
func (b *bench) stopTimer() error {
	_, err := eval[bool](b, "stop the timer", `(async () => {
		if (!document.querySelector('[data-testid="timer-running"]')) return true;
		const h = JSON.parse(document.querySelector("[hx-headers]").getAttribute("hx-headers"));
		const r = await fetch("/timer/stop", { method: "POST", headers: { "X-CSRF-Token": h["X-CSRF-Token"], "HX-Request": "true" } });
		if (!r.ok) throw new Error("stop: " + r.status);
		return true;
	})()`)
	return err
}

func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}
