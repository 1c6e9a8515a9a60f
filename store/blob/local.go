package blob

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MinSecretLen is the shortest URL-signing secret NewLocal accepts; shorter
// HMAC keys make signed URLs guessable offline.
const MinSecretLen = 16

// metaDir holds one JSON sidecar per object (same relative key), recording
// the content type given to Put. It cannot collide with an object because
// ValidateKey rejects path segments that start with a dot.
const metaDir = ".meta"

const (
	dirPerm  = 0o750
	filePerm = 0o640
)

// Local stores objects as plain files under a directory and serves them
// through Handler with HMAC-signed, expiring URLs.
//
// The object at key "avatars/x.png" lives at <dir>/avatars/x.png, so the
// tree can be backed up or inspected with ordinary tools; its content type
// lives in the sidecar <dir>/.meta/avatars/x.png. Every write goes to a temp
// file that is renamed into place, so readers never see partial content.
// Because the filesystem is hierarchical, "a" and "a/b" cannot both exist.
// Concurrent Puts to one key may pair one Put's content with the other's
// type; keys are meant to be unique (e.g. UUIDs), so this is not guarded.
type Local struct {
	dir     string
	baseURL string
	secret  []byte
	now     func() time.Time // replaced in tests to exercise expiry
}

var _ Store = (*Local)(nil)

// NewLocal returns a Store rooted at dir (created if missing). baseURL is
// the absolute URL the application is reachable at, e.g.
// "https://trcr.example.com"; URL builds links as baseURL + "/blobs/" + key,
// so the caller must mount Handler at "/blobs/". secret signs those links
// and must be at least MinSecretLen bytes.
func NewLocal(dir string, baseURL string, secret []byte) (*Local, error) {
	if dir == "" {
		return nil, errors.New("blob: local dir is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: local dir: %w", err)
	}
	if err := os.MkdirAll(abs, dirPerm); err != nil {
		return nil, fmt.Errorf("blob: create local dir: %w", err)
	}
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("blob: URL signing secret must be at least %d bytes", MinSecretLen)
	}
	return &Local{
		dir:     abs,
		baseURL: base,
		secret:  bytes.Clone(secret), // the caller's slice may be reused
		now:     time.Now,
	}, nil
}

func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("blob: base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("blob: base URL %q must be absolute http(s)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("blob: base URL %q must not have a query or fragment", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// Put implements Store. The content is staged completely before anything
// visible changes, so a failed Put leaves the previous object (content and
// type) as it was. The sidecar is then renamed into place before the
// content, so that a crash in between never leaves content without a type.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	contentType, err := normalizeContentType(contentType)
	if err != nil {
		return err
	}
	meta, err := json.Marshal(localMeta{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("blob: encode metadata: %w", err)
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return fmt.Errorf("blob: open local dir: %w", err)
	}
	defer root.Close()

	tmp, err := stage(root, key, ctxReader{ctx: ctx, r: r}, size)
	if err != nil {
		return err
	}
	if err := writeAtomic(root, metaName(key), meta); err != nil {
		root.Remove(tmp)
		return err
	}
	if err := root.Rename(tmp, key); err != nil {
		root.Remove(tmp)
		return fmt.Errorf("blob: rename into %q: %w", key, err)
	}
	return nil
}

// localMeta is the sidecar format; JSON so fields can be added later.
type localMeta struct {
	ContentType string `json:"content_type"`
}

func metaName(key string) string { return metaDir + "/" + key }

func writeAtomic(root *os.Root, name string, data []byte) error {
	tmp, err := stage(root, name, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	if err := root.Rename(tmp, name); err != nil {
		root.Remove(tmp)
		return fmt.Errorf("blob: rename into %q: %w", name, err)
	}
	return nil
}

// stage copies r into a new temp file beside name, for the caller to
// rename over name. It checks that r yields exactly size bytes unless size
// is negative. On error no temp file remains. The temp name starts with a
// dot, so it can never be mistaken for (or collide with) a valid key.
func stage(root *os.Root, name string, r io.Reader, size int64) (_ string, err error) {
	if err := root.MkdirAll(path.Dir(name), dirPerm); err != nil {
		return "", fmt.Errorf("blob: create parent of %q: %w", name, err)
	}
	tmp := path.Join(path.Dir(name), "."+path.Base(name)+".tmp-"+rand.Text())
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return "", fmt.Errorf("blob: create temp file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			root.Remove(tmp)
		}
	}()

	n, err := io.Copy(f, r)
	if err != nil {
		return "", fmt.Errorf("blob: write %q: %w", name, err)
	}
	if size >= 0 && n != size {
		return "", fmt.Errorf("blob: write %q: got %d bytes, expected %d", name, n, size)
	}
	// Sync before the rename: otherwise a crash can leave the new name
	// pointing at an empty file on some filesystems.
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("blob: sync %q: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("blob: close %q: %w", name, err)
	}
	return tmp, nil
}

// Check implements Store by writing and removing a small probe file, so that a full disk (ENOSPC) or a
// read-only mount (EROFS, EACCES) shows up before a user's upload meets it. The probe's name starts with a
// dot, so it can never be taken for an object.
func (l *Local) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return fmt.Errorf("blob: open local dir: %w", err)
	}
	defer root.Close()
	probe := ".health-" + rand.Text()
	f, err := root.OpenFile(probe, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
	if err != nil {
		return fmt.Errorf("blob: check local dir: %w", err)
	}
	_, werr := f.Write([]byte("ok\n"))
	cerr := f.Close()
	rerr := root.Remove(probe)
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return fmt.Errorf("blob: check local dir: %w", err)
	}
	return nil
}

