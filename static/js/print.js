/* The print button of a printable document ([data-print]): an inline onclick would be refused
   by the Content Security Policy. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
