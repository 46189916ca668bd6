/* Results pages: add KPI lines, show a KPI's unit and direction, find an enterprise, confirm deletes.
   No library: the page works without this file (one empty KPI line, a plain select, no confirmation). */
(function () {
  "use strict";

  // Add a KPI line from the formset's empty form.
  var addButton = document.getElementById("add-kpi-line");
  var template = document.getElementById("kpi-line-template");
  var table = document.getElementById("kpi-lines");
  var total = document.getElementById("id_lines-TOTAL_FORMS");
  if (addButton && template && table && total) {
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      table.querySelector("tbody").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var rows = table.querySelectorAll("tbody tr.kpi-line");
      var select = rows[rows.length - 1].querySelector("select");
      if (select) { bindHint(select); select.focus(); }
    });
  }

  // Under each KPI select: its unit and direction.
  var infoNode = document.getElementById("kpi-info");
  var info = infoNode ? JSON.parse(infoNode.textContent) : {};
  function bindHint(select) {
    var hint = select.parentNode.querySelector(".kpi-hint");
    if (!hint) { return; }
    var update = function () {
      var k = info[select.value];
      hint.textContent = k ? k.unit + " · " + k.direction : "";
    };
    select.addEventListener("change", update);
    update();
  }
  document.querySelectorAll("#kpi-lines select[name$='-kpi']").forEach(bindHint);

  // Narrow the enterprise select with the scoped autocomplete endpoint.
  var finder = document.getElementById("enterprise-filter");
  if (finder) {
    var target = document.getElementById(finder.dataset.target);
    var timer = null;
    finder.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var url = finder.dataset.autocomplete + "?q=" + encodeURIComponent(finder.value);
        fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
          var keep = target.value;
          var allowed = {};
          data.results.forEach(function (e) { allowed[String(e.id)] = true; });
          Array.prototype.forEach.call(target.options, function (opt) {
            opt.hidden = opt.value !== "" && finder.value !== "" && !allowed[opt.value];
          });
          if (data.results.length === 1) { target.value = String(data.results[0].id); }
          else if (keep && !allowed[keep] && finder.value) { target.value = ""; }
        });
      }, 200);
    });
  }

  // Ask before deleting.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
