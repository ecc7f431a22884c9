/* analytics.js: the classic-script stub of the Python Mixpanel integration (the build puts the
 * bundle object in for the marker below). It defines window.analytics at once: every call is
 * wire-encoded with its time, message id and page into ONE queue; queued calls are kept in
 * localStorage when the page is hidden, for whichever tab takes them first. load() fetches the
 * runtime files and, after the page's load event, imports boot.mjs and calls its start(api).
 * Never throws into the page; talks to nothing but the bundle's origin.
 *
 * api, the ONE interface boot.mjs gets (no other shared state):
 *   B, settings (wire JSON text), options, analytics, queue, callbacks, pending (url -> 1)
 *   url(key) -> absolute URL of B.files[key] | null;  grab(url) -> Promise<Blob>, fetched once;
 *   grabbed(url) -> whether grab(url) was called
 *   touch() progress;  last: time of the last progress;  status() -> analytics.status
 *   settle(status, error);  live(dispatch) delivers the queue;  emit(name, detail)
 *   page() -> page context;  id() -> new id;  own: this tab's carry key;  reclaim()
 *   current: the call being delivered;  visible: set by boot (called when shown again)
 */
(function (w, d) {
  'use strict';
  var P = '[analytics] ', M = '\u0000', old = w.analytics;
  if (old && old.__pythonMixpanel) {
    return console.error(P + 'the loader is included twice on this page; the second copy is ignored');
  }
  var B = /*@BUNDLE@*/null;
  if (!B) return console.error(P + 'analytics.js is served unbuilt (no bundle object)');
  var el = d.currentScript, src = (el && el.src) || location.href, S = B.storage;
  var queue = [], cbs = {}, nextCb = 1, listeners = {}, readyCbs = [], dispatch = null;
  var chars = 0, dropped = 0, timer = 0, armed = 0, limit = 20000, debugOn = false;
  var consent = null, settingsConsent = true, kept = [];
  var timings = {start: null, ready: null};
  var a = {__pythonMixpanel: true, status: 'idle', error: null, timings: timings, VERSION: B.version};
  var CB_TAG = /\{"\\u0000":"fn","v":(\d+)\}/g;

  function safe(fn) {
    return function () {
      var r;
      try { r = fn.apply(this, arguments); } catch (e) { console.error(P + 'internal error: ' + (e && e.message)); }
      return r === undefined ? a : r;
    };
  }
  function id() {
    return crypto.randomUUID ? crypto.randomUUID() : 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {
      var r = (Math.random() * 16) | 0;
      return (c === 'x' ? r : (r & 3) | 8).toString(16);
    });
  }
  function ls(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }

  // Page context as analytics.js computes it; `seen` is what snippet.js noted at call time.
  function page(seen) {
    var loc = location, canon, title, ref;
    if (seen) try { loc = new URL(String(seen[0])); } catch (e) { seen = null; }
    if (seen) { title = String(seen[1] || ''); ref = String(seen[2] || ''); canon = seen[3] || null; } else {
      var link = d.querySelector('link[rel="canonical"]');
      title = d.title; ref = d.referrer; canon = link && link.getAttribute('href');
    }
    var url = loc.href.split('#')[0], path = loc.pathname;
    if (canon) {
      url = canon.indexOf('?') >= 0 ? canon : canon + loc.search;
      try { path = new URL(canon, loc.href).pathname; } catch (e) { /* keep pathname */ }
    }
    return {path: path, referrer: ref, search: loc.search, title: title, url: url};
  }

  // JS value -> wire JSON (integration/wire.py decodes): tagged objects keyed by "\u0000".
  function tag(kind, v) { var o = {}; o[M] = kind; if (v !== undefined) o.v = v; return o; }
  function wire(v, depth, stack, top) {
    switch (typeof v) {
      case 'string': case 'boolean': return v;
      case 'number': return isFinite(v) ? v : tag('num', String(v));
      case 'undefined': return undefined;
      case 'bigint': return tag('bigint', v.toString());
      case 'symbol': return tag('other', 'Symbol');
      case 'function':
        if (!top) return tag('fn');
        cbs[nextCb] = v;
        return tag('fn', nextCb++);
    }
    if (v === null) return null;
    try {
      if (v instanceof Date) return tag('date', isNaN(v.getTime()) ? null : v.getTime());
      if (depth > 64) return tag('deep');
      if (stack.indexOf(v) >= 0) return tag('cycle');
      if (w.Node && v instanceof Node) return tag('other', 'DOM node');
      if (v instanceof Map) v = Object.fromEntries(v);
      else if (v instanceof Set || ArrayBuffer.isView(v)) v = Array.from(v);
      stack.push(v);
      try {
        if (Array.isArray(v)) return v.map(function (x) { x = wire(x, depth + 1, stack); return x === undefined ? null : x; });
        var out = Object.create(null); // so a "__proto__" key stays an own key
        Object.keys(v).forEach(function (k) {
          var x = wire(v[k], depth + 1, stack);
          if (x !== undefined) out[k.charAt(0) === M ? M + k : k] = x;
        });
        return out;
      } finally { stack.pop(); }
    } catch (e) { return tag('unreadable'); } // a throwing getter costs that object, not the call
  }
  function encode(args) {
    return JSON.stringify([].map.call(args, function (x) { var v = wire(x, 0, [], true); return v === undefined ? null : v; }));
  }

  // -- listeners, the queue, delivery --------------------------------------------------------
  function emit(name, detail) {
    (listeners[name] || []).slice().forEach(function (e) {
      if (e.once) a.off(name, e.fn);
      try { e.fn(detail); } catch (x) { console.error(P + name + ' listener threw: ' + x); }
    });
  }
  function detail(e) { return {callId: e.id, method: e.method, args: JSON.parse(e.args), meta: JSON.parse(e.meta)}; }
  function deliver(e) {
    api.current = e.id;
    try { dispatch(e.method, e.args, e.meta); } catch (x) { console.error(P + e.method + ': ' + (x && x.message)); }
    api.current = null;
    e.args.replace(CB_TAG, function (m, n) { delete cbs[n]; });
    if (debugOn) console.log(P + e.method, e.args);
    if (listeners[e.method]) emit(e.method, detail(e));
  }
  function record(method, args, at, seen, wired) {
    var text = wired || encode(args);
    if (method === 'consent') { var g = JSON.parse(text)[0]; if (typeof g === 'boolean') consent = g; }
    var e = {id: id(), method: method, args: text};
    e.meta = JSON.stringify({timestamp: at || Date.now(), messageId: e.id, page: page(seen)});
    if (listeners.call) emit('call', detail(e));
    if (dispatch) return deliver(e);
    if (a.status === 'failed' || a.status === 'disabled') return;
    if (queue.length >= 10000 || chars + text.length > 8388608) {
      if (!dropped++) console.warn(P + method + ': the queue before ready is full (10000 calls or 8388608 characters); calls beyond it are dropped');
      return;
    }
    chars += text.length;
    queue.push(e);
  }
  Object.keys(B.methods).forEach(function (m) {
    a[m] = safe(function () { record(m, arguments); return a; });
  });

  // -- carry-over: this tab's queue under its own key, so no write can clobber another's -----
  var own = S.carry + '.' + id(), LIMIT = 1048576;
  function drop(ids) { for (var i = queue.length; i--;) if (ids.indexOf(queue[i].id) >= 0) queue.splice(i, 1); }
  function reclaim() { // (under boot's lock) ours again if still stored; else another tab took them
    if (ls(own) === null) drop(kept); else try { localStorage.removeItem(own); } catch (e) { /* blocked */ }
    kept = [];
  }
  function persist() {
    var stored = ls(S.consent);
    var ok = consent !== null ? consent : stored ? stored !== '0' : settingsConsent;
    if (dispatch || !ok) return;
    if (kept.length && ls(own) === null) { drop(kept); kept = []; }
    try {
      var room = LIMIT - 2, out = [], ids = [], over = 0;
      for (var i = 0; i < localStorage.length; i++) {
        var k = localStorage.key(i);
        if (k.indexOf(S.carry) === 0 && k !== own) room -= localStorage.getItem(k).length;
      }
      queue.forEach(function (e) {
        var s = JSON.stringify([e.id, e.method, e.args.replace(CB_TAG, '{"\\u0000":"fn"}'), e.meta]);
        if (s.length < room) { out.push(s); ids.push(e.id); room -= s.length + 1; } else over++;
      });
      if (over) console.warn(P + over + ' queued call(s) beyond the 1 MB kept for the next page were dropped');
      if (out.length) localStorage.setItem(own, '[' + out.join(',') + ']');
      kept = ids; // only once stored: a failed setItem leaves the earlier copy in place
    } catch (e) { /* full or blocked: what was stored stays */ }
  }
  w.addEventListener('pagehide', persist);
  d.addEventListener('visibilitychange', function () {
    if (d.visibilityState === 'hidden') persist(); else if (api.visible) api.visible();
  });
  w.addEventListener('pageshow', function (e) { if (e.persisted && api.visible) api.visible(); });

  // -- status ----------------------------------------------------------------------------------
  function settle(status, error) {
    clearTimeout(timer);
    a.status = status;
    a.error = error || null;
    if (status === 'ready') timings.ready = performance.now();
    if (error) console.error(P + error);
    if (status !== 'ready' && queue.length) {
      console.error(P + queue.length + ' call(s) made before the failure were dropped');
      queue.length = 0;
    }
    var pending = readyCbs;
    readyCbs = [];
    pending.forEach(function (cb) {
      try { cb({status: status, error: a.error}); } catch (e) { console.error(P + 'ready callback threw: ' + e); }
    });
    emit('status', {status: status, error: a.error});
  }
  function touch() { // progress: a byte read or a boot phase done; readyTimeoutMs counts from here
    api.last = performance.now();
    clearTimeout(timer);
    if (armed && a.status === 'loading') {
      timer = setTimeout(function () {
        var names = Object.keys(api.pending).join(', ');
        settle('failed', 'not ready after ' + limit + ' ms without progress' + (names ? ' (waiting for ' + names + ')' : '') + '; calls are dropped');
      }, limit);
    }
  }
  function url(key) { return B.files[key] ? new URL(B.root + B.files[key], src).href : null; }
  var got = {};
  function grab(u) { // the whole body as a Blob (keeping its type), counted as it arrives
    if (!got[u]) {
      api.pending[u] = 1;
      got[u] = fetch(u).then(function (r) {
        if (!r.ok) throw r.status;
        var rd = r.body.getReader(), parts = [];
        return (function next() {
          return rd.read().then(function (c) {
            if (c.done) return new Blob(parts, {type: r.headers.get('Content-Type') || ''});
            parts.push(c.value);
            touch();
            return next();
          });
        })();
      }).then(null, function (e) {
        throw new Error('could not load ' + u + (typeof e === 'number' ? ' (HTTP ' + e + ')' : ' (blocked or unreachable)'));
      }).finally(function () { delete api.pending[u]; touch(); });
      got[u].catch(function () { /* reported by whoever needs the file */ });
    }
    return got[u];
  }
  var api = {
    B: B, analytics: a, queue: queue, callbacks: cbs, pending: {}, last: 0, current: null, own: own,
    url: url, grab: grab, grabbed: function (u) { return !!got[u]; }, touch: touch, settle: settle, emit: emit, page: page, id: id, reclaim: reclaim,
    status: function () { return a.status; },
    live: function (entry) {
      if (a.status !== 'loading') return;
      dispatch = entry;
      queue.splice(0).forEach(deliver);
      if (dropped) console.warn(P + dropped + ' call(s) beyond the queue bound were dropped');
      settle('ready');
    },
  };

  // -- calls the stub answers ----------------------------------------------------------------
  a.load = safe(function (settings, options) {
    if (a.status !== 'idle') return console.error(P + 'load: already called; the second call is ignored');
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) return console.error(P + 'load: settings must be an object');
    a.status = 'loading';
    timings.start = performance.now();
    options = options || {};
    settingsConsent = settings.consent !== false;
    limit = options.readyTimeoutMs || 20000;
    api.settings = JSON.parse(encode([settings]))[0];
    api.options = options;
    // Fetched now (fetch() does not hold the load event), used from memory or the HTTP cache.
    // boot.mjs chooses the runtime; unless Pyodide is forced, MicroPython's files are likely.
    var files = ['boot', 'mixpanel', settings.runtime === 'pyodide' ? 'package' : B.files.mpy ? 'mpy' : 'package'];
    if (settings.runtime !== 'pyodide') files.push('micropython');
    files.forEach(function (k) { if (url(k)) grab(url(k)); });
    if (url('micropython') && settings.runtime !== 'pyodide') grab(new URL('micropython.wasm', url('micropython')).href);
    function go() {
      armed = 1;
      touch();
      var u = url('boot');
      grab(u).then(function () { return import(u); }).then(function (m) { m.start(api); }).catch(function (e) {
        if (a.status === 'loading') settle('failed', 'could not start: ' + (e && e.message));
      });
    }
    if (d.readyState === 'complete') setTimeout(go, 0);
    else w.addEventListener('load', function () { setTimeout(go, 0); }, {once: true});
  });
  a.__callWire = safe(function (method, argsJson) { // forwarded from Python on a PyScript page
    if (!B.methods[method]) throw new Error('unknown method ' + method);
    record(method, null, 0, null, argsJson);
  });
  a.ready = safe(function (cb) {
    if (typeof cb !== 'function') console.error(P + 'ready: callback must be a function');
    else if (/ready|failed|disabled/.test(a.status)) setTimeout(function () { cb({status: a.status, error: a.error}); }, 0);
    else readyCbs.push(cb);
  });
  a.on = safe(function (name, fn) { (listeners[name] = listeners[name] || []).push({fn: fn}); });
  a.once = safe(function (name, fn) { (listeners[name] = listeners[name] || []).push({fn: fn, once: 1}); });
  a.off = safe(function (name, fn) {
    listeners[name] = (listeners[name] || []).filter(function (e) { return e.fn !== fn; });
  });
  a.debug = safe(function (on) { debugOn = on !== false; });
  a.user = function () { // Python answers once live; before that the stored values do
    function read(key, name) {
      try {
        if (dispatch) return JSON.parse(dispatch('user', '[]', '{}'))[name];
        var k = S[key], m = new RegExp('(?:^|; )' + k + '=([^;]*)').exec(d.cookie);
        return JSON.parse(B.cookieKeys.indexOf(k) < 0 ? ls(k) : m && decodeURIComponent(m[1]));
      } catch (e) { return null; }
    }
    return {
      id: function () { return read('user_id', 'id'); },
      anonymousId: function () { return read('anonymous_id', 'anonymousId'); },
      traits: function () { return read('user_traits', 'traits') || {}; },
    };
  };

  // Calls made on a snippet array before this ran (snippet.js notes time `t` and page `p`).
  var early = Array.isArray(old) ? old.slice() : [];
  w.analytics = a;
  early.forEach(function (c) {
    if (!Array.isArray(c) || typeof a[c[0]] !== 'function') return;
    if (B.methods[c[0]]) safe(record)(c[0], c.slice(1), typeof c.t === 'number' && isFinite(c.t) ? c.t : 0, Array.isArray(c.p) ? c.p : null);
    else a[c[0]].apply(a, c.slice(1));
  });
})(window, document);
