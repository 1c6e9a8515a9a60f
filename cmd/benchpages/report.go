package main

// The figures of a run and the Markdown they are printed as (docs/PERFORMANCE.md, "Page speed in the browser").

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// metric is one row of the table: what was measured, in which unit, against which goal.
type metric struct {
	Name    string
	Unit    string  // "ms", "KB", "frames"
	Goal    float64 // the median must stay below it (or at it, with AtMost); 0: no goal
	AtMost  bool
	Note    string // shown after the goal, e.g. "constant in the column size"
	Samples []float64
}

func (m *metric) add(v float64) { m.Samples = append(m.Samples, v) }

// median is the middle sample (the mean of the two middle ones for an even count); NaN without samples.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// worst is the largest sample: every figure here is better smaller.
func worst(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	return slices.Max(xs)
}

// met reports whether the median holds the goal; ok is false for a metric without a goal or without samples.
func (m *metric) met() (met, ok bool) {
	med := median(m.Samples)
	if m.Goal == 0 || math.IsNaN(med) {
		return false, false
	}
	if m.AtMost {
		return med <= m.Goal, true
	}
	return med < m.Goal, true
}

func (m *metric) goalText() string {
	if m.Goal == 0 {
		return m.Note
	}
	op := "<"
	if m.AtMost {
		op = "≤"
	}
	s := op + " " + formatValue(m.Goal, m.Unit)
	if m.Note != "" {
		s += " (" + m.Note + ")"
	}
	return s
}

// formatValue writes a figure with its unit: milliseconds and frames as whole numbers, kilobytes with one decimal
// under 100.
func formatValue(v float64, unit string) string {
	if math.IsNaN(v) {
		return "–"
	}
	switch unit {
	case "ms":
		return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
	case "KB":
		if v < 100 {
			return strconv.FormatFloat(v, 'f', 1, 64) + " KB"
		}
		return groupThousands(int64(math.Round(v))) + " KB"
	case "frames", "":
		return groupThousands(int64(math.Round(v)))
	}
	return groupThousands(int64(math.Round(v))) + " " + unit
}

func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// writeTable writes the metrics as a Markdown table: name, median, worst, goal, met.
func writeTable(w io.Writer, ms []*metric) {
	fmt.Fprintln(w, "| page / interaction | median | worst | goal | met? |")
	fmt.Fprintln(w, "|---|---:|---:|---|---|")
	for _, m := range ms {
		met := "–"
		if ok, has := m.met(); has {
			met = map[bool]string{true: "yes", false: "**no**"}[ok]
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", m.Name, formatValue(median(m.Samples), m.Unit),
			formatValue(worst(m.Samples), m.Unit), m.goalText(), met)
	}
}

// pageFigures are a page's loads: one sample per run of each figure.
type pageFigures struct {
	Name                                      string
	Usable, DCL, Load, Blocked, HTMLKB, Nodes metric
}

func newPageFigures(name string, goal float64, htmlGoalKB float64) *pageFigures {
	return &pageFigures{
		Name:    name,
		Usable:  metric{Name: name + ": usable", Unit: "ms", Goal: goal},
		DCL:     metric{Unit: "ms"},
		Load:    metric{Unit: "ms"},
		Blocked: metric{Unit: "ms"},
		HTMLKB:  metric{Name: name + ": HTML", Unit: "KB", Goal: htmlGoalKB},
		Nodes:   metric{Unit: "nodes"},
	}
}

// writePageDetails writes the medians of each page's load: DOMContentLoaded, load, blocked main thread (the sum of
// long tasks), HTML and DOM elements.
func writePageDetails(w io.Writer, pages []*pageFigures) {
	fmt.Fprintln(w, "| page | DOMContentLoaded | load | usable (worst) | long tasks (blocked) | HTML | DOM elements |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, p := range pages {
		fmt.Fprintf(w, "| %s | %s | %s | %s (%s) | %s | %s | %s |\n", p.Name,
			formatValue(median(p.DCL.Samples), "ms"), formatValue(median(p.Load.Samples), "ms"),
			formatValue(median(p.Usable.Samples), "ms"), formatValue(worst(p.Usable.Samples), "ms"),
			formatValue(median(p.Blocked.Samples), "ms"), formatValue(median(p.HTMLKB.Samples), "KB"),
			formatValue(median(p.Nodes.Samples), ""))
	}
}

// droppedFrames counts the frames missing from a series of requestAnimationFrame timestamps (ms): a gap longer than
// 1.5 frames of 60 Hz lost round(gap/frame) - 1 frames.
func droppedFrames(stamps []float64) int {
	const frame = 1000.0 / 60
	n := 0
	for i := 1; i < len(stamps); i++ {
		if gap := stamps[i] - stamps[i-1]; gap > 1.5*frame {
			n += int(math.Round(gap/frame)) - 1
		}
	}
	return n
}

// longestGap is the longest time between two frames (ms).
func longestGap(stamps []float64) float64 {
	g := 0.0
	for i := 1; i < len(stamps); i++ {
		g = max(g, stamps[i]-stamps[i-1])
	}
	return g
}
