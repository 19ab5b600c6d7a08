// Progressive enhancement for calendar subscribe links (templates/calendar/_subscribe.html):
// shows the "Copy address" buttons and copies the feed URL. Without JS the read-only field
// stays, and the address can be selected and copied by hand. Safe to load several times.
(function () {
  "use strict";

  function copy(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    input.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function bind() {
    document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      if (button.dataset.bound) {
        return;
      }
      var input = document.getElementById(button.dataset.copyTarget);
      var status = document.getElementById(button.dataset.copyTarget + "-status");
      if (!input) {
        return;
      }
      button.dataset.bound = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(input).then(function () {
          if (status) {
            status.textContent = button.dataset.copied;
          }
        }, function () {
          input.focus();
          input.select();
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
