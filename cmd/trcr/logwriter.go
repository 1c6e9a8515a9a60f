package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Log lines are written in batches: a busy server logs a line per request, and a write system call per line cost
// about 4% of a request's CPU in the throughput profiles (docs/PERFORMANCE.md). A line waits at most
// logFlushDelay; warnings and errors, and the last lines before the process exits, are written at once.
const (
	logFlushDelay = 50 * time.Millisecond
	logBufferMax  = 64 << 10
)

type logWriter struct {
	mu      sync.Mutex
	out     io.Writer
	buf     []byte
	pending bool // a flush is scheduled
	delay   time.Duration
}

func newLogWriter(out io.Writer) *logWriter { return &logWriter{out: out, delay: logFlushDelay} }

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) >= logBufferMax {
		return len(p), w.flushLocked()
	}
	if !w.pending {
		w.pending = true
		time.AfterFunc(w.delay, func() { _ = w.Flush() })
	}
	return len(p), nil
}

// Flush writes what is buffered.
func (w *logWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flushLocked()
}

func (w *logWriter) flushLocked() error {
	w.pending = false
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.out.Write(w.buf)
	w.buf = w.buf[:0]
	return err
}

// flushingHandler writes a warning or an error, and everything logged before it, as soon as it is logged.
type flushingHandler struct {
	slog.Handler
	w *logWriter
}

func newLogger(out io.Writer, level slog.Leveler) (*slog.Logger, *logWriter) {
	w := newLogWriter(out)
	return slog.New(flushingHandler{slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}), w}), w
}

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.w}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.w}
}
