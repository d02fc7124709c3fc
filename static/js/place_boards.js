// The admin's floor plan page: a click on the plan fills the x and y (fractions of the plan's
// width and height) of the board spot row last focused, or the first row without them. The rows
// work without this script: type the numbers.
(function () {
  "use strict";
  var active = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(".board-spots .inline-related"));
  }

  function field(row, name) {
    return row.querySelector('input[name$="-' + name + '"]');
  }

  function target() {
    if (active && document.body.contains(active)) return active;
    return rows().find(function (row) {
      var x = field(row, "x");
      return x && !x.value && !row.classList.contains("empty-form");
    });
  }

  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest(".board-spots .inline-related");
    if (row) active = row;
  });

  document.addEventListener("click", function (event) {
    if (!event.target.matches || !event.target.matches("#plan-picture")) return;
    var picture = event.target;
    var box = picture.getBoundingClientRect();
    var x = (event.clientX - box.left) / box.width;
    var y = (event.clientY - box.top) / box.height;
    var row = target();
    var status = document.getElementById("plan-placer-status");
    if (!row) {
      status.textContent = "Add a board spot row first (Add another Board spot), then click.";
      return;
    }
    field(row, "x").value = x.toFixed(4);
    field(row, "y").value = y.toFixed(4);
    var board = field(row, "board");
    status.textContent =
      "Board " + (board && board.value ? board.value : "(number to fill in)") +
      " placed at " + Math.round(x * 100) + "% across, " + Math.round(y * 100) + "% down. Save to keep it.";
    if (board && !board.value) board.focus();
  });
})();
