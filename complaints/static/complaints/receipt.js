// The form's answer is the receipt. Give the page the receipt's own address, so that reloading
// it or coming back to it reads the receipt again instead of offering to send the form twice
// (without JavaScript a resend is harmless: the form's one-time token shows this receipt again).
(function () {
  "use strict";
  var heading = document.querySelector("[data-receipt-url]");
  var address = heading ? heading.getAttribute("data-receipt-url") : "";
  if (address && window.history && window.history.replaceState && window.location.pathname !== address) {
    window.history.replaceState(null, "", address);
  }
})();
