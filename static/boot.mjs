/* boot.mjs: the part of the loader imported after the page's load event. It chooses and starts
 * a runtime (PyScript's MicroPython or Pyodide), loads mixpanel.js, lends Python its host
 * functions, encodes calls as wire JSON and hands the stub's queue to Python. Never throws into
 * the page. Its parts: boot-wire.mjs (the wire codec and the host functions), boot-page.mjs
 * (middleware, plugins, trackLink & co.), boot-progress.mjs (progress, probes, stalls); the
 * build writes their hashed names into the imports below.
 *
 * It sees the stub (static/analytics.js) only through `api`, the object given to start(api):
 * its fields, who sets each and what it holds are one table, PAGE_API in
 * integration/bridge/protocol.py (tests/unit/test_protocol.py checks every use in static/).
 * Events emitted here: 'shim:mixpanel' ({method, args, callId}: a mixpanel.js call),
 * 'shim:delivered' ({callId, method}: a call handed to Python), 'initialize' (settings,
 * options); the analytics.js call events come from Python (host.emit).
 */
import {P, encode, forget, message, makeHost, newId, runPython} from './boot-wire.mjs';
import {domHelpers, register, runMiddleware} from './boot-page.mjs';
import {blobCounted, fetchCounted, counted, load, ourUrls, phase, realFetch, watchStalls, wrapFetch} from './boot-progress.mjs';
import {bootWorker, chooseThread, nextTask, wasmAllowed} from './boot-thread.mjs';

// The bundle's files the stub does not name (it is held to 4096 B gzip): the build writes them in.
const MORE_FILES = /*@FILES@*/{};
const FIVE_DAYS_MS = 5 * 864e5;
const TIMED = ['track', 'page', 'screen']; // Mixpanel's /track refuses these when > 5 days old
const INSTANCE = 'analytics'; // our mixpanel.js instance on a page with a Mixpanel of its own
const WASM_REFUSED = "could not start: the page's Content-Security-Policy refuses WebAssembly " +
  "(script-src needs 'wasm-unsafe-eval')";

// -- calls handed to Python --------------------------------------------------------------------
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
    } catch { /* reported below */ }
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

// -- mixpanel.js ----------------------------------------------------------------------------------
// The page's own mixpanel.js or Mixpanel's snippet stub: ours is driven by name, window.mixpanel
// untouched. Else its bytes are fetched (counted as progress) and the script is run on demand.
function fetchMixpanel(api) {
  const own = window.mixpanel;
  if (own && (own.__loaded || own.__SV)) {
    api.named = api.settings._instance = INSTANCE;
    return Promise.resolve(null);
  }
  const u = api.url('mixpanel');
  return load(api, u).then(() => () => runMixpanel(u)); // the script: from the HTTP cache
}

function runMixpanel(u) {
  // mixpanel.min.js only attaches itself to Mixpanel's snippet stub: an array with __SV (its
  // `_i`, the inits Mixpanel's snippet queues, stays empty: Python's init is a call like any other)
  window.mixpanel = Object.assign([], {__SV: 1.2, _i: []});
  return new Promise((resolve, reject) => {
    const el = document.createElement('script');
    el.async = true;
    el.src = u;
    el.onload = resolve;
    el.onerror = () => reject(new Error(`could not load ${u} (blocked or missing)`));
    document.head.appendChild(el);
  }).then(() => {
    if (!window.mixpanel || typeof window.mixpanel.init !== 'function') throw new Error('mixpanel.js loaded but did not start');
  });
}

async function loadMixpanel(api) {
  const run = await fetchMixpanel(api);
  if (run) await run();
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
      try { saved = JSON.parse(text); } catch { /* unreadable: nothing to replay */ }
      for (const e of Array.isArray(saved) ? saved.filter(Array.isArray) : []) {
        const entry = {id: e[0], method: e[1], args: e[2], meta: e[3]};
        let at = 0;
        try { at = JSON.parse(entry.meta).timestamp; } catch { /* kept */ }
        if (TIMED.includes(entry.method) && Date.now() - at > FIVE_DAYS_MS) old++;
        else taken.push([at, entry]);
      }
    }
  } catch { /* storage blocked */ }
  if (old) console.warn(P + old + ' carried call(s) older than 5 days were dropped (Mixpanel refuses them)');
  if (taken.length) console.info(P + taken.length + ' call(s) from the previous page will be sent');
  return taken.sort((x, y) => x[0] - y[0]).map((x) => x[1]);
}

