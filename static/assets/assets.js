// Asset list: a "select all on this page" helper. The list works without it.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) { return; }
  var header = form.querySelector("thead th");
  if (!header) { return; }
  var toggle = document.createElement("input");
  toggle.type = "checkbox";
  toggle.setAttribute("aria-label", form.getAttribute("data-select-all") || "Select all");
  header.appendChild(toggle);
  toggle.addEventListener("change", function () {
    form.querySelectorAll("tbody input[name=asset]").forEach(function (box) { box.checked = toggle.checked; });
  });
})();
