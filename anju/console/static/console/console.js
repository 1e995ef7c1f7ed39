// Progressive enhancements for the staff console. Every page works without this file.
(function () {
  "use strict";

  // Filters apply on change when htmx is not there to do it.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function () {
      if (!window.htmx) { form.submit(); }
    });
  });

  // A select with data-filter-by shows only the options of the group chosen in another
  // select (handlers of the chosen department, buildings of the chosen estate).
  document.querySelectorAll("select[data-filter-by]").forEach(function (select) {
    var source = document.getElementById(select.dataset.filterBy);
    if (!source) { return; }
    function apply() {
      var key = source.value;
      select.querySelectorAll("optgroup").forEach(function (group) {
        var options = group.querySelectorAll("option");
        var match = !key || (options.length && options[0].dataset.group === key);
        group.hidden = !match;
        group.disabled = !match;
      });
      var chosen = select.options[select.selectedIndex];
      if (chosen && chosen.parentElement.tagName === "OPTGROUP" && chosen.parentElement.disabled) {
        select.value = "";
      }
    }
    source.addEventListener("change", apply);
    apply();
  });

  // One click records one complaint; the idempotency key covers what slips through.
  document.querySelectorAll("button[data-once]").forEach(function (button) {
    button.form.addEventListener("submit", function () {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });
})();
