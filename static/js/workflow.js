// workflow.js — what htmx cannot do on the project form and the workflow settings page:
//  * color fields: picking a custom color selects the "custom" swatch (the server also accepts a changed custom
//    color without this script);
//  * a new status's code is suggested from its name until the code is typed by hand;
//  * custom statuses are reordered by dragging their handle; the new order is posted through the hidden
//    reorder form (the up/down buttons do the same without JavaScript).
(function () {
  "use strict";

  // ---- Color fields ------------------------------------------------------------------------------------------
  document.addEventListener("input", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLInputElement)) return;
    if (t.hasAttribute("data-color-custom")) {
      var field = t.closest("[data-color-field]");
      var choice = field && field.querySelector("[data-color-custom-choice]");
      if (choice) choice.checked = true;
      return;
    }
    if (t.hasAttribute("data-code-source")) {
      var form = t.form;
      var code = form && form.querySelector("[data-code-input]");
      if (code && !code.dataset.touched) code.value = suggestCode(t.value);
      return;
    }
    if (t.hasAttribute("data-code-input")) {
      // Typed by hand: stop suggesting, unless the field was emptied.
      if (t.value === "") delete t.dataset.touched;
      else t.dataset.touched = "1";
    }
  });

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!(t instanceof HTMLInputElement) || t.type !== "radio" || t.name !== "color") return;
    var field = t.closest("[data-color-field]");
    var picker = field && field.querySelector("[data-color-custom]");
    // Start the custom picker from the chosen preset.
    if (picker && /^#[0-9a-f]{6}$/i.test(t.value)) {
      picker.value = t.value;
      var was = field.querySelector("input[name='color_custom_was']");
      if (was) was.value = t.value;
    }
  });

  // suggestCode turns "In review" into "in_review": lowercase ASCII letters, digits and underscores, starting
  // with a letter, at most 50 characters (the rule the server checks).
  function suggestCode(label) {
    var s = label.normalize ? label.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : label;
    s = s.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
    if (s && !/^[a-z]/.test(s)) s = "s_" + s;
    return s.slice(0, 50).replace(/_+$/, "");
  }

  // ---- Drag to reorder custom statuses ------------------------------------------------------------------------
  var dragged = null;
  var startOrder = "";

  function rows(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-status-id]"));
  }

  function orderOf(list) {
    return rows(list).map(function (li) {
      return li.getAttribute("data-status-id");
    });
  }

  // Rows become draggable only while their handle is held, so text in the edit form stays selectable.
  function armHandle(e) {
    var handle = e.target instanceof Element && e.target.closest("[data-drag-handle]");
    if (!handle) return;
    var li = handle.closest("[data-status-id]");
    if (li) li.setAttribute("draggable", "true");
  }
  document.addEventListener("mousedown", armHandle);
  document.addEventListener("touchstart", armHandle, { passive: true });
  document.addEventListener("mouseup", function () {
    if (dragged) return;
    document.querySelectorAll("[data-status-id][draggable='true']").forEach(function (li) {
      li.removeAttribute("draggable");
    });
  });

  document.addEventListener("dragstart", function (e) {
    var li = e.target instanceof Element && e.target.closest("[data-reorder-list] > [data-status-id]");
    if (!li || li.getAttribute("draggable") !== "true") return;
    dragged = li;
    startOrder = orderOf(li.parentElement).join(",");
    li.classList.add("is-dragging");
    if (e.dataTransfer) {
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", li.getAttribute("data-status-id"));
    }
  });

  document.addEventListener("dragover", function (e) {
    if (!dragged) return;
    var list = dragged.parentElement;
    if (!(e.target instanceof Element) || !list.contains(e.target)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = "move";
    var after = null;
    rows(list).some(function (li) {
      if (li === dragged) return false;
      var box = li.getBoundingClientRect();
      if (e.clientY < box.top + box.height / 2) {
        after = li;
        return true;
      }
      return false;
    });
    if (after) {
      if (dragged.nextElementSibling !== after) list.insertBefore(dragged, after);
    } else if (list.lastElementChild !== dragged) {
      list.appendChild(dragged);
    }
  });

  document.addEventListener("drop", function (e) {
    if (dragged) e.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var li = dragged;
    var list = li.parentElement;
    dragged = null;
    li.classList.remove("is-dragging");
    li.removeAttribute("draggable");
    var order = orderOf(list);
    if (order.join(",") === startOrder) return;
    submitOrder(list, order);
  });

  function submitOrder(list, order) {
    var section = list.closest("#workflow-statuses") || document;
    var form = section.querySelector("[data-reorder-form]");
    if (!form) return;
    form.querySelectorAll("input[name='order']").forEach(function (i) {
      i.remove();
    });
    order.forEach(function (id) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "order";
      input.value = id;
      form.appendChild(input);
    });
    list.classList.add("is-saving");
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  }
})();
