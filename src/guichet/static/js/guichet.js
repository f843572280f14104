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
// A form sent back with its refusals: its error summary (data-error-summary, tabindex="-1") takes the focus and is
// scrolled into view, so that a keyboard or screen-reader user, or a phone's small screen, starts from the list
// of what to correct (the GOV.UK error-summary pattern). Also after htmx swaps one in.
function focusErrorSummary(root) {
  var summary = (root || document).querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus({preventScroll: true});
  summary.scrollIntoView({block: "start"});
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", function () { focusErrorSummary(); });
} else {
  focusErrorSummary();
}
document.addEventListener("htmx:afterSettle", function (event) { focusErrorSummary(event.target); });
