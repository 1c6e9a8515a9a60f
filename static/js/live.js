// live.js keeps one stream of the organization's live events open per signed-in page: GET /api/v1/events
// (Server-Sent Events, authenticated by the session cookie; the browser reconnects by itself and sends
// Last-Event-ID, so nothing is missed). Each event is dispatched on document as "trcr:<type>" with the event's
// envelope ({id, type, organization_id, actor_id, created_at, data, changes}) as detail. Pages and components
// listen for what they show; this file also keeps the header in step: the timer and the notification bell.
(function () {
  "use strict";

  // Named SSE events reach only listeners registered for their name.
  var TYPES = [
    "task.created", "task.updated", "task.deleted", "task.moved", "comment.created",
    "attachment.created", "attachment.deleted",
    "chat.message.created", "chat.message.updated", "chat.message.deleted", "chat.reaction.added",
    "chat.reaction.removed", "chat.channel.created", "chat.channel.updated", "chat.channel.deleted", "chat.channel.read",
    "notification.created", "notification.read", "timer.started", "timer.stopped", "invoice.sent", "invoice.paid",
    "project.members.changed", "member.changed", "git.event", "webhook.disabled", "webhook.test"
  ];

  var source = null;

  function dispatch(type, raw) {
    var env;
    try { env = JSON.parse(raw); } catch (e) { return; }
    document.dispatchEvent(new CustomEvent("trcr:" + type, { detail: env }));
    document.dispatchEvent(new CustomEvent("trcr:event", { detail: env }));
  }

  function connect() {
    if (source || !window.EventSource || !document.body || document.body.getAttribute("data-live") !== "on") return;
    source = new EventSource("/api/v1/events");
    TYPES.forEach(function (t) {
      source.addEventListener(t, function (m) { dispatch(t, m.data); });
    });
    source.addEventListener("open", function () { document.body.setAttribute("data-live-state", "open"); });
    source.addEventListener("error", function () {
      document.body.setAttribute("data-live-state", "reconnecting");
      // A closed stream (signed out, or the organization gone) is not retried by the browser.
      if (source && source.readyState === EventSource.CLOSED) { source = null; setTimeout(connect, 5000); }
    });
  }

  // Another tab (or device) started or stopped the timer: the header timer and task buttons reload themselves.
  // This tab's own start or stop already swapped its answer in (and told the task buttons): reloading the top
  // bar again on its event would only repeat it (issue 15).
  function timerChanged(e) {
    if (shownAlready(e.type, e.detail && e.detail.data)) return;
    if (window.htmx) window.htmx.trigger(document.body, "timer-refresh");
  }
  function shownAlready(type, entry) {
    var t = document.getElementById("timer");
    if (!t || t.classList.contains("htmx-request")) return false;
    // The event can overtake the answer of the start or stop that caused it: that answer is on its way.
    if (t.querySelector("form.htmx-request")) return true;
    var state = t.getAttribute("data-state");
    if (type === "trcr:timer.stopped") return state === "stopped";
    var id = t.querySelector("[data-testid='timer-stop-form'] input[name=id]");
    return state === "running" && !!entry && !!id && id.value === entry.id;
  }
  document.addEventListener("trcr:timer.started", timerChanged);
  document.addEventListener("trcr:timer.stopped", timerChanged);

  // The bell counts up with each new notification and follows reads made elsewhere.
  function bell() { return document.querySelector("[data-bell]"); }
  function setUnread(n) {
    var b = bell();
    if (!b) return;
    var badge = b.querySelector("[data-bell-count]");
    b.setAttribute("data-unread", String(n));
    if (badge) {
      badge.textContent = n > 99 ? "99+" : String(n);
      badge.hidden = n <= 0;
    }
    var btn = b.querySelector("summary, button");
    if (btn) btn.setAttribute("aria-label", n > 0 ? "Notifications, " + n + " unread" : "Notifications");
  }
  document.addEventListener("trcr:notification.created", function () {
    var b = bell();
    if (!b) return;
    setUnread((parseInt(b.getAttribute("data-unread"), 10) || 0) + 1);
    if (window.htmx) window.htmx.trigger(b, "bell-refresh");
  });
  document.addEventListener("trcr:notification.read", function (e) {
    var d = e.detail && e.detail.data;
    if (d && typeof d.unread_count === "number") setUnread(d.unread_count);
    var b = bell();
    if (b && window.htmx) window.htmx.trigger(b, "bell-refresh");
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
  else connect();
})();
