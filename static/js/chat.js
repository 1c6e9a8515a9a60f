// chat.js — the chat page (views/chat.templ), where htmx alone cannot do it:
//  * keeps the conversation live from the event stream (live.js dispatches trcr:chat.* on document): a new message
//    is fetched as its server-rendered fragment and appended, edits and reactions replace a message in place,
//    deletions remove it, other channels' unread badges count up, and channel changes reload the channel list;
//  * marks the open channel read when it is opened and when messages arrive while it is in view;
//  * keeps the scroll position when older messages are put above (htmx loads them when the top comes into view),
//    starts at the newest message, the "New" line or a deep-linked message (?message=), and offers a jump back down;
//  * sends with Enter (Shift+Enter for a new line), completes @mentions, fills the reply bar, and opens the one
//    reaction picker next to the message it is for;
//  * groups messages by author and day across the runs the server rendered separately.
(function () {
  "use strict";

  var chat, scroller, list, channelID, me;
  var GROUP_SECONDS = 5 * 60;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  // ---- Scrolling --------------------------------------------------------------------------------------------
  function nearBottom() { return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120; }
  function toBottom() { scroller.scrollTop = scroller.scrollHeight; hideJump(); }

  var jump;
  function showJump() {
    if (!jump) {
      jump = document.createElement("button");
      jump.type = "button";
      jump.className = "chat-jump";
      jump.setAttribute("data-testid", "chat-jump");
      jump.textContent = "New messages ↓";
      jump.addEventListener("click", toBottom);
      scroller.parentNode.insertBefore(jump, scroller.nextSibling);
    }
    jump.hidden = false;
  }
  function hideJump() { if (jump) jump.hidden = true; }

  function focusMessage(id) {
    var el = document.getElementById("msg-" + id);
    if (!el) return false;
    el.scrollIntoView({ block: "center" });
    el.classList.add("is-focus");
    setTimeout(function () { el.classList.remove("is-focus"); }, 4000);
    return true;
  }

  // ---- Grouping ---------------------------------------------------------------------------------------------
  // Runs rendered apart (older pages, live messages) meet here: one divider per day, and a message that follows its
  // author's previous one within five minutes is shown without a header.
  function tidy() {
    if (!list) return;
    var prev = null;
    var lastDay = null;
    $$(":scope > li", list).forEach(function (li) {
      if (li.classList.contains("chat-day")) {
        var day = li.getAttribute("data-day");
        if (day === lastDay) { li.remove(); return; }
        return;
      }
      if (!li.classList.contains("msg")) return;
      var d = li.getAttribute("data-day");
      if (d !== lastDay) {
        var before = li.previousElementSibling;
        while (before && before.classList.contains("chat-new-line")) before = before.previousElementSibling;
        if (!before || !before.classList.contains("chat-day") || before.getAttribute("data-day") !== d) {
          var div = document.createElement("li");
          div.className = "chat-day";
          div.setAttribute("role", "separator");
          div.setAttribute("data-day", d);
          var span = document.createElement("span");
          span.textContent = li.getAttribute("data-day-label") || d;
          div.appendChild(span);
          li.parentNode.insertBefore(div, li.previousElementSibling && li.previousElementSibling.classList.contains("chat-new-line") ? li.previousElementSibling : li);
        }
        lastDay = d;
        prev = null;
      }
      var cont = prev && !li.querySelector(".msg__reply") &&
        !(li.previousElementSibling && li.previousElementSibling.classList.contains("chat-new-line")) &&
        prev.getAttribute("data-author") && prev.getAttribute("data-author") === li.getAttribute("data-author") &&
        Number(li.getAttribute("data-ts")) - Number(prev.getAttribute("data-ts")) < GROUP_SECONDS;
      li.classList.toggle("msg--cont", !!cont);
      prev = li;
    });
    // A divider left with no message after it goes.
    $$(":scope > li.chat-day", list).forEach(function (div) {
      var next = div.nextElementSibling;
      while (next && next.classList.contains("chat-new-line")) next = next.nextElementSibling;
      if (!next || !next.classList.contains("msg")) { if (!next || next.classList.contains("chat-day")) div.remove(); }
    });
  }

  // ---- Server calls -----------------------------------------------------------------------------------------
  function csrfHeaders() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { return {}; }
  }

  function fetchHTML(url) {
    return fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    });
  }

  function fragment(html) {
    var t = document.createElement("template");
    t.innerHTML = html;
    return t.content;
  }

  var readTimer = null;
  function markRead() {
    if (!channelID || document.visibilityState !== "visible") return;
    clearTimeout(readTimer);
    readTimer = setTimeout(function () {
      var h = csrfHeaders();
      h["HX-Request"] = "true";
      fetch("/chat/" + encodeURIComponent(channelID) + "/read", { method: "POST", credentials: "same-origin", headers: h });
    }, 400);
  }

  function messageURL(id) { return "/chat/" + encodeURIComponent(channelID) + "/messages/" + encodeURIComponent(id); }

  // Fetches a message's fragment and puts it in place of its element (or appends it when new).
  function refresh(id, append) {
    var wasNear = nearBottom();
    return fetchHTML(messageURL(id)).then(function (html) {
      var old = document.getElementById("msg-" + id);
      if (!old && !append) return;
      if (old && old.classList.contains("is-editing")) return; // do not take an edit away from its author
      var frag = fragment(html);
      var el = frag.querySelector(".msg");
      if (!el) return;
      if (old) old.replaceWith(el);
      else if (!document.getElementById("msg-" + id)) list.appendChild(el);
      if (window.htmx) window.htmx.process(el);
      tidy();
      if (append) {
        if (wasNear || el.getAttribute("data-author") === me) toBottom();
        else showJump();
      }
    }).catch(function () { /* gone meanwhile, or offline: the next event or a reload catches up */ });
  }

  // ---- Badges -----------------------------------------------------------------------------------------------
  function channelLink(id) { return $('#chat-channels [data-channel-id="' + id + '"]'); }

  function setUnread(id, n) {
    var a = channelLink(id);
    if (!a) return;
    var badge = $(".chan__badge", a);
    a.setAttribute("data-unread", String(n));
    a.classList.toggle("is-unread", n > 0 && id !== channelID);
    if (badge) {
      badge.textContent = n > 99 ? "99+" : String(n);
      badge.hidden = n <= 0 || id === channelID;
    }
    syncTitle();
  }

  var baseTitle = document.title;
  function syncTitle() {
    var total = 0;
    $$("#chat-channels [data-channel-id]").forEach(function (a) {
      if (a.getAttribute("data-channel-id") !== channelID) total += Number(a.getAttribute("data-unread")) || 0;
    });
    document.title = total > 0 ? "(" + (total > 99 ? "99+" : total) + ") " + baseTitle : baseTitle;
  }

  function reloadChannels() {
    var nav = $("#chat-channels");
    if (nav && window.htmx) window.htmx.trigger(nav, "chat-channels-refresh");
  }

  function channelGone(message) {
    var composer = $("#chat-composer");
    if (composer) {
      $$("textarea, button", composer).forEach(function (el) { el.disabled = true; });
    }
    if (!$(".chat-gone")) {
      var note = document.createElement("div");
      note.className = "alert alert--info chat-gone";
      note.setAttribute("role", "status");
      note.setAttribute("data-testid", "chat-gone");
      var p = document.createElement("p");
      p.textContent = message + " ";
      var a = document.createElement("a");
      a.href = "/chat";
      a.textContent = "Open another channel";
      p.appendChild(a);
      note.appendChild(p);
      scroller.parentNode.insertBefore(note, scroller);
    }
  }

  // ---- Live events ------------------------------------------------------------------------------------------
  function data(e) { return (e.detail && e.detail.data) || {}; }
  function actor(e) { return e.detail && e.detail.actor_id; }

  function onMessageCreated(e) {
    var m = data(e);
    if (m.channel_id !== channelID || !list) {
      if (actor(e) === me) return;
      var link = channelLink(m.channel_id);
      if (link) setUnread(m.channel_id, (Number(link.getAttribute("data-unread")) || 0) + 1);
      else reloadChannels();
      return;
    }
    if (document.getElementById("msg-" + m.id)) return;
    if ($("[data-chat-newer]", list)) return; // not at the newest page: "load newer" brings it
    refresh(m.id, true);
    if (actor(e) !== me) markRead();
  }

  function onMessageChanged(e) {
    var m = data(e);
    var id = m.message_id || m.id;
    if ((m.channel_id && m.channel_id !== channelID) || !document.getElementById("msg-" + id)) return;
    refresh(id, false);
  }

  function onMessageDeleted(e) {
    var el = document.getElementById("msg-" + data(e).id);
    if (el) { el.remove(); tidy(); }
  }

  function onChannelChanged(e) {
    var c = data(e);
    reloadChannels();
    if (c.id !== channelID) return;
    if (e.type === "trcr:chat.channel.deleted") { channelGone("This channel was deleted."); return; }
    if (c.is_private && (c.member_ids || []).indexOf(me) === -1) { channelGone("You are no longer a member of this channel."); return; }
    var name = $('[data-testid="chat-channel-name"] span');
    if (name && c.name) name.textContent = c.name;
    var desc = $('[data-testid="chat-channel-description"]');
    if (desc) desc.textContent = c.description || "";
  }

  function onChannelRead(e) {
    var r = data(e);
    if (r.channel_id && r.channel_id !== channelID) setUnread(r.channel_id, r.unread_count || 0);
  }

  // ---- Composer ---------------------------------------------------------------------------------------------
  function autosize(ta) {
    ta.style.height = "auto";
    ta.style.height = Math.min(ta.scrollHeight, 240) + "px";
  }

  function resetComposer() {
    var input = $("[data-chat-input]");
    if (input) { input.value = ""; autosize(input); input.focus(); }
    clearReply();
    var err = $("#chat-composer-error");
    if (err) err.textContent = "";
  }

  function setReply(btn) {
    var bar = $("[data-chat-reply-bar]");
    if (!bar) return;
    $("[data-chat-reply-id]", bar).value = btn.getAttribute("data-chat-reply");
    $("[data-chat-reply-author]", bar).textContent = btn.getAttribute("data-reply-author");
    $("[data-chat-reply-excerpt]", bar).textContent = btn.getAttribute("data-reply-excerpt");
    bar.hidden = false;
    var input = $("[data-chat-input]");
    if (input) input.focus();
  }

  function clearReply() {
    var bar = $("[data-chat-reply-bar]");
    if (!bar) return;
    $("[data-chat-reply-id]", bar).value = "";
    bar.hidden = true;
  }

  // ---- Mentions ---------------------------------------------------------------------------------------------
  var people = [];
  var pop, popItems = [], popIndex = 0, popStart = -1;

  function mentionQuery(ta) {
    var upto = ta.value.slice(0, ta.selectionStart);
    var m = /(^|[^\w.@+'-])@([\w.+'-]*)$/.exec(upto);
    if (!m) return null;
    return { start: upto.length - m[2].length - 1, q: m[2].toLowerCase() };
  }

  function closePop() {
    if (pop) pop.hidden = true;
    popItems = [];
    popStart = -1;
    var ta = $("[data-chat-input]");
    if (ta) ta.removeAttribute("aria-activedescendant");
  }

  function openPop(ta) {
    var mq = mentionQuery(ta);
    if (!mq) { closePop(); return; }
    popItems = people.filter(function (p) {
      return p.handle.indexOf(mq.q) === 0 || p.name.toLowerCase().indexOf(mq.q) === 0 ||
        p.name.toLowerCase().indexOf(" " + mq.q) !== -1;
    }).slice(0, 8);
    if (!popItems.length) { closePop(); return; }
    popStart = mq.start;
    popIndex = 0;
    renderPop();
  }

  function renderPop() {
    pop.textContent = "";
    popItems.forEach(function (p, i) {
      var li = document.createElement("li");
      li.id = "mention-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", String(i === popIndex));
      li.setAttribute("data-testid", "chat-mention-option");
      li.className = "mention-pop__item";
      var av = document.createElement("span");
      av.className = "avatar avatar--sm mention-pop__avatar";
      av.textContent = p.initials;
      var name = document.createElement("span");
      name.className = "mention-pop__name";
      name.textContent = p.name;
      var handle = document.createElement("span");
      handle.className = "mention-pop__handle";
      handle.textContent = "@" + p.handle;
      li.appendChild(av);
      li.appendChild(name);
      li.appendChild(handle);
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(i); });
      pop.appendChild(li);
    });
    pop.hidden = false;
    var ta = $("[data-chat-input]");
    if (ta) ta.setAttribute("aria-activedescendant", "mention-" + popIndex);
  }

  function choose(i) {
    var ta = $("[data-chat-input]");
    var p = popItems[i];
    if (!ta || !p || popStart < 0) return;
    var before = ta.value.slice(0, popStart), after = ta.value.slice(ta.selectionStart);
    var text = "@" + p.handle + " ";
    ta.value = before + text + after;
    var caret = before.length + text.length;
    ta.setSelectionRange(caret, caret);
    closePop();
    autosize(ta);
    ta.focus();
  }

  // ---- Reactions --------------------------------------------------------------------------------------------
  var picker, pickerFor = null;

  function openPicker(btn) {
    if (!picker) return;
    pickerFor = btn;
    picker.hidden = false;
    var r = btn.getBoundingClientRect();
    var w = picker.offsetWidth, h = picker.offsetHeight;
    var left = Math.max(8, Math.min(r.right - w, window.innerWidth - w - 8));
    var top = r.top - h - 6;
    if (top < 8) top = r.bottom + 6;
    picker.style.left = left + "px";
    picker.style.top = top + "px";
    var first = $("button", picker);
    if (first) first.focus();
  }

  function closePicker() {
    if (picker) picker.hidden = true;
    if (pickerFor && document.contains(pickerFor)) pickerFor.focus();
    pickerFor = null;
  }

  function react(emoji) {
    if (!pickerFor || !window.htmx) return;
    var id = pickerFor.getAttribute("data-chat-react");
    var url = pickerFor.getAttribute("data-react-url");
    pickerFor = null;
    closePicker();
    window.htmx.ajax("POST", url, { source: document.getElementById("msg-" + id) || document.body, target: "#msg-" + id, swap: "outerHTML", values: { emoji: emoji } });
  }

  // ---- Wiring -----------------------------------------------------------------------------------------------
  function onKeydown(e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    if (t.matches("[data-chat-input]")) {
      if (pop && !pop.hidden && popItems.length) {
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          e.preventDefault();
          popIndex = (popIndex + (e.key === "ArrowDown" ? 1 : popItems.length - 1)) % popItems.length;
          renderPop();
          return;
        }
        if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); choose(popIndex); return; }
        if (e.key === "Escape") { e.preventDefault(); closePop(); return; }
      }
      if (e.key === "Enter" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.isComposing) {
        e.preventDefault();
        // A message may be files alone (their chips carry attachment_ids).
        if (t.value.trim() !== "" || t.form.querySelector("input[name=attachment_ids]")) t.form.requestSubmit();
        return;
      }
      if (e.key === "Escape" && !$("[data-chat-reply-bar]").hidden) { clearReply(); return; }
      if (e.key === "ArrowUp" && t.value === "") {
        // Up in an empty composer edits one's last message, as in other chat tools.
        var mine = $$(".msg[data-author='" + me + "'] [data-testid='chat-edit']", list);
        if (mine.length) { e.preventDefault(); mine[mine.length - 1].click(); }
      }
      return;
    }
    if (t.matches("[data-chat-edit-input]")) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); t.form.requestSubmit(); }
      else if (e.key === "Escape") { e.preventDefault(); var cancel = $("[data-chat-edit-cancel]", t.form); if (cancel) cancel.click(); }
      return;
    }
    if (e.key === "Escape" && picker && !picker.hidden) closePicker();
  }

  function onClick(e) {
    var t = e.target instanceof Element ? e.target : null;
    if (!t) return;
    var el;
    if ((el = t.closest("[data-chat-reply]"))) { setReply(el); return; }
    if (t.closest("[data-chat-reply-cancel]")) { clearReply(); return; }
    if ((el = t.closest("[data-chat-react]"))) { e.stopPropagation(); openPicker(el); return; }
    if ((el = t.closest("#chat-react-picker [data-emoji]"))) { react(el.getAttribute("data-emoji")); return; }
    if (picker && !picker.hidden && !t.closest("#chat-react-picker")) closePicker();
    if ((el = t.closest("[data-chat-jump]"))) {
      if (focusMessage(el.getAttribute("data-chat-jump"))) e.preventDefault();
      return;
    }
    if (t.closest("[data-chat-show-channels]")) { e.preventDefault(); chat.classList.add("chat--channels"); return; }
    if (t.closest("[data-chat-open-new]")) {
      e.preventDefault();
      var d = $("#chat-new-channel");
      if (d) { d.open = true; var n = $("#chat-new-name"); if (n) n.focus(); }
      chat.classList.add("chat--channels");
    }
  }

  var olderAnchor = null;
  function onBeforeSwap(e) {
    var target = e.detail && e.detail.target;
    if (!(target instanceof Element)) return;
    if (target.matches("[data-chat-older]")) {
      olderAnchor = scroller.scrollHeight - scroller.scrollTop;
      return;
    }
    // The answer to a sent message may come after the live event that already showed it.
    if (target.id === "chat-messages" && e.detail.xhr && e.detail.xhr.status === 200) {
      var m = /id="msg-([0-9a-f-]+)"/.exec(e.detail.serverResponse || "");
      if (m && document.getElementById("msg-" + m[1])) e.detail.shouldSwap = false;
    }
  }

  function onAfterSettle(e) {
    if (e.target instanceof Element && e.target.id === "chat-channels") syncTitle();
    if (olderAnchor !== null) {
      tidy();
      scroller.scrollTop = scroller.scrollHeight - olderAnchor;
      olderAnchor = null;
    }
    var el = e.target instanceof Element ? e.target : null;
    var edit = el && el.querySelector && el.querySelector("[data-chat-edit-input]");
    if (edit && document.activeElement !== edit) {
      edit.focus();
      edit.setSelectionRange(edit.value.length, edit.value.length);
      autosize(edit);
    }
  }

  function onAfterRequest(e) {
    var form = e.detail && e.detail.elt;
    if (!(form instanceof Element)) return;
    // A message removed or replaced in the list may leave a day divider alone, or join two runs of an author.
    if (list && (list.contains(form) || !form.isConnected)) setTimeout(tidy, 0);
    if (form.id !== "chat-composer") return;
    if (e.detail.successful) {
      resetComposer();
      tidy();
      toBottom();
    }
  }

  function init() {
    chat = $("#chat");
    if (!chat) return;
    channelID = chat.getAttribute("data-channel-id") || "";
    me = chat.getAttribute("data-user-id") || "";
    scroller = $("#chat-scroll");
    list = $("#chat-messages");
    pop = $("#chat-mention-pop");
    picker = $("#chat-react-picker");
    if (picker) document.body.appendChild(picker); // positioned against the viewport
    people = $$("#chat-mentionables li").map(function (li) {
      return { id: li.getAttribute("data-id"), handle: li.getAttribute("data-handle") || "", name: li.getAttribute("data-name") || "", initials: li.getAttribute("data-initials") || "" };
    });
    if (/[?&]channels=1/.test(location.search)) chat.classList.add("chat--channels");

    document.addEventListener("keydown", onKeydown);
    document.addEventListener("click", onClick);
    document.addEventListener("htmx:beforeSwap", onBeforeSwap);
    document.addEventListener("htmx:afterSettle", onAfterSettle);
    document.addEventListener("htmx:afterRequest", onAfterRequest);
    document.addEventListener("trcr:chat.message.created", onMessageCreated);
    document.addEventListener("trcr:chat.message.updated", onMessageChanged);
    document.addEventListener("trcr:chat.reaction.added", onMessageChanged);
    document.addEventListener("trcr:chat.reaction.removed", onMessageChanged);
    document.addEventListener("trcr:chat.message.deleted", onMessageDeleted);
    document.addEventListener("trcr:chat.channel.created", onChannelChanged);
    document.addEventListener("trcr:chat.channel.updated", onChannelChanged);
    document.addEventListener("trcr:chat.channel.deleted", onChannelChanged);
    document.addEventListener("trcr:chat.channel.read", onChannelRead);
    document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") markRead(); });
    syncTitle();

    if (!scroller || !list) return;
    var input = $("[data-chat-input]");
    if (input) {
      input.addEventListener("input", function () {
        autosize(input);
        openPop(input);
        var err = $("#chat-composer-error");
        if (err) err.textContent = "";
      });
      input.addEventListener("blur", function () { setTimeout(closePop, 150); });
    }
    scroller.addEventListener("scroll", function () { if (nearBottom()) hideJump(); }, { passive: true });

    tidy();
    var focus = chat.getAttribute("data-focus-message");
    var newLine = $(".chat-new-line", list);
    if (!(focus && focusMessage(focus))) {
      if (newLine && newLine.offsetTop > scroller.clientHeight / 2) scroller.scrollTop = newLine.offsetTop - 80;
      else toBottom();
    }
    if (input && !focus && window.matchMedia("(min-width: 721px)").matches) input.focus();
    markRead();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
