// Package filetype decides the type of an uploaded attachment from its first bytes and checks it against the type
// the client declared (the multipart part's Content-Type). Only the types of the API reference are accepted:
// PNG, JPEG, GIF and WebP images, PDF, plain text and CSV, ZIP archives and Office documents.
//
// Sniffing alone cannot tell every allowed type apart: a .docx is a ZIP archive, a .csv is text, a .doc is an OLE
// compound file like an installer. So the sniffed family must agree with the declared type, and where the family
// holds several types the content decides further (the entries of a ZIP, markup in text).
package filetype

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"strings"

	"github.com/gabriel-vasile/mimetype"
)

// HeadSize is how many leading bytes Decide wants: enough to read the entry names of an Office document's ZIP.
const HeadSize = 64 << 10

var (
	// ErrNotAllowed means the content (or the declared type) is none of the allowed types.
	ErrNotAllowed = errors.New("filetype: type not allowed")
	// ErrMismatch means the declared type is allowed but the content is something else.
	ErrMismatch = errors.New("filetype: content does not match the declared type")
)

// Allowed content types.
const (
	PNG  = "image/png"
	JPEG = "image/jpeg"
	GIF  = "image/gif"
	WebP = "image/webp"
	PDF  = "application/pdf"
	Text = "text/plain"
	CSV  = "text/csv"
	ZIP  = "application/zip"
	DOC  = "application/msword"
	XLS  = "application/vnd.ms-excel"
	PPT  = "application/vnd.ms-powerpoint"
	DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	ODT  = "application/vnd.oasis.opendocument.text"
	ODS  = "application/vnd.oasis.opendocument.spreadsheet"
	ODP  = "application/vnd.oasis.opendocument.presentation"
)

// Allowed lists the accepted types, for an upload control's accept attribute and for documentation.
var Allowed = []string{PNG, JPEG, GIF, WebP, PDF, Text, CSV, ZIP, DOC, XLS, PPT, DOCX, XLSX, PPTX, ODT, ODS, ODP}

// family is what the content is, as far as sniffing can tell.
type family int

const (
	famOther family = iota
	famImage
	famPDF
	famText
	famZIP
	famOLE
)

// familyOf groups the allowed types by what sniffing recognizes.
var familyOf = map[string]family{
	PNG: famImage, JPEG: famImage, GIF: famImage, WebP: famImage, PDF: famPDF, Text: famText, CSV: famText,
	ZIP: famZIP, DOCX: famZIP, XLSX: famZIP, PPTX: famZIP, ODT: famZIP, ODS: famZIP, ODP: famZIP,
	DOC: famOLE, XLS: famOLE, PPT: famOLE,
}

// aliases are other names clients send for allowed types (Windows browsers send application/x-zip-compressed
// for a .zip, older software image/pjpeg).
var aliases = map[string]string{
	"image/jpg": JPEG, "image/pjpeg": JPEG, "application/x-pdf": PDF,
	"application/x-zip-compressed": ZIP, "application/x-zip": ZIP,
	"text/x-csv": CSV, "application/csv": CSV, "text/comma-separated-values": CSV,
}

// IsImage reports whether contentType is one of the allowed image types (those that get a thumbnail).
func IsImage(contentType string) bool { return familyOf[contentType] == famImage }

// IsText reports whether contentType is plain text or CSV (those that get a text preview).
func IsText(contentType string) bool { return familyOf[contentType] == famText }

// sniffed is what the first bytes say.
type sniffed struct {
	family family
	exact  string // the allowed type the content is, when it tells; "" when only the family is known
	name   string // the detected type, for messages
}

// Decide returns the type to store the file as: the declared type when the content agrees with it, or, with no
// declared type ("" or application/octet-stream), the type the content shows. head is the file's first bytes
// (HeadSize, or the whole file when shorter). Errors wrap ErrNotAllowed or ErrMismatch and say what was found.
func Decide(declared string, head []byte) (string, error) {
	s := sniff(head)
	want, err := canonical(declared)
	if err != nil {
		return "", err
	}
	if want == "" {
		if s.family == famOther {
			return "", fmt.Errorf("%w: %s", ErrNotAllowed, s.name)
		}
		if s.exact == "" {
			return "", fmt.Errorf("%w: %s cannot be told apart without a declared type", ErrMismatch, s.name)
		}
		return s.exact, nil
	}
	if matches(want, s) {
		return want, nil
	}
	// Excel on Windows makes browsers declare .csv files as application/vnd.ms-excel.
	if want == XLS && s.family == famText {
		return CSV, nil
	}
	if s.family == famOther {
		return "", fmt.Errorf("%w: %s", ErrNotAllowed, s.name)
	}
	return "", fmt.Errorf("%w: declared %s, content is %s", ErrMismatch, want, s.name)
}

