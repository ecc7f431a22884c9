/* boot.mjs: the part of the loader imported after the page's load event. It chooses and starts
 * a runtime (PyScript's MicroPython or Pyodide), loads mixpanel.js, lends Python its host
 * functions and hands the stub's queue to Python. Never throws into the page.
 *
 * It sees the stub (static/analytics.js) only through `api`, the object given to start(api):
 *   api.B             the bundle object (files, storage, methods, root)
 *   api.settings      the load() settings as wire-safe JSON values;  api.options  load options
 *   api.analytics     window.analytics (boot sets .runtime, .pyodide/.micropython, timings)
 *   api.queue         calls not yet delivered: {id, method, args (wire JSON), meta (JSON)}
 *   api.callbacks     page callbacks by id (wire {"\0":"fn","v":id});  api.current  call id
 *   api.url(key)      absolute URL of B.files[key];  api.grab(url) -> Promise<Blob>, once per URL;
 *   api.grabbed(url)  whether the stub already grabbed it
 *   api.pending       URLs in flight;  api.touch() progress;  api.last  time of the last progress
 *   api.status(), api.settle(status, error), api.live(dispatch), api.emit(name, detail)
 *   api.page(), api.id(), api.own (this tab's carry key), api.reclaim(), api.visible (set here)
 */
const P = '[analytics] ';
const MARK = '\u0000';
const PROBE_WAIT_MS = 5000;
const FIVE_DAYS_MS = 5 * 864e5;
const TIMED = ['track', 'page', 'screen']; // Mixpanel's /track refuses these when > 5 days old
const realFetch = window.fetch.bind(window);

// -- wire JSON -> JS (Python to mixpanel.js and page callbacks) --------------------------------
function revive(key, value) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    if (value[MARK] === 'date') return new Date(value.v === null ? NaN : value.v);
    for (const k of Object.keys(value)) {
      if (k.charAt(0) === MARK) {
        value[k.slice(1)] = value[k];
        delete value[k];
      }
    }
  }
  return value;
}

function message(err) { return String(err && err.message ? err.message : err).trim().split('\n').pop(); }

// -- the runtime choice ---------------------------------------------------------------------------
// Hook for the deploy issue: on a page running PyScript, 'auto' will run inside that page's
// interpreter. Until then no page is detected and 'auto' means MicroPython everywhere.
export function pyscriptPage() { return false; }

export function chooseRuntime(settings) {
  const asked = settings.runtime;
  if (asked === 'micropython' || asked === 'pyodide') return {name: asked, reason: `settings.runtime is '${asked}'`};
  if (pyscriptPage()) return {name: 'pyodide', reason: "auto: the page runs PyScript"};
  const why = asked === undefined || asked === null || asked === 'auto' ? '' : ` (unknown runtime ${JSON.stringify(asked)})`;
  return {name: 'micropython', reason: 'auto: the light runtime on every page' + why};
}

// -- host functions Python calls (integration/bridge.py's typed host protocol) ---------------
function makeHost(api) {
  const cookieKeys = new Set(api.B.cookieKeys);
  const readCookie = (name) => {
    for (const part of document.cookie ? document.cookie.split('; ') : []) {
      const eq = part.indexOf('=');
      if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
    }
    return null;
  };
  const target = (path, args) => {
    const mp = window.mixpanel;
    const parts = path.split('.');
    if (parts[0] === 'get_group') return [mp.get_group(args.shift(), args.shift()), parts[1]];
    let self = mp;
    for (const p of parts.slice(0, -1)) self = self[p];
    return [self, parts[parts.length - 1]];
  };
  return {
    call(path, argsJson) { // the arguments as Python made them: no trailing null is dropped
      const args = JSON.parse(argsJson, revive);
      const shown = args.slice(); // get_group's key and id are taken off args below
      const [self, name] = target(path, args);
      const result = self[name](...args);
      api.emit('mixpanel', {method: path, args: shown, callId: api.current});
      return path.startsWith('get_') ? JSON.stringify(result === undefined ? null : result) : 'null';
    },
    invoke(id, argsJson) {
      const fn = api.callbacks[id];
      if (fn) fn(...JSON.parse(argsJson, revive));
    },
    log(level, text) { (console[level] || console.log).call(console, text); },
    storageGet(key) {
      if (cookieKeys.has(key)) return JSON.stringify(readCookie(key));
      try { return JSON.stringify(localStorage.getItem(key)); } catch (e) { return 'null'; }
    },
    storageSet(key, value) {
      if (cookieKeys.has(key)) {
        document.cookie = `${key}=${encodeURIComponent(value)}; path=/; max-age=31536000; SameSite=Lax`;
      } else {
        try { localStorage.setItem(key, value); } catch (e) { /* full or blocked */ }
      }
    },
    storageRemove(key) {
      if (cookieKeys.has(key)) document.cookie = `${key}=; path=/; max-age=0`;
      else try { localStorage.removeItem(key); } catch (e) { /* blocked */ }
    },
    pageContext() { return JSON.stringify(api.page()); },
    now() { return Date.now(); },
    newId() { return api.id(); }, // ids for Pythons without uuid (MicroPython)
    lower(text) { return String(text).toLowerCase(); }, // MicroPython's str.lower is ASCII-only
  };
}

