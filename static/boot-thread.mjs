/* boot-thread.mjs: the page's side of the thread protocol (integration/bridge/protocol.py).
 * It decides where the runtime runs (chooseThread: one decision), starts boot-worker.mjs as a
 * module Worker, fetches the runtime's files for it (so progress, the stalled-file probe and the
 * QA console's download panel stay on the page), and applies each batch of effects the worker
 * posts: mixpanel.js calls, storage writes, listener events, callbacks, console lines, in order.
 *
 * Calls are posted at once and applied in call order. At pagehide or hidden every call not yet
 * applied is written to this tab's carry-over key (the stub's format) and held; shown again
 * with the key still ours, they are applied; taken by another tab, their answers are dropped.
 * A worker that dies after ready is replaced once by a new one, which gets the unapplied calls
 * again in order. Imported by boot.mjs; never throws into the page.
 */
import {P, encode, forget, message, revive, storageSnapshot} from './boot-wire.mjs';
import {register} from './boot-page.mjs';

const SILENT_MS = 10000; // a call unanswered this long, with nothing heard from the worker: dead
const SOON = Promise.resolve();
const SLICE_MS = 4; // applying batches: past this in one task, the next call waits for a new task
// mixpanel.js calls that change nothing Python reads back (get_property / get_distinct_id)
const KEEPS_STATE = /^(track|people\.|get_group\.|track_links|track_forms|time_event)/;

// -- where the runtime runs --------------------------------------------------------------------
export function chooseThread(settings, api, runtime) {
  const asked = settings.thread;
  if (runtime.name === 'pyscript') return {mode: 'main', reason: "the page's own PyScript interpreter runs in the page"};
  if (asked === 'main') return {mode: 'main', reason: "settings.thread is 'main'"};
  if (typeof Worker !== 'function') return {mode: 'main', reason: 'this browser has no Worker'};
  const boot = api.url('boot-worker');
  if (!boot) return {mode: 'main', reason: 'this bundle has no worker module'};
  if (new URL(boot).origin !== location.origin) return {mode: 'main', reason: 'the bundle is on another origin (a worker must be same-origin)'};
  const unknown = asked === undefined || asked === null || asked === 'worker' ? '' : ` (unknown thread ${JSON.stringify(asked)})`;
  return {mode: 'worker', reason: 'a Worker: Python off the main thread' + unknown};
}

// Whether this page's Content-Security-Policy lets WebAssembly compile (the smallest module).
export function wasmAllowed() {
  try { return !!new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); } catch { return false; }
}

// Listeners as registered when a call was made: in the page its events are heard at once, so
// a listener added or removed after the call would not change who heard them.
function heardBy(listeners) {
  const out = {};
  for (const name of Object.keys(listeners)) if (listeners[name].length) out[name] = listeners[name].slice();
  return out;
}

function emitAsAtCall(api, e, name, args) {
  if (!e || !e.heard) return api.emit(name, args);
  for (const x of e.heard[name] || []) {
    if (x.spent) continue;
    if (x.once) { x.spent = true; api.listeners[name] = (api.listeners[name] || []).filter((y) => y !== x); }
    try { x.fn.apply(api.analytics, args); } catch (err) { console.error(P + name + ' listener threw: ' + err); }
  }
  return undefined;
}

// A new task: the page's input and rendering may run in between (scheduler.yield keeps our place).
export const nextTask = () => (globalThis.scheduler && scheduler.yield ? scheduler.yield() : new Promise((resolve) => {
  const ch = new MessageChannel();
  ch.port1.onmessage = () => resolve();
  ch.port2.postMessage(null);
}));

function baseOf(api) { const u = api.url('boot'); return u.slice(0, u.length - api.B.files.boot.length); }

const listening = (api) => Object.keys(api.listeners).filter((k) => api.listeners[k].length);

function mixpanelState(api) {
  let mp = window.mixpanel;
  if (api.named) mp = mp && mp[api.named];
  if (!mp || typeof mp.get_property !== 'function' || !mp.persistence) return null;
  mp.get_property('distinct_id'); // as a getter would: the persisted state, read again
  return JSON.parse(JSON.stringify(mp.persistence.props));
}