// ctxReader stops a long copy once the request that started it is gone.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Open implements Store. The returned reader is an *os.File and so also
// implements io.Seeker.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, Info{}, err
	}
	f, info, _, err := l.openFile(key)
	if err != nil {
		return nil, Info{}, err
	}
	return f, info, nil
}

func (l *Local) openFile(key string) (*os.File, Info, time.Time, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Info{}, time.Time{}, err
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return nil, Info{}, time.Time{}, fmt.Errorf("blob: open local dir: %w", err)
	}
	defer root.Close() // files opened through root stay valid

	f, err := root.Open(key)
	if err != nil {
		return nil, Info{}, time.Time{}, notFoundOr(key, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Info{}, time.Time{}, fmt.Errorf("blob: stat %q: %w", key, err)
	}
	if !st.Mode().IsRegular() {
		// A key that names a directory, e.g. "avatars", is not an object.
		f.Close()
		return nil, Info{}, time.Time{}, fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return f, Info{Size: st.Size(), ContentType: readContentType(root, key)}, st.ModTime(), nil
}

// notFoundOr maps "no such file" and "a parent is a file" to ErrNotFound.
func notFoundOr(key string, err error) error {
	if isMissing(err) {
		return fmt.Errorf("%w: %s", ErrNotFound, key)
	}
	return fmt.Errorf("blob: open %q: %w", key, err)
}

// readContentType falls back to a generic type when the sidecar is missing
// or unreadable (e.g. files copied in by hand): serving bytes as
// application/octet-stream is safe, failing the download is not useful.
func readContentType(root *os.Root, key string) string {
	raw, err := root.ReadFile(metaName(key))
	if err != nil {
		return defaultContentType
	}
	var m localMeta
	if err := json.Unmarshal(raw, &m); err != nil || m.ContentType == "" {
		return defaultContentType
	}
	return m.ContentType
}

// Delete implements Store. The content goes first so that there is never
// content without its sidecar.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	root, err := os.OpenRoot(l.dir)
	if err != nil {
		return fmt.Errorf("blob: open local dir: %w", err)
	}
	defer root.Close()
	for _, name := range []string{key, metaName(key)} {
		if err := removeFile(root, name); err != nil {
			return fmt.Errorf("blob: delete %q: %w", name, err)
		}
	}
	return nil
}

// removeFile removes a regular file, treating a missing one as removed and
// leaving directories alone: a key like "avatars" names no object even when
// other objects live under "avatars/".
func removeFile(root *os.Root, name string) error {
	st, err := root.Lstat(name)
	if isMissing(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		return nil
	}
	if err := root.Remove(name); err != nil && !isMissing(err) {
		return err
	}
	return nil
}

