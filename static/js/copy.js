// Copy buttons on the pay page: progressive enhancement. Without JavaScript (or without the
// Clipboard API) the buttons stay hidden and the number is plain selectable text.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var status = document.querySelector(".copy-status");
  document.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        if (status) {
          status.textContent = button.dataset.copied || "";
        }
      });
    });
  });
})();
