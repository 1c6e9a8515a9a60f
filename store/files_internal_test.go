package store

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/trcr/trcr/store/blob"
)

// File storage errors get their kind: full or read-only storage is insufficient storage (507), an unreachable
// object server is unavailable file storage (503); anything else is left alone.
func TestStorageFailure_Classified(t *testing.T) {
	t.Parallel()
	// A real ENOSPC from the kernel: /dev/full refuses every write with it.
	f, full := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if full == nil {
		_, full = f.Write([]byte("x"))
		f.Close()
	}
	if !errors.Is(full, syscall.ENOSPC) {
		t.Fatalf("writing /dev/full: %v, want ENOSPC", full)
	}
	readOnly := &fs.PathError{Op: "open", Path: "/files/avatars/.x.tmp", Err: syscall.EROFS}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, tc := range []struct {
		name    string
		err     error
		kind    error
		message string
	}{
		{"disk full", full, ErrInsufficientStorage, "file storage is full"},
		{"object server full", errors.Join(blob.ErrFull, errors.New("XMinioStorageFull")), ErrInsufficientStorage, "file storage is full"},
		{"read-only", readOnly, ErrInsufficientStorage, "file storage is read-only"},
		{"unreachable", refused, ErrUnavailable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := storageFailure(tc.err)
			if !errors.Is(got, tc.kind) || !errors.Is(got, tc.err) {
				t.Fatalf("storageFailure(%v) = %v, want %v wrapping the cause", tc.err, got, tc.kind)
			}
			se, ok := AsKind(got, tc.kind)
			if tc.message != "" && (!ok || se.Message != tc.message) {
				t.Errorf("message of %v, want %q", got, tc.message)
			}
			if tc.kind == ErrUnavailable && (!ok || !strings.HasPrefix(se.Message, "the file storage ")) {
				t.Errorf("%v does not name file storage", got)
			}
		})
	}
	other := errors.New("blob: put: AccessDenied")
	if storageFailure(other) != other {
		t.Error("an unknown storage error was given a kind")
	}
}
