// The site menu: groups open on click or keyboard (Enter/Space), close on Escape or a click elsewhere;
// on a phone the whole menu folds behind one "Menu" button. Without JavaScript every link stays visible.
(function () {
  "use strict";
  var nav = document.getElementById("site-nav");
  if (!nav) return;
  document.documentElement.classList.add("js");
  var toggle = document.querySelector(".nav-toggle");
  var buttons = document.querySelectorAll(".site-header .menu-button");
  function closeAll(except) {
    buttons.forEach(function (b) { if (b !== except) b.setAttribute("aria-expanded", "false"); });
  }
  buttons.forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.stopPropagation();
      var open = button.getAttribute("aria-expanded") === "true";
      closeAll(button);
      button.setAttribute("aria-expanded", open ? "false" : "true");
    });
  });
  document.addEventListener("click", function (event) { if (!event.target.closest(".menu")) closeAll(null); });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector('.site-header .menu-button[aria-expanded="true"]');
    closeAll(null);
    if (open) open.focus();
  });
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      nav.classList.toggle("open", !open);
    });
  }
})();

// A table wider than a phone scrolls inside itself; keyboard users must be able to focus it to scroll it.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
})();
