package pgembed

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// relocateRoot is where a cluster goes when the server user cannot reach
// Options.Dir.
const relocateRoot = "/var/tmp"

// maxSocketDirLen keeps "<dir>/.s.PGSQL.65535" within the 104 bytes (macOS;
// 108 on Linux) of a Unix socket address.
const maxSocketDirLen = 100 - len("/.s.PGSQL.65535")

// runAs is the unprivileged user the PostgreSQL binaries run as when this
// process is root.
type runAs struct {
	name     string
	uid, gid uint32
}

func (u *runAs) sysProcAttr() *syscall.SysProcAttr {
	// Credential with no Groups also drops root's supplementary groups.
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid}}
}

// serverUserNames are the users to run PostgreSQL as when root, by
// preference; a variable for tests.
var serverUserNames = []string{"postgres", "nobody"}

// serverUser returns the user to run PostgreSQL as: nil (the current user)
// unless running as root, then "postgres" if it exists, else "nobody".
func serverUser() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var errs []error
	for _, name := range serverUserNames {
		u, err := user.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		uid, err := strconv.ParseUint(u.Uid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("pgembed: user %s: uid %q: %w", name, u.Uid, err)
		}
		gid, err := strconv.ParseUint(u.Gid, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("pgembed: user %s: gid %q: %w", name, u.Gid, err)
		}
		if uid == 0 {
			continue
		}
		return &runAs{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("pgembed: running as root, and no unprivileged user to run PostgreSQL as (%s): %w",
		strings.Join(serverUserNames, ", "), errors.Join(errs...))
}

// clusterDir returns where the cluster for the absolute directory abs lives:
// abs itself, unless user cannot traverse abs's ancestors, then a directory
// under /var/tmp named after abs. It looks at existing directories only.
func clusterDir(abs string, u *runAs) (dir string, relocated bool, blocker string) {
	if u == nil {
		return abs, false, ""
	}
	if blocker := untraversable(filepath.Dir(abs), u); blocker != "" {
		sum := sha256.Sum256([]byte(abs))
		return filepath.Join(relocateRoot, "trcr-pg-"+hex.EncodeToString(sum[:6])), true, blocker
	}
	return abs, false, ""
}

// prepareDir creates the cluster directory for abs (see clusterDir) and gives
// it to the server user.
func prepareDir(abs string, u *runAs, logger *slog.Logger) (string, error) {
	dir, relocated, blocker := clusterDir(abs, u)
	if !relocated {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", fmt.Errorf("pgembed: %w", err)
		}
		// Directories just created follow the umask; check again.
		dir, relocated, blocker = clusterDir(abs, u)
	}
	if relocated {
		logger.Warn("PostgreSQL cannot run in the configured directory: the server user cannot traverse "+blocker+"; using another directory",
			"dir", abs, "user", u.name, "cluster", dir)
		if err := claimRelocated(abs, dir, logger); err != nil {
			return "", err
		}
	}
	if u != nil {
		if err := os.Chown(dir, int(u.uid), int(u.gid)); err != nil {
			return "", fmt.Errorf("pgembed: chown %s to %s: %w", dir, u.name, err)
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("pgembed: %w", err)
	}
	return dir, nil
}

// relocatedMarker is the file in Options.Dir that names the directory its cluster was moved to. Without it
// (the data directory was deleted, or is new) a cluster found there belongs to a deleted data directory.
const relocatedMarker = "RELOCATED"

// claimRelocated creates the relocated cluster directory dir for abs and names it in abs, so that deleting the
// data directory also retires its cluster: a cluster at dir without the marker is removed (unless its server
// seems to run), and initdb starts a fresh one.
func claimRelocated(abs, dir string, logger *slog.Logger) error {
	marker := filepath.Join(abs, relocatedMarker)
	if _, err := os.Stat(marker); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(dir); err == nil {
			if _, err := os.Stat(filepath.Join(dir, dataSubdir, "postmaster.pid")); err == nil {
				logger.Warn("keeping the cluster of a deleted data directory: its server may be running", "cluster", dir)
			} else {
				logger.Warn("removing the PostgreSQL cluster of a deleted data directory", "cluster", dir)
				if err := os.RemoveAll(dir); err != nil {
					return fmt.Errorf("pgembed: %w", err)
				}
			}
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	note := dir + "\n\nThe PostgreSQL cluster of this directory lives in the directory above: the user PostgreSQL runs as\n" +
		"cannot reach this one. Deleting this directory retires that cluster: the next start removes it.\n"
	if err := os.WriteFile(marker, []byte(note), 0o600); err != nil {
		return fmt.Errorf("pgembed: %w", err)
	}
	return nil
}

// untraversable returns the first existing directory on the path from / to
// dir (inclusive) that user u may not search (execute), or "" if there is
// none. Missing directories are ignored. ACLs are not considered.
func untraversable(dir string, u *runAs) string {
	// Find the deepest existing directory and resolve symlinks in it, so that
	// the real chain of directories is checked.
	existing := dir
	for {
		if _, err := os.Stat(existing); err == nil {
			break
		}
		parent := filepath.Dir(existing)
		if parent == existing {
			return ""
		}
		existing = parent
	}
	if real, err := filepath.EvalSymlinks(existing); err == nil {
		existing = real
	}
	for p := existing; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil || !searchable(fi, u) {
			return p
		}
		if parent := filepath.Dir(p); parent == p {
			return ""
		}
	}
}

// searchable reports whether user u (with its primary group only) may search
// directory fi, by the classic owner/group/other rule.
func searchable(fi fs.FileInfo, u *runAs) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true
	}
	perm := fi.Mode().Perm()
	switch {
	case st.Uid == u.uid:
		return perm&0o100 != 0
	case st.Gid == u.gid:
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

// chownTree gives everything under dir that u does not own to u.
func chownTree(dir string, u *runAs) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid == u.uid && st.Gid == u.gid {
			return nil
		}
		return os.Lchown(path, int(u.uid), int(u.gid))
	})
}

// socketDir returns the directory for the server's Unix socket: the cluster
// directory if its path is short enough, else /tmp/trcr-pg-<hash>.
func socketDir(dir string, u *runAs) (string, error) {
	if len(dir) <= maxSocketDirLen {
		return dir, nil
	}
	sum := sha256.Sum256([]byte(dir))
	sock := filepath.Join("/tmp", "trcr-pg-"+hex.EncodeToString(sum[:6]))
	if err := os.Mkdir(sock, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("pgembed: socket directory: %w", err)
	}
	fi, err := os.Lstat(sock)
	if err != nil {
		return "", fmt.Errorf("pgembed: socket directory: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("pgembed: socket directory %s is not a directory", sock)
	}
	if u != nil {
		if err := os.Chown(sock, int(u.uid), int(u.gid)); err != nil {
			return "", fmt.Errorf("pgembed: socket directory: %w", err)
		}
	} else if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return "", fmt.Errorf("pgembed: socket directory %s belongs to another user", sock)
	}
	return sock, nil
}
