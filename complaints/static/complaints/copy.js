// Progressive enhancement: "copy" buttons next to the tracking number and the access code.
// Without JavaScript the buttons stay hidden and the numbers can be selected by hand.
(function () {
  "use strict";
  var done = document.querySelector(".copy-done");
  var copied = done ? done.getAttribute("data-copied-text") : "OK";
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  var buttons = document.querySelectorAll("button.copy[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent.trim();
      var show = function () {
        button.textContent = copied;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(show, function () { if (fallback(text)) { show(); } });
      } else if (fallback(text)) {
        show();
      }
    });
  });
})();
