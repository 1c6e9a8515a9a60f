package store

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/trcr/trcr/store/filetype"
)

// /files/:id/content redirects to a file for a caller who may send no header at all (an <img src>): it takes a
// short-lived view ticket, an access token, and finds the organization from the file itself.

// ViewTicketTTL is how long a view ticket opens files.
const ViewTicketTTL = 60 * time.Second

// ViewTicket lets whoever holds it open files as its user for a minute: one file when it names one, else any
// file of its organization the user may see.
type ViewTicket struct {
	Ticket    string    `json:"ticket"`
	ExpiresAt time.Time `json:"expires_at"`
}

// viewTicketClaims is what a ticket says: who, in which organization, for which file (uuid.Nil: any), until when.
type viewTicketClaims struct {
	user, org, file uuid.UUID
	expires         int64
}

const viewTicketPayload = 16*3 + 8

// IssueViewTicket gives the actor a ticket for the file fileID (which it must see), or for any file it may see
// in its organization when fileID is "".
func (s *Store) IssueViewTicket(ctx context.Context, a Actor, fileID string) (ViewTicket, error) {
	c := viewTicketClaims{user: uuid.MustParse(a.UserID), org: uuid.MustParse(a.OrgID)}
	if fileID != "" {
		f, err := visibleAttachment(ctx, s.db, a, fileID)
		if err != nil {
			return ViewTicket{}, err
		}
		c.file = uuid.MustParse(f.ID)
	}
	expires := s.now().Add(ViewTicketTTL).Truncate(time.Second)
	c.expires = expires.Unix()
	payload := make([]byte, 0, viewTicketPayload)
	payload = append(append(append(payload, c.user[:]...), c.org[:]...), c.file[:]...)
	payload = binary.BigEndian.AppendUint64(payload, uint64(c.expires))
	ticket := base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(s.signTicket(payload))
	return ViewTicket{Ticket: ticket, ExpiresAt: expires.UTC()}, nil
}

func (s *Store) signTicket(payload []byte) []byte {
	m := hmac.New(sha256.New, s.deriveKey("view-ticket"))
	m.Write(payload)
	return m.Sum(nil)
}

// parseViewTicket checks a ticket's signature and expiry.
func (s *Store) parseViewTicket(ticket string) (viewTicketClaims, bool) {
	var c viewTicketClaims
	p, sig, ok := strings.Cut(ticket, ".")
	if !ok {
		return c, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || len(payload) != viewTicketPayload || !hmac.Equal(mac, s.signTicket(payload)) {
		return c, false
	}
	copy(c.user[:], payload[0:16])
	copy(c.org[:], payload[16:32])
	copy(c.file[:], payload[32:48])
	c.expires = int64(binary.BigEndian.Uint64(payload[48:]))
	return c, s.now().Unix() < c.expires
}

// ContentCredentials are what a request for a file's content carries: a view ticket, or the user an access token
// named.
type ContentCredentials struct {
	Ticket string
	UserID string
	IP     string
}

// AttachmentContentURL gives the link that /files/:id/content redirects to. The organization is the file's own;
// the user must be an active member of it who may see the file (ErrNotFound otherwise). A ticket that is forged,
// expired, or for another file or organization is ErrUnauthorized.
func (s *Store) AttachmentContentURL(ctx context.Context, cred ContentCredentials, fileID string) (string, error) {
	if !validID(fileID) {
		return "", fmt.Errorf("file: %w", ErrNotFound)
	}
	userID, orgID := cred.UserID, ""
	if cred.Ticket != "" {
		c, ok := s.parseViewTicket(cred.Ticket)
		if !ok {
			return "", unauthorized("the view ticket is invalid or has expired")
		}
		if c.file != uuid.Nil && c.file.String() != fileID {
			return "", unauthorized("the view ticket is for another file")
		}
		userID, orgID = c.user.String(), c.org.String()
	}
	if userID == "" {
		return "", ErrUnauthorized
	}
	var fileOrg string
	if err := s.db.GetContext(ctx, &fileOrg, `SELECT organization_id FROM attachments WHERE id = $1`, fileID); err != nil {
		return "", notFoundIfNoRows(err, "file")
	}
	if orgID != "" && orgID != fileOrg {
		return "", unauthorized("the view ticket is for another organization")
	}
	a, err := loadActor(ctx, s.db, userID, fileOrg, cred.IP)
	if err != nil {
		return "", fmt.Errorf("file: %w", ErrNotFound)
	}
	f, err := visibleAttachment(ctx, s.db, a, fileID)
	if err != nil {
		return "", err
	}
	link := s.signedLink(ctx, f.BlobKey, s.attachmentLinkExpiry(), "")
	if link == nil {
		return "", unavailable("file storage", nil)
	}
	return *link, nil
}

// MaxTextPreview is how much of a text file its preview shows.
const MaxTextPreview = 256 << 10

// AttachmentText is the start of a text file, for its preview.
type AttachmentText struct {
	File      Attachment
	Text      string
	Truncated bool // the file goes on past MaxTextPreview
}

// AttachmentPreview reads the start of a text or CSV file of the task for anyone who can see it; other types have
// no text preview (ErrInvalid).
func (s *Store) AttachmentPreview(ctx context.Context, a Actor, taskID, fileID string) (AttachmentText, error) {
	f, err := visibleAttachment(ctx, s.db, a, fileID)
	if err != nil {
		return AttachmentText{}, err
	}
	if f.TaskID == nil || *f.TaskID != taskID {
		return AttachmentText{}, fmt.Errorf("file: %w", ErrNotFound)
	}
	if !filetype.IsText(f.ContentType) {
		return AttachmentText{}, Invalid("file", "only text files have a text preview")
	}
	rc, _, err := s.blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return AttachmentText{}, fmt.Errorf("preview: %w", storageFailure(err))
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, MaxTextPreview+1))
	if err != nil {
		return AttachmentText{}, fmt.Errorf("preview: %w", storageFailure(err))
	}
	out := AttachmentText{File: s.presentAttachment(ctx, f), Truncated: len(data) > MaxTextPreview}
	if out.Truncated {
		data = data[:MaxTextPreview]
	}
	out.Text = decodeText(data)
	return out, nil
}

// decodeText reads UTF-8 (with or without its byte order mark) or UTF-16 with one; bytes that are not UTF-8 (a
// Windows-1252 CSV) show as replacement characters rather than fail.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order := binary.ByteOrder(binary.LittleEndian)
		if data[0] == 0xFE {
			order = binary.BigEndian
		}
		units := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			units = append(units, order.Uint16(data[i:]))
		}
		return string(utf16.Decode(units))
	}
	// A preview cut mid-character drops the partial character.
	for i := 1; i < utf8.UTFMax && i <= len(data); i++ {
		if utf8.RuneStart(data[len(data)-i]) {
			if !utf8.FullRune(data[len(data)-i:]) {
				data = data[:len(data)-i]
			}
			break
		}
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
}
