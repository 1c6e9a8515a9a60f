package api_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trcr/trcr/store"
)

func withFileLimits(maxFile, quota int64) envOption {
	return func(c *store.Config) { c.MaxFileSize, c.OrgStorageQuota = maxFile, quota }
}

// fileWorld is the task world (owner, manager, member and outsider of one project, a stranger with an organization
// of their own) with a task on each side.
type fileWorld struct {
	*taskWorld
	task      string // in the project
	theirTask string // in the other organization
}

func newFileWorld(t *testing.T, opts ...envOption) *fileWorld {
	t.Helper()
	w := &taskWorld{env: newEnv(t, opts...)}
	w.owner, w.manager, w.member = w.register("Tara Owner"), w.register("Mona Manager"), w.register("Mick Member")
	w.outsider, w.stranger = w.register("Otto Outsider"), w.register("Sam Stranger")
	w.org = w.env.org(w.owner, "Task Co")
	for _, u := range []user{w.manager, w.member, w.outsider} {
		w.join(w.owner, w.org, u, "member")
	}
	w.project, w.group = w.sqlProject(w.org, "Website", map[string]string{w.manager.id: "manager", w.member.id: "member"})
	w.otherOrg = w.env.org(w.stranger, "Other Co")
	w.theirs, _ = w.sqlProject(w.otherOrg, "Theirs", map[string]string{w.stranger.id: "manager"})
	f := &fileWorld{taskWorld: w}
	f.task = w.newTask("Mock-ups", nil).str("id")
	f.theirTask = w.must(201, req{method: "POST", path: "/tasks", token: w.stranger.token, org: w.otherOrg,
		body: map[string]any{"title": "Theirs", "project_id": w.theirs}}).str("id")
	return f
}

// upload posts a file to the task as u.
func (w *fileWorld) upload(want int, u user, org, task, filename, declared string, data []byte) resp {
	w.t.Helper()
	ct, body := multipartBody(w.t, "file", filename, declared, data)
	return w.must(want, req{method: "POST", path: "/files/upload?task_id=" + url.QueryEscape(task), token: u.token, org: org, body: body, contentType: ct})
}

