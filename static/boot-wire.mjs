/* boot-wire.mjs: what crosses the bridge between boot.mjs and Python. The wire codec (JS values
 * to wire JSON and back: integration/bridge/wire.py is the other end) and the host functions
 * Python calls (integration/bridge/host.py types them). Imported by boot.mjs; touches no runtime.
 */
export const P = '[analytics] ';
const MARK = '\u0000';
const DEEPEST = 64; // nesting past this is tagged 'deep'

// A call's id (a v4 UUID) from a pool of random bytes: crypto.randomUUID asks the system for
// randomness on each call, and on a slow phone that is a tenth of what a call costs the page.
const HEX = Array.from({length: 256}, (_, b) => (b + 256).toString(16).slice(1));
let pool = new Uint8Array(0), taken = 0;
export function newId() {
  if (taken + 16 > pool.length) { pool = crypto.getRandomValues(new Uint8Array(4096)); taken = 0; }
  const b = pool, i = taken;
  taken += 16;
  return HEX[b[i]] + HEX[b[i + 1]] + HEX[b[i + 2]] + HEX[b[i + 3]] + '-' + HEX[b[i + 4]] + HEX[b[i + 5]] + '-' +
    HEX[(b[i + 6] & 15) | 64] + HEX[b[i + 7]] + '-' + HEX[(b[i + 8] & 63) | 128] + HEX[b[i + 9]] + '-' +
    HEX[b[i + 10]] + HEX[b[i + 11]] + HEX[b[i + 12]] + HEX[b[i + 13]] + HEX[b[i + 14]] + HEX[b[i + 15]];
}

// -- wire JSON -> JS (Python to mixpanel.js and page callbacks) --------------------------------
export function revive(key, value) {
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

// -- JS -> wire JSON (integration/bridge/wire.py): dates, functions, cycles... as objects keyed "\0" --
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
    if (depth > DEEPEST) return tag('deep');
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
  } catch { return tag('unreadable'); }
}

// Arguments made only of plain objects, arrays, strings, finite numbers, booleans, null and
// undefined (most calls) are wire JSON as JSON.stringify writes them: natively, with no replacer
// (a replacer is a call into JavaScript per value, several times slower on a slow phone). It
// throws on a cycle, a bigint or a throwing getter; `isPlain` then checks what it wrote is what
// `wire` would write (no date, function, class instance, non-finite number, NUL or deep nesting).
function plainJson(args) {
  const text = JSON.stringify(args);
  return isPlain(args, -1) && !text.includes('\\u0000') ? text : null; // JSON.stringify escapes a NUL
}

function isPlain(v, depth) {
  switch (typeof v) {
    case 'string': case 'boolean': case 'undefined': return true; // undefined: dropped, or null in a list, alike
    case 'number': return Number.isFinite(v);
    case 'object': {
      if (v === null) return true;
      if (depth > DEEPEST) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) if (!isPlain(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const k in v) if (!isPlain(v[k], depth + 1)) return false; // own and inherited: stricter than JSON
      return true;
    }
    default: return false; // functions, symbols, bigints
  }
}

// Top-level functions become page callbacks (ids) unless `plain` (for storage).
export function encode(api, args, plain) {
  try { const text = plainJson(args); if (text !== null) return text; } catch { /* a cycle, a throwing getter: walked */ }
  return JSON.stringify(args.map((x) => { const w = wire(api, x, 0, [], !plain); return w === undefined ? null : w; }));
}

// A page callback in wire JSON: {"\u0000":"fn","v":<id>} (JSON.stringify escapes the NUL).
const CALLBACK_TAG = /\{"\\u0000":"fn","v":(\d+)\}/g;
// Python's wire JSON holds a tagged value or an escaped key only where MARK (written \u0000,
// or raw) occurs: otherwise the reviver would change nothing and JSON.parse goes without it.
const parseWire = (text) => (text.includes('\\u0000') || text.includes(MARK) ? JSON.parse(text, revive) : JSON.parse(text));

export function forget(api, args) { for (const m of args.matchAll(CALLBACK_TAG)) delete api.callbacks[m[1]]; }

export function message(err) { return String(err && err.message ? err.message : err).trim().split('\n').pop(); }

// The test route, in either thread (tests and the benchmark reach the runtime only through it):
// write `files` beside the package, call module.fn(*args); the answer is the result's str().
export function runPython(rt, runtime, {files, module, fn, args}) {
  const home = runtime === 'micropython' ? '/lib/' : '/home/pyodide/';
  for (const [name, text] of Object.entries(files || {})) rt.FS.writeFile(home + name, text);
  const mod = rt.pyimport(module);
  const value = String(mod[fn](...(args || [])));
  if (runtime === 'pyodide') mod.destroy(); // Pyodide's proxy
  return value;
}

// -- host functions Python calls (integration/bridge/protocol.py HOST) -----------------------
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

