// surveys: move keyboard and screen-reader focus to the error summary after a
// refused page, so that the errors are announced first. The page works without it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("form-errors");
    if (summary && summary.closest(".survey-answer")) {
      summary.focus();
    }
  });
})();
