/* boot-worker.mjs: the runtime's side of the thread protocol, run as a module Worker started
 * by boot-thread.mjs. It boots the chosen runtime with the same runtime boot the page mode uses
 * (boot-micropython.mjs / boot-pyodide.mjs, given a worker-shaped `api` and `tools`), and lends
 * Python a host whose effects are recorded, in order, as one batch per step and posted to the
 * page, which applies them. Every message and effect is listed in integration/bridge/protocol.py
 * (tests/unit/test_protocol.py checks the handlers below against it).
 *
 * Reads in the middle of a call answer from state the page sent: storage as a snapshot at boot
 * (then this worker's own writes), mixpanel.js's properties with each acknowledgement, the
 * page's listeners and callback timeout with each call. A step runs only once every earlier
 * batch was acknowledged, so each read sees the effects of every earlier call.
 * Must not touch window or document (there are none here).
 */
import {P, message, newId, runPython} from './boot-wire.mjs'; // boot-wire touches no page global at load
const post = (kind, fields, transfer) => self.postMessage(Object.assign({kind}, fields), transfer || []);

// Console lines of the runtime and of its boot go to the page's console, in order.
for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
  console[level] = (...parts) => post('log', {level, text: parts.map(String).join(' ')});
}

const state = {
  dispatch: null, // Python's dispatch once started
  store: {}, // storage key -> string | null: the page's at boot, then our writes
  listening: new Set(), props: {}, timeout: 300, page: null,
  effects: [], current: null, unacked: 0, tasks: [], flushing: false, step: null,
  reads: new Set(['identify', 'alias', '__next', '__timer']), // protocol.READS (test_protocol checks)
  identity: new Set(['identify', 'alias', 'group', 'reset', 'setAnonymousId', 'entity', 'consent']), // protocol.IDENTITY
  late: new Set(['alias', 'group', 'addSourceMiddleware', 'addDestinationMiddleware', 'addIntegrationMiddleware']), // protocol.LATE_CALLS (test_protocol checks)
  lateIn: true, lateLoad: null, lateDone: Promise.resolve(), // MicroPython's late zip: in yet? how to load it; loaded
  files: {}, // url -> {resolve, reject} while the page fetches it for us
  conts: {}, // a page middleware's continuation -> the call it belongs to
  entity: '',
};

function effect(...item) {
  state.effects.push(item);
  if (!state.flushing) { state.flushing = true; setTimeout(flush); } // effects outside a step
}

function flush() {
  state.flushing = false;
  if (!state.effects.length) return;
  const effects = state.effects;
  state.effects = [];
  state.unacked++;
  post('batch', {effects});
}

// One step at a time, each after every earlier batch was acknowledged.
// `step`: the call's method (or __next / __timer); those in protocol.READS wait for the acks.
function schedule(step, task, later) { task.step = step; state.tasks.push(task); if (!later) pump(); }
// A step waits for the acks (READS: the batch of the steps before it goes first), or for the
// late zip (LATE_CALLS), which it then asks for.
function waits(task) {
  if ((state.unacked || state.effects.length) && state.reads.has(task.step)) return true;
  if (state.lateIn || !state.late.has(task.step)) return false;
  lateNow();
  return true;
}
function pump() {
  while (state.dispatch && state.tasks.length && !waits(state.tasks[0])) {
    const task = state.tasks.shift();
    state.step = task.step;
    try { task(); } catch (err) { effect('log', 'error', P + 'internal error: ' + (err && err.message)); }
  }
  flush(); // one batch for the steps of this round (a burst of calls: one message)
}

// The late modules (protocol.LATE_MODULES), once: should they fail, the held calls still run
// (and say their own error), so nothing is lost and the order holds.
const LATE_AFTER_MS = 1000; // idle time after ready
function lateNow() {
  const load = state.lateLoad;
  if (!load) return state.lateDone;
  state.lateLoad = null;
  state.lateDone = load().catch((err) => effect('log', 'error', P + 'the late modules did not load: ' + (err && err.message)))
    .finally(() => { state.lateIn = true; pump(); });
  return state.lateDone;
}

// -- the host Python calls (integration/bridge/protocol.py HOST), recording effects ------------
function getter(path, argsJson) {
  // Never expected (protocol.READS lists every step that reads): said, so a test sees it.
  if (state.unacked && !state.reads.has(state.step)) console.error(P + state.step + ': internal error: a read before the page applied earlier calls');
  if (path === 'get_distinct_id') return JSON.stringify(state.props.distinct_id ?? null);
  if (path === 'get_property') return JSON.stringify(state.props[JSON.parse(argsJson)[0]] ?? null);
  return 'null';
}

