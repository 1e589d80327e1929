// Helpdesk enhancements; every page works without this file.
(function () {
  "use strict";
  // Open a ticket: show only the guidance of the chosen category.
  var category = document.getElementById("id_category");
  var guidance = document.querySelectorAll(".guidance [data-category]");
  function showGuidance() {
    guidance.forEach(function (node) {
      node.hidden = !category || node.getAttribute("data-category") !== category.value;
    });
  }
  if (category && guidance.length) {
    category.addEventListener("change", showGuidance);
    showGuidance();
  }
  // Agent reply: a canned response fills the message box (the server does it without script).
  var canned = document.getElementById("id_canned");
  var body = document.getElementById("id_body");
  if (canned && body) {
    canned.addEventListener("change", function () {
      var template = document.querySelector('template.canned-text[data-canned="' + canned.value + '"]');
      if (template) {
        body.value = template.content.textContent.trim();
        body.focus();
      }
    });
  }
  // Queue: a "select all" box for bulk actions.
  var all = document.querySelector(".select-all");
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      document.querySelectorAll('input[name="tickets"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();
