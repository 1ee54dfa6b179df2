/* Zlagoda field app service worker {{ version }}: pages network-first (a kept copy when there is no
   connection, or when the network is too slow, or when the server says it is unchanged), static
   files cache-first. Form posts are never touched here: the page keeps them in its outbox. A page
   the server marks no-store (personal data: a case with its parties, a person's identifying data),
   or whose path is one of those pages', is never kept nor served from here; every page kept
   carries the login that saw it (X-Field-Session), and the pages of a login that ended are erased. */
"use strict";
var CACHE = "zlagoda-field-{{ version }}";
var SCOPE = "{{ scope }}";
var STATIC = "{{ static_url }}";
var OFFLINE = {{ offline_url|safe|default:'""' }};
var PRECACHE = {{ precache|safe|default:"[]" }};
var LOGIN = "{{ login_url }}";
var PRIVATE = new RegExp({{ private_paths|safe|default:'"(?!)"' }});
var NOT_KEPT = [LOGIN, SCOPE + "sw.js", SCOPE + "session/"];
var SESSION = "X-Field-Session";
var VERSION = "X-Field-Version";
var current = null;  // the login the kept pages belong to, once known
var SLOW_MS = 6000;

// A weak connection drops a request now and then: try again a few times before giving up on
// keeping what the phone needs offline (a failed install would leave the app without it).
function again(attempt, tries) {
  return attempt().catch(function (error) {
    if (tries <= 1) throw error;
    return new Promise(function (resolve) { setTimeout(resolve, 1500); }).then(function () { return again(attempt, tries - 1); });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return again(function () { return cache.addAll(PRECACHE); }, 4);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("zlagoda-field-") === 0 && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function private_(response) {
  return /no-store/.test(response.headers.get("Cache-Control") || "");
}

function keepable(request, response) {
  var path = new URL(request.url).pathname;
  return response && response.ok && !response.redirected && response.type === "basic" && !private_(response) && !PRIVATE.test(path) &&
    NOT_KEPT.indexOf(path) < 0 && (path.indexOf(STATIC) === 0 || !!response.headers.get(SESSION));
}

// Only the very page asked for: a page with another query (another negotiator's training, closed
// cases too) is another page, and showing the kept one in its place would mislead.
function kept(cache, request) {
  if (PRIVATE.test(new URL(request.url).pathname)) return Promise.resolve(undefined);
  return cache.match(request, { ignoreVary: true }).then(function (found) {
    return found && !private_(found) ? found : undefined;
  });
}

/* A page of the field app came from the server: it tells which login is signed in (its
   X-Field-Session; none on the login page or a redirect to it). The pages kept for another
   login (or for none) are erased before anything is kept for this one. */
function adopt(cache, response) {
  var session = response.headers.get(SESSION);
  if (session === null) {
    if (new URL(response.url).pathname !== LOGIN) return Promise.resolve();
    session = "";
  }
  if (session === current) return Promise.resolve();
  current = session;
  return cache.keys().then(function (requests) {
    return Promise.all(requests.map(function (request) {
      var path = new URL(request.url).pathname;
      if (path.indexOf(SCOPE) !== 0 || path === OFFLINE) return null;
      return cache.match(request, { ignoreVary: true }).then(function (found) {
        if (!found || found.headers.get(SESSION) !== session || private_(found) || PRIVATE.test(path)) return cache.delete(request);
      });
    }));
  });
}

function store(cache, request, response) {
  return adopt(cache, response).then(function () {
    if (keepable(request, response)) return cache.put(request, response);
  });
}

/* The request, asking the server to answer 304 if the page is still the copy kept here (its
   version, X-Field-Version): a repeat visit then moves only headers. */
function unlessKept(request, copy) {
  var version = copy && copy.headers.get(VERSION);
  if (!version) return request;
  var headers = new Headers(request.headers);
  headers.set("If-None-Match", '"' + version + '"');
  return new Request(request, { headers: headers });
}

function networkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    var network = kept(cache, request).then(function (copy) {
      return fetch(unlessKept(request, copy)).then(function (response) {
        if (response.status === 304 && copy) return copy;
        store(cache, request, response.clone()).catch(function () {});
        return response;
      });
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
          return again(function () {
            var request = new Request(url, { credentials: "same-origin" });
            return fetch(request).then(function (response) {
              if (response.status >= 500) throw new Error(response.status);
              return store(cache, request, response);
            });
          }, 4).catch(function () {});
        });
      });
    }, Promise.resolve()).catch(function () {});
  });
}

function forget() {
  current = "";
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.filter(function (request) {
        var path = new URL(request.url).pathname;
        return path.indexOf(SCOPE) === 0 && path !== OFFLINE;
      }).map(function (request) { return cache.delete(request); }));
    });
  });
}
