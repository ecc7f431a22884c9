/* boot.mjs: the part of the loader imported after the page's load event. It chooses and starts
 * a runtime (PyScript's MicroPython or Pyodide), loads mixpanel.js, lends Python its host
 * functions, encodes calls as wire JSON and hands the stub's queue to Python. Never throws into
 * the page.
 *
 * It sees the stub (static/analytics.js) only through `api`, the object given to start(api).
 * From the stub:
 *   B             the bundle object (root, files, methods, storage, cookieKeys)
 *   settings      what load() got;  options  load()'s options;  analytics  window.analytics
 *   queue         calls not yet delivered: {id, method, raw (the arguments) | args (wire JSON), meta}
 *   listeners     on/once/off registrations by event;  emit(name, args) (args: a list)
 *   later         [method, arguments] of trackLink & co. made before this module was here
 *   ov            user()/group() values set before ready ({userid: ...})
 *   got           url -> Promise<Response> the stub fetched before the load event (read once)
 *   url(key)      absolute URL of B.files[key] or null;  page() page context;  id() a new id
 *   status(), settle(status, error), dropped() calls past the queue bound
 *   own           this tab's carry-over key;  reclaim() this tab's stored calls are its own again
 *                 (or, taken by another tab, leave the queue)
 *   key           the write key when load() got one (Segment's form), settings then being the
 *                 baked-in B.settings, or {} when this bundle has none (fetched here)
 *   ps            true on a PyScript page under runtime 'auto' (the stub looked at
 *                 DOMContentLoaded);  py  bridge.start handed over by `import integration` in
 *                 that page's interpreter (analytics._attach), attach(start) set here to wait
 * Set here: started, pending (url -> 1 while in flight), last (time of the last progress),
 *   encode(args) wire JSON for carry-over, deliver(entry) once live, user(key), visible(),
 *   debug (by analytics.debug), callbacks, current (the call being delivered), py (Python's
 *   dispatch), held (wire args of calls waiting behind a middleware: callbacks kept).
 *   entity(who) (Python's
 *   user()/group() values), dom(method, args) (trackLink & co.), named (mixpanel.js instance
 *   name when the page has a Mixpanel of its own), visible(), debug (by analytics.debug),
 *   callbacks, current (the call being delivered).
 * Events emitted here: 'shim:mixpanel' ({method, args, callId}: a mixpanel.js call),
 * 'shim:delivered' ({callId, method}: a call handed to Python), 'initialize' (settings,
 * options); the analytics.js call events come from Python (host.emit).
 */
const P = '[analytics] ';
const MARK = '\u0000';
const PROBE_WAIT_MS = 5000;
const FIVE_DAYS_MS = 5 * 864e5;
const TIMED = ['track', 'page', 'screen']; // Mixpanel's /track refuses these when > 5 days old
const realFetch = window.fetch.bind(window);
const INSTANCE = 'analytics'; // our mixpanel.js instance on a page with a Mixpanel of its own
const NAVIGATION_WAIT_MS = 300; // trackLink / trackForm: at most this long before navigating

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

// -- JS -> wire JSON (integration/wire.py): dates, functions, cycles... as objects keyed "\0" --
const tag = (kind, v) => (v === undefined ? {[MARK]: kind} : {[MARK]: kind, v});

function wire(api, v, depth, stack, top) {
  switch (typeof v) {
    case 'string': case 'boolean': return v;
    case 'number': return Number.isFinite(v) ? v : tag('num', String(v));
    case 'undefined': return undefined;
    case 'bigint': return tag('bigint', v.toString());
    case 'symbol': return tag('other', 'Symbol');
    case 'function':
      if (!top) return tag('fn');
      api.callbacks[api.nextCallback] = v;
      return tag('fn', api.nextCallback++);
  }
  if (v === null) return null;
  try { // a throwing getter or Proxy trap costs that object, not the call
    if (v instanceof Date) return tag('date', isNaN(v.getTime()) ? null : v.getTime());
    if (depth > 64) return tag('deep');
    if (stack.includes(v)) return tag('cycle');
    if (typeof Node !== 'undefined' && v instanceof Node) return tag('other', 'DOM node');
    if (v instanceof Map) v = Object.fromEntries(v);
    else if (v instanceof Set || ArrayBuffer.isView(v)) v = Array.from(v);
    stack.push(v);
    try {
      if (Array.isArray(v)) return v.map((x) => { const w = wire(api, x, depth + 1, stack, false); return w === undefined ? null : w; });
      const out = Object.create(null); // so a "__proto__" key stays an own key
      for (const k of Object.keys(v)) {
        const w = wire(api, v[k], depth + 1, stack, false);
        if (w !== undefined) out[k.charAt(0) === MARK ? MARK + k : k] = w;
      }
      return out;
    } finally { stack.pop(); }
  } catch (e) { return tag('unreadable'); }
}

