package views

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file holds the Gantt chart's view models and the layout that turns dates into positions. The whole chart
// is computed here, in Go, so the browser receives one SVG with every bar already placed: static/js/gantt.js only
// moves the bar being dragged.

// Zoom levels of the Gantt chart (URL parameter zoom).
const (
	GanttZoomDay   = "day"
	GanttZoomWeek  = "week"
	GanttZoomMonth = "month"
)

// Geometry of the chart, in CSS pixels. gantt.js reads what it needs from data attributes; the CSS in the
// "gantt" section of app.css sizes the label rows to the same heights.
const (
	ganttRowH     = 36 // a task row
	ganttGroupH   = 30 // a task group's section header
	ganttProjectH = 40 // a project's section header (across projects)
	ganttBarH     = 20
	ganttScaleH   = 50 // the two rows of the date scale
	ganttLaneH    = 26 // the milestone lane under the scale
	// ganttMaxDays bounds the chart's width when dates lie far apart.
	ganttMaxDays = 4000
)

// ganttWindows bounds the days a chart draws at each zoom: all the days its rows span up to maxDays, else a window
// of before+after days around today, which gantt.js widens as the user scrolls toward either end.
var ganttWindows = map[string]struct{ maxDays, before, after int }{
	GanttZoomDay:   {371, 91, 273},
	GanttZoomWeek:  {1095, 273, 819},
	GanttZoomMonth: {ganttMaxDays, 730, 1825},
}

// ganttISO is the layout of the dates gantt.js reads and sends.
const ganttISO = "2006-01-02"

// ganttDayWidth is the width of a day at each zoom level.
var ganttDayWidth = map[string]int{GanttZoomDay: 32, GanttZoomWeek: 12, GanttZoomMonth: 4}

// GanttZoom normalizes the zoom URL parameter; anything unknown is the week view.
func GanttZoom(z string) string {
	if _, ok := ganttDayWidth[z]; ok {
		return z
	}
	return GanttZoomWeek
}

// GanttInput is the data of a chart, as the handler translates it from the store.
type GanttInput struct {
	// ProjectID is set for one project's chart, empty across projects.
	ProjectID   string
	ProjectName string
	Zoom        string
	Today       time.Time
	Projects    []GanttProjectInput
	Groups      []GanttGroupInput
	Tasks       []GanttTaskInput
	Milestones  []GanttMilestoneInput
	// Links are dependencies: From blocks To.
	Links []GanttLinkInput
	// RowStart is the first scheduled task the chart draws, in display order (URL parameter rows); it draws
	// GanttRowWindow of them from there.
	RowStart int
	// From and To ask for a date window (URL parameters from and to, as gantt.js widens it while scrolling); At
	// centres the default window on a day instead of today (a zoom change keeps the day in view). Zero values:
	// the default window around today. Either way the window stays within the days the rows span (ganttRange).
	From, To, At time.Time
	// Totals, when set, says that Tasks are already the window of rows from RowStart (and the first unscheduled
	// tasks), read so by the store, with the counts of everything left out.
	Totals *GanttTotals
	// sectionTasks counts the scheduled tasks of each group and project, in the window or not (ganttWindow).
	sectionTasks map[string]int
}

// GanttTotals are the counts of a timeline whose rows were windowed before the view: every scheduled task, those
// of each group and project by id, and the tasks without dates.
type GanttTotals struct {
	Scheduled    int
	SectionTasks map[string]int
	Unscheduled  int
}

// GanttRowWindow is how many task rows a chart draws at once. A timeline of 20,000 tasks drew them all (14.8 MB of
// HTML, 7.6 s to usable; issue 15); it now draws a window of rows and the days they span, with links to the
// rows before and after, while the totals count every task.
const GanttRowWindow = 200

// GanttProjectInput is a project in view.
type GanttProjectInput struct {
	ID, Name, Color string
	CanManage       bool
}

// GanttGroupInput is a task group, in display order.
type GanttGroupInput struct {
	ID, ProjectID, Name string
}

// GanttTaskInput is a task, ordered within its group. Start and Due may be nil.
type GanttTaskInput struct {
	ID, ProjectID, GroupID, Title, Status, AssigneeName string
	Start, Due                                          *time.Time
	Progress                                            int
	Completed                                           bool
}

// GanttMilestoneInput is a milestone of a project in view.
type GanttMilestoneInput struct {
	ID, ProjectID, Title, Color string
	Description                 string
	Date                        time.Time
}

