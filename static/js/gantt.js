// gantt.js — the interactions of the Gantt chart (views/gantt.templ). The server lays out every bar; this file
// only changes the bar the user is working with:
//  * drag a bar to move it (both dates), or drag either end to change its start or due date, snapping to days;
//    on drop it POSTs the new dates to /gantt/tasks/{id}/dates. A refused change snaps the bar back and shows the
//    server's message beside the bar and as a flash.
//  * drag a milestone's flag (in the lane under the scale) to move it by days; on drop it POSTs the new date to
//    /gantt/milestones/{id}/date (the milestone's edit form under the chart is the keyboard way);
//  * a click on a bar opens its task panel through htmx.ajax (the chart has no hx-* attribute for htmx to wire);
//  * keyboard: bars are focusable; ←/→ move the focused bar by a day, Shift+←/→ change its due date, ↑/↓ go to
//    the previous/next bar, Enter opens the task panel.
//  * scrolling: the chart opens on today, "Today" scrolls back to it, a zoom change keeps the same day in the
//    middle, and a refreshed chart (after the task panel changed a task) keeps its scroll position. The chart
//    draws a window of days; scrolling near either end fetches a wider one. The label of a bar that ends before
//    the part in view stays at its left edge.
// While dragging, the bar moves with a transform (or its own rects when resizing) and only its own dependency
// arrows are redrawn: nothing else on the page is laid out again.
(function () {
  "use strict";

  var DAY = 86400000;
  var EDGE = 8; // px at each end of a bar that resize instead of move (at most a third of the bar)
  var SAVE_DELAY = 450; // ms of keyboard quiet before a nudge is saved

  // ---- Geometry ---------------------------------------------------------------
  function chartOf(el) {
    return el.closest("svg.gantt__chart");
  }

  function geom(svg) {
    return {
      width: +svg.getAttribute("width"),
      origin: Date.parse(svg.getAttribute("data-origin") + "T00:00:00Z"),
      dayW: +svg.getAttribute("data-day-width"),
      rowH: +svg.getAttribute("data-row-height"),
      barH: +svg.getAttribute("data-bar-height"),
    };
  }

  function parseDay(s) {
    return s ? Date.parse(s + "T00:00:00Z") : NaN;
  }

  function isoDay(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function human(ms) {
    var d = new Date(ms);
    return MONTHS[d.getUTCMonth()] + " " + d.getUTCDate();
  }

  function span(state) {
    var s = parseDay(state.start || state.due),
      d = parseDay(state.due || state.start);
    return s === d ? human(s) : human(s) + " – " + human(d);
  }

  // A bar's dates: the task's own (either may be empty) as the server knows them.
  function committed(bar) {
    return { start: bar.getAttribute("data-start") || "", due: bar.getAttribute("data-due") || "" };
  }

  // x and width of a bar for dates; a task with one date is a one-day bar.
  function box(g, state) {
    var s = parseDay(state.start || state.due),
      d = parseDay(state.due || state.start);
    return { x: Math.round((s - g.origin) / DAY) * g.dayW, w: (Math.round((d - s) / DAY) + 1) * g.dayW };
  }

  function track(bar) {
    return bar.querySelector(".gantt-bar__track");
  }

  // where reads a bar's geometry from its track rect: the server draws it, and only shape changes it.
  function where(bar) {
    var t = track(bar);
    return { x: +t.getAttribute("x"), y: +t.getAttribute("y"), w: +t.getAttribute("width") };
  }

  // shape draws a bar at x/width by setting its own rects; used for resizing and after a save.
  function shape(bar, x, w) {
    var progress = +bar.getAttribute("data-progress") || 0;
    var t = track(bar),
      fill = bar.querySelector(".gantt-bar__progress"),
      label = bar.querySelector(".gantt-bar__label");
    t.setAttribute("x", x);
    t.setAttribute("width", w);
    if (fill) {
      fill.setAttribute("x", x);
      fill.setAttribute("width", Math.floor((w * progress) / 100));
    }
    if (label) label.setAttribute("x", x + w + 8);
  }

  // clampX keeps an arrow's end inside the window: a bar outside it is left at the chart's edge.
  function clampX(g, x) {
    return Math.max(0, Math.min(x, g.width));
  }

  // linkPath mirrors views.GanttLinkPath.
  function linkPath(g, x1, y1, x2, y2) {
    var gap = 8,
      ya = y1 + g.barH / 2,
      yb = y2 + g.barH / 2;
    if (x2 - x1 >= 2 * gap) return "M" + x1 + " " + ya + "H" + (x1 + gap) + "V" + yb + "H" + x2;
    var mid = yb < ya ? yb + g.rowH / 2 : yb - g.rowH / 2;
    return "M" + x1 + " " + ya + "H" + (x1 + gap) + "V" + mid + "H" + (x2 - gap) + "V" + yb + "H" + x2;
  }

  // title is the task's name, as the label column shows it.
  function title(bar) {
    var el = document.querySelector('.gantt-label[data-task="' + bar.getAttribute("data-id") + '"] .gantt-label__text');
    return el ? el.textContent : "";
  }

  function barById(svg, id) {
    return svg.querySelector('.gantt-bar[data-id="' + id + '"]');
  }

  // links redraws the arrows into and out of one bar, given where that bar is drawn now.
  function links(svg, bar, x, w) {
    var g = geom(svg),
      id = bar.getAttribute("data-id"),
      me = { x: x, w: w, y: where(bar).y };
    svg.querySelectorAll('.gantt-link[data-from="' + id + '"], .gantt-link[data-to="' + id + '"]').forEach(function (path) {
      var from = path.getAttribute("data-from") === id;
      var other = barById(svg, path.getAttribute(from ? "data-to" : "data-from"));
      if (!other) return;
      var a = from ? me : where(other),
        b = from ? where(other) : me;
      path.setAttribute("d", linkPath(g, clampX(g, a.x + a.w), a.y, clampX(g, b.x), b.y));
      path.classList.toggle("is-conflict", b.x < a.x + a.w);
    });
  }

  // place shows a bar at a state without saving it: a transform when only moving, its rects otherwise.
  function place(bar, state, moveOnly) {
    var svg = chartOf(bar),
      g = geom(svg),
      b = box(g, state),
      now = where(bar);
    if (moveOnly && b.w === now.w) {
      bar.setAttribute("transform", "translate(" + (b.x - now.x) + " 0)");
    } else {
      bar.removeAttribute("transform");
      shape(bar, b.x, b.w);
    }
    links(svg, bar, b.x, b.w);
    return b;
  }

  // settle makes a state the bar's committed one (after the server agreed) or puts it back (after a refusal).
  function settle(bar, state) {
    var svg = chartOf(bar),
      g = geom(svg),
      b = box(g, state);
    bar.removeAttribute("transform");
    bar.setAttribute("data-start", state.start || "");
    bar.setAttribute("data-due", state.due || "");
    shape(bar, b.x, b.w);
    links(svg, bar, b.x, b.w);
    bar.classList.toggle("is-partial", !state.start || !state.due);
    var done = bar.classList.contains("is-done"),
      late = !done && parseDay(state.due || state.start) < parseDay(svg.getAttribute("data-today"));
    bar.classList.toggle("is-late", late);
    bar.setAttribute(
      "aria-label",
      [title(bar), span(state), done ? "completed" : (bar.getAttribute("data-progress") || "0") + "% done"]
        .concat(late ? ["overdue"] : [])
        .join(", ")
    );
    var row = document.querySelector('.gantt-label[data-task="' + bar.getAttribute("data-id") + '"]');
    if (row) {
      row.classList.toggle("is-late", late);
      var meta = row.querySelector(".gantt-label__meta");
      if (meta) meta.textContent = span(state);
    }
  }

  // ---- Saving -------------------------------------------------------------------
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  function announce(text) {
    var live = document.querySelector("[data-gantt-live]");
    if (live) live.textContent = text;
  }

  function flash(text) {
    var region = document.getElementById("flashes");
    if (!region) return;
    var el = document.createElement("div");
    el.className = "flash flash--error";
    el.setAttribute("data-testid", "flash");
    el.setAttribute("data-kind", "error");
    var p = document.createElement("p");
    p.className = "flash__text";
    p.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "icon-btn icon-btn--sm flash__close";
    close.setAttribute("data-dismiss", "flash");
    close.setAttribute("aria-label", "Dismiss message");
    close.textContent = "\u00d7";
    el.appendChild(p);
    el.appendChild(close);
    region.appendChild(el);
  }

  // bubble shows a message next to a bar for a few seconds.
  var bubbleTimer = 0;
  function bubble(bar, text) {
    var el = document.querySelector(".gantt-bubble");
    if (!el) {
      el = document.createElement("div");
      el.className = "gantt-bubble";
      el.setAttribute("role", "alert");
      el.setAttribute("data-testid", "gantt-error");
      document.body.appendChild(el);
    }
    el.textContent = text;
    var r = track(bar).getBoundingClientRect();
    el.style.left = Math.max(8, Math.min(r.left, window.innerWidth - 328)) + "px";
    el.style.top = r.bottom + 8 + "px";
    el.hidden = false;
    clearTimeout(bubbleTimer);
    bubbleTimer = setTimeout(function () {
      el.hidden = true;
    }, 6000);
  }

  // The bubble is placed for the page as it was: scrolling puts it away.
  document.addEventListener(
    "scroll",
    function () {
      var el = document.querySelector(".gantt-bubble");
      if (el && !el.hidden && !drag) el.hidden = true;
    },
    true
  );

  // tip shows the dates while dragging.
  function tip(bar, text) {
    var el = document.querySelector(".gantt-tip");
    if (!text) {
      if (el) el.hidden = true;
      return;
    }
    if (!el) {
      el = document.createElement("div");
      el.className = "gantt-tip";
      el.setAttribute("aria-hidden", "true");
      document.body.appendChild(el);
    }
    el.textContent = text;
    var r = track(bar).getBoundingClientRect();
    el.style.left = r.left + "px";
    el.style.top = r.top - 30 + "px";
    el.hidden = false;
  }

  // save sends the dates of next that differ from the committed ones; the bar settles on the server's answer.
  function save(bar, next) {
    var before = committed(bar),
      body = new URLSearchParams();
    if (next.start && next.start !== before.start) body.set("start_date", next.start);
    if (next.due && next.due !== before.due) body.set("due_date", next.due);
    if (!body.toString()) {
      settle(bar, before);
      return;
    }
    bar.classList.add("is-saving");
    bar.setAttribute("aria-busy", "true");
    var name = title(bar) || "Task";
    fetch("/gantt/tasks/" + encodeURIComponent(bar.getAttribute("data-id")) + "/dates", {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "X-CSRF-Token": csrfToken(),
        Accept: "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: body.toString(),
    })
      .then(function (res) {
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { ok: res.ok, status: res.status, data: data };
          });
      })
      .then(function (r) {
        if (r.ok) {
          var state = { start: r.data.start_date || "", due: r.data.due_date || "" };
          settle(bar, state);
          announce(name + " rescheduled to " + span(state) + ".");
          bar.dispatchEvent(new CustomEvent("gantt:saved", { bubbles: true, detail: state }));
          return;
        }
        var msg = r.data.error || (r.status === 403 ? "You don't have permission to do that, or your session expired." : "The new dates could not be saved. Please try again.");
        refuse(bar, before, msg);
      })
      .catch(function () {
        refuse(bar, before, "Can't reach the server. Check your connection and try again.");
      })
      .then(function () {
        bar.classList.remove("is-saving");
        bar.removeAttribute("aria-busy");
        delete bar._gantt;
      });
  }

  function refuse(bar, before, msg) {
    settle(bar, before);
    flash(msg); // first: the flash can move the page, and the bubble is placed by the bar's position
    bubble(bar, msg);
    announce(msg);
  }

  // ---- Dragging -------------------------------------------------------------------
  var drag = null;
  var suppressClick = false;

  function svgX(svg, e) {
    return e.clientX - svg.getBoundingClientRect().left;
  }

  // target computes the dates a drag of `days` in `mode` leads to.
  function target(d, days) {
    var s = parseDay(d.from.start || d.from.due),
      e = parseDay(d.from.due || d.from.start);
    var shift = days * DAY;
    if (d.mode === "move") {
      return { start: d.from.start ? isoDay(s + shift) : "", due: d.from.due ? isoDay(e + shift) : "" };
    }
    if (d.mode === "start") return { start: isoDay(Math.min(s + shift, e)), due: d.from.due };
    return { start: d.from.start, due: isoDay(Math.max(e + shift, s)) };
  }

  // autoScroll scrolls the chart while a bar is dragged near its edges. The scroller's box and scroll range are
  // measured when the drag starts; a frame writes scrollLeft and the bar's transform and reads nothing back.
  function autoScroll() {
    if (!drag || !drag.scroller) return;
    var r = drag.box,
      v = 0;
    if (drag.clientX > r.right - 40) v = 14;
    else if (drag.clientX < r.left + drag.labelsW + 40) v = -14;
    v = Math.max(-drag.scrolled - drag.scroll0, Math.min(v, drag.maxScroll - drag.scroll0 - drag.scrolled));
    if (v) {
      drag.scrolled += v;
      drag.scroller.scrollLeft = drag.scroll0 + drag.scrolled;
      follow(drag.clientX);
    }
    drag.raf = requestAnimationFrame(autoScroll);
  }

  function follow(clientX) {
    var d = drag;
    var dx = clientX - (d.svgLeft - d.scrolled) - d.x0;
    if (!d.moved && Math.abs(dx) < 4) return;
    if (!d.moved) {
      d.moved = true;
      d.bar.classList.add("is-dragging");
      document.documentElement.classList.add("gantt-dragging");
      d.raf = requestAnimationFrame(autoScroll);
    }
    var days = Math.round(dx / d.g.dayW);
    if (days === d.days) return;
    d.days = days;
    d.next = target(d, days);
    place(d.bar, d.next, d.mode === "move");
    tip(d.bar, span(d.next));
  }

  function endDrag(cancel) {
    var d = drag;
    drag = null;
    if (!d) return;
    cancelAnimationFrame(d.raf);
    document.documentElement.classList.remove("gantt-dragging");
    d.bar.classList.remove("is-dragging");
    tip(null, "");
    if (!d.moved) return;
    suppressClick = true;
    if (cancel || !d.next || d.days === 0) {
      settle(d.bar, d.from);
      return;
    }
    save(d.bar, d.next);
  }

  // modeAt says what a press at the pointer does to a bar: move it, or resize its start or end.
  function modeAt(bar, e) {
    var at = where(bar),
      px = svgX(chartOf(bar), e),
      edge = Math.min(EDGE, at.w / 3);
    if (px - at.x <= edge) return "start";
    if (at.x + at.w - px <= edge) return "end";
    return "move";
  }

  document.addEventListener("pointerdown", function (e) {
    if (e.button !== 0 || !(e.target instanceof Element)) return;
    suppressClick = false;
    var bar = e.target.closest(".gantt-bar[data-draggable]");
    if (!bar || e.target.closest(".gantt-bar__label") || bar.classList.contains("is-saving")) return;
    var svg = chartOf(bar),
      px = svgX(svg, e),
      mode = modeAt(bar, e);
    var scroller = svg.closest("[data-gantt-scroller]"),
      labels = scroller && scroller.querySelector(".gantt__labels");
    drag = {
      bar: bar,
      svg: svg,
      g: geom(svg),
      mode: mode,
      from: committed(bar),
      x0: px,
      days: 0,
      moved: false,
      next: null,
      scroller: scroller,
      labelsW: labels ? labels.getBoundingClientRect().width : 0,
      clientX: e.clientX,
      raf: 0,
      svgLeft: svg.getBoundingClientRect().left,
      box: scroller ? scroller.getBoundingClientRect() : null,
      scroll0: scroller ? scroller.scrollLeft : 0,
      maxScroll: scroller ? scroller.scrollWidth - scroller.clientWidth : 0,
      scrolled: 0,
    };
    try {
      bar.setPointerCapture(e.pointerId);
    } catch (err) {}
  });

  document.addEventListener("pointermove", function (e) {
    if (!drag) {
      // Hovering: the ends of a bar resize it.
      var bar = e.target instanceof Element && e.target.closest(".gantt-bar__track");
      bar = bar && bar.closest(".gantt-bar[data-draggable]");
      if (bar) {
        var cursor = modeAt(bar, e) === "move" ? "" : "ew-resize";
        if (bar.style.cursor !== cursor) bar.style.cursor = cursor;
      }
      return;
    }
    drag.clientX = e.clientX;
    follow(e.clientX);
    if (drag.moved) e.preventDefault();
  });

  document.addEventListener("pointerup", function () {
    endDrag(false);
  });
  document.addEventListener("pointercancel", function () {
    endDrag(true);
  });

  // A click on a bar opens its task panel. The chart carries no hx-* attribute (htmx would wire, and later clean
  // up, every bar): the task panel's script opens it with the bar as the source, as the board does for a card.
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || !(e.target instanceof Element)) return;
    var bar = e.target.closest(".gantt-bar[data-id]");
    if (!bar || !window.htmx || !window.trcrTaskPanel) return;
    e.preventDefault();
    window.trcrTaskPanel.open(bar.getAttribute("data-id"), bar);
  });

  // A task's name in the label column opens the panel through its bar (a plain link without JavaScript).
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    var label = e.target instanceof Element && e.target.closest(".gantt-label[data-task]");
    if (!label) return;
    var svg = label.closest(".gantt").querySelector("svg.gantt__chart"),
      bar = svg && barById(svg, label.getAttribute("data-task"));
    if (!bar || !window.htmx) return;
    e.preventDefault();
    bar.focus({ preventScroll: true });
    bar.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
  });

  // A drag ends with a click on the bar: it must not open the task panel.
  document.addEventListener(
    "click",
    function (e) {
      if (suppressClick && e.target instanceof Element && e.target.closest(".gantt-bar")) {
        e.preventDefault();
        e.stopPropagation();
      }
      suppressClick = false;
    },
    true
  );

  // ---- Keyboard -------------------------------------------------------------------------
  function nudge(bar, days, due) {
    var st = bar._gantt || (bar._gantt = { state: committed(bar), timer: 0 });
    var cur = st.state,
      s = parseDay(cur.start || cur.due),
      e = parseDay(cur.due || cur.start);
    if (due) {
      var nd = Math.max(e + days * DAY, s);
      st.state = { start: cur.start, due: isoDay(nd) };
    } else {
      st.state = { start: cur.start ? isoDay(s + days * DAY) : "", due: cur.due ? isoDay(e + days * DAY) : "" };
    }
    place(bar, st.state, false);
    announce(span(st.state));
    clearTimeout(st.timer);
    st.timer = setTimeout(function () {
      save(bar, st.state);
    }, SAVE_DELAY);
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && drag) {
      endDrag(true);
      return;
    }
    if (!(e.target instanceof Element)) return;
    var bar = e.target.closest(".gantt-bar");
    if (!bar || e.altKey || e.ctrlKey || e.metaKey) return;
    switch (e.key) {
      case "Enter":
      case " ":
        e.preventDefault();
        bar.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
        break;
      case "ArrowUp":
      case "ArrowDown": {
        e.preventDefault();
        var bars = Array.prototype.slice.call(chartOf(bar).querySelectorAll(".gantt-bar"));
        var next = bars[bars.indexOf(bar) + (e.key === "ArrowUp" ? -1 : 1)];
        if (next) {
          next.focus();
          scrollIntoView(next);
        }
        break;
      }
      case "ArrowLeft":
      case "ArrowRight":
        if (!bar.hasAttribute("data-draggable") || bar.classList.contains("is-saving")) return;
        e.preventDefault();
        nudge(bar, e.key === "ArrowLeft" ? -1 : 1, e.shiftKey);
        scrollIntoView(bar);
        break;
    }
  });

  // ---- Scrolling ----------------------------------------------------------------------------
  function parts(root) {
    var scroller = root.querySelector("[data-gantt-scroller]"),
      svg = root.querySelector("svg.gantt__chart");
    if (!scroller || !svg) return null;
    var labels = scroller.querySelector(".gantt__labels");
    return { scroller: scroller, svg: svg, labelsW: labels ? labels.getBoundingClientRect().width : 0 };
  }

  // scrollToX puts chart x at a fraction of the visible width.
  function scrollToX(p, x, at, smooth) {
    var visible = p.scroller.clientWidth - p.labelsW;
    p.scroller.scrollTo({ left: Math.max(0, x - visible * at), behavior: smooth ? "smooth" : "auto" });
  }

  function scrollIntoView(bar) {
    var p = parts(bar.closest(".gantt"));
    if (!p) return;
    var r = track(bar).getBoundingClientRect(),
      s = p.scroller.getBoundingClientRect();
    if (r.left < s.left + p.labelsW || r.right > s.right) scrollToX(p, where(bar).x, 0.3, false);
    if (r.top < s.top + 60 || r.bottom > s.bottom) bar.scrollIntoView({ block: "nearest" });
  }

  // The month (or year) names of the scale follow the scroll, so the one in view is always named.
  // stickMonths keeps the month names in view while the chart scrolls. Everything it reads (the months' text
  // widths, the visible width) is measured once per chart, so a frame only reads scrollLeft and writes
  // transforms: measuring each label between writes forced a layout per label per frame (issue 15).
  function stickMonths(scroller) {
    var m = scroller._months;
    if (!m) {
      m = scroller._months = { width: scroller.clientWidth, items: [] };
      scroller.querySelectorAll(".gantt-scale__month").forEach(function (t) {
        m.items.push({ el: t, x: +t.getAttribute("data-x"), w: +t.getAttribute("data-w"), text: t.getComputedTextLength(), dx: 0 });
      });
    }
    var left = scroller.scrollLeft;
    m.items.forEach(function (it) {
      if (it.x > left + m.width || it.x + it.w < left) return;
      var at = Math.max(it.x + 8, Math.min(Math.max(it.x, left) + 8, it.x + it.w - it.text - 8));
      var dx = at - (it.x + 8);
      if (dx === it.dx) return;
      it.dx = dx;
      it.el.setAttribute("transform", "translate(" + dx + " 0)");
    });
  }

  var stickPending = false;
  document.addEventListener(
    "scroll",
    function (e) {
      if (stickPending || !(e.target instanceof Element) || !e.target.matches("[data-gantt-scroller]")) return;
      stickPending = true;
      var scroller = e.target;
      requestAnimationFrame(function () {
        stickPending = false;
        widen(scroller); // first: it reads the layout, which the writes below would make stale
        laterRows(scroller);
        stickMonths(scroller);
        pinLabels(scroller);
      });
    },
    { capture: true, passive: true }
  );
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-gantt-scroller]").forEach(function (s) {
      s._months = null;
      s._seen = 0;
    });
  });

  // pinLabels keeps the label of a bar that ends before the part of the chart in view at that part's left edge
  // (x = scrollLeft), and puts the others after their bars. It reads attributes only, never the layout, and writes
  // only the labels that move.
  function pinLabels(scroller) {
    var bars = scroller._bars;
    if (!bars) {
      bars = scroller._bars = [];
      scroller.querySelectorAll(".gantt-bar").forEach(function (bar) {
        var label = bar.querySelector(".gantt-bar__label");
        if (label) bars.push({ track: track(bar), label: label });
      });
    }
    var left = scroller.scrollLeft;
    for (var i = 0; i < bars.length; i++) {
      var t = bars[i].track,
        x = Math.max(+t.getAttribute("x") + +t.getAttribute("width") + 8, left + 8);
      if (+bars[i].label.getAttribute("x") !== x) bars[i].label.setAttribute("x", x);
    }
  }

  // ---- The window of days ---------------------------------------------------------------
  // The server draws the days around today (or those asked for with from/to), within the days the rows span
  // (data-range-from/to). Scrolling within a screen of either end asks for a window twice as wide on that side;
  // the chart is swapped and keeps the same day at the same place.
  function chartURL(root) {
    var zoom = root.querySelector(".gantt-zoom__btn[aria-current='true']");
    return zoom ? zoom.getAttribute("href") : null;
  }

  function busy() {
    return drag || flagDrag || document.querySelector(".gantt-bar.is-saving, .gantt-flag.is-saving");
  }

  function widen(scroller) {
    var root = scroller.closest(".gantt"),
      svg = scroller.querySelector("svg.gantt__chart");
    if (!root || !svg || root._widening || busy()) return;
    var g = geom(svg),
      days = Math.round(g.width / g.dayW),
      from = g.origin,
      to = from + (days - 1) * DAY,
      rangeFrom = parseDay(svg.getAttribute("data-range-from")),
      rangeTo = parseDay(svg.getAttribute("data-range-to")),
      left = scroller.scrollLeft,
      seen = visibleWidth(scroller),
      want = { from: from, to: to };
    if (left < seen / 2 && from > rangeFrom) want.from = Math.max(rangeFrom, from - days * DAY);
    if (left + 1.5 * seen > g.width && to < rangeTo) want.to = Math.min(rangeTo, to + days * DAY);
    if (want.from === from && want.to === to) return;
    var base = chartURL(root);
    if (!base || !window.htmx) return;
    root._widening = true;
    var url = base + "&from=" + isoDay(want.from) + "&to=" + isoDay(want.to);
    window.htmx.ajax("GET", url, { source: root, target: "#gantt-view", select: "#gantt-view", swap: "outerHTML" }).then(
      function () {
        root._widening = false;
        // A reload (or the task panel's refresh, which reads the address) keeps the window.
        if (location.pathname === base.split("?")[0]) history.replaceState(history.state, "", url);
      }
    );
  }

  // visibleWidth is the width of the chart in view beside the label column, measured once per chart and size.
  function visibleWidth(scroller) {
    if (!scroller._seen) {
      var labels = scroller.querySelector(".gantt__labels");
      scroller._seen = scroller.clientWidth - (labels ? labels.getBoundingClientRect().width : 0);
    }
    return scroller._seen;
  }

  // laterRows loads the next window of rows (the toolbar's "Later rows" link, its address pushed) when the user
  // scrolls down to the last row; the new rows start at the top, on the same days.
  var rowsJump = false;
  function laterRows(scroller) {
    var top = scroller.scrollTop,
      down = top > (scroller._top || 0);
    scroller._top = top;
    var root = scroller.closest(".gantt"),
      next = root && root.querySelector("[data-testid='gantt-rows-next']");
    if (!down || !next || root._widening || busy() || !window.htmx) return;
    if (top + scroller.clientHeight < scroller.scrollHeight - 4) return;
    root._widening = true;
    rowsJump = true;
    window.htmx.ajax("GET", next.getAttribute("href"), { source: next, target: "#gantt-view", select: "#gantt-view", swap: "outerHTML" });
  }

  var keepDay = NaN; // the day in the middle of the chart across a zoom change
  var goToday = false; // "Today" asked for a window that has today

  function init(root) {
    var p = parts(root);
    if (!p) return;
    stickMonths(p.scroller);
    pinLabels(p.scroller);
    var g = geom(p.svg);
    if (!isNaN(keepDay)) {
      scrollToX(p, ((keepDay - g.origin) / DAY) * g.dayW, 0.5, false);
      keepDay = NaN;
      return;
    }
    var today = p.svg.getAttribute("data-today-x");
    if (today) scrollToX(p, +today, 0.25, false);
  }

  document.addEventListener("click", function (e) {
    if (!(e.target instanceof Element)) return;
    var btn = e.target.closest("[data-gantt-today]");
    if (!btn) return;
    var root = btn.closest(".gantt"),
      p = parts(root);
    var today = p && p.svg.getAttribute("data-today-x");
    if (today) {
      scrollToX(p, +today, 0.25, true);
      return;
    }
    // Today is out of the window (a zoom change centred it elsewhere): the default window has it.
    var base = chartURL(root);
    if (!base || !window.htmx) return;
    goToday = true;
    window.htmx.ajax("GET", base, { source: root, target: "#gantt-view", select: "#gantt-view", swap: "outerHTML" });
  });

  // A zoom change asks for the window around the day in the middle (at=), and scrolls to it once swapped.
  document.addEventListener("htmx:configRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!(elt instanceof Element) || !elt.closest("[data-testid='gantt-zoom']")) return;
    var p = parts(elt.closest(".gantt"));
    if (!p) return;
    var g = geom(p.svg),
      mid = p.scroller.scrollLeft + (p.scroller.clientWidth - p.labelsW) / 2;
    keepDay = g.origin + Math.floor(mid / g.dayW) * DAY;
    e.detail.path += (e.detail.path.indexOf("?") < 0 ? "?" : "&") + "at=" + isoDay(keepDay);
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail && e.detail.failed) keepDay = NaN;
  });

  // A chart swapped for a fresh copy (the task panel closing after a change) keeps its scroll position.
  var keepScroll = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    var t = e.detail && e.detail.target;
    if (!(t instanceof Element) || t.id !== "gantt-view" || !isNaN(keepDay)) return;
    var p = parts(t);
    if (p && !goToday) keepScroll = { left: p.scroller.scrollLeft, top: p.scroller.scrollTop, origin: geom(p.svg).origin };
  });

  // A zoom change re-centres the chart on the same day; other swaps (the task panel opening) leave it alone.
  // A chart swapped for a wider window keeps the same day at the same place: the new origin shifts the scroll.
  document.addEventListener("htmx:afterSettle", function () {
    var root = document.getElementById("gantt-view");
    if (!root || (isNaN(keepDay) && !keepScroll && !goToday)) return;
    if (goToday) {
      goToday = false;
      init(root);
      return;
    }
    if (keepScroll) {
      var p = parts(root);
      if (p) {
        var g = geom(p.svg);
        p.scroller.scrollLeft = keepScroll.left + Math.round((keepScroll.origin - g.origin) / DAY) * g.dayW;
        p.scroller.scrollTop = rowsJump ? 0 : keepScroll.top;
        p.scroller._top = p.scroller.scrollTop;
        stickMonths(p.scroller);
        pinLabels(p.scroller);
      }
      keepScroll = null;
      rowsJump = false;
      return;
    }
    init(root);
    keepDay = NaN;
  });

  // ---- Milestones: dragging a flag ------------------------------------------------------
  var flagDrag = null;

  function flagGeom(flag) {
    var canvas = flag.closest(".gantt__canvas"),
      chart = canvas && canvas.querySelector("svg.gantt__chart");
    return chart ? geom(chart) : null;
  }

  function placeFlag(flag, days, dayW) {
    var id = flag.getAttribute("data-milestone-id"),
      t = days ? "translate(" + days * dayW + " 0)" : null;
    var line = document.querySelector('[data-milestone-line="' + id + '"]');
    [flag, line].forEach(function (el) {
      if (!el) return;
      if (t) el.setAttribute("transform", t);
      else el.removeAttribute("transform");
    });
  }

  document.addEventListener("pointerdown", function (e) {
    if (e.button !== 0 || !(e.target instanceof Element)) return;
    var flag = e.target.closest(".gantt-flag[data-draggable]");
    if (!flag || flag.classList.contains("is-saving")) return;
    var g = flagGeom(flag);
    if (!g || !g.dayW) return;
    flagDrag = { flag: flag, g: g, x0: e.clientX, days: 0 };
    e.preventDefault();
    try {
      flag.setPointerCapture(e.pointerId);
    } catch (err) {}
  });

  document.addEventListener("pointermove", function (e) {
    if (!flagDrag) return;
    var days = Math.round((e.clientX - flagDrag.x0) / flagDrag.g.dayW);
    if (days === flagDrag.days) return;
    flagDrag.days = days;
    placeFlag(flagDrag.flag, days, flagDrag.g.dayW);
    announce(isoDay(parseDay(flagDrag.flag.getAttribute("data-date")) + days * DAY));
  });

  function endFlagDrag(cancel) {
    if (!flagDrag) return;
    var d = flagDrag;
    flagDrag = null;
    if (cancel || !d.days) {
      placeFlag(d.flag, 0, d.g.dayW);
      return;
    }
    saveFlag(d.flag, isoDay(parseDay(d.flag.getAttribute("data-date")) + d.days * DAY), d);
  }
  document.addEventListener("pointerup", function () {
    endFlagDrag(false);
  });
  document.addEventListener("pointercancel", function () {
    endFlagDrag(true);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") endFlagDrag(true);
  });

  // saveFlag posts the new date; the flag stays where it was dropped on success (and the list under the chart
  // shows the date), or snaps back with the server's message.
  function saveFlag(flag, date, d) {
    var id = flag.getAttribute("data-milestone-id");
    flag.classList.add("is-saving");
    fetch("/gantt/milestones/" + encodeURIComponent(id) + "/date", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken(), Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ target_date: date }).toString(),
    })
      .then(function (res) {
        return res
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            return { ok: res.ok, status: res.status, data: data };
          });
      })
      .then(function (r) {
        if (r.ok && r.data.target_date) {
          flag.setAttribute("data-date", r.data.target_date);
          var item = document.querySelector('[data-testid="milestone-item"][data-id="' + id + '"]');
          var time = item && item.querySelector("time");
          if (time) {
            time.textContent = r.data.target_date;
            time.setAttribute("datetime", r.data.target_date);
          }
          var input = document.getElementById("milestone-" + id + "-date");
          if (input) input.value = r.data.target_date;
          announce("Milestone moved to " + r.data.target_date + ".");
          return;
        }
        refuseFlag(flag, d, r.data.error || "The milestone could not be moved. Please try again.");
      })
      .catch(function () {
        refuseFlag(flag, d, "Can't reach the server. Check your connection and try again.");
      })
      .then(function () {
        flag.classList.remove("is-saving");
      });
  }

  function refuseFlag(flag, d, msg) {
    placeFlag(flag, 0, d.g.dayW);
    flash(msg);
    announce(msg);
  }

  function start() {
    var root = document.getElementById("gantt-view");
    if (root) init(root);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