// -- one worker: boot it, answer its file requests, hand over its batches ------------------------
function spawn(api, tools, onMessage) {
  const worker = new Worker(api.url('boot-worker'), {type: 'module'});
  const fileFor = async (u) => { // the worker judges the answer (a snapshot may be missing)
    const t = api.analytics.timings;
    const mark = {what: 'fetch ' + u, start: performance.now()};
    (t.phases = t.phases || []).push(mark);
    try {
      const {status, type, body} = await tools.blobCounted(api, u);
      mark.end = performance.now();
      worker.postMessage({kind: 'file', url: u, status, type, body});
    } catch {
      worker.postMessage({kind: 'file', url: u, error: 'blocked or unreachable'});
    }
  };
  worker.onmessage = (event) => {
    const m = event.data;
    if (m.kind === 'need') return fileFor(m.url);
    if (m.kind === 'phase') { // progress; and the boot's phases in timings (the benchmark reads them)
      if (m.url) { if (m.done) delete api.pending[m.url]; else api.pending[m.url] = 1; }
      const t = api.analytics.timings;
      const when = m.at - performance.timeOrigin;
      if (!m.done) (t.phases = t.phases || []).push({what: m.url || 'runtime step', start: when});
      else { const open = (t.phases || []).filter((x) => x.end === undefined && x.what === (m.url || 'runtime step')).pop(); if (open) open.end = when; }
      return api.touch();
    }
    if (m.kind === 'log') return (console[m.level] || console.log).call(console, m.text);
    if (m.kind === 'broken') { // a file the runtime itself asked for: the boot fails at once, naming it
      if (api.status() === 'loading') api.settle('failed', `could not start: could not load ${m.url} (${m.why})`);
      return undefined;
    }
    return onMessage(m);
  };
  return worker;
}

function bootMessage(api, runtime) {
  return {
    kind: 'boot', runtime, settings: api.settings, options: {snapshot: api.options.snapshot},
    bundle: {files: api.B.files, base: baseOf(api)}, storage: storageSnapshot(api),
    listening: listening(api), timeout: api.timeout(), page: api.page()
  };
}

// Resolves to the link boot.mjs goes live with: {deliver(entry), entity(who), python(request)}.
export function bootWorker(api, host, tools, runtime) {
  const link = new Link(api, host, tools, runtime);
  return link.start().then(() => link, (err) => { link.close(); throw err; });
}

class Link {
  constructor(api, host, tools, runtime) {
    Object.assign(this, {api, host, tools, runtime, flight: [], inbox: [], unacked: 0, waits: new Set(), mirror: {}, asks: {}, asked: 0, heard: 0});
    // a page middleware's later answer (boot-page.mjs runMiddleware calls the api's py method)
    this.py = (method, args) => { if (method === '__next') this.worker.postMessage({kind: 'resume', args}); };
    this.ON = { // the worker's messages once booted (need, broken, phase and log: spawn)
      ready: () => {},
      failed: () => {},
      batch: (m) => this.batch(m),
      python: (m) => this.answered(m),
      warmed: (m) => { api.analytics.timings.warmed = {calls: m.calls, ms: m.ms}; }, // Pyodide's warm-up ran (the benchmark waits for it)
    };
    this.onPageHide = () => this.carry();
    this.onVisible = () => { if (document.hidden) this.carry(); else this.reclaim(); };
    addEventListener('pagehide', this.onPageHide);
    this.onShow = (event) => { if (event.persisted) this.reclaim(); }; // back/forward cache
    addEventListener('pageshow', this.onShow);
    document.addEventListener('visibilitychange', this.onVisible);
    this.watch = setInterval(() => this.watchdog(), 1000);
  }

