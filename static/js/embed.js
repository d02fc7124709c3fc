// Inside the embedded program: tell the page that frames it how tall the program is, so its
// snippet (embed/resize.js) can size the frame. Nothing is sent when the page is not framed.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "conference-embed:height", height: height }, "*");
  }
  if ("ResizeObserver" in window) new ResizeObserver(report).observe(document.documentElement);
  window.addEventListener("load", report);
  report();
})();
