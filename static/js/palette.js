// palette.js — the command palette of every signed-in page (views/search.templ searchPalette):
//  * Ctrl/Cmd-K opens or closes it anywhere; "/" opens it when the keyboard is not in a field; the top bar's
//    button opens it; Escape, the backdrop and the Esc button close it and give focus back.
//  * Typing searches as you type: htmx GETs /search/palette (debounced by hx-trigger) and swaps the list in.
//  * ↑/↓ move through the options, Enter opens the chosen one; Enter with nothing chosen opens the results page.
//  * Actions run in the page where they can (new task in this board's quick add, the top bar's timer) and
//    otherwise follow their link; the sidebar's pages are offered as "Go to …".
// Without JavaScript the palette stays hidden and /search works as a plain page.
(function () {
  "use strict";

  var NEW_TASK_KEY = "trcr-palette-new-task";
  var returnFocus = null;

  function palette() {
    return document.querySelector("[data-palette]");
  }
  function input() {
    return document.getElementById("palette-input");
  }
  function isOpen() {
    var p = palette();
    return !!p && !p.hidden;
  }

  function open() {
    var p = palette();
    if (!p) return;
    if (!isOpen()) {
      returnFocus = document.activeElement;
      p.hidden = false;
      document.body.classList.add("palette-open");
      setError(false);
      if (window.htmx) window.htmx.trigger(input(), "palette-open");
    }
    input().focus();
    input().select();
  }

  function close(restore) {
    var p = palette();
    if (!p || p.hidden) return;
    p.hidden = true;
    document.body.classList.remove("palette-open");
    if (restore !== false && returnFocus && typeof returnFocus.focus === "function") returnFocus.focus();
    returnFocus = null;
  }

  function setError(on) {
    var e = document.querySelector("[data-palette-error]");
    if (e) e.hidden = !on;
  }

  function typing(t) {
    if (!(t instanceof Element)) return false;
    return t.isContentEditable || t.matches("input, textarea, select");
  }

  function options() {
    return Array.prototype.slice.call(document.querySelectorAll("#palette-results [role=option]")).filter(function (o) {
      return !o.hidden;
    });
  }

  function selected() {
    return document.querySelector('#palette-results [role=option][aria-selected="true"]');
  }

  function select(o) {
    options().forEach(function (x) {
      x.setAttribute("aria-selected", String(x === o));
    });
    var inp = input();
    if (o) {
      if (!o.id) o.id = "palette-option-" + Math.random().toString(36).slice(2);
      inp.setAttribute("aria-activedescendant", o.id);
      o.scrollIntoView({ block: "nearest" });
    } else {
      inp.removeAttribute("aria-activedescendant");
    }
  }

  function move(delta) {
    var all = options();
    if (!all.length) return;
    var i = all.indexOf(selected());
    i = i < 0 ? (delta > 0 ? 0 : all.length - 1) : (i + delta + all.length) % all.length;
    select(all[i]);
  }

  // ---- The list, after each swap ---------------------------------------------------------------
  function timerRunning() {
    return !!document.querySelector('[data-testid="timer-running"]');
  }

  // pagesGroup offers the sidebar's pages whose name starts a word with what was typed (all of them when
  // nothing was typed), built from the sidebar itself so it shows exactly what the user may open.
  function pagesGroup(query) {
    var q = query.trim().toLowerCase();
    var links = Array.prototype.slice.call(document.querySelectorAll("#sidebar .nav__link[href]"));
    var group = document.createElement("div");
    group.className = "palette__group";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Pages");
    group.setAttribute("data-testid", "palette-pages");
    var heading = document.createElement("p");
    heading.className = "palette__heading";
    heading.setAttribute("role", "presentation");
    heading.textContent = "Go to";
    group.appendChild(heading);
    links.forEach(function (l) {
      var name = (l.textContent || "").replace(/\s+/g, " ").trim();
      var words = name.toLowerCase().split(/[\s&]+/);
      if (q && !words.some(function (w) { return w.indexOf(q) === 0; }) && name.toLowerCase().indexOf(q) !== 0) return;
      var a = document.createElement("a");
      a.className = "palette__option";
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", "false");
      a.tabIndex = -1;
      a.href = l.getAttribute("href");
      a.setAttribute("data-testid", "palette-page");
      var icon = document.createElement("span");
      icon.className = "palette__icon";
      var svg = l.querySelector("svg");
      if (svg) icon.appendChild(svg.cloneNode(true));
      var text = document.createElement("span");
      text.className = "palette__text";
      var title = document.createElement("span");
      title.className = "palette__title";
      title.textContent = name;
      text.appendChild(title);
      a.appendChild(icon);
      a.appendChild(text);
      group.appendChild(a);
    });
    return group.querySelector("[role=option]") ? group : null;
  }

  function prepare(list) {
    var running = timerRunning();
    var hasTimer = !!document.querySelector('[data-testid="timer"]');
    list.querySelectorAll("[data-when]").forEach(function (o) {
      var when = o.getAttribute("data-when");
      o.hidden = (when === "timer-running") !== running || (when === "timer-running" && !hasTimer);
    });
    var board = document.querySelector("[data-quick-add]");
    var newTask = list.querySelector('[data-action="new-task"] .palette__context');
    if (newTask && board) newTask.textContent = "On this board";
    else if (newTask) newTask.textContent = "Choose a project";
    var pages = pagesGroup(list.getAttribute("data-query") || "");
    if (pages) list.appendChild(pages);
    select(options()[0] || null);
  }

  // ---- Actions ---------------------------------------------------------------------------------
  function query() {
    var list = document.getElementById("palette-list");
    return list ? list.getAttribute("data-query") || "" : input().value.trim();
  }

  function focusQuickAdd(title) {
    var field = document.querySelector("[data-quick-add] .quick-add__input");
    if (!field) return false;
    if (title) field.value = title;
    field.focus();
    field.scrollIntoView({ block: "center" });
    return true;
  }

  function whenPresent(selector, fn) {
    var tries = 0;
    (function look() {
      var el = document.querySelector(selector);
      if (el) return fn(el);
      if (++tries < 40) window.setTimeout(look, 50);
    })();
  }

  // run performs an option; true when it was handled in the page (else its link is followed).
  function run(o) {
    var q = query();
    switch (o.getAttribute("data-action")) {
      case "new-task":
        close(false);
        if (focusQuickAdd(q)) return true;
        remember(q);
        return false;
      case "new-task-in":
        remember(q);
        return false;
      case "start-timer": {
        var start = document.querySelector('details[data-testid="timer-start"]');
        if (!start) return false;
        close(false);
        start.open = true;
        whenPresent("#timer-description", function (d) {
          if (q && !d.value) d.value = q;
          d.focus();
        });
        return true;
      }
      case "stop-timer": {
        var stop = document.querySelector('[data-testid="timer-stop"]');
        if (!stop) return false;
        close(false);
        stop.click();
        return true;
      }
    }
    return false;
  }

  function remember(title) {
    try {
      if (title) sessionStorage.setItem(NEW_TASK_KEY, title);
    } catch (e) {}
  }

  var activating = false;

  function activate(o) {
    activating = true;
    window.setTimeout(function () {
      activating = false;
    }, 0);
    if (run(o)) return;
    close(false);
    window.location.assign(o.href);
  }

  // A board opened by "New task in …" focuses its quick add, with the title typed in the palette.
  function resumeNewTask() {
    if (window.location.hash !== "#new-task") return;
    var title = "";
    try {
      title = sessionStorage.getItem(NEW_TASK_KEY) || "";
      sessionStorage.removeItem(NEW_TASK_KEY);
    } catch (e) {}
    focusQuickAdd(title);
  }

  // ---- Wiring ----------------------------------------------------------------------------------
  document.addEventListener(
    "keydown",
    function (e) {
      if ((e.key === "k" || e.key === "K") && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        if (!palette()) return;
        e.preventDefault();
        if (isOpen()) close();
        else open();
        return;
      }
      if (!isOpen()) {
        if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target) && palette()) {
          e.preventDefault();
          open();
        }
        return;
      }
      // Open: the palette has the keyboard; other handlers (task panel, dropdowns) do not see these keys.
      switch (e.key) {
        case "Escape":
          e.preventDefault();
          e.stopPropagation();
          close();
          return;
        case "ArrowDown":
        case "ArrowUp":
          e.preventDefault();
          e.stopPropagation();
          move(e.key === "ArrowDown" ? 1 : -1);
          return;
        case "Enter": {
          if (e.isComposing || e.target !== input()) return;
          var o = selected();
          if (!o) return; // the form opens the results page
          e.preventDefault();
          e.stopPropagation();
          activate(o);
          return;
        }
        case "Tab": {
          // Focus stays in the dialog (the input and its Esc button), whatever traps focus below it.
          var esc = palette().querySelector(".palette__esc");
          e.preventDefault();
          e.stopPropagation();
          (e.target === input() ? esc : input()).focus();
          return;
        }
      }
    },
    true
  );

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    if (t.closest("[data-palette-open]")) {
      e.preventDefault();
      open();
      return;
    }
    if (t.closest("[data-palette-close]")) {
      e.preventDefault();
      close();
      return;
    }
    var o = t.closest("#palette-results [role=option]");
    if (o && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.button === 0) {
      if (run(o)) e.preventDefault();
      else close(false);
    }
  });

  // The pointer chooses an option only when it really moves: browsers also send mousemove when the list changes
  // under a resting pointer, which must not take the choice away from the arrow keys.
  var pointer = { x: -1, y: -1 };
  // Enter in the field also submits its form (the page of all results) unless an option was chosen: the keydown
  // above opens the option, and a submit that still follows it (a separate keypress) is dropped.
  document.addEventListener("submit", function (e) {
    if (!(e.target instanceof Element) || !e.target.matches("[data-palette-form]")) return;
    if (activating) {
      e.preventDefault();
      return;
    }
    var o = selected();
    if (o) {
      e.preventDefault();
      activate(o);
    }
  });

  document.addEventListener("mousemove", function (e) {
    var t = e.target;
    var moved = e.clientX !== pointer.x || e.clientY !== pointer.y;
    pointer = { x: e.clientX, y: e.clientY };
    if (!moved || !(t instanceof Element) || !isOpen()) return;
    var o = t.closest("#palette-results [role=option]");
    if (o && o.getAttribute("aria-selected") !== "true") select(o);
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var list = document.getElementById("palette-list");
    if (list && e.detail && e.detail.target && e.detail.target.id === "palette-results") {
      setError(false);
      prepare(list);
    }
  });

  function failed(e) {
    if (e.detail && e.detail.elt === input()) setError(true);
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  function init() {
    if (/Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || "")) {
      document.querySelectorAll("[data-shortcut-label]").forEach(function (k) {
        k.textContent = "\u2318K";
      });
    }
    resumeNewTask();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
