// git-settings.js — what htmx cannot do on the repositories settings page: copy a hook URL or a secret (shown only
// once) to the clipboard.
(function () {
  "use strict";
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
