// The few behaviours Guichet needs beyond htmx, as a static file: the Content-Security-Policy allows no
// inline script and no inline event handler (onclick=...).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