  start() {
    const {api} = this;
    return new Promise((resolve, reject) => {
      this.ON.ready = (m) => {
        if (m.snapshot) api.analytics.timings.snapshot = true;
        api.analytics.timings.workerResources = m.resources; // the worker's own fetches (its imports)
        resolve();
      };
      this.ON.failed = (m) => {
        if (m.file && api.status() === 'loading') api.settle('failed', 'could not start: ' + m.error); // as in the page
        reject(new Error(m.error));
      };
      this.worker = spawn(api, this.tools, (m) => { this.heard = performance.now(); this.ON[m.kind](m); });
      this.worker.onerror = (event) => {
        event.preventDefault();
        if (this.live) this.died('the worker stopped: ' + (event.message || 'an error'));
        else reject(new Error(event.message || 'the worker could not start'));
      };
      // its message in a task of its own (the worker is still fetching its module meanwhile)
      nextTask().then(() => this.worker.postMessage(bootMessage(api, this.runtime)));
    });
  }

  // -- calls ---------------------------------------------------------------------------------
  deliver(e) {
    const {api} = this;
    this.live = true;
    if (e.method === 'register') return register(api, e);
    if (!e.args) e.args = encode(api, e.raw); // page callbacks become ids; the arguments as now
    e.posted = performance.now();
    e.heard = heardBy(api.listeners); // its events reach the listeners there were at the call
    e.listening = listening(api);
    e.timeout = api.timeout();
    this.flight.push(e);
    // posted once the calling code is done (a microtask): the call itself returns at once
    if (!this.outbox) { this.outbox = []; SOON.then(this.postOut); } // a V8 microtask: cheaper than queueMicrotask's
    this.outbox.push(e);
    if (api.debug) console.log(P + e.method, e.args);
  }

  postOut = () => {
    const out = this.outbox;
    this.outbox = null;
    if (!this.dead) this.post(out.filter((e) => this.flight.includes(e))); // else: to the new worker once it is up
  };

  // The calls a function made, in one message (the worker answers them in one batch).
  post(entries) {
    const calls = entries.map((e) => ({id: e.id, method: e.method, args: e.args, meta: e.meta, listening: e.listening, timeout: e.timeout}));
    if (calls.length) this.worker.postMessage({kind: 'calls', calls});
  }

  // A Promise settled once every one of `entries` was applied (or dropped) on the page (boot.mjs:
  // ready follows the calls queued before it).
  applied(entries) {
    const left = new Set(entries.map((e) => e.id));
    return new Promise((resolve) => {
      const gone = (id) => { left.delete(id); if (!left.size) { this.waits.delete(gone); resolve(); } };
      this.waits.add(gone);
      for (const id of [...left]) if (!this.flight.some((e) => e.id === id)) gone(id);
      if (!left.size) gone(null);
    });
  }

  // analytics.user() / group() from the mirror Python keeps current; a setter shows at once.
  entity(who) {
    const out = Object.assign({}, this.mirror[who] || {});
    for (const e of this.flight) {
      if (e.method !== 'entity' || !e.raw || e.raw[0] !== who) continue;
      const [, op, value] = e.raw;
      if (op === 'logout') Object.assign(out, {id: null, traits: {}});
      else if (op === 'traits' ? value && typeof value === 'object' && !Array.isArray(value) : value === null || /^(string|number)$/.test(typeof value)) out[op] = value;
    }
    return out;
  }

  // The test route: {files, module, fn, args} run in the runtime; a Promise of the answer's str().
  python(request) {
    const id = ++this.asked;
    return new Promise((resolve, reject) => {
      this.asks[id] = (m) => (m.ok ? resolve(m.value) : reject(new Error(m.value)));
      this.worker.postMessage(Object.assign({kind: 'python', id}, request));
    });
  }

  answered(m) { const f = this.asks[m.id]; delete this.asks[m.id]; if (f) f(m); }

  // -- batches ---------------------------------------------------------------------------------
  // Batches are applied in the order the worker made them (its steps run in call order), unless
  // a call is carried: then everything waits until the page is shown again.
  batch(m) {
    let part = [];
    for (const fx of m.effects) { // each call's part ends with its 'done'
      part.push(fx);
      if (fx[0] === 'done') { this.receive(part); part = []; }
    }
    if (part.length) this.receive(part);
    this.unacked++;
    this.pump();
  }

