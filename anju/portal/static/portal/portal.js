// Anju resident portal: small enhancements. Every page works without this file.
(function () {
  "use strict";

  // One tap sends a form once: the button is disabled and says it is working.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) {
        event.preventDefault();
        return;
      }
      form.dataset.sent = "1";
      form.querySelectorAll("button[data-busy]").forEach(function (button) {
        button.dataset.idle = button.textContent;
        button.textContent = button.dataset.busy;
        // Disable after the submit has started so the button's value is still sent.
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });

  // Coming back with the browser's Back button shows a fresh, usable form.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("button[data-busy]").forEach(function (button) {
        button.disabled = false;
        if (button.dataset.idle) button.textContent = button.dataset.idle;
      });
    });
  });

  // Say how many photos were chosen, and stop too many before they are uploaded.
  document.querySelectorAll(".photo-picker").forEach(function (picker) {
    var input = picker.querySelector("input[type=file]");
    var out = picker.querySelector("[data-photo-count]");
    if (!input || !out) return;
    input.addEventListener("change", function () {
      var count = input.files ? input.files.length : 0;
      var max = parseInt(out.dataset.max, 10) || 0;
      out.classList.remove("is-error");
      if (max && count > max) {
        input.value = "";
        out.textContent = out.dataset.tooMany;
        out.classList.add("is-error");
      } else if (count === 0) {
        out.textContent = "";
      } else {
        out.textContent = count === 1 ? out.dataset.one
          : out.dataset.many.replace("%(count)s", String(count));
      }
    });
  });

  // Move attention to an error summary so screen readers and scrolled pages show it.
  var alert = document.querySelector("[data-focus]");
  if (alert) alert.focus();
})();
