package main

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Info lines wait for the flush; an error is written at once, after the lines logged before it; a full buffer is
// written without waiting; Flush writes the rest.
func TestLogWriter_BatchesLinesButWritesErrorsAtOnce(t *testing.T) {
	var out lockedBuffer
	log, w := newLogger(&out, slog.LevelInfo)
	w.delay = time.Hour // no timed flush during the test
	log.Info("request", "n", 1)
	log.Debug("not logged")
	if got := out.String(); got != "" {
		t.Fatalf("an info line was written before its flush: %q", got)
	}
	log.With("area", "db").Error("boom")
	got := out.String()
	if !strings.Contains(got, "msg=request n=1") || !strings.Contains(got, "area=db") || strings.Index(got, "request") > strings.Index(got, "boom") {
		t.Fatalf("an error should write every line before it, in order: %q", got)
	}
	log.Info("after")
	if strings.Contains(out.String(), "after") {
		t.Fatal("a line after the error was written without a flush")
	}
	for range logBufferMax / 40 {
		log.Info("filler filler filler")
	}
	if !strings.Contains(out.String(), "after") {
		t.Fatalf("a full buffer was not written (%d bytes out)", len(out.String()))
	}
	log.Info("last")
	if err := w.Flush(); err != nil || !strings.HasSuffix(out.String(), "msg=last\n") {
		t.Fatalf("Flush: %v, output ends %q", err, out.String()[max(0, len(out.String())-40):])
	}
}

// Without a call to Flush, a line is written once the delay has passed.
func TestLogWriter_WritesWithinTheDelay(t *testing.T) {
	var out lockedBuffer
	log, w := newLogger(&out, slog.LevelInfo)
	w.delay = time.Millisecond
	log.Info("soon")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "msg=soon") {
		if time.Now().After(deadline) {
			t.Fatal("the line was never written")
		}
		time.Sleep(time.Millisecond)
	}
}
