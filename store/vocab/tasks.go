package vocab

import "slices"

// Built-in task statuses.
const (
	StatusOpen       = "open"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusClosed     = "closed"
)

// DefaultStatus is where a new task starts, and where tasks go when their custom status is deleted.
const DefaultStatus = StatusOpen

// BuiltinStatus is a status every organization has; its custom statuses come after these.
type BuiltinStatus struct {
	Term
	Color       string // #rrggbb, as the workflow settings show it
	Description string
	// Completes marks a status whose tasks are completed (a custom status says so with is_terminal).
	Completes bool
}

// BuiltinStatuses are the built-in task statuses in order.
var BuiltinStatuses = []BuiltinStatus{
	{Term: Term{Code: StatusOpen, Label: "Open"}, Color: "#64748b", Description: "Where every new task starts."},
	{Term: Term{Code: StatusInProgress, Label: "In progress"}, Color: "#3b82f6", Description: "Someone is working on it."},
	{Term: Term{Code: StatusDone, Label: "Done"}, Color: "#22c55e", Completes: true, Description: "Finished."},
	{Term: Term{Code: StatusClosed, Label: "Closed"}, Color: "#94a3b8", Completes: true,
		Description: "Completed without being done, e.g. won't fix."},
}

// Builtin returns the built-in status code; ok is false for any other code (a custom status or none).
func Builtin(code string) (s BuiltinStatus, ok bool) {
	for _, s := range BuiltinStatuses {
		if s.Code == code {
			return s, true
		}
	}
	return BuiltinStatus{}, false
}

// IsBuiltinStatus reports whether code is a built-in status; custom statuses may not take these codes.
func IsBuiltinStatus(code string) bool {
	_, ok := Builtin(code)
	return ok
}

// BuiltinCompletes reports whether code is a built-in status that completes its tasks (done and closed).
func BuiltinCompletes(code string) bool {
	s, ok := Builtin(code)
	return ok && s.Completes
}

// What a status does when a task's progress reaches 100.
const (
	OnCompleteNone        = "none"
	OnCompleteAutoAdvance = "auto_advance"
)

// OnCompletes are the choices of a custom status's on_complete.
var OnCompletes = Terms{
	{Code: OnCompleteNone, Label: "Stay in this status"},
	{Code: OnCompleteAutoAdvance, Label: "Move to the next status"},
}

// Task priorities.
const (
	PriorityLow    = "low"
	PriorityMedium = "medium"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// DefaultPriority is the priority of a task created without one.
const DefaultPriority = PriorityMedium

// Priorities are the task priorities, lowest first: the database's priority_rank, which sorts tasks by priority,
// is a priority's position here counted from 1.
var Priorities = Terms{
	{Code: PriorityLow, Label: "Low"},
	{Code: PriorityMedium, Label: "Medium"},
	{Code: PriorityHigh, Label: "High"},
	{Code: PriorityUrgent, Label: "Urgent"},
}

// Complexities are the story points a task may carry, smallest first.
var Complexities = []int{1, 2, 3, 5, 8}

// IsComplexity reports whether n is one of Complexities.
func IsComplexity(n int) bool { return slices.Contains(Complexities, n) }

// Recurrence patterns a task may repeat on besides a 5-field cron expression.
const (
	PatternDaily   = "daily"
	PatternWeekly  = "weekly"
	PatternMonthly = "monthly"
)

// RecurrencePatterns are the named recurrence patterns in order.
var RecurrencePatterns = Terms{
	{Code: PatternDaily, Label: "Every day"},
	{Code: PatternWeekly, Label: "Every week"},
	{Code: PatternMonthly, Label: "Every month"},
}
