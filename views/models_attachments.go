package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AttachmentView is a file of the task panel. Kind chooses how it is previewed: "image" in the lightbox, "pdf" in a
// frame, "text" as the start of the file (escaped), "file" not at all (it is downloaded).
type AttachmentView struct {
	ID           string
	Name         string
	ContentType  string
	Size         int64
	URL          string // downloads the file under its name
	ViewURL      string // shows it inline
	ThumbnailURL string
	UploaderName string
	At           time.Time
	CanDelete    bool
}

// PostFilesUploadPath is where composers upload the files of a comment or a chat message.
const PostFilesUploadPath = "/uploads"

// AttachmentKind is how a file of that type is previewed.
func AttachmentKind(contentType string) string {
	switch {
	case strings.HasPrefix(contentType, "image/"):
		return "image"
	case contentType == "application/pdf":
		return "pdf"
	case contentType == "text/plain", contentType == "text/csv":
		return "text"
	}
	return "file"
}

func (a AttachmentView) kind() string { return AttachmentKind(a.ContentType) }

// icon is the picture of a file without a thumbnail.
func (a AttachmentView) icon() string {
	switch ct := a.ContentType; {
	case strings.HasPrefix(ct, "image/"):
		return "image"
	case ct == "application/pdf", ct == "text/plain", strings.Contains(ct, "wordprocessing"), ct == "application/msword",
		strings.Contains(ct, "opendocument.text"):
		return "file-text"
	case ct == "text/csv", strings.Contains(ct, "spreadsheet"), ct == "application/vnd.ms-excel":
		return "file-spreadsheet"
	case ct == "application/zip":
		return "file-archive"
	}
	return "file"
}

// typeLabel names a file's type for people: PNG, PDF, Word document …
func (a AttachmentView) typeLabel() string {
	switch ct := a.ContentType; {
	case strings.HasPrefix(ct, "image/"):
		return strings.ToUpper(strings.TrimPrefix(ct, "image/"))
	case ct == "application/pdf":
		return "PDF"
	case ct == "text/plain":
		return "Text"
	case ct == "text/csv":
		return "CSV"
	case ct == "application/zip":
		return "ZIP"
	case strings.Contains(ct, "wordprocessing"), ct == "application/msword", strings.Contains(ct, "opendocument.text"):
		return "Document"
	case strings.Contains(ct, "spreadsheet"), ct == "application/vnd.ms-excel":
		return "Spreadsheet"
	case strings.Contains(ct, "presentation"), ct == "application/vnd.ms-powerpoint":
		return "Presentation"
	}
	return "File"
}

// previewURL is the fragment with the start of a text file.
func (a AttachmentView) previewURL(taskID string) string {
	return taskPath(taskID, "/attachments/"+url.PathEscape(a.ID)+"/preview")
}

// FileSize writes a size for people: 812 bytes, 14 KB, 2.4 MB.
func FileSize(n int64) string {
	units := []string{"KB", "MB", "GB", "TB"}
	if n < 1024 {
		return Plural(int(n), "byte", "bytes")
	}
	v := float64(n) / 1024
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v >= 10 || v == float64(int64(v)) {
		return fmt.Sprintf("%.0f %s", v, units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// AttachmentTextView is the start of a text file in the preview.
type AttachmentTextView struct {
	Name      string
	Text      string
	Truncated bool
	URL       string // downloads the whole file
}

func int64s(n int64) string { return strconv.FormatInt(n, 10) }
