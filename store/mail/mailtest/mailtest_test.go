package mailtest_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store/mail"
	"github.com/trcr/trcr/store/mail/mailtest"
)

func TestWaitForConsumesInOrder(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender, err := mail.NewSMTP(srv.URL(), "no-reply@trcr.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, subj := range []string{"first", "second"} {
		if err := sender.Send(t.Context(), mail.Message{To: []string{"Ada@Example.com"}, Subject: subj, Text: subj}); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.WaitFor(t, "ada@example.com", time.Second); got.Subject != "first" {
		t.Errorf("first WaitFor = %q", got.Subject)
	}
	if got := srv.WaitFor(t, "ada@example.com", time.Second); got.Subject != "second" {
		t.Errorf("second WaitFor = %q", got.Subject)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("Messages() = %d, want 2 (WaitFor must not remove them)", n)
	}
}

func TestWaitForBlocksUntilArrival(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender, err := mail.NewSMTP(srv.URL(), "no-reply@trcr.test")
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	time.AfterFunc(100*time.Millisecond, func() {
		errc <- sender.Send(t.Context(), mail.Message{To: []string{"late@example.com"}, Subject: "late", Text: "x"})
	})
	if got := srv.WaitFor(t, "late@example.com", 5*time.Second); got.Subject != "late" {
		t.Errorf("Subject = %q", got.Subject)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

func TestParsesNonASCIIAttachmentName(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender, err := mail.NewSMTP(srv.URL(), "no-reply@trcr.test")
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000)
	err = sender.Send(t.Context(), mail.Message{
		To:      []string{"ada@example.com"},
		Subject: "files",
		Text:    "see attached",
		Attachments: []mail.Attachment{
			{Filename: "Übersicht März.csv", ContentType: "text/csv", Data: []byte("a,b\r\n1,2\r\n")},
			{Filename: "blob.bin", Data: data},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, "ada@example.com", 5*time.Second)
	if len(got.Attachments) != 2 {
		t.Fatalf("got %d attachments", len(got.Attachments))
	}
	if a := got.Attachments[0]; a.Filename != "Übersicht März.csv" || a.ContentType != "text/csv" || string(a.Data) != "a,b\r\n1,2\r\n" {
		t.Errorf("csv attachment = %q %q %q", a.Filename, a.ContentType, a.Data)
	}
	if a := got.Attachments[1]; a.ContentType != "application/octet-stream" || !bytes.Equal(a.Data, data) {
		t.Errorf("bin attachment = %q, %d bytes", a.ContentType, len(a.Data))
	}
	if got.Text != "see attached" || got.HTML != "" {
		t.Errorf("Text = %q, HTML = %q", got.Text, got.HTML)
	}
}

func TestMessagesWithoutHTML(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender, err := mail.NewSMTP(srv.URL(), "no-reply@trcr.test")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("line with trailing spaces   \n", 50) + strings.Repeat("x", 200)
	if err := sender.Send(t.Context(), mail.Message{To: []string{"a@example.com"}, Subject: "plain", Text: long}); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, "a@example.com", 5*time.Second); got.Text != long {
		t.Errorf("quoted-printable round trip changed the text:\n%q", got.Text)
	}
}

func TestHTMLOnly(t *testing.T) {
	t.Parallel()
	srv := mailtest.Start(t)
	sender, err := mail.NewSMTP(srv.URL(), "no-reply@trcr.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.Send(t.Context(), mail.Message{To: []string{"a@example.com"}, Subject: "html", HTML: "<p>Hi</p>"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.WaitFor(t, "a@example.com", 5*time.Second); got.HTML != "<p>Hi</p>" || got.Text != "" {
		t.Errorf("Text = %q, HTML = %q", got.Text, got.HTML)
	}
}
