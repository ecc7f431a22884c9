/* boot-progress.mjs: a boot's progress and its failures. Every body byte of a runtime file
 * counts as progress (readyTimeoutMs is the longest time without any); a stalled or broken file
 * fails the boot, naming it. Imported by boot.mjs; boot-micropython/-pyodide get these as tools.
 */

const PROBE_WAIT_MS = 5000;
export const realFetch = window.fetch.bind(window);

export function ourUrls(api) {
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
export function counted(api, u, r) {
  let left = true;
  const done = () => { if (left) { left = false; delete api.pending[u]; api.touch(); } };
  if (!r.body) { done(); return r; }
  const body = r.body.pipeThrough(new TransformStream({
    transform(chunk, ctl) { api.touch(); ctl.enqueue(chunk); },
    flush() { done(); },
  }));
  return new Response(body, {status: r.status, statusText: r.statusText, headers: r.headers});
}

// The stub's fetch of `u` if it made one (used once: a body is read once), else a new one;
// `u` is in flight (api.pending) from now.
function takeOrFetch(api, u, init) {
  const early = api.got[u];
  delete api.got[u];
  api.pending[u] = 1;
  return early || realFetch(u, init);
}

export function fetchCounted(api, u, init) {
  return takeOrFetch(api, u, init).then((r) => counted(api, u, r), (e) => { delete api.pending[u]; throw e; });
}

// A file for the worker, read whole: each chunk read is progress, without a stream piped
// through (fewer promises a chunk on the page's main thread). -> {status, type, body: Blob}
export async function blobCounted(api, u) {
  try {
    const r = await takeOrFetch(api, u);
    const type = r.headers.get('Content-Type');
    if (!r.body) return {status: r.status, type, body: await r.blob()};
    const reader = r.body.getReader();
    const parts = [];
    for (let got = await reader.read(); !got.done; got = await reader.read()) {
      parts.push(got.value);
      api.touch();
    }
    return {status: r.status, type, body: new Blob(parts, type ? {type} : {})};
  } finally {
    delete api.pending[u];
    api.touch();
  }
}

// The whole body of a bundle file (a Blob keeps its type); an error names the file.
export function load(api, u) {
  return fetchCounted(api, u).then((r) => {
    if (!r.ok) throw new Error(`could not load ${u} (HTTP ${r.status})`);
    return r.blob();
  }, () => { throw new Error(`could not load ${u} (blocked or unreachable)`); });
}

// While the boot runs, fetches the runtimes make of bundle files are counted; a file the stub
// already fetched is answered with that response (no second download); a broken one fails the
// boot at once.
export function wrapFetch(api, ours) {
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
export function watchStalls(api, limit) {
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

export async function phase(api, u, work) { // an import or start-up step: in flight, then progress
  if (u) api.pending[u] = 1;
  try { return await work(); } finally { if (u) delete api.pending[u]; api.touch(); }
}
