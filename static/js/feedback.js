// Progressive enhancement for the feedback form: move focus to the error summary after a failed
// submission so that screen-reader and keyboard users land on the list of what to fix.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
