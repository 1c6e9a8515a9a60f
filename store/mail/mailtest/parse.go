package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"strings"

	"github.com/trcr/trcr/store/mail"
)

// maxDepth bounds multipart nesting; real mail rarely goes beyond 3
// (mixed > alternative > related).
const maxDepth = 8

// wordDecoder decodes RFC 2047 encoded words. Without a CharsetReader it
// handles UTF-8, US-ASCII and ISO-8859-1, which covers what go-mail emits.
var wordDecoder = new(mime.WordDecoder)

// parse takes a raw RFC 5322 message apart into a Received (without the
// envelope fields, which the session fills in).
func parse(raw []byte) (Received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("read message: %w", err)
	}
	rec := Received{Raw: raw, Subject: decodeWords(msg.Header.Get("Subject"))}
	if err := walk(&rec, textproto.MIMEHeader(msg.Header), msg.Body, 0); err != nil {
		return Received{}, err
	}
	return rec, nil
}

// walk descends into multipart entities and files each leaf as text body,
// HTML body or attachment.
func walk(rec *Received, h textproto.MIMEHeader, body io.Reader, depth int) error {
	if depth > maxDepth {
		return errors.New("multipart nesting too deep")
	}
	contentType := h.Get("Content-Type")
	if contentType == "" {
		contentType = "text/plain" // RFC 2045 default
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return fmt.Errorf("%s without boundary", mediaType)
		}
		mr := multipart.NewReader(body, boundary)
		for {
			// NextRawPart, because NextPart decodes quoted-printable on its
			// own but not base64; decoding everything in one place is simpler.
			part, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			if err := walk(rec, part.Header, part, depth+1); err != nil {
				return err
			}
		}
	}

	data, err := decodeBody(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return fmt.Errorf("%s body: %w", mediaType, err)
	}
	if depth == 0 {
		// SMTP data must end in CRLF, so the client's transport appends one
		// to a single-part body that lacks it. In multipart messages that
		// line break belongs to the boundary and multipart drops it.
		data = bytes.TrimSuffix(data, []byte("\r\n"))
	}

	disposition, dispParams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	filename := dispParams["filename"] // RFC 2231 already decoded by ParseMediaType
	if filename == "" {
		filename = params["name"]
	}
	filename = decodeWords(filename) // go-mail puts RFC 2047 words in quoted names

	switch {
	case disposition == "attachment" || filename != "":
		rec.Attachments = append(rec.Attachments, mail.Attachment{
			Filename:    filename,
			ContentType: mediaType,
			Data:        data,
		})
	case mediaType == "text/plain" && rec.Text == "":
		rec.Text = normalizeNewlines(data)
	case mediaType == "text/html" && rec.HTML == "":
		rec.HTML = normalizeNewlines(data)
	default:
		// Unnamed inline parts (a second text body, say) are kept as
		// attachments rather than dropped, so a test can still find them.
		rec.Attachments = append(rec.Attachments, mail.Attachment{ContentType: mediaType, Data: data})
	}
	return nil
}

func decodeBody(transferEncoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(transferEncoding)) {
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(body))
	case "base64":
		// The base64 decoder skips the CRLFs between encoded lines.
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, body))
	default: // 7bit, 8bit, binary or absent
		return io.ReadAll(body)
	}
}

// decodeWords decodes RFC 2047 encoded words, returning s unchanged if it
// is malformed so a test assertion shows what was actually sent.
func decodeWords(s string) string {
	decoded, err := wordDecoder.DecodeHeader(s)
	if err != nil {
		return s
	}
	return decoded
}

func normalizeNewlines(b []byte) string {
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}