// Top-level functions become page callbacks (ids) unless `plain` (for storage).
function encode(api, args, plain) {
  return JSON.stringify(args.map((x) => { const w = wire(api, x, 0, [], !plain); return w === undefined ? null : w; }));
}

// A page callback in wire JSON: {"\u0000":"fn","v":<id>} (JSON.stringify escapes the NUL).
const CALLBACK_TAG = /\{"\\u0000":"fn","v":(\d+)\}/g;
// Python's wire JSON holds a tagged value or an escaped key only where MARK (written \u0000,
// or raw) occurs: otherwise the reviver would change nothing and JSON.parse goes without it.
const parseWire = (text) => (text.includes('\\u0000') || text.includes(MARK) ? JSON.parse(text, revive) : JSON.parse(text));

function forget(api, args) { for (const m of args.matchAll(CALLBACK_TAG)) delete api.callbacks[m[1]]; }

function deliverWith(api, dispatch) {
  return (e) => {
    if (e.method === 'register') return register(api, e);
    if (!e.args) e.args = encode(api, e.raw);
    api.current = e.id;
    let kept;
    try {
      // 'held': the call waits behind a middleware (its callbacks stay until release());
      // 'kept': middleware functions, kept for the page's life.
      kept = dispatch(e.method, e.args, e.meta);
    } catch (err) {
      console.error(P + e.method + ': ' + (err && err.message ? err.message : err));
    } finally {
      api.current = null;
      if (kept === 'held') api.held.push(e.args);
      else if (kept !== 'kept') forget(api, e.args);
    }
    if (api.debug) console.log(P + e.method, e.args);
    if (e.done) e.done(); // the call's promise (analytics.track(...).then)
    api.emit('shim:delivered', [{callId: e.id, method: e.method}]);
  };
}

function message(err) { return String(err && err.message ? err.message : err).trim().split('\n').pop(); }

// -- Segment's form: load(writeKey[, {integrations: {Mixpanel: {...}}}]) ---------------------------
// Settings baked in by a write-key build, else <bundle>/segment/v1/projects/KEY/settings (what
// the build writes beside it) and its integrations.Mixpanel. An object under the load option
// integrations.Mixpanel is laid over them, as analytics-next does.
async function projectSettings(api) {
  let settings = api.settings;
  if (api.key && !api.B.settings) {
    const u = new URL(`segment/v1/projects/${encodeURIComponent(api.key)}/settings`, api.url('boot')).href;
    let found = null;
    try {
      const r = await realFetch(u);
      if (r.ok) found = await r.json();
    } catch (e) { /* reported below */ }
    settings = found && found.integrations && found.integrations.Mixpanel;
    if (!settings || typeof settings !== 'object') {
      throw new Error(found ? `${u} has no integrations.Mixpanel entry` : `no settings for write key ${api.key} at ${u}`);
    }
  }
  const over = (api.options.integrations || {}).Mixpanel;
  return over && typeof over === 'object' ? {...settings, ...over} : settings;
}

// -- the runtime choice ---------------------------------------------------------------------------
// A page running PyScript (a <script type="py|mpy">, <py-script>/<mpy-script> or PyScript's
// core, seen by the stub at DOMContentLoaded): under 'auto' the integration runs inside that
// page's own interpreter once its Python imports `integration`; no second runtime is fetched.
export function pyscriptPage(api) { return !!(api && api.ps); }

