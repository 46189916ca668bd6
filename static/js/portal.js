/* Every page: a form is sent once. A second click while the first is on its way would, for example,
   create the same training round twice. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "").toLowerCase() !== "post") { return; }  // searching twice harms nothing
    if (event.defaultPrevented || form.dataset.allowResubmit !== undefined) { return; }
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    // Disable after this tick, so the clicked button's name and value are still sent.
    setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  // Coming back with the browser's Back button shows the page as it was left: let it be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-submitted]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) { b.disabled = false; });
    });
  });
})();

/* A table wider than the screen scrolls in its own box: let the keyboard reach and scroll that box too. */
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-responsive, .table-container, .scroll-box").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "1";
      } else if (!scrolls && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();

/* Phones: a table's rows become cards (static/css/portal.css) whose cells show their column's heading from
   data-label. The lists' rows carry it from the server; a table written by hand gets it here, from its
   heading rows (a heading over several columns, e.g. "Managers" over "women" and "men", joined to theirs). */
(function () {
  "use strict";
  function headings(table) {
    var grid = [];
    Array.prototype.forEach.call(table.tHead ? table.tHead.rows : [], function (row, r) {
      grid[r] = grid[r] || [];
      var c = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        while (grid[r][c] !== undefined) { c += 1; }
        var shown = cell.cloneNode(true);  // a heading read only by screen readers ("Actions") is not shown
        shown.querySelectorAll(".visually-hidden").forEach(function (e) { e.remove(); });
        var text = shown.textContent.replace(/\s+/g, " ").trim();
        for (var dr = 0; dr < (cell.rowSpan || 1); dr += 1) {
          grid[r + dr] = grid[r + dr] || [];
          for (var dc = 0; dc < (cell.colSpan || 1); dc += 1) { grid[r + dr][c + dc] = dr ? null : text; }
        }
        c += cell.colSpan || 1;
      });
    });
    var labels = [];
    grid.forEach(function (row) {
      row.forEach(function (text, c) {
        if (text) { labels[c] = labels[c] && labels[c] !== text ? labels[c] + " · " + text : text; }
      });
    });
    return labels;
  }
  document.querySelectorAll(".table-responsive > table").forEach(function (table) {
    var labels = headings(table);
    if (!labels.length) { return; }
    Array.prototype.forEach.call(table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr"), function (row) {
      var c = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (!cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1 && labels[c]) {
          cell.setAttribute("data-label", labels[c]);
        }
        c += cell.colSpan || 1;
      });
    });
  });
})();

/* After an add or a removal the page comes back at the section that changed (a "#visits" in the address):
   its success or error message is moved into that section, above what changed, and focused, rather than left
   above the fold where nobody looks. Without JavaScript it stays at the top of the page. */
(function () {
  "use strict";
  var messages = document.getElementById("messages");
  var id = decodeURIComponent(window.location.hash.slice(1));
  var section = id ? document.getElementById(id) : null;
  if (!messages || !section || section.contains(messages) || !section.closest("main")) { return; }
  if (/^(INPUT|SELECT|TEXTAREA|BUTTON|TABLE|THEAD|TBODY|TR|TD|TH)$/.test(section.tagName)) { return; }
  var body = section.querySelector(":scope > .card-body");
  var heading = section.querySelector(":scope > h2, :scope > h3, :scope > .card-header");
  if (body) {
    body.insertBefore(messages, body.firstChild);
  } else if (heading) {
    heading.insertAdjacentElement("afterend", messages);
  } else {
    section.insertBefore(messages, section.firstChild);
  }
  messages.classList.add("portal-messages-moved");
  function show() {
    messages.focus({ preventScroll: true });
    section.scrollIntoView({ block: "start" });
    messages.scrollIntoView({ block: "nearest" });  // a tall heading above it must not leave it below the fold
  }
  show();
  // The browser scrolls to the address's fragment once the page has loaded, and may move focus then: again.
  window.addEventListener("load", function () { window.setTimeout(show, 0); });
})();