const host = {
  call(path, argsJson) {
    effect('call', path, argsJson, state.current); // a getter too: the page's log shows every call
    return path.startsWith('get_') && path.indexOf('.') < 0 ? getter(path, argsJson) : 'null';
  },
  invoke(id, argsJson) { effect('invoke', id, argsJson); },
  emit(event, argsJson) { effect('emit', event, argsJson); },
  listens(event) { return state.listening.has(event); },
  log(level, text) { effect('log', level, text); },
  storageGet(key) { return JSON.stringify(key in state.store ? state.store[key] : null); },
  storageSet(key, value) { state.store[key] = String(value); effect('set', key, String(value)); },
  storageRemove(key) { state.store[key] = null; effect('remove', key); },
  pageContext() { return JSON.stringify(state.page); },
  now() { return Date.now(); },
  newId() { return newId(); }, // from a pool of random bytes (boot-wire.mjs)
  lower(text) { return String(text).toLowerCase(); },
  // The page runs it; its answer comes back as a 'resume' message (dispatch '__next').
  middleware(id, argsJson, cont) {
    // its answer resumes the call whose message this is (messageId: the call's id), so the
    // mixpanel.js calls that follow keep that id (a resumed step may move on to later calls)
    let id2 = null;
    try { id2 = JSON.parse(argsJson)[0].messageId; } catch { /* no message: none */ }
    state.conts[cont] = typeof id2 === 'string' ? id2 : state.current;
    effect('middleware', id, argsJson, cont);
    return '["pending"]';
  },
  timer(ms, id) { setTimeout(() => schedule('__timer', () => state.dispatch('__timer', JSON.stringify([id]), '{}')), ms); },
  release() { effect('release'); },
  callbackTimeout() { return state.timeout; },
};

// Pyodide's warm-up (integration/bridge warmer: why): made-up calls through one throwaway
// integration against a host that applies nothing, a few per task in idle time after ready; the
// page's calls always go first.
const WARM_COUNT = 40;
const WARM_CHUNK = 5;
const QUIET = {call: 'null', storageGet: 'null', listens: false, middleware: '["pending"]', callbackTimeout: 300};
const quietHost = Object.fromEntries(Object.keys(host).map((k) => [k, /^(pageContext|now|newId|lower)$/.test(k) ? host[k] : () => (k in QUIET ? QUIET[k] : null)]));
function warmUp(settingsJson) {
  const began = performance.now();
  let step = null;
  const stop = (err) => {
    if (step) step.destroy(); // Pyodide's proxy
    if (err) console.warn(P + 'warm-up stopped: ' + message(err)); // costs speed only
  };
  const chunk = () => {
    if (state.tasks.length || state.unacked || state.effects.length) return void setTimeout(chunk, 50);
    let done;
    try {
      if (!step) {
        const bridge = state.runtime.pyimport('integration.bridge');
        step = bridge.warmer(quietHost, settingsJson);
        bridge.destroy();
      }
      done = step(WARM_CHUNK);
    } catch (err) { return stop(err); }
    if (done < WARM_COUNT) return void setTimeout(chunk);
    stop(null);
    post('warmed', {calls: done, ms: performance.now() - began});
  };
  chunk();
}

function entitySnapshot() {
  const text = JSON.stringify({user: JSON.parse(state.dispatch('entity', '["user"]', '{}')), group: JSON.parse(state.dispatch('entity', '["group"]', '{}'))});
  if (text !== state.entity) { state.entity = text; effect('entity', text); }
}

// -- files: the page fetches ours (progress, probes and the download panel stay on the page) ----
const realFetch = self.fetch.bind(self);
function ours(bundle) {
  return (u) => Object.values(bundle.files).some((f) => u === new URL(f, bundle.base).href) ||
    ['pyodide', 'micropython'].some((k) => bundle.files[k] && u.startsWith(new URL('.', new URL(bundle.files[k], bundle.base)).href));
}
function viaPage(u) {
  return new Promise((resolve, reject) => { state.files[u] = {resolve, reject}; post('need', {url: u}); });
}
function wrapFetch(bundle) {
  const mine = ours(bundle);
  self.fetch = (input, init) => {
    const raw = typeof input === 'string' || input instanceof URL ? String(input) : input && input.url;
    const u = raw && new URL(raw, self.location.href).href;
    if (!u || !mine(u) || (init && init.method && init.method !== 'GET')) return realFetch(input, init);
    return viaPage(u).then((r) => {
      if (!r.ok) post('broken', {url: u, why: 'HTTP ' + r.status});
      return r;
    }, (err) => { post('broken', {url: u, why: err.message}); throw err; });
  };
}

// The runtime boots' view of the page: what they read of `api`, and boot.mjs's tools.
function workerApi(m) {
  const url = (key) => (m.bundle.files[key] ? new URL(m.bundle.files[key], m.bundle.base).href : null);
  const api = {
    B: {files: m.bundle.files}, settings: m.settings, options: m.options, url,
    analytics: {timings: {}}, status: () => 'loading', touch() {},
  };
  const at = () => performance.timeOrigin + performance.now(); // the page converts it
  const phase = async (_, u, work) => {
    post('phase', {url: u, done: false, at: at()});
    try { return await work(); } finally { post('phase', {url: u, done: true, at: at()}); }
  };
  const fetchCounted = (_, u) => viaPage(u);
  const load = (_, u) => viaPage(u).then((r) => {
    if (!r.ok) throw Object.assign(new Error(`could not load ${u} (HTTP ${r.status})`), {file: true});
    return r.blob();
  }, () => { throw Object.assign(new Error(`could not load ${u} (blocked or unreachable)`), {file: true}); });
  const tools = {
    P, phase, load, fetchCounted, realFetch, counted: (_, u, r) => r,
    loadMixpanel: () => Promise.resolve(), // the page loads mixpanel.js
    lateLater: true, // MicroPython's late zip: after ready (lateNow)
    message,
  };
  return {api, tools};
}

