/*
 * analytics.js loader for the Python Mixpanel integration.
 *
 * Defines window.analytics synchronously: a stub that records every call, with the time it was
 * made, a message id and the page context at that moment, in ONE ordered queue. analytics.load()
 * starts the background boot (mixpanel.js, Pyodide and our Python package, fetched in parallel
 * from this script's own origin); Python initialises mixpanel.js, replays the queue in order and
 * then receives later calls directly.
 *
 * Must never throw into the page, never block it, and never contact any host but its own origin.
 * Values cross to Python as JSON ("wire" format, decoded by integration/wire.py): Dates,
 * functions, cycles and non-finite numbers travel as small tagged objects keyed by "\u0000".
 */
(function () {
  'use strict';
  var PREFIX = '[analytics] ';
  var existing = window.analytics;
  if (existing && existing.__pythonMixpanel) {
    console.error(PREFIX + 'the loader is included twice on this page; the second copy is ignored');
    return;
  }

  var METHODS = ['identify', 'track', 'page', 'alias', 'group', 'reset', 'consent'];
  var MARK = '\u0000';
  var MAX_DEPTH = 64;
  var MAX_QUEUE = 10000; // calls held before ready, and their wire size in characters:
  var MAX_QUEUE_CHARS = 8 * 1024 * 1024;
  var script = document.currentScript;
  // The build (devtools/build.py) writes the bundle contract here: `files` are paths relative
  // to this script's own directory plus `root`.
  var BUNDLE = /*@BUNDLE@*/null || {root: '', files: {}};
  var RUNTIME = BUNDLE.files;
  var loaderSrc = (script && script.src) || location.href;
  function runtimeUrl(name, file) {
    var path = RUNTIME[name] || '';
    if (file) path = path.slice(0, path.lastIndexOf('/') + 1) + file;
    return new URL(BUNDLE.root + path, loaderSrc).href;
  }
  function stdlibOptions() { return RUNTIME.stdlib ? {stdLibURL: runtimeUrl('stdlib')} : {}; }

  var queue = [];
  var dropped = 0;
  var queuedChars = 0;
  var dispatch = null; // the Python entry point once live
  var readyCallbacks = [];
  var listeners = {};
  var callbacks = {};
  var nextCallbackId = 1;
  var current = null; // the id of the call being delivered, so mixpanel.js calls can name it
  var debugOn = false;
  var timings = {start: null, ready: null};

  var analytics = {
    __pythonMixpanel: true,
    status: 'idle',
    error: null,
    timings: timings,
    VERSION: '0.1.0',
  };

  function safe(fn) {
    return function () {
      try {
        return fn.apply(this, arguments);
      } catch (err) {
        console.error(PREFIX + 'internal error: ' + (err && err.message ? err.message : err));
      }
      return analytics;
    };
  }

  // -- page context, as analytics.js computes it --------------------------------------------
  function canonical() {
    var link = document.querySelector('link[rel="canonical"]');
    return link ? link.getAttribute('href') : null;
  }

  // `seen` is what the inline snippet noted at call time: [href, title, referrer, canonical].
  function pageContext(seen) {
    var loc = location;
    var canon, title, referrer;
    if (seen) {
      try { loc = new URL(String(seen[0])); } catch (e) { seen = null; }
    }
    if (seen) {
      title = String(seen[1] || ''); referrer = String(seen[2] || ''); canon = seen[3] || null;
    } else {
      title = document.title; referrer = document.referrer; canon = canonical();
    }
    var url;
    var path = loc.pathname;
    if (canon) {
      url = canon.indexOf('?') >= 0 ? canon : canon + loc.search;
      try { path = new URL(canon, loc.href).pathname; } catch (e) { /* keep pathname */ }
    } else {
      url = loc.href.split('#')[0];
    }
    return {path: path, referrer: referrer, search: loc.search, title: title, url: url};
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, function (c) {
      var r = (Math.random() * 16) | 0;
      return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);
    });
  }

  // -- JS value -> wire JSON ------------------------------------------------------------------
  function mark(kind, value) {
    var out = {};
    out[MARK] = kind;
    if (value !== undefined) out.v = value;
    return out;
  }

  function wireObject(value, depth, stack) {
    if (value instanceof Date) return mark('date', isNaN(value.getTime()) ? null : value.getTime());
    if (depth > MAX_DEPTH) return mark('deep');
    if (stack.indexOf(value) !== -1) return mark('cycle');
    if (typeof Node !== 'undefined' && value instanceof Node) return mark('other', 'DOM node');
    if (value instanceof Map) value = Object.fromEntries(value);
    else if (value instanceof Set || ArrayBuffer.isView(value)) value = Array.from(value);
    stack.push(value);
    try {
      if (Array.isArray(value)) {
        return value.map(function (item) {
          var w = toWire(item, depth + 1, stack, false);
          return w === undefined ? null : w;
        });
      }
      var out = Object.create(null); // so a "__proto__" key stays an own key
      Object.keys(value).forEach(function (key) {
        var w = toWire(value[key], depth + 1, stack, false);
        if (w !== undefined) out[key.charAt(0) === MARK ? MARK + key : key] = w;
      });
      return out;
    } finally {
      stack.pop();
    }
  }

  function toWire(value, depth, stack, top) {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return isFinite(value) ? value : mark('num', String(value));
      case 'undefined':
        return undefined;
      case 'bigint':
        return mark('bigint', value.toString());
      case 'symbol':
        return mark('other', 'Symbol');
      case 'function':
        if (!top) return mark('fn');
        callbacks[nextCallbackId] = value;
        return mark('fn', nextCallbackId++);
    }
    if (value === null) return null;
    try {
      return wireObject(value, depth, stack);
    } catch (err) { // a throwing getter or Proxy trap costs that object, not the call
      return mark('unreadable');
    }
  }

  function argsToWire(args) {
    var out = [];
    for (var i = 0; i < args.length; i++) {
      var w = toWire(args[i], 0, [], true);
      out.push(w === undefined ? null : w);
    }
    return JSON.stringify(out);
  }

  // A page callback in wire JSON: {"\u0000":"fn","v":<id>} (JSON.stringify escapes the NUL).
  var CALLBACK_TAG = /\{"\\u0000":"fn","v":(\d+)\}/g;

  function callbackIds(wireText) {
    var ids = [];
    var re = new RegExp(CALLBACK_TAG);
    var m;
    while ((m = re.exec(wireText))) ids.push(m[1]);
    return ids;
  }

  // -- wire JSON -> JS value (Python to mixpanel.js) --------------------------------------------
  function revive(key, value) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (value[MARK] === 'date') return new Date(value.v === null ? NaN : value.v);
      var keys = Object.keys(value);
      for (var i = 0; i < keys.length; i++) {
        if (keys[i].charAt(0) === MARK) {
          value[keys[i].slice(1)] = value[keys[i]];
          delete value[keys[i]];
        }
      }
    }
    return value;
  }

  // -- storage: cookies for the ids (as analytics.js), localStorage for the rest --------------
  var COOKIE_KEYS = {ajs_user_id: true, ajs_anonymous_id: true, ajs_group_id: true};

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      if (parts[i].slice(0, eq) === name) return decodeURIComponent(parts[i].slice(eq + 1));
    }
    return null;
  }

  var storage = {
    get: function (key) {
      if (COOKIE_KEYS[key]) return readCookie(key);
      try { return localStorage.getItem(key); } catch (e) { return null; }
    },
    set: function (key, value) {
      if (COOKIE_KEYS[key]) {
        document.cookie = key + '=' + encodeURIComponent(value) + '; path=/; max-age=31536000; SameSite=Lax';
        return;
      }
      try { localStorage.setItem(key, value); } catch (e) { /* storage full or blocked */ }
    },
    remove: function (key) {
      if (COOKIE_KEYS[key]) {
        document.cookie = key + '=; path=/; max-age=0';
        return;
      }
      try { localStorage.removeItem(key); } catch (e) { /* blocked */ }
    },
  };

  // -- what Python may call -------------------------------------------------------------------
  function resolveTarget(path, args) {
    var mp = window.mixpanel;
    var parts = path.split('.');
    if (parts[0] === 'get_group') return {self: mp.get_group(args.shift(), args.shift()), name: parts[1]};
    var self = mp;
    for (var i = 0; i < parts.length - 1; i++) self = self[parts[i]];
    return {self: self, name: parts[parts.length - 1]};
  }

  var host = {
    call: function (path, argsJson) {
      var args = JSON.parse(argsJson, revive);
      while (args.length && args[args.length - 1] === null) args.pop();
      var shown = args.slice();  // get_group's key and id are taken off args below
      var target = resolveTarget(path, args);
      var result = target.self[target.name].apply(target.self, args);
      if (listeners.mixpanel) emit('mixpanel', {method: path, args: shown, callId: current});
      return path.slice(0, 4) === 'get_' ? JSON.stringify(result === undefined ? null : result) : 'null';
    },
    invoke: function (id, argsJson) {
      var fn = callbacks[id];
      if (fn) fn.apply(null, JSON.parse(argsJson, revive));
    },
    log: function (level, message) {
      (console[level] || console.log).call(console, message);
    },
    storageGet: function (key) { return JSON.stringify(storage.get(key)); },
    storageSet: function (key, value) { storage.set(key, value); },
    storageRemove: function (key) { storage.remove(key); },
    pageContext: function () { return JSON.stringify(pageContext()); },
    now: function () { return Date.now(); },
    newId: function () { return newId(); }, // ids for Pythons without uuid (MicroPython)
    lower: function (text) { return String(text).toLowerCase(); }, // MicroPython's is ASCII-only
  };

  // -- the queue and direct delivery ------------------------------------------------------------
  function emit(name, detail) {
    (listeners[name] || []).slice().forEach(function (entry) {
      if (entry.once) analytics.off(name, entry.fn);
      try { entry.fn(detail); } catch (e) { console.error(PREFIX + name + ' listener threw: ' + e); }
    });
  }

  function deliver(entry) {
    current = entry.id;
    try {
      dispatch(entry.method, entry.args, entry.meta);
    } catch (err) {
      console.error(PREFIX + entry.method + ': ' + (err && err.message ? err.message : err));
    } finally {
      current = null;
      callbackIds(entry.args).forEach(function (id) { delete callbacks[id]; });
    }
    if (debugOn) console.log(PREFIX + entry.method, entry.args);
    if (listeners[entry.method]) emit(entry.method, detail(entry));
  }

  function detail(entry) {
    return {callId: entry.id, method: entry.method, args: JSON.parse(entry.args), meta: JSON.parse(entry.meta)};
  }

  function record(method, args, at, seen) {
    if (method === 'consent' && typeof args[0] === 'boolean') consented = args[0];
    var id = newId();
    var meta = {timestamp: at || Date.now(), messageId: id, page: pageContext(seen)};
    var entry = {id: id, method: method, args: argsToWire(args), meta: JSON.stringify(meta)};
    if (listeners.call) emit('call', detail(entry));
    if (dispatch) return deliver(entry);
    if (analytics.status === 'failed' || analytics.status === 'disabled') return;
    if (queue.length >= MAX_QUEUE || queuedChars + entry.args.length > MAX_QUEUE_CHARS) {
      if (dropped++ === 0) {
        console.warn(PREFIX + method + ': the queue before ready is full (' + MAX_QUEUE + ' calls or ' +
                     MAX_QUEUE_CHARS + ' characters); calls beyond it are dropped');
      }
      return;
    }
    queuedChars += entry.args.length;
    queue.push(entry);
  }

  // Calls still queued when the page goes away (navigation before the runtime was ready) are
  // kept in localStorage and replayed first by the next page of this site; each keeps its
  // time, page and message id ($insert_id), so even a repeat counts once. Callback ids are
  // dropped: those functions belong to the page that is gone.
  var CARRY_KEY = 'ajs_pending_calls';
  var consented = true; // the `consent` setting, then the last consent(true|false) call

  function carryOver() {
    if (dispatch || !queue.length || !consented) return; // nothing kept on the device without consent
    var saved = queue.map(function (e) {
      return [e.id, e.method, e.args.replace(CALLBACK_TAG, '{"\\u0000":"fn"}'), e.meta];
    });
    try { localStorage.setItem(CARRY_KEY, JSON.stringify(saved)); } catch (e) { /* full or blocked */ }
  }

  function takeCarried() {
    var saved = null;
    try {
      saved = JSON.parse(localStorage.getItem(CARRY_KEY) || 'null');
      localStorage.removeItem(CARRY_KEY);
    } catch (e) { /* blocked or unreadable: nothing to replay */ }
    if (!Array.isArray(saved)) return [];
    return saved.filter(Array.isArray).map(function (e) {
      return {id: e[0], method: e[1], args: e[2], meta: e[3]};
    });
  }

  window.addEventListener('pagehide', carryOver);
  window.addEventListener('pageshow', function (event) {
    // Back from the back/forward cache with the queue still in memory: the copy is not needed.
    if (event.persisted) try { localStorage.removeItem(CARRY_KEY); } catch (e) { /* blocked */ }
  });

  METHODS.forEach(function (method) {
    analytics[method] = safe(function () {
      record(method, Array.prototype.slice.call(arguments));
      return analytics;
    });
  });

  function settle(status, error) {
    analytics.status = status;
    analytics.error = error || null;
    if (status === 'ready') timings.ready = performance.now();
    if (error) console.error(PREFIX + error);
    if (status !== 'ready' && queue.length) {
      console.error(PREFIX + queue.length + ' call(s) made before the failure were dropped');
      queue.length = 0;
    }
    var pending = readyCallbacks;
    readyCallbacks = [];
    pending.forEach(function (cb) {
      try { cb({status: status, error: analytics.error}); } catch (e) { console.error(PREFIX + 'ready callback threw: ' + e); }
    });
    emit('status', {status: status, error: analytics.error});
  }

  // Calls forwarded from Python on a PyScript page (integration.track(...)): wire JSON in.
  analytics.__callWire = safe(function (method, argsJson) {
    if (METHODS.indexOf(method) < 0) throw new Error('unknown method ' + method);
    record(method, JSON.parse(argsJson, revive));
    return analytics;
  });

  analytics.ready = safe(function (cb) {
    if (typeof cb !== 'function') {
      console.error(PREFIX + 'ready: callback must be a function');
    } else if (analytics.status === 'ready' || analytics.status === 'failed' || analytics.status === 'disabled') {
      setTimeout(function () { cb({status: analytics.status, error: analytics.error}); }, 0);
    } else {
      readyCallbacks.push(cb);
    }
    return analytics;
  });

  analytics.on = safe(function (name, fn) {
    (listeners[name] = listeners[name] || []).push({fn: fn, once: false});
    return analytics;
  });
  analytics.once = safe(function (name, fn) {
    (listeners[name] = listeners[name] || []).push({fn: fn, once: true});
    return analytics;
  });
  analytics.off = safe(function (name, fn) {
    listeners[name] = (listeners[name] || []).filter(function (e) { return e.fn !== fn; });
    return analytics;
  });
  analytics.debug = safe(function (on) {
    debugOn = on !== false;
    return analytics;
  });
  // Once live, Python answers (it also knows an identity kept in memory while consent is
  // withheld); before that, the stored cookies and localStorage do.
  analytics.user = function () {
    function read(key, name) {
      try {
        if (dispatch) return JSON.parse(dispatch('user', '[]', '{}'))[name];
        return JSON.parse(storage.get(key));
      } catch (e) { return null; }
    }
    return {
      id: function () { return read('ajs_user_id', 'id'); },
      anonymousId: function () { return read('ajs_anonymous_id', 'anonymousId'); },
      traits: function () { return read('ajs_user_traits', 'traits') || {}; },
    };
  };

  // -- boot -------------------------------------------------------------------------------------
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement('script');
      el.async = true;
      el.src = src;
      el.onload = resolve;
      el.onerror = function () { reject(new Error('could not load ' + src + ' (blocked or missing)')); };
      document.head.appendChild(el);
    });
  }

  function loadMixpanel() {
    if (window.mixpanel && window.mixpanel.__loaded) return Promise.resolve();
    // mixpanel.min.js only attaches itself to Mixpanel's snippet stub: an array with __SV.
    window.mixpanel = Object.assign([], {__SV: 1.2, _i: []});
    return loadScript(runtimeUrl('mixpanel', 'mixpanel.min.js')).then(function () {
      if (!window.mixpanel || typeof window.mixpanel.init !== 'function') {
        throw new Error('mixpanel.js loaded but did not start');
      }
    });
  }

  function fetchBytes(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error('could not load ' + url + ' (HTTP ' + r.status + ')');
      return r.arrayBuffer();
    });
  }

  // A memory snapshot (scripts/make_snapshot.py) restores Python with our package already
  // imported, skipping most of the start-up; any failure falls back to a normal boot.
  function loadPython(useSnapshot) {
    // The snapshot is fetched beside the module import; only a snapshot that arrived is handed
    // to Pyodide (a rejected promise given to it would surface as an unhandled rejection).
    var snapshot = useSnapshot && RUNTIME.snapshot ? fetchBytes(runtimeUrl('snapshot')).then(null, function (err) {
      console.warn(PREFIX + 'snapshot not available, booting normally: ' + (err && err.message));
      return null;
    }) : Promise.resolve(null);
    return Promise.all([import(runtimeUrl('pyodide', 'pyodide.mjs')), snapshot]).then(function (got) {
      var mod = got[0];
      var indexURL = runtimeUrl('pyodide');
      var base = Object.assign({indexURL: indexURL}, stdlibOptions());
      if (!got[1]) return mod.loadPyodide(base);
      return mod.loadPyodide(Object.assign({_loadSnapshot: got[1]}, base)).then(function (py) {
        timings.snapshot = true;
        return py;
      }, function (err) {
        console.warn(PREFIX + 'snapshot restore failed, booting normally: ' + (err && err.message));
        return mod.loadPyodide(base);
      });
    });
  }

  // runtime 'micropython': PyScript's MicroPython (about 0.2 MB of wasm) runs the same package,
  // precompiled to .mpy when serve.py offers it (RUNTIME.mpy): compiling the source was most of
  // the boot. The files needed after the load event are fetched while the page still loads
  // (fetch() does not delay the load event), so the import, the wasm fetch and the script tag
  // are then answered from the HTTP cache (versioned URLs are immutable). A prefetch that fails
  // is reported by the boot's own request.
  function microPythonFiles() {
    return [runtimeUrl('micropython', 'micropython.mjs'), runtimeUrl('micropython', 'micropython.wasm')];
  }

  function prefetchMicroPython() {
    var urls = microPythonFiles();
    if (!(window.mixpanel && window.mixpanel.__loaded)) urls.push(runtimeUrl('mixpanel', 'mixpanel.min.js'));
    urls.forEach(function (url) { fetchBytes(url).then(null, function () {}); });
  }

  function loadMicroPython() {
    return import(runtimeUrl('micropython', 'micropython.mjs')).then(function (mod) {
      return mod.loadMicroPython({
        heapsize: 8 * 1024 * 1024,
        stdout: function (line) { console.log(line); },
        stderr: function (line) { console.error(PREFIX + line); },
      });
    });
  }

  // MicroPython has no unpackArchive, so the zip is read here.
  function unzip(buffer) { // -> Promise of [{name, bytes}] (stored or deflated entries)
    var view = new DataView(buffer);
    var end = buffer.byteLength - 22;
    while (end > 0 && view.getUint32(end, true) !== 0x06054b50) end--;
    var entries = [];
    for (var i = 0, at = view.getUint32(end + 16, true); i < view.getUint16(end + 10, true); i++) {
      var nameLength = view.getUint16(at + 28, true);
      var local = view.getUint32(at + 42, true);
      var start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      entries.push({
        name: new TextDecoder().decode(new Uint8Array(buffer, at + 46, nameLength)),
        method: view.getUint16(at + 10, true),
        data: new Uint8Array(buffer, start, view.getUint32(at + 20, true)),
      });
      at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    }
    return Promise.all(entries.map(function (e) {
      if (e.method === 0) return {name: e.name, bytes: e.data};
      var stream = new Blob([e.data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
      return new Response(stream).arrayBuffer().then(function (b) {
        return {name: e.name, bytes: new Uint8Array(b)};
      });
    }));
  }

  function startMicroPython(mp, zip, settings) {
    return unzip(zip).then(function (files) {
      files.forEach(function (f) {
        mp.FS.mkdirTree('/lib/' + f.name.split('/').slice(0, -1).join('/'));
        mp.FS.writeFile('/lib/' + f.name, f.bytes);
      });
      // `from __future__ import annotations` needs a stand-in module; a JS one needs no compiling.
      mp.registerJsModule('__future__', {annotations: true});
      analytics.micropython = mp;
      return mp.pyimport('integration.bridge').start(host, JSON.stringify(settings));
    });
  }

  function afterPageLoad() {
    if (document.readyState === 'complete') return Promise.resolve();
    return new Promise(function (resolve) {
      window.addEventListener('load', function () { setTimeout(resolve, 0); }, {once: true});
    });
  }

  function packageName(micro) { return micro && RUNTIME.mpy ? 'mpy' : 'package'; }

  function boot(settings, options) {
    var micro = settings.runtime === 'micropython';
    var pkg = fetchBytes(runtimeUrl(packageName(micro)));
    if (micro) prefetchMicroPython();
    // Scripts and module imports started before the load event would delay it; fetch() does not.
    return afterPageLoad().then(function () {
      var python = micro ? loadMicroPython() : loadPython(options.snapshot !== false);
      return Promise.all([python, pkg, loadMixpanel()]);
    }).then(function (done) {
      // Already settled 'failed' (a runtime file error reported by Pyodide, or the ready
      // timeout): stay failed. Going live now would send calls the page was told are dropped.
      if (analytics.status !== 'loading') {
        console.info(PREFIX + 'the runtime finished loading after the boot had failed; it stays unused');
        return;
      }
      if (micro) return startMicroPython(done[0], done[1], settings).then(live);
      var py = done[0];
      py.unpackArchive(done[1], 'zip', {extractDir: '/home/pyodide'});
      analytics.pyodide = py;
      var bridge = py.pyimport('integration.bridge');
      var entry = bridge.start(host, JSON.stringify(settings));
      bridge.destroy();
      live(entry);
    });
  }

  function live(entry) {
    if (analytics.status !== 'loading') return;
    dispatch = entry;
    var pending = queue.splice(0, queue.length);
    pending.forEach(deliver);
    if (dropped) console.warn(PREFIX + dropped + ' call(s) beyond the queue bound were dropped');
    settle('ready');
  }

  // Pyodide leaves some of its own promises unhandled when a runtime file is missing or
  // WebAssembly is refused (CSP); it then never settles. End the boot with that error instead
  // of an uncaught one in the page (only rejections raised from Pyodide's own files).
  function failedBoot(event) {
    var reason = event.reason;
    var stack = String((reason && reason.stack) || '');
    if (analytics.status !== 'loading' || stack.indexOf(runtimeUrl('pyodide')) < 0) return;
    event.preventDefault();
    settle('failed', 'could not start: ' + String(reason && reason.message ? reason.message : reason));
  }

  // A Content-Security-Policy without 'wasm-unsafe-eval' makes Pyodide wait forever: say so.
  function refusedWasm(event) {
    if (analytics.status !== 'loading' || event.blockedURI !== 'wasm-eval') return;
    settle('failed', "could not start: the page's Content-Security-Policy refuses WebAssembly " +
           "(script-src needs 'wasm-unsafe-eval')");
  }

  // A runtime file that fails in a way Pyodide never reports (seen under heavy CPU load with
  // an aborted wasm request) or never answers would leave `ready` waiting for readyTimeoutMs.
  // When the boot is still not done after PROBE_MS, each runtime file gets a HEAD request; the
  // first that fails or stays silent for PROBE_WAIT_MS ends the boot with its name.
  var PROBE_MS = 10000;
  var PROBE_WAIT_MS = 5000;

  function runtimeFiles(micro) {
    var files = micro ? microPythonFiles()
      : ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm'].map(function (f) {
        return runtimeUrl('pyodide', f);
      }).concat([RUNTIME.stdlib ? runtimeUrl('stdlib') : runtimeUrl('pyodide', 'python_stdlib.zip')]);
    return files.concat([runtimeUrl(packageName(micro)), runtimeUrl('mixpanel', 'mixpanel.min.js')]);
  }

  function probe(url) { // -> Promise of a problem text, or null when the file answers
    var stop = new AbortController();
    var timer = setTimeout(function () { stop.abort(); }, PROBE_WAIT_MS);
    return fetch(url, {method: 'HEAD', cache: 'no-store', signal: stop.signal}).then(function (r) {
      return r.ok ? null : url + ' (HTTP ' + r.status + ')';
    }, function () {
      return url + (stop.signal.aborted ? ' (no answer in ' + PROBE_WAIT_MS + ' ms)' : ' (blocked or unreachable)');
    }).finally(function () { clearTimeout(timer); });
  }

  function probeLater(micro, limit) {
    return setTimeout(function () {
      if (analytics.status !== 'loading') return;
      Promise.all(runtimeFiles(micro).map(probe)).then(function (problems) {
        var bad = problems.filter(Boolean)[0];
        if (bad && analytics.status === 'loading') settle('failed', 'could not start: could not load ' + bad);
      });
    }, Math.min(PROBE_MS, limit / 2));
  }

  analytics.load = safe(function (settings, options) {
    if (analytics.status !== 'idle') {
      console.error(PREFIX + 'load: already called; the second call is ignored');
      return analytics;
    }
    if (!settings || typeof settings !== 'object' || Array.isArray(settings)) {
      console.error(PREFIX + 'load: settings must be an object');
      return analytics;
    }
    analytics.status = 'loading';
    timings.start = performance.now();
    if (settings.consent === false) consented = false;
    var limit = (options && options.readyTimeoutMs) || 60000;
    var timer = setTimeout(function () {
      if (analytics.status === 'loading') settle('failed', 'not ready after ' + limit + ' ms; calls are dropped');
    }, limit);
    var prober = probeLater(settings.runtime === 'micropython', limit);
    window.addEventListener('unhandledrejection', failedBoot);
    document.addEventListener('securitypolicyviolation', refusedWasm);
    boot(JSON.parse(argsToWire([settings]))[0], options || {}).catch(function (err) {
      // A Python traceback's last line names the problem; the page needs no more than that.
      var text = String(err && err.message ? err.message : err).trim().split('\n').pop();
      if (analytics.status === 'loading') settle('failed', 'could not start: ' + text);
    }).finally(function () {
      clearTimeout(timer);
      clearTimeout(prober);
      window.removeEventListener('unhandledrejection', failedBoot);
      document.removeEventListener('securitypolicyviolation', refusedWasm);
    });
    return analytics;
  });

  queue.push.apply(queue, takeCarried());
  if (queue.length) console.info(PREFIX + queue.length + ' call(s) from the previous page will be sent');

  // Calls made on a snippet array before this script ran (static/snippet.js, or Segment's own
  // snippet) are taken over in order. Our snippet notes each call's time (`t`) and page (`p`),
  // so those keep the moment they were made; others are stamped now.
  var early = Array.isArray(existing) ? existing.slice() : [];
  window.analytics = analytics;
  early.forEach(function (call) {
    if (!Array.isArray(call) || typeof analytics[call[0]] !== 'function') return;
    var args = call.slice(1);
    if (METHODS.indexOf(call[0]) >= 0) {
      var at = typeof call.t === 'number' && isFinite(call.t) ? call.t : 0;
      safe(record)(call[0], args, at, Array.isArray(call.p) ? call.p : null);
    } else {
      analytics[call[0]].apply(analytics, args);
    }
  });
})();