export function chooseRuntime(settings, api) {
  const asked = settings.runtime;
  if (asked === 'micropython' || asked === 'pyodide') return {name: asked, reason: `settings.runtime is '${asked}'`};
  if (pyscriptPage(api)) return {name: 'pyscript', reason: "auto: the page's own PyScript interpreter"};
  const why = asked === undefined || asked === null || asked === 'auto' ? '' : ` (unknown runtime ${JSON.stringify(asked)})`;
  return {name: 'micropython', reason: 'auto: the light runtime on every page' + why};
}

// -- host functions Python calls (integration/bridge.py's typed host protocol) ---------------
// The `cookie` load option ({domain, maxage (ms), secure, sameSite}, as analytics.js) as the
// attributes of the ajs_* cookies; a bad field: one console line, its default kept.
export function cookieAttributes(option) {
  let scope = '; path=/', age = 31536000, same = 'Lax', secure = false;
  const bad = (what) => console.error(P + 'load: options.cookie.' + what + '; its default is used');
  if (option !== undefined && option !== null && typeof option !== 'object') bad('must be an object');
  else if (option) {
    const {domain, maxage, sameSite} = option;
    if (domain != null) typeof domain === 'string' && /^[\w.-]+$/.test(domain) ? scope += '; domain=' + domain : bad('domain must be a host name');
    if (maxage != null) Number.isFinite(maxage) && maxage >= 0 ? age = Math.round(maxage / 1000) : bad('maxage must be a number of milliseconds');
    if (sameSite != null) /^(lax|strict|none)$/i.test(sameSite) ? same = sameSite : bad('sameSite must be Lax, Strict or None');
    secure = !!option.secure || /^none$/i.test(same); // SameSite=None is refused without Secure
  }
  return {set: `${scope}; max-age=${age}; SameSite=${same}` + (secure ? '; Secure' : ''), remove: scope + '; max-age=0'};
}

function makeHost(api) {
  const cookieKeys = new Set(api.B.cookieKeys);
  const cookie = cookieAttributes(api.options.cookie);
  const readCookie = (name) => {
    for (const part of document.cookie ? document.cookie.split('; ') : []) {
      const eq = part.indexOf('=');
      if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
    }
    return null;
  };
  const target = (path, args) => {
    let mp = window.mixpanel;
    if (api.named && path !== 'init') mp = mp[api.named]; // init(token, config, name) makes it
    const parts = path.split('.');
    if (parts[0] === 'get_group') return [mp.get_group(args.shift(), args.shift()), parts[1]];
    let self = mp;
    for (const p of parts.slice(0, -1)) self = self[p];
    return [self, parts[parts.length - 1]];
  };
  return {
    call(path, argsJson) { // the arguments as Python made them: no trailing null is dropped
      const args = parseWire(argsJson);
      const shown = args.slice(); // get_group's key and id are taken off args below
      const [self, name] = target(path, args);
      // A getter a snippet stub lacks (the page's Mixpanel not loaded yet) answers null.
      if (path.startsWith('get_') && typeof self[name] !== 'function') return 'null';
      const result = self[name](...args);
      api.emit('shim:mixpanel', [{method: path, args: shown, callId: api.current}]);
      return path.startsWith('get_') ? JSON.stringify(result === undefined ? null : result) : 'null';
    },
    invoke(id, argsJson) {
      const fn = api.callbacks[id];
      if (fn) fn(...JSON.parse(argsJson, revive));
    },
    emit(event, argsJson) { api.emit(event, JSON.parse(argsJson, revive)); },
    listens(event) { return !!(api.listeners[event] && api.listeners[event].length); },
    log(level, text) { (console[level] || console.log).call(console, text); },
    storageGet(key) { // an id analytics.js kept in localStorage (no cookies then) is read too
      const kept = cookieKeys.has(key) ? readCookie(key) : null;
      if (kept !== null) return JSON.stringify(kept);
      try { return JSON.stringify(localStorage.getItem(key)); } catch (e) { return 'null'; }
    },
    storageSet(key, value) {
      if (cookieKeys.has(key)) {
        document.cookie = `${key}=${encodeURIComponent(value)}` + cookie.set;
      } else {
        try { localStorage.setItem(key, value); } catch (e) { /* full or blocked */ }
      }
    },
    storageRemove(key) { // a cookie key's localStorage copy (see storageGet) goes too
      if (cookieKeys.has(key)) document.cookie = `${key}=` + cookie.remove;
      try { localStorage.removeItem(key); } catch (e) { /* blocked */ }
    },
    pageContext() { return JSON.stringify(api.page()); },
    now() { return Date.now(); },
    newId() { return api.id(); }, // ids for Pythons without uuid (MicroPython)
    lower(text) { return String(text).toLowerCase(); }, // MicroPython's str.lower is ASCII-only
    middleware(id, argsJson, cont) { return runMiddleware(api, id, argsJson, cont); },
    timer(ms, id) { setTimeout(() => api.py('__timer', JSON.stringify([id]), '{}'), ms); },
    release() { api.held.splice(0).forEach((args) => forget(api, args)); },
    // analytics.timeout(ms), where the stub keeps it (api.timeout()), else analytics.js's 300
    callbackTimeout() { return typeof api.timeout === 'function' ? +api.timeout() || 0 : 300; },
  };
}