// In the page: Python's dispatch answers at once. The link boot.mjs goes live with.
function pageLink(api, dispatch, runtime) {
  return {
    deliver: deliverWith(api, dispatch),
    // Python answers analytics.user() / group() now (it also knows an identity kept in memory
    // without consent); the values set before ready were queued calls, applied in order.
    entity: (who) => JSON.parse(dispatch('entity', JSON.stringify([who]), '{}')),
    py: dispatch, // host.timer and middleware Promises call back into Python
    python: (request) => Promise.resolve().then(() => runPython(runtime === 'micropython' ? api.analytics.micropython : api.analytics.pyodide, runtime, request)),
  };
}

function live(api, link) {
  api.id = newId; // the stub's record() takes its ids from api.id
  api.entity = (who) => link.entity(who);
  api.py = (...args) => link.py(...args);
  api.deliver = (e) => link.deliver(e);
  api.analytics._python = (request) => link.python(request);
  // Once live, register(...plugins) answers the Promise of its plugins' loads (the stub's
  // queued method answers analytics).
  api.analytics.register = function (...plugins) {
    const e = {id: api.id(), method: 'register', raw: plugins};
    e.meta = JSON.stringify({timestamp: Date.now(), messageId: e.id, page: api.page()});
    api.emit('shim:call', [{callId: e.id, method: 'register', args: plugins, meta: JSON.parse(e.meta)}]); // as the stub's
    try { return api.deliver(e); } catch (err) {
      console.error(P + 'register: ' + message(err));
      return Promise.resolve(api.analytics);
    }
  };
  const queued = api.queue.splice(0);
  queued.forEach(api.deliver);
  for (const k of Object.keys(api.ov)) delete api.ov[k];
  if (api.dropped()) console.warn(P + api.dropped() + ' call(s) beyond the queue bound were dropped');
  const go = () => {
    api.emit('initialize', [api.settings, api.options]);
    api.settle('ready');
  };
  // In a worker the queued calls are applied a little later: ready follows them, as in the page.
  return link.applied ? link.applied(queued).then(go) : go();
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

// -- start ----------------------------------------------------------------------------------------
export async function start(api) {
  const limit = api.options.readyTimeoutMs || 20000;
  markStarted(api);
  try {
    api.settings = JSON.parse(encode(api, [await projectSettings(api)], true))[0];
  } catch (err) {
    return api.settle('failed', 'could not start: ' + message(err));
  }
  await nextTask(); // the boot's steps in short tasks: the page's input and rendering go between
  const choice = chooseRuntime(api.settings, api);
  prepare(api, choice);
  const unwrap = wrapFetch(api, ourUrls(api));
  const unwatch = watchStalls(api, limit);
  const host = makeHost(api, (id, argsJson, cont) => runMiddleware(api, id, argsJson, cont));
  const unlisten = listenForRefusals(api);
  // Shown again before ready: take this tab's stored calls back (or learn they were taken).
  api.visible = () => { if (api.status() === 'loading') withLock(api, api.reclaim); };
  let later = null;
  try {
    const thread = chooseThread(api.settings, api, choice);
    // A worker's policy is its own response's, so the page's refusal is asked here: it holds.
    if (thread.mode === 'worker' && !wasmAllowed()) return api.settle('failed', WASM_REFUSED);
    const booted = await bootRuntime(api, host, choice, thread);
    later = booted.later;
    await withLock(api, () => goLive(api, booted.link));
  } catch (err) {
    // A Python traceback's last line names the problem; the page needs no more than that.
    if (api.status() === 'loading') api.settle('failed', 'could not start: ' + message(err));
  } finally {
    unwrap();
    unwatch();
    unlisten();
  }
  if (later && api.analytics.status === 'ready') (window.requestIdleCallback || ((f) => setTimeout(f, 1000)))(later);
}

function markStarted(api) {
  Object.assign(api.B.files, MORE_FILES);
  Object.assign(api, {started: true, pending: {}, callbacks: {}, nextCallback: 1, current: null, held: []});
  api.touch = () => { api.last = performance.now(); }; // progress: a byte read, a phase done
  api.touch();
  api.encode = (args) => encode(api, args, true);
}

// Once the settings are known: trackLink & co. made before now, the recorder's folder, the choice.
function prepare(api, choice) {
  api.dom = domHelpers(api);
  api.later.splice(0).forEach(([m, args]) => api.dom(m, args));
  const mixpanelFile = api.url('mixpanel'); // session replay's recorder from our own origin
  if (mixpanelFile && api.settings && typeof api.settings === 'object') api.settings._bundle = {mixpanel: new URL('.', mixpanelFile).href};
  api.analytics.runtime = choice;
}

// Pyodide leaves some rejections unhandled when a runtime file is missing or WebAssembly is
// refused, then never settles: end the boot with that error (only rejections from its files).
// A Content-Security-Policy without 'wasm-unsafe-eval' fails it too. -> stops the second watch.
function listenForRefusals(api) {
  const index = api.url('pyodide');
  const failed = (event) => {
    const stack = String((event.reason && event.reason.stack) || '');
    if (!index || stack.indexOf(index) < 0) return;
    event.preventDefault(); // also after the boot was failed by the file that caused it
    if (api.status() === 'loading') api.settle('failed', 'could not start: ' + message(event.reason));
  };
  const refused = (event) => { // a Content-Security-Policy without 'wasm-unsafe-eval'
    if (api.status() !== 'loading' || event.blockedURI !== 'wasm-eval') return;
    api.settle('failed', WASM_REFUSED);
  };
  window.addEventListener('unhandledrejection', failed); // kept: Pyodide may reject later still
  document.addEventListener('securitypolicyviolation', refused);
  return () => document.removeEventListener('securitypolicyviolation', refused);
}

// The runtime, in a worker when the thread choice says so (else, or when it cannot start, in
// the page). -> {link: the link to go live with | null, later: the snapshot fetch | null}
async function bootRuntime(api, host, choice, thread) {
  const tools = {P, realFetch, phase, counted, fetchCounted, blobCounted, load, loadMixpanel, message};
  let link = null;
  if (thread.mode === 'worker') ({link, thread} = await bootInWorker(api, host, tools, choice, thread));
  api.analytics.runtime = Object.assign({}, choice, {thread: thread.mode, threadReason: thread.reason});
  return link ? {link, later: null} : bootInPage(api, host, tools, choice);
}

// mixpanel.js in the page, the runtime in a worker.
// -> {link: the worker's, open | null, thread: `thread`, or the page when the worker failed}
async function bootInWorker(api, host, tools, choice, thread) {
  let link = null;
  // Fetched meanwhile; run when the worker's start-up batch inits it (its init then runs
  // inside mixpanel.js's own script, as under Mixpanel's snippet: no task of ours holds it).
  const mixpanel = fetchMixpanel(api);
  mixpanel.catch(() => {}); // awaited below
  await nextTask();
  try {
    link = await bootWorker(api, host, tools, choice.name);
    api.analytics._worker = link;
  } catch (err) { // one decision, one line: the runtime runs in the page instead
    if (api.status() !== 'loading') throw err;
    thread = {mode: 'main', reason: 'the worker could not start (' + message(err) + ')'};
    console.info(P + thread.reason + '; the runtime runs in the page');
  }
  const run = await mixpanel;
  if (link && api.status() !== 'loading') link.close(); // failed meanwhile: it stays unused
  else if (link) await link.open(run);
  return {link, thread};
}

// -> {link: Python's in the page | null, later: the snapshot fetch | null}
async function bootInPage(api, host, tools, choice) {
  let entry, later = null;
  const part = choice.name !== 'pyscript' && api.url('boot-' + choice.name); // boot-micropython.mjs or boot-pyodide.mjs
  const mod = part && await phase(api, part, () => import(part)); // the stub's import, in flight or done
  if (!mod) entry = await bootPyScript(api, host, tools);
  else if (choice.name === 'micropython') entry = await mod.bootMicroPython(api, host, tools);
  else ({entry, later} = await mod.bootPyodide(api, host, tools));
  return {link: entry && pageLink(api, entry, choice.name), later};
}

// Still 'failed' (a file error, or no progress for readyTimeoutMs): stay so. Going live now
// would send calls the page was told are dropped.
function goLive(api, link) {
  if (api.status() !== 'loading' || !link) {
    console.info(P + 'the runtime finished loading after the boot had failed; it stays unused');
    return;
  }
  api.reclaim(); // this tab's own stored copy (another tab may have taken it: then not sent)
  api.queue.unshift(...takeCarried(api));
  return live(api, link);
}
