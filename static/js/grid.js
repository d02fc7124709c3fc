// Progressive enhancement on a grid day (templates/program/_grid.html): the chosen room's link
// in view, and while the day runs a "now" line across the rooms at the current 5-minute row.
// The grid starts at data-starts; row 2 is its first step (row 1 holds the rooms' names).
// Without this script the page is the same, less the line.
(function () {
  "use strict";
  // The room or track chosen, in view in its row of quick links (a phone shows a few at once).
  Array.prototype.forEach.call(
    document.querySelectorAll(".grid-pick[open] .grid-links a[aria-current]"),
    function (link) {
      var list = link.closest(".grid-links");
      list.scrollLeft = link.offsetLeft - list.clientWidth / 2 + link.offsetWidth / 2;
    }
  );
  var grid = document.querySelector(".grid[data-starts]");
  if (!grid) return;
  var STEP = 5 * 60 * 1000;
  var starts = Date.parse(grid.dataset.starts);
  var ends = Date.parse(grid.dataset.ends);
  var columns = grid.querySelectorAll(".grid-room").length + 1;
  var line = document.createElement("p");
  line.className = "now-line";
  line.setAttribute("aria-hidden", "true");
  var label = document.createElement("span");
  line.appendChild(label);
  var zone = grid.dataset.zone;

  function update() {
    var now = Date.now();
    if (now < starts || now >= ends) {
      if (line.parentNode) line.parentNode.removeChild(line);
      return;
    }
    var steps = (now - starts) / STEP;
    line.style.gridColumn = "1 / " + (columns + 1);
    line.style.gridRow = String(2 + Math.floor(steps));
    line.style.top = ((steps % 1) * 100).toFixed(1) + "%";
    var options = { hour: "numeric", minute: "2-digit", timeZone: zone || undefined };
    label.textContent = "Now " + new Date(now).toLocaleTimeString("en-US", options);
    if (!line.parentNode) grid.appendChild(line);
  }

  update();
  window.setInterval(update, 60000);
})();
