// quick-create.js — the "New task" dialog and the keyboard shortcut sheet of AppLayout:
//  * "c" (not while typing in a field) or a [data-quick-create] link opens the dialog, filled from GET /tasks/new
//    (the form alone for htmx); the form posts with htmx, so a refused task shows its messages in place and a
//    created one loads its panel (HX-Redirect to the task's deep link). Without JavaScript the links open the page.
//  * "?" opens the shortcut sheet.
//  * Both are modal <dialog>s: the page behind is inert, Escape closes them and focus goes back where it was.
(function () {
  "use strict";

  // Where the focus goes back to when each dialog closes.
  var returnFocus = new WeakMap();

  function qc() {
    return document.getElementById("quick-create");
  }
  function sheet() {
    return document.getElementById("shortcuts");
  }

  function typing(t) {
    if (!(t instanceof Element)) return false;
    return t.isContentEditable || t.matches("input, textarea, select");
  }

  // Something else has the keyboard: the palette, a dialog, the task panel.
  function busy() {
    return (
      document.body.classList.contains("palette-open") ||
      document.querySelector("dialog[open]") !== null ||
      document.querySelector("#task-panel .tp") !== null
    );
  }

  function show(d) {
    returnFocus.set(d, document.activeElement);
    d.showModal();
  }

  function close(d) {
    if (!d.open) return;
    d.close();
  }

  // The project of the page the user is on is chosen already.
  function projectHere() {
    var m = window.location.pathname.match(/^\/projects\/([0-9a-f-]{36})/);
    if (m) return m[1];
    return new URLSearchParams(window.location.search).get("project") || "";
  }

  function prepare(body) {
    var cancel = body.querySelector("[data-quick-create-close][hidden]");
    if (cancel) cancel.hidden = false;
  }

  function openQuickCreate() {
    var d = qc();
    if (!d) return;
    var body = d.querySelector("[data-quick-create-body]");
    var project = projectHere();
    var url = "/tasks/new" + (project ? "?project=" + encodeURIComponent(project) : "");
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.text();
      })
      .then(function (html) {
        body.innerHTML = html;
        if (window.htmx) window.htmx.process(body);
        prepare(body);
        show(d);
        var title = body.querySelector("#nt-title");
        if (title) title.focus();
      })
      .catch(function () {
        window.location.href = url; // the plain page says what is wrong
      });
  }

  // "close" does not bubble: caught on the way down, for Escape, the buttons and the backdrop alike.
  document.addEventListener(
    "close",
    function (e) {
      if (e.target !== qc() && e.target !== sheet()) return;
      var back = returnFocus.get(e.target);
      returnFocus.delete(e.target);
      if (back && typeof back.focus === "function" && document.contains(back) && !document.querySelector("dialog[open]")) back.focus();
    },
    true
  );

  // A refused form comes back in place: keep its Cancel and put the cursor on the first field to fix.
  document.addEventListener("htmx:afterSwap", function (e) {
    var d = qc();
    if (!d || !d.open || !d.contains(e.target)) return;
    var body = d.querySelector("[data-quick-create-body]");
    prepare(body);
    var bad = body.querySelector("[aria-invalid=true]");
    if (bad) bad.focus();
  });

  document.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    var opener = t.closest("[data-quick-create]");
    if (opener && qc() && !(e.ctrlKey || e.metaKey || e.shiftKey || e.altKey)) {
      e.preventDefault();
      openQuickCreate();
      return;
    }
    if (t.closest("[data-quick-create-close]")) close(qc());
    if (t.closest("[data-shortcuts-close]")) close(sheet());
    // A click on the backdrop (the dialog element itself, outside its content) closes it.
    if (t === sheet()) close(sheet());
  });

  // While a dialog here is open it has the keyboard: Escape closes it before the task panel or a menu sees it.
  window.addEventListener(
    "keydown",
    function (e) {
      var open = [qc(), sheet()].filter(function (d) {
        return d && d.open;
      })[0];
      if (!open) return;
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        close(open);
      } else if (e.key === "Tab") {
        e.stopPropagation(); // the modal dialog keeps Tab inside; the task panel's own trap must not move it
      }
    },
    true
  );

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (typing(e.target) || busy()) return;
    if (e.key === "c" && qc()) {
      e.preventDefault();
      openQuickCreate();
    } else if (e.key === "?" && sheet()) {
      e.preventDefault();
      show(sheet());
    }
  });
})();
