/* Zlagoda field app: sends forms as JSON requests, keeps what cannot be sent in IndexedDB (the
   outbox) and sends it again on every page load and when the connection returns. Each entry
   carries its own Idempotency-Key, so a retry or a double tap creates one record. Nothing is
   dropped without the user choosing to. Messages come translated from the page (#field-strings).
   What the phone keeps (pages, outbox) belongs to one login (data-session): logging out erases it
   (after the user chose to send or discard what waits), and so does another user's login. */
(function () {
  "use strict";
  var body = document.body;
  var user = body.dataset.user;
  var session = body.dataset.session || "";
  var scope = body.dataset.scope;
  // Logged out with no connection: the server is told once it is back.
  var LOGOUT = "zlagoda-logout";
  var T = JSON.parse(document.getElementById("field-strings").textContent);
  var SKIP = ["csrfmiddlewaretoken", "idempotency_key"];
  var LOCK = "zlagoda-outbox";
  var SEND_TIMEOUT_MS = 30000;
  var loginNeeded = false;
  // Entries the server refused since this page loaded: its status line says so, and why.
  var refused = [];
  // The offline page stands in for a page not kept; it cannot know who is signed in.
  var standIn = !!$("[data-offline-page]");
  // What was sent, until a page of this tab shows it: the page that sent an entry may be left
  // (reloaded, navigated away) before it could say so.
  var SENT = "zlagoda-sent";
  // The quick event: the last place typed on this phone; the links of the notice after saving.
  var PLACE = "zlagoda-place";
  var LINKS = "zlagoda-flash-links";
  function sentNotices() { return JSON.parse(sessionStorage.getItem(SENT) || "[]"); }
  // Marks the entries this page is sending itself; one marked by a page that is gone (closed or
  // killed mid-send) is sent again like any waiting entry.
  var PAGE = newKey();
  var EDIT_CONFLICT = "edit_conflict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }
  // The key was already used for other content (422, as the API answers; 409 from entries kept
  // before the field app spoke the API's contract): sending again needs a new key.
  function isConflict(status) { return status === 422 || status === 409; }
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* ---- the outbox (IndexedDB: survives closing the browser) ---- */
  function store(mode, run) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("zlagoda-field", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("outbox", { keyPath: "id" }); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result;
        var tx = db.transaction("outbox", mode);
        var request = run(tx.objectStore("outbox"));
        tx.oncomplete = function () { db.close(); resolve(request && request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }
  function all() { return store("readonly", function (s) { return s.getAll(); }).then(function (items) { return items || []; }); }
  function get(id) { return store("readonly", function (s) { return s.get(id); }); }
  function put(item) { return store("readwrite", function (s) { return s.put(item); }); }
  function drop(id) { return store("readwrite", function (s) { return s.delete(id); }); }
  function locked(run) {
    return navigator.locks ? navigator.locks.request(LOCK, run) : run();
  }

  /* ---- what belongs to which login ---- */
  // The pages the service worker kept (the offline page and static files stay: they hold nobody's data).
  function forgetPages() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("zlagoda-field-") === 0; }).map(function (name) {
        return caches.open(name).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (request) {
              var path = new URL(request.url).pathname;
              return path.indexOf(scope) === 0 && path !== scope + "offline/";
            }).map(function (request) { return cache.delete(request); }));
          });
        });
      }));
    }).catch(function () {});
  }
  // Signed in: the entries of this user kept by an earlier login of theirs are theirs to send;
  // those of another user are erased (another login on this phone).
  function reconcile() {
    if (!user) return Promise.resolve();
    return all().then(function (items) {
      var others = items.filter(function (i) { return i.user !== user; });
      if (others.length) status(T.erased, "");
      return Promise.all(items.map(function (i) {
        if (i.user !== user) return drop(i.id);
        if (i.session !== session) return put(Object.assign(i, { session: session }));
      }));
    });
  }
  // Asks the server which login this is, and whether the logins that kept entries here still have
  // an account: those of an account switched off are erased. True when this page's login ended.
  function checkSession(always) {
    return all().then(function (items) {
      // Asked on every check: the logins of the entries; on each page load only those of another one.
      var was = always && session ? [session] : [];
      items.forEach(function (i) { if (i.session && (always || i.session !== session) && was.indexOf(i.session) < 0) was.push(i.session); });
      if (!always && !was.length) return false;
      var query = was.map(function (token) { return "was=" + encodeURIComponent(token); }).join("&");
      return fetch(scope + "session/" + (query ? "?" + query : ""), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (data) {
          var gone = data.gone || [];
          return Promise.all(items.filter(function (i) { return gone.indexOf(i.session) >= 0; }).map(function (i) { return drop(i.id); }))
            .then(function () { return (data.session || "") !== session && forgetPages().then(function () { return true; }); });
        });
    }).catch(function () { return false; });
  }

  /* ---- talking to the server ---- */
  function post(item) {
    // Photos (Blobs, kept in IndexedDB with the entry) go as a multipart form, with a file name.
    var files = item.fields.some(function (pair) { return typeof pair[1] !== "string"; });
    var data = files ? new FormData() : new URLSearchParams();
    item.fields.forEach(function (pair) {
      if (typeof pair[1] === "string") data.append(pair[0], pair[1]); else data.append(pair[0], pair[1], pair[2]);
    });
    data.append("idempotency_key", item.id);
    // A connection that dies silently would leave the form waiting for minutes: give up, keep the
    // entry, and let its key make the retry safe even if the server did get this one.
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    return fetch(item.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined,
      headers: { "Accept": "application/json", "X-CSRFToken": csrf(), "Idempotency-Key": item.id }
    }).then(function (response) {
      clearTimeout(timer);
      var type = response.headers.get("Content-Type") || "";
      var parse = type.indexOf("json") >= 0 ? response.json().catch(function () { return {}; }) : Promise.resolve({});
      return parse.then(function (data) {
        var result = { status: response.status, data: data };
        if (response.ok) result.kind = "sent";
        else if (response.status === 401 || (response.status === 403 && !data.message)) result.kind = "login";
        else if (response.status >= 500 || response.status === 429 || response.status === 408) result.kind = "retry";
        else result.kind = "rejected";
        if (response.status === 404 && !data.message) data.message = T.notFound;
        return result;
      });
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  function waiting(item) { return item.state === "waiting" || item.state === "sending"; }
  function stale(item) { return item.state === "sending" && item.sender !== PAGE; }

  /* Send what waits, oldest first; stop at the first sign of no connection or no login. */
  var flushing = null;
  function flush() {
    if (!flushing) flushing = locked(sendWaiting).catch(function () {}).then(function () { flushing = null; return render(); });
    return flushing;
  }
  function sendWaiting() {
    if (!user || !navigator.onLine) return Promise.resolve();
    return all().then(function (items) {
      var queue = items.filter(function (i) { return i.user === user && (i.state === "waiting" || stale(i)); })
        .sort(function (a, b) { return a.saved - b.saved; });
      function next() {
        var item = queue.shift();
        if (!item) return;
        return post(item).then(function (result) {
          return settle(item, result).then(function () { return result.kind === "login" ? null : next(); });
        }, function () { return null; });  // no connection: try again later
      }
      return next();
    });
  }
  function settle(item, result) {
    if (result.kind === "sent") {
      loginNeeded = false;
      sessionStorage.setItem(SENT, JSON.stringify(sentNotices().concat([{ label: item.label, url: result.data.url }])));
      return drop(item.id);
    }
    if (result.kind === "login") { loginNeeded = true; forgetPages(); return put(Object.assign(item, { state: "waiting", note: "login" })); }
    if (result.kind === "retry") {
      return put(Object.assign(item, { state: "waiting", note: "retry", tries: (item.tries || 0) + 1 }));
    }
    refused.push(item);
    return put(Object.assign(item, {
      state: "rejected", status: result.status, errors: result.data.errors || {},
      message: result.data.message || T.rejected, note: "",
      conflict: result.data.code === EDIT_CONFLICT ? result.data : null
    }));
  }

  /* ---- forms ---- */
  function fieldsOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (SKIP.indexOf(name) < 0 && typeof value === "string") pairs.push([name, value]);
    });
    return pairs.concat(photoFields(form));
  }
  function labelOf(form) {
    var parts = (form.dataset.summary || "").split(" ").map(function (name) {
      var inputs = $$("[name]", form).filter(function (input) { return input.name === name; });
      var input = inputs.filter(function (i) { return i.type !== "radio" || i.checked; })[0];
      if (!input) return "";
      if (input.type === "radio") return input.parentNode.textContent.trim();
      if (input.tagName === "SELECT") return input.selectedIndex >= 0 ? input.options[input.selectedIndex].text : "";
      return input.value;
    }).filter(Boolean);
    return form.dataset.label + (parts.length ? ": " + parts.join(", ") : "");
  }
  function clearErrors(form) {
    $$(".js-error", form).forEach(function (node) { node.remove(); });
    $$(".invalid", form).forEach(function (node) { node.classList.remove("invalid"); });
    var top = $("[data-form-message]", form);
    if (top) top.textContent = "";
  }
  function showErrors(form, message, errors) {
    clearErrors(form);
    var top = $("[data-form-message]", form) || form;
    var first = null;
    top.appendChild(el("p", { "class": "error js-error", role: "alert" }, message || T.correct));
    Object.keys(errors || {}).forEach(function (name) {
      var box = $('[data-field="' + name + '"]', form);
      errors[name].forEach(function (text) {
        (box || top).appendChild(el("p", { "class": "error js-error" }, text));
      });
      if (box) {
        box.classList.add("invalid");
        first = first || $("input,select,textarea", box);
      }
    });
    unfold(form);
    (first || top).scrollIntoView({ block: "center" });
    if (first) first.focus({ preventScroll: true });
  }
  function missingRequired(form) {
    var errors = {};
    $$("[required]", form).forEach(function (input) {
      var name = input.name;
      if (input.type === "radio" ? !form.querySelector('[name="' + name + '"]:checked') : !input.value.trim()) {
        var box = input.closest("[data-field]");
        errors[box ? box.dataset.field : name] = [T.required];
      }
    });
    return Object.keys(errors).length ? errors : null;
  }
  function setDefaults(form) {
    if (form.hasAttribute("data-edit")) return;  // a correction keeps the record's own date
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
    $$("input[type=date]", form).forEach(function (input) {
      if (input.defaultValue) { input.value = today; input.max = input.max ? today : ""; }
    });
    $$("input[type=time]", form).forEach(function (input) {
      if (input.defaultValue) input.value = pad(now.getHours()) + ":" + pad(now.getMinutes());
    });
  }

  function onSubmit(event) {
    var form = event.target;
    if (form.hasAttribute("data-logout")) {
      event.preventDefault();
      return logOut(form);
    }
    if (form.hasAttribute("data-online") && !navigator.onLine) {
      event.preventDefault();
      return status(T.needsConnection, "error");
    }
    if (!form.hasAttribute("data-queue")) return;
    event.preventDefault();
    if (form.dataset.busy) return;
    var button = $("button[type=submit]", form);
    var item = {
      id: form.dataset.key || newKey(), user: user, session: session, url: form.getAttribute("action"), page: location.pathname,
      label: labelOf(form), fields: fieldsOf(form), saved: Date.now(), state: "sending", sender: PAGE
    };
    form.dataset.key = item.id;  // the same key if this very submission is tried again
    form.dataset.busy = "1";
    if (button) button.disabled = true;
    var done = function () { delete form.dataset.busy; if (button) button.disabled = false; };
    // Written to the outbox before it is sent: a page closed while the answer is still on its way
    // leaves the entry waiting, and its key makes sending it again safe.
    var attempt = navigator.onLine
      ? put(item).catch(function () {}).then(function () { return post(item); })
      : Promise.reject(new Error("offline"));
    attempt.then(function (result) {
      if (result.kind === "sent") {
        var finish = drop(item.id).then(function () { return form.dataset.fix ? drop(form.dataset.fix) : null; });
        return finish.then(function () {
          sessionStorage.setItem("zlagoda-flash", result.data.message || "");
          sessionStorage.setItem(LINKS, JSON.stringify(result.data.links || []));
          location.assign(result.data.next || result.data.url);
        });
      }
      if (result.kind === "rejected") {
        if (isConflict(result.status)) delete form.dataset.key;  // sending it again makes a new entry
        showErrors(form, result.data.message, result.data.errors);
        if (result.data.code === EDIT_CONFLICT) showConflict(form, result.data);
        if (form.dataset.fix) {
          var stale = form.dataset.fix !== item.id ? drop(form.dataset.fix) : Promise.resolve();
          form.dataset.fix = item.id;
          return stale.then(function () { return settle(item, result); }).then(render).then(done);
        }
        return drop(item.id).then(done);  // the form on the screen still holds all of it
      }
      if (result.kind === "login") { loginNeeded = true; forgetPages(); }
      return keep(form, item, result.kind === "login" ? "login" : "retry").then(done);
    }, function () {
      var missing = missingRequired(form);
      if (missing) {
        showErrors(form, T.correct, missing);
        // Nothing to send while a required field is empty; an entry being fixed stays to be fixed.
        var kept = form.dataset.fix === item.id
          ? put(Object.assign(item, { state: "rejected", errors: missing, message: T.correct }))
          : drop(item.id);
        return kept.then(render).then(done);
      }
      return keep(form, item, "").then(done);
    }).catch(function () { done(); status(T.notKept, "error"); });
  }
  function keep(form, item, note) {
    item.note = note;
    item.state = "waiting";
    var previous = form.dataset.fix && form.dataset.fix !== item.id ? drop(form.dataset.fix) : Promise.resolve();
    return previous.then(function () { return put(item); }).then(function () {
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      delete form.dataset.key;
      delete form.dataset.fix;
      clearErrors(form);
      form.reset();
      setDefaults(form);
      toggles(form);
      if (location.hash) history.replaceState(null, "", location.pathname + location.search);
      status(note === "login" ? T.login : T.queued, note === "login" ? "error" : "ok");
      return render();
    });
  }

  /* An entry the server did not accept, opened from the outbox (#fix=<id>) to correct it. */
  function openFix() {
    var match = location.hash.match(/^#fix=(.+)$/);
    if (!match) return Promise.resolve();
    return get(decodeURIComponent(match[1])).then(function (item) {
      if (!item) return;
      var form = $$("form[data-queue]").filter(function (f) { return f.getAttribute("action") === item.url; })[0];
      if (!form) return;
      $$("input[type=checkbox],input[type=radio]", form).forEach(function (input) { input.checked = false; });
      restorePhotos(form, item.fields);
      item.fields.forEach(function (pair) {
        if (typeof pair[1] !== "string") return;
        $$("[name]", form).filter(function (input) { return input.name === pair[0]; }).forEach(function (input) {
          if (input.type === "checkbox" || input.type === "radio") { if (input.value === pair[1]) input.checked = true; }
          else input.value = pair[1];
        });
      });
      form.dataset.fix = item.id;
      form.dataset.key = isConflict(item.status) ? newKey() : item.id;
      toggles(form);
      showErrors(form, T.fixing + " " + (item.message || ""), item.errors);
      if (item.conflict) showConflict(form, item.conflict);
    });
  }

  /* ---- logging out: what waits is shown first, then everything of this login is erased ---- */
  function logOut(form) {
    if ($("dialog[data-unsent]")) return;  // asked already (a double tap)
    return all().then(function (items) {
      var mine = items.filter(function (i) { return i.user === user; });
      if (mine.length) ask(form, mine);
      else leave(form);
    });
  }
  function ask(form, items) {
    var dialog = el("dialog", { "class": "card", "data-unsent": "", "aria-labelledby": "unsent-title" });
    dialog.appendChild(el("h2", { id: "unsent-title" }, T.unsentTitle));
    dialog.appendChild(el("p", {}, T.unsentText));
    var list = el("ul", { "class": "list" });
    items.forEach(function (item) {
      var li = el("li", {}, item.label);
      if (item.state === "rejected") li.appendChild(el("span", { "class": "error meta" }, T.rejected));
      list.appendChild(li);
    });
    dialog.appendChild(list);
    var send = el("button", { type: "button", "class": "wide", "data-choice": "send" }, T.sendLogout);
    send.disabled = !navigator.onLine || !items.some(waiting);
    dialog.appendChild(send);
    if (!navigator.onLine) dialog.appendChild(el("p", { "class": "help" }, T.sendOnline));
    dialog.appendChild(el("button", { type: "button", "class": "wide secondary", "data-choice": "discard" }, T.discardLogout));
    dialog.appendChild(el("button", { type: "button", "class": "wide link", "data-choice": "stay" }, T.stay));
    dialog.addEventListener("click", function (event) {
      var choice = event.target.dataset.choice;
      if (!choice) return;
      dialog.close();
      dialog.remove();
      if (choice === "discard") leave(form);
      else if (choice === "send") flush().then(function () { return logOut(form); });
    });
    dialog.addEventListener("close", function () { dialog.remove(); });
    body.appendChild(dialog);
    dialog.showModal();
  }
  function leave(form) {
    return locked(function () {
      return all().then(function (items) { return Promise.all(items.map(function (i) { return drop(i.id); })); });
    }).then(forgetPages).then(function () {
      sessionStorage.removeItem(SENT);
      sessionStorage.removeItem("zlagoda-flash");
      localStorage.removeItem(PLACE);
      if (navigator.onLine) return form.submit();
      localStorage.setItem(LOGOUT, "1");
      location.assign(body.dataset.login);
    });
  }
  // Logged out offline, and now the server can be told: end the session it still holds.
  function finishLogout() {
    if (!localStorage.getItem(LOGOUT) || !navigator.onLine) return false;
    var form = $("form[data-logout]");
    if ($("[data-offline-page]")) return false;  // stands in for a page: the real one will say
    if (!user || !form) { localStorage.removeItem(LOGOUT); return false; }
    fetch(form.getAttribute("action"), { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() } })
      .then(function () { localStorage.removeItem(LOGOUT); return forgetPages(); })
      .then(function () { location.replace(body.dataset.login); }, function () {});
    return true;
  }

  function retry() {
    setTimeout(function () {
      fetch(scope + "session/", { credentials: "same-origin" }).then(function (response) {
        if (response.ok) location.reload(); else retry();
      }, retry);
    }, 3000);
  }

  /* ---- what the page shows ---- */
  function status(text, kind) {
    var box = $("[data-status]");
    if (!box) return;
    box.textContent = "";
    box.appendChild(el("p", { "class": kind || "" }, text));
  }
  function render() {
    return all().then(function (items) {
      var mine = items.filter(function (i) { return user && i.user === user; });
      var waitingCount = mine.filter(waiting).length;
      var toFix = mine.length - waitingCount;
      var badge = $("[data-outbox]");
      if (badge) {
        badge.hidden = !(waitingCount || toFix || (!user && items.length));
        badge.classList.toggle("bad", !!toFix);
        badge.textContent = standIn ? fill(T.keptHere, { count: items.length })
          : !user ? fill(T.loggedOut, { count: items.length })
          : waitingCount ? fill(T.waiting, { count: waitingCount }) : fill(T.toFix, { count: toFix });
      }
      if (loginNeeded && waitingCount) {
        status(T.login, "error");
        var box = $("[data-status] p");
        var link = el("a", { href: body.dataset.login + "?next=" + encodeURIComponent(location.pathname) }, T.loginLink);
        box.appendChild(document.createTextNode(" "));
        box.appendChild(link);
      }
      var box = $("[data-status]");
      // Said in place of "saved on this phone, sent when the connection is back", now untrue.
      refused.splice(0).forEach(function (item, n) {
        var why = Object.keys(item.errors).map(function (name) { return item.errors[name].join(" "); }).join(" ");
        var line = el("p", { "class": "error", "data-refused": "" }, fill(T.notAccepted, { label: item.label }) + " " + (why || item.message) + " ");
        line.appendChild(el("a", { href: item.page + "#fix=" + encodeURIComponent(item.id) }, T.fix));
        if (!box) return;
        if (!n) box.textContent = "";
        box.appendChild(line);
      });
      var done = $("[data-status]");
      var sent = done ? sentNotices() : [];
      if (sent.length) {
        sessionStorage.removeItem(SENT);
        sent.forEach(function (entry) {
          var line = el("p", { "class": "ok" });
          line.appendChild(el("a", { href: entry.url }, fill(T.sent, { label: entry.label })));
          done.appendChild(line);
        });
      }
      renderList(items);
    });
  }
  function renderList(items) {
    var section = $("[data-outbox-list]");
    if (!section) return;
    var list = $("ul", section);
    list.textContent = "";
    section.hidden = !items.length;
    $("[data-flush]", section).hidden = !user || !items.some(function (i) { return i.user === user && waiting(i); });
    items.sort(function (a, b) { return a.saved - b.saved; }).forEach(function (item) {
      var li = el("li", { "data-entry": item.id });
      li.appendChild(el("b", {}, item.label));
      var note = item.user !== user ? T.otherUser
        : item.state === "rejected" ? (Object.keys(item.errors || {}).length ? T.rejected : item.message)
        : item.note === "login" ? T.login : item.note === "retry" ? T.retry : T.waitingOne;
      li.appendChild(el("span", { "class": "meta" }, fill(T.savedAt, { time: new Date(item.saved).toLocaleString(document.documentElement.lang) }) + " · " + note));
      if (item.state === "rejected" && item.user === user) {
        Object.keys(item.errors || {}).forEach(function (name) {
          item.errors[name].forEach(function (text) { li.appendChild(el("span", { "class": "error meta" }, text)); });
        });
        li.appendChild(el("a", { "class": "button", href: item.page + "#fix=" + encodeURIComponent(item.id) }, T.fix));
        var discard = el("button", { type: "button", "class": "secondary", "data-discard": item.id }, T.discard);
        li.appendChild(discard);
      }
      list.appendChild(li);
    });
  }

  /* Fields shown only for one choice (the agency, for a referral). */
  function toggles(root) {
    $$("[data-show-when]", root).forEach(function (box) {
      var rule = box.dataset.showWhen.split("=");
      var chosen = $$('[name="' + rule[0] + '"]', box.closest("form")).filter(function (i) { return i.checked || i.tagName === "SELECT"; })[0];
      box.hidden = !(chosen && chosen.value === rule[1]);
    });
  }

  function connection() {
    var note = $("[data-offline]");
    if (note) note.hidden = navigator.onLine;
  }

  /* ---- photos: the resizing code (field-photo.js) is loaded only once a photo is chosen; what
     it made waits on the form (form.fieldPhotos: {name, blob, filename}) and goes with its fields ---- */
  var photoCode = null;
  function photoScript(form) {
    var box = $("[data-photos]", form);
    if (!photoCode) photoCode = new Promise(function (resolve, reject) {
      var script = el("script", { src: box.dataset.photos });
      script.onload = function () { resolve(window.ZlagodaPhotos); };
      script.onerror = function () { photoCode = null; script.remove(); reject(new Error("photo script")); };
      document.head.appendChild(script);
    });
    return photoCode;
  }
  function photoFields(form) {
    return (form.fieldPhotos || []).map(function (p) { return [p.name, p.blob, p.filename]; });
  }
  function restorePhotos(form, fields) {
    var kept = fields.filter(function (pair) { return typeof pair[1] !== "string"; });
    form.fieldPhotos = kept.map(function (pair) { return { name: pair[0], blob: pair[1], filename: pair[2] }; });
    if (kept.length || photoCode) photoScript(form).then(function (code) { code.render(form); }, function () {});
  }
  function onPhoto(event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-photos] input[type=file]")) return;
    var load = photoScript(input.form);
    if (event.type === "change") load.then(function (code) { code.chosen(input); }, function () {
      status(input.closest("[data-photos]").dataset.noScript, "error");
    });
    else load.catch(function () {});  // started while the phone's picker is open
  }
  document.addEventListener("click", onPhoto);
  document.addEventListener("change", onPhoto);
  // Not on the first load (the page budget): fetched once a form with photos is being filled while
  // online, and kept by the service worker (static files, cache-first) for photos chosen offline.
  document.addEventListener("focusin", function (event) {
    var form = event.target.form;
    if (navigator.onLine && form && $("[data-photos]", form)) photoScript(form).catch(function () {});
  });

  /* ---- start ---- */
  document.addEventListener("submit", onSubmit);
  document.addEventListener("change", function (event) { if (event.target.form) toggles(event.target.form); });
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target.matches("[data-flush]")) flush();
    if (target.matches("[data-discard]") && confirm(T.confirmDiscard)) drop(target.dataset.discard).then(render);
  });
  window.addEventListener("online", function () {
    connection();
    // The offline page stands in for the page asked for: with a connection, show the real one.
    if ($("[data-reload-online]")) return location.reload();
    // A page kept from a login that ended meanwhile: erased, and the real one asked for.
    if (finishLogout()) return;
    checkSession(true).then(function (ended) { if (ended && user) location.reload(); else flush(); });
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    // Back to a form already sent (from the back-forward cache): usable again, with the same key,
    // so sending it unchanged shows the first record and sending it changed is a conflict to see.
    $$("form[data-queue]").forEach(function (form) {
      delete form.dataset.busy;
      $$("button[type=submit]", form).forEach(function (button) { button.disabled = false; });
    });
    flush();
  });
  window.addEventListener("offline", connection);
  window.addEventListener("hashchange", openFix);
  // A page kept from earlier may carry an old CSRF token; the cookie has the current one.
  $$("input[name=csrfmiddlewaretoken]").forEach(function (input) { if (csrf()) input.value = csrf(); });
  $$("form[data-queue]").forEach(function (form) {
    if (!$(".error", form)) setDefaults(form);
    toggles(form);
  });
  connection();
  placeLocation();
  // The offline page: why the page asked for is not here.
  var offlinePage = $("[data-offline-page]");
  if (offlinePage) {
    var why = localStorage.getItem(LOGOUT) ? "logged-out"
      : new RegExp(offlinePage.dataset.private).test(location.pathname) ? "private" : "kept";
    $$("[data-when]").forEach(function (node) { node.hidden = node.dataset.when !== why; });
    $$("[data-when-not]").forEach(function (node) { node.hidden = node.dataset.whenNot === why; });
    // Shown with a connection (it came back as the page loaded, or the server was out of reach):
    // the real page as soon as the server answers.
    if (navigator.onLine) retry();
  }
  if (finishLogout()) return;
  var flash = sessionStorage.getItem("zlagoda-flash");
  if (flash) { sessionStorage.removeItem("zlagoda-flash"); status(flash, "ok"); }
  if ($("[data-login-form]") && navigator.serviceWorker && navigator.serviceWorker.controller) {
    navigator.serviceWorker.controller.postMessage({ forget: true });
  }
  reconcile().then(function () { return navigator.onLine && checkSession(false); }).then(openFix).then(flush);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.sw, { scope: body.dataset.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (user && navigator.onLine && registration.active) {
        registration.active.postMessage({ keep: body.dataset.keep.split(" ") });
      }
    }).catch(function () {});
  }
  /* Place: the phone's position on an incident or an event (field/_location.html), asked only
     when "use my location" is tapped; its precision is shown, and it can be removed. */
  function placeLocation() {
    $$("[data-location]").forEach(function (box) {
      var form = box.closest("form"), button = $("[data-locate]", box), shown = $("[data-location-shown]", box);
      var note = $("[data-location-note]", box), error = $("[data-location-error]", box);
      var field = function (name) { return $('input[name="' + name + '"]', box); };
      var lat = field("latitude"), lon = field("longitude"), acc = field("location_accuracy_m");
      function show() {
        var has = lat.value !== "" && lon.value !== "";
        shown.hidden = !has;
        button.hidden = has;
        $("[data-location-text]", shown).textContent = has ? fill(box.dataset.added, { metres: acc.value || "?" }) : "";
      }
      function say(text) { error.textContent = text || ""; error.hidden = !text; note.textContent = ""; }
      function set(latitude, longitude, accuracy) {
        // A hidden input's value is its attribute: form.reset() would not clear it, so this does.
        lat.value = latitude; lon.value = longitude; acc.value = accuracy; show();
      }
      button.addEventListener("click", function () {
        say("");
        if (!navigator.geolocation) return say(box.dataset.unsupported);
        button.disabled = true;
        note.textContent = box.dataset.asking;
        navigator.geolocation.getCurrentPosition(function (position) {
          var coords = position.coords;
          button.disabled = false;
          say("");
          if (!(coords.accuracy <= 100000)) return say(box.dataset.unavailable);
          set(coords.latitude.toFixed(5), coords.longitude.toFixed(5), Math.max(1, Math.ceil(coords.accuracy)));
        }, function (failure) {
          button.disabled = false;
          say(box.dataset[failure.code === 1 ? "denied" : failure.code === 3 ? "timeout" : "unavailable"]);
        }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
      });
      $("[data-unlocate]", box).addEventListener("click", function () { set("", "", ""); button.focus(); });
      if (form) form.addEventListener("reset", function () { set("", "", ""); say(""); });
      // An entry opened from the outbox to fix fills the inputs: show what it holds.
      new MutationObserver(show).observe(lat, { attributes: true });
      box.hidden = false;
      show();
    });
  }

  /* ---- correcting a record already sent: after a 409 edit_conflict (the record changed on the
     server since this phone loaded it), both versions side by side, and the choice: keep mine
     (sent again with the server's version, as a new entry with its own key) or keep the server's
     (this entry dropped, the record loaded again). The words come from the page ([data-conflict]). */
  function showConflict(form, data) {
    var box = $("[data-conflict]", form);
    if (!box) return;
    var words = box.dataset;
    box.textContent = "";
    var table = el("table");
    var head = el("tr");
    ["", words.yours, words.server].forEach(function (text) { head.appendChild(el("th", { scope: "col" }, text)); });
    table.appendChild(head);
    Object.keys(data.yours || {}).forEach(function (name) {
      var row = el("tr", { "data-conflict-field": name });
      row.appendChild(el("th", { scope: "row" }, data.yours[name].label));
      row.appendChild(el("td", {}, data.yours[name].value));
      row.appendChild(el("td", {}, (data.server[name] || {}).value || "—"));
      table.appendChild(row);
    });
    box.appendChild(table);
    var mine = el("button", { type: "button", "class": "wide", "data-keep": "mine" }, words.keepMine);
    var theirs = el("button", { type: "button", "class": "wide secondary", "data-keep": "server" }, words.keepServer);
    mine.addEventListener("click", function () {
      $("input[name=version]", form).value = data.version;
      delete form.dataset.key;
      box.hidden = true;
      form.requestSubmit();
    });
    theirs.addEventListener("click", function () {
      var fix = form.dataset.fix;
      (fix ? drop(fix) : Promise.resolve()).then(function () { location.replace(location.pathname); });
    });
    box.appendChild(mine);
    box.appendChild(theirs);
    box.hidden = false;
    box.scrollIntoView({ block: "start" });
  }

  /* ---- quick log: the place remembered on this phone (for this user), the links shown once
     saved (see the event, add the breakdown); folded sections opened where an error is ---- */
  function unfold(root) {
    $$("details", root).forEach(function (d) { if ($(".invalid,.error", d)) d.open = true; });
  }
  function rememberPlace(form) {
    var input = form.elements.place;
    if (!input || !user) return;
    input.defaultValue = input.value;  // what form.reset() brings back once an entry is queued
    try { localStorage.setItem(PLACE, JSON.stringify({ user: user, place: input.value })); } catch (e) {}
  }
  $$("form[data-quick]").forEach(function (form) {
    var kept = JSON.parse(localStorage.getItem(PLACE) || "null");
    var input = form.elements.place;
    if (input && kept && kept.user === user && !$(".error", form)) input.value = input.defaultValue = kept.place;
  });
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-remember-place")) rememberPlace(event.target);
  }, true);
  var links = JSON.parse(sessionStorage.getItem(LINKS) || "[]");
  sessionStorage.removeItem(LINKS);
  var notice = $("[data-status] p.ok");
  if (notice) links.forEach(function (link) {
    notice.appendChild(document.createTextNode(" "));
    notice.appendChild(el("a", { href: link.url }, link.text));
  });
  unfold(document);
})();
