// Names for the controls that the admin's scripts draw (WCAG 4.1.2): select2's combobox takes
// the name of the field's label, its search box that of the field, and the filter-horizontal
// search icons are images. Without JavaScript the plain <select> keeps its <label>.
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = select.id + "-label";
    }
    return label;
  }

  function nameSelect2(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = labelOf(select);
      var holder = select.nextElementSibling;
      if (!label || !holder || !holder.classList.contains("select2")) {
        return;
      }
      holder.querySelectorAll(".select2-selection").forEach(function (box) {
        var shown = box.querySelector(".select2-selection__rendered");
        box.setAttribute("aria-labelledby", label.id + (shown && shown.id ? " " + shown.id : ""));
        if (shown) {
          shown.setAttribute("aria-labelledby", label.id);
        }
      });
      holder.querySelectorAll(".select2-search__field").forEach(function (input) {
        input.setAttribute("aria-label", label.textContent.replace(/[:*]\s*$/, "").trim());
      });
    });
  }

  function nameFilterIcons(root) {
    root.querySelectorAll(".search-label-icon[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function run() {
    nameSelect2(document);
    nameFilterIcons(document);
  }

  // select2 draws its boxes when jQuery is ready, after a new inline row and after each choice.
  // The observer's callback runs as a microtask, before any later task (a screen reader's
  // or a checker's read), so the names are there as soon as the boxes are.
  document.addEventListener("DOMContentLoaded", function () {
    run();
    new MutationObserver(function (changes) {
      var drawn = changes.some(function (change) {
        return Array.prototype.some.call(change.addedNodes, function (node) {
          return node.nodeType === 1 && (node.matches(".select2, .select2 *, .selector *") ||
            node.querySelector(".select2, .search-label-icon"));
        });
      });
      if (drawn) {
        run();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
  window.addEventListener("load", run);
})();
