// Progressive enhancement: preselect the visitor's own time zone in the "Show times in" form.
// The page already shows the conference's zone; nothing changes until the visitor submits.
(function () {
  "use strict";
  var select = document.getElementById("timezone-choice");
  if (!select || select.value !== "") return;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || zone === select.dataset.conferenceZone) return;
  for (var i = 0; i < select.options.length; i += 1) {
    if (select.options[i].value === zone) {
      select.options[i].selected = true;
      var hint = document.createElement("small");
      hint.textContent = " Your device is in " + zone + "; press Change to use it.";
      select.parentNode.appendChild(hint);
      return;
    }
  }
})();
