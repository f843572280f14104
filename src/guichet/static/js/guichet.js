// The few behaviours Guichet needs beyond htmx, as a static file: the Content-Security-Policy allows no
// inline script and no inline event handler (onclick=...).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
// "Copy" next to a read-only address (an ICS feed): the field stays selectable where the clipboard is refused.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) { return; }
  var field = document.getElementById(button.getAttribute("data-copy"));
  field.select();
  if (navigator.clipboard) { navigator.clipboard.writeText(field.value).catch(function () {}); }
});