// -- progress: every body byte of a runtime file counts (readyTimeoutMs is time WITHOUT it) ---
function ourUrls(api) {
  const exact = new Set();
  const folders = [];
  for (const key of Object.keys(api.B.files)) {
    const u = api.url(key);
    exact.add(u);
    if (key === 'pyodide' || key === 'micropython' || key === 'mixpanel') folders.push(new URL('.', u).href);
  }
  return (u) => exact.has(u) || folders.some((f) => u.startsWith(f));
}

// A counted copy of a response: same status and headers (Content-Type stays, so
// WebAssembly.instantiateStreaming still streams), each chunk a sign of progress.
function counted(api, u, r) {
  let left = true;
  const done = () => { if (left) { left = false; delete api.pending[u]; api.touch(); } };
  if (!r.body) { done(); return r; }
  const body = r.body.pipeThrough(new TransformStream({
    transform(chunk, ctl) { api.touch(); ctl.enqueue(chunk); },
    flush() { done(); },
  }));
  return new Response(body, {status: r.status, statusText: r.statusText, headers: r.headers});
}

function fetchCounted(api, u, init) {
  api.pending[u] = 1;
  return realFetch(u, init).then((r) => counted(api, u, r), (e) => { delete api.pending[u]; throw e; });
}

// While the boot runs, fetches the runtimes make of bundle files are counted; a file the stub
// already fetched is answered from its bytes (no second download); a broken one fails the boot.
function wrapFetch(api, ours) {
  const fail = (u, why) => {
    if (api.status() === 'loading') api.settle('failed', `could not start: could not load ${u} (${why})`);
  };
  const wrapped = function (input, init) {
    const raw = typeof input === 'string' || input instanceof URL ? String(input) : input && input.url;
    const u = raw && new URL(raw, location.href).href;
    if (!u || !ours(u) || (init && init.method && init.method !== 'GET')) return realFetch(input, init);
    if (api.grabbed(u)) return api.grab(u).then((b) => new Response(b, {headers: {'Content-Type': b.type}}));
    return fetchCounted(api, u, init).then((r) => {
      if (!r.ok) fail(u, 'HTTP ' + r.status);
      return r;
    }, (e) => { fail(u, 'blocked or unreachable'); throw e; });
  };
  window.fetch = wrapped;
  return () => { if (window.fetch === wrapped) window.fetch = realFetch; };
}

function probe(u) { // -> a problem text, or null when the file answers
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), PROBE_WAIT_MS);
  return realFetch(u, {method: 'HEAD', cache: 'no-store', signal: stop.signal}).then(
    (r) => (r.ok ? null : `${u} (HTTP ${r.status})`),
    () => u + (stop.signal.aborted ? ` (no answer in ${PROBE_WAIT_MS} ms)` : ' (blocked or unreachable)'),
  ).finally(() => clearTimeout(timer));
}

