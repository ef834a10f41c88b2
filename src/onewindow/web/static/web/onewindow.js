// Small page behaviours that plain HTML cannot express. Everything works without this file.
(function () {
  "use strict";

  // A form marked data-submit-once sends one full-page submission: a second click while the
  // first is on its way would accept the same application twice. Buttons are disabled after
  // the submit event, so the pressed button's name and value still go with the form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
      return;
    }
    if (form.dataset.submitting === "1") {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });

  // Coming back with the browser's back button shows the page as it was left: enable it again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.submitting;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
      });
    });
  });

  // Enter in a search-as-you-type box should not submit the surrounding form.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof HTMLElement && target.hasAttribute("data-no-enter")) {
      event.preventDefault();
    }
  });
})();
