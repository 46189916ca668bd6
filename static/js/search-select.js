/* Search boxes for long selects (score_portal/widgets.py SearchSelect): the page carries a few options;
   typing asks the server for matching ones. Without this file the select still offers the first ones. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-search-select]").forEach(function (box) {
    var select = document.getElementById(box.dataset.searchSelect);
    if (!select) { return; }
    box.hidden = false;
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = box.dataset.searchUrl + "?q=" + encodeURIComponent(box.value);
        fetch(url, { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            var keep = select.value;
            var empty = select.querySelector("option[value='']");
            select.innerHTML = "";
            if (empty) { select.appendChild(empty); }
            data.results.forEach(function (item) {
              var option = document.createElement("option");
              option.value = String(item.id);
              option.textContent = item.label;
              select.appendChild(option);
            });
            if (data.results.length === 1) { select.value = String(data.results[0].id); }
            else { select.value = keep; }
            select.dispatchEvent(new Event("change", { bubbles: true }));
          });
      }, 200);
    });
  });
})();
