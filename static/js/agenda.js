// Progressive enhancement: a save toggle (a button of the page's one #agenda-save form, see
// base.html) saves or removes without leaving the page. Without this script the same form
// posts normally and the server brings the visitor back to the item. Offline, saving is
// refused with a message: a save queued for later could meet a program that changed meanwhile.
(function () {
  "use strict";
  var SAVE = /^Save (.*)$/;
  var REMOVE = /^Remove (.*) from agenda$/;
  var OFFLINE = "You are offline: saving needs a connection. Try again when you are back online.";

  // The form's status line: read by screen readers, and shown when saving was refused.
  function say(text, refused) {
    var status = document.getElementById("agenda-status");
    if (!status) return;
    status.textContent = text;
    status.className = refused ? "agenda-refused" : "visually-hidden";
  }

  function flip(button, saved) {
    var label = button.querySelector(".visually-hidden");
    var text = label.textContent;
    var title = (text.match(SAVE) || text.match(REMOVE) || [null, text])[1];
    label.textContent = saved ? "Remove " + title + " from agenda" : "Save " + title;
    button.name = saved ? "remove" : "save";
    button.classList.toggle("is-saved", saved);
  }

  function postPlainly(form, button) {
    form.dataset.plain = "true"; // this time let the browser post and follow the answer
    form.requestSubmit(button);
  }

  // "Print" on My agenda: without this script it is a link to the same page, to print from.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-print]");
    if (!link) return;
    event.preventDefault();
    window.print();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.matches || !form.matches("form[data-agenda]") || !window.fetch) return;
    // A visitor who is not logged in: the star asks to log in (a plain GET), nothing to send.
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (!button || !button.name || form.dataset.plain) return;
    event.preventDefault();
    var body = new FormData(form);
    body.append(button.name, button.value);
    if (navigator.onLine === false) {
      say(OFFLINE, true);
      return;
    }
    button.disabled = true;
    // getAttribute, not form.action: a field named "action" would shadow that property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(
        function (response) {
          return response.json().then(function (data) {
            button.disabled = false;
            if (response.status === 401 && data.login) {
              postPlainly(form, button); // the server keeps the save and asks to log in
              return;
            }
            if (!response.ok) throw new Error(data.error || "Could not save");
            flip(button, data.saved);
            button.focus();
            say(data.message, false);
          });
        },
        function () {
          // No answer at all: no network, or the site cannot be reached. Posting the form
          // plainly would only lead to the browser's error page.
          button.disabled = false;
          say(OFFLINE, true);
        }
      )
      .catch(function () {
        button.disabled = false;
        postPlainly(form, button);
      });
  });

  window.addEventListener("online", function () {
    var status = document.getElementById("agenda-status");
    if (status && status.className === "agenda-refused") say("", false);
  });
})();
