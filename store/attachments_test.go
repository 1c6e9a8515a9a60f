package store_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/blob"
	"github.com/trcr/trcr/store/storetest"
)

// fileFixture is an organization with an owner and a member, one project both are on, and a task in it, over a
// store whose files go to blobs.
type fileFixture struct {
	s      *store.Store
	db     *sqlx.DB
	blobs  blob.Store
	owner  store.Actor
	member store.Actor
	task   string
}

func newFileFixture(t *testing.T, blobs blob.Store, cfg store.Config) fileFixture {
	t.Helper()
	db, err := sqlx.Open("postgres", storetest.New(t, migrations.Checksum(), migrations.Up))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg.BaseURL, cfg.Secret = "https://trcr.example", []byte(strings.Repeat("k", 32))
	s := store.New(db, blobs, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	f := fileFixture{s: s, db: db, blobs: blobs}
	f.owner = registerActor(t, s, db, "owner@example.com", "", "")
	f.member = registerActor(t, s, db, "member@example.com", f.owner.OrgID, "member")
	name := "Files"
	p, err := s.CreateProject(ctx, f.owner, store.ProjectInput{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	db.MustExec(`INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'member')`, p.ID, f.member.UserID)
	task, err := s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: p.ID, Title: "Design review"})
	if err != nil {
		t.Fatal(err)
	}
	f.task = task.ID
	return f
}

// registerActor registers a user and makes them the owner of a new organization (orgID "") or a member of orgID.
func registerActor(t *testing.T, s *store.Store, db *sqlx.DB, email, orgID, role string) store.Actor {
	t.Helper()
	ctx := context.Background()
	sess, err := s.Register(ctx, store.RegisterInput{Email: email, Password: "secret123", Name: strings.Split(email, "@")[0]})
	if err != nil {
		t.Fatal(err)
	}
	if orgID == "" {
		name := "Org of " + email
		o, err := s.CreateOrganization(ctx, sess.User.ID, "", store.OrganizationInput{Name: &name})
		if err != nil {
			t.Fatal(err)
		}
		orgID = o.ID
	} else {
		db.MustExec(`INSERT INTO members (organization_id, user_id, email, role, status) VALUES ($1, $2, $3, $4, 'active')`,
			orgID, sess.User.ID, email, role)
	}
	a, err := s.ActorFor(ctx, sess.User.ID, orgID, "")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newLocalBlobs(t *testing.T) (*blob.Local, string) {
	t.Helper()
	dir := t.TempDir()
	l, err := blob.NewLocal(dir, "https://trcr.example", []byte(strings.Repeat("b", 32)))
	if err != nil {
		t.Fatal(err)
	}
	return l, dir
}

// newS3Blobs is an S3 store over the S3-protocol test server, as the blob package tests it.
func newS3Blobs(t *testing.T) *blob.S3 {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	t.Cleanup(srv.Close)
	s3, err := blob.NewS3(t.Context(), blob.S3Config{Endpoint: srv.URL, Bucket: "trcr-test", AccessKey: "a", SecretKey: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return s3
}

func pngFile(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (f fileFixture) upload(t *testing.T, a store.Actor, name, typ string, data []byte) store.Attachment {
	t.Helper()
	att, err := f.s.UploadAttachment(context.Background(), a, store.AttachmentUpload{TaskID: f.task, Filename: name, ContentType: typ, Body: bytes.NewReader(data)})
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	return att
}

// stored reads an object back; ok is false when it is gone.
func stored(t *testing.T, b blob.Store, key string) ([]byte, bool) {
	t.Helper()
	rc, _, err := b.Open(context.Background(), key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data, true
}

func (f fileFixture) keys(t *testing.T, id string) (string, *string) {
	t.Helper()
	var k struct {
		Blob  string  `db:"blob_key"`
		Thumb *string `db:"thumbnail_key"`
	}
	if err := f.db.Get(&k, `SELECT blob_key, thumbnail_key FROM attachments WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return k.Blob, k.Thumb
}

func TestUploadAttachment_StoresTheFileAThumbnailAndTheRecord(t *testing.T) {
	local, _ := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{})
	ctx := context.Background()
	img := pngFile(t, 1200, 600)
	att := f.upload(t, f.member, `C:\fakepath\mock-up.png`, "image/png", img)
	if att.Filename != "mock-up.png" || att.ContentType != "image/png" || att.Size != int64(len(img)) ||
		att.TaskID == nil || *att.TaskID != f.task || att.UploadedBy == nil || *att.UploadedBy != f.member.UserID {
		t.Fatalf("attachment %+v", att)
	}
	if att.URL == nil || att.ThumbnailURL == nil || !strings.Contains(*att.URL, "name=mock-up.png") {
		t.Fatalf("links %v %v", att.URL, att.ThumbnailURL)
	}
	key, thumb := f.keys(t, att.ID)
	if data, ok := stored(t, local, key); !ok || !bytes.Equal(data, img) {
		t.Fatal("the stored file is not the upload")
	}
	thumbData, ok := stored(t, local, *thumb)
	if !ok {
		t.Fatal("no thumbnail stored")
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(thumbData)); err != nil || cfg.Width != 320 || cfg.Height != 160 {
		t.Fatalf("thumbnail %dx%d, %v", cfg.Width, cfg.Height, err)
	}
	list, err := f.s.TaskAttachments(ctx, f.owner, f.task)
	if err != nil || len(list) != 1 || list[0].ID != att.ID || list[0].URL == nil {
		t.Fatalf("list %+v, %v", list, err)
	}
	// The upload is audited and recorded for the project's members, without its links.
	var ev struct {
		Audience string `db:"audience"`
		Data     string `db:"data"`
	}
	if err := f.db.Get(&ev, `SELECT audience, data::text AS data FROM events WHERE type = 'attachment.created' AND entity_id = $1`, att.ID); err != nil {
		t.Fatal(err)
	}
	if ev.Audience != "project" || !strings.Contains(ev.Data, `"url": null`) || !strings.Contains(ev.Data, `"filename": "mock-up.png"`) {
		t.Fatalf("event %+v", ev)
	}
	var audited int
	f.db.Get(&audited, `SELECT count(*) FROM audit_logs WHERE entity_type = 'attachment' AND entity_id = $1 AND action = 'created'`, att.ID)
	if audited != 1 {
		t.Fatalf("%d audit entries", audited)
	}
	// Nothing is left queued for removal: the row owns the objects.
	var queued int
	f.db.Get(&queued, `SELECT count(*) FROM blob_deletions`)
	if queued != 0 {
		t.Fatalf("%d objects queued for removal after a successful upload", queued)
	}
}

// Deleting a task or an organization removes its files from storage: local disk and S3 alike.
func TestBlobSweep_RemovesTheFilesOfDeletedTasksAndOrganizations(t *testing.T) {
	local, _ := newLocalBlobs(t)
	for name, b := range map[string]blob.Store{"local": local, "s3": newS3Blobs(t)} {
		t.Run(name, func(t *testing.T) {
			f := newFileFixture(t, b, store.Config{})
			ctx := context.Background()
			img := f.upload(t, f.owner, "photo.png", "image/png", pngFile(t, 40, 40))
			doc := f.upload(t, f.member, "notes.txt", "text/plain", []byte("minutes of the meeting\n"))
			imgKey, thumb := f.keys(t, img.ID)
			docKey, _ := f.keys(t, doc.ID)

			if err := f.s.DeleteTask(ctx, f.owner, f.task); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{imgKey, *thumb, docKey} {
				if _, ok := stored(t, b, k); !ok {
					t.Fatalf("%s removed before the sweep", k)
				}
			}
			if n, err := f.s.SweepBlobs(ctx); err != nil || n != 3 {
				t.Fatalf("swept %d, %v", n, err)
			}
			for _, k := range []string{imgKey, *thumb, docKey} {
				if _, ok := stored(t, b, k); ok {
					t.Errorf("%s still stored after the sweep", k)
				}
			}

			// A whole organization: its tasks' files go with it.
			name := "Second"
			p, err := f.s.CreateProject(ctx, f.owner, store.ProjectInput{Name: &name})
			if err != nil {
				t.Fatal(err)
			}
			task, err := f.s.CreateTask(ctx, f.owner, store.TaskInput{ProjectID: p.ID, Title: "Another"})
			if err != nil {
				t.Fatal(err)
			}
			f.task = task.ID
			last := f.upload(t, f.owner, "plan.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
			lastKey, _ := f.keys(t, last.ID)
			if err := f.s.DeleteOrganization(ctx, f.owner); err != nil {
				t.Fatal(err)
			}
			if n, err := f.s.SweepBlobs(ctx); err != nil || n != 1 {
				t.Fatalf("swept %d, %v", n, err)
			}
			if _, ok := stored(t, b, lastKey); ok {
				t.Error("the deleted organization's file is still stored")
			}
			var left int
			f.db.Get(&left, `SELECT count(*) FROM blob_deletions`)
			if left != 0 {
				t.Errorf("%d deletions still queued", left)
			}
		})
	}
}

// flakyDeletes fails the first n deletions, as an unreachable object server would.
type flakyDeletes struct {
	blob.Store
	mu    sync.Mutex
	fails int
}

func (f *flakyDeletes) Delete(ctx context.Context, key string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errors.New("connection refused")
	}
	return f.Store.Delete(ctx, key)
}

func TestBlobSweep_RetriesAFailedDeletionLater(t *testing.T) {
	local, _ := newLocalBlobs(t)
	flaky := &flakyDeletes{Store: local}
	f := newFileFixture(t, flaky, store.Config{})
	ctx := context.Background()
	att := f.upload(t, f.owner, "notes.txt", "text/plain", []byte("hello\n"))
	key, _ := f.keys(t, att.ID)
	if err := f.s.DeleteAttachment(ctx, f.owner, att.ID); err != nil {
		t.Fatal(err)
	}
	flaky.fails = 1
	if n, err := f.s.SweepBlobs(ctx); err != nil || n != 0 {
		t.Fatalf("swept %d, %v", n, err)
	}
	var row struct {
		Attempts int     `db:"attempts"`
		Error    *string `db:"last_error"`
		Later    bool    `db:"later"`
	}
	if err := f.db.Get(&row, `SELECT attempts, last_error, due_at > now() + interval '20 seconds' AS later FROM blob_deletions`); err != nil {
		t.Fatal(err)
	}
	if row.Attempts != 1 || row.Error == nil || !row.Later {
		t.Fatalf("after a failure: %+v", row)
	}
	// Not due yet: nothing happens; once due, it is removed.
	if n, _ := f.s.SweepBlobs(ctx); n != 0 {
		t.Fatal("retried before its time")
	}
	f.db.MustExec(`UPDATE blob_deletions SET due_at = now()`)
	if n, err := f.s.SweepBlobs(ctx); err != nil || n != 1 {
		t.Fatalf("swept %d, %v", n, err)
	}
	if _, ok := stored(t, local, key); ok {
		t.Fatal("still stored")
	}
}

// Two uploads that each fit the quota but not together: exactly one is kept, and the other's object is removed.
func TestUploadAttachment_ConcurrentUploadsCannotPassTheQuotaTogether(t *testing.T) {
	local, dir := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{OrgStorageQuota: 1000})
	ctx := context.Background()
	var started sync.WaitGroup
	started.Add(2)
	// Each body waits until both uploads have passed the quota check made before streaming.
	body := func() io.Reader {
		var once sync.Once
		data := bytes.Repeat([]byte("abcdefghij\n"), 60) // 660 bytes of text
		return readerFunc(func(p []byte) (int, error) {
			once.Do(func() { started.Done(); started.Wait() })
			return 0, io.EOF
		}).then(bytes.NewReader(data))
	}
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := f.s.UploadAttachment(ctx, f.member, store.AttachmentUpload{TaskID: f.task, Filename: "a.txt", ContentType: "text/plain", Body: body()})
			errs <- err
		}()
	}
	var ok, full int
	for range 2 {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, store.ErrInsufficientStorage):
			full++
		default:
			t.Fatalf("upload: %v", err)
		}
	}
	if ok != 1 || full != 1 {
		t.Fatalf("%d kept, %d refused; want one of each", ok, full)
	}
	var used int64
	f.db.Get(&used, `SELECT sum(size) FROM attachments`)
	if used != 660 {
		t.Fatalf("used %d", used)
	}
	if n := countFiles(t, filepath.Join(dir, "attachments")); n != 1 {
		t.Fatalf("%d objects stored, want the kept one", n)
	}
	// Full now: the next upload is refused before a byte is read.
	_, err := f.s.UploadAttachment(ctx, f.member, store.AttachmentUpload{TaskID: f.task, Filename: "b.txt", ContentType: "text/plain",
		Body: strings.NewReader(strings.Repeat("x", 400))})
	if se, ok := store.AsKind(err, store.ErrInsufficientStorage); !ok || !strings.Contains(se.Message, "660 bytes of its 1000 bytes are used") {
		t.Fatalf("over the quota: %v", err)
	}
}

type readerFunc func([]byte) (int, error)

func (r readerFunc) Read(p []byte) (int, error) { return r(p) }

// then reads r's first (empty) read, then next.
func (r readerFunc) then(next io.Reader) io.Reader { return io.MultiReader(r, next) }

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Refused uploads answer their kind and leave nothing behind: no row, no object, no temp file, nothing queued.
func TestUploadAttachment_RefusalsLeaveNothingBehind(t *testing.T) {
	local, dir := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{MaxFileSize: 100 << 10})
	ctx := context.Background()
	other := registerActor(t, f.s, f.db, "stranger@example.com", "", "")
	big := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 200<<10)...)
	for _, tc := range []struct {
		name string
		a    store.Actor
		in   store.AttachmentUpload
		kind error
		msg  string
	}{
		{"over the size limit", f.member, store.AttachmentUpload{Filename: "big.pdf", ContentType: "application/pdf", Body: bytes.NewReader(big)}, store.ErrTooLarge, "file is larger than 100 KB"},
		{"declared type mismatch", f.member, store.AttachmentUpload{Filename: "x.pdf", ContentType: "application/pdf", Body: bytes.NewReader(pngFile(t, 4, 4))}, store.ErrUnsupportedType, "declared application/pdf, content is image/png"},
		{"type not allowed", f.member, store.AttachmentUpload{Filename: "x.html", ContentType: "text/html", Body: strings.NewReader("<html></html>")}, store.ErrUnsupportedType, "file type is not allowed"},
		{"empty", f.member, store.AttachmentUpload{Filename: "x.txt", ContentType: "text/plain", Body: strings.NewReader("")}, store.ErrInvalid, "file is empty"},
		{"NUL in the name", f.member, store.AttachmentUpload{Filename: "x\x00.txt", Body: strings.NewReader("x")}, store.ErrInvalid, "NUL"},
		{"name too long", f.member, store.AttachmentUpload{Filename: strings.Repeat("n", 256), Body: strings.NewReader("x")}, store.ErrInvalid, "at most 255"},
		{"body cut off", f.member, store.AttachmentUpload{Filename: "x.txt", ContentType: "text/plain",
			Body: io.MultiReader(strings.NewReader(strings.Repeat("a", 70<<10)), iotest.ErrReader(io.ErrUnexpectedEOF))}, store.ErrInvalid, "ended before"},
		{"task of another organization", other, store.AttachmentUpload{Filename: "x.txt", Body: strings.NewReader("x")}, store.ErrNotFound, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.TaskID = f.task
			_, err := f.s.UploadAttachment(ctx, tc.a, tc.in)
			se, ok := store.AsKind(err, tc.kind)
			if !ok || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %v with %q", err, tc.kind, tc.msg)
			}
			_ = se
		})
	}
	var rows, queued int
	f.db.Get(&rows, `SELECT count(*) FROM attachments`)
	f.db.Get(&queued, `SELECT count(*) FROM blob_deletions`)
	if rows != 0 || queued != 0 {
		t.Fatalf("%d rows, %d queued deletions after refusals", rows, queued)
	}
	if n := countFiles(t, dir); n != 0 {
		t.Fatalf("%d files left in storage (temp files included)", n)
	}
}

func TestAttachments_VisibilityAndDeletion(t *testing.T) {
	local, _ := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{})
	ctx := context.Background()
	outsider := registerActor(t, f.s, f.db, "outsider@example.com", f.owner.OrgID, "member") // not on the project
	mine := f.upload(t, f.member, "mine.txt", "text/plain", []byte("mine\n"))
	owners := f.upload(t, f.owner, "owners.txt", "text/plain", []byte("owner's\n"))

	if _, err := f.s.TaskAttachments(ctx, outsider, f.task); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a member off the project lists the task's files: %v", err)
	}
	if _, err := f.s.AttachmentURL(ctx, outsider, mine.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a member off the project gets a link: %v", err)
	}
	if err := f.s.DeleteAttachment(ctx, outsider, mine.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a member off the project deletes: %v", err)
	}
	// A plain member of the project deletes their own files, not others'.
	if err := f.s.DeleteAttachment(ctx, f.member, owners.ID); !errors.Is(err, store.ErrForbidden) {
		t.Fatalf("member deletes the owner's file: %v", err)
	}
	if err := f.s.DeleteAttachment(ctx, f.member, mine.ID); err != nil {
		t.Fatal(err)
	}
	// The owner manages the project and deletes anyone's.
	if err := f.s.DeleteAttachment(ctx, f.owner, owners.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteAttachment(ctx, f.owner, owners.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted twice: %v", err)
	}
	var deleted int
	f.db.Get(&deleted, `SELECT count(*) FROM events WHERE type = 'attachment.deleted'`)
	if deleted != 2 {
		t.Fatalf("%d attachment.deleted events", deleted)
	}

	// A file attached to nothing: its uploader and the owner see it, other members do not.
	loose, err := f.s.UploadAttachment(ctx, f.member, store.AttachmentUpload{Filename: "loose.txt", Body: strings.NewReader("loose\n")})
	if err != nil || loose.TaskID != nil || loose.ContentType != "text/plain" {
		t.Fatalf("loose upload %+v, %v", loose, err)
	}
	if _, err := f.s.AttachmentURL(ctx, outsider, loose.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another member sees a loose file: %v", err)
	}
	for _, a := range []store.Actor{f.member, f.owner} {
		if _, err := f.s.AttachmentURL(ctx, a, loose.ID); err != nil {
			t.Fatalf("%s: %v", a.Role, err)
		}
	}
}

func TestViewTickets(t *testing.T) {
	local, _ := newLocalBlobs(t)
	f := newFileFixture(t, local, store.Config{})
	ctx := context.Background()
	one := f.upload(t, f.member, "one.txt", "text/plain", []byte("one\n"))
	two := f.upload(t, f.member, "two.txt", "text/plain", []byte("two\n"))

	ticket, err := f.s.IssueViewTicket(ctx, f.member, one.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := ticket.ExpiresAt.Sub(f.s.Now()); d < 55e9 || d > 61e9 {
		t.Fatalf("expires in %v", d)
	}
	if u, err := f.s.AttachmentContentURL(ctx, store.ContentCredentials{Ticket: ticket.Ticket}, one.ID); err != nil || !strings.Contains(u, "/blobs/attachments/") {
		t.Fatalf("ticket for one: %q, %v", u, err)
	}
	if _, err := f.s.AttachmentContentURL(ctx, store.ContentCredentials{Ticket: ticket.Ticket}, two.ID); !errors.Is(err, store.ErrUnauthorized) {
		t.Fatalf("ticket for one opens two: %v", err)
	}
	// A ticket for any file opens both; tampered or expired ones open nothing.
	any, err := f.s.IssueViewTicket(ctx, f.member, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{one.ID, two.ID} {
		if _, err := f.s.AttachmentContentURL(ctx, store.ContentCredentials{Ticket: any.Ticket}, id); err != nil {
			t.Fatal(err)
		}
	}
	tampered := []byte(ticket.Ticket)
	tampered[3] ^= 1
	if _, err := f.s.AttachmentContentURL(ctx, store.ContentCredentials{Ticket: string(tampered)}, one.ID); !errors.Is(err, store.ErrUnauthorized) {
		t.Fatalf("tampered ticket: %v", err)
	}
	later := f.s.Now().Add(61e9)
	f.s.SetClock(func() time.Time { return later })
	if _, err := f.s.AttachmentContentURL(ctx, store.ContentCredentials{Ticket: ticket.Ticket}, one.ID); !errors.Is(err, store.ErrUnauthorized) {
		t.Fatalf("expired ticket: %v", err)
	}
}