// -- middleware (integration/middleware.py runs the pipeline; see bridge/host.py) --------------
// The page's fn({payload: {obj}, integrations, integration, next}): answered at once when it
// calls next, returns nothing or throws; a Promise answers 'pending', then __next reports the
// first next() and, if it comes first, the Promise settling.
function runMiddleware(api, id, argsJson, cont) {
  const fn = api.callbacks[id];
  const [obj, integrations, integration] = JSON.parse(argsJson, revive);
  const answer = (x) => encode(api, x, true);
  let now = null; // next() while fn runs
  let waiting = false;
  let nexted = false;
  const back = (kind, payload, error) => api.py('__next', answer([cont, kind, payload, error]), '{}');
  const next = (payload) => {
    if (nexted) return;
    nexted = true;
    const p = payload === null || payload === undefined ? null : payload;
    if (waiting) back('next', p);
    else if (!now) now = ['next', p];
  };
  let result;
  try {
    if (typeof fn !== 'function') return answer(['next', {obj}]);
    result = fn({payload: {obj}, integrations, integration, next});
  } catch (err) {
    return answer(now || ['threw', null, message(err)]);
  }
  if (now) return answer(now);
  if (!result || typeof result.then !== 'function') return answer(['drop']);
  waiting = true;
  result.then(() => { if (!nexted) back('settled'); }, (err) => { if (!nexted) back('rejected', null, message(err)); });
  return answer(['pending']);
}

// -- register(...plugins): analytics-next 'before' and 'enrichment' plugins --------------------
// Each plugin becomes one source middleware (befores first), so there is one pipeline; its
// ctx wraps the message (ctx.event). Loaded once; events wait for a load still running.
class Cancel extends Error {}

function pluginContext(event) {
  const ctx = {
    event, id: event && event.messageId, cancelled: false,
    cancel(reason) { ctx.cancelled = true; throw reason instanceof Error ? reason : new Cancel('cancelled'); },
    updateEvent(path, value) {
      const keys = String(path).split('.');
      let at = ctx.event;
      for (const k of keys.slice(0, -1)) at = at[k] && typeof at[k] === 'object' ? at[k] : (at[k] = {});
      at[keys[keys.length - 1]] = value;
      return ctx.event;
    },
    log() {}, stats: {increment() {}, gauge() {}}, // accepted, not kept
  };
  return ctx;
}

function pluginMiddleware(plugin, state) {
  return ({payload, next}) => {
    const run = () => {
      const fn = state.ok && payload && payload.obj && plugin[payload.obj.type];
      if (typeof fn !== 'function') return next(payload);
      const ctx = pluginContext(payload.obj);
      const done = (r) => next(r === null || ctx.cancelled ? null : {obj: (r && r.event) || ctx.event});
      const failed = (err) => { if (ctx.cancelled) return next(null); throw err; };
      let r;
      try { r = fn.call(plugin, ctx); } catch (err) { return failed(err); }
      return r && typeof r.then === 'function' ? r.then(done, failed) : done(r);
    };
    return state.loading ? state.loading.then(run) : run();
  };
}

