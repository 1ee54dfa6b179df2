// The Reports page: while a report is queued or being built, fetch the table again every few
// seconds. A file of its own, not an inline script, so the Content-Security-Policy needs no nonce.
(function () {
  var box = document.getElementById("report-table");
  if (!box) { return; }
  function refresh() {
    if (!box.querySelector("[data-active]")) { return; }
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () {})
      .then(function () { setTimeout(refresh, 3000); });
  }
  setTimeout(refresh, 3000);
})();
