package views

import (
	"math"
	"strconv"
	"strings"
)

// This file lays out the report charts (charts.templ draws them): a linear scale with round ticks, and the
// geometry of vertical bar charts (grouped or stacked series per category) and horizontal bar charts (one row
// per item, a bar per series, optionally a reference line such as 100%). Everything is plain SVG user units,
// computed here so the templates only print numbers.

// Scale maps a domain [Min, Max] that starts and ends on round ticks onto a length.
type Scale struct {
	Min, Max, Step float64
}

// NiceScale returns a scale covering lo..hi (and 0) with at most about maxTicks intervals of a round step:
// 1, 2, 2.5 or 5 times a power of ten. An empty domain (all zeros) gets 0..1.
func NiceScale(lo, hi float64, maxTicks int) Scale {
	if maxTicks < 1 {
		maxTicks = 1
	}
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if hi-lo <= 0 || math.IsNaN(hi-lo) || math.IsInf(hi-lo, 0) {
		return Scale{Min: 0, Max: 1, Step: 0.25}
	}
	step := niceStep((hi - lo) / float64(maxTicks))
	s := Scale{Min: math.Floor(lo/step) * step, Max: math.Ceil(hi/step) * step, Step: step}
	// Round away float noise (0.30000000000000004).
	s.Min, s.Max = roundTo(s.Min, step), roundTo(s.Max, step)
	if s.Max == s.Min {
		s.Max = s.Min + step
	}
	return s
}

// niceStep is the smallest round number (1, 2, 2.5, 5 × 10^k) at least raw.
func niceStep(raw float64) float64 {
	exp := math.Floor(math.Log10(raw))
	base := math.Pow(10, exp)
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*base >= raw*(1-1e-9) {
			return m * base
		}
	}
	return 10 * base
}

