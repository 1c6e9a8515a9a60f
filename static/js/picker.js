// picker.js — makes a plain <select data-picker> searchable: a combobox input over a listbox of its options, filtered
// as one types (every word must appear in the option's text or its data-search), picked with the arrow keys and
// Enter or the mouse, closed with Escape. The select stays in the form (hidden) and carries the value, so forms
// work as before without JavaScript, and picking fires its "change" (htmx reloads the task select on it).
// A select with data-picker-src asks the server for its options instead, filtered by what is typed (GET src&q=),
// for lists too long to send whole (a project's tasks).
(function () {
  "use strict";

  var MAX_SHOWN = 100;
  var seq = 0;

  function words(s) {
    return (s || "").toLowerCase().split(/\s+/).filter(Boolean);
  }

  function optionText(o) {
    return o.textContent.replace(/\s+/g, " ").trim();
  }

  function enhance(select) {
    if (select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    var id = select.id || "picker-" + ++seq;
    // A select swapped by htmx leaves the picker of its predecessor behind.
    var stale = document.querySelector('.picker[data-picker-for="' + id + '"]');
    if (stale) stale.remove();

    var wrap = document.createElement("div");
    wrap.className = "picker";
    wrap.dataset.pickerFor = id;
    var input = document.createElement("input");
    input.type = "text";
    input.className = "input picker__input";
    input.id = id + "-picker";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-listbox");
    if (select.dataset.testid) input.dataset.testid = select.dataset.testid + "-picker";
    if (select.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    input.disabled = select.disabled;
    var list = document.createElement("ul");
    list.className = "picker__list";
    list.id = id + "-listbox";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) {
      label.htmlFor = input.id;
      if (!label.id) label.id = id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    wrap.append(input, list);
    select.after(wrap);
    select.hidden = true;
    select.tabIndex = -1;

    var shown = []; // the options listed, in order
    var active = -1;
    var timer = 0;
    var asked = 0; // the latest server query, so a slow answer to an older one is dropped
    var picking = false; // an Enter picked an option: its keypress is not the form's

    function selectedText() {
      var o = select.options[select.selectedIndex];
      return o && o.value !== "" ? optionText(o) : "";
    }
    function placeholder() {
      var o = select.options[0];
      input.placeholder = o && o.value === "" ? optionText(o) : "Search";
    }
    function reset() {
      input.value = selectedText();
      placeholder();
    }

    function render(query) {
      var want = words(query);
      shown = [];
      for (var i = 0; i < select.options.length && shown.length < MAX_SHOWN; i++) {
        var o = select.options[i];
        if (o.disabled) continue;
        var hay = (optionText(o) + " " + (o.dataset.search || "")).toLowerCase();
        if (want.every(function (w) { return hay.indexOf(w) >= 0; })) shown.push(o);
      }
      list.replaceChildren();
      shown.forEach(function (o, i) {
        var li = document.createElement("li");
        li.id = id + "-opt-" + i;
        li.className = "picker__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.testid = "picker-option";
        li.textContent = optionText(o);
        if (o.selected && o.value !== "") li.classList.add("is-chosen");
        li.addEventListener("mousedown", function (e) {
          e.preventDefault(); // keep the focus in the input
          pick(i);
        });
        list.appendChild(li);
      });
      if (shown.length === 0) {
        var none = document.createElement("li");
        none.className = "picker__empty";
        none.textContent = "No matches";
        list.appendChild(none);
      }
      move(shown.length ? 0 : -1);
    }

    function open(query) {
      render(query);
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function move(i) {
      var items = list.querySelectorAll(".picker__option");
      if (active >= 0 && items[active]) {
        items[active].classList.remove("is-active");
        items[active].setAttribute("aria-selected", "false");
      }
      active = i;
      if (i < 0 || !items[i]) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      items[i].classList.add("is-active");
      items[i].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    }
    function pick(i) {
      var o = shown[i];
      if (!o) return;
      var changed = select.value !== o.value;
      select.value = o.value;
      close();
      reset();
      if (changed) select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    // Remote lists: the server's options for the query replace the select's, keeping the chosen one.
    function fetchOptions(query) {
      var n = ++asked;
      var url = select.dataset.pickerSrc + (select.dataset.pickerSrc.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(query);
      fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          if (n !== asked) return;
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("select");
          if (!fresh) return;
          var chosen = select.options[select.selectedIndex];
          var keep = chosen && chosen.value !== "" ? chosen.cloneNode(true) : null;
          select.replaceChildren.apply(select, Array.prototype.slice.call(fresh.options).map(function (o) { return document.importNode(o, true); }));
          if (keep && !Array.prototype.some.call(select.options, function (o) { return o.value === keep.value; })) select.add(keep);
          if (keep) select.value = keep.value;
          if (document.activeElement === input) open(query);
        })
        .catch(function () { /* the local options stay */ });
    }

    input.addEventListener("focus", function () { input.select(); });
    input.addEventListener("click", function () { if (list.hidden) open(""); });
    input.addEventListener("input", function () {
      if (select.dataset.pickerSrc) {
        clearTimeout(timer);
        var q = input.value;
        timer = setTimeout(function () { fetchOptions(q); }, 150);
      }
      open(input.value);
    });
    input.addEventListener("keydown", function (e) {
      var count = shown.length;
      switch (e.key) {
        case "ArrowDown":
          e.preventDefault();
          if (list.hidden) open("");
          else if (count) move((active + 1) % count);
          break;
        case "ArrowUp":
          e.preventDefault();
          if (list.hidden) open("");
          else if (count) move((active - 1 + count) % count);
          break;
        case "Enter":
          if (!list.hidden) {
            e.preventDefault(); // picking is not submitting
            picking = true;
            pick(active);
          }
          break;
        case "Escape":
          if (!list.hidden) {
            e.preventDefault();
            e.stopPropagation(); // the dialog around it stays open
            close();
            reset();
          }
          break;
        case "Tab":
          close();
          reset();
          break;
      }
    });
    // Some keyboards (and automation) send the Enter's keypress apart from its keydown: it must not submit either.
    input.addEventListener("keypress", function (e) {
      if (e.key === "Enter" && picking) e.preventDefault();
    });
    input.addEventListener("keyup", function (e) {
      if (e.key === "Enter") picking = false;
    });
    input.addEventListener("blur", function () {
      close();
      reset();
    });
    // The form's reset (time.js clears the add form) and code setting the value show up in the input.
    select.addEventListener("change", reset);
    var form = select.form;
    if (form) form.addEventListener("reset", function () { setTimeout(reset, 0); });
    reset();
  }

  function scan(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("select[data-picker]")) enhance(root);
    root.querySelectorAll("select[data-picker]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:load", function (e) { scan(e.target); });
})();