// GanttLinkInput is a dependency edge: the task From blocks the task To.
type GanttLinkInput struct {
	From, To string
}

// GanttView is the laid-out chart.
type GanttView struct {
	ProjectID   string
	ProjectName string
	Zoom        string
	// Origin is the day at x = 0; DayW the width of a day. The chart draws the date window from Origin, Width
	// wide; RangeFrom and RangeTo are the days the rows span, up to which gantt.js widens the window.
	Origin             time.Time
	RangeFrom, RangeTo time.Time
	DayW               int
	Width              int
	Height             int
	ScaleH             int // the date scale plus the milestone lane, if any
	HasLane            bool
	Today              time.Time
	TodayX             int
	HasToday           bool
	Months             []GanttTick // the scale's upper row
	Ticks              []GanttTick // the scale's lower row
	Lines              []int       // x of the major grid lines
	// Weekends shades Saturdays and Sundays (day and week zoom; Origin is then a Monday).
	Weekends    bool
	Rows        []GanttRow
	Bars        []GanttBar
	Milestones  []GanttMilestone
	Links       []GanttLink
	Unscheduled []GanttUnscheduled
	// UnscheduledTotal counts the tasks without dates, listed or not.
	UnscheduledTotal int
	Scheduled        int // scheduled tasks, in the window or not
	// RowStart is the index of the first task drawn among the Scheduled; Bars are those drawn.
	RowStart  int
	CanManage bool // the actor may move at least one bar
	// MilestoneList is every milestone of the project on a project's chart, in or out of the window, and
	// ManageMilestones whether the actor may add, edit, move and delete them (manage_tasks on the project).
	MilestoneList    []GanttMilestoneItem
	ManageMilestones bool
}

// Empty reports a chart with nothing to draw.
func (v GanttView) Empty() bool { return len(v.Bars) == 0 && len(v.Milestones) == 0 }

// GanttTick is one cell of the date scale.
type GanttTick struct {
	X, W   int
	Label  string
	Muted  bool // a weekend day
	Today  bool
	Strong bool // starts a week (day zoom) or a month
}

// Row kinds.
const (
	GanttRowProject = "project"
	GanttRowGroup   = "group"
	GanttRowTask    = "task"
)

// GanttRow is one row of the chart and of the label column beside it.
type GanttRow struct {
	Kind   string
	Y, H   int
	Label  string
	Color  string // project rows
	Href   string // project rows: the project's chart
	TaskID string // task rows
	Count  int    // section rows: tasks in the section
	Meta   string // task rows: the dates, for the label column
	Done   bool
	Late   bool
}

// GanttBar is a task's bar.
type GanttBar struct {
	ID, Title string
	X, Y, W   int
	ProgressW int
	Progress  int
	// Start and Due are the task's own dates (YYYY-MM-DD), empty when missing: a task with one date is drawn as
	// a one-day bar and gantt.js then changes only the dates it has.
	Start, Due string
	Color      string
	Draggable  bool
	Done       bool
	Late       bool
	Partial    bool
	Label      string // beside the bar
	LabelX     int    // where the label starts: after the bar, or at the window's left edge
	Aria       string
}

// GanttMilestone is a milestone's vertical marker: a flag in the lane under the scale and a dashed line across
// its project's rows (every row on a project's own chart).
type GanttMilestone struct {
	ID, Title, Color, Date string
	X, Y1, Y2              int
	// ShowLabel is false when there is no room for a title before the next flag; Label is the title, shortened
	// with an ellipsis to end before the next flag. The flag's tooltip names it in full.
	ShowLabel bool
	Label     string
	// Draggable: the actor may move the milestone (gantt.js drags its flag along the lane).
	Draggable bool
}

// GanttLink is a dependency arrow from the blocker's end to the blocked task's start.
type GanttLink struct {
	From, To string
	D        string
	// Conflict marks a blocked task that starts before its blocker is due.
	Conflict bool
}

// GanttUnscheduled is a task without dates, listed beside the chart.
type GanttUnscheduled struct {
	ID, Title, Project, Color, Group string
	Done                             bool
}

// ganttDays counts the days from one midnight to another (negative when to is earlier).
func ganttDays(from, to time.Time) int { return int(math.Round(to.Sub(from).Hours() / 24)) }

func ganttDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func ganttMonday(t time.Time) time.Time { return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)) }

func ganttMonthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

var ganttHexColor = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// ganttColor keeps a stored color only if it is a hex color, so an attribute can never carry anything else.
func ganttColor(c string) string {
	if ganttHexColor.MatchString(c) {
		return c
	}
	return "#6366f1"
}

// ganttDates are the days a task's bar spans; ok is false for a task without dates.
func ganttDates(t GanttTaskInput) (start, due time.Time, ok bool) {
	switch {
	case t.Start != nil && t.Due != nil:
		return ganttDay(*t.Start), ganttDay(*t.Due), true
	case t.Start != nil:
		return ganttDay(*t.Start), ganttDay(*t.Start), true
	case t.Due != nil:
		return ganttDay(*t.Due), ganttDay(*t.Due), true
	}
	return time.Time{}, time.Time{}, false
}

// ganttRange is the span of days the chart shows: the data and today, padded, aligned to the zoom's unit.
func ganttRange(in GanttInput, zoom string) (lo, hi time.Time) {
	today := ganttDay(in.Today)
	lo, hi = today, today
	extend := func(a, b time.Time) {
		if a.Before(lo) {
			lo = a
		}
		if b.After(hi) {
			hi = b
		}
	}
	for _, t := range in.Tasks {
		if s, d, ok := ganttDates(t); ok {
			extend(s, d)
		}
	}
	for _, m := range in.Milestones {
		extend(ganttDay(m.Date), ganttDay(m.Date))
	}
	switch zoom {
	case GanttZoomDay:
		lo, hi = ganttMonday(lo.AddDate(0, 0, -7)), hi.AddDate(0, 0, 14)
		if min := lo.AddDate(0, 0, 55); hi.Before(min) {
			hi = min
		}
	case GanttZoomWeek:
		lo, hi = ganttMonday(lo.AddDate(0, 0, -14)), hi.AddDate(0, 0, 28)
		if min := lo.AddDate(0, 0, 181); hi.Before(min) {
			hi = min
		}
	default:
		lo, hi = ganttMonthStart(lo).AddDate(0, -1, 0), ganttMonthStart(hi).AddDate(0, 2, -1)
		if min := lo.AddDate(1, 0, -1); hi.Before(min) {
			hi = ganttMonthStart(min).AddDate(0, 1, -1)
		}
	}
	if zoom != GanttZoomMonth {
		hi = ganttMonday(hi).AddDate(0, 0, 6) // end on a Sunday
	}
	if ganttDays(lo, hi) >= ganttMaxDays {
		hi = lo.AddDate(0, 0, ganttMaxDays-1)
	}
	return lo, hi
}

// ganttDateWindow narrows the chart's days lo..hi (ganttRange) to a window when they are more than ganttWindows
// allows (a task due years away made the day zoom thousands of days wide): the window asked for with in.From/in.To,
// or by default the days around in.At or today. It is aligned like the range; the bars are drawn wherever they fall
// and the chart clips them.
func ganttDateWindow(in GanttInput, zoom string, lo, hi time.Time) (wlo, whi time.Time) {
	w := ganttWindows[zoom]
	switch {
	case !in.From.IsZero() && !in.To.IsZero() && !in.To.Before(in.From):
		wlo, whi = ganttDay(in.From), ganttDay(in.To)
	case ganttDays(lo, hi) < w.maxDays:
		return lo, hi
	default:
		at := ganttDay(in.Today)
		if !in.At.IsZero() {
			at = ganttDay(in.At)
		}
		if at.Before(lo) {
			at = lo
		} else if at.After(hi) {
			at = hi
		}
		wlo, whi = at.AddDate(0, 0, -w.before), at.AddDate(0, 0, w.after)
	}
	if zoom == GanttZoomMonth {
		wlo, whi = ganttMonthStart(wlo), ganttMonthStart(whi).AddDate(0, 1, -1)
	} else {
		wlo, whi = ganttMonday(wlo), ganttMonday(whi).AddDate(0, 0, 6)
	}
	if wlo.Before(lo) || !wlo.Before(hi) {
		wlo = lo
	}
	if whi.After(hi) || !whi.After(wlo) {
		whi = hi
	}
	if ganttDays(wlo, whi) >= ganttMaxDays {
		whi = wlo.AddDate(0, 0, ganttMaxDays-1)
	}
	return wlo, whi
}