// canonical is the bare, lower-case declared type with aliases resolved; "" when nothing was declared.
func canonical(declared string) (string, error) {
	declared = strings.TrimSpace(declared)
	if declared == "" {
		return "", nil
	}
	t, _, err := mime.ParseMediaType(declared)
	if err != nil {
		return "", fmt.Errorf("%w: declared type %q is malformed", ErrNotAllowed, declared)
	}
	if t == "application/octet-stream" {
		return "", nil
	}
	if a, ok := aliases[t]; ok {
		t = a
	}
	if _, ok := familyOf[t]; !ok {
		return "", fmt.Errorf("%w: %s", ErrNotAllowed, t)
	}
	return t, nil
}

// matches reports whether content sniffed as s may be stored as the allowed type want.
func matches(want string, s sniffed) bool {
	if familyOf[want] != s.family {
		return false
	}
	switch s.family {
	case famImage, famPDF:
		return s.exact == want
	case famText:
		return true // the content cannot tell CSV from plain text reliably; both are served as text
	case famZIP:
		// Every ZIP-based document is a ZIP archive; a document type must be the one its entries show.
		return want == ZIP || s.exact == want
	case famOLE:
		// The directory naming the application may lie beyond the head: a generic compound file is accepted.
		return s.exact == "" || s.exact == want
	}
	return false
}

// markup are text types a browser would run or render as a document; they are not plain text.
var markup = map[string]bool{"text/html": true, "text/xml": true, "image/svg+xml": true, "application/xhtml+xml": true}

func sniff(head []byte) sniffed {
	m := mimetype.Detect(head)
	name := bare(m.String())
	chain := map[string]bool{}
	for x := m; x != nil; x = x.Parent() {
		chain[bare(x.String())] = true
	}
	for _, t := range []string{PNG, JPEG, GIF, WebP} {
		if chain[t] {
			return sniffed{family: famImage, exact: t, name: name}
		}
	}
	switch {
	case chain[PDF]:
		return sniffed{family: famPDF, exact: PDF, name: name}
	case chain[ZIP]:
		return sniffed{family: famZIP, exact: zipDocument(head), name: name}
	case chain["application/x-ole-storage"]:
		switch name {
		case DOC, XLS, PPT:
			return sniffed{family: famOLE, exact: name, name: name}
		case "application/x-ole-storage":
			return sniffed{family: famOLE, name: name}
		}
		return sniffed{name: name} // an installer, an Outlook message, …
	case chain[Text]:
		for t := range chain {
			if markup[t] {
				return sniffed{name: name}
			}
		}
		if chain[CSV] {
			return sniffed{family: famText, exact: CSV, name: name}
		}
		return sniffed{family: famText, exact: Text, name: name}
	}
	return sniffed{name: name}
}

func bare(t string) string {
	mt, _, _ := strings.Cut(t, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// zipDocument names the Office document a ZIP archive holds, from the entries whose local headers lie in head:
// OpenDocument stores its type in a first entry named "mimetype"; Office Open XML keeps its parts under word/,
// xl/ or ppt/. "" for any other archive.
func zipDocument(head []byte) string {
	sig := []byte("PK\x03\x04")
	for i := bytes.Index(head, sig); i >= 0 && i+30 <= len(head); {
		nameLen := int(binary.LittleEndian.Uint16(head[i+26:]))
		extraLen := int(binary.LittleEndian.Uint16(head[i+28:]))
		if i+30+nameLen > len(head) {
			break
		}
		name := string(head[i+30 : i+30+nameLen])
		switch {
		case name == "mimetype":
			// Stored uncompressed; its size may be in a data descriptor after it, so compare the text itself.
			data := head[i+30+nameLen+extraLen:]
			for _, t := range []string{ODT, ODS, ODP} {
				if rest, ok := bytes.CutPrefix(data, []byte(t)); ok && (len(rest) == 0 || !isTypeByte(rest[0])) {
					return t
				}
			}
		case strings.HasPrefix(name, "word/"):
			return DOCX
		case strings.HasPrefix(name, "xl/"):
			return XLSX
		case strings.HasPrefix(name, "ppt/"):
			return PPTX
		}
		next := bytes.Index(head[i+4:], sig)
		if next < 0 {
			break
		}
		i += 4 + next
	}
	return ""
}

// isTypeByte reports whether c can continue a media type, so that a longer type (…opendocument.text-template)
// is not taken for the one it starts with.
func isTypeByte(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '+'
}
