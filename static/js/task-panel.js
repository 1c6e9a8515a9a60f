// task-panel.js — the task drawer (#task-panel), wherever it opens:
//  * focus moves into the panel when it opens, stays inside while it is open (Tab wraps), and returns to what
//    opened it when it closes; Escape, the close button and the backdrop close it
//  * closing puts back the URL the page had before the panel pushed /tasks?task=ID, and reloads the parts of the
//    page marked data-refresh-on-task-change (the board, the tasks list) if the task changed meanwhile
//  * after a section of the panel is re-rendered, focus returns to the control that had it
//  * small editor comforts: autosizing textareas, Enter saves the title, Ctrl/Cmd+Enter sends a comment, the
//    Markdown Write/Preview tabs, the progress slider's live value, the cron field only for custom repeats
// It is loaded by the pages that open the panel and by the panel itself (for pages that do not), and runs once.
(function () {
  "use strict";
  if (window.trcrTaskPanel) return;

  var ROOT_ID = "task-panel";
  var opener = null; // the element that opened the panel, focused again on close
  var returnURL = null; // the URL before the panel pushed its own
  var dirty = false; // the task changed while the panel was open
  var focusedID = null; // the focused control of a section being re-rendered

  function root() {
    return document.getElementById(ROOT_ID);
  }
  function panel() {
    var r = root();
    return r && r.querySelector(".tp");
  }
  function dialog() {
    var p = panel();
    return p && p.querySelector(".tp__dialog");
  }
  function isPanelURL(href) {
    try {
      var u = new URL(href, location.href);
      return u.pathname === "/tasks" && u.searchParams.has("task");
    } catch (e) {
      return false;
    }
  }
  function withoutTask(href) {
    var u = new URL(href, location.href);
    u.searchParams.delete("task");
    u.searchParams.delete("edit");
    u.searchParams.delete("depq");
    u.searchParams.delete("dept");
    return u.pathname + (u.search === "?" ? "" : u.search);
  }

  function focusables(el) {
    return Array.prototype.filter.call(
      el.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"),
      function (n) {
        return n.offsetParent !== null || n === document.activeElement;
      }
    );
  }

  function opened() {
    var d = dialog();
    if (!d) return;
    // Opened before this script was loaded (by a page that does not include it): the server names the page.
    var back = panel().getAttribute("data-return-url");
    if (!returnURL && back && back.charAt(0) === "/" && back.charAt(1) !== "/") returnURL = back;
    document.documentElement.classList.add("has-task-panel");
    enhance(d);
    d.focus({ preventScroll: true });
  }

  function close() {
    var r = root();
    var p = panel();
    var wasOpen = document.documentElement.classList.contains("has-task-panel");
    // What the page needs to refresh only the task's own parts: the task, and the group the panel left it in.
    var task = p ? { id: p.getAttribute("data-task-id"), group: (p.querySelector("#tp-group") || {}).value } : {};
    if (p) p.remove();
    if (r) r.innerHTML = "";
    document.documentElement.classList.remove("has-task-panel");
    if (!p && !wasOpen) return;
    if (isPanelURL(location.href)) {
      var to = returnURL && !isPanelURL(returnURL) ? returnURL : withoutTask(location.href);
      history.replaceState(history.state, "", to);
    }
    returnURL = null;
    var back = opener;
    var host = back && back.closest("[id]");
    var backID = host ? host.id : null;
    opener = null;
    if (dirty) {
      dirty = false;
      refreshPage(task).then(function () {
        refocus(back, backID);
      });
    } else {
      refocus(back, backID);
    }
  }

  // refocus returns focus to what opened the panel, or to its replacement after the page was refreshed.
  function refocus(el, id) {
    if (el && el.isConnected) {
      el.focus({ preventScroll: true });
      return;
    }
    var host = id && document.getElementById(id);
    if (!host) return;
    var target = host.matches("a[href], button, [tabindex]") ? host : host.querySelector("a[href], button, [tabindex]");
    if (target) target.focus({ preventScroll: true });
  }

  // refreshPage reloads, in place, the parts of the page that show tasks.
  // Around it, "trcr:before-refresh" and "trcr:refreshed" let a page keep what it loaded on demand (the board's
  // extra cards): a listener of the latter may push a promise to detail.wait, which the refresh then waits for.
  // A part that can refresh less than itself for one task (the board: the task's columns) handles
  // "trcr:refresh-task" on itself, detail {id, group, wait}, and cancels it.
  function refreshPage(task) {
    if (!window.htmx) return Promise.resolve();
    var loads = [];
    document.body.dispatchEvent(new CustomEvent("trcr:before-refresh"));
    document.querySelectorAll("[data-refresh-on-task-change][id]").forEach(function (el) {
      if (task && task.id) {
        var ev = new CustomEvent("trcr:refresh-task", { cancelable: true, detail: { id: task.id, group: task.group, wait: loads } });
        if (!el.dispatchEvent(ev)) return;
      }
      var sel = "#" + el.id;
      loads.push(window.htmx.ajax("GET", location.pathname + location.search, { target: sel, select: sel, swap: "outerHTML" }));
    });
    return Promise.all(loads).then(function () {
      var wait = [];
      document.body.dispatchEvent(new CustomEvent("trcr:refreshed", { detail: { wait: wait } }));
      return Promise.all(wait);
    });
  }

  // ---- Editor comforts -----------------------------------------------------------
  // Textareas marked data-autosize grow with their text. Where the browser sizes them itself (field-sizing: content,
  // app.css), nothing is done here: sizing them from script forced a layout of the page as the panel opened.
  var NATIVE_AUTOSIZE = !!(window.CSS && CSS.supports && CSS.supports("field-sizing", "content"));
  function autosize(t) {
    if (NATIVE_AUTOSIZE) return;
    t.style.height = "auto";
    t.style.height = t.scrollHeight + 2 + "px";
  }
  // autosizeAll sizes the textareas with one layout: every write, then every read, then every write (one by one,
  // each scrollHeight read after a write would lay the page out again). A textarea in a section not rendered yet
  // (content-visibility: auto, below the panel's first screen) is sized when its section is, so that opening the
  // panel does not lay out the sections out of view.
  function autosizeAll(list) {
    if (NATIVE_AUTOSIZE) return; // before any query or read of the page
    list = list.filter(function (t) {
      return !t.checkVisibility || t.checkVisibility({ contentVisibilityAuto: true });
    });
    list.forEach(function (t) {
      t.style.height = "auto";
    });
    var heights = list.map(function (t) {
      return t.scrollHeight;
    });
    list.forEach(function (t, i) {
      t.style.height = heights[i] + 2 + "px";
    });
  }
  function enhance(scope) {
    autosizeAll(Array.prototype.slice.call(scope.querySelectorAll("textarea[data-autosize]")));
    scope.querySelectorAll("[data-recur-select]").forEach(syncCron);
  }
  function syncCron(select) {
    var form = select.closest("form");
    var cron = form && form.querySelector("[name=cron]");
    if (cron) cron.classList.toggle("is-hidden", select.value !== "custom");
  }
  function submit(form) {
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  }

  document.addEventListener("input", function (e) {
    var t = e.target;
    if (!(t instanceof Element) || !t.closest(".tp")) return;
    if (t.matches("textarea[data-autosize]")) autosize(t);
    if (t.matches("input[type=range]")) {
      var out = t.parentElement && t.parentElement.querySelector("[data-range-output]");
      if (out) out.textContent = t.value + "%";
      t.setAttribute("aria-valuetext", t.value + "%");
    }
  });
  document.addEventListener("change", function (e) {
    if (e.target instanceof Element && e.target.matches("[data-recur-select]")) syncCron(e.target);
  });
  // A section of the panel coming into view is rendered now: size its textareas (the event does not bubble).
  document.addEventListener(
    "contentvisibilityautostatechange",
    function (e) {
      var t = e.target;
      if (NATIVE_AUTOSIZE || e.skipped || !(t instanceof Element) || !t.closest(".tp")) return;
      autosizeAll(Array.prototype.slice.call(t.querySelectorAll("textarea[data-autosize]")));
    },
    true
  );

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "Enter" && t instanceof Element && !e.isComposing) {
      if (t.matches("textarea[data-submit-on-enter]") && !e.shiftKey) {
        e.preventDefault();
        submit(t.form);
        return;
      }
      if (t.matches("textarea[data-submit-on-ctrl-enter]") && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        submit(t.form);
        return;
      }
    }
    if (!panel()) return;
    // A preview open in a dialog (attachments.js) has the keyboard: Escape closes it, Tab stays in it.
    if (document.querySelector(".tp dialog[open]")) return;
    if (e.key === "Escape") {
      // Escape first closes an open menu or a preview inside the panel, then the panel.
      if (document.querySelector(".tp details[open]")) return;
      if (t instanceof Element && t.matches(".tp textarea, .tp input") && t.value !== t.defaultValue) {
        // Unsaved text: the first Escape only leaves the field, so a draft is not lost by accident.
        t.blur();
        dialog().focus({ preventScroll: true });
        return;
      }
      e.preventDefault();
      close();
      return;
    }
    if (e.key === "Tab") {
      var d = dialog();
      if (!d) return;
      var items = focusables(d);
      if (!items.length) return;
      var first = items[0];
      var last = items[items.length - 1];
      if (!d.contains(document.activeElement)) {
        e.preventDefault();
        first.focus();
      } else if (e.shiftKey && (document.activeElement === first || document.activeElement === d)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var closer = t.closest("[data-panel-close]");
    if (closer && closer.closest(".tp")) {
      e.preventDefault();
      close();
      return;
    }
    var tab = t.closest("[data-md-tab]");
    if (tab) {
      var editor = tab.closest(".md-editor");
      var preview = tab.getAttribute("data-md-tab") === "preview";
      editor.querySelectorAll("[data-md-tab]").forEach(function (b) {
        var on = b === tab;
        b.classList.toggle("is-active", on);
        b.setAttribute("aria-selected", String(on));
      });
      var write = editor.querySelector("#tp-desc-write");
      var pane = editor.querySelector("#tp-desc-preview");
      if (write) write.hidden = preview;
      if (pane) {
        pane.hidden = !preview;
        if (preview && !pane.innerHTML) pane.innerHTML = '<p class="tp-sec__empty">Loading preview…</p>';
      }
    }
  });

  // The assignee select comes with its chosen option only, and the others in the <template> its data-options names
  // (views: TaskPanelView.LazyOptions): they go in as the select is about to be used, on a press (before its list
  // opens) or as it takes the focus (before a key changes it).
  function fillOptions(e) {
    var s = e.target;
    if (!(s instanceof HTMLSelectElement) || !s.hasAttribute("data-options")) return;
    var tpl = document.getElementById(s.getAttribute("data-options"));
    s.removeAttribute("data-options");
    if (!tpl || !tpl.content) return;
    var value = s.value;
    s.replaceChildren(tpl.content.cloneNode(true));
    s.value = value;
  }
  document.addEventListener("pointerdown", fillOptions, true); // before mousedown, which opens the list
  document.addEventListener("focusin", fillOptions, true);

  // ---- htmx ------------------------------------------------------------------------
  document.addEventListener("htmx:beforeRequest", function (e) {
    var cfg = e.detail && e.detail.requestConfig;
    var target = e.detail && e.detail.target;
    if (target && target.id === ROOT_ID && cfg && cfg.verb === "get") {
      // Opening a panel: remember where we were, unless another panel already was open.
      if (!panel()) {
        returnURL = location.pathname + location.search;
        var elt = e.detail.elt;
        opener = elt instanceof Element ? elt : document.activeElement;
      }
    }
  });

  // Opening a panel on a page that runs the panel's scripts already: the answer can leave out its <script> tags
  // (htmx would insert them and the browser load and run each again, only for it to return at once).
  document.addEventListener("htmx:configRequest", function (e) {
    var d = e.detail || {};
    if (d.verb !== "get" || !d.target || d.target.id !== ROOT_ID) return;
    if (window.trcrAttachments && window.trcrComposerFiles) d.headers["TRCR-Panel-Scripts"] = "loaded";
  });

  document.addEventListener("htmx:beforeSwap", function (e) {
    var a = document.activeElement;
    focusedID = a && a.id && a.closest(".tp") ? a.id : null;
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail && e.detail.target;
    if (!(target instanceof Element)) return;
    if (target.id === ROOT_ID) {
      if (panel()) {
        opened();
        pushAfterPaint();
      } else close();
      return;
    }
    if (target.closest && target.closest(".tp")) {
      enhance(dialog() || target);
    }
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    var target = e.detail && e.detail.target;
    if (!focusedID || !(target instanceof Element) || !document.body.contains(target)) return;
    var el = document.getElementById(focusedID);
    focusedID = null;
    if (el && el.closest(".tp") && el !== document.activeElement) el.focus({ preventScroll: true });
  });

  // Back (or Forward) restores the page from htmx's history: its body, not <html>, so the scroll lock the panel
  // put there would outlive the panel. Closing also refreshes the restored (older) page if the task changed.
  document.addEventListener("htmx:historyRestore", function () {
    if (panel()) opened();
    else close();
  });

  document.body.addEventListener("trcr:task-changed", function () {
    dirty = true;
  });
  document.body.addEventListener("trcr:task-deleted", function () {
    dirty = true;
    close();
  });

  // ---- A panel rendered with the page (/tasks?task=ID) ---------------------------------
  function init() {
    var r = root();
    var p = document.querySelector(".tp");
    if (r && p && !r.contains(p)) {
      r.appendChild(p);
    }
    if (panel()) {
      if (isPanelURL(location.href) && !panel().getAttribute("data-return-url")) returnURL = withoutTask(location.href);
      opened();
    }
  }

  // Opens a task's panel from source as a link with hx-get, hx-target="#task-panel" and hx-push-url would, for
  // pages that wire one delegated click instead of those attributes on every card (issue 15): htmx honours the
  // source's hx-push-url, and htmx:beforeRequest above remembers the source as the opener to focus again on close.
  // On a page that keeps no htmx history (hx-history="false": the board, the timeline), htmx would save nothing
  // before pushing the deep link, only make the browser's two history calls, 3-6 ms between the answer and the
  // paint (issue 15): the panel pushes it itself once it is painted (pushAfterPaint). Elsewhere htmx pushes.
  var pendingPush = null; // {id, url} for the panel on its way
  function open(id, source) {
    var ref = encodeURIComponent(id);
    var link = "/tasks?task=" + ref;
    if (source.closest('[hx-history="false"]')) {
      source.setAttribute("hx-push-url", "false");
      pendingPush = { id: String(id), url: link };
    } else {
      source.setAttribute("hx-push-url", link);
      pendingPush = null;
    }
    return window.htmx.ajax("GET", "/tasks/" + ref + "/panel", { source: source, target: "#" + ROOT_ID });
  }

  // pushAfterPaint puts the deep link of the panel open() asked for in the address bar after the panel's first
  // paint, as htmx would have: the entry left behind is marked as htmx's, so that Back reloads the page's parts
  // through htmx. Nothing is pushed for a panel closed or replaced meanwhile.
  function pushAfterPaint() {
    var push = pendingPush;
    pendingPush = null;
    var p = panel();
    if (!push || !p || p.getAttribute("data-task-id") !== push.id) return;
    requestAnimationFrame(function () {
      setTimeout(function () {
        var now = panel();
        if (!now || now !== p || location.pathname + location.search === push.url) return;
        history.replaceState({ htmx: true }, "", location.href);
        history.pushState({ htmx: true }, "", push.url);
      }, 0);
    });
  }

  window.trcrTaskPanel = { close: close, refresh: refreshPage, open: open };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

// Live: a comment someone else adds to the open task appears in its thread (the draft being typed stays).
(function () {
  "use strict";
  document.addEventListener("trcr:comment.created", function (e) {
    var env = e.detail || {};
    var panel = document.getElementById("tp");
    var me = document.body.getAttribute("data-user-id");
    if (!panel || !window.htmx || !env.data || env.data.task_id !== panel.getAttribute("data-task-id") || env.actor_id === me) return;
    var url = "/tasks/" + encodeURIComponent(env.data.task_id) + "/panel";
    window.htmx.ajax("GET", url, { target: "#tp-comment-thread", select: "#tp-comment-thread", swap: "outerHTML" });
  });
})();

// Live: a git event about the open task (a push naming it, a pull request changing state) refreshes its Development
// section; a task it moved to done comes with its own task.updated.
(function () {
  "use strict";
  document.addEventListener("trcr:git.event", function (e) {
    var env = e.detail || {};
    var panel = document.getElementById("tp");
    if (!panel || !window.htmx || !env.data || !Array.isArray(env.data.tasks)) return;
    var id = panel.getAttribute("data-task-id");
    var named = env.data.tasks.some(function (t) { return t && t.id === id; });
    if (!named) return;
    var url = "/tasks/" + encodeURIComponent(id) + "/panel?section=development";
    window.htmx.ajax("GET", url, { target: "#tp-dev", select: "#tp-dev", swap: "outerHTML" });
  });
})();
