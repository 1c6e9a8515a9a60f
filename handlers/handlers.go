// Package handlers serves TRCR's HTML pages to team members: a form or htmx request → one store call → a views/
// component. Sessions live in PostgreSQL (scs) and every state-changing request carries a CSRF token. It never
// imports api/.
//
// Page data has one rule. A page's content is ONE store read built for that page (store.DashboardPage,
// store.TasksPage, store.Board, store.TaskDetail, store.InvoicePage, …): a method that checks the actor's permission
// once and returns in one value everything the page shows, so the handler only turns it into a view model. Around
// it, h.page reads the chrome every page shares (user, organizations, running timer, flashes); that is not page
// data. Further:
//   - A fragment that htmx swaps on its own (a timeline page, a section, a row) makes the one read of what it shows.
//   - A form makes its one use case call (the write) and then, to answer, at most one read: the page's, or the
//     fragment's. A plain form that succeeded is redirected, and the page it lands on makes the read.
//   - A page whose filter the store refuses may make its read again without the filter (the board, the tasks
//     page, the audit log): the same read, so that the page still shows something beside the message.
//
// A handler that needs a second store call for what it shows is missing a page read: add one to store/ (see the
// store package comment) rather than assembling the page here. TestPages_ReadTheirContentWithOneStoreRead follows
// every GET route through this package and fails when a page reaches two store reads.
package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/v2"
	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// Options configure the pages.
type Options struct {
	// DevMailbox shows the outbox at /dev/mailbox to loopback peers (TRCR_DEV_MAILBOX; never with SMTP).
	DevMailbox bool
	Logger     *slog.Logger
	// CSRFKey signs the CSRF tokens of visitors without a session; a random key is made when it is empty (fine for
	// one process; every process behind a load balancer needs the same one).
	CSRFKey []byte
}

// Handlers serves the pages.
type Handlers struct {
	store    *store.Store
	sessions *scs.SessionManager
	opts     Options
	log      *slog.Logger
}

// New builds the pages over a store and a session manager.
func New(s *store.Store, sessions *scs.SessionManager, opts Options) *Handlers {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if len(opts.CSRFKey) == 0 {
		opts.CSRFKey = []byte(newCSRFToken())
	}
	h := &Handlers{store: s, sessions: sessions, opts: opts, log: log}
	sessions.ErrorFunc = h.sessionFailed
	return h
}

// Session keys.
const (
	sessUserID  = "user_id"
	sessVersion = "session_version" // the user's SessionVersion at sign-in; a password change moves it on
	sessOrgID   = "org_id"
	sessCSRF    = "csrf"
	sessFlash   = "flash"
)

// anonymousSessionLifetime bounds a session made for a visitor who is not signed in (to carry a flash message).
const anonymousSessionLifetime = time.Hour

// Context keys.
const (
	ctxUser  = "trcr.page.user"
	ctxActor = "trcr.page.actor"
)

// Mount registers every page on e.
func (h *Handlers) Mount(e *echo.Echo) {
	// Middleware is attached per route rather than to a group: an Echo group with middleware also catches every
	// unknown path, which would answer /api/v1 typos with CSRF errors instead of JSON 404s.
	g := &router{e: e, mw: []echo.MiddlewareFunc{echo.WrapMiddleware(h.sessions.LoadAndSave), h.csrf, h.loadUser, refuseNUL}}
	h.mountAuth(g)
	h.mountAccount(g)
	h.mountOrganization(g)
	h.mountBoard(g)
	h.mountTaskPanel(g)
	h.mountAttachments(g)
	h.mountPostFiles(g)
	h.mountTasksPage(g)
	h.mountGantt(g)
	h.mountMilestones(g)
	h.mountProjects(g)
	h.mountWorkflow(g)
	h.mountTime(g)
	h.mountTimer(g)
	h.mountClients(g)
	h.mountInvoices(g)
	h.mountPublicInvoice(g)
	h.mountReports(g)
	h.mountNotifications(g)
	h.mountTokens(g)
	h.mountChat(g)
	h.mountGit(g)
	h.mountWebhooks(g)
	h.mountSearch(g)
	if h.opts.DevMailbox {
		g.GET("/dev/mailbox", h.devMailbox, loopbackOnly)
		g.GET("/dev/mailbox/:id", h.devMailbox, loopbackOnly)
	}
}

// router registers page routes with a body limit and the session middleware in front of each.
type router struct {
	e  *echo.Echo
	mw []echo.MiddlewareFunc
}

func (r *router) GET(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.e.GET(path, h, r.chain(limitBody(maxPageBody, false), mw)...)
}

func (r *router) POST(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.e.POST(path, h, r.chain(limitBody(maxPageBody, false), mw)...)
}

