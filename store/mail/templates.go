package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"
)

// templateFS holds the email templates. Each email NAME has NAME.html.tmpl
// and NAME.txt.tmpl, both rendered inside the matching layout.*.tmpl.
//
//go:embed templates/*.tmpl
var templateFS embed.FS

// emailTemplate is one email's parsed HTML and plain-text variants.
type emailTemplate struct {
	html *htmltemplate.Template
	text *texttemplate.Template
}

// buttonData is what the HTML "button" template renders.
type buttonData struct {
	URL   string
	Label string
}

// Templates are parsed once at start-up: they are compiled into the binary,
// so a broken one is a programming error that tests catch, not a runtime
// condition to handle.
var (
	verifyEmailTmpl   = mustParseEmail("verify_email")
	passwordResetTmpl = mustParseEmail("password_reset")
	invitationTmpl    = mustParseEmail("invitation")
	loginLockedTmpl   = mustParseEmail("login_locked")
)

func mustParseEmail(name string) emailTemplate {
	funcs := htmltemplate.FuncMap{
		"button": func(url, label string) buttonData { return buttonData{URL: url, Label: label} },
	}
	// Every email defines the same block names ("content", "footer", ...),
	// so each gets its own template set built from the shared layout.
	h := htmltemplate.Must(htmltemplate.New(name).Funcs(funcs).ParseFS(templateFS,
		"templates/layout.html.tmpl", "templates/"+name+".html.tmpl"))
	t := texttemplate.Must(texttemplate.New(name).ParseFS(templateFS,
		"templates/layout.txt.tmpl", "templates/"+name+".txt.tmpl"))
	// Missing fields must fail loudly instead of rendering "<no value>".
	h.Option("missingkey=error")
	t.Option("missingkey=error")
	return emailTemplate{html: h, text: t}
}

// render executes both variants and assembles a single-recipient message.
func (e emailTemplate) render(to, subject string, data any) (Message, error) {
	var html, text bytes.Buffer
	if err := e.html.ExecuteTemplate(&html, "layout", data); err != nil {
		return Message{}, fmt.Errorf("mail: render %s HTML: %w", e.html.Name(), err)
	}
	if err := e.text.ExecuteTemplate(&text, "layout", data); err != nil {
		return Message{}, fmt.Errorf("mail: render %s text: %w", e.text.Name(), err)
	}
	return Message{
		To:      []string{to},
		Subject: subject,
		Text:    text.String(),
		HTML:    html.String(),
	}, nil
}

// VerifyEmail is sent after sign-up to confirm that the address belongs to
// the user. name may be empty. link is the absolute confirmation URL.
func VerifyEmail(to, name, link string) (Message, error) {
	if err := checkLink(link); err != nil {
		return Message{}, err
	}
	return verifyEmailTmpl.render(to, "Confirm your email for TRCR", struct {
		Name, Link string
	}{strings.TrimSpace(name), link})
}

// PasswordReset carries a password reset link. The text promises the link is
// valid for 1 hour, so the token behind it must expire accordingly. name may
// be empty.
func PasswordReset(to, name, link string) (Message, error) {
	if err := checkLink(link); err != nil {
		return Message{}, err
	}
	return passwordResetTmpl.render(to, "Reset your TRCR password", struct {
		Name, Link string
	}{strings.TrimSpace(name), link})
}

// LoginLocked tells the owner of an account that sign-ins were paused for minutes after failed attempts. link is the
// absolute URL of the forgot-password page.
func LoginLocked(to, name string, minutes int, link string) (Message, error) {
	if err := checkLink(link); err != nil {
		return Message{}, err
	}
	return loginLockedTmpl.render(to, "Sign-ins to your TRCR account were paused", struct {
		Name    string
		Minutes int
		Link    string
	}{strings.TrimSpace(name), minutes, link})
}

// Invitation invites to into the organisation orgName. role is shown as given
// (e.g. "Admin") and may be empty. inviterName and orgName also end up in the
// subject, with line breaks flattened.
func Invitation(to, inviterName, orgName, role, link string) (Message, error) {
	if err := checkLink(link); err != nil {
		return Message{}, err
	}
	data := struct {
		To, InviterName, OrgName, Role, Link string
	}{
		To:          to,
		InviterName: headerText(inviterName),
		OrgName:     headerText(orgName),
		Role:        headerText(role),
		Link:        link,
	}
	if data.InviterName == "" {
		// Keeps subject and body grammatical if the inviter has no name set.
		data.InviterName = "A teammate"
	}
	if data.OrgName == "" {
		return Message{}, fmt.Errorf("%w: invitation without organisation name", ErrInvalidMessage)
	}
	subject := fmt.Sprintf("%s invited you to %s on TRCR", data.InviterName, data.OrgName)
	return invitationTmpl.render(to, subject, data)
}

// checkLink rejects links that would not work from a mail client: relative
// URLs (there is no base URL in an inbox) and non-web schemes. html/template
// would otherwise silently replace e.g. a javascript: URL with "#ZgotmplZ".
func checkLink(link string) error {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%w: link must be an absolute http(s) URL", ErrInvalidMessage)
	}
	return nil
}
