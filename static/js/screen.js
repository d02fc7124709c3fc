// A door screen follows the clock by itself. Entries carry their start and end (data-starts,
// data-ends) and the page carries the rest of the day: at each end the script shows what is on
// now and next from what it has, then asks the server again (If-None-Match, by the browser's
// cache) every 30 s and at each end, and puts in any change. Through a network drop it keeps
// the last copy and says since when. Without scripts the page reloads itself every minute.
(function () {
  "use strict";
  var POLL = 30000;
  var main = document.querySelector(".screen-boards");
  var status = document.querySelector(".screen-status");
  var clock = document.querySelector(".screen-clock");
  var zone = clock ? clock.dataset.zone : undefined;
  var lastGood = new Date();
  var timer = null;

  function time(date) {
    return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: zone });
  }

  function arrange() {
    var now = Date.now();
    var shown = Number(main.dataset.shown) || 2;
    var next = Infinity;
    document.querySelectorAll(".board").forEach(function (board) {
      var left = 0;
      var count = 0;
      board.querySelectorAll(".entry").forEach(function (entry) {
        var starts = Date.parse(entry.dataset.starts);
        var ends = Date.parse(entry.dataset.ends);
        if (ends > now) next = Math.min(next, starts > now ? starts : ends);
        var on = starts <= now && now < ends;
        entry.classList.toggle("is-now", on);
        entry.querySelector(".entry-label").textContent = on ? "Now" : "Next";
        var minutes = Math.ceil((ends - now) / 60000);
        entry.querySelector(".time-left").textContent = on ? "· " + minutes + " min left" : "";
        var keep = ends > now && (on || count < shown);
        if (ends > now && !on) count += 1;
        entry.hidden = !keep;
        if (keep) left += 1;
      });
      var empty = board.querySelector(".board-empty");
      if (empty) empty.hidden = left > 0;
    });
    if (clock) clock.textContent = time(new Date(now));
    return next;
  }

  function schedule() {
    var next = arrange();
    window.clearTimeout(timer);
    // At the next start or end (and each minute for the clock and the minutes left).
    var wait = Math.min(Math.max(next - Date.now(), 0) + 500, 60000 - (Date.now() % 60000));
    timer = window.setTimeout(function () {
      schedule();
      if (Date.now() >= next) refresh();
    }, wait);
  }

  function refresh() {
    fetch(window.location.href, { cache: "no-cache", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".screen-boards");
        if (fresh && fresh.innerHTML !== main.innerHTML) main.innerHTML = fresh.innerHTML;
        lastGood = new Date();
        status.textContent = "";
        status.classList.remove("is-offline");
        schedule();
      })
      .catch(function () {
        status.textContent = "Offline: showing the program as of " + time(lastGood);
        status.classList.add("is-offline");
      });
  }

  schedule();
  window.setInterval(refresh, POLL);
})();