// UPLOAD registers a POST route that takes a multipart file (read with formFile) and a larger body.
func (r *router) UPLOAD(path string, h echo.HandlerFunc, mw ...echo.MiddlewareFunc) {
	r.e.POST(path, h, r.chain(limitBody(maxUploadBody, true), mw)...)
}

// STREAM registers a POST route that streams a multipart file of up to limit bytes (read with filePart, never
// parsed into memory or spooled to disk).
func (r *router) STREAM(path string, h echo.HandlerFunc, limit int64, mw ...echo.MiddlewareFunc) {
	r.e.POST(path, h, r.chain(limitBody(limit, true), mw)...)
}

// chain puts the body limit first, so an oversized body is refused before a session is loaded or a form parsed.
// Pages are never cached: they show one person's data, and forms carry their CSRF token.
func (r *router) chain(limit echo.MiddlewareFunc, mw []echo.MiddlewareFunc) []echo.MiddlewareFunc {
	out := make([]echo.MiddlewareFunc, 0, 2+len(r.mw)+len(mw))
	out = append(out, noStore, limit)
	out = append(out, r.mw...)
	return append(out, mw...)
}

// noStore tells browsers and proxies to keep no copy of the answer.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// currentUser is the signed-in user, or nil.
func currentUser(c echo.Context) *store.User {
	u, _ := c.Get(ctxUser).(*store.User)
	return u
}

func currentActor(c echo.Context) store.Actor { return c.Get(ctxActor).(store.Actor) }

// loadUser reads the session's user, if any. A session whose user is gone, or that was signed in before the user's
// password changed (another session version), is ended.
func (h *Handlers) loadUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		id := h.sessions.GetString(ctx, sessUserID)
		if id != "" {
			u, err := h.store.User(ctx, id)
			switch {
			case err == nil && u.SessionVersion == h.sessions.GetInt(ctx, sessVersion):
				c.Set(ctxUser, &u)
			case err == nil || errors.Is(err, store.ErrNotFound):
				if err := h.sessions.Destroy(ctx); err != nil {
					return err
				}
			default:
				return err
			}
		}
		return next(c)
	}
}

// requireUser sends anonymous visitors to the login page, coming back afterwards.
func (h *Handlers) requireUser(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if currentUser(c) == nil {
			return redirect(c, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
		}
		return next(c)
	}
}

// requireOrg resolves the organization the user works in (the session's choice, else their default); a user
// without any goes to onboarding.
func (h *Handlers) requireOrg(next echo.HandlerFunc) echo.HandlerFunc {
	return h.requireUser(func(c echo.Context) error {
		ctx := c.Request().Context()
		u := currentUser(c)
		a, err := h.store.ActorFor(ctx, u.ID, h.sessions.GetString(ctx, sessOrgID), c.RealIP())
		if errors.Is(err, store.ErrNotFound) {
			// The chosen organization is gone or the user left it: fall back to the default.
			h.sessions.Remove(ctx, sessOrgID)
			a, err = h.store.ActorFor(ctx, u.ID, "", c.RealIP())
		}
		if errors.Is(err, store.ErrNoOrganization) {
			return redirect(c, "/onboarding")
		}
		if err != nil {
			return err
		}
		c.Set(ctxActor, a)
		return next(c)
	})
}

// renderForm answers a submitted form: the whole page for a normal request, only the form fragment for htmx.
// Invalid input answers 422 so htmx swaps the form with its messages in place.
func renderForm(c echo.Context, status int, page, fragment templ.Component) error {
	if isHTMX(c) {
		return render(c, status, fragment)
	}
	return render(c, status, page)
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// safeNext keeps only local paths as a post-login destination, so a crafted link cannot send users elsewhere. It
// accepts a path that parses with no scheme, host or user, starts with one slash, and has no control character,
// whitespace or backslash anywhere: browsers drop tabs and newlines from URLs and read "\" as "/", which would
// turn "/\t/evil.example" into "//evil.example", another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2048 {
		return ""
	}
	for _, r := range next {
		if r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) || !unicode.IsPrint(r) {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return next
}

// SessionUser reads the signed-in user and their chosen organization from the request's session cookie, without
// the session middleware: the live stream (GET /api/v1/events) uses it so that pages need no token. A session
// signed out by a password change (another session version) is not signed in.
func (h *Handlers) SessionUser(r *http.Request) (userID, orgID string, ok bool) {
	ck, err := r.Cookie(h.sessions.Cookie.Name)
	if err != nil || ck.Value == "" {
		return "", "", false
	}
	ctx, err := h.sessions.Load(r.Context(), ck.Value)
	if err != nil {
		return "", "", false
	}
	userID = h.sessions.GetString(ctx, sessUserID)
	if userID == "" {
		return "", "", false
	}
	u, err := h.store.User(ctx, userID)
	if err != nil || u.SessionVersion != h.sessions.GetInt(ctx, sessVersion) {
		return "", "", false
	}
	return userID, h.sessions.GetString(ctx, sessOrgID), true
}
