// Keeps the queue and an open chat up to date: the server says "changed" over server-sent
// events, and the page fetches the fresh fragment. Without this script the pages still work.
(function () {
  "use strict";
  var source = document.body.getAttribute("data-live");
  var target = document.getElementById("live");
  if (!source || !target || !window.EventSource) { return; }
  var busy = false;
  function refresh() {
    if (busy) { return; }
    busy = true;
    fetch(source, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.status === 401) { window.location = "/staff/login"; return null; }
        return response.ok ? response.text() : null;
      })
      .then(function (html) { if (html !== null) { target.innerHTML = html; } })
      .finally(function () { busy = false; });
  }
  var events = new EventSource("/staff/events");
  events.addEventListener("change", refresh);
  events.onerror = function () { /* the browser reconnects by itself */ };
})();
