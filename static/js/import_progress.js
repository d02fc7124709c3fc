// The admin's import page for a large file, while the task worker reads or imports it: asks
// the page again every two seconds and shows the new count in place; once the preview or the
// outcome is there (the page has no count any more), opens it. Without JavaScript the page
// refreshes itself (a <meta> refresh inside <noscript>).
(function () {
  "use strict";
  var status = document.getElementById("import-progress");
  if (!status || !window.fetch || !window.DOMParser) return;
  // ?poll: the count while there is one; 204 once the preview or the outcome is there, which
  // the page itself then shows (and says only once).
  var address = window.location.pathname + "?poll=1";
  function ask() {
    fetch(address, { credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.status !== 200) {
          window.location.reload();
          return;
        }
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("import-progress");
          if (!fresh) {
            window.location.reload();
            return;
          }
          status.textContent = fresh.textContent;
          var bar = document.getElementById("import-bar");
          var freshBar = page.getElementById("import-bar");
          if (bar && freshBar) {
            bar.max = freshBar.max;
            bar.value = freshBar.value;
          } else if (freshBar) {
            status.insertAdjacentElement("afterend", freshBar);
          }
          window.setTimeout(ask, 2000);
        });
      })
      .catch(function () {
        window.setTimeout(ask, 5000);
      });
  }
  window.setTimeout(ask, 2000);
})();
