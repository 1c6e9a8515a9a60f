package main

// An on-demand measurement of the organization timeline in Chromium (issue 15), against a running, seeded server:
//
//	trcr seed --tasks 20000 && trcr serve &
//	TRCR_TIMELINE_BENCH=http://127.0.0.1:8080 go test -count=1 -run TestTimelineBench -v ./cmd/trcr/
//
// It signs in as the demo user (TRCR_TIMELINE_BENCH_EMAIL / _PASSWORD to change it) and reports, over 5 loads of
// /gantt: the time to the load event and to the first frame after it, the HTML's size and the DOM's nodes; the time
// from a pointer move of a dragged bar to the next painted frame; and the frames dropped while the chart scrolls
// for 2 s. It never runs in make test (no TRCR_TIMELINE_BENCH).

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestTimelineBench(t *testing.T) {
	base := os.Getenv("TRCR_TIMELINE_BENCH")
	if base == "" {
		t.Skip("set TRCR_TIMELINE_BENCH to a seeded server's URL")
	}
	email, password := os.Getenv("TRCR_TIMELINE_BENCH_EMAIL"), os.Getenv("TRCR_TIMELINE_BENCH_PASSWORD")
	if email == "" {
		email, password = "demo@trcr.local", "trcr-demo-2026"
	}
	path := os.Getenv("TRCR_TIMELINE_BENCH_PATH")
	if path == "" {
		path = "/gantt"
	}
	b := newE2EBrowser(t, base)
	b.do("a 1440×900 window", chromedp.EmulateViewport(1440, 900))
	b.open("/login", "login-form")
	b.fill("#login-email", email)
	b.fill("#login-password", password)
	b.clickToPage(testid("login-submit"), "/")

	var loads, usable []float64
	for i := range 5 {
		b.do("load the timeline", chromedp.Navigate(b.url(path)))
		raw := await(t, b, `new Promise(done => requestAnimationFrame(() => setTimeout(() => {
			const n = performance.getEntriesByType("navigation")[0];
			done(JSON.stringify({load: n.loadEventEnd, usable: performance.now(), html: n.decodedBodySize,
				nodes: document.getElementsByTagName("*").length, bars: document.querySelectorAll(".gantt-bar").length}));
		}, 0)))`)
		var f struct {
			Load, Usable      float64
			HTML, Nodes, Bars int
		}
		if err := json.Unmarshal([]byte(raw), &f); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if i == 0 {
			t.Logf("%s: %d bytes of HTML, %d elements, %d bars", path, f.HTML, f.Nodes, f.Bars)
		}
		loads, usable = append(loads, f.Load), append(usable, f.Usable)
	}
	t.Logf("load event: %s; first frame after it: %s", spread(loads), spread(usable))

	// Drag: pointer moves of a day each on a bar in view, each timed to the end of the next frame; then cancelled.
	raw := await(t, b, `(async () => {
		const scroller = document.querySelector("[data-gantt-scroller]");
		const bars = [...document.querySelectorAll(".gantt-bar[data-draggable]")];
		const bar = bars.find(g => +g.querySelector(".gantt-bar__track").getAttribute("width") > 40) || bars[0];
		if (bar) {
			const t = bar.querySelector(".gantt-bar__track");
			scroller.scrollLeft = +t.getAttribute("x") - 300;
			scroller.scrollTop = +t.getAttribute("y") - 200;
			await new Promise(ok => requestAnimationFrame(() => setTimeout(ok, 50)));
		}
		if (!bar) return JSON.stringify({moves: []});
		const r = bar.querySelector(".gantt-bar__track").getBoundingClientRect(), y = r.top + r.height / 2;
		const dayW = +document.querySelector("svg.gantt__chart").getAttribute("data-day-width");
		const frame = () => new Promise(ok => requestAnimationFrame(() => setTimeout(ok, 0)));
		const at = (type, x) => bar.querySelector(".gantt-bar__track").dispatchEvent(new PointerEvent(type,
			{bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0, pointerId: 1, pointerType: "mouse", isPrimary: true}));
		let x = r.left + r.width / 2;
		const moves = [];
		const t0 = performance.now();
		at("pointerdown", x);
		await frame();
		const down = performance.now() - t0;
		for (let i = 0; i < 20; i++) {
			x += dayW;
			const t = performance.now();
			at("pointermove", x);
			await frame();
			moves.push(performance.now() - t);
		}
		at("pointercancel", x);
		await frame();
		return JSON.stringify({down, moves});
	})()`)
	var drag struct {
		Down  float64
		Moves []float64
	}
	if err := json.Unmarshal([]byte(raw), &drag); err != nil || len(drag.Moves) == 0 {
		t.Fatalf("drag: %s %v", raw, err)
	}
	t.Logf("drag: press %.1f ms; a move to the next frame %s", drag.Down, spread(drag.Moves))

	// Scrolling: 2 s of scrolling the chart by 6 px a frame, sideways and down, counting the frames missed.
	raw = await(t, b, `new Promise(done => {
		const s = document.querySelector("[data-gantt-scroller]");
		s.scrollLeft = 0; s.scrollTop = 0;
		const stamps = [];
		const start = performance.now();
		const step = now => {
			stamps.push(now);
			s.scrollLeft += 6; s.scrollTop += 3;
			if (now - start < 2000) requestAnimationFrame(step);
			else {
				let dropped = 0;
				for (let i = 1; i < stamps.length; i++) dropped += Math.max(0, Math.round((stamps[i] - stamps[i - 1]) / (1000 / 60)) - 1);
				done(JSON.stringify({frames: stamps.length, dropped}));
			}
		};
		requestAnimationFrame(step);
	})`)
	t.Logf("scrolling for 2 s: %s (frames painted, frames dropped at 60 Hz)", raw)
	time.Sleep(100 * time.Millisecond)
}

// await evaluates a JavaScript promise of a string in the page.
func await(t *testing.T, b *e2eBrowser, expr string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%v", err)
	}
	return v
}

// spread writes the median and the worst of some durations in milliseconds.
func spread(ms []float64) string {
	s := slices.Clone(ms)
	slices.Sort(s)
	return jsonMS(s[len(s)/2]) + " median, " + jsonMS(s[len(s)-1]) + " worst"
}

func jsonMS(f float64) string {
	return time.Duration(f * float64(time.Millisecond)).Round(100 * time.Microsecond).String()
}
