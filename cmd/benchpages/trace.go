package main

// -trace DIR: a Chromium performance trace (the DevTools Performance panel's categories) of the first run of each
// interaction, written as JSON that DevTools and Perfetto open, and summed up: where the renderer's main thread
// spent the time (script, style, layout, paint) and how many elements each style recalculation and layout touched.
// The V8 CPU profile of -profile shows the engine's own style, layout and paint as "(program)"; the trace names them.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/tracing"
	"github.com/chromedp/chromedp"
)

// traceCategories are the Performance panel's, without its stacks and invalidation tracking, which slow the page
// down several times.
var traceCategories = []string{
	"-*", "devtools.timeline", "disabled-by-default-devtools.timeline", "disabled-by-default-devtools.timeline.frame",
	"blink.user_timing", "loading",
}

type traceEvent struct {
	Name string          `json:"name"`
	Cat  string          `json:"cat"`
	Ph   string          `json:"ph"`
	Ts   float64         `json:"ts"`
	Dur  float64         `json:"dur"`
	TDur float64         `json:"tdur"` // the thread's CPU time
	Pid  int64           `json:"pid"`
	Tid  int64           `json:"tid"`
	Args json.RawMessage `json:"args"`
}

// traced runs f while Chromium records a performance trace and prints the renderer main thread's CPU time in it;
// for the first run (detail) it also writes the trace to traceDir and prints where the time went.
func (b *bench) traced(name string, detail bool, f func() (float64, error)) (float64, error) {
	var mu sync.Mutex
	var raw []json.RawMessage
	done := make(chan struct{})
	lctx, stop := context.WithCancel(b.ctx)
	defer stop()
	if err := chromedp.ListenBrowser(lctx, func(ev any) {
		switch e := ev.(type) {
		case *tracing.EventDataCollected:
			mu.Lock()
			for _, v := range e.Value {
				raw = append(raw, json.RawMessage(v))
			}
			mu.Unlock()
		case *tracing.EventTracingComplete:
			select {
			case <-done:
			default:
				close(done)
			}
		}
	}); err != nil {
		return 0, err
	}
	if _, err := chromedp.CallBrowser(b.ctx, tracing.Start, tracing.StartParams{
		TransferMode: tracing.StartTransferModeReportEvents,
		TraceConfig:  &tracing.TraceConfig{IncludedCategories: traceCategories, RecordMode: tracing.TraceConfigRecordModeRecordAsMuchAsPossible},
	}); err != nil {
		return 0, fmt.Errorf("start tracing: %w", err)
	}
	v, ferr := f()
	if _, err := chromedp.CallBrowser(b.ctx, tracing.End, cdp.Empty{}); err != nil {
		return v, ferr
	}
	<-done
	mu.Lock()
	defer mu.Unlock()
	evs := mainThreadEvents(raw)
	logf("%s: %.0f ms; renderer main thread CPU %s", name, v, cpuLine(evs))
	if !detail {
		return v, ferr
	}
	file := filepath.Join(b.traceDir, strings.NewReplacer(" ", "-", "/", "-", "→", "to").Replace(name)+".trace.json")
	if out, err := json.Marshal(map[string]any{"traceEvents": raw}); err == nil && os.WriteFile(file, out, 0o644) == nil {
		logf("trace of %s: %s (open in Chrome DevTools, Performance, or ui.perfetto.dev)\n%s", name, file, traceSummary(evs))
	}
	return v, ferr
}

// mainThreadEvents are the complete ("X") events of the renderer's main thread, in order.
func mainThreadEvents(raw []json.RawMessage) []traceEvent {
	var evs []traceEvent
	for _, r := range raw {
		var e traceEvent
		if json.Unmarshal(r, &e) == nil {
			evs = append(evs, e)
		}
	}
	type thread struct{ pid, tid int64 }
	mains := map[thread]bool{}
	for _, e := range evs {
		if e.Ph == "M" && e.Name == "thread_name" && strings.Contains(string(e.Args), `"CrRendererMain"`) {
			mains[thread{e.Pid, e.Tid}] = true
		}
	}
	var out []traceEvent
	for _, e := range evs {
		if e.Ph == "X" && mains[thread{e.Pid, e.Tid}] {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Ts < out[j].Ts })
	return out
}

