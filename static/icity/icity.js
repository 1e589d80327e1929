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
})();
