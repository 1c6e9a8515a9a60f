// invoices.js — what htmx cannot do on the invoice pages:
//  * copy the public link of a sent invoice to the clipboard;
//  * after a line is added, put the cursor back in the (fresh) "add a line" description;
//  * keep the invoice list's URL clean: empty filters are left out of the query it pushes to the history.
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!(elt instanceof Element) || !elt.closest("[data-drop-empty-params]")) return;
    var params = e.detail.parameters;
    Object.keys(params).forEach(function (k) {
      if (params[k] === "") delete params[k];
    });
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    var elt = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    if (!(elt instanceof Element) || elt.id !== "li-add" || !e.detail.successful) return;
    var desc = document.getElementById("li-add-desc");
    if (desc && !desc.value) desc.focus();
  });

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
})();
