// Progressive enhancement: keep the program on the device for offline use. Registers the
// service worker (/sw.js, templates/offline/sw.js), which keeps a copy of every program page
// opened; when the network fails it shows that copy, whose <html> element then carries the
// time it was fetched (data-saved-at). This script says so at the top of the page. Without
// JavaScript (or a browser without service workers) the site works as before, online only.
(function () {
  "use strict";
  var script = document.currentScript;
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // "Mon 30 Nov, 2:02 p.m." in the device's own time, as the site writes times.
  function when(date) {
    var hours = date.getHours();
    var minutes = ("0" + date.getMinutes()).slice(-2);
    var clock = ((hours + 11) % 12) + 1 + ":" + minutes + (hours < 12 ? " a.m." : " p.m.");
    return DAYS[date.getDay()] + " " + date.getDate() + " " + MONTHS[date.getMonth()] + ", " + clock;
  }

  function showSavedCopy(savedAt) {
    var main = document.getElementById("main");
    var date = new Date(savedAt);
    if (!main || isNaN(date.getTime())) return;
    // One-off notices ("Saved to your agenda: ...") belonged to the visit that was kept.
    var notices = document.querySelector(".notices");
    if (notices) notices.hidden = true;
    var note = document.createElement("p");
    note.className = "offline-note";
    note.setAttribute("role", "status");
    var time = document.createElement("time");
    time.dateTime = date.toISOString();
    time.textContent = when(date);
    note.appendChild(
      document.createTextNode(
        navigator.onLine === false ? "You are offline. " : "The site cannot be reached. "
      )
    );
    note.appendChild(document.createTextNode("This page was saved on "));
    note.appendChild(time); // ends with "a.m." or "p.m.": the sentence's full stop
    main.insertBefore(note, main.firstChild);
    // Back online: the same address now brings the current page (the worker asks the network
    // first).
    window.addEventListener("online", function () {
      var link = document.createElement("a");
      link.href = window.location.href;
      link.textContent = "Load the current version of this page";
      note.textContent = "You are back online. ";
      note.appendChild(link);
      note.appendChild(document.createTextNode("."));
    });
  }

  var savedAt = document.documentElement.getAttribute("data-saved-at");
  if (savedAt) showSavedCopy(savedAt);

  if (!("serviceWorker" in navigator) || !script || !script.dataset.serviceWorker) return;
  var container = navigator.serviceWorker;

  // Whether the worker answered this page's own request (and so kept a copy of it). Not the
  // same as "a worker controls the page now": a page fetched from the network while the worker
  // was activating is claimed by it (controller set) without ever having passed through it.
  // Navigation timing says which: workerStart is 0 when no worker handled the request.
  function servedByWorker() {
    var timing = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return timing.length ? timing[0].workerStart > 0 : !!container.controller;
  }

  // This page did not come through the worker: ask the worker to keep a copy once it is
  // active. Asked of the active worker, not of the page's controller: a page whose request left
  // before the worker activated is never controlled (claiming takes only the pages already
  // there), yet the worker can keep it.
  if (!savedAt && !servedByWorker()) {
    container.ready.then(function (registration) {
      registration.active.postMessage({ type: "keep", url: window.location.href });
    });
  }
  container.register(script.dataset.serviceWorker, { scope: "/" }).catch(function () {
    // Offline, or service workers are turned off: the page works as it is.
  });
})();
