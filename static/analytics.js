/* analytics.js stub: window.analytics queues calls (time, id, page), keeps them when hidden, and
 * after the load event hands boot.mjs `api`, the one link (fields: see boot.mjs). */
(function (win, doc) {
  'use strict';
  // The global's name: window.analytics, or the one Segment's snippet 5.x gives its script.
  var PREFIX = '[analytics] ', script = doc.currentScript, globalName = (script && script.getAttribute('data-global-segment-analytics-key')) || 'analytics', snippet = win[globalName];
  if (snippet && snippet.__pythonMixpanel) return console.error(PREFIX + 'the loader is included twice on this page; the second copy is ignored');
  var bundle = /*@BUNDLE@*/null;
  if (!bundle) return console.error(PREFIX + 'unbuilt');
  var loaderSrc = (script && script.src) || location.href, keys = bundle.storage;
  var queue = [], listeners = {}, queuedChars = 0, dropped = 0, readyLimit;
  var consent = null, consentDefault = true, keptIds = [], fetched = {}, timings = {}, setEarly = {}, later = [], callbackMs = 300;
  var analytics = {__pythonMixpanel: 1, status: 'idle', error: null, timings: timings, VERSION: bundle.version};

  function safe(fn) {
    return function () {
      var out;
      try { out = fn.apply(this, arguments); } catch (err) { console.error(PREFIX + 'internal error: ' + (err && err.message)); }
      return out === undefined ? analytics : out;
    };
  }
  function id() {
    return crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }
  function stored(key) { try { return localStorage.getItem(key); } catch { return null; } }

  // The page as analytics.js sees it; `seen`: what snippet.js noted at call time.
  function page(seen) {
    var loc = location, link = doc.querySelector('link[rel="canonical"]');
    var titleReferrerCanonical = [doc.title, doc.referrer, link && link.getAttribute('href')];
    if (seen) try { loc = new URL(seen[0]); titleReferrerCanonical = [String(seen[1] || ''), String(seen[2] || ''), seen[3]]; } catch { /* now */ }
    var canonical = titleReferrerCanonical[2], url = loc.href.split('#')[0], path = loc.pathname;
    if (canonical) {
      url = canonical.indexOf('?') < 0 ? canonical + loc.search : canonical;
      try { path = new URL(canonical, loc.href).pathname; } catch { /* keep */ }
    }
    return {path: path, referrer: titleReferrerCanonical[1], search: loc.search, title: titleReferrerCanonical[0], url: url};
  }

  // Plain JSON for calls stored before boot.mjs (the wire codec) is here; '' if unencodable.
  function json(v) { try { return JSON.stringify(v); } catch { return ''; } }

  // Listeners get analytics.js's arguments (`args`, a list); a once entry removes only itself.
  function emit(name, args) {
    (listeners[name] || []).slice().forEach(function (listener) {
      if (listener.once) listeners[name] = listeners[name].filter(function (other) { return other !== listener; });
      try { listener.fn.apply(analytics, args || []); } catch (err) { console.error(PREFIX + name + ' listener threw: ' + err); }
    });
  }
  // What a call returns: chainable (analytics' methods) and awaitable, settled once the call was
  // handed to mixpanel.js or dropped (`e.done`).
  function result(entry) {
    var chained = Object.create(analytics), settled = new Promise(function (resolve) {
      entry.done = function () { resolve({callId: entry.id, method: entry.method}); };
    });
    chained.then = settled.then.bind(settled);
    return chained;
  }
  function record(method, args, at, seen, text) {
    var list = text ? JSON.parse(text) : [].slice.call(args), size;
    if (method === 'consent' && list[0] === !!list[0]) consent = list[0];
    var entry = {id: api.id(), method: method, raw: list, args: text}, chained = result(entry);
    list.forEach(function (callback, index) { // a callback runs once: when handed over, or after callbackMs
      if (typeof callback !== 'function' || bundle.methods[method] < 2) return; // middleware is no callback
      var once = list[index] = function () { var fn = callback; callback = 0; if (fn) fn.apply(this, arguments); };
      setTimeout(function () { try { once(); } catch (err) { console.error(PREFIX + method + ': callback failed: ' + err); } }, callbackMs);
    });
    entry.meta = JSON.stringify({timestamp: at || Date.now(), messageId: entry.id, page: page(seen)});
    if (listeners['shim:call']) emit('shim:call', [{callId: entry.id, method: method, args: list, meta: JSON.parse(entry.meta)}]);
    if (api.deliver) return api.deliver(entry), chained;
    size = (text || json(list)).length;
    if (/failed|disabled/.test(analytics.status) || queue.length >= 1e4 || queuedChars + size > 8388608) {
      if (queue.length && !dropped++) console.warn(PREFIX + method + ': the queue before ready is full (10000 calls or 8 MB); calls beyond it are dropped');
      return entry.done(), chained;
    }
    queuedChars += size;
    queue.push(entry);
    return chained;
  }
  Object.keys(bundle.methods).forEach(function (method) {
    analytics[method] = safe(function () { return method == 'group' && !arguments.length ? entity(method) : record(method, arguments); });
  });

  // Carry-over: each tab's queue under its own key, 1 MB in all.
  var own = keys.carry + '.' + id();
  function drop() { for (var i = queue.length; i--;) if (keptIds.indexOf(queue[i].id) >= 0) queue.splice(i, 1)[0].done(); keptIds = []; }
  function reclaim() { try { if (stored(own) === null) drop(); else localStorage.removeItem(own); } catch { /* blocked */ } keptIds = []; }
  function persist() {
    var c = stored(keys.consent);
    if (api.deliver || !(consent !== null ? consent : c ? c !== '0' : consentDefault)) return;
    if (stored(own) === null) drop(); // taken by another tab: not ours to send
    try {
      var ls = localStorage, room = 1048574, out = [], ids = [], over = 0;
      for (var i = 0; i < ls.length; i++) if (ls.key(i).indexOf(keys.carry) === 0 && ls.key(i) !== own) room -= ls.getItem(ls.key(i)).length;
      queue.forEach(function (e) {
        var s = e.args || (api.encode ? api.encode(e.raw) : json(e.raw));
        s = s && JSON.stringify([e.id, e.method, s, e.meta]);
        if (s && s.length < room) { out.push(s); ids.push(e.id); room -= s.length + 1; } else over++;
      });
      if (over) console.warn(PREFIX + over + ' call(s) beyond the 1 MB kept for the next page were dropped');
      if (out.length) ls.setItem(own, '[' + out + ']');
      keptIds = ids; // a failed setItem leaves the earlier copy as it was
    } catch { /* full or blocked */ }
  }
  // beforeunload too: WebKit drops a localStorage write made at pagehide while the page is busy booting
  win.addEventListener('pagehide', persist);
  win.addEventListener('beforeunload', persist);
  doc.addEventListener('visibilitychange', function () { if (doc.hidden) persist(); else if (api.visible) api.visible(); });

  function settle(status, error) {
    analytics.status = status;
    analytics.error = error || null;
    if (status === 'ready') timings.ready = performance.now();
    if (error) console.error(PREFIX + error);
    if (status !== 'ready' && queue.length) console.error(PREFIX + queue.splice(0).map(function (e) { e.done(); }).length + ' call(s) made before the failure were dropped');
    var s = [{status: status, error: analytics.error}];
    emit(' ready', s); // ready(cb) callbacks
    if (status === 'ready') emit('ready');
    emit('shim:status', s);
  }
  function url(key) { return bundle.files[key] ? new URL(bundle.root + bundle.files[key], loaderSrc).href : null; }
  function fetchEarly(u) { if (!fetched[u]) (fetched[u] = fetch(u)).catch(Object); return fetched[u]; } // boot.mjs reads it
  var api = {
    B: bundle, analytics: analytics, queue: queue, listeners: listeners, got: fetched, own: own, url: url, later: later, ov: setEarly,
    settle: settle, emit: emit, page: page, id: id, reclaim: reclaim, dropped: function () { return dropped; },
    status: function () { return analytics.status; }, timeout: function () { return callbackMs; },
  };

  // load(settings, options), or load(writeKey, options) (Segment's form: the settings baked in
  // by a write-key build, else boot.mjs fetches them); integrations.Mixpanel false: nothing runs.
  analytics.load = safe(function (settings, options) {
    if (analytics.status !== 'idle') return console.error(PREFIX + 'load: already called; the second call is ignored');
    if (typeof settings == 'string') settings = (api.key = settings, bundle.settings || {});
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return console.error(PREFIX + 'load: settings must be an object');
    api.options = options = options || {};
    var i = options.integrations || {};
    if (i.Mixpanel === false || i.All === false && !i.Mixpanel) {
      queue.length = 0;
      settle('disabled');
      return console.info(PREFIX + 'load: integrations.Mixpanel is off; nothing is loaded or sent');
    }
    analytics.status = 'loading';
    timings.start = performance.now();
    readyLimit = options.readyTimeoutMs || 20000;
    consentDefault = settings.consent !== false;
    api.settings = settings;
    startBoot(settings);
  });
  // At DOMContentLoaded: the boot modules are imported and the runtime files fetched (neither
  // holds the load event). MicroPython unless Pyodide is forced; no runtime of ours on a
  // PyScript page under 'auto' (its own interpreter runs us). In a Worker (the default) the boot
  // starts then too, and the runtime's modules are the worker's; in the page (settings.thread
  // 'main') it waits for the load event.
  function startBoot(settings) {
    var bootUrl = url('boot'), boot, inWorker, started;
    function prefetch() {
      var runtime = settings.runtime, light = runtime !== 'pyodide', wasmUrl = light && url('micropython');
      api.ps = !/^(micropython|pyodide)$/.test(runtime) && !!doc.querySelector('script[type=py],script[type=mpy],py-script,mpy-script,script[src*=pyscript]');
      if (api.ps) wasmUrl = 0;
      inWorker = !api.ps && settings.thread !== 'main' && win.Worker && url('boot-worker');
      boot = import(bootUrl);
      boot.catch(Object); // reported once started
      // boot.mjs imports these again: the same modules, fetched once
      [!api.ps && !inWorker && url('boot-' + (light ? 'micropython' : 'pyodide')), !inWorker && wasmUrl].forEach(function (x) { if (x) import(x).catch(Object); });
      if (wasmUrl) fetchEarly(new URL('micropython.wasm', wasmUrl).href);
      // the other requests in a task of their own: starting a request costs the main thread
      setTimeout(function () {
        [url('mixpanel'), wasmUrl && url(bundle.files.mpy ? 'mpy' : 'package')].forEach(function (x) { if (x) fetchEarly(x); });
        if (inWorker) go();
      });
    }
    function fail(why) { if (analytics.status === 'loading') settle('failed', why); }
    function go() { // boot.mjs watches readyTimeoutMs once it runs
      if (started) return;
      started = 1;
      setTimeout(function () { if (!api.started) fail('not ready after ' + readyLimit + ' ms without progress; calls are dropped'); }, readyLimit);
      boot.then(function (m) { m.start(api); }, function (e) { // prefetch() ran first; say why: fetch once more
        fetch(bootUrl).then(function (r) { return r.ok ? e.message : 'HTTP ' + r.status; }, function () { return 'blocked or unreachable'; }).then(function (why) {
          fail('could not start: could not load ' + bootUrl + ' (' + why + ')');
        });
      });
    }
    if (doc.readyState == 'loading') doc.addEventListener('DOMContentLoaded', prefetch); else prefetch();
    if (doc.readyState === 'complete') setTimeout(go);
    else win.addEventListener('load', function () { setTimeout(go); });
  }
  analytics.__callWire = safe(function (m, text) { if (bundle.methods[m]) record(m, 0, 0, 0, text); }); // from PyScript
  // `import integration` in a PyScript page's interpreter hands over its bridge.start.
  analytics._attach = function (start) { api.py = start; if (api.attach) api.attach(start); };
  analytics.ready = safe(function (cb) {
    if (typeof cb !== 'function') console.error(PREFIX + 'ready: callback must be a function');
    else if (/ready|failed|disabled/.test(analytics.status)) setTimeout(function () { cb({status: analytics.status, error: analytics.error}); });
    else analytics.on(' ready', cb, 1);
  });
  analytics.on = safe(function (name, fn, once) {
    if (typeof fn !== 'function') return console.error(PREFIX + 'on: listener must be a function');
    (listeners[name] = listeners[name] || []).push({fn: fn, once: once});
  });
  analytics.once = function (name, fn) { return analytics.on(name, fn, 1); };
  analytics.off = function (name, fn) { listeners[name] = (listeners[name] || []).filter(function (e) { return fn && e.fn !== fn; }); return analytics; };
  analytics.debug = function (x) { api.debug = x !== false; return analytics; };
  analytics.timeout = safe(function (ms) { if (ms >= 0) callbackMs = ms; else console.error(PREFIX + 'timeout: takes a number of ms >= 0'); });
  // analytics.user() / group(): getters and setters. A setter is a queued call (Python applies
  // it in order); until ready its value is read here at once (`setEarly`, api.ov), else the stored one.
  function entity(who) {
    var accessors = {};
    ['id', 'traits', 'anonymousId', 'logout'].forEach(function (field) {
      if (who == 'user' || field == 'id' || field == 'traits') accessors[field] = safe(function (value) {
        var slot = who + field, found, key, live = api.entity;
        if (arguments.length || field == 'logout') {
          record('entity', [who, field, value]);
          if (!live) field == 'logout' ? (setEarly.userid = null, setEarly.usertraits = {}) : setEarly[slot] = value;
          return null;
        }
        if (live) return live(who)[field];
        if (slot in setEarly) return setEarly[slot];
        key = keys[field == 'anonymousId' ? 'anonymous_id' : who + '_' + (field == 'id' ? 'id' : 'traits')];
        found = doc.cookie.match('(?:^|; )' + key + '=([^;]*)');
        try { found = JSON.parse(found ? decodeURIComponent(found[1]) : stored(key)); } catch { found = null; }
        return field == 'traits' ? found || {} : found;
      });
    });
    return accessors;
  }
  analytics.user = function () { return entity('user'); };
  // trackLink & co.: bound by boot.mjs (api.dom); until it is here, kept in `later`.
  bundle.stubMethods.forEach(function (method) {
    if (!analytics[method]) analytics[method] = safe(function () { api.dom ? api.dom(method, arguments) : later.push([method, arguments]); });
  });

  // Calls made on a snippet array, in order: ours (snippet.js notes time `t` and page `p`) or
  // Segment's (4.x/5.x: 5.x appends its buffered page context {__t: 'bpc', c, p, u, s, t, r};
  // its methods we lack log a line; _writeKey and _loadOptions mean load(key, options)).
  win[globalName] = analytics;
  snippet = Array.isArray(snippet) ? snippet : [];
  (snippet.methods || []).forEach(function (method) {
    if (!analytics[method]) analytics[method] = function () { console.warn(PREFIX + method + ': not supported yet; the call is ignored'); return analytics; };
  });
  snippet.slice().forEach(function (call) {
    if (!Array.isArray(call) || typeof analytics[call[0]] !== 'function') return;
    var last = call[call.length - 1], seen = Array.isArray(call.p) && call.p;
    if (last && last.__t === 'bpc') seen = (call = call.slice(0, -1), [last.u, last.t, last.r, last.c]);
    if (bundle.methods[call[0]]) safe(record)(call[0], call.slice(1), +call.t === call.t && isFinite(call.t) && call.t, seen);
    else analytics[call[0]].apply(analytics, call.slice(1));
  });
  if (snippet._writeKey) analytics.load(snippet._writeKey, snippet._loadOptions);
})(window, document);
