package views

// NewTaskForm is the quick-create form (GET/POST /tasks/new, also shown in the header's dialog): the values typed,
// the store's messages, and the choices of the actor.
type NewTaskForm struct {
	Title, ProjectID, Status, AssigneeID, DueDate string
	Errors                                        map[string]string
	Error                                         string
	Projects                                      []Option // the projects the actor may add tasks to
	Statuses                                      []TaskStatusOption
	Members                                       []TaskPerson
}

// Shortcut is one line of the keyboard shortcut sheet.
type Shortcut struct {
	Keys []string
	What string
}

// Shortcuts are the app's keyboard shortcuts, as static/js wires them (quick-create.js, palette.js, task-panel.js,
// board.js, attachments.js).
var Shortcuts = []Shortcut{
	{[]string{"c"}, "New task"},
	{[]string{"/"}, "Search"},
	{[]string{"Ctrl", "K"}, "Search or run a command (⌘K on a Mac)"},
	{[]string{"?"}, "Show these shortcuts"},
	{[]string{"Esc"}, "Close a dialog, menu or the task panel"},
	{[]string{"↑", "↓"}, "Move through search results"},
	{[]string{"Alt", "↑ ↓ ← →"}, "Move a focused card on the board"},
	{[]string{"←", "→"}, "Previous or next file in a preview"},
}
