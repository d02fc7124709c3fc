// Sets the height of each program frame on this page (iframe[data-conference-embed]) to what
// the frame reports; only messages from {{ origin }} are read. No cookies, nothing else.
(function () {
  "use strict";
  var ORIGIN = "{{ origin|escapejs }}";
  window.addEventListener("message", function (event) {
    if (event.origin !== ORIGIN || !event.data || event.data.type !== "conference-embed:height") return;
    var frames = document.querySelectorAll("iframe[data-conference-embed]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        var height = Math.max(120, Math.min(Number(event.data.height) || 0, 100000));
        frames[i].style.height = height + "px";
      }
    }
  });
})();