// ganttWindow keeps, of the scheduled tasks of in in display order (project, group, then the group's order), the
// GanttRowWindow from in.RowStart (moved back into range), and every unscheduled task; it counts each section's
// scheduled tasks before leaving any out, and returns the number of scheduled tasks.
func ganttWindow(in GanttInput) (GanttInput, int) {
	if in.Totals != nil {
		in.sectionTasks = in.Totals.SectionTasks
		return in, in.Totals.Scheduled
	}
	byGroup := map[string][]GanttTaskInput{}
	var unscheduled []GanttTaskInput
	for _, t := range in.Tasks {
		if _, _, ok := ganttDates(t); ok {
			byGroup[t.GroupID] = append(byGroup[t.GroupID], t)
		} else {
			unscheduled = append(unscheduled, t)
		}
	}
	in.sectionTasks = map[string]int{}
	var ordered []GanttTaskInput
	for _, p := range in.Projects {
		for _, g := range in.Groups {
			if g.ProjectID == p.ID {
				ordered = append(ordered, byGroup[g.ID]...)
				in.sectionTasks[g.ID] = len(byGroup[g.ID])
				in.sectionTasks[p.ID] += len(byGroup[g.ID])
			}
		}
	}
	total := len(ordered)
	in.RowStart = max(min(in.RowStart, (total-1)/GanttRowWindow*GanttRowWindow), 0)
	in.Tasks = append(ordered[in.RowStart:min(in.RowStart+GanttRowWindow, total)], unscheduled...)
	return in, total
}