function readCookie(jar, name) {
  for (const part of jar ? jar.split('; ') : []) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq) === name) return decodeURIComponent(part.slice(eq + 1));
  }
  return null;
}

// A stored value: the cookie for a cookie key, else (or when no cookie) localStorage's copy,
// since analytics.js keeps ids there when it cannot set cookies; null when neither has it.
function stored(cookieKeys, jar, key) {
  const kept = cookieKeys.has(key) ? readCookie(jar, key) : null;
  if (kept !== null) return kept;
  try { return localStorage.getItem(key); } catch { return null; }
}

// Every storage key's value at once (the worker's start-up snapshot): document.cookie read once.
export function storageSnapshot(api) {
  const cookieKeys = new Set(api.B.cookieKeys);
  const jar = document.cookie;
  const out = {};
  for (const key of Object.values(api.B.storage)) out[key] = stored(cookieKeys, jar, key);
  return out;
}

// `middleware(id, argsJson, cont)` runs a page middleware (boot-page.mjs's runMiddleware).
export function makeHost(api, middleware) {
  const store = webStorage(api);
  const handles = api.B.handleCalls || {};
  return {
    call(path, argsJson) { return callMixpanel(api, handles, path, argsJson); },
    invoke(id, argsJson) {
      const fn = api.callbacks[id];
      if (fn) fn(...JSON.parse(argsJson, revive));
    },
    emit(event, argsJson) { api.emit(event, JSON.parse(argsJson, revive)); },
    listens(event) { return !!(api.listeners[event] && api.listeners[event].length); },
    log(level, text) { (console[level] || console.log).call(console, text); },
    storageGet: store.get,
    storageSet: store.set,
    storageRemove: store.remove,
    pageContext() { return JSON.stringify(api.page()); },
    now() { return Date.now(); },
    newId() { return api.id(); }, // ids for Pythons without uuid (MicroPython)
    lower(text) { return String(text).toLowerCase(); }, // MicroPython's str.lower is ASCII-only
    middleware,
    timer(ms, id) { setTimeout(() => api.py('__timer', JSON.stringify([id]), '{}'), ms); },
    release() { api.held.splice(0).forEach((args) => forget(api, args)); },
    // analytics.timeout(ms), where the stub keeps it (api.timeout()), else analytics.js's 300
    callbackTimeout() { return typeof api.timeout === 'function' ? +api.timeout() || 0 : 300; },
  };
}

// The host's `call`: one mixpanel.js call, with the arguments as Python made them (no trailing
// null is dropped); a getter's answer as JSON, else 'null'.
function callMixpanel(api, handles, path, argsJson) {
  const args = parseWire(argsJson);
  const shown = args.slice(); // a handle's arguments (get_group's key, id) are taken off below
  const [self, name] = target(api, handles, path, args);
  // trackLink / trackForm's call (boot-page.mjs): mixpanel.js's track callback lets the page leave
  const leaving = path === 'track' && args.length === 3 && api.leaving && api.leaving[api.current];
  if (leaving) { leaving.attached = true; args.push(leaving.tracked); }
  // A getter a snippet stub lacks (the page's Mixpanel not loaded yet) answers null.
  if (path.startsWith('get_') && typeof self[name] !== 'function') return 'null';
  const result = self[name](...args);
  api.emit('shim:mixpanel', [{method: path, args: shown, callId: api.current}]);
  return path.startsWith('get_') ? JSON.stringify(result === undefined ? null : result) : 'null';
}

// [object, method name] that a dotted mixpanel.js path calls, e.g. 'people.set'.
function target(api, handles, path, args) {
  let mp = window.mixpanel;
  if (api.named && path !== 'init') mp = mp[api.named]; // init(token, config, name) makes it
  const parts = path.split('.');
  const held = handles[parts[0]]; // e.g. get_group(key, id).set_once(...): surface.HANDLE_CALLS
  if (held && parts.length > 1) return [mp[parts[0]](...args.splice(0, held)), parts[1]];
  let self = mp;
  for (const p of parts.slice(0, -1)) self = self[p];
  return [self, parts[parts.length - 1]];
}

// The host's storageGet / storageSet / storageRemove: the ids of api.B.cookieKeys in cookies
// (with the `cookie` load option's attributes), everything else in localStorage.
function webStorage(api) {
  const cookieKeys = new Set(api.B.cookieKeys);
  const cookie = cookieAttributes(api.options.cookie);
  return {
    get(key) { return JSON.stringify(stored(cookieKeys, document.cookie, key)); },
    set(key, value) {
      if (cookieKeys.has(key)) {
        document.cookie = `${key}=${encodeURIComponent(value)}` + cookie.set;
      } else {
        try { localStorage.setItem(key, value); } catch { /* full or blocked */ }
      }
    },
    remove(key) { // a cookie key's localStorage copy (see get) goes too
      if (cookieKeys.has(key)) document.cookie = `${key}=` + cookie.remove;
      try { localStorage.removeItem(key); } catch { /* blocked */ }
    },
  };
}