async function boot(m) {
  Object.assign(state, {store: m.storage, listening: new Set(m.listening), timeout: m.timeout, page: m.page});
  wrapFetch(m.bundle);
  const {api, tools} = workerApi(m);
  const part = await import(api.url('boot-' + m.runtime));
  let dispatch;
  let later = null;
  if (m.runtime === 'micropython') dispatch = await part.bootMicroPython(api, host, tools);
  else ({entry: dispatch, later} = await part.bootPyodide(api, host, tools));
  if (!dispatch) throw new Error('the runtime did not start');
  state.runtimeName = m.runtime;
  state.runtime = api.analytics.micropython || api.analytics.pyodide;
  state.dispatch = dispatch;
  if (m.runtime === 'micropython' && part.hasLate(api)) {
    Object.assign(state, {lateIn: false, lateLoad: () => part.loadLate(api, tools)});
  }
  entitySnapshot();
  flush(); // start-up's effects (init, mp_lib, a returning visitor's identify) first
  // the modules this worker imported itself, for the QA console's download panel
  const resources = performance.getEntriesByType('resource').map((r) => ({name: r.name, encodedBodySize: r.encodedBodySize, transferSize: r.transferSize}));
  post('ready', {snapshot: !!api.analytics.timings.snapshot, resources});
  pump();
  if (later) setTimeout(later, 1000); // Pyodide's snapshot, kept for the next visit
  setTimeout(lateNow, LATE_AFTER_MS);
  if (m.runtime === 'pyodide') setTimeout(() => warmUp(JSON.stringify(m.settings)), LATE_AFTER_MS);
}

// One analytics call as a step: the page's listeners, callback timeout and page as at the call.
function callStep(c) {
  return () => {
    state.listening = new Set(c.listening);
    state.timeout = c.timeout;
    state.page = JSON.parse(c.meta).page || state.page;
    state.current = c.id;
    let answer = null;
    const before = state.effects.length;
    try {
      answer = state.dispatch(c.method, c.args, c.meta);
      // the user()/group() mirror, after a call that may change them (or wrote storage)
      if (state.identity.has(c.method) || state.effects.slice(before).some((x) => x[0] === 'set' || x[0] === 'remove')) entitySnapshot();
    } catch (err) {
      effect('log', 'error', P + c.method + ': internal error: ' + (err && err.message));
    } finally { state.current = null; }
    effect('done', c.id, answer === undefined ? null : answer); // always: the page applies in order
  };
}

// -- messages from the page (integration/bridge/protocol.py TO_WORKER) -------------------------
const ON = {
  boot(m) {
    // `file`: a bundle file is missing (the page fails as it would); else the page runs us itself
    boot(m).catch((err) => post('failed', {file: !!(err && err.file), error: message(err)}));
  },
  file(m) {
    const waiting = state.files[m.url];
    delete state.files[m.url];
    if (!waiting) return;
    if (m.error) waiting.reject(new Error(m.error));
    else waiting.resolve(new Response(m.body, {status: m.status, headers: m.type ? {'Content-Type': m.type} : {}}));
  },
  calls(m) { // one message for the calls a function made: their steps, then one round
    for (const c of m.calls) schedule(c.method, callStep(c), true);
    pump();
  },
  ack(m) {
    if (m.state) state.props = m.state;
    state.unacked = Math.max(0, state.unacked - 1);
    pump();
  },
  resume(m) {
    schedule('__next', () => {
      const [cont, kind] = JSON.parse(m.args);
      state.current = state.conts[cont] || null;
      if (kind !== 'next') delete state.conts[cont]; // 'next' may be followed by its Promise settling
      try { state.dispatch('__next', m.args, '{}'); } finally { state.current = null; }
      entitySnapshot();
    });
  },
  python(m) {
    // The test route may import any module: the late zip first (it does not import them).
    const run = () => {
      let ok = true;
      let value;
      try { value = runPython(state.runtime, state.runtimeName, m); } catch (err) { ok = false; value = String(err && err.message ? err.message : err); }
      post('python', {id: m.id, ok, value});
    };
    if (state.lateIn) run(); else lateNow().then(run);
  },
};

// Pyodide leaves some rejections unhandled when one of its files is missing: never a page error.
self.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  const error = message(event.reason);
  if (!state.dispatch) post('failed', {file: /load/i.test(error), error});
  else console.error(P + 'internal error: ' + error);
});

self.onmessage = (event) => {
  const m = event.data;
  const on = m && ON[m.kind];
  if (on) on(m);
};
