// composer-files.js — files in composers: the task panel's comment form and the chat composer (forms with
// data-composer-files, the upload URL). A file chosen with the paperclip, dropped on the form or pasted into it is
// uploaded on its own request with a progress bar; the answer, a chip holding the file's id in a hidden
// attachment_ids field, takes its row, so the comment or message is posted with it. A refused file keeps its row
// with the server's reason until removed. Sending waits until every upload has finished.
// Loaded by the task panel and the chat; runs once.
(function () {
  "use strict";
  if (window.trcrComposerFiles) return;
  window.trcrComposerFiles = true;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  function composerOf(el) {
    return el instanceof Element ? el.closest("form[data-composer-files]") : null;
  }

  function removeButton(row) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "icon-btn icon-btn--sm";
    b.setAttribute("data-composer-file-remove", "");
    b.setAttribute("aria-label", "Remove");
    b.textContent = "×";
    row.appendChild(b);
  }

  function upload(form, file) {
    var list = form.querySelector("[data-composer-file-list]");
    if (!list) return;
    var row = document.createElement("li");
    row.className = "composer-file composer-file--uploading";
    row.setAttribute("data-composer-uploading", "");
    row.setAttribute("data-testid", "composer-file-uploading");
    var name = document.createElement("span");
    name.className = "composer-file__name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.className = "composer-file__progress";
    bar.max = 100;
    bar.value = 0;
    row.append(name, bar);
    list.appendChild(row);

    function fail(message) {
      row.removeAttribute("data-composer-uploading");
      row.className = "composer-file composer-file--error";
      row.setAttribute("data-testid", "composer-file-error");
      bar.remove();
      var err = document.createElement("span");
      err.className = "composer-file__error";
      err.setAttribute("role", "alert");
      err.textContent = message || "The upload failed; try again.";
      row.appendChild(err);
      removeButton(row);
    }

    var body = new FormData();
    body.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-composer-files"));
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded * 100) / e.total);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status < 200 || xhr.status >= 300) return fail(xhr.responseText.trim());
      var t = document.createElement("template");
      t.innerHTML = xhr.responseText.trim();
      row.replaceWith(t.content);
    });
    xhr.addEventListener("error", function () {
      fail("");
    });
    xhr.send(body);
  }

  function uploadAll(form, files) {
    for (var i = 0; i < files.length; i++) upload(form, files[i]);
  }

  function uploading(form) {
    return !!form.querySelector("[data-composer-uploading]");
  }

  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-composer-file-input")) return;
    var form = composerOf(input);
    if (form && input.files) uploadAll(form, input.files);
    input.value = "";
  });

  document.addEventListener("click", function (e) {
    var b = e.target instanceof Element && e.target.closest("[data-composer-file-remove]");
    if (b) b.closest("li").remove();
  });

  document.addEventListener("dragover", function (e) {
    if (composerOf(e.target) && e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
      e.preventDefault();
    }
  });

  document.addEventListener("drop", function (e) {
    var form = composerOf(e.target);
    if (!form || !e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    uploadAll(form, e.dataTransfer.files);
  });

  // Captured, so that a file pasted into a composer belongs to the post, not to the task panel's Attachments
  // section, which takes files pasted anywhere else in the panel.
  document.addEventListener(
    "paste",
    function (e) {
      var form = composerOf(e.target);
      var files = e.clipboardData && e.clipboardData.files;
      if (!form || !files || !files.length) return;
      e.preventDefault();
      e.stopPropagation();
      uploadAll(form, files);
    },
    true
  );

  function holdWhileUploading(e) {
    var form = composerOf(e.target);
    if (form && uploading(form)) {
      e.preventDefault();
      e.stopPropagation();
    }
  }
  document.addEventListener("submit", holdWhileUploading, true);
  document.addEventListener("htmx:confirm", holdWhileUploading);

  // A sent message leaves the chat composer in place: its files go with the words.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail && e.detail.elt;
    if (!(form instanceof Element) || !form.matches("form[data-composer-files]") || !e.detail.successful) return;
    var list = form.querySelector("[data-composer-file-list]");
    if (list) list.replaceChildren();
  });
})();