  receive(effects) {
    const done = effects[effects.length - 1][0] === 'done' && effects[effects.length - 1];
    const entry = done && this.flight.find((e) => e.id === done[1]);
    if (entry) entry.answered = true;
    if (!done || entry) this.inbox.push({effects, entry, at: 0}); // else another tab took it: dropped
  }

  // mixpanel.js is fetched (boot.mjs): batches may be applied, beginning with the start-up's.
  // `run()` runs mixpanel.js's script (null: the page's own mixpanel.js is there already).
  async open(run) {
    this.opened = true;
    this.run = run || null;
    await this.pump();
    if (this.run) await this.runScript(null, null); // no mixpanel.js call yet: run it now
  }

  // Applies the inbox in order: a call's effects in one task; between calls (and between the
  // start-up's effects) a new task once this one ran SLICE_MS, so no task of ours holds the page
  // long. The worker gets its acknowledgements once the inbox is applied (or held).
  async pump() {
    if (!this.opened || this.pumping) return;
    this.pumping = true;
    try {
      let since = performance.now();
      while (this.inbox.length && !this.flight.some((e) => e.carried)) {
        const b = this.inbox[0];
        const fx = b.effects[b.at++];
        if (this.run && fx[0] === 'call') await this.runScript(fx, b.entry);
        else this.changed = this.apply(fx, b.entry) || this.changed;
        const whole = b.at >= b.effects.length;
        if (whole && this.inbox[0] === b) this.inbox.shift();
        if ((whole || !b.entry) && performance.now() - since > SLICE_MS) {
          await nextTask();
          since = performance.now();
        }
      }
    } finally { this.pumping = false; }
    this.acknowledge();
  }

  acknowledge() {
    const state = this.changed && this.unacked ? mixpanelState(this.api) : null;
    for (; this.unacked > 0; this.unacked--) this.worker.postMessage({kind: 'ack', state});
    if (state) this.changed = false;
  }

  // mixpanel.js's script runs now, in a task of its own; the call that was waiting for it (the
  // start-up's init) in the next one, so the page may handle input between the script's
  // evaluation and mixpanel.js's init (on a slow phone each is about a long task's worth).
  async runScript(fx, entry) {
    const run = this.run;
    this.run = null;
    await run();
    if (!fx) return undefined;
    await nextTask();
    this.changed = this.apply(fx, entry) || this.changed;
    return undefined;
  }

  apply(fx, e) { // one effect; -> whether mixpanel.js's state may have changed
    const {api, host} = this;
    try {
      const kind = fx[0];
      if (kind === 'call') {
        if (fx[1] === 'init' && this.initialised) return false; // a new worker after one died
        if (fx[1] === 'init') this.initialised = true;
        api.current = fx[3];
        try { host.call(fx[1], fx[2]); } finally { api.current = null; }
        return !KEEPS_STATE.test(fx[1]);
      }
      if (kind === 'invoke') host.invoke(fx[1], fx[2]);
      else if (kind === 'emit') emitAsAtCall(api, e, fx[1], JSON.parse(fx[2], revive));
      else if (kind === 'log') host.log(fx[1], fx[2]);
      else if (kind === 'set') host.storageSet(fx[1], fx[2]);
      else if (kind === 'remove') host.storageRemove(fx[1]);
      else if (kind === 'middleware') this.middleware(fx);
      else if (kind === 'release') host.release();
      else if (kind === 'entity') this.mirror = JSON.parse(fx[1]);
      else if (kind === 'done') this.finish(e, fx[2]);
    } catch (err) {
      const what = fx[0] === 'invoke' ? 'callback' : fx[0] === 'call' ? 'Mixpanel' : fx[0]; // Python's words
      console.error(P + (e ? e.method : 'analytics') + ': ' + what + ' failed: ' + message(err));
    }
    return false;
  }

