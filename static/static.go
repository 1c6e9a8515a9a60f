// Package static embeds the front-end assets (CSS, JS, vendored libraries
// and images) and serves them with cache-busting URLs.
//
// Templates reference assets through Path, which appends a content hash
// (?v=...). Requests carrying that query parameter are served with a
// long-lived immutable Cache-Control header; other requests revalidate.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

// FS holds every static asset, rooted so that "css/app.css" is a valid name.
//
//go:embed css js vendor img
var FS embed.FS

// Prefix is the URL path under which Handler must be mounted.
const Prefix = "/static/"

var (
	hashMu sync.RWMutex
	hashes = map[string]string{}
)

// Path returns the public URL of the asset name (e.g. "css/app.css") with a
// cache-busting version derived from the first 10 hex characters of the
// SHA-256 of its contents. The hash is computed once per name and cached. If
// the asset does not exist the URL is returned without a version.
func Path(name string) string {
	name = strings.TrimPrefix(name, "/")
	name = strings.TrimPrefix(name, strings.TrimPrefix(Prefix, "/"))

	v := version(name)
	if v == "" {
		return Prefix + name
	}
	return Prefix + name + "?v=" + v
}

// version returns the cached content hash of name, computing it on first use.
func version(name string) string {
	hashMu.RLock()
	v, ok := hashes[name]
	hashMu.RUnlock()
	if ok {
		return v
	}
	v = hashFile(name)
	hashMu.Lock()
	hashes[name] = v
	hashMu.Unlock()
	return v
}

func hashFile(name string) string {
	b, err := fs.ReadFile(FS, name)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:10]
}

// Handler serves FS under Prefix ("/static/"). Mount it at that prefix, e.g.
// with Echo: e.GET("/static/*", echo.WrapHandler(static.Handler())).
//
// Responses for URLs carrying a "v" query parameter (as produced by Path) are
// marked immutable for a year; others must be revalidated. Directory listings
// are not served.
func Handler() http.Handler {
	files := http.FileServer(http.FS(FS))
	return http.StripPrefix(strings.TrimSuffix(Prefix, "/"), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" || name == "." {
			http.NotFound(w, r)
			return
		}
		info, err := fs.Stat(FS, name)
		if err != nil || info.IsDir() {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		if v := version(name); v != "" {
			w.Header().Set("ETag", `"`+v+`"`)
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}))
}
