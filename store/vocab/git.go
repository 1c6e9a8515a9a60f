package vocab

// Git hosting providers a repository can be connected from.
const (
	GitHub = "github"
	GitLab = "gitlab"
	Gitea  = "gitea"
)

// GitProviders are the providers in the order pages offer them.
var GitProviders = Terms{
	{Code: GitHub, Label: "GitHub"},
	{Code: GitLab, Label: "GitLab"},
	{Code: Gitea, Label: "Gitea"},
}

// Kinds of git events: what a repository's event is about, and what an outgoing webhook subscribes to.
const (
	GitPush          = "push"
	GitPullRequest   = "pull_request"
	GitBranchCreated = "branch_created"
	GitBranchDeleted = "branch_deleted"
)

// GitEventKinds are the kinds of git events in order.
var GitEventKinds = Terms{
	{Code: GitPush, Label: "Push"},
	{Code: GitPullRequest, Label: "Pull request"},
	{Code: GitBranchCreated, Label: "Branch created"},
	{Code: GitBranchDeleted, Label: "Branch deleted"},
}

// Pull request states, as the task panel shows them.
const (
	PullRequestOpen   = "open"
	PullRequestDraft  = "draft"
	PullRequestMerged = "merged"
	PullRequestClosed = "closed"
)

// PullRequestStates are the states of a pull request in order.
var PullRequestStates = Terms{
	{Code: PullRequestOpen, Label: "Open"},
	{Code: PullRequestDraft, Label: "Draft"},
	{Code: PullRequestMerged, Label: "Merged"},
	{Code: PullRequestClosed, Label: "Closed"},
}

// What became of a request to a repository's inbound hook.
const (
	HookAccepted  = "accepted"  // verified, stored and linked
	HookIgnored   = "ignored"   // verified, but an event TRCR does not use (a ping, an issue, a tag)
	HookDuplicate = "duplicate" // verified, but its delivery id was seen before: nothing done again
	HookRejected  = "rejected"  // not verified, or not readable
)

// HookDeliveryStatuses are the outcomes of inbound hook requests in order.
var HookDeliveryStatuses = Terms{
	{Code: HookAccepted, Label: "Accepted"},
	{Code: HookIgnored, Label: "Ignored"},
	{Code: HookDuplicate, Label: "Duplicate"},
	{Code: HookRejected, Label: "Rejected"},
}
