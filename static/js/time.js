// time.js — small helpers of the time page (views/time.templ):
//  * links marked data-open-details="<id>" open that <details> (the "Add time manually" card) and focus its
//    first field;
//  * an entry's end time and duration are alternatives: typing one clears the other;
//  * Escape in an entry being edited cancels the edit, and focus returns to the entry's edit button.
// Form messages, resets and the ticking of running entries are handled by timer.js.
(function () {
  "use strict";

  document.addEventListener("click", function (e) {
    var link = e.target instanceof Element ? e.target.closest("[data-open-details]") : null;
    if (!link) return;
    var details = document.getElementById(link.getAttribute("data-open-details"));
    if (!details) return;
    e.preventDefault();
    details.open = true;
    details.scrollIntoView({ block: "start", behavior: "smooth" });
    var first = details.querySelector("input:not([type=hidden]), select");
    if (first) first.focus({ preventScroll: true });
  });

  document.addEventListener("input", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLInputElement) || !t.value) return;
    var span = t.closest("[data-time-span]");
    if (!span) return;
    var other = null;
    if (t.hasAttribute("data-span-duration")) other = span.querySelector("[data-span-end]");
    else if (t.hasAttribute("data-span-end")) other = span.querySelector("[data-span-duration]");
    if (other) other.value = "";
  });

  // An entry swapped back in after an edit: keep the keyboard where it was.
  document.addEventListener("htmx:load", function (e) {
    var el = e.target;
    if (!(el instanceof Element) || !el.matches("li.time-entry:not(.time-entry--editing)")) return;
    if (document.activeElement && document.activeElement !== document.body) return;
    var edit = el.querySelector("[data-testid='time-entry-edit']");
    if (edit) edit.focus();
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || !(e.target instanceof Element)) return;
    var editing = e.target.closest(".time-entry--editing");
    var cancel = editing && editing.querySelector("[data-testid='entry-cancel']");
    if (cancel) {
      e.preventDefault();
      cancel.click();
    }
  });
})();
