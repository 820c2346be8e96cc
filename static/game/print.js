/* "Print" buttons (data-print): the page's print dialog, without an inline handler
   (the Content-Security-Policy allows no inline script). */
"use strict";

for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