// No progress for a while: HEAD each file still in flight; one that fails or stays silent ends
// the boot with its name, unless bytes arrived meanwhile (a slow file is not a broken one).
function watchStalls(api, limit) {
  const quietMs = Math.min(5000, limit / 4);
  let probing = false;
  const timer = setInterval(() => {
    if (api.status() !== 'loading') return clearInterval(timer);
    const files = Object.keys(api.pending);
    if (probing || !files.length || performance.now() - api.last < quietMs) return;
    probing = true;
    const since = api.last;
    Promise.all(files.map(probe)).then((problems) => {
      probing = false;
      const bad = problems.filter(Boolean)[0];
      if (bad && api.last === since && api.status() === 'loading') api.settle('failed', 'could not start: could not load ' + bad);
    });
  }, 250);
  return () => clearInterval(timer);
}

async function phase(api, u, work) { // an import or start-up step: in flight, then progress
  if (u) api.pending[u] = 1;
  try { return await work(); } finally { if (u) delete api.pending[u]; api.touch(); }
}

// -- mixpanel.js ----------------------------------------------------------------------------------
async function loadMixpanel(api) {
  if (window.mixpanel && window.mixpanel.__loaded) return;
  const u = api.url('mixpanel');
  await api.grab(u); // the script below is then answered by the HTTP cache
  // mixpanel.min.js only attaches itself to Mixpanel's snippet stub: an array with __SV.
  window.mixpanel = Object.assign([], {__SV: 1.2, _i: []});
  await new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.async = true;
    el.src = u;
    el.onload = resolve;
    el.onerror = () => reject(new Error(`could not load ${u} (blocked or missing)`));
    document.head.appendChild(el);
  });
  if (!window.mixpanel || typeof window.mixpanel.init !== 'function') throw new Error('mixpanel.js loaded but did not start');
}

