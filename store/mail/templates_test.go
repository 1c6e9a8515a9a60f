package mail_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/trcr/trcr/store/mail"
)

const testLink = "https://app.trcr.test/t?token=xyz"

func TestTemplatesRejectUnusableLinks(t *testing.T) {
	t.Parallel()
	for _, link := range []string{
		"",
		"/auth/confirm?token=abc", // relative: no base URL in an inbox
		"javascript:alert(1)",
		"ftp://example.com/x",
		"https://",
	} {
		if _, err := mail.VerifyEmail("a@example.com", "Ada", link); !errors.Is(err, mail.ErrInvalidMessage) {
			t.Errorf("VerifyEmail(link %q): err = %v, want ErrInvalidMessage", link, err)
		}
		if _, err := mail.PasswordReset("a@example.com", "Ada", link); err == nil {
			t.Errorf("PasswordReset(link %q) succeeded", link)
		}
		if _, err := mail.Invitation("a@example.com", "Ada", "Acme", "Member", link); err == nil {
			t.Errorf("Invitation(link %q) succeeded", link)
		}
	}
}

func TestTemplateContent(t *testing.T) {
	t.Parallel()
	t.Run("greeting falls back without a name", func(t *testing.T) {
		m, err := mail.VerifyEmail("a@example.com", "  ", testLink)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(m.Text, "Hi,\n") {
			t.Errorf("Text starts %q", m.Text[:min(len(m.Text), 20)])
		}
	})
	t.Run("password reset states validity and footer reason", func(t *testing.T) {
		m, err := mail.PasswordReset("a@example.com", "Ada", testLink)
		if err != nil {
			t.Fatal(err)
		}
		for _, body := range []string{m.Text, m.HTML} {
			for _, want := range []string{"valid for 1 hour", "didn't ask", "You're receiving this email because"} {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q", want)
				}
			}
		}
	})
	t.Run("invitation without role or inviter name", func(t *testing.T) {
		m, err := mail.Invitation("a@example.com", "", "Acme", "", testLink)
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != "A teammate invited you to Acme on TRCR" {
			t.Errorf("Subject = %q", m.Subject)
		}
		if strings.Contains(m.Text, "role") {
			t.Errorf("Text mentions a role although none was given:\n%s", m.Text)
		}
		if !strings.Contains(m.Text, "invited a@example.com to Acme") {
			t.Errorf("footer does not name the invited address:\n%s", m.Text)
		}
	})
	t.Run("invitation flattens line breaks in names", func(t *testing.T) {
		m, err := mail.Invitation("a@example.com", "Eve\r\nBcc: x@example.com", "Acme\nInc", "Admin", testLink)
		if err != nil {
			t.Fatal(err)
		}
		if m.Subject != "Eve Bcc: x@example.com invited you to Acme Inc on TRCR" {
			t.Errorf("Subject = %q", m.Subject)
		}
	})
	t.Run("invitation requires an organisation", func(t *testing.T) {
		if _, err := mail.Invitation("a@example.com", "Ada", " ", "Admin", testLink); err == nil {
			t.Error("Invitation without org name succeeded")
		}
	})
	t.Run("html is a complete document with button and product name", func(t *testing.T) {
		m, err := mail.VerifyEmail("a@example.com", "Ada", testLink)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"<!DOCTYPE html>", "TRCR", `href="https://app.trcr.test/t?token=xyz"`, "Confirm email address", "</html>"} {
			if !strings.Contains(m.HTML, want) {
				t.Errorf("HTML lacks %q", want)
			}
		}
		if strings.Contains(m.HTML, "<style") {
			t.Error("HTML uses a <style> block; mail clients strip it, use inline styles")
		}
	})
}
