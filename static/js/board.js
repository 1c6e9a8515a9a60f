// board.js — what htmx cannot do on a project's board (/projects/{id}/board):
//  * drag and drop of cards within and across columns with SortableJS (static/vendor/sortablejs), and the same
//    with the keyboard (Alt + arrow keys on a focused card). Each move is saved by POST /tasks/{id}/move with the
//    card's new index and column; when the server refuses it, its message shows as a flash and the columns
//    involved are reloaded from the server.
//  * collapsing a column once its POST succeeded (and loading its cards when it is expanded: the server leaves
//    collapsed columns empty), clearing the quick-add field after a card was added, and keeping the column
//    counts right.
//  * "show more": a column shows its first page of cards; its button (htmx) appends the next page after the
//    column's last card. The cursor is set here, when the button is pressed, to the last card in the column then,
//    since drag and drop may have changed it. The cards shown are always the first ones of the column in order,
//    so the index of a dropped card among them is its position. A card added with quick add to a column that has
//    more to load goes to a list below the button (it is the column's last card), and is dropped from there when
//    the page that holds it arrives.
//  * search and filters: the answer holds the card lists only, swapped in place; see applyResults.
// Without JavaScript the board still shows, filters, collapses and adds tasks through plain forms.
(function () {
  "use strict";

  var sortables = [];
  var dragging = false; // a card is being dragged: live reloads wait until it is dropped

  function board() {
    return document.getElementById("board");
  }
  function sortable() {
    var b = board();
    return !!b && b.getAttribute("data-sortable") === "true";
  }
  function cardsOf(list) {
    return Array.prototype.filter.call(list.children, function (el) {
      return el.classList.contains("tcard");
    });
  }

  function setup() {
    sortables.forEach(function (s) {
      try {
        s.destroy();
      } catch (e) {}
    });
    sortables = [];
    var b = board();
    if (b) b.classList.remove("is-sortable"); // a search keeps the board, which may no longer be sortable
    if (!b || !sortable() || !window.Sortable) return;
    b.classList.add("is-sortable");
    b.querySelectorAll(".board-col__cards").forEach(function (list) {
      sortables.push(
        window.Sortable.create(list, {
          group: "board-" + b.getAttribute("data-project-id"),
          draggable: ".tcard",
          // Pointer events rather than native drag and drop: the same feel with mouse, touch and pen, and a
          // click that moved less than a few pixels still opens the card.
          forceFallback: true,
          fallbackTolerance: 4,
          fallbackOnBody: true,
          animation: 150,
          delay: 180,
          delayOnTouchOnly: true,
          ghostClass: "tcard--ghost",
          chosenClass: "tcard--chosen",
          dragClass: "tcard--drag",
          onStart: function () {
            dragging = true;
          },
          onEnd: function (evt) {
            dragging = false;
            setTimeout(flushLive, 0);
            if (evt.from === evt.to && evt.oldDraggableIndex === evt.newDraggableIndex) return;
            if (evt.from !== evt.to) {
              bump(columnOf(evt.from), -1);
              bump(columnOf(evt.to), 1);
            }
            save(evt.item, evt.to, evt.newDraggableIndex, [evt.from, evt.to]);
          },
        })
      );
    });
  }

  // bump changes the task count of an unfiltered column (a filtered one shows matching/total, which a move or a
  // quick add may or may not change: the server's next answer has it right).
  function bump(col, delta) {
    var count = col && col.querySelector(".board-col__count [data-total]");
    if (!count) return;
    var n = Math.max(0, parseInt(count.getAttribute("data-total"), 10) + delta);
    count.setAttribute("data-total", String(n));
    count.textContent = String(n);
    count.title = n === 1 ? "1 task" : n + " tasks";
  }

  function columnOf(list) {
    return list.closest(".board-col");
  }

  function moreButton(col) {
    return col.querySelector("[data-board-more]");
  }

  // reloadColumns replaces columns with the server's version (after a refused move, an edit in the task panel, a
  // change by someone else): the server answers a column alone for a request that targets it.
  function reloadColumns(lists) {
    var seen = {};
    var loads = [];
    lists.forEach(function (list) {
      var col = list && columnOf(list);
      if (!col || seen[col.id]) return;
      seen[col.id] = true;
      var sel = "#" + col.id;
      loads.push(window.htmx.ajax("GET", location.pathname + location.search, { target: sel, select: sel, swap: "outerHTML" }));
    });
    return loads;
  }

  // Closing the task panel after an edit reloads the columns the task was and is in, not the whole board.
  document.addEventListener("trcr:refresh-task", function (e) {
    var b = board();
    if (!b || e.target !== b || !e.detail) return;
    var card = b.querySelector('.tcard[data-task-id="' + CSS.escape(e.detail.id) + '"]');
    var now = e.detail.group && b.querySelector('.board-col__cards[data-group-id="' + CSS.escape(e.detail.group) + '"]');
    if (!card && !now) return; // not on the board: reload all of it
    e.preventDefault();
    reloadColumns([card && card.closest(".board-col__cards"), now]).forEach(function (p) {
      e.detail.wait.push(p);
    });
  });

  function save(card, toList, index, lists) {
    var id = card.getAttribute("data-task-id");
    card.classList.add("is-saving");
    card.addEventListener("htmx:afterRequest", function done(e) {
      card.removeEventListener("htmx:afterRequest", done);
      card.classList.remove("is-saving");
      var status = e.detail && e.detail.xhr ? e.detail.xhr.status : 0;
      if (status < 200 || status >= 300) reloadColumns(lists);
      // A column bound to a status gave the task that status: show the card as the server now has it.
      else if (toList.getAttribute("data-status-code") && toList.getAttribute("data-status-code") !== card.getAttribute("data-status")) reloadColumns([toList]);
    });
    window.htmx.ajax("POST", "/tasks/" + encodeURIComponent(id) + "/move", {
      source: card,
      swap: "none",
      values: { position: String(index), group_id: toList.getAttribute("data-group-id") },
    });
  }

  // ---- Opening a card -------------------------------------------------------------------------------------
  // A card's link is a plain deep link (/tasks?task=ID: without JavaScript, in a new tab, with Enter); a plain
  // click opens the task panel in place instead. One delegated handler rather than hx-* attributes on every card
  // keeps ~190 bytes off each card (issue 15).
  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    var link = e.target instanceof Element && e.target.closest(".tcard__link");
    var card = link && link.closest(".tcard[data-task-id]");
    if (!card || !window.htmx || !window.trcrTaskPanel || !document.getElementById("task-panel")) return;
    e.preventDefault();
    window.trcrTaskPanel.open(card.getAttribute("data-task-id"), link);
  });

  // ---- Keyboard moves: Alt+↑/↓ within a column, Alt+←/→ to the neighbouring column -----------------
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey || !sortable()) return;
    var t = e.target;
    if (!(t instanceof Element) || !t.matches(".tcard__link")) return;
    var card = t.closest(".tcard");
    var list = card.parentElement;
    if (!list.matches(".board-col__cards")) return; // a just-added card below "show more": not placed yet
    var cards = cardsOf(list);
    var i = cards.indexOf(card);
    var lists = Array.prototype.slice.call(board().querySelectorAll(".board-col:not(.is-collapsed) .board-col__cards"));
    var li = lists.indexOf(list);
    var to = list;
    var index = i;
    switch (e.key) {
      case "ArrowUp":
        if (i === 0) return;
        index = i - 1;
        list.insertBefore(card, cards[i - 1]);
        break;
      case "ArrowDown":
        if (i === cards.length - 1) return;
        index = i + 1;
        list.insertBefore(card, cards[i + 1].nextSibling);
        break;
      case "ArrowLeft":
      case "ArrowRight":
        to = lists[li + (e.key === "ArrowLeft" ? -1 : 1)];
        if (!to) return;
        index = cardsOf(to).length;
        to.appendChild(card);
        bump(columnOf(list), -1);
        bump(columnOf(to), 1);
        break;
      default:
        return;
    }
    e.preventDefault();
    t.focus();
    announce(card, to);
    save(card, to, index, [list, to]);
  });

  function announce(card, list) {
    var live = document.getElementById("board-live");
    var col = columnOf(list);
    var title = col && col.querySelector(".board-col__title");
    var pos = cardsOf(list).indexOf(card) + 1;
    if (live) live.textContent = "Moved to " + (title ? title.textContent : "column") + ", position " + pos + ".";
  }

  // ---- htmx answers ---------------------------------------------------------------------------
  document.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!(elt instanceof Element)) return;
    var ok = e.detail.xhr && e.detail.xhr.status >= 200 && e.detail.xhr.status < 300;
    if (elt.matches("[data-collapse-form]") && ok) {
      var col = elt.closest(".board-col");
      var collapsed = col.classList.toggle("is-collapsed");
      var btn = elt.querySelector("button");
      btn.setAttribute("aria-expanded", String(!collapsed));
      var label = btn.querySelector(".sr-only");
      var name = col.querySelector(".board-col__title");
      if (label && name) label.textContent = (collapsed ? "Expand " : "Collapse ") + name.textContent;
      // A column collapsed when the board was read has no cards yet: load its first page.
      var more = moreButton(col);
      if (!collapsed && col.classList.contains("is-unloaded") && more) window.htmx.trigger(more, "click");
    }
    if (elt.matches("[data-quick-add]") && ok && e.detail.xhr.status === 200) {
      var input = elt.querySelector("input[name=title]");
      if (input) {
        input.value = "";
        input.focus();
      }
      if (sortable()) bump(elt.closest(".board-col"), 1);
    }
  });

  // ---- Show more ------------------------------------------------------------------------------------
  document.addEventListener("htmx:configRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!(elt instanceof Element) || !elt.matches("[data-board-more]")) return;
    var list = document.getElementById("cards-" + elt.getAttribute("data-group-id"));
    var cards = list ? cardsOf(list) : [];
    e.detail.parameters["after"] = cards.length ? cards[cards.length - 1].getAttribute("data-task-id") : "";
    if (list) {
      list.setAttribute("data-loaded", String(cards.length));
      list.toggleAttribute("data-refocus", document.activeElement === elt);
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var list = e.target;
    // The element that made the request (detail.elt is the element the event fires on).
    var elt = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    if (!(list instanceof Element) || !list.matches(".board-col__cards") || !(elt instanceof Element)) return;
    var col = columnOf(list);
    var added = col.querySelector(".board-col__added");
    if (elt.matches("[data-quick-add]")) {
      // The new card is the column's last: below the cards still to load, if any.
      var last = cardsOf(list).pop();
      if (last && added && moreButton(col)) added.appendChild(last);
      return;
    }
    if (!elt.matches("[data-board-more]")) return;
    col.classList.remove("is-unloaded");
    // A card dropped here while the page was on its way may come in it again: keep the one already shown.
    var seen = {};
    cardsOf(list).forEach(function (card) {
      var id = card.getAttribute("data-task-id");
      if (seen[id]) card.remove();
      seen[id] = true;
    });
    if (added) {
      cardsOf(added).forEach(function (card) {
        var id = card.getAttribute("data-task-id");
        if (list.querySelector('.tcard[data-task-id="' + id + '"]')) card.remove();
      });
      // Everything is loaded: what is left (cards the filter does not match) ends the column.
      if (!moreButton(col)) {
        cardsOf(added).forEach(function (card) {
          list.appendChild(card);
        });
      }
    }
    // Keyboard users continue with the first card loaded.
    var first = cardsOf(list)[parseInt(list.getAttribute("data-loaded") || "0", 10)];
    if (list.hasAttribute("data-refocus") && first) {
      var link = first.querySelector(".tcard__link");
      if (link) link.focus();
    }
    list.removeAttribute("data-refocus");
  });

  // ---- Keeping the loaded cards over a refresh ---------------------------------------------------------
  // The task panel reloads the board after an edit, which brings each column's first page only. Columns that
  // "Show more" had extended are extended again to as many cards, so the card just edited stays in view.
  var loadedBefore = null;
  document.body.addEventListener("trcr:before-refresh", function () {
    var b = board();
    if (!b) return;
    loadedBefore = {};
    b.querySelectorAll(".board-col__cards").forEach(function (list) {
      loadedBefore[list.id] = cardsOf(list).length;
    });
  });
  document.body.addEventListener("trcr:refreshed", function (e) {
    var want = loadedBefore;
    loadedBefore = null;
    var b = board();
    if (!want || !b) return;
    var work = [];
    b.querySelectorAll(".board-col__cards").forEach(function (list) {
      if ((want[list.id] || 0) > cardsOf(list).length) work.push(extendColumn(list, want[list.id]));
    });
    if (e.detail && e.detail.wait) e.detail.wait.push(Promise.all(work));
  });

  // extendColumn loads pages of a column until it shows n cards or has none left to load, each through the
  // column's own "Show more" button (its filters and cursor), one after the other.
  function extendColumn(list, n) {
    var had = -1;
    function step() {
      var btn = moreButton(columnOf(list));
      var have = cardsOf(list).length;
      if (!btn || !document.body.contains(list) || have >= n || have === had) return Promise.resolve();
      had = have;
      return window.htmx
        .ajax("GET", btn.getAttribute("hx-get"), { source: btn, target: "#" + list.id, swap: "beforeend" })
        .then(step, function () {}); // on an error the column keeps what it has, with its button
    }
    return step();
  }

  // ---- Live: cards someone else adds, edits, moves or deletes ---------------------------------------------
  // live.js dispatches the organization's task events. A change by another person to this project's tasks reloads
  // the columns involved (the card's column now and the one it is shown in), a few at once, never mid-drag.
  var liveLists = [];
  var liveTimer = null;
  function queueLive(lists) {
    lists.forEach(function (l) {
      if (l && liveLists.indexOf(l) < 0) liveLists.push(l);
    });
    if (!liveTimer) liveTimer = setTimeout(flushLive, 120);
  }
  function flushLive() {
    liveTimer = null;
    if (dragging || !liveLists.length) return;
    var lists = liveLists;
    liveLists = [];
    reloadColumns(lists.filter(function (l) { return document.body.contains(l); }));
  }
  function liveTask(e) {
    var env = e.detail || {};
    var t = env.data || {};
    var b = board();
    if (!b || !t.id || t.project_id !== b.getAttribute("data-project-id")) return;
    if (env.actor_id && env.actor_id === document.body.getAttribute("data-user-id")) return; // this page did it
    var lists = [];
    var card = b.querySelector('.tcard[data-task-id="' + t.id + '"]');
    if (card) lists.push(card.closest(".board-col__cards"));
    if (t.group_id) lists.push(b.querySelector('.board-col__cards[data-group-id="' + t.group_id + '"]'));
    queueLive(lists);
  }
  ["trcr:task.created", "trcr:task.updated", "trcr:task.moved", "trcr:task.deleted"].forEach(function (type) {
    document.addEventListener(type, liveTask);
  });

  // ---- Search and filters --------------------------------------------------------------------------------
  // The filter form's answer holds the board's results only (views.BoardResults): the card lists, counts and
  // notes, swapped out of band while the columns stay. What else the filter decides is set here: whether cards
  // can be dragged, and which collapsed columns have cards to load when expanded. A column added or removed since
  // the page was read is not in the page (or not in the answer): then the whole board is reloaded.
  function applyResults(b) {
    var notes = document.getElementById("board-notes");
    if (!notes) return true;
    var have = Array.prototype.map.call(b.querySelectorAll(".board-col"), function (col) {
      return col.getAttribute("data-group-id");
    });
    if (have.join(" ") !== (notes.getAttribute("data-columns") || "")) {
      window.htmx.ajax("GET", location.pathname + location.search, { target: "#board", select: "#board", swap: "outerHTML" });
      return false;
    }
    if (notes.getAttribute("data-sortable") === "true") b.setAttribute("data-sortable", "true");
    else b.removeAttribute("data-sortable");
    b.querySelectorAll(".board-col.is-collapsed").forEach(function (col) {
      var list = col.querySelector(".board-col__cards");
      col.classList.toggle("is-unloaded", !!moreButton(col) && !!list && cardsOf(list).length === 0);
    });
    return true;
  }

  // A search still waiting for its answer after 150 ms dims the board and shows the filters' spinner (is-searching
  // on both); a faster one changes nothing until its answer (issue 15: dimming at once made the board a compositing
  // layer ahead of the answer, and the spinner, spinning from the moment the request went out, had the page lay out,
  // layerize and commit a frame (~30 ms of the main thread) while the server was answering).
  // A card whose task panel is still on its way after 150 ms dims (is-opening); a faster panel changes nothing on
  // the card until it comes (issue 15: dimmed at once, the card was repainted while the server answered).
  if (window.trcrMarkWhenSlow) {
    window.trcrMarkWhenSlow(function (elt) {
      return elt.id === "board-filters" ? [board(), elt] : null;
    }, "is-searching");
    window.trcrMarkWhenSlow(function (elt) {
      return elt.matches(".tcard__link") && elt.closest(".tcard") ? [elt.closest(".tcard")] : null;
    }, "is-opening");
  }

  document.addEventListener("htmx:afterSettle", function (e) {
    var t = e.target;
    var elt = e.detail && e.detail.requestConfig && e.detail.requestConfig.elt;
    if (t instanceof Element && t.id === "board" && elt instanceof Element && elt.id === "board-filters" && !applyResults(t)) return;
    if (t instanceof Element && (t.id === "board" || t.closest("#board") || t.querySelector("#board"))) setup();
  });

  // ---- Swapping the board out --------------------------------------------------------------------------
  // htmx cleans up a swapped-out element by dispatching an event on it and on every element inside, one by one:
  // for a board's cards that was half of a search's swap (issue 15). Cards carry no htmx attributes, so there is
  // nothing to clean up in them: the old board, column, column body or card list drops them at once, before htmx
  // walks what is left.
  document.addEventListener("htmx:beforeCleanupElement", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    if (t.matches(".board-col__cards, .board-col__added")) {
      t.replaceChildren();
      return;
    }
    if (!(t.id === "board" || t.matches(".board-col, .board-col__body"))) return;
    t.querySelectorAll(".board-col__cards, .board-col__added").forEach(function (list) {
      list.replaceChildren();
    });
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
