/* boot-page.mjs: page JavaScript that Python's pipeline runs, and analytics.js's DOM helpers:
 * middleware functions (integration/middleware.py drives them through host.middleware),
 * analytics-next plugins given to register(...), and trackLink / trackForm. Imported by boot.mjs.
 */
import {P, encode, message, revive} from './boot-wire.mjs';

// -- middleware (integration/middleware.py runs the pipeline; see bridge/host.py) --------------
// The page's fn({payload: {obj}, integrations, integration, next}): answered at once when it
// calls next, returns nothing or throws; a Promise answers 'pending', then __next reports the
// first next() and, if it comes first, the Promise settling.
export function runMiddleware(api, id, argsJson, cont) {
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

export function register(api, e) {
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

// -- trackLink / trackForm (analytics.js's DOM helpers) ---------------------------------------
function elementsOf(x) { // one element, an array, a NodeList/HTMLCollection or a jQuery object
  if (x instanceof Element) return [x];
  if (x && typeof x.toArray === 'function') x = x.toArray();
  if (!x || typeof x !== 'object' || typeof x.length !== 'number') return null;
  const list = Array.from(x);
  return list.every((el) => el instanceof Element) ? list : null;
}

// A click (submit) tracks, then the page leaves (`go`; null: it does not, e.g. a new tab).
// Before ready the call is queued (and carried to the next page), so the page leaves at once.
// Once live the call goes to Python marked (meta.dom 'link' or 'form'): the mapping then gives
// mixpanel.track the options {transport: 'sendBeacon', send_immediately: true}
// (integration/mixpanel/events.py), and host.call (boot-wire.mjs) adds a track callback from
// api.leaving. The page leaves when that callback runs (at once for a beacon; on the response
// under api_method 'GET', where mixpanel.js sends no beacon), when the call sent nothing
// (filtered, dropped), or after analytics.timeout(ms) at the latest.
function trackThenLeave(api, kind, args, go) {
  if (!api.deliver) {
    api.analytics.track(...args);
    if (go) setTimeout(go);
    return;
  }
  const e = {id: api.id(), method: 'track', raw: args};
  e.meta = JSON.stringify({timestamp: Date.now(), messageId: e.id, page: api.page(), dom: kind});
  api.emit('shim:call', [{callId: e.id, method: 'track', args, meta: JSON.parse(e.meta)}]);
  let gone = false;
  const leave = () => {
    delete api.leaving[e.id];
    if (!gone && go) { gone = true; go(); }
  };
  const waiting = {attached: false, tracked: leave};
  api.leaving[e.id] = waiting;
  // handed over: nothing reached mixpanel.track and nothing waits behind a middleware
  e.done = () => { if (!waiting.attached && !(api.held || []).includes(e.args)) leave(); };
  setTimeout(leave, api.timeout ? +api.timeout() || 0 : 300);
  api.deliver(e);
}

export function domHelpers(api) {
  api.leaving = {}; // call id -> {attached, tracked}: trackThenLeave's calls waiting to leave
  const value = (v, el) => (typeof v === 'function' ? v(el) : v);
  return (method, args) => {
    const form = method === 'trackForm' || method === 'trackSubmit';
    const [targets, event, properties] = args;
    const els = elementsOf(targets);
    if (!els) return console.error(P + `${method}: ${form ? 'forms' : 'links'} must be an element, an array, a NodeList or a jQuery object; nothing bound`);
    if (typeof event !== 'string' && typeof event !== 'function') return console.error(P + `${method}: event must be a string or a function of the element; nothing bound`);
    for (const el of els) {
      el.addEventListener(form ? 'submit' : 'click', (ev) => {
        let args;
        try {
          args = [value(event, el), value(properties, el)];
        } catch (err) {
          return console.error(P + `${method}: the event or properties function threw: ${message(err)}`);
        }
        let go = null;
        if (form) {
          ev.preventDefault();
          go = () => HTMLFormElement.prototype.submit.call(el);
        } else {
          const href = el.getAttribute('href') || el.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || el.getAttribute('xlink:href');
          const newTab = el.getAttribute('target') === '_blank' || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button === 1;
          if (href && !newTab && !ev.defaultPrevented) {
            ev.preventDefault();
            go = () => { window.location.href = href; };
          }
        }
        try {
          trackThenLeave(api, form ? 'form' : 'link', args, go);
        } catch (err) { // never into the page, and the visitor still goes where they asked
          console.error(P + `${method}: ${message(err)}`);
          if (go) go();
        }
      });
    }
  };
}
