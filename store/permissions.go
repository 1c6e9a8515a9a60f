package store

// Permissions are what an actor may do across its organization (DECISIONS.md "Who may do what"). The use cases
// check them, and front ends read them to offer only the actions the use cases allow, so a page never shows a
// control the store would refuse, nor hides one it would accept. Rights on one project come with the project's
// reads (ProjectAccess), since they depend on the actor's place in it.
type Permissions struct {
	ManageOrganization bool // change its settings and logo
	DeleteOrganization bool
	ManageMembers      bool // invite, change roles and cost rates, remove others
	ManageOwners       bool // invite owners, grant or take away the owner role, remove owners
	ViewCostRates      bool // every member's cost rate, not only one's own
	ViewAuditLog       bool
	ManageClients      bool // create, change and delete clients, their contacts and activities
	ManageBilling      bool // invoices and payments: read, create, change, send, void; clients' open balances
	ViewRevenueReports bool // the revenue and profitability reports
	ManageAllTime      bool // every member's time entries (read and correct them) and time reports on everyone
	ViewAllProjects    bool // every project of the organization, not only those the actor is a member of
	CreateProjects     bool
	ManageAllProjects  bool // manage_tasks on every project, not only those the actor manages
	DeleteProjects     bool
	DeleteAnyComment   bool // delete other people's comments, not only one's own
	ManageAllFiles     bool // see and delete every file of the organization, also those attached to nothing
	CreateLabels       bool
	EditLabels         bool // rename, recolor and delete labels
	ManageTaskStatuses bool // create, change, reorder and delete custom statuses
	ManageChannels     bool // rename, describe, choose the members of and delete any chat channel one can see
	DeleteAnyMessage   bool // delete other people's chat messages, not only one's own
	ManageGit          bool // connect and disconnect repositories, register webhooks of their events
}

// Permissions says what the actor may do in its organization.
func (a Actor) Permissions() Permissions {
	admin, owner := a.IsAdmin(), a.IsOwner()
	return Permissions{
		ManageOrganization: admin,
		DeleteOrganization: owner,
		ManageMembers:      admin,
		ManageOwners:       owner,
		ViewCostRates:      admin,
		ViewAuditLog:       admin,
		ManageClients:      admin,
		ManageBilling:      admin,
		ViewRevenueReports: admin,
		ManageAllTime:      admin,
		ViewAllProjects:    admin,
		CreateProjects:     admin,
		ManageAllProjects:  admin,
		DeleteProjects:     admin,
		DeleteAnyComment:   admin,
		ManageAllFiles:     admin,
		CreateLabels:       validRole(a.Role),
		EditLabels:         admin,
		ManageTaskStatuses: admin,
		ManageChannels:     admin,
		DeleteAnyMessage:   admin,
		ManageGit:          admin,
	}
}

// CanManageMember reports whether the actor may change a member's role and remove them: owners and admins, but
// only owners when the member is an owner.
func (a Actor) CanManageMember(m Member) bool {
	p := a.Permissions()
	return p.ManageMembers && (m.Role != RoleOwner || p.ManageOwners)
}

// msgAdminRole refuses what owners and admins may do and members may not.
const msgAdminRole = "this action requires the admin role"

// require is nil when allowed, else ErrForbidden with message.
func require(allowed bool, message string) error {
	if !allowed {
		return forbidden(message)
	}
	return nil
}
