// Progressive enhancement of the day tabs: on a phone the row of days scrolls sideways and the
// day shown may be out of view (Saturday of a six-day conference); bring its tab into view,
// centred when it can be. Only the row scrolls, never the page.
(function () {
  "use strict";
  var current = document.querySelector('.day-tabs a[aria-current="page"]');
  if (!current) return;
  var row = current.closest(".day-tabs");
  var tab = current.parentNode;
  if (row.scrollWidth <= row.clientWidth) return;
  row.scrollLeft = tab.offsetLeft - row.offsetLeft - (row.clientWidth - tab.offsetWidth) / 2;
})();
