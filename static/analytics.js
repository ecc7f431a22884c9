/* analytics.js stub: window.analytics queues calls (time, id, page), keeps them when hidden, and
 * after the load event hands boot.mjs `api`, the one link (fields: see boot.mjs). */
(function (w, d) {
  'use strict';
  // The global's name: window.analytics, or the one Segment's snippet 5.x gives its script.
  var P = '[analytics] ', el = d.currentScript, G = (el && el.getAttribute('data-global-segment-analytics-key')) || 'analytics', old = w[G];
  if (old && old.__pythonMixpanel) return console.error(P + 'the loader is included twice on this page; the second copy is ignored');
  var B = /*@BUNDLE@*/null;
  if (!B) return console.error(P + 'unbuilt');
  var src = (el && el.src) || location.href, S = B.storage;
  var queue = [], on = {}, chars = 0, dropped = 0, limit;
  var consent = null, byDefault = true, kept = [], got = {}, timings = {}, ov = {}, later = [], T = 300;
  var a = {__pythonMixpanel: 1, status: 'idle', error: null, timings: timings, VERSION: B.version};

  function safe(fn) {
    return function () {
      var r;
      try { r = fn.apply(this, arguments); } catch (e) { console.error(P + 'internal error: ' + (e && e.message)); }
      return r === undefined ? a : r;
    };
  }
  function id() {
    return crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  }
  function get(k) { try { return localStorage.getItem(k); } catch { return null; } }

  // The page as analytics.js sees it; `seen`: what snippet.js noted at call time.
  function page(seen) {
    var loc = location, link = d.querySelector('link[rel="canonical"]');
    var t = [d.title, d.referrer, link && link.getAttribute('href')];
    if (seen) try { loc = new URL(seen[0]); t = [String(seen[1] || ''), String(seen[2] || ''), seen[3]]; } catch { /* now */ }
    var c = t[2], url = loc.href.split('#')[0], path = loc.pathname;
    if (c) {
      url = c.indexOf('?') < 0 ? c + loc.search : c;
      try { path = new URL(c, loc.href).pathname; } catch { /* keep */ }
    }
    return {path: path, referrer: t[1], search: loc.search, title: t[0], url: url};
  }

  // Plain JSON for calls stored before boot.mjs (the wire codec) is here; '' if unencodable.
  function json(v) { try { return JSON.stringify(v); } catch { return ''; } }

  // Listeners get analytics.js's arguments (`args`, a list); a once entry removes only itself.
  function emit(name, args) {
    (on[name] || []).slice().forEach(function (e) {
      if (e.once) on[name] = on[name].filter(function (x) { return x !== e; });
      try { e.fn.apply(a, args || []); } catch (x) { console.error(P + name + ' listener threw: ' + x); }
    });
  }
  // What a call returns: chainable (analytics' methods) and awaitable, settled once the call was
  // handed to mixpanel.js or dropped (`e.done`).
  function result(e) {
    var r = Object.create(a), p = new Promise(function (y) { e.done = function () { y({callId: e.id, method: e.method}); }; });
    r.then = p.then.bind(p);
    return r;
  }
  function record(method, args, at, seen, text) {
    var list = text ? JSON.parse(text) : [].slice.call(args), size;
    if (method === 'consent' && list[0] === !!list[0]) consent = list[0];
    var e = {id: id(), method: method, raw: list, args: text}, r = result(e);
    list.forEach(function (f, i) { // a callback runs once: when handed over, or after T ms
      if (typeof f !== 'function' || B.methods[method] < 2) return; // middleware is no callback
      var g = list[i] = function () { var h = f; f = 0; if (h) h.apply(this, arguments); };
      setTimeout(function () { try { g(); } catch (x) { console.error(P + method + ': callback failed: ' + x); } }, T);
    });
    e.meta = JSON.stringify({timestamp: at || Date.now(), messageId: e.id, page: page(seen)});
    if (on['shim:call']) emit('shim:call', [{callId: e.id, method: method, args: list, meta: JSON.parse(e.meta)}]);
    if (api.deliver) return api.deliver(e), r;
    size = (text || json(list)).length;
    if (/failed|disabled/.test(a.status) || queue.length >= 1e4 || chars + size > 8388608) {
      if (queue.length && !dropped++) console.warn(P + method + ': the queue before ready is full (10000 calls or 8 MB); calls beyond it are dropped');
      return e.done(), r;
    }
    chars += size;
    queue.push(e);
    return r;
  }
  Object.keys(B.methods).forEach(function (m) {
    a[m] = safe(function () { return m == 'group' && !arguments.length ? ent(m) : record(m, arguments); });
  });

  // Carry-over: each tab's queue under its own key, 1 MB in all.
  var own = S.carry + '.' + id();
  function drop() { for (var i = queue.length; i--;) if (kept.indexOf(queue[i].id) >= 0) queue.splice(i, 1)[0].done(); kept = []; }
  function reclaim() { try { if (get(own) === null) drop(); else localStorage.removeItem(own); } catch { /* blocked */ } kept = []; }
  function persist() {
    var c = get(S.consent);
    if (api.deliver || !(consent !== null ? consent : c ? c !== '0' : byDefault)) return;
    if (get(own) === null) drop(); // taken by another tab: not ours to send
    try {
      var ls = localStorage, room = 1048574, out = [], ids = [], over = 0;
      for (var i = 0; i < ls.length; i++) if (ls.key(i).indexOf(S.carry) === 0 && ls.key(i) !== own) room -= ls.getItem(ls.key(i)).length;
      queue.forEach(function (e) {
        var s = e.args || (api.encode ? api.encode(e.raw) : json(e.raw));
        s = s && JSON.stringify([e.id, e.method, s, e.meta]);
        if (s && s.length < room) { out.push(s); ids.push(e.id); room -= s.length + 1; } else over++;
      });
      if (over) console.warn(P + over + ' call(s) beyond the 1 MB kept for the next page were dropped');
      if (out.length) ls.setItem(own, '[' + out + ']');
      kept = ids; // a failed setItem leaves the earlier copy as it was
    } catch { /* full or blocked */ }
  }
  // beforeunload too: WebKit drops a localStorage write made at pagehide while the page is busy booting
  w.addEventListener('pagehide', persist);
  w.addEventListener('beforeunload', persist);
  d.addEventListener('visibilitychange', function () { if (d.hidden) persist(); else if (api.visible) api.visible(); });

  function settle(status, error) {
    a.status = status;
    a.error = error || null;
    if (status === 'ready') timings.ready = performance.now();
    if (error) console.error(P + error);
    if (status !== 'ready' && queue.length) console.error(P + queue.splice(0).map(function (e) { e.done(); }).length + ' call(s) made before the failure were dropped');
    var s = [{status: status, error: a.error}];
    emit(' ready', s); // ready(cb) callbacks
    if (status === 'ready') emit('ready');
    emit('shim:status', s);
  }
  function url(key) { return B.files[key] ? new URL(B.root + B.files[key], src).href : null; }
  function grab(u) { if (!got[u]) (got[u] = fetch(u)).catch(Object); return got[u]; } // boot.mjs reads it
  var api = {
    B: B, analytics: a, queue: queue, listeners: on, got: got, own: own, url: url, later: later, ov: ov,
    settle: settle, emit: emit, page: page, id: id, reclaim: reclaim, dropped: function () { return dropped; },
    status: function () { return a.status; }, timeout: function () { return T; },
  };

  // load(settings, options), or load(writeKey, options) (Segment's form: the settings baked in
  // by a write-key build, else boot.mjs fetches them); integrations.Mixpanel false: nothing runs.
  a.load = safe(function (settings, options) {
    if (a.status !== 'idle') return console.error(P + 'load: already called; the second call is ignored');
    if (typeof settings == 'string') settings = (api.key = settings, B.settings || {});
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return console.error(P + 'load: settings must be an object');
    api.options = options = options || {};
    var i = options.integrations || {};
    if (i.Mixpanel === false || i.All === false && !i.Mixpanel) {
      queue.length = 0;
      settle('disabled');
      return console.info(P + 'load: integrations.Mixpanel is off; nothing is loaded or sent');
    }
    a.status = 'loading';
    timings.start = performance.now();
    limit = options.readyTimeoutMs || 20000;
    byDefault = settings.consent !== false;
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
      api.ps = !/^(micropython|pyodide)$/.test(runtime) && !!d.querySelector('script[type=py],script[type=mpy],py-script,mpy-script,script[src*=pyscript]');
      if (api.ps) wasmUrl = 0;
      inWorker = !api.ps && settings.thread !== 'main' && w.Worker && url('boot-worker');
      boot = import(bootUrl);
      boot.catch(Object); // reported once started
      // boot.mjs imports these again: the same modules, fetched once
      [!api.ps && !inWorker && url('boot-' + (light ? 'micropython' : 'pyodide')), !inWorker && wasmUrl].forEach(function (x) { if (x) import(x).catch(Object); });
      [url('mixpanel'), wasmUrl && url(B.files.mpy ? 'mpy' : 'package'), wasmUrl && new URL('micropython.wasm', wasmUrl).href].forEach(function (x) { if (x) grab(x); });
      if (inWorker) go();
    }
    function fail(why) { if (a.status === 'loading') settle('failed', why); }
    function go() { // boot.mjs watches readyTimeoutMs once it runs
      if (started) return;
      started = 1;
      setTimeout(function () { if (!api.started) fail('not ready after ' + limit + ' ms without progress; calls are dropped'); }, limit);
      boot.then(function (m) { m.start(api); }, function (e) { // prefetch() ran first; say why: fetch once more
        fetch(bootUrl).then(function (r) { return r.ok ? e.message : 'HTTP ' + r.status; }, function () { return 'blocked or unreachable'; }).then(function (why) {
          fail('could not start: could not load ' + bootUrl + ' (' + why + ')');
        });
      });
    }
    if (d.readyState == 'loading') d.addEventListener('DOMContentLoaded', prefetch); else prefetch();
    if (d.readyState === 'complete') setTimeout(go);
    else w.addEventListener('load', function () { setTimeout(go); });
  }
  a.__callWire = safe(function (m, text) { if (B.methods[m]) record(m, 0, 0, 0, text); }); // from PyScript
  // `import integration` in a PyScript page's interpreter hands over its bridge.start.
  a._attach = function (start) { api.py = start; if (api.attach) api.attach(start); };
  a.ready = safe(function (cb) {
    if (typeof cb !== 'function') console.error(P + 'ready: callback must be a function');
    else if (/ready|failed|disabled/.test(a.status)) setTimeout(function () { cb({status: a.status, error: a.error}); });
    else a.on(' ready', cb, 1);
  });
  a.on = safe(function (name, fn, once) {
    if (typeof fn !== 'function') return console.error(P + 'on: listener must be a function');
    (on[name] = on[name] || []).push({fn: fn, once: once});
  });
  a.once = function (name, fn) { return a.on(name, fn, 1); };
  a.off = function (name, fn) { on[name] = (on[name] || []).filter(function (e) { return fn && e.fn !== fn; }); return a; };
  a.debug = function (x) { api.debug = x !== false; return a; };
  a.timeout = safe(function (ms) { if (ms >= 0) T = ms; else console.error(P + 'timeout: takes a number of ms >= 0'); });
  // analytics.user() / group(): getters and setters. A setter is a queued call (Python applies
  // it in order); until ready its value is read here at once (`ov`), else the stored one.
  function ent(who) {
    var o = {};
    ['id', 'traits', 'anonymousId', 'logout'].forEach(function (k) {
      if (who == 'user' || k == 'id' || k == 'traits') o[k] = safe(function (v) {
        var n = who + k, m, c, live = api.entity;
        if (arguments.length || k == 'logout') {
          record('entity', [who, k, v]);
          if (!live) k == 'logout' ? (ov.userid = null, ov.usertraits = {}) : ov[n] = v;
          return null;
        }
        if (live) return live(who)[k];
        if (n in ov) return ov[n];
        c = S[k == 'anonymousId' ? 'anonymous_id' : who + '_' + (k == 'id' ? 'id' : 'traits')];
        m = d.cookie.match('(?:^|; )' + c + '=([^;]*)');
        try { m = JSON.parse(m ? decodeURIComponent(m[1]) : get(c)); } catch { m = null; }
        return k == 'traits' ? m || {} : m;
      });
    });
    return o;
  }
  a.user = function () { return ent('user'); };
  // trackLink & co.: bound by boot.mjs (api.dom); until it is here, kept in `later`.
  B.stubMethods.forEach(function (m) {
    if (!a[m]) a[m] = safe(function () { api.dom ? api.dom(m, arguments) : later.push([m, arguments]); });
  });

  // Calls made on a snippet array, in order: ours (snippet.js notes time `t` and page `p`) or
  // Segment's (4.x/5.x: 5.x appends its buffered page context {__t: 'bpc', c, p, u, s, t, r};
  // its methods we lack log a line; _writeKey and _loadOptions mean load(key, options)).
  w[G] = a;
  old = Array.isArray(old) ? old : [];
  (old.methods || []).forEach(function (m) {
    if (!a[m]) a[m] = function () { console.warn(P + m + ': not supported yet; the call is ignored'); return a; };
  });
  old.slice().forEach(function (c) {
    if (!Array.isArray(c) || typeof a[c[0]] !== 'function') return;
    var b = c[c.length - 1], seen = Array.isArray(c.p) && c.p;
    if (b && b.__t === 'bpc') seen = (c = c.slice(0, -1), [b.u, b.t, b.r, b.c]);
    if (B.methods[c[0]]) safe(record)(c[0], c.slice(1), +c.t === c.t && isFinite(c.t) && c.t, seen);
    else a[c[0]].apply(a, c.slice(1));
  });
  if (old._writeKey) a.load(old._writeKey, old._loadOptions);
})(window, document);
