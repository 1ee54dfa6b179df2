// The dashboard and the map page work without this file. It only spares a click and a reload:
// a change of the filter shows the new figures at once, fetched from the same URL the form would
// open, and the address bar follows (the back button and a shared link show the same view).
(function () {
  "use strict";
  var MAIN = "dashboard-main";

  function swap(url, focusId, push) {
    var main = document.getElementById(MAIN);
    if (!main || !window.fetch || !window.DOMParser) {
      window.location.assign(url);
      return;
    }
    main.classList.add("loading");
    main.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(MAIN);
        if (!fresh) { throw new Error("no content"); }
        main.innerHTML = fresh.innerHTML;
        main.classList.remove("loading");
        main.removeAttribute("aria-busy");
        if (push) { window.history.pushState({ dashboard: true }, "", url); }
        layTiles(main);
        var again = focusId && document.getElementById(focusId);
        if (again) { again.focus(); }
      })
      .catch(function () { window.location.assign(url); });
  }

  // map_tiles.js lays the tiles under the maps present when it runs: run it again for new ones.
  function layTiles(main) {
    var original = document.getElementById("map-tiles-script");
    if (!original || !main.querySelector("svg.atlas[data-tile-url]")) { return; }
    var again = document.createElement("script");
    again.src = original.src;
    document.body.appendChild(again);
  }

  function formUrl(form) {
    var query = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value) {
        query.push(encodeURIComponent(field.name) + "=" + encodeURIComponent(field.value));
      }
    });
    return (form.getAttribute("action") || window.location.pathname) + (query.length ? "?" + query.join("&") : "");
  }

  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field && field.form;
    if (form && form.classList.contains("dashboard-filter")) {
      swap(formUrl(form), field.id, true);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("dashboard-filter")) {
      event.preventDefault();
      swap(formUrl(form), null, true);
    }
  });

  window.addEventListener("popstate", function () {
    if (document.getElementById(MAIN)) { swap(window.location.href, null, false); }
  });
})();
