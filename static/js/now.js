// Progressive enhancement on a day page: while the day runs, mark the rows under way and draw
// a "now" line before the next row. Rows carry their start and end (data-starts, data-ends);
// without this script the page is the same, less the line.
(function () {
  "use strict";
  var slots = Array.prototype.slice.call(document.querySelectorAll(".slot[data-starts]"));
  if (!slots.length) return;
  var line = document.createElement("p");
  line.className = "now-line";

  function update() {
    var now = Date.now();
    var first = Date.parse(slots[0].dataset.starts);
    var last = slots[slots.length - 1];
    var end = Date.parse(last.dataset.ends || last.dataset.starts);
    slots.forEach(function (slot) {
      var starts = Date.parse(slot.dataset.starts);
      var ends = slot.dataset.ends ? Date.parse(slot.dataset.ends) : starts;
      slot.classList.toggle("is-now", starts <= now && now < ends);
    });
    if (now < first || now >= end) {
      if (line.parentNode) line.parentNode.removeChild(line);
      return;
    }
    var next = slots.filter(function (slot) {
      return Date.parse(slot.dataset.starts) > now;
    })[0];
    var zone = slots[0].parentNode.dataset.zone; // the zone the page shows times in
    var options = { hour: "numeric", minute: "2-digit", timeZone: zone || undefined };
    line.textContent = "Now " + new Date(now).toLocaleTimeString("en-US", options);
    if (next) next.parentNode.insertBefore(line, next);
    else last.parentNode.appendChild(line);
  }

  update();
  window.setInterval(update, 60000);
})();
