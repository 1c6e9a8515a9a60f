package views

import "time"

// AccessTokenRow is one personal access token in the list.
type AccessTokenRow struct {
	ID, Name, Prefix string
	Write            bool
	LastUsedAt       *time.Time
	Expires          string // a date, or "Never"
}

// NewAccessToken is a token just created, with its secret.
type NewAccessToken struct{ Token string }

// AccessTokenForm creates a token. Errors keys: "name", "expires_at".
type AccessTokenForm struct {
	Name, Scope, Expires string
	Errors               map[string]string
	Error                string
}

// AccessTokensView is the tokens page.
type AccessTokensView struct {
	Tokens  []AccessTokenRow
	Created *NewAccessToken
	Form    AccessTokenForm
	Now     time.Time
}

// TokenExpiryOptions are the lifetimes offered for a new token (days; "" never).
var TokenExpiryOptions = []Option{
	{Value: "30", Label: "In 30 days"},
	{Value: "90", Label: "In 90 days"},
	{Value: "365", Label: "In a year"},
	{Value: "", Label: "Never"},
}
