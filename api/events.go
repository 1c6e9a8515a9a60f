package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/trcr/trcr/store"
)

// streamKeepAlive is how often an idle stream sends a comment line, so that proxies do not close it.
const streamKeepAlive = 25 * time.Second

func (a *API) mountEvents(g *router) {
	g.GET("/events", a.events, a.requireStreamActor)
}

// requireStreamActor authenticates the live stream with a Bearer token, or for pages with their session cookie.
func (a *API) requireStreamActor(next echo.HandlerFunc) echo.HandlerFunc {
	viaToken := a.requireOrg(next)
	return func(c echo.Context) error {
		if c.Request().Header.Get(echo.HeaderAuthorization) != "" || a.opts.SessionUser == nil {
			return viaToken(c)
		}
		userID, orgID, ok := a.opts.SessionUser(c.Request())
		if !ok {
			return store.ErrUnauthorized
		}
		act, err := a.store.ActorFor(c.Request().Context(), userID, orgID, c.RealIP())
		if err != nil {
			return err
		}
		c.Set(ctxUserID, userID)
		c.Set(ctxActor, act)
		return next(c)
	}
}

// events streams what happens in the organization that the caller may see, as Server-Sent Events
// (DECISIONS.md "Live events"). Last-Event-ID (or ?last_event_id= for clients that cannot set it) replays what a
// reconnecting client missed.
func (a *API) events(c echo.Context) error {
	if a.opts.Hub == nil {
		return store.ErrUnavailable
	}
	ctx := c.Request().Context()
	last := c.Request().Header.Get("Last-Event-ID")
	if last == "" {
		last = c.QueryParam("last_event_id")
	}
	st, replay, err := a.opts.Hub.Subscribe(ctx, actor(c), strings.TrimSpace(last))
	if err != nil {
		return err
	}
	defer st.Close()
	w := c.Response()
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, "retry: 3000\n: connected\n\n"); err != nil {
		return nil
	}
	for _, e := range replay {
		if writeEvent(w, e) != nil {
			return nil
		}
	}
	w.Flush()
	keepAlive := time.NewTicker(streamKeepAlive)
	defer keepAlive.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, open := <-st.C:
			if !open {
				return nil // shutdown, or too slow: the client reconnects with Last-Event-ID
			}
			if writeEvent(w, e) != nil {
				return nil
			}
			w.Flush()
		case <-keepAlive.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			w.Flush()
		}
	}
}

func writeEvent(w *echo.Response, e store.Event) error {
	data, err := json.Marshal(e.Wire())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", e.StreamID(), e.Type, data)
	return err
}
