// Behaviour that the Content-Security-Policy keeps out of the templates (no inline handlers).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target.matches && target.matches("select.autosubmit")) {
    target.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
  var confirmTarget = event.target.closest ? event.target.closest("[data-confirm]") : null;
  if (confirmTarget && !window.confirm(confirmTarget.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