// BuildGantt lays the chart out: the window of rows of in.RowStart (ganttWindow), over the days they span.
func BuildGantt(in GanttInput) GanttView {
	in, scheduled := ganttWindow(in)
	zoom := GanttZoom(in.Zoom)
	v := GanttView{ProjectID: in.ProjectID, ProjectName: in.ProjectName, Zoom: zoom, DayW: ganttDayWidth[zoom],
		RowStart: in.RowStart}
	v.RangeFrom, v.RangeTo = ganttRange(in, zoom)
	lo, hi := ganttDateWindow(in, zoom, v.RangeFrom, v.RangeTo)
	days := ganttDays(lo, hi) + 1
	v.Origin, v.Width, v.Weekends = lo, days*v.DayW, zoom != GanttZoomMonth
	xOf := func(t time.Time) int { return ganttDays(lo, t) * v.DayW }
	today := ganttDay(in.Today)
	v.Today = today
	if !today.Before(lo) && !today.After(hi) {
		v.HasToday, v.TodayX = true, xOf(today)+v.DayW/2
	}
	v.scale(lo, hi, today)

	projects := map[string]GanttProjectInput{}
	for _, p := range in.Projects {
		projects[p.ID] = p
	}
	groupName := map[string]string{}
	for _, g := range in.Groups {
		groupName[g.ID] = g.Name
	}
	byGroup := map[string][]GanttTaskInput{}
	for _, t := range in.Tasks {
		if _, _, ok := ganttDates(t); !ok {
			p := projects[t.ProjectID]
			v.Unscheduled = append(v.Unscheduled, GanttUnscheduled{ID: t.ID, Title: t.Title, Project: p.Name,
				Color: ganttColor(p.Color), Group: groupName[t.GroupID], Done: t.Completed})
			continue
		}
		byGroup[t.GroupID] = append(byGroup[t.GroupID], t)
	}

	bars := map[string]*GanttBar{}
	sections := map[string][2]int{} // a project's rows, from its header to its last task
	y := 0
	for _, p := range in.Projects {
		count := 0
		for _, g := range in.Groups {
			if g.ProjectID == p.ID {
				count += len(byGroup[g.ID])
			}
		}
		if count == 0 {
			continue
		}
		color := ganttColor(p.Color)
		top := y
		if in.ProjectID == "" {
			v.Rows = append(v.Rows, GanttRow{Kind: GanttRowProject, Y: y, H: ganttProjectH, Label: p.Name, Color: color,
				Href: "/projects/" + p.ID + "/gantt", Count: in.sectionTasks[p.ID]})
			y += ganttProjectH
		}
		for _, g := range in.Groups {
			tasks := byGroup[g.ID]
			if g.ProjectID != p.ID || len(tasks) == 0 {
				continue
			}
			v.Rows = append(v.Rows, GanttRow{Kind: GanttRowGroup, Y: y, H: ganttGroupH, Label: g.Name, Count: in.sectionTasks[g.ID]})
			y += ganttGroupH
			for _, t := range tasks {
				start, due, _ := ganttDates(t)
				b := GanttBar{ID: t.ID, Title: t.Title, X: xOf(start), Y: y + (ganttRowH-ganttBarH)/2,
					W: (ganttDays(start, due) + 1) * v.DayW, Progress: clampPercent(t.Progress), Color: color,
					Draggable: p.CanManage, Done: t.Completed, Late: !t.Completed && due.Before(today),
					Partial: t.Start == nil || t.Due == nil, Label: t.Title}
				if t.Start != nil {
					b.Start = ganttDay(*t.Start).Format(ganttISO)
				}
				if t.Due != nil {
					b.Due = ganttDay(*t.Due).Format(ganttISO)
				}
				b.ProgressW = b.W * b.Progress / 100
				// A bar that ends before the window names itself at the window's left edge (gantt.js keeps it at
				// the left edge of the part in view while scrolling).
				b.LabelX = max(b.X+b.W+8, 8)
				if t.AssigneeName != "" {
					b.Label += " · " + firstName(t.AssigneeName)
				}
				b.Aria = ganttAria(t, start, due, b.Late)
				v.Bars = append(v.Bars, b)
				v.CanManage = v.CanManage || p.CanManage
				v.Rows = append(v.Rows, GanttRow{Kind: GanttRowTask, Y: y, H: ganttRowH, Label: t.Title, TaskID: t.ID,
					Meta: ganttSpan(start, due), Done: b.Done, Late: b.Late})
				y += ganttRowH
			}
		}
		sections[p.ID] = [2]int{top, y}
	}
	for i := range v.Bars {
		bars[v.Bars[i].ID] = &v.Bars[i]
	}
	v.Scheduled, v.Height = scheduled, y
	v.UnscheduledTotal = len(v.Unscheduled)
	if in.Totals != nil {
		v.UnscheduledTotal = in.Totals.Unscheduled
	}

	manage := map[string]bool{}
	for _, p := range in.Projects {
		manage[p.ID] = p.CanManage
	}
	v.ManageMilestones = in.ProjectID != "" && manage[in.ProjectID]
	for _, m := range in.Milestones {
		if in.ProjectID != "" {
			v.MilestoneList = append(v.MilestoneList, GanttMilestoneItem{Form: MilestoneForm{ProjectID: m.ProjectID, ID: m.ID,
				Title: m.Title, Date: ganttDay(m.Date).Format(ganttISO), Color: m.Color, Description: m.Description}})
		}
		d := ganttDay(m.Date)
		if d.Before(lo) || d.After(hi) {
			continue
		}
		ms := GanttMilestone{ID: m.ID, Title: m.Title, Color: ganttColor(m.Color), Date: d.Format(ganttISO),
			X: xOf(d) + v.DayW/2, Draggable: manage[m.ProjectID]}
		if in.ProjectID != "" {
			ms.Y2 = v.Height
		} else if r, ok := sections[m.ProjectID]; ok {
			ms.Y1, ms.Y2 = r[0], r[1]
		}
		v.Milestones = append(v.Milestones, ms)
	}
	v.milestoneLabels()
	v.HasLane = len(v.Milestones) > 0
	v.ScaleH = ganttScaleH
	if v.HasLane {
		v.ScaleH += ganttLaneH
	}

	for _, l := range in.Links {
		from, to := bars[l.From], bars[l.To]
		if from == nil || to == nil {
			continue
		}
		// An end outside the window is routed to the window's edge, where the bar leaves the chart.
		x1, x2 := min(max(from.X+from.W, 0), v.Width), min(max(to.X, 0), v.Width)
		v.Links = append(v.Links, GanttLink{From: l.From, To: l.To, D: GanttLinkPath(x1, from.Y, x2, to.Y),
			Conflict: to.X < from.X+from.W})
	}
	return v
}

// GanttLinkPath routes a dependency arrow from the blocker's end (x1, bar top y1) to the blocked task's start
// (x2, bar top y2): right, then down or up, then right into the bar; when the blocked task starts too early to
// go straight, the path turns back between the rows. gantt.js has the same function for the bar being dragged.
func GanttLinkPath(x1, y1, x2, y2 int) string {
	const gap = 8
	ya, yb := y1+ganttBarH/2, y2+ganttBarH/2
	if x2-x1 >= 2*gap {
		return fmt.Sprintf("M%d %dH%dV%dH%d", x1, ya, x1+gap, yb, x2)
	}
	mid := yb - ganttRowH/2
	if yb < ya {
		mid = yb + ganttRowH/2
	}
	return fmt.Sprintf("M%d %dH%dV%dH%dV%dH%d", x1, ya, x1+gap, mid, x2-gap, yb, x2)
}

