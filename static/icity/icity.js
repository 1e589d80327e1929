// icity: small progressive enhancements; every page works without this file.
// No inline script anywhere (the Content Security Policy forbids it).
(function () {
  "use strict";
  // Ask before actions that cannot be undone: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // A table wider than the screen scrolls inside its .table-wrap: keyboard users must be able
  // to focus that box to scroll it (WCAG 2.1.1; axe "scrollable-region-focusable").
  function focusableWhenScrolling() {
    var boxes = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.hasAttribute("data-static-focus")) {
        continue;  // the template made it focusable itself
      }
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        var caption = box.querySelector("caption");
        if (caption && caption.textContent.trim()) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }
  document.addEventListener("DOMContentLoaded", focusableWhenScrolling);
  window.addEventListener("resize", focusableWhenScrolling);
  // A table inside a closed <details> has no width until it opens ("toggle" does not bubble).
  document.addEventListener("toggle", focusableWhenScrolling, true);
})();