// isMissing reports "no such file", including when a parent is a file.
func isMissing(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// URL implements Store. The link is
// baseURL/blobs/<key>?exp=<unix>&sig=<hex>[&name=<downloadName>] where sig
// is HMAC-SHA256 over "key|exp|downloadName". The separator is unambiguous
// because keys cannot contain '|' and exp is all digits.
func (l *Local) URL(ctx context.Context, key string, ttl time.Duration, downloadName string) (string, error) {
	if err := ValidateKey(key); err != nil {
		return "", err
	}
	if err := checkTTL(ttl); err != nil {
		return "", err
	}
	exp := ceilUnix(l.now().Add(ttl))
	var b strings.Builder
	b.WriteString(l.baseURL)
	b.WriteString("/blobs/")
	b.WriteString(key) // ValidateKey's alphabet needs no escaping
	b.WriteString("?exp=")
	b.WriteString(strconv.FormatInt(exp, 10))
	b.WriteString("&sig=")
	b.WriteString(hex.EncodeToString(l.sign(key, exp, downloadName)))
	if downloadName != "" {
		b.WriteString("&name=")
		b.WriteString(url.QueryEscape(downloadName))
	}
	return b.String(), nil
}

// ceilUnix rounds up so that a sub-second ttl still yields a usable link.
func ceilUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}

func (l *Local) sign(key string, exp int64, downloadName string) []byte {
	mac := hmac.New(sha256.New, l.secret)
	mac.Write([]byte(key + "|" + strconv.FormatInt(exp, 10) + "|" + downloadName))
	return mac.Sum(nil)
}

// verify checks the signature and expiry of a request's query and returns
// how long the link stays valid.
func (l *Local) verify(key string, q url.Values) (time.Duration, bool) {
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	if err != nil {
		return 0, false
	}
	sig, err := hex.DecodeString(q.Get("sig"))
	if err != nil {
		return 0, false
	}
	// Check the signature before the clock so that responses do not reveal
	// whether a forged link would have been in date.
	if !hmac.Equal(sig, l.sign(key, exp, q.Get("name"))) {
		return 0, false
	}
	remaining := time.Unix(exp, 0).Sub(l.now())
	if remaining <= 0 {
		return 0, false
	}
	return remaining, true
}

// Handler serves the links made by URL. Mount it at "/blobs/"; it strips
// that prefix itself, and also accepts paths from which the caller already
// stripped it (except for keys that themselves start with "blobs/").
//
// Responses: 403 for a missing, bad or expired signature (checked before
// the object is looked up, so unsigned requests learn nothing), 404 for a
// missing object, 405 for methods other than GET and HEAD. Range requests
// and conditional requests are handled by http.ServeContent.
func (l *Local) Handler() http.Handler {
	return http.HandlerFunc(l.serve)
}

func (l *Local) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	key := keyFromPath(r.URL.Path)
	if ValidateKey(key) != nil {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	remaining, ok := l.verify(key, q)
	if !ok {
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return
	}
	f, info, modTime, err := l.openFile(key)
	if errors.Is(err, ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		slog.ErrorContext(r.Context(), "blob: serve local object", "key", key, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	defer f.Close()

	h := w.Header()
	h.Set("Content-Type", info.ContentType) // set first so ServeContent does not sniff
	h.Set("Content-Disposition", contentDisposition(q.Get("name")))
	// Caches must not outlive the link; private because the URL is a secret.
	h.Set("Cache-Control", "private, max-age="+strconv.FormatInt(int64(remaining/time.Second), 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", objectPolicy(info.ContentType))
	// The app's own pages may show an object in a frame (a PDF preview); no other site may.
	h.Set("X-Frame-Options", "SAMEORIGIN")
	http.ServeContent(w, r, "", modTime, f)
}

// objectPolicy is the Content-Security-Policy of a served object. Objects are user uploads served from the app's
// own origin: should one be HTML or SVG, the sandbox keeps it from running script with the app's cookies. A PDF is
// shown by the browser's own viewer, which a sandboxed document cannot load, and which never runs the file's
// scripts with the page's origin; it is left out of the sandbox so that it can be previewed.
func objectPolicy(contentType string) string {
	if ct, _, _ := strings.Cut(contentType, ";"); strings.TrimSpace(ct) == "application/pdf" {
		return "default-src 'none'; frame-ancestors 'self'"
	}
	return "default-src 'none'; sandbox"
}

func keyFromPath(p string) string {
	if k, ok := strings.CutPrefix(p, "/blobs/"); ok {
		return k
	}
	return strings.TrimPrefix(p, "/")
}