// scale fills the date scale's two rows and the major grid lines.
func (v *GanttView) scale(lo, hi, today time.Time) {
	xOf := func(t time.Time) int { return ganttDays(lo, t) * v.DayW }
	end := hi.AddDate(0, 0, 1)
	// Upper row: months (years at month zoom).
	for d := lo; d.Before(end); {
		var next time.Time
		var long, short string
		if v.Zoom == GanttZoomMonth {
			next = time.Date(d.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
			long, short = strconv.Itoa(d.Year()), strconv.Itoa(d.Year())
		} else {
			next = ganttMonthStart(d).AddDate(0, 1, 0)
			long, short = d.Format("January 2006"), d.Format("Jan")
		}
		if next.After(end) {
			next = end
		}
		t := GanttTick{X: xOf(d), W: xOf(next) - xOf(d)}
		switch {
		case t.W >= 100:
			t.Label = long
		case t.W >= 36:
			t.Label = short
		}
		v.Months = append(v.Months, t)
		d = next
	}
	// Lower row: days, weeks or months, with a grid line where a week or month starts.
	switch v.Zoom {
	case GanttZoomDay:
		for d := lo; d.Before(end); d = d.AddDate(0, 0, 1) {
			wd := d.Weekday()
			t := GanttTick{X: xOf(d), W: v.DayW, Label: strconv.Itoa(d.Day()), Muted: wd == time.Saturday || wd == time.Sunday,
				Today: d.Equal(today), Strong: wd == time.Monday}
			if t.Strong {
				v.Lines = append(v.Lines, t.X)
			}
			v.Ticks = append(v.Ticks, t)
		}
	case GanttZoomWeek:
		for d := lo; d.Before(end); d = d.AddDate(0, 0, 7) {
			v.Ticks = append(v.Ticks, GanttTick{X: xOf(d), W: 7 * v.DayW, Label: d.Format("Jan 2"), Strong: true,
				Today: !today.Before(d) && today.Before(d.AddDate(0, 0, 7))})
			v.Lines = append(v.Lines, xOf(d))
		}
	default:
		for d := lo; d.Before(end); d = d.AddDate(0, 1, 0) {
			next := d.AddDate(0, 1, 0)
			v.Ticks = append(v.Ticks, GanttTick{X: xOf(d), W: xOf(next) - xOf(d), Label: d.Format("Jan"), Strong: true,
				Today: !today.Before(d) && today.Before(next)})
			v.Lines = append(v.Lines, xOf(d))
		}
	}
}

// milestoneLabels gives each flag the title that fits between it and the next flag to its right (flags on the same
// day share the last one's room), so that no title runs into another or under a flag.
func (v *GanttView) milestoneLabels() {
	const before, after, minRoom = 9, 10, 28 // from the flag's centre to its title; a gap before the next flag
	sort.SliceStable(v.Milestones, func(i, j int) bool { return v.Milestones[i].X < v.Milestones[j].X })
	for i := range v.Milestones {
		m := &v.Milestones[i]
		end := v.Width
		for _, n := range v.Milestones[i+1:] {
			end = n.X - 6 // a flag on the same day leaves no room: the last of the day names itself
			break
		}
		room := end - after - (m.X + before)
		if room < minRoom {
			continue
		}
		m.ShowLabel, m.Label = true, ganttFit(m.Title, room)
	}
}

// ganttCharW is a generous width of a character of the lane's 11px semibold font, so that a fitted title never
// runs past its room.
const ganttCharW = 7

// ganttFit shortens s with an ellipsis to fit in room pixels (at ganttCharW a character).
func ganttFit(s string, room int) string {
	r := []rune(s)
	if len(r)*ganttCharW <= room {
		return s
	}
	n := max(room/ganttCharW-1, 1)
	return strings.TrimRight(string(r[:min(n, len(r))]), " ") + "…"
}

func clampPercent(p int) int {
	if p < 0 {
		return 0
	}
	if p > 100 {
		return 100
	}
	return p
}

// ganttSpan writes a bar's days for people: "Mar 3 – Mar 12", or one day.
func ganttSpan(start, due time.Time) string {
	if start.Equal(due) {
		return start.Format("Jan 2")
	}
	if start.Year() != due.Year() {
		return start.Format("Jan 2, 2006") + " – " + due.Format("Jan 2, 2006")
	}
	return start.Format("Jan 2") + " – " + due.Format("Jan 2")
}

func ganttAria(t GanttTaskInput, start, due time.Time, late bool) string {
	parts := []string{t.Title}
	switch {
	case t.Start != nil && t.Due != nil:
		parts = append(parts, ganttSpan(start, due))
	case t.Start != nil:
		parts = append(parts, "starts "+start.Format("Jan 2"))
	default:
		parts = append(parts, "due "+due.Format("Jan 2"))
	}
	if t.Completed {
		parts = append(parts, "completed")
	} else {
		parts = append(parts, strconv.Itoa(clampPercent(t.Progress))+"% done")
	}
	if late {
		parts = append(parts, "overdue")
	}
	return strings.Join(parts, ", ")
}

// ZoomURL is the chart's URL at another zoom level.
func (v GanttView) ZoomURL(zoom string) string {
	path := "/gantt"
	if v.ProjectID != "" {
		path = "/projects/" + v.ProjectID + "/gantt"
	}
	if v.RowStart > 0 {
		return path + "?zoom=" + zoom + "&rows=" + strconv.Itoa(v.RowStart)
	}
	return path + "?zoom=" + zoom
}

// RowsURL is the chart at the same zoom from the scheduled task at index start.
func (v GanttView) RowsURL(start int) string {
	return GanttView{ProjectID: v.ProjectID, RowStart: start}.ZoomURL(v.Zoom)
}

// TasksURL lists the tasks of the chart's project, or every task, for the unscheduled ones the chart leaves out.
func (v GanttView) TasksURL() string {
	if v.ProjectID != "" {
		return "/tasks?project=" + v.ProjectID
	}
	return "/tasks"
}

// RowEnd is one past the index of the last task drawn.
func (v GanttView) RowEnd() int { return v.RowStart + len(v.Bars) }

// Windowed reports a chart that draws some of its scheduled tasks only.
func (v GanttView) Windowed() bool { return v.Scheduled > len(v.Bars) }

// weekW is the width of the weekend-shading pattern: one week.
func (v GanttView) weekW() int { return 7 * v.DayW }

// ---------------------------------------------------------------------------
// Dashboard: the caller's work (rendered by DashboardPage from the components in gantt.templ)

// DashboardWork is the work half of the dashboard.
type DashboardWork struct {
	Total, Completed, Overdue int
	// DueSoon counts open tasks due today or in the next six days.
	DueSoon int
	// MyOpen are the caller's open tasks, soonest due first (at most 10).
	MyOpen []DashboardTaskRow
	// Urgent are the caller's overdue urgent tasks.
	Urgent []DashboardTaskRow
	Today  time.Time
}

// Open is the number of assigned tasks not completed.
func (w DashboardWork) Open() int { return w.Total - w.Completed }

// CompletedPercent is the share of assigned tasks completed.
func (w DashboardWork) CompletedPercent() int {
	if w.Total == 0 {
		return 0
	}
	return w.Completed * 100 / w.Total
}

// DashboardTaskRow is one task in a dashboard list.
type DashboardTaskRow struct {
	ID, Title, Project, ProjectColor, Status, Priority string
	// StatusLabel names a custom status; built-in ones are named by the view.
	StatusLabel string
	Due         *time.Time
	Progress    int
}

// dueLabel says when a task is due relative to today, and its tone: late, soon or "".
func (r DashboardTaskRow) dueLabel(today time.Time) (string, string) {
	if r.Due == nil {
		return "No due date", "none"
	}
	due, today := ganttDay(*r.Due), ganttDay(today)
	switch days := ganttDays(today, due); {
	case days < -1:
		return fmt.Sprintf("%d days overdue", -days), "late"
	case days == -1:
		return "Due yesterday", "late"
	case days == 0:
		return "Due today", "soon"
	case days == 1:
		return "Due tomorrow", "soon"
	case days < 7:
		return "Due " + due.Format("Monday"), ""
	case due.Year() == today.Year():
		return "Due " + due.Format("Jan 2"), ""
	}
	return "Due " + due.Format("Jan 2, 2006"), ""
}