// cpuLine sums the CPU time of the main thread's tasks, and of the rendering steps and script within them: unlike
// the wall-clock figures, it hardly moves with the load of a shared machine.
func cpuLine(evs []traceEvent) string {
	sum := map[string]float64{}
	var scriptEnd float64 // the end of the outermost script call being summed: calls within it are in its time
	for _, e := range evs {
		sum[e.Name] += e.TDur / 1000
		if e.Name == "FunctionCall" && e.Ts >= scriptEnd {
			sum["script"] += e.TDur / 1000
			scriptEnd = e.Ts + e.Dur
		}
	}
	return fmt.Sprintf("%.0f ms in tasks: style %.0f, layout %.0f, pre-paint %.0f, paint %.0f, parse HTML %.0f; script %.0f, of which handling answers %.0f (with the style and layout they forced)",
		sum["RunTask"], sum["UpdateLayoutTree"], sum["Layout"], sum["PrePaint"], sum["Paint"], sum["ParseHTML"], sum["script"], sum["XHRLoad"])
}

// traceSummary sums the renderer main thread's events by name (nested events count in their parents too) and
// lists its events of 2 ms or more in order, with the elements a style recalculation or layout touched.
func traceSummary(evs []traceEvent) string {
	total := map[string]float64{}
	count := map[string]int{}
	var long []traceEvent
	var t0 float64
	if len(evs) > 0 {
		t0 = evs[0].Ts
	}
	for _, e := range evs {
		total[e.Name] += e.Dur / 1000
		count[e.Name]++
		if e.Dur >= 2000 && !strings.HasPrefix(e.Name, "V8.") && (e.Name != "RunTask" || e.Dur >= 10000) {
			long = append(long, e)
		}
	}
	names := make([]string, 0, len(total))
	for n := range total {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return total[names[i]] > total[names[j]] })
	var s strings.Builder
	s.WriteString("    renderer main thread, by event (nested events also count in their parents):\n")
	for i, n := range names {
		if i == 16 || total[n] < 0.5 {
			break
		}
		fmt.Fprintf(&s, "    %7.1f ms  %4d×  %s\n", total[n], count[n], n)
	}
	sort.Slice(long, func(i, j int) bool { return long[i].Ts < long[j].Ts })
	s.WriteString("    events of 2 ms or more (tasks of 10 ms or more), in order (start from the first event, duration):\n")
	for _, e := range long {
		fmt.Fprintf(&s, "    %7.1f +%6.1f ms  %s %s\n", (e.Ts-t0)/1000, e.Dur/1000, e.Name, traceArgs(e))
	}
	return s.String()
}

// traceArgs picks the figures of an event that say how much work it was.
func traceArgs(e traceEvent) string {
	var a struct {
		ElementCount *int `json:"elementCount"`
		BeginData    *struct {
			DirtyObjects  int  `json:"dirtyObjects"`
			TotalObjects  int  `json:"totalObjects"`
			PartialLayout bool `json:"partialLayout"`
		} `json:"beginData"`
		Data *struct {
			URL          string `json:"url"`
			FunctionName string `json:"functionName"`
			Type         string `json:"type"`
		} `json:"data"`
	}
	_ = json.Unmarshal(e.Args, &a)
	var parts []string
	if a.ElementCount != nil {
		parts = append(parts, fmt.Sprintf("elements=%d", *a.ElementCount))
	}
	if a.BeginData != nil {
		parts = append(parts, fmt.Sprintf("dirty=%d total=%d partial=%v", a.BeginData.DirtyObjects, a.BeginData.TotalObjects, a.BeginData.PartialLayout))
	}
	if a.Data != nil {
		if a.Data.Type != "" {
			parts = append(parts, a.Data.Type)
		}
		if a.Data.FunctionName != "" {
			parts = append(parts, a.Data.FunctionName)
		}
		if a.Data.URL != "" {
			u := a.Data.URL
			if i := strings.LastIndex(u, "/"); i >= 0 {
				u = u[i+1:]
			}
			parts = append(parts, u)
		}
	}
	return strings.Join(parts, " ")
}
