// timer.js — the timer in the top bar (views/timer.templ) and the time entry forms, on every page:
//  * ticks every [data-started-at] element once a second, from its start (corrected by the server's clock in
//    data-now when the browser's is off), so a running timer needs no polling; the one marked data-tab-title (the
//    top bar's) also leads the tab's title ("▶ 0:12:03 · "), whatever else a page puts there (chat's unread
//    count), and leaves it when the timer stops;
//  * a stop (a form marked data-confirm-short="<dialog id>") of a timer that ran under a minute first asks, in
//    that dialog, whether to keep the 0:00 entry (the stop goes ahead) or discard it (the dialog's own form);
//  * lets htmx swap the 409 answers of forms marked data-swap-409 ("a timer is already running"), shown in place;
//  * after a rejected time form (views.TimeFormErrors filled its message slots) marks the fields invalid and
//    focuses the first; after a saved one clears the messages, and resets forms marked data-reset-on-success;
//  * focuses the popover's first field when it has loaded (or, loaded before on hover or focus, when it opens),
//    and sets a form's billable switch to the default of the project chosen;
//  * shows the popover's Start spinner only once a start has waited 150 ms, and keeps htmx from cleaning up the
//    popover's project options one by one when the timer is swapped out.
(function () {
  "use strict";
  if (window.trcrTimerLoaded) return; // the script tag comes with every page's header
  window.trcrTimerLoaded = true;

  // ---- Ticking -----------------------------------------------------------------
  // A skew under this is network latency rather than a wrong clock, and is ignored.
  var SKEW_LIMIT_MS = 5000;

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function format(seconds, fmt) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor(s / 60) % 60;
    if (fmt === "hm") return h + ":" + pad(m);
    return h + ":" + pad(m) + ":" + pad(s % 60);
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-started-at]").forEach(function (el) {
      var started = Date.parse(el.getAttribute("data-started-at"));
      if (isNaN(started)) return;
      if (el.trcrSkew === undefined) {
        var serverNow = Date.parse(el.getAttribute("data-now") || "");
        var skew = isNaN(serverNow) ? 0 : now - serverNow;
        el.trcrSkew = Math.abs(skew) > SKEW_LIMIT_MS ? skew : 0;
      }
      var text = format((now - el.trcrSkew - started) / 1000, el.getAttribute("data-format"));
      if (el.textContent !== text) el.textContent = text;
    });
    syncTabTitle();
  }

  // The clock in the title is found and replaced wherever it is, so a page that saved the title with the clock
  // in it and writes it back (chat's unread count) does not leave a stale one.
  var TITLE_CLOCK = /▶ \d+:\d\d:\d\d · /g;
  function syncTabTitle() {
    var el = document.querySelector("[data-started-at][data-tab-title]");
    var rest = document.title.replace(TITLE_CLOCK, "");
    var title = el && el.isConnected ? "▶ " + el.textContent + " · " + rest : rest;
    if (document.title !== title) document.title = title;
  }

  // ---- Short timers ------------------------------------------------------------------
  var SHORT_MS = 60000;

  document.addEventListener("htmx:confirm", function (e) {
    var form = e.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm-short")) return;
    var dialog = document.getElementById(form.getAttribute("data-confirm-short"));
    var clock = form.parentElement && form.parentElement.querySelector("[data-started-at]");
    if (!dialog || !clock || typeof dialog.showModal !== "function") return;
    var started = Date.parse(clock.getAttribute("data-started-at"));
    if (isNaN(started) || Date.now() - (clock.trcrSkew || 0) - started >= SHORT_MS) return;
    e.preventDefault();
    var keep = dialog.querySelector("[data-confirm-keep]");
    keep.onclick = function () {
      dialog.close();
      e.detail.issueRequest(true);
    };
    dialog.showModal();
  });

  // ---- Forms ---------------------------------------------------------------------
  function messageShown(id) {
    var m = document.getElementById(id);
    return !!(m && m.classList.contains("field__error") && !m.hidden);
  }

  // markInvalid sets aria-invalid on the fields whose message slot shows a message; it returns the first.
  function markInvalid(form) {
    var first = null;
    form.querySelectorAll("input[aria-describedby], select[aria-describedby], textarea[aria-describedby]").forEach(function (input) {
      var bad = input.getAttribute("aria-describedby").split(/\s+/).some(messageShown);
      if (bad) {
        input.setAttribute("aria-invalid", "true");
        if (!first) first = input;
      } else {
        input.removeAttribute("aria-invalid");
      }
      var field = input.closest(".field");
      if (field) field.classList.toggle("field--invalid", bad);
    });
    return first;
  }

  function clearMessages(form) {
    form.querySelectorAll(".field__error").forEach(function (m) {
      m.hidden = true;
      m.removeAttribute("data-testid");
      var text = m.querySelector("span");
      if (text) text.textContent = "";
    });
    var region = form.querySelector("[data-form-errors]");
    if (region) region.innerHTML = "";
    markInvalid(form);
  }

  document.addEventListener("htmx:beforeSwap", function (e) {
    var d = e.detail;
    if (d.xhr && d.xhr.status === 409 && d.elt instanceof Element && d.elt.closest("[data-swap-409]")) {
      d.shouldSwap = true;
      d.isError = false;
    }
  });

  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-time-form") || !form.isConnected) return;
    var status = e.detail.xhr ? e.detail.xhr.status : 0;
    if (status >= 200 && status < 300) {
      clearMessages(form);
      if (form.hasAttribute("data-reset-on-success")) {
        form.reset();
        // The task select was loaded for the old project: reload it for the reset one.
        var project = form.querySelector("select[data-billable-sync]");
        if (project) project.dispatchEvent(new Event("change", { bubbles: true }));
        var first = form.querySelector("input:not([type=hidden])");
        if (first) first.focus();
      }
      return;
    }
    var invalid = markInvalid(form);
    if (invalid) invalid.focus();
  });

  document.addEventListener("change", function (e) {
    var select = e.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-billable-sync") || !select.form) return;
    var option = select.options[select.selectedIndex];
    var toggle = select.form.querySelector("[data-billable-target]");
    if (option && toggle) toggle.checked = option.getAttribute("data-billable") !== "false";
  });

  document.addEventListener("htmx:load", function (e) {
    var el = e.target;
    if (el instanceof Element) {
      var auto = el.matches("[data-autofocus]") ? el : el.querySelector("[data-autofocus]");
      if (auto) auto.focus();
    }
    tick();
  });

  // The popover's form loads when the pointer or the focus reaches the Start button (views.timerFormTrigger), so
  // it is often there before the popover opens, when focusing it did nothing: focus it as the popover opens.
  document.addEventListener(
    "toggle",
    function (e) {
      var d = e.target;
      if (!(d instanceof HTMLDetailsElement) || !d.open || !d.matches(".timer__start")) return;
      var auto = d.querySelector("[data-autofocus]");
      if (auto) auto.focus();
    },
    true
  );

  // A start from the popover still waiting for its answer after 150 ms shows its spinner (is-waiting on the form); a
  // faster one changes nothing visible until its answer: the button is disabled at once but looks it only with the
  // spinner (app.css, issue 15).
  if (window.trcrMarkWhenSlow) {
    window.trcrMarkWhenSlow(function (elt) {
      return elt.id === "timer-form" ? [elt] : null;
    }, "is-waiting");
  }

  // ---- Swapping the top bar's timer out ---------------------------------------------------------------------
  // htmx cleans up a swapped-out element by dispatching events on it and on every element inside, one by one. A
  // start from the popover swaps #timer, and the popover's project select holds an option for every active project
  // (~200 in the benchmark's organization, most of the ~255 elements htmx walked, ~10 ms of a start; issue 15).
  // Options carry no htmx attributes: a #timer being cleaned up (it is being replaced) drops its selects' options
  // first.
  document.addEventListener("htmx:beforeCleanupElement", function (e) {
    var t = e.target;
    if (!(t instanceof Element) || t.id !== "timer") return;
    t.querySelectorAll("select").forEach(function (select) {
      select.replaceChildren();
    });
  });

  tick();
  setInterval(tick, 1000);
})();
