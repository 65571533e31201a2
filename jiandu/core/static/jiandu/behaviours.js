// Small page behaviours as a static file, so the Content-Security-Policy can forbid inline script.
// <select data-autosubmit> / <input type=checkbox data-autosubmit>: submit the form on change.
// <a data-print>: print the page.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var el = event.target && event.target.closest ? event.target.closest("[data-print]") : null;
  if (el) {
    event.preventDefault();
    window.print();
  }
});
