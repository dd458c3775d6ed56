// Live validation and preview of a listening query while it is typed (no inline script: CSP).
(function () {
  const form = document.querySelector("form[data-preview-url]");
  if (!form) return;
  const field = form.querySelector("[data-live-query]");
  const target = document.getElementById("query-preview");
  let timer = null;
  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      const url = form.dataset.previewUrl + "?expression=" + encodeURIComponent(field.value);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) { target.innerHTML = html; });
    }, 300);
  });
})();
