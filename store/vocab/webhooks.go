package vocab

// WebhookAllEvents subscribes a webhook to every event type, including those added later.
const WebhookAllEvents = "*"

// WebhookEventTypes are the live stream's event types a webhook may subscribe to, in the order pages offer them:
// those an owner or admin sees on the stream, without the ones meant for a single person (notifications, timers,
// read markers).
var WebhookEventTypes = Terms{
	{Code: "task.created", Label: "Task created"},
	{Code: "task.updated", Label: "Task updated"},
	{Code: "task.moved", Label: "Task moved"},
	{Code: "task.deleted", Label: "Task deleted"},
	{Code: "comment.created", Label: "Comment added"},
	{Code: "attachment.created", Label: "File attached"},
	{Code: "attachment.deleted", Label: "File deleted"},
	{Code: "chat.message.created", Label: "Chat message sent"},
	{Code: "chat.message.updated", Label: "Chat message edited"},
	{Code: "chat.message.deleted", Label: "Chat message deleted"},
	{Code: "chat.reaction.added", Label: "Reaction added"},
	{Code: "chat.reaction.removed", Label: "Reaction removed"},
	{Code: "chat.channel.created", Label: "Channel created"},
	{Code: "chat.channel.updated", Label: "Channel changed"},
	{Code: "chat.channel.deleted", Label: "Channel deleted"},
	{Code: "invoice.sent", Label: "Invoice sent"},
	{Code: "invoice.paid", Label: "Invoice paid"},
	{Code: "project.members.changed", Label: "Project members changed"},
	{Code: "member.changed", Label: "Member changed"},
	{Code: "git.event", Label: "Git event"},
}

// Statuses of a webhook delivery.
const (
	WebhookPending   = "pending"   // not sent yet, or failed and due again
	WebhookDelivered = "delivered" // the receiver answered 2xx
	WebhookFailed    = "failed"    // given up: failing for a day, or its webhook was turned off
)

// WebhookDeliveryStatuses are the statuses of webhook deliveries in order.
var WebhookDeliveryStatuses = Terms{
	{Code: WebhookPending, Label: "Pending"},
	{Code: WebhookDelivered, Label: "Delivered"},
	{Code: WebhookFailed, Label: "Failed"},
}
