// The site's service worker, served at /sw.js (conference/offline.py) so that it controls every
// page. Program pages come from the network while there is one, and a copy of each is kept on
// the device; when the network fails, the kept copy is shown instead, marked with the time it
// was fetched (static/js/offline.js shows that to the visitor). Static files are answered from
// the device and refreshed behind the scenes. Nothing is kept from the admin, the account
// pages, the API, any form sent (POST) or any answer marked "no-store"; and the kept pages are
// forgotten when someone logs in or out, so the next person on a shared phone does not see the
// last one's agenda.
"use strict";

var CONFIG = {{ config|safe }};
var PAGES = "program-pages-v1";
var STATIC = "program-static-v1";
// The newest this many pages are kept (a search is a page of its own).
var KEEP_PAGES = 200;
// Never kept: the admin, the accounts' own pages (log-in, API token, feed address), the API,
// this worker and the offline page itself.
var NOT_KEPT = /^\/(admin|accounts|api)\/|^\/(sw\.js|manifest\.webmanifest|healthz)$|^\/offline\//;
// Sending one of these forms changes who is signed in: the kept pages are forgotten first.
var FORGET_ON = /^\/(accounts\/(login|logout|signup|delete)|admin\/(login|logout))\/$/;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC)
      .then(function (cache) {
        // The offline page without cookies: it must name nobody.
        var offline = new Request(CONFIG.offlinePage, { credentials: "omit" });
        return cache.addAll(CONFIG.precache.concat([offline]));
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        var old = names.filter(function (name) {
          return name.indexOf("program-") === 0 && name !== PAGES && name !== STATIC;
        });
        return Promise.all(old.map(function (name) { return caches.delete(name); }));
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

function noStore(response) {
  return /no-store/i.test(response.headers.get("Cache-Control") || "");
}

function isPage(response) {
  return (
    response.status === 200 &&
    response.type === "basic" &&
    !noStore(response) &&
    /^text\/html/i.test(response.headers.get("Content-Type") || "")
  );
}

// Keeps a copy of a page, its <html> element marked with when it was fetched.
function keepPage(url, response) {
  return response.text().then(function (html) {
    var fetchedAt = new Date().toISOString();
    var marked = html.replace(/<html(?=[\s>])/i, '<html data-saved-at="' + fetchedAt + '"');
    var headers = new Headers(response.headers);
    // The copy is the decoded text: its length and coding are no longer the network's.
    headers.delete("Content-Length");
    headers.delete("Content-Encoding");
    var copy = new Response(marked, { status: 200, statusText: "OK", headers: headers });
    return caches.open(PAGES).then(function (cache) {
      return cache.put(url, copy).then(function () {
        return forgetOldest(cache);
      });
    });
  });
}

function forgetOldest(cache) {
  return cache.keys().then(function (requests) {
    var extra = requests.slice(0, Math.max(0, requests.length - KEEP_PAGES));
    return Promise.all(extra.map(function (request) { return cache.delete(request); }));
  });
}

function forgetPages() {
  return caches.delete(PAGES).catch(function () {});
}

// What to show for a page that was not kept, or a form sent without a network.
function offlineAnswer() {
  return caches.match(CONFIG.offlinePage, { cacheName: STATIC }).then(function (page) {
    if (!page) return Response.error();
    return new Response(page.body, { status: 503, statusText: "Offline", headers: page.headers });
  });
}

function keptPage(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(url, { ignoreVary: true });
  });
}

// Program pages: the network first, and a copy kept; the copy when the network fails.
function networkFirst(event) {
  var request = event.request;
  var url = request.url.split("#")[0];
  return fetch(request).then(
    function (response) {
      if (isPage(response)) event.waitUntil(keepPage(url, response.clone()));
      // The proxy answers but the site behind it does not: the kept copy says more.
      if (response.status >= 502 && response.status <= 504) {
        return keptPage(url).then(function (kept) { return kept || response; });
      }
      return response;
    },
    function () {
      return keptPage(url).then(function (kept) { return kept || offlineAnswer(); });
    }
  );
}

// Static files: the kept copy at once (hashed names never change in production), refreshed
// from the network for next time; fetched and kept when there is none yet.
function staleWhileRevalidate(event) {
  var request = event.request;
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (response.status === 200 && response.type === "basic" && !noStore(response)) {
          event.waitUntil(cache.put(request, response.clone()));
        }
        return response;
      });
      if (!kept) return fresh;
      event.waitUntil(fresh.catch(function () {}));
      return kept;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Forms sent by the page's scripts (saving to the agenda) handle their own failures.
    if (request.mode !== "navigate") return;
    var before = FORGET_ON.test(url.pathname) ? forgetPages() : Promise.resolve();
    event.respondWith(
      before.then(function () { return fetch(request); }).catch(offlineAnswer)
    );
    return;
  }
  if (url.pathname.indexOf(CONFIG.staticPrefix) === 0) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (request.mode === "navigate" && !NOT_KEPT.test(url.pathname)) {
    event.respondWith(networkFirst(event));
  }
});

// A page opened before this worker controlled it asks for a copy of itself to be kept.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || typeof data.url !== "string") return;
  var url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin || NOT_KEPT.test(url.pathname)) return;
  var address = url.href.split("#")[0];
  event.waitUntil(
    fetch(address, { credentials: "same-origin" })
      .then(function (response) {
        if (isPage(response) && !response.redirected) return keepPage(address, response);
      })
      .catch(function () {})
  );
});