// -- MicroPython ----------------------------------------------------------------------------------
// MicroPython has no unpackArchive, so the zip is read here (stored or deflated entries).
export async function unzip(buffer) {
  const view = new DataView(buffer);
  let end = buffer.byteLength - 22;
  while (end > 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  const entries = [];
  for (let i = 0, at = view.getUint32(end + 16, true); i < view.getUint16(end + 10, true); i++) {
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    entries.push({
      name: new TextDecoder().decode(new Uint8Array(buffer, at + 46, nameLength)),
      method: view.getUint16(at + 10, true),
      data: new Uint8Array(buffer, start, view.getUint32(at + 20, true)),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return Promise.all(entries.map(async (e) => {
    if (e.method === 0) return {name: e.name, bytes: e.data};
    const stream = new Blob([e.data]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return {name: e.name, bytes: new Uint8Array(await new Response(stream).arrayBuffer())};
  }));
}

// The package precompiled to .mpy when the bundle has it (compiling the source was most of the
// boot). The stub fetched these files before the load event; they are read from its copies.
async function bootMicroPython(api, host) {
  const mjs = api.url('micropython');
  const wasm = new URL('micropython.wasm', mjs).href;
  const zip = api.grab(api.url(api.B.files.mpy ? 'mpy' : 'package')).then((b) => b.arrayBuffer());
  const mod = await phase(api, mjs, () => api.grab(mjs).then(() => import(mjs)));
  const mp = await phase(api, null, () => mod.loadMicroPython({
    url: wasm,
    heapsize: 8 * 1024 * 1024,
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(P + line),
  }));
  const [files] = await Promise.all([zip.then(unzip), loadMixpanel(api)]);
  return phase(api, null, () => {
    for (const f of files) {
      mp.FS.mkdirTree('/lib/' + f.name.split('/').slice(0, -1).join('/'));
      mp.FS.writeFile('/lib/' + f.name, f.bytes);
    }
    // `from __future__ import annotations` needs a stand-in module; a JS one needs no compiling.
    mp.registerJsModule('__future__', {annotations: true});
    api.analytics.micropython = mp;
    if (api.status() !== 'loading') return null;
    return mp.pyimport('integration.bridge').start(host, JSON.stringify(api.settings));
  });
}

// -- carry-over: calls other tabs left in storage, and this tab's own ------------------------
function withLock(api, fn) {
  const name = api.B.storage.carry;
  return navigator.locks ? navigator.locks.request(name, fn) : Promise.resolve().then(fn);
}

function takeCarried(api) { // -> entries from other tabs' keys, removed from storage (under the lock)
  const prefix = api.B.storage.carry;
  const taken = [];
  let old = 0;
  try {
    const keys = [];
    for (let i = 0; i < localStorage.length; i++) keys.push(localStorage.key(i));
    for (const key of keys.filter((k) => k.startsWith(prefix) && k !== api.own)) {
      const text = localStorage.getItem(key);
      localStorage.removeItem(key);
      let saved = null;
      try { saved = JSON.parse(text); } catch (e) { /* unreadable: nothing to replay */ }
      for (const e of Array.isArray(saved) ? saved.filter(Array.isArray) : []) {
        const entry = {id: e[0], method: e[1], args: e[2], meta: e[3]};
        let at = 0;
        try { at = JSON.parse(entry.meta).timestamp; } catch (x) { /* kept */ }
        if (TIMED.includes(entry.method) && Date.now() - at > FIVE_DAYS_MS) old++;
        else taken.push([at, entry]);
      }
    }
  } catch (e) { /* storage blocked */ }
  if (old) console.warn(P + old + ' carried call(s) older than 5 days were dropped (Mixpanel refuses such events)');
  if (taken.length) console.info(P + taken.length + ' call(s) from the previous page will be sent');
  return taken.sort((x, y) => x[0] - y[0]).map((x) => x[1]);
}

// -- start ----------------------------------------------------------------------------------------
export async function start(api) {
  const a = api.analytics;
  const limit = api.options.readyTimeoutMs || 20000;
  const choice = chooseRuntime(api.settings);
  a.runtime = choice;
  api.touch();
  const unwrap = wrapFetch(api, ourUrls(api));
  const unwatch = watchStalls(api, limit);
  const host = makeHost(api);
  // Pyodide leaves some rejections unhandled when a runtime file is missing or WebAssembly is
  // refused, then never settles: end the boot with that error (only rejections from its files).
  const index = api.url('pyodide');
  const failed = (event) => {
    const stack = String((event.reason && event.reason.stack) || '');
    if (api.status() !== 'loading' || !index || stack.indexOf(index) < 0) return;
    event.preventDefault();
    api.settle('failed', 'could not start: ' + message(event.reason));
  };
  const refused = (event) => { // a Content-Security-Policy without 'wasm-unsafe-eval'
    if (api.status() !== 'loading' || event.blockedURI !== 'wasm-eval') return;
    api.settle('failed', "could not start: the page's Content-Security-Policy refuses WebAssembly " +
      "(script-src needs 'wasm-unsafe-eval')");
  };
  window.addEventListener('unhandledrejection', failed);
  document.addEventListener('securitypolicyviolation', refused);
  // Shown again before ready: take this tab's stored calls back (or learn they were taken).
  api.visible = () => { if (api.status() === 'loading') withLock(api, api.reclaim); };
  let later = null;
  try {
    let entry;
    if (choice.name === 'micropython') entry = await bootMicroPython(api, host);
    else {
      const mod = await phase(api, api.url('boot-pyodide'), () => import(api.url('boot-pyodide')));
      const tools = {P, realFetch, phase, counted, fetchCounted, loadMixpanel, message};
      ({entry, later} = await mod.bootPyodide(api, host, tools));
    }
    await withLock(api, () => {
      // Still 'failed' (a file error, or no progress for readyTimeoutMs): stay so. Going live
      // now would send calls the page was told are dropped.
      if (api.status() !== 'loading' || !entry) {
        console.info(P + 'the runtime finished loading after the boot had failed; it stays unused');
        return;
      }
      api.reclaim(); // this tab's own stored copy (another tab may have taken it: then not sent)
      api.queue.unshift(...takeCarried(api));
      api.live(entry);
    });
  } catch (err) {
    // A Python traceback's last line names the problem; the page needs no more than that.
    if (api.status() === 'loading') api.settle('failed', 'could not start: ' + message(err));
  } finally {
    unwrap();
    unwatch();
    window.removeEventListener('unhandledrejection', failed);
    document.removeEventListener('securitypolicyviolation', refused);
  }
  if (later && a.status === 'ready') (window.requestIdleCallback || ((f) => setTimeout(f, 1000)))(() => realFetch(later).then((r) => r.arrayBuffer()).catch(() => null));
}
