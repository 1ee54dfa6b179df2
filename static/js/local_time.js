// The event's start in the visitor's own time zone, under the time the server wrote in the
// event's zone. Optional: without JavaScript the page shows the event's zone and UTC offset.
(function () {
  var time = document.querySelector("time[data-local-time]");
  var out = document.getElementById("local-time");
  if (!time || !out || !time.getAttribute("datetime") || !window.Intl) { return; }
  var start = new Date(time.getAttribute("datetime"));
  if (isNaN(start)) { return; }
  var text = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  }).format(start);
  out.textContent = out.getAttribute("data-label") + " " + text;
  out.hidden = false;
})();
