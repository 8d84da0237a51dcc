// Move focus to the error summary when a form comes back with errors, so it is read first.
const summary = document.querySelector("[data-autofocus]");
if (summary) {
  summary.focus();
}
