// The site's service worker, served at /sw.js (conference/offline.py) so that it controls every
// page. Program pages come from the network while there is one, and a copy of each is kept on
// the device; when the network fails, the kept copy is shown instead, marked with the time it
// was fetched (static/js/offline.js shows that to the visitor). Static files are answered from
// the device and refreshed behind the scenes. Nothing is kept from the admin, the account
// pages, the API, any form sent (POST) or any answer marked "no-store".
//
// A shared phone: a signed-in visitor's pages (My agenda, their stars) carry their session's
// marker (web/session_marker.py) and are kept apart, under that marker. They are forgotten when
// someone logs in or out, when a page comes from the network for another session or none, and,
// offline, when the marker cookie (which expires with the session cookie) is gone or differs.
"use strict";

var CONFIG = {{ config|safe }};
var PAGES = "program-pages-v1";
var STATIC = "program-static-v1";
// A signed-in session's pages: this prefix and the session's marker.
var PRIVATE = "program-private-v1-";
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
          return (
            name.indexOf("program-") === 0 &&
            name !== PAGES &&
            name !== STATIC &&
            name.indexOf(PRIVATE) !== 0
          );
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

// The session a page was made for: "" for an anonymous visitor (a page the same for everyone).
function markerOf(response) {
  return response.headers.get(CONFIG.markerHeader) || "";
}

function pagesFor(marker) {
  return marker ? PRIVATE + marker : PAGES;
}

function privateCaches() {
  return caches.keys().then(function (names) {
    return names.filter(function (name) { return name.indexOf(PRIVATE) === 0; });
  });
}

// A page from the network says whose session the browser holds now: the pages kept for any
// other are forgotten.
function forgetOtherSessions(marker) {
  return privateCaches().then(function (names) {
    var others = names.filter(function (name) { return name !== PRIVATE + marker; });
    return Promise.all(others.map(function (name) { return caches.delete(name); }));
  });
}

// Offline, the marker of the session the browser holds now, from the marker cookie (the
// session cookie itself is out of scripts' reach); undefined where the browser has no Cookie
// Store API: then only the pages of the last session seen online are left to show.
function currentMarker() {
  if (!self.cookieStore) return Promise.resolve(undefined);
  return self.cookieStore.get(CONFIG.markerCookie).then(
    function (cookie) { return cookie ? cookie.value : ""; },
    function () { return undefined; }
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
    return caches.open(pagesFor(markerOf(response))).then(function (cache) {
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
  return privateCaches()
    .then(function (names) {
      return Promise.all(names.concat([PAGES]).map(function (name) { return caches.delete(name); }));
    })
    .catch(function () {});
}

// What to show for a page that was not kept, or a form sent without a network.
function offlineAnswer() {
  return caches.match(CONFIG.offlinePage, { cacheName: STATIC }).then(function (page) {
    if (!page) return Response.error();
    return new Response(page.body, { status: 503, statusText: "Offline", headers: page.headers });
  });
}

function match(name, url) {
  return caches.open(name).then(function (cache) {
    return cache.match(url, { ignoreVary: true });
  });
}

// The kept copy of a page: the current session's if the browser still holds the session it
// was kept for, else the one kept for everyone. A session that ended offline (its cookie expired
// or cleared) has its pages forgotten here.
function keptPage(url) {
  return Promise.all([currentMarker(), privateCaches()]).then(function (found) {
    var marker = found[0];
    var names = found[1];
    var ended = names.filter(function (name) {
      return marker !== undefined && name !== PRIVATE + marker;
    });
    var mine = names.filter(function (name) { return ended.indexOf(name) < 0; });
    return Promise.all(ended.map(function (name) { return caches.delete(name); })).then(
      function () {
        var lookups = mine.concat([PAGES]).map(function (name) { return match(name, url); });
        return Promise.all(lookups).then(function (copies) {
          return copies.filter(Boolean)[0];
        });
      }
    );
  });
}

// Whether a response is a page of this site, which says whose session it was made for (not an
// error of the proxy in front, which knows no session).
function isSitePage(response) {
  return (
    response.type === "basic" &&
    response.status < 500 &&
    /^text\/html/i.test(response.headers.get("Content-Type") || "")
  );
}

// Program pages: the network first, and a copy kept; the copy when the network fails.
function networkFirst(event) {
  var request = event.request;
  var url = request.url.split("#")[0];
  return fetch(request).then(
    function (response) {
      if (isSitePage(response)) {
        // Cloned now: the page reads the response's body before this is done.
        var copy = isPage(response) ? response.clone() : null;
        var kept = forgetOtherSessions(markerOf(response));
        if (copy) kept = kept.then(function () { return keepPage(url, copy); });
        event.waitUntil(kept);
      }
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
        if (isPage(response) && !response.redirected) {
          return forgetOtherSessions(markerOf(response)).then(function () {
            return keepPage(address, response);
          });
        }
      })
      .catch(function () {})
  );
});
