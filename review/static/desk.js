// The desk's one script (no inline script anywhere: the Content-Security-Policy forbids it).
// On the queue page it listens to /events/queue and, when the counts change, fetches the
// page again and swaps the queue in place, keeping the clerk's filters.
"use strict";

(function () {
  var area = document.getElementById("queue-area");
  if (!area || !window.EventSource) { return; }
  var current = area.getAttribute("data-signature");

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queue-area");
        if (fresh) {
          area.replaceWith(fresh);
          area = fresh;
          document.body.setAttribute("data-updated", String(Date.now()));
        }
      });
  }

  var events = new EventSource("/events/queue");
  events.addEventListener("queue", function (event) {
    if (event.data !== current) {
      current = event.data;
      refresh();
    }
  });
})();
