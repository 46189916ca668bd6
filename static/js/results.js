/* Results pages: add KPI lines, show a KPI's unit and direction, confirm deletes.
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
      table.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var rows = table.querySelectorAll(".kpi-line");
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

})();
