// Progressive enhancement on the time zone page: offer the device's own zone in one tap. The
// browser may name it by an old alias (Asia/Calcutta); the server reads aliases as their zone.
(function () {
  "use strict";
  var form = document.querySelector(".timezone-form");
  if (!form) return;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  var device = form.cloneNode(false);
  device.className = "timezone-device";
  ["csrfmiddlewaretoken", "next"].forEach(function (name) {
    var field = form.querySelector("input[name=" + name + "]");
    if (field) device.appendChild(field.cloneNode(false));
  });
  var button = document.createElement("button");
  button.type = "submit";
  button.name = "timezone";
  button.value = zone;
  button.textContent = "Use this device’s zone: " + zone.replace(/_/g, " ");
  device.appendChild(button);
  form.parentNode.insertBefore(device, form);
})();
