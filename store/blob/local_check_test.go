package blob

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a private tmpfs on dir, unmounted when the test ends. Only root (with CAP_SYS_ADMIN) can;
// the test is skipped elsewhere, because root ignores file modes and nothing else makes a real full or
// read-only filesystem.
func mountTmpfs(t *testing.T, dir string, flags uintptr, data string) {
	t.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, data); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v); needs root with CAP_SYS_ADMIN", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

// A read-only directory fails Check and Put with the operating system's own error, which the store turns into
// "insufficient storage".
func TestLocalCheck_ReadOnlyDirectoryFails(t *testing.T) {
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		mountTmpfs(t, dir, syscall.MS_RDONLY, "size=64k")
	} else {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
	}
	l, err := NewLocal(dir, "http://127.0.0.1/", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	err = l.Check(t.Context())
	if !errors.Is(err, syscall.EROFS) && !errors.Is(err, syscall.EACCES) {
		t.Fatalf("Check on a read-only directory: %v, want EROFS or EACCES", err)
	}
	err = l.Put(t.Context(), "avatars/a.png", strings.NewReader("png"), 3, "image/png")
	if !errors.Is(err, syscall.EROFS) && !errors.Is(err, syscall.EACCES) {
		t.Fatalf("Put on a read-only directory: %v, want EROFS or EACCES", err)
	}
}

// A full filesystem fails Check with ENOSPC and leaves no probe behind; once space is freed it passes again.
func TestLocalCheck_FullDiskFailsAndRecovers(t *testing.T) {
	dir := t.TempDir()
	mountTmpfs(t, dir, 0, "size=64k")
	l, err := NewLocal(dir, "http://127.0.0.1/", testSecret)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Check(t.Context()); err != nil {
		t.Fatalf("Check before the disk is full: %v", err)
	}
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(f, zeros{})
	f.Close()
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("filling the disk: %v", err)
	}
	if err := l.Check(t.Context()); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Check on a full disk: %v, want ENOSPC", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("Check left files behind: %v", entries)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if err := l.Check(t.Context()); err != nil {
		t.Fatalf("Check after freeing space: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