function loadPlugin(api, plugin) {
  const state = {ok: true, loading: null};
  const name = plugin.name;
  const fail = (err) => { state.ok = false; console.error(`${P}register: plugin '${name}' failed to load: ${message(err)}; it is skipped`); };
  const loaded = () => {
    state.loading = null;
    if (typeof plugin.isLoaded === 'function' && !plugin.isLoaded()) {
      console.warn(`${P}register: plugin '${name}' says it is not loaded; it is skipped`);
      state.ok = false;
    }
  };
  try {
    const r = typeof plugin.load === 'function' ? plugin.load(pluginContext({}), api.analytics) : null;
    if (r && typeof r.then === 'function') state.loading = r.then(loaded, fail).catch(fail);
    else loaded();
  } catch (err) { fail(err); }
  return state;
}

function register(api, e) {
  const usable = [];
  const plugins = e.raw || [];
  if (!e.raw) console.error(P + 'register: plugins carried from another page or from Python are not kept');
  for (const p of plugins) {
    const name = p && typeof p === 'object' && typeof p.name === 'string' && p.name ? p.name : null;
    if (!name) console.error(`${P}register: a plugin is an object with a name, got ${p === null ? 'null' : typeof p}; skipped`);
    else if (p.type !== 'before' && p.type !== 'enrichment') {
      console.warn(`${P}register: plugin '${name}' has type '${p.type}'; only 'before' and 'enrichment' plugins are supported; skipped`);
    } else usable.push(p);
  }
  usable.sort((x, y) => (x.type === 'before' ? 0 : 1) - (y.type === 'before' ? 0 : 1));
  const states = usable.map((p) => loadPlugin(api, p));
  if (usable.length) api.deliver(Object.assign({}, e, {method: 'addSourceMiddleware', raw: usable.map((p, i) => pluginMiddleware(p, states[i])), args: null}));
  return Promise.all(states.map((s) => s.loading)).then(() => api.analytics);
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

// The stub's fetch of `u` if it made one (used once: a body is read once), else a new one.
function fetchCounted(api, u, init) {
  const early = api.got[u];
  delete api.got[u];
  api.pending[u] = 1;
  return (early || realFetch(u, init)).then((r) => counted(api, u, r), (e) => { delete api.pending[u]; throw e; });
}

// The whole body of a bundle file (a Blob keeps its type); an error names the file.
function load(api, u) {
  return fetchCounted(api, u).then((r) => {
    if (!r.ok) throw new Error(`could not load ${u} (HTTP ${r.status})`);
    return r.blob();
  }, () => { throw new Error(`could not load ${u} (blocked or unreachable)`); });
}

// While the boot runs, fetches the runtimes make of bundle files are counted; a file the stub
// already fetched is answered with that response (no second download); a broken one fails the
// boot at once.
function wrapFetch(api, ours) {
  const fail = (u, why) => {
    if (api.status() === 'loading') api.settle('failed', `could not start: could not load ${u} (${why})`);
  };
  const wrapped = function (input, init) {
    const raw = typeof input === 'string' || input instanceof URL ? String(input) : input && input.url;
    const u = raw && new URL(raw, location.href).href;
    if (!u || !ours(u) || (init && init.method && init.method !== 'GET')) return realFetch(input, init);
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
// No progress for readyTimeoutMs at all: the boot fails, naming what it still waits for.
function watchStalls(api, limit) {
  const quietMs = Math.min(5000, limit / 4);
  let probing = false;
  const timer = setInterval(() => {
    if (api.status() !== 'loading') return clearInterval(timer);
    const files = Object.keys(api.pending);
    if (performance.now() - api.last > limit) {
      const what = files.length ? files.join(', ') : api.waitingFor;
      const waiting = what ? ` (waiting for ${what})` : '';
      return api.settle('failed', `not ready after ${limit} ms without progress${waiting}; calls are dropped`);
    }
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
  const own = window.mixpanel;
  if (own && (own.__loaded || own.__SV)) { // the page's mixpanel.js or Mixpanel's snippet stub
    api.named = api.settings._instance = INSTANCE; // driven by name; window.mixpanel untouched
    return;
  }
  const u = api.url('mixpanel');
  await load(api, u); // the script below is then answered by the HTTP cache
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
  if (old) console.warn(P + old + ' carried call(s) older than 5 days were dropped (Mixpanel refuses them)');
  if (taken.length) console.info(P + taken.length + ' call(s) from the previous page will be sent');
  return taken.sort((x, y) => x[0] - y[0]).map((x) => x[1]);
}

function live(api, dispatch) {
  // Python answers analytics.user() / group() now (it also knows an identity kept in memory
  // without consent); the values set before ready were queued calls, applied in order below.
  api.entity = (who) => JSON.parse(dispatch('entity', JSON.stringify([who]), '{}'));
  api.py = dispatch; // host.timer and middleware Promises call back into Python
  api.deliver = deliverWith(api, dispatch);
  // Once live, register(...plugins) answers the Promise of its plugins' loads (the stub's
  // queued method answers analytics).
  api.analytics.register = function (...plugins) {
    const e = {id: api.id(), method: 'register', raw: plugins};
    e.meta = JSON.stringify({timestamp: Date.now(), messageId: e.id, page: api.page()});
    try { return api.deliver(e); } catch (err) {
      console.error(P + 'register: ' + message(err));
      return Promise.resolve(api.analytics);
    }
  };
  api.queue.splice(0).forEach(api.deliver);
  for (const k of Object.keys(api.ov)) delete api.ov[k];
  if (api.dropped()) console.warn(P + api.dropped() + ' call(s) beyond the queue bound were dropped');
  api.emit('initialize', [api.settings, api.options]);
  api.settle('ready');
}

// -- a PyScript page: its own interpreter, once its Python imported `integration` -------------
// mixpanel.js loads meanwhile. readyTimeoutMs counts as for any boot: time without progress
// (the interpreter's files, fetched from the bundle, count), then the boot fails naming the wait.
async function bootPyScript(api, host, {loadMixpanel}) {
  api.waitingFor = "the page's Python to import integration (a PyScript page, runtime 'auto')";
  await loadMixpanel(api);
  const start = api.py || await new Promise((resolve) => {
    const timer = setInterval(() => { if (api.status() !== 'loading') { clearInterval(timer); resolve(null); } }, 250);
    api.attach = (fn) => { clearInterval(timer); resolve(fn); };
  });
  if (!start || api.status() !== 'loading') return null;
  api.touch();
  return start(host, JSON.stringify(api.settings));
}

// -- trackLink / trackForm (analytics.js's DOM helpers) ---------------------------------------
function elementsOf(x) { // one element, an array, a NodeList/HTMLCollection or a jQuery object
  if (x instanceof Element) return [x];
  if (x && typeof x.toArray === 'function') x = x.toArray();
  if (!x || typeof x !== 'object' || typeof x.length !== 'number') return null;
  const list = Array.from(x);
  return list.every((el) => el instanceof Element) ? list : null;
}

// Navigate (or submit) once the event was handed to mixpanel.js, at most NAVIGATION_WAIT_MS
// later; before ready it is queued (and carried to the next page), so at once.
function afterTracked(api, sent, go) {
  let gone = false;
  const once = () => { if (!gone) { gone = true; go(); } };
  if (!api.deliver) return setTimeout(once);
  sent.then(once);
  setTimeout(once, NAVIGATION_WAIT_MS);
}

function domHelpers(api) {
  const a = api.analytics;
  const value = (v, el) => (typeof v === 'function' ? v(el) : v);
  return (method, args) => {
    const form = method === 'trackForm' || method === 'trackSubmit';
    const [targets, event, properties] = args;
    const els = elementsOf(targets);
    if (!els) return console.error(P + `${method}: ${form ? 'forms' : 'links'} must be an element, an array, a NodeList or a jQuery object; nothing bound`);
    if (typeof event !== 'string' && typeof event !== 'function') return console.error(P + `${method}: event must be a string or a function of the element; nothing bound`);
    for (const el of els) {
      el.addEventListener(form ? 'submit' : 'click', (ev) => {
        let sent;
        try {
          sent = a.track(value(event, el), value(properties, el));
        } catch (err) {
          return console.error(P + `${method}: the event or properties function threw: ${message(err)}`);
        }
        if (form) {
          ev.preventDefault();
          return afterTracked(api, sent, () => HTMLFormElement.prototype.submit.call(el));
        }
        const href = el.getAttribute('href') || el.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || el.getAttribute('xlink:href');
        const newTab = el.getAttribute('target') === '_blank' || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button === 1;
        if (!href || newTab || ev.defaultPrevented) return;
        ev.preventDefault();
        afterTracked(api, sent, () => { window.location.href = href; });
      });
    }
  };
}

// -- start ----------------------------------------------------------------------------------------
export async function start(api) {
  const a = api.analytics;
  const limit = api.options.readyTimeoutMs || 20000;
  Object.assign(api, {started: true, pending: {}, callbacks: {}, nextCallback: 1, current: null, held: []});
  api.touch = () => { api.last = performance.now(); }; // progress: a byte read, a phase done
  api.touch();
  api.encode = (args) => encode(api, args, true);
  try {
    api.settings = JSON.parse(encode(api, [await projectSettings(api)], true))[0];
  } catch (err) {
    return api.settle('failed', 'could not start: ' + message(err));
  }
  const choice = chooseRuntime(api.settings, api);
  api.dom = domHelpers(api);
  api.later.splice(0).forEach(([m, args]) => api.dom(m, args));
  const mixpanelFile = api.url('mixpanel'); // session replay's recorder from our own origin
  if (mixpanelFile && api.settings && typeof api.settings === 'object') api.settings._bundle = {mixpanel: new URL('.', mixpanelFile).href};
  a.runtime = choice;
  const unwrap = wrapFetch(api, ourUrls(api));
  const unwatch = watchStalls(api, limit);
  const host = makeHost(api);
  // Pyodide leaves some rejections unhandled when a runtime file is missing or WebAssembly is
  // refused, then never settles: end the boot with that error (only rejections from its files).
  const index = api.url('pyodide');
  const failed = (event) => {
    const stack = String((event.reason && event.reason.stack) || '');
    if (!index || stack.indexOf(index) < 0) return;
    event.preventDefault(); // also after the boot was failed by the file that caused it
    if (api.status() === 'loading') api.settle('failed', 'could not start: ' + message(event.reason));
  };
  const refused = (event) => { // a Content-Security-Policy without 'wasm-unsafe-eval'
    if (api.status() !== 'loading' || event.blockedURI !== 'wasm-eval') return;
    api.settle('failed', "could not start: the page's Content-Security-Policy refuses WebAssembly " +
      "(script-src needs 'wasm-unsafe-eval')");
  };
  window.addEventListener('unhandledrejection', failed); // kept: Pyodide may reject later still
  document.addEventListener('securitypolicyviolation', refused);
  // Shown again before ready: take this tab's stored calls back (or learn they were taken).
  api.visible = () => { if (api.status() === 'loading') withLock(api, api.reclaim); };
  let later = null;
  try {
    let entry;
    const tools = {P, realFetch, phase, counted, fetchCounted, load, loadMixpanel, message};
    const part = choice.name !== 'pyscript' && api.url('boot-' + choice.name); // boot-micropython.mjs or boot-pyodide.mjs
    const mod = part && await phase(api, part, () => load(api, part).then(() => import(part)));
    if (!mod) entry = await bootPyScript(api, host, tools);
    else if (choice.name === 'micropython') entry = await mod.bootMicroPython(api, host, tools);
    else ({entry, later} = await mod.bootPyodide(api, host, tools));
    await withLock(api, () => {
      // Still 'failed' (a file error, or no progress for readyTimeoutMs): stay so. Going live
      // now would send calls the page was told are dropped.
      if (api.status() !== 'loading' || !entry) {
        console.info(P + 'the runtime finished loading after the boot had failed; it stays unused');
        return;
      }
      api.reclaim(); // this tab's own stored copy (another tab may have taken it: then not sent)
      api.queue.unshift(...takeCarried(api));
      live(api, entry);
    });
  } catch (err) {
    // A Python traceback's last line names the problem; the page needs no more than that.
    if (api.status() === 'loading') api.settle('failed', 'could not start: ' + message(err));
  } finally {
    unwrap();
    unwatch();
    document.removeEventListener('securitypolicyviolation', refused);
  }
  if (later && a.status === 'ready') (window.requestIdleCallback || ((f) => setTimeout(f, 1000)))(later);
}
