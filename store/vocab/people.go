package vocab

// Organization roles.
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
)

// OrgRoles are the roles of an organization's members, most powerful first.
var OrgRoles = Terms{
	{Code: RoleOwner, Label: "Owner", Plural: "Owners"},
	{Code: RoleAdmin, Label: "Admin", Plural: "Admins"},
	{Code: RoleMember, Label: "Member", Plural: "Members"},
}

// Member statuses: an invitation is a member row that is not active yet.
const (
	MemberActive  = "active"
	MemberInvited = "invited"
)

// MemberStatuses are the statuses of a member row.
var MemberStatuses = Terms{
	{Code: MemberActive, Label: "Active"},
	{Code: MemberInvited, Label: "Invited"},
}

// Roles within a project.
const (
	ProjectRoleManager = "manager"
	ProjectRoleMember  = "member"
)

// ProjectRoles are the project roles in the order the pages offer them.
var ProjectRoles = Terms{
	{Code: ProjectRoleMember, Label: "Member"},
	{Code: ProjectRoleManager, Label: "Manager"},
}

// Project statuses.
const (
	ProjectActive   = "active"
	ProjectArchived = "archived"
)

// ProjectStatuses are the project statuses in order.
var ProjectStatuses = Terms{
	{Code: ProjectActive, Label: "Active"},
	{Code: ProjectArchived, Label: "Archived"},
}
