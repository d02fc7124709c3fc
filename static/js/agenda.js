// Progressive enhancement: "Save to my agenda" without leaving the page. Without this script
// the same forms post normally and come back to the same place.
(function () {
  "use strict";
  function label(form, saved) {
    var button = form.querySelector("button");
    var hidden = button.querySelector(".visually-hidden");
    button.textContent = saved ? "Saved ✓ · remove" : "Save to my agenda";
    if (hidden) button.appendChild(hidden);
    button.setAttribute("aria-pressed", saved ? "true" : "false");
    button.classList.toggle("is-saved", saved);
    form.querySelector("input[name=action]").value = saved ? "remove" : "save";
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-agenda]") || !window.fetch) return;
    event.preventDefault();
    // getAttribute, not form.action: the form's <input name="action"> shadows that property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (response.status === 401 && data.login) {
            form.submit(); // the server remembers the save and sends the visitor to log in
            return;
          }
          if (!response.ok) throw new Error(data.error || "Could not save");
          label(form, data.saved);
        });
      })
      .catch(function () {
        form.submit();
      });
  });
})();
