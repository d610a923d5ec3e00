// Progressive enhancement only: the form works without this file.
// 1. check the number and size of chosen files before upload;
// 2. ask the server for a category suggestion from the description.
(function () {
  "use strict";
  var form = document.getElementById("complaint-form") || document.getElementById("reply-form");
  if (!form) { return; }
  var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 10;
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10) || 10485760;
  var input = form.querySelector("input[type=file]");
  var out = document.getElementById("evidence-check");
  var lang = document.documentElement.lang || "zh-hans";
  var zh = lang.indexOf("zh") === 0;

  function checkFiles() {
    if (!input || !out) { return true; }
    var problems = [];
    var staged = form.querySelectorAll("input[name=staged]").length;
    if (input.files.length + staged > maxFiles) {
      problems.push(zh ? "最多 " + maxFiles + " 个文件。" : "At most " + maxFiles + " files.");
    }
    for (var i = 0; i < input.files.length; i++) {
      var f = input.files[i];
      if (f.size === 0) { problems.push(f.name + (zh ? "：文件为空。" : ": empty file.")); }
      if (f.size > maxBytes) {
        problems.push(f.name + (zh ? "：超过 " : ": larger than ") + Math.round(maxBytes / 1048576) + (zh ? " MB。" : " MB."));
      }
    }
    out.textContent = problems.join(" ");
    out.hidden = problems.length === 0;
    out.className = problems.length ? "help warn" : "help";
    return problems.length === 0;
  }
  var summary = document.getElementById("error-summary");
  if (summary && summary.focus) { summary.focus(); }
  if (input) { input.addEventListener("change", checkFiles); }
  form.addEventListener("submit", function (ev) { if (!checkFiles()) { ev.preventDefault(); out.focus && out.focus(); } });

  var desc = document.getElementById("id_description");
  var hint = document.getElementById("category-suggestion");
  var select = document.getElementById("id_category");
  var url = form.getAttribute("data-suggest-url");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  if (!desc || !hint || !select || !url || !window.fetch || !token) { return; }
  desc.addEventListener("blur", function () {
    var text = desc.value.trim();
    if (text.length < 6) { return; }
    var body = new URLSearchParams();
    body.append("text", text);
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "X-CSRFToken": token.value } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.category) { return; }
        hint.textContent = (zh ? "系统建议的类别：" : "Suggested category: ") + data.label;
        hint.hidden = false;
        if (!select.value) { select.value = data.category; }
      })
      .catch(function () { /* the suggestion is optional */ });
  });
})();
