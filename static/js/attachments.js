// attachments.js — the Attachments section of the task panel (#tp-attachments):
//  * uploads files chosen in the picker, dropped on the section or pasted while the panel is open, each in its own
//    request with a progress bar (XHR upload progress) and a cancel button; a refused file keeps its row with the
//    server's reason (too large, type not allowed, storage full) until dismissed
//  * opens previews in a dialog: images (a lightbox, with ← → between files), PDFs in a frame, text files as their
//    first lines (a fragment the server renders escaped); Escape or the close button closes it
//  * follows files others add or delete while the panel is open (live events)
// Loaded by the task panel; runs once.
(function () {
  "use strict";
  if (window.trcrAttachments) return;

  function section() {
    return document.getElementById("tp-attachments");
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  function formatSize(n) {
    if (n < 1024) return n + (n === 1 ? " byte" : " bytes");
    var units = ["KB", "MB", "GB"];
    var v = n / 1024;
    var i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (v >= 10 ? Math.round(v) : Math.round(v * 10) / 10) + " " + units[i];
  }

  // ---- Uploads -----------------------------------------------------------------------

  // swapList replaces the file list (and the count in the heading) with the server's.
  function swapList(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    ["tp-att-list", "tp-att-h"].forEach(function (id) {
      var fresh = doc.getElementById(id);
      var old = document.getElementById(id);
      if (fresh && old) {
        old.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
      }
    });
  }

  function refusal(status, xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/plain") === 0 && xhr.responseText) return xhr.responseText;
    var s = section();
    switch (status) {
      case 0:
        return "The upload did not reach the server. Check your connection and try again.";
      case 403:
        return "Your session expired. Reload the page and try again.";
      case 404:
        return "This task is gone, or you can no longer see it.";
      case 413:
        return "The file is larger than " + (s ? s.getAttribute("data-max-size-label") : "allowed") + ".";
      case 503:
        return "File storage is temporarily unavailable. Try again in a moment.";
    }
    return "The file could not be uploaded (error " + status + "). Try again.";
  }

  function uploadRow(file) {
    var li = document.createElement("li");
    li.className = "att-up";
    li.setAttribute("data-testid", "tp-att-upload");
    li.innerHTML =
      '<div class="att-up__head"><span class="att-up__name"></span><span class="att-up__size"></span>' +
      '<button type="button" class="icon-btn icon-btn--sm att-up__cancel"></button></div>' +
      '<progress class="progress att-up__bar" max="100" value="0" data-testid="tp-att-progress"></progress>' +
      '<p class="att-up__error" role="alert" hidden data-testid="tp-att-upload-error"></p>';
    li.querySelector(".att-up__name").textContent = file.name;
    li.querySelector(".att-up__size").textContent = formatSize(file.size);
    var bar = li.querySelector("progress");
    bar.setAttribute("aria-label", "Uploading " + file.name);
    var cancel = li.querySelector(".att-up__cancel");
    cancel.setAttribute("aria-label", "Cancel uploading " + file.name);
    cancel.title = "Cancel";
    var icon = section().querySelector("template[data-att-cancel-icon]");
    if (icon) cancel.appendChild(icon.content.cloneNode(true));
    return li;
  }

  function fail(li, message) {
    li.classList.add("is-error");
    li.querySelector("progress").hidden = true;
    var err = li.querySelector(".att-up__error");
    err.textContent = message;
    err.hidden = false;
    var b = li.querySelector(".att-up__cancel");
    b.setAttribute("aria-label", "Dismiss");
    b.title = "Dismiss";
  }

  function upload(file) {
    var s = section();
    if (!s) return;
    var list = s.querySelector("[data-att-uploads]");
    var li = uploadRow(file);
    list.appendChild(li);
    var cancel = li.querySelector(".att-up__cancel");
    var max = parseInt(s.getAttribute("data-max-size"), 10);
    if (max && file.size > max) {
      fail(li, "The file is larger than " + s.getAttribute("data-max-size-label") + ".");
      cancel.addEventListener("click", function () { li.remove(); });
      return;
    }
    if (file.size === 0) {
      fail(li, "The file is empty.");
      cancel.addEventListener("click", function () { li.remove(); });
      return;
    }
    var xhr = new XMLHttpRequest();
    var done = false;
    var bar = li.querySelector("progress");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.floor((e.loaded / e.total) * 100);
      bar.value = pct;
      bar.setAttribute("aria-valuetext", pct + "%");
    });
    xhr.addEventListener("load", function () {
      done = true;
      if (xhr.status === 200) {
        bar.value = 100;
        swapList(xhr.responseText);
        li.classList.add("is-done");
        setTimeout(function () { li.remove(); }, 400);
        return;
      }
      fail(li, refusal(xhr.status, xhr));
    });
    xhr.addEventListener("error", function () {
      done = true;
      fail(li, refusal(0, xhr));
    });
    xhr.addEventListener("abort", function () {
      done = true;
      li.remove();
    });
    cancel.addEventListener("click", function () {
      if (done) li.remove();
      else xhr.abort();
    });
    var form = new FormData();
    form.append("file", file, file.name);
    xhr.open("POST", s.getAttribute("data-upload-url"));
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.setRequestHeader("HX-Request", "true");
    xhr.setRequestHeader("HX-Current-URL", location.href);
    xhr.send(form);
  }

  function uploadAll(files) {
    for (var i = 0; i < files.length; i++) upload(files[i]);
  }

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t instanceof HTMLInputElement && t.matches("[data-att-input]") && t.files && t.files.length) {
      uploadAll(t.files);
      t.value = "";
    }
  });

  // Dragging files anywhere over the section highlights its drop zone; dropping there uploads them.
  function dropZone(e) {
    var t = e.target;
    return t instanceof Element ? t.closest("#tp-attachments") : null;
  }
  function hasFiles(e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], "Files") >= 0;
  }
  document.addEventListener("dragover", function (e) {
    var s = dropZone(e);
    if (!s || !hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    s.classList.add("is-dragover");
  });
  document.addEventListener("dragleave", function (e) {
    var s = dropZone(e);
    if (s && !s.contains(e.relatedTarget)) s.classList.remove("is-dragover");
  });
  document.addEventListener("drop", function (e) {
    var s = dropZone(e);
    if (!s || !hasFiles(e)) return;
    e.preventDefault();
    s.classList.remove("is-dragover");
    uploadAll(e.dataTransfer.files);
  });

  // Pasting files (a screenshot) while the panel is open attaches them; pasted text goes where it always went.
  document.addEventListener("paste", function (e) {
    var s = section();
    var files = e.clipboardData && e.clipboardData.files;
    if (!s || !files || !files.length) return;
    e.preventDefault();
    uploadAll(files);
  });

  // ---- Previews ----------------------------------------------------------------------

  var current = null; // the link of the file being previewed

  function viewer() {
    var s = section();
    return s && s.querySelector("[data-att-viewer]");
  }
  function previewable() {
    var s = section();
    if (!s) return [];
    return Array.prototype.filter.call(s.querySelectorAll("#tp-att-list [data-att-kind]"), function (a) {
      return a.getAttribute("data-att-kind") !== "file";
    });
  }

  function show(link) {
    var d = viewer();
    if (!d) return;
    current = link;
    var kind = link.getAttribute("data-att-kind");
    var name = link.getAttribute("data-att-name");
    d.querySelector("[data-att-viewer-title]").textContent = name;
    d.querySelector("[data-att-viewer-meta]").textContent = link.getAttribute("data-att-meta") || "";
    var dl = d.querySelector("[data-att-viewer-download]");
    dl.href = link.getAttribute("data-att-download");
    dl.setAttribute("download", name);
    var body = d.querySelector("[data-att-viewer-body]");
    body.className = "att-viewer__body att-viewer__body--" + kind;
    body.textContent = "";
    if (kind === "image") {
      var img = document.createElement("img");
      img.src = link.getAttribute("data-att-view");
      img.alt = name;
      img.setAttribute("data-testid", "tp-att-viewer-image");
      body.appendChild(img);
    } else if (kind === "pdf") {
      var frame = document.createElement("iframe");
      frame.src = link.getAttribute("data-att-view");
      frame.title = name;
      frame.setAttribute("data-testid", "tp-att-viewer-pdf");
      body.appendChild(frame);
    } else if (kind === "text") {
      body.innerHTML = '<p class="att-viewer__loading">Loading…</p>';
      if (window.htmx) {
        window.htmx.ajax("GET", link.getAttribute("data-att-preview"), { target: body, swap: "innerHTML" });
      }
    }
    var many = previewable().length > 1;
    d.querySelector("[data-att-viewer-prev]").hidden = !many;
    d.querySelector("[data-att-viewer-next]").hidden = !many;
    if (!d.open) d.showModal();
  }

  function step(by) {
    var items = previewable();
    if (items.length < 2 || !current) return;
    var name = current.getAttribute("data-att-open");
    var i = items.findIndex(function (a) { return a.getAttribute("data-att-open") === name; });
    show(items[(i + by + items.length) % items.length]);
  }

  function closeViewer() {
    var d = viewer();
    if (d && d.open) d.close();
  }

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var open = t.closest("#tp-attachments [data-att-open]");
    if (open && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      var id = open.getAttribute("data-att-open");
      var link = section().querySelector('[data-att-kind][data-att-open="' + id + '"]');
      if (link && link.getAttribute("data-att-kind") !== "file") {
        e.preventDefault();
        show(link);
      }
      return;
    }
    if (t.closest("[data-att-viewer-close]")) closeViewer();
    else if (t.closest("[data-att-viewer-prev]")) step(-1);
    else if (t.closest("[data-att-viewer-next]")) step(1);
    else if (t.matches("[data-att-viewer]")) closeViewer(); // the backdrop
  });

  document.addEventListener("keydown", function (e) {
    var d = viewer();
    if (!d || !d.open) return;
    if (e.key === "ArrowLeft") step(-1);
    if (e.key === "ArrowRight") step(1);
  });

  document.addEventListener(
    "close",
    function (e) {
      if (!(e.target instanceof Element) || !e.target.matches("[data-att-viewer]")) return;
      var body = e.target.querySelector("[data-att-viewer-body]");
      if (body) body.textContent = ""; // stops a PDF frame and frees a large image
      if (current && current.isConnected) current.focus({ preventScroll: true });
      current = null;
    },
    true
  );

  // ---- Live: files others add or delete ------------------------------------------------
  function refresh(e) {
    var env = e.detail || {};
    var panel = document.getElementById("tp");
    var me = document.body.getAttribute("data-user-id");
    if (!panel || !window.htmx || !env.data || env.data.task_id !== panel.getAttribute("data-task-id") || env.actor_id === me) return;
    var url = "/tasks/" + encodeURIComponent(env.data.task_id) + "/panel?section=attachments";
    window.htmx.ajax("GET", url, { target: "#tp-att-list", select: "#tp-att-list", swap: "outerHTML" });
  }
  document.addEventListener("trcr:attachment.created", refresh);
  document.addEventListener("trcr:attachment.deleted", refresh);

  window.trcrAttachments = { upload: upload };
})();
