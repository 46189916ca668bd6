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
