package app

import (
	"net/url"
	"strings"
)

// secretParams name the query parameters that carry credentials: signed links (sig), one-time tokens (reset,
// verification, invitation), access and refresh tokens, tickets and passwords. The access log keeps the
// parameter, not its value.
var secretParams = map[string]bool{
	"sig": true, "token": true, "access_token": true, "refresh_token": true, "ticket": true, "password": true,
}

// redirectParams hold a local URL to go to afterwards, which may itself carry a secret.
var redirectParams = map[string]bool{"next": true, "return_to": true, "return": true}

const redacted = "REDACTED"

// redactURI hides the secrets a request URI can carry before it is logged: the values of secretParams, the
// token of /invitations/<token>, and both again inside a redirect parameter. The rest stays as sent.
func redactURI(uri string) string {
	path, query, hasQuery := strings.Cut(uri, "?")
	path = redactPath(path)
	if !hasQuery {
		return path
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		k, v, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		name = strings.ToLower(name)
		switch {
		case secretParams[name]:
			params[i] = k + "=" + redacted
		case redirectParams[name]:
			if target, err := url.QueryUnescape(v); err == nil {
				params[i] = k + "=" + url.QueryEscape(redactURI(target))
			} else {
				params[i] = k + "=" + redacted
			}
		}
	}
	return path + "?" + strings.Join(params, "&")
}

// redactPath hides the token in /invitations/<token> and /invitations/<token>/accept (/invitations/accept
// carries it in the query instead).
func redactPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/invitations/")
	if !ok {
		return p
	}
	token, tail, hasTail := strings.Cut(rest, "/")
	if token == "" || token == "accept" {
		return p
	}
	if hasTail {
		return "/invitations/" + redacted + "/" + tail
	}
	return "/invitations/" + redacted
}
