package vocab

// Search result types, in the order pages group results: the places one goes to first, then what was said, then
// billing.
const (
	SearchProject     = "project"
	SearchTask        = "task"
	SearchComment     = "comment"
	SearchChatMessage = "chat_message"
	SearchClient      = "client"
	SearchInvoice     = "invoice"
	SearchTimeEntry   = "time_entry"
)

// SearchTypes are the types GET /search?type= accepts and the results page's tabs.
var SearchTypes = Terms{
	{Code: SearchProject, Label: "Project", Plural: "Projects"},
	{Code: SearchTask, Label: "Task", Plural: "Tasks"},
	{Code: SearchComment, Label: "Comment", Plural: "Comments"},
	{Code: SearchChatMessage, Label: "Message", Plural: "Messages"},
	{Code: SearchClient, Label: "Client", Plural: "Clients"},
	{Code: SearchInvoice, Label: "Invoice", Plural: "Invoices"},
	{Code: SearchTimeEntry, Label: "Time entry", Plural: "Time entries"},
}