func roundTo(v, step float64) float64 {
	// Keep a few more decimals than the step has.
	digits := max(0, int(-math.Floor(math.Log10(step)))+3)
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// Ticks lists the values of the scale's ticks, Min to Max.
func (s Scale) Ticks() []float64 {
	if s.Step <= 0 {
		return []float64{s.Min, s.Max}
	}
	n := int(math.Round((s.Max - s.Min) / s.Step))
	out := make([]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		out = append(out, roundTo(s.Min+float64(i)*s.Step, s.Step))
	}
	return out
}

// Pos maps v onto 0..length (Min at 0, Max at length), clamped.
func (s Scale) Pos(v, length float64) float64 {
	if s.Max == s.Min {
		return 0
	}
	p := (v - s.Min) / (s.Max - s.Min) * length
	return math.Max(0, math.Min(length, p))
}

// ChartSeries is one series of a chart: its name (legend) and the CSS modifier of its colour
// (chart__bar--<Tone>).
type ChartSeries struct {
	Name string
	Tone string
}

// BarChart is a vertical bar chart: for each category (an x label), one value per series, grouped side by side
// or stacked.
type BarChart struct {
	ID         string // unique on the page; prefixes the title and description ids
	Title      string // accessible name
	Summary    string // accessible description, e.g. "Total 162.5 h over 23 days"
	Categories []string
	// Labels are the x labels, one per category (defaults to Categories); Tooltips name the category in the bar
	// titles (defaults to Labels).
	Labels   []string
	Tooltips []string
	Series   []ChartSeries
	Values   [][]float64 // [category][series]
	Stacked  bool
	Unit     func(v float64) string // formats values for ticks and tooltips
	XTitle   string                 // names the categories under their labels ("Day")
}

// Geometry of the vertical chart, in SVG user units.
const (
	barChartHeight = 276 // room for the x axis's title
	barPlotTop     = 12
	barPlotBottom  = 222 // the x axis; labels below
	barPlotLeft    = 64  // room for tick labels
	barPlotRight   = 12
	barMinSlot     = 18 // the narrowest category, so the chart scrolls instead of squeezing
	barDefaultW    = 720
	// barMinPlotW is the narrowest the plot of a default-width chart is drawn (the CSS min-width of
	// .chart__plot--bars): labels are thinned for it.
	barMinPlotW = 484
)

// ChartRect is a bar.
type ChartRect struct {
	X, Y, W, H float64
	Tone       string
	Title      string
}

// ChartTick is a gridline with its label.
type ChartTick struct {
	Pos   float64
	Label string
	Zero  bool
}

// ChartLabel is an axis label.
type ChartLabel struct {
	Pos   float64
	Label string
}

// BarChartLayout is a BarChart laid out.
type BarChartLayout struct {
	Width, Height      float64
	PlotLeft, PlotTop  float64
	PlotRight, PlotBot float64
	ZeroY              float64
	Ticks              []ChartTick
	Labels             []ChartLabel
	Bars               []ChartRect
}

// Layout computes the chart's geometry. Categories get equal slots; labels are thinned so they never overlap.
func (c BarChart) Layout() BarChartLayout {
	n := len(c.Categories)
	width := math.Max(barDefaultW, float64(n)*barMinSlot+barPlotLeft+barPlotRight)
	l := BarChartLayout{Width: width, Height: barChartHeight, PlotLeft: barPlotLeft, PlotTop: barPlotTop,
		PlotRight: width - barPlotRight, PlotBot: barPlotBottom}
	lo, hi := 0.0, 0.0
	for _, vals := range c.Values {
		if c.Stacked {
			pos, neg := 0.0, 0.0
			for _, v := range vals {
				if v >= 0 {
					pos += v
				} else {
					neg += v
				}
			}
			hi, lo = math.Max(hi, pos), math.Min(lo, neg)
			continue
		}
		for _, v := range vals {
			hi, lo = math.Max(hi, v), math.Min(lo, v)
		}
	}
	s := NiceScale(lo, hi, 5)
	plotH := l.PlotBot - l.PlotTop
	y := func(v float64) float64 { return l.PlotBot - s.Pos(v, plotH) }
	l.ZeroY = y(0)
	for _, t := range s.Ticks() {
		l.Ticks = append(l.Ticks, ChartTick{Pos: y(t), Label: c.unit(t), Zero: t == 0})
	}
	if n == 0 {
		return l
	}
	slot := (l.PlotRight - l.PlotLeft) / float64(n)
	labels := c.Labels
	if len(labels) != n {
		labels = c.Categories
	}
	tips := c.Tooltips
	if len(tips) != n {
		tips = labels
	}
	// A label is about 7 units a character wide; show every k-th so they keep apart.
	longest := 0
	for _, lb := range labels {
		longest = max(longest, len([]rune(lb)))
	}
	narrowest := slot
	if width == barDefaultW {
		narrowest = slot * barMinPlotW / (l.PlotRight - l.PlotLeft)
	}
	every := max(1, int(math.Ceil(float64(longest*7+8)/narrowest)))
	groups := len(c.Series)
	if c.Stacked {
		groups = 1
	}
	inner := slot * 0.72
	if n == 1 {
		inner = math.Min(inner, 96)
	}
	barW := inner / float64(max(1, groups))
	for i, vals := range c.Values {
		if i >= n {
			break
		}
		x0 := l.PlotLeft + float64(i)*slot + (slot-inner)/2
		if i%every == 0 {
			l.Labels = append(l.Labels, ChartLabel{Pos: l.PlotLeft + (float64(i)+0.5)*slot, Label: labels[i]})
		}
		pos, neg := 0.0, 0.0
		for j, v := range vals {
			if j >= len(c.Series) {
				break
			}
			title := tips[i] + " · " + c.Series[j].Name + ": " + c.unit(v)
			var top, bottom float64
			x := x0 + float64(j)*barW
			switch {
			case c.Stacked && v >= 0:
				top, bottom = y(pos+v), y(pos)
				pos += v
				x = x0
			case c.Stacked:
				top, bottom = y(neg), y(neg+v)
				neg += v
				x = x0
			case v >= 0:
				top, bottom = y(v), y(0)
			default:
				top, bottom = y(0), y(v)
			}
			w := barW
			if groups > 1 {
				w = math.Max(1, barW-2) // a hairline between grouped bars
			}
			l.Bars = append(l.Bars, ChartRect{X: x, Y: top, W: w, H: math.Max(0, bottom-top), Tone: c.Series[j].Tone, Title: title})
		}
	}
	return l
}

func (c BarChart) unit(v float64) string {
	if c.Unit != nil {
		return c.Unit(v)
	}
	return FormatNumber(v, 2)
}

// HBarItem is one row of a horizontal bar chart.
type HBarItem struct {
	Label  string
	Values []float64 // one per series
	// Tones, when set, override the series' tones bar by bar (e.g. a loss in the danger colour).
	Tones []string
	// Note is printed at the end of the row (e.g. "92.5%").
	Note string
}

// HBarChart is a horizontal bar chart: one row per item, a bar per series, and optionally a reference line.
type HBarChart struct {
	ID      string
	Title   string
	Summary string
	Series  []ChartSeries
	Items   []HBarItem
	Unit    func(v float64) string
	// RefValue draws a dashed line at this value with RefLabel (e.g. 100 and "100%"), when RefLabel is set.
	RefValue float64
	RefLabel string
	// MinMax makes the axis reach at least this value (e.g. 100 for percentages).
	MinMax float64
}

// Geometry of the horizontal chart.
const (
	hbarWidth      = 720
	hbarLabelW     = 180 // item labels, right-aligned at the plot's left
	hbarNoteW      = 64
	hbarTop        = 28 // room for the reference label, when there is one
	hbarAxisH      = 28
	hbarBarH       = 14
	hbarRowPadding = 7
)

// HBarChartLayout is an HBarChart laid out.
type HBarChartLayout struct {
	Width, Height      float64
	PlotLeft, PlotTop  float64
	PlotRight, PlotBot float64
	ZeroX              float64
	Ticks              []ChartTick
	Rows               []HBarRow
	Ref                *ChartTick
}

// HBarRow is a laid-out row.
type HBarRow struct {
	LabelY float64
	Label  string
	Note   string
	Bars   []ChartRect
}

// Layout computes the chart's geometry.
func (c HBarChart) Layout() HBarChartLayout {
	groups := max(1, len(c.Series))
	rowH := float64(groups*hbarBarH + hbarRowPadding*2)
	top := float64(hbarTop)
	if c.RefLabel == "" {
		top = 8
	}
	l := HBarChartLayout{Width: hbarWidth, PlotLeft: hbarLabelW, PlotTop: top, PlotRight: hbarWidth - hbarNoteW}
	l.PlotBot = l.PlotTop + rowH*float64(len(c.Items))
	l.Height = l.PlotBot + hbarAxisH
	lo, hi := 0.0, c.MinMax
	for _, it := range c.Items {
		for _, v := range it.Values {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if c.RefLabel != "" {
		hi = math.Max(hi, c.RefValue)
	}
	s := NiceScale(lo, hi, 5)
	plotW := l.PlotRight - l.PlotLeft
	x := func(v float64) float64 { return l.PlotLeft + s.Pos(v, plotW) }
	l.ZeroX = x(0)
	for _, t := range s.Ticks() {
		l.Ticks = append(l.Ticks, ChartTick{Pos: x(t), Label: c.unit(t), Zero: t == 0})
	}
	if c.RefLabel != "" {
		l.Ref = &ChartTick{Pos: x(c.RefValue), Label: c.RefLabel}
	}
	for i, it := range c.Items {
		top := l.PlotTop + float64(i)*rowH + hbarRowPadding
		row := HBarRow{LabelY: top + float64(groups*hbarBarH)/2, Label: it.Label, Note: it.Note}
		for j, v := range it.Values {
			if j >= len(c.Series) {
				break
			}
			x0, x1 := x(0), x(v)
			if x1 < x0 {
				x0, x1 = x1, x0
			}
			tone := c.Series[j].Tone
			if j < len(it.Tones) && it.Tones[j] != "" {
				tone = it.Tones[j]
			}
			row.Bars = append(row.Bars, ChartRect{X: x0, Y: top + float64(j*hbarBarH), W: x1 - x0, H: hbarBarH - 2,
				Tone: tone, Title: it.Label + " · " + c.Series[j].Name + ": " + c.unit(v)})
		}
		l.Rows = append(l.Rows, row)
	}
	return l
}

func (c HBarChart) unit(v float64) string {
	if c.Unit != nil {
		return c.Unit(v)
	}
	return FormatNumber(v, 2)
}

// pctX places x (in the layout's units) as a percentage of the plot's width, for a chart drawn without a viewBox.
func (l BarChartLayout) pctX(x float64) string {
	return svgPct((x - l.PlotLeft) / (l.PlotRight - l.PlotLeft))
}

// pctW is a width as a percentage of the plot's width.
func (l BarChartLayout) pctW(w float64) string { return svgPct(w / (l.PlotRight - l.PlotLeft)) }

func (l HBarChartLayout) pctX(x float64) string {
	return svgPct((x - l.PlotLeft) / (l.PlotRight - l.PlotLeft))
}

func (l HBarChartLayout) pctW(w float64) string { return svgPct(w / (l.PlotRight - l.PlotLeft)) }

// svgPct prints a fraction as a percentage with at most three decimals.
func svgPct(f float64) string {
	return strconv.FormatFloat(math.Round(f*100000)/1000, 'f', -1, 64) + "%"
}

// svgNum prints an SVG coordinate with at most one decimal.
func svgNum(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// FormatNumber formats v with thousands separators and at most decimals decimals, trailing zeros dropped
// (1234.5 → "1,234.5").
func FormatNumber(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// truncateLabel shortens a label to n runes with an ellipsis.
func truncateLabel(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
