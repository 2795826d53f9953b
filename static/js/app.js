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
// A "select all" checkbox ticks every checkbox of the name it names (data-select-all="households").
document.addEventListener("change", function (event) {
  var target = event.target;
  var name = target.getAttribute && target.getAttribute("data-select-all");
  if (name) {
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = target.checked;
    });
  }
});
