// app.js — small progressive enhancements for server-rendered pages:
//  * theme switcher (Light / Dark / System, persisted in localStorage)
//  * <details> dropdowns close on outside click / Escape, one open at a time
//  * mobile navigation drawer (menu button, backdrop, Escape)
//  * dismissible flash messages and error flashes for failed htmx requests
//  * focus the first invalid field after a form is re-rendered with errors
//  * "type the name to confirm" guard for destructive forms
//  * dev mailbox: highlight the email being read
//  * a question before a destructive form is sent ([data-confirm])
//  * copy buttons ([data-copy-target]: the public link of an invoice, a new access token)
//  * trcrMarkWhenSlow: a waiting state (dim, spinner) shown only for a request still unanswered after 150 ms
// Everything works without it; it only improves the experience.
(function () {
  "use strict";

  var root = document.documentElement;
  var THEME_KEY = "trcr-theme";

  // ---- Theme ---------------------------------------------------------------
  function currentTheme() {
    var t = root.getAttribute("data-theme");
    return t === "light" || t === "dark" ? t : "system";
  }

  function syncThemeButtons() {
    var t = currentTheme();
    document.querySelectorAll("[data-theme-choice]").forEach(function (btn) {
      btn.setAttribute("aria-pressed", String(btn.getAttribute("data-theme-choice") === t));
    });
    var dark = t === "dark" || (t === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
    document.querySelectorAll('meta[name="theme-color"]').forEach(function (m) {
      m.setAttribute("content", dark ? "#111318" : "#ffffff");
    });
  }

  function setTheme(t) {
    try {
      if (t === "light" || t === "dark") localStorage.setItem(THEME_KEY, t);
      else localStorage.removeItem(THEME_KEY);
    } catch (e) {}
    if (t === "light" || t === "dark") root.setAttribute("data-theme", t);
    else root.removeAttribute("data-theme");
    syncThemeButtons();
  }

  // ---- Dropdowns (<details class="dropdown">) -------------------------------
  function closeDropdowns(except) {
    document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
      if (d !== except) d.removeAttribute("open");
    });
  }

  // ---- Mobile navigation ----------------------------------------------------
  function setNav(open) {
    document.body.classList.toggle("nav-open", open);
    document.querySelectorAll("[data-nav-toggle]").forEach(function (b) {
      b.setAttribute("aria-expanded", String(open));
    });
    if (open) {
      var first = document.querySelector("#sidebar a, #sidebar summary");
      if (first) first.focus();
    }
  }

  // ---- Flashes ---------------------------------------------------------------
  function addFlash(kind, text) {
    var region = document.getElementById("flashes");
    if (!region) return;
    var el = document.createElement("div");
    el.className = "flash flash--" + kind;
    el.setAttribute("data-testid", "flash");
    el.setAttribute("data-kind", kind);
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

  // ---- Confirm-by-typing guard -----------------------------------------------
  function syncConfirmGuards(scope) {
    (scope || document).querySelectorAll("[data-confirm-match]").forEach(function (input) {
      var target = document.querySelector(input.getAttribute("data-confirm-target"));
      if (!target) return;
      var ok = input.value.trim() === input.getAttribute("data-confirm-match");
      target.disabled = !ok;
    });
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;

    var themeBtn = t.closest("[data-theme-choice]");
    if (themeBtn) {
      setTheme(themeBtn.getAttribute("data-theme-choice"));
      return;
    }
    var mail = t.closest(".mail-item");
    if (mail) {
      document.querySelectorAll(".mail-item.is-active").forEach(function (m) {
        m.classList.remove("is-active");
        m.removeAttribute("aria-current");
      });
      mail.classList.add("is-active");
      mail.setAttribute("aria-current", "true");
    }
    var dismiss = t.closest("[data-dismiss='flash']");
    if (dismiss) {
      var flash = dismiss.closest(".flash");
      if (flash) flash.remove();
      return;
    }
    if (t.closest("[data-nav-toggle]")) {
      setNav(!document.body.classList.contains("nav-open"));
      return;
    }
    if (t.closest("[data-nav-close]")) {
      setNav(false);
      return;
    }
    // Close dropdowns when clicking outside of them.
    closeDropdowns(t.closest("details.dropdown"));
  });

  // Only one dropdown open at a time.
  document.addEventListener(
    "toggle",
    function (e) {
      var d = e.target;
      if (d instanceof HTMLDetailsElement && d.classList.contains("dropdown") && d.open) closeDropdowns(d);
    },
    true
  );

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelector("details.dropdown[open]");
    if (open) {
      open.removeAttribute("open");
      var summary = open.querySelector("summary");
      if (summary) summary.focus();
      return;
    }
    if (document.body.classList.contains("nav-open")) {
      setNav(false);
      var toggle = document.querySelector("[data-nav-toggle]");
      if (toggle) toggle.focus();
    }
  });

  document.addEventListener("input", function (e) {
    if (e.target instanceof Element && e.target.hasAttribute("data-confirm-match")) syncConfirmGuards();
  });

  // ---- htmx integration --------------------------------------------------------
  // Flash messages the server rendered into an error response (FlashesOOB);
  // htmx does not swap error responses, so they are copied over here.
  function serverFlashes(xhr) {
    var type = (xhr && xhr.getResponseHeader("Content-Type")) || "";
    if (type.indexOf("text/html") === -1 || !xhr.responseText) return [];
    var tpl = document.createElement("template");
    tpl.innerHTML = xhr.responseText; // inert: scripts in a template never run
    return Array.prototype.slice.call(tpl.content.querySelectorAll("[hx-swap-oob] .flash, #flashes .flash"));
  }

  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail && e.detail.xhr;
    var fromServer = serverFlashes(xhr);
    var region = document.getElementById("flashes");
    if (fromServer.length && region) {
      fromServer.forEach(function (f) {
        region.appendChild(document.importNode(f, true));
      });
      return;
    }
    var status = xhr ? xhr.status : 0;
    var msg = "Something went wrong. Please try again.";
    if (status === 403) msg = "You don't have permission to do that, or your session expired. Reload the page and try again.";
    else if (status === 404) msg = "That item no longer exists. Reload the page to see the latest data.";
    else if (status === 413) msg = "That file is too large.";
    else if (status === 429) msg = "Too many requests. Wait a moment and try again.";
    else if (status >= 500) msg = "The server had a problem (" + status + "). Please try again.";
    addFlash("error", msg);
  });
  document.addEventListener("htmx:sendError", function () {
    addFlash("error", "Can't reach the server. Check your connection and try again.");
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var el = e.target;
    if (!(el instanceof Element) || !el.isConnected) return;
    var invalid = el.querySelector("[aria-invalid='true']");
    if (invalid && typeof invalid.focus === "function") invalid.focus();
  });
  document.addEventListener("htmx:load", function (e) {
    syncConfirmGuards(e.target instanceof Element ? e.target : document);
  });

  // ---- Slow requests -----------------------------------------------------------------
  // trcrMarkWhenSlow(find, cls) adds the class cls to the elements find(elt) gives for an htmx request made by elt
  // (null when the request is none of its business) once the request has waited SLOW_AFTER ms for its answer, and
  // removes it when the answer comes. A faster answer changes nothing before it comes: a dim or a spinner shown from
  // the moment a request goes out restyles and repaints the page while the server answers, and flashes for a fast
  // answer (issue 15). find is asked again when the class goes on and when it comes off, so that it finds an
  // element the request's answer replaced.
  var SLOW_AFTER = 150;
  window.trcrMarkWhenSlow = function (find, cls) {
    var timers = new WeakMap(); // the request's element → its timer
    function mark(elt, on) {
      (find(elt) || []).forEach(function (el) {
        if (el) el.classList.toggle(cls, on);
      });
    }
    document.addEventListener("htmx:beforeRequest", function (e) {
      var elt = e.detail && e.detail.elt;
      if (!(elt instanceof Element) || !find(elt)) return;
      clearTimeout(timers.get(elt));
      timers.set(elt, setTimeout(function () {
        mark(elt, true);
      }, SLOW_AFTER));
    });
    document.addEventListener("htmx:afterRequest", function (e) {
      var elt = e.detail && e.detail.elt;
      if (!(elt instanceof Element) || !find(elt)) return;
      clearTimeout(timers.get(elt));
      timers.delete(elt);
      mark(elt, false);
    });
  };

  // ---- Init ------------------------------------------------------------------------
  function init() {
    syncThemeButtons();
    syncConfirmGuards();
    // A form re-rendered with errors (full page, no htmx): start at the first problem.
    var invalid = document.querySelector("form [aria-invalid='true']");
    if (invalid && typeof invalid.focus === "function") invalid.focus();
    var mq = window.matchMedia("(prefers-color-scheme: dark)");
    if (mq.addEventListener) mq.addEventListener("change", syncThemeButtons);
    // Close the mobile drawer when the viewport grows past the breakpoint.
    window.matchMedia("(min-width: 960px)").addEventListener("change", function (m) {
      if (m.matches) setNav(false);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();

  // ---- Copy buttons ----------------------------------------------------------
  document.addEventListener("click", function (e) {
    var btn = e.target instanceof Element ? e.target.closest("[data-copy-target]") : null;
    if (!btn) return;
    var input = document.querySelector(btn.getAttribute("data-copy-target"));
    if (!input) return;
    var label = btn.querySelector("[data-copy-label]");
    var done = function () {
      if (!label) return;
      label.textContent = "Copied";
      setTimeout(function () {
        label.textContent = "Copy";
      }, 1600);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        input.select();
      });
    } else {
      input.select();
      try {
        if (document.execCommand("copy")) done();
      } catch (err) {}
    }
  });

  // ---- Confirmation of a destructive form ([data-confirm] holds the question) ----
  document.addEventListener("submit", function (e) {
    var form = e.target instanceof HTMLFormElement ? e.target : null;
    var q = form && form.getAttribute("data-confirm");
    if (q && !window.confirm(q)) e.preventDefault();
  }, true);
})();
