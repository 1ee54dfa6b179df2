/* Zlagoda field app service worker {{ version }}: pages network-first (a kept copy when there is no
   connection, or when the network is too slow), static files cache-first. Form posts are never
   touched here: the page keeps them in its outbox. */
"use strict";
var CACHE = "zlagoda-field-{{ version }}";
var SCOPE = "{{ scope }}";
var STATIC = "{{ static_url }}";
var OFFLINE = {{ offline_url|safe|default:'""' }};
var PRECACHE = {{ precache|safe|default:"[]" }};
var NOT_KEPT = ["{{ login_url }}", SCOPE + "sw.js"];
var SLOW_MS = 6000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(PRECACHE); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("zlagoda-field-") === 0 && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keepable(request, response) {
  return response && response.ok && !response.redirected && response.type === "basic" &&
    NOT_KEPT.indexOf(new URL(request.url).pathname) < 0;
}

// Only the very page asked for: a page with another query (another negotiator's training, closed
// cases too) is another page, and showing the kept one in its place would mislead.
function kept(cache, request) {
  return cache.match(request, { ignoreVary: true });
}

function networkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    var network = fetch(request).then(function (response) {
      if (keepable(request, response)) cache.put(request, response.clone());
      return response;
    });
    // On a weak connection, a kept copy after a few seconds beats a spinner; the network answer
    // still refreshes the copy for next time.
    var slow = new Promise(function (resolve) { setTimeout(resolve, SLOW_MS); }).then(function () { return kept(cache, request); })
      .then(function (found) { return found || network; });
    return Promise.race([network, slow]).catch(function () {
      return kept(cache, request).then(function (found) {
        if (found) return found;
        if (request.mode === "navigate") return cache.match(OFFLINE, { ignoreVary: true });
        return Response.error();
      }).then(function (found) { return found || Response.error(); });
    });
  });
}

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (found) {
      return found || fetch(request).then(function (response) {
        if (keepable(request, response)) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(STATIC) === 0) event.respondWith(cacheFirst(request));
  else if (url.pathname.indexOf(SCOPE) === 0) event.respondWith(networkFirst(request));
});

/* The page asks to keep the pages needed offline (once signed in), or to forget the pages kept
   for a user who logs out. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.keep) event.waitUntil(keep(data.keep));
  if (data.forget) event.waitUntil(forget());
});

function keep(urls) {
  return caches.open(CACHE).then(function (cache) {
    return urls.reduce(function (done, url) {
      return done.then(function () {
        return cache.match(url, { ignoreVary: true }).then(function (found) {
          if (found) return;
          var request = new Request(url, { credentials: "same-origin" });
          return fetch(request).then(function (response) {
            if (keepable(request, response)) return cache.put(request, response);
          });
        });
      });
    }, Promise.resolve()).catch(function () {});
  });
}

function forget() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        var path = new URL(request.url).pathname;
        return path.indexOf(SCOPE) === 0 && path !== OFFLINE;
      }).map(function (request) { return cache.delete(request); }));
    });
  });
}
