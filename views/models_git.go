package views

import "time"

// NavGit marks the repositories settings page in the sidebar.
const NavGit = "git"

// GitSettingsView is the repositories settings page (GET /settings/git).
type GitSettingsView struct {
	Repositories []GitRepositoryView
	Projects     []Option // projects a repository can be linked to: id, "Name (KEY)"
	Connect      GitConnectForm
	// Shown is the secret of what was just connected or registered: the only time it is shown.
	Shown *GitSecretShown
	// ExampleRef is a task reference to show in the instructions (TRC-12).
	ExampleRef string
	Now        time.Time
}

// GitConnectForm connects a repository.
type GitConnectForm struct {
	Provider     string
	RepoURL      string
	ProjectID    string
	CloseOnMerge bool
	Errors       map[string]string
	Error        string
}

// GitSecretShown is a secret shown once: a repository's hook secret, or a webhook's.
type GitSecretShown struct {
	Webhook      bool   // a webhook's secret, else a repository's
	RepositoryID string // the repository, to point at its instructions
	Name         string // the repository's full name, or the webhook's URL
	HookURL      string // the repository's hook URL (repositories only)
	Secret       string
}

// GitRepositoryView is one connected repository on the settings page.
type GitRepositoryView struct {
	ID            string
	Provider      string
	ProviderLabel string
	FullName      string
	RepoURL       string
	HookURL       string
	ProjectID     string
	ProjectName   string
	CloseOnMerge  bool
	Deliveries    []GitDeliveryView
	Webhooks      []GitWebhookView
	WebhookForm   GitWebhookForm
}

// GitDeliveryView is a request the repository's hook received.
type GitDeliveryView struct {
	Event       string
	DeliveryID  string
	Status      string
	StatusLabel string
	Error       string
	At          time.Time
}

// GitWebhookView is an outgoing webhook of a repository's events.
type GitWebhookView struct {
	ID     string
	URL    string
	Events []string // labels
	Active bool
	// The last delivery, if any.
	LastStatus string // delivered or failed
	LastCode   int
	LastError  string
	LastAt     *time.Time
}

// GitWebhookForm registers a webhook of one repository.
type GitWebhookForm struct {
	URL    string
	Events []string
	Errors map[string]string
	Error  string
}

// Has reports whether the form subscribes to kind.
func (f GitWebhookForm) Has(kind string) bool {
	for _, e := range f.Events {
		if e == kind {
			return true
		}
	}
	return false
}

// DevelopmentView is the task panel's Development section: what connected repositories say about the task.
type DevelopmentView struct {
	Reference    string
	PullRequests []DevPullRequestView
	Branches     []DevBranchView
	Commits      []DevCommitView
}

// Empty reports whether no repository names the task yet.
func (d DevelopmentView) Empty() bool {
	return len(d.PullRequests) == 0 && len(d.Branches) == 0 && len(d.Commits) == 0
}

// DevPullRequestView is a pull request in its latest state.
type DevPullRequestView struct {
	Repository string
	Number     int
	Title      string
	State      string // open, draft, merged, closed
	StateLabel string
	URL        string
	Source     string
	Target     string
	At         time.Time
}

// DevBranchView is a branch whose name names the task.
type DevBranchView struct {
	Repository string
	Name       string
	URL        string
	Deleted    bool
	At         time.Time
}

// DevCommitView is a commit whose message names the task.
type DevCommitView struct {
	Repository string
	Branch     string
	SHA        string
	Short      string
	Title      string // the message's first line
	Author     string
	URL        string
	At         time.Time
}
