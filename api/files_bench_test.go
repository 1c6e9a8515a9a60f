package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/api"
	"github.com/trcr/trcr/migrations"
	"github.com/trcr/trcr/store"
	"github.com/trcr/trcr/store/blob"
	"github.com/trcr/trcr/store/storetest"
)

// benchFileSize is the upload the issue measures.
const benchFileSize = 20 << 20

// pdfStream yields a PDF-looking stream of n bytes from one small buffer, so that the client holds nothing
// either: what the process allocates is the server's doing.
type pdfStream struct {
	n    int64
	sent int64
	fill [32 << 10]byte
}

func newPDFStream(n int64) *pdfStream {
	s := &pdfStream{n: n}
	copy(s.fill[:], "%PDF-1.7\n")
	for i := 9; i < len(s.fill); i++ {
		s.fill[i] = byte('0' + i%10)
	}
	return s
}

func (s *pdfStream) Read(p []byte) (int, error) {
	if s.sent >= s.n {
		return 0, io.EOF
	}
	off := int(s.sent % int64(len(s.fill)))
	if s.sent > 0 && off < 9 {
		off = 9 // the header once
	}
	n := copy(p, s.fill[off:])
	if rest := s.n - s.sent; int64(n) > rest {
		n = int(rest)
	}
	s.sent += int64(n)
	return n, nil
}

// BenchmarkUpload20MB streams a 20 MB file through POST /api/v1/files/upload of a real HTTP server into local
// file storage, and reports how much the process's heap grew at its peak during the upload and how much it
// allocated in all: both should stay far below the file's size (the file is streamed, not held).
// Runs only with -bench: go test -run '^$' -bench Upload20MB -benchtime 5x ./api/
func BenchmarkUpload20MB(b *testing.B) {
	db, err := sqlx.Open("postgres", storetest.New(b, migrations.Checksum(), migrations.Up))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	files, err := blob.NewLocal(b.TempDir(), "http://trcr.test", []byte(strings.Repeat("b", 32)))
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	s := store.New(db, files, store.Config{BaseURL: "http://trcr.test", Secret: testSecret, AuthRateLimit: 10000}, log)
	e := echo.New()
	a := api.New(s, api.Options{Logger: log})
	e.HTTPErrorHandler = a.HandleError
	a.Mount(e.Group("/api/v1"))
	srv := httptest.NewServer(e)
	defer srv.Close()

	ctx := context.Background()
	sess, err := s.Register(ctx, store.RegisterInput{Email: "bench@example.com", Password: "secret123", Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	name := "Bench"
	org, err := s.CreateOrganization(ctx, sess.User.ID, "", store.OrganizationInput{Name: &name})
	if err != nil {
		b.Fatal(err)
	}
	owner, err := s.ActorFor(ctx, sess.User.ID, org.ID, "")
	if err != nil {
		b.Fatal(err)
	}
	p, err := s.CreateProject(ctx, owner, store.ProjectInput{Name: &name})
	if err != nil {
		b.Fatal(err)
	}
	task, err := s.CreateTask(ctx, owner, store.TaskInput{ProjectID: p.ID, Title: "Upload"})
	if err != nil {
		b.Fatal(err)
	}
	login, err := s.Login(ctx, store.LoginInput{Email: "bench@example.com", Password: "secret123", WithTokens: true})
	if err != nil {
		b.Fatal(err)
	}
	token := login.Tokens.AccessToken

	upload := func() {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			part, err := mw.CreatePart(map[string][]string{
				"Content-Disposition": {`form-data; name="file"; filename="scan.pdf"`}, "Content-Type": {"application/pdf"},
			})
			if err == nil {
				_, err = io.Copy(part, newPDFStream(benchFileSize))
			}
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/files/upload?task_id="+task.ID, pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Size int64 `json:"size"`
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != http.StatusCreated || out.Size != benchFileSize {
			b.Fatalf("upload: %d, size %d, %v", res.StatusCode, out.Size, err)
		}
	}
	upload() // warm up: connections, prepared plans, the first file of the directory

	// The peak of the heap is sampled while the uploads run.
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	b.SetBytes(benchFileSize)
	b.ResetTimer()
	for range b.N {
		upload()
	}
	b.StopTimer()
	close(stop)
	sampler.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	growth := float64(0)
	if p := peak.Load(); p > before.HeapInuse {
		growth = float64(p - before.HeapInuse)
	}
	b.ReportMetric(growth/(1<<20), "peak-heap-growth-MB")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MB/op")
	b.ReportMetric(float64(before.HeapInuse)/(1<<20), "heap-before-MB")
}
