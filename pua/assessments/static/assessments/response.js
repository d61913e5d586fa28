// Filling in a form, on top of pages that work without JavaScript.
(function () {
  "use strict";
  // An error summary gets the focus, so screen readers announce it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus]");
    if (summary) {
      summary.focus();
    }
  });
  // While an autosave is on its way the user may already be typing in the
  // next box: keep what they typed when the page's questions are re-rendered
  // (htmx restores the focus, the server's copy of that box is older).
  var typing = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    typing = null;
    if (active && active.id && active.form && active.form.id === "response-form" &&
        (active.tagName === "TEXTAREA" || (active.tagName === "INPUT" && active.type !== "radio" && active.type !== "checkbox"))) {
      typing = { id: active.id, value: active.value };
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!typing) {
      return;
    }
    var field = document.getElementById(typing.id);
    if (field && field.value !== typing.value) {
      field.value = typing.value;
    }
    typing = null;
  });
})();