  // A page middleware: run now; an answer at once goes back as if its Promise had settled so.
  middleware(fx) {
    const answer = JSON.parse(this.host.middleware(fx[1], fx[2], fx[3])); // wire JSON, kept as is
    const [state, payload, error] = answer;
    const kind = {next: 'now-next', drop: 'drop', threw: 'rejected'}[state]; // 'pending': later, by the api's py method
    const args = JSON.stringify([fx[3], kind, payload === undefined ? null : payload, error || null]);
    if (kind) this.worker.postMessage({kind: 'resume', args});
  }

  finish(e, answer) {
    const {api} = this;
    if (!e) return;
    if (!api.analytics.timings.firstCall) api.analytics.timings.firstCall = performance.now();
    const at = this.flight.indexOf(e);
    if (at >= 0) this.flight.splice(at, 1);
    for (const gone of [...this.waits]) gone(e.id);
    if (answer === 'held') api.held.push(e.args);
    else if (answer !== 'kept') forget(api, e.args);
    if (e.done) e.done();
    api.emit('shim:delivered', [{callId: e.id, method: e.method}]);
  }

  // -- leaving, coming back, dying -------------------------------------------------------------
  carry() {
    const {api} = this;
    const head = this.inbox[0];
    const started = head && head.at > 0 && head.entry; // being applied: it is not carried as well
    if (!this.flight.some((e) => e !== started)) return;
    const plain = (e) => (e.raw ? api.encode(e.raw) : e.args);
    try {
      const left = this.flight.filter((e) => e !== started);
      localStorage.setItem(api.own, '[' + left.map((e) => JSON.stringify([e.id, e.method, plain(e), e.meta])).join(',') + ']');
      for (const e of left) e.carried = true;
    } catch { /* full or blocked: they stay, to be applied */ }
  }

  reclaim() {
    const {api} = this;
    if (!this.flight.some((e) => e.carried)) return;
    let ours = true;
    try { ours = localStorage.getItem(api.own) !== null; localStorage.removeItem(api.own); } catch { /* blocked: ours */ }
    if (!ours) { // another tab took them and sends them: their answers here are dropped
      const gone = new Set(this.flight.filter((e) => e.carried).map((e) => e.id));
      this.inbox = this.inbox.filter((b) => !(b.entry && gone.has(b.entry.id)));
      this.flight = this.flight.filter((e) => { if (gone.has(e.id) && e.done) e.done(); return !gone.has(e.id); });
      for (const id of gone) for (const wait of [...this.waits]) wait(id);
    }
    for (const e of this.flight) e.carried = false;
    this.pump();
  }

  watchdog() {
    const head = this.flight.find((e) => !e.answered);
    const now = performance.now();
    if (head && !head.carried && now - head.posted > SILENT_MS && now - this.heard > SILENT_MS) this.died('the worker stopped answering');
  }

  // Once: a new worker gets every unapplied call again, in order; its start-up init is skipped.
  died(why) {
    if (this.dead) return;
    this.dead = true;
    try { this.worker.terminate(); } catch { /* gone */ }
    const left = this.flight;
    console.warn(P + why + '; ' + left.length + ' unapplied call(s) go on in a new worker');
    this.inbox = []; // the new worker answers every unapplied call again
    this.unacked = 0;
    for (const e of left) e.answered = false;
    this.start().then(() => { this.dead = false; this.post(this.flight); }, (err) => {
      console.error(P + 'the new worker could not start (' + message(err) + '); ' + left.length + ' call(s) dropped');
      for (const e of this.flight.splice(0)) if (e.done) e.done();
    });
  }

  close() { // the boot failed meanwhile: nothing of this worker is applied
    clearInterval(this.watch);
    removeEventListener('pagehide', this.onPageHide);
    removeEventListener('pageshow', this.onShow);
    document.removeEventListener('visibilitychange', this.onVisible);
    if (this.worker) this.worker.terminate();
  }

  kill() { this.worker.terminate(); this.died('the worker was terminated'); } // tests
}