// fetch GETs an absolute link (a signed file link) and returns the answer with its body.
func fetch(t *testing.T, link string) (*http.Response, []byte) {
	t.Helper()
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

func TestFiles_UploadListLinksContentAndDelete(t *testing.T) {
	w := newFileWorld(t)
	img := pngImage(t, 800, 400)
	r := w.upload(201, w.member, w.org, w.task, "mock-up.png", "image/png", img)
	for _, k := range []string{"id", "task_id", "filename", "content_type", "size", "url", "thumbnail_url", "uploaded_by", "created_at"} {
		if _, ok := r.json[k]; !ok {
			t.Errorf("attachment has no %s: %s", k, r.raw)
		}
	}
	id := r.str("id")
	if r.str("task_id") != w.task || r.str("filename") != "mock-up.png" || r.str("content_type") != "image/png" ||
		r.json["size"] != float64(len(img)) || r.str("uploaded_by") != w.member.id {
		t.Fatalf("attachment %s", r.raw)
	}
	res, body := fetch(t, r.str("url"))
	if disp, params, _ := mime.ParseMediaType(res.Header.Get("Content-Disposition")); res.StatusCode != 200 || !bytes.Equal(body, img) ||
		disp != "attachment" || params["filename"] != "mock-up.png" {
		t.Fatalf("download: %d %q, %d bytes", res.StatusCode, res.Header.Get("Content-Disposition"), len(body))
	}
	if res, body := fetch(t, r.str("thumbnail_url")); res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" || len(body) >= len(img) {
		t.Fatalf("thumbnail: %d %s, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(body))
	}

	// Anyone who can see the project lists it: the owner (admin) and the project's members.
	for _, u := range []user{w.owner, w.manager, w.member} {
		l := w.must(200, req{method: "GET", path: "/tasks/" + w.task + "/attachments", token: u.token, org: w.org}).data()
		if len(l) != 1 || l[0]["id"] != id || l[0]["url"] == nil {
			t.Fatalf("%s lists %v", u.name, l)
		}
	}
	u := w.must(200, req{method: "GET", path: "/files/" + id + "/url", token: w.manager.token, org: w.org})
	exp, err := time.Parse(time.RFC3339, u.str("expires_at"))
	if err != nil || time.Until(exp) < 59*time.Minute || time.Until(exp) > 2*time.Hour {
		t.Fatalf("url answer %s", u.raw)
	}
	if res, body := fetch(t, u.str("url")); res.StatusCode != 200 || !bytes.Equal(body, img) {
		t.Fatalf("fresh url: %d", res.StatusCode)
	}

	// /content redirects to the file, the organization taken from the file: no X-Organization-ID needed.
	c := w.must(307, req{method: "GET", path: "/files/" + id + "/content", token: w.member.token})
	if res, body := fetch(t, c.header.Get("Location")); res.StatusCode != 200 || !bytes.Equal(body, img) || res.Header.Get("Content-Disposition") != "inline" {
		t.Fatalf("content: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}

	// The member deletes their own file; it is gone from the list and its links answer 404 from the API.
	w.must(204, req{method: "DELETE", path: "/files/" + id, token: w.member.token, org: w.org})
	if l := w.must(200, req{method: "GET", path: "/tasks/" + w.task + "/attachments", token: w.owner.token, org: w.org}).data(); len(l) != 0 {
		t.Fatalf("after delete: %v", l)
	}
	w.must(404, req{method: "GET", path: "/files/" + id + "/url", token: w.owner.token, org: w.org})
	w.must(404, req{method: "GET", path: "/files/" + id + "/content", token: w.owner.token})
	if n := w.count(`SELECT count(*) FROM audit_logs WHERE entity_type = 'attachment'`); n != 2 {
		t.Fatalf("%d audit entries, want created and deleted", n)
	}
	if n, err := w.store.SweepBlobs(context.Background()); err != nil || n != 2 {
		t.Fatalf("sweep removed %d objects (%v), want the file and its thumbnail", n, err)
	}
	if res, _ := fetch(t, r.str("url")); res.StatusCode != 404 {
		t.Fatalf("the deleted file is still served: %d", res.StatusCode)
	}
}

func TestFiles_Refusals(t *testing.T) {
	w := newFileWorld(t, withFileLimits(256<<10, 400<<10))
	text := []byte("Release notes\n")
	owners := w.upload(201, w.owner, w.org, w.task, "owners.txt", "text/plain", text).str("id")
	theirs := w.upload(201, w.stranger, w.otherOrg, w.theirTask, "theirs.txt", "text/plain", text).str("id")
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 300<<10)...)
	upload := func(u user, task, name, declared string, data []byte) req {
		ct, body := multipartBody(t, "file", name, declared, data)
		return req{method: "POST", path: "/files/upload?task_id=" + task, token: u.token, org: w.org, body: body, contentType: ct}
	}
	noFile, noFileCT := func() ([]byte, string) {
		ct, body := multipartBody(t, "file", "", "text/plain", text) // a field, not a file
		return body, ct
	}()
	for _, tc := range []struct {
		name   string
		r      req
		status int
		code   string
	}{
		{"not multipart", req{method: "POST", path: "/files/upload?task_id=" + w.task, token: w.member.token, org: w.org, body: `{"file": "x"}`}, 400, "validation_failed"},
		{"no file part", req{method: "POST", path: "/files/upload?task_id=" + w.task, token: w.member.token, org: w.org, body: noFile, contentType: noFileCT}, 400, "validation_failed"},
		{"empty file", upload(w.member, w.task, "empty.txt", "text/plain", nil), 400, "validation_failed"},
		{"no token", upload(user{}, w.task, "a.txt", "text/plain", text), 401, "unauthorized"},
		{"upload to a project the member is not on", upload(w.outsider, w.task, "a.txt", "text/plain", text), 404, "not_found"},
		{"upload to another organization's task", upload(w.member, w.theirTask, "a.txt", "text/plain", text), 404, "not_found"},
		{"upload to a task id that is not one", upload(w.member, "nope", "a.txt", "text/plain", text), 404, "not_found"},
		{"over the size limit", upload(w.member, w.task, "big.pdf", "application/pdf", pdf), 413, "payload_too_large"},
		{"declared type does not match", upload(w.member, w.task, "x.pdf", "application/pdf", pngImage(t, 8, 8)), 415, "unsupported_media_type"},
		{"type not allowed", upload(w.member, w.task, "x.svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)), 415, "unsupported_media_type"},
		{"list: project the member is not on", req{method: "GET", path: "/tasks/" + w.task + "/attachments", token: w.outsider.token, org: w.org}, 404, "not_found"},
		{"list: another organization's task", req{method: "GET", path: "/tasks/" + w.theirTask + "/attachments", token: w.member.token, org: w.org}, 404, "not_found"},
		{"list: no token", req{method: "GET", path: "/tasks/" + w.task + "/attachments"}, 401, "unauthorized"},
		{"url: project the member is not on", req{method: "GET", path: "/files/" + owners + "/url", token: w.outsider.token, org: w.org}, 404, "not_found"},
		{"url: another organization's file", req{method: "GET", path: "/files/" + theirs + "/url", token: w.member.token, org: w.org}, 404, "not_found"},
		{"url: not an id", req{method: "GET", path: "/files/nope/url", token: w.member.token, org: w.org}, 404, "not_found"},
		{"url: no token", req{method: "GET", path: "/files/" + owners + "/url"}, 401, "unauthorized"},
		{"delete: someone else's file", req{method: "DELETE", path: "/files/" + owners, token: w.member.token, org: w.org}, 403, "forbidden"},
		{"delete: another organization's file", req{method: "DELETE", path: "/files/" + theirs, token: w.owner.token, org: w.org}, 404, "not_found"},
		{"delete: project the member is not on", req{method: "DELETE", path: "/files/" + owners, token: w.outsider.token, org: w.org}, 404, "not_found"},
		{"delete: no token", req{method: "DELETE", path: "/files/" + owners}, 401, "unauthorized"},
		{"ticket: another organization's file", req{method: "POST", path: "/files/view-ticket", token: w.member.token, org: w.org, body: map[string]string{"file_id": theirs}}, 404, "not_found"},
		{"ticket: project the member is not on", req{method: "POST", path: "/files/view-ticket", token: w.outsider.token, org: w.org, body: map[string]string{"file_id": owners}}, 404, "not_found"},
		{"ticket: file_id of the wrong type", req{method: "POST", path: "/files/view-ticket", token: w.member.token, org: w.org, body: `{"file_id": 7}`}, 400, "invalid_body"},
		{"ticket: no token", req{method: "POST", path: "/files/view-ticket"}, 401, "unauthorized"},
		{"content: another organization's file", req{method: "GET", path: "/files/" + theirs + "/content", token: w.member.token}, 404, "not_found"},
		{"content: project the member is not on", req{method: "GET", path: "/files/" + owners + "/content", token: w.outsider.token}, 404, "not_found"},
		{"content: no credentials", req{method: "GET", path: "/files/" + owners + "/content"}, 401, "unauthorized"},
		{"content: a bad token", req{method: "GET", path: "/files/" + owners + "/content?token=forged"}, 401, "unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := w.do(tc.r)
			if r.status != tc.status || r.errCode() != tc.code {
				t.Fatalf("%d %s, want %d %s", r.status, r.raw, tc.status, tc.code)
			}
		})
	}
	// The refusals changed nothing: the two files are all there is, and nothing waits to be removed.
	if n := w.count(`SELECT count(*) FROM attachments`); n != 2 {
		t.Fatalf("%d attachments", n)
	}
	if n := w.count(`SELECT count(*) FROM blob_deletions`); n != 0 {
		t.Fatalf("%d objects queued for removal", n)
	}

	t.Run("413 before reading a body that cannot fit", func(t *testing.T) {
		r := w.do(upload(w.member, w.task, "big.pdf", "application/pdf", bytes.Repeat([]byte("0"), 400<<10)))
		if r.status != 413 || !strings.Contains(r.errMessage(), "larger than") {
			t.Fatalf("%d %s", r.status, r.raw)
		}
	})
	t.Run("413 while streaming a body of unknown length", func(t *testing.T) {
		ct, body := multipartBody(t, "file", "big.pdf", "application/pdf", pdf)
		hr := httptest.NewRequest("POST", "/api/v1/files/upload?task_id="+w.task, io.MultiReader(bytes.NewReader(body))) // no ContentLength
		hr.Header.Set("Content-Type", ct)
		hr.Header.Set("Authorization", "Bearer "+w.member.token)
		hr.Header.Set("X-Organization-ID", w.org)
		rec := httptest.NewRecorder()
		w.echo.ServeHTTP(rec, hr)
		if rec.Code != 413 || hr.ContentLength != -1 {
			t.Fatalf("%d %s (content length %d)", rec.Code, rec.Body, hr.ContentLength)
		}
	})
	t.Run("507 past the organization's quota", func(t *testing.T) {
		// 250 KB fit; the next 200 KB do not, within the 256 KB limit per file.
		w.upload(201, w.member, w.org, w.task, "a.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("1"), 250<<10)...))
		r := w.upload(507, w.member, w.org, w.task, "b.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("2"), 200<<10)...))
		if r.errCode() != "insufficient_storage" || !strings.Contains(r.errMessage(), "delete files to make room") {
			t.Fatalf("%s", r.raw)
		}
		// Another organization's quota is its own.
		w.upload(201, w.stranger, w.otherOrg, w.theirTask, "c.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("3"), 200<<10)...))
	})
}

func TestFiles_ViewTicketsAndTokens(t *testing.T) {
	w := newFileWorld(t)
	one := w.upload(201, w.member, w.org, w.task, "one.txt", "text/plain", []byte("one\n")).str("id")
	two := w.upload(201, w.member, w.org, w.task, "two.txt", "text/plain", []byte("two\n")).str("id")

	tk := w.must(200, req{method: "POST", path: "/files/view-ticket", token: w.member.token, org: w.org, body: map[string]string{"file_id": one}})
	ticket := tk.str("ticket")
	exp, err := time.Parse(time.RFC3339, tk.str("expires_at"))
	if ticket == "" || err != nil || time.Until(exp) > time.Minute || time.Until(exp) < 50*time.Second {
		t.Fatalf("ticket answer %s", tk.raw)
	}
	c := w.must(307, req{method: "GET", path: "/files/" + one + "/content?ticket=" + url.QueryEscape(ticket)})
	if res, body := fetch(t, c.header.Get("Location")); res.StatusCode != 200 || string(body) != "one\n" {
		t.Fatalf("content by ticket: %d %q", res.StatusCode, body)
	}
	// A ticket for one file does not open another, and does not authenticate anything else.
	if r := w.must(401, req{method: "GET", path: "/files/" + two + "/content?ticket=" + url.QueryEscape(ticket)}); !strings.Contains(r.errMessage(), "another file") {
		t.Fatalf("%s", r.raw)
	}
	w.must(401, req{method: "GET", path: "/files/" + one + "/url", token: ticket, org: w.org})
	// Without file_id (as the reference calls it) the ticket opens any file the caller may see.
	anyTicket := w.must(200, req{method: "POST", path: "/files/view-ticket", token: w.member.token, org: w.org}).str("ticket")
	for _, id := range []string{one, two} {
		w.must(307, req{method: "GET", path: "/files/" + id + "/content?ticket=" + url.QueryEscape(anyTicket)})
	}
	// Expired after a minute.
	later := time.Now().Add(61 * time.Second)
	w.store.SetClock(func() time.Time { return later })
	w.must(401, req{method: "GET", path: "/files/" + one + "/content?ticket=" + url.QueryEscape(ticket)})
	w.store.SetClock(time.Now)

	// ?token= works on /content only.
	w.must(307, req{method: "GET", path: "/files/" + one + "/content?token=" + url.QueryEscape(w.member.token)})
	w.must(401, req{method: "GET", path: "/files/" + one + "/url?token=" + url.QueryEscape(w.member.token), org: w.org})
	w.must(401, req{method: "GET", path: "/tasks/" + w.task + "/attachments?token=" + url.QueryEscape(w.member.token), org: w.org})
	w.must(401, req{method: "DELETE", path: "/files/" + one + "?token=" + url.QueryEscape(w.member.token), org: w.org})
}
