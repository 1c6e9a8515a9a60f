// invoices.js — what htmx cannot do on the invoice pages:
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
})();
