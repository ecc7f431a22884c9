/* boot-pyodide.mjs: the Pyodide boot, imported by boot.mjs only when Pyodide was chosen (a
 * MicroPython page never downloads it). bootPyodide(api, host, tools) gets the stub's `api` (see
 * analytics.js / boot.mjs), the host functions Python calls, and boot.mjs's helpers in `tools`:
 * {P, realFetch, phase, counted, fetchCounted, load, loadMixpanel, message}. It resolves to
 * {entry: dispatch | null, later: snapshot URL to fetch in idle time after ready | null}.
 */
const FAST_MBPS = 10; // navigator.connection.downlink Chrome reports at most (it caps the value)

// -- Pyodide --------------------------------------------------------------------------------------
// Snapshot policy: 'always' | 'never' (true/false too) | 'auto' (default): only when this browser
// already holds it (Cache Storage, filled in idle time after an earlier ready), or the connection
// is fast (4g at the highest downlink Chrome reports); otherwise the boot goes without it and
// fetches it in idle time after ready, for the next visit. (A fetch with cache 'only-if-cached'
// would ask the HTTP cache, but prints a console error on every miss.)
const STORE = 'ajs-pyodide-snapshot';

async function snapshotFor(api, {counted, fetchCounted}) {
  const u = api.url('snapshot');
  const choice = api.options.snapshot === undefined ? 'auto' : api.options.snapshot;
  if (!u || choice === false || choice === 'never') return {};
  if (choice === true || choice === 'always') return {use: fetchCounted(api, u)};
  const c = navigator.connection;
  let store = null;
  try {
    store = globalThis.caches ? await caches.open(STORE) : null; // a page or a worker
    const kept = store && await store.match(u);
    if (kept) return {use: Promise.resolve(counted(api, u, kept))};
  } catch { /* no Cache Storage here */ }
  if (c && !c.saveData && c.effectiveType === '4g' && c.downlink >= FAST_MBPS) return {use: fetchCounted(api, u)};
  return {later: store && !(c && c.saveData) ? () => keep(store, u) : null};
}

// In idle time after ready: the snapshot for the next visit (older ones are dropped).
function keep(store, u) {
  store.keys().then((keys) => keys.forEach((k) => { if (k.url !== u) store.delete(k); }));
  return fetch(u).then((r) => (r.ok ? store.put(u, r) : null)).catch(() => null);
}

const STDLIB_FALLBACK = `
import sys, importlib, zipimport
zipimport._zip_directory_cache.clear(); sys.path_importer_cache.clear(); importlib.invalidate_caches()
`;

export async function bootPyodide(api, host, tools) {
  const {phase, load, loadMixpanel} = tools;
  const index = api.url('pyodide');
  const stdlib = api.url('stdlib') || api.url('stdlibFull');
  const pkg = load(api, api.url('package')).then((b) => b.arrayBuffer());
  pkg.catch(() => {}); // awaited below; reported there
  const snap = await snapshotFor(api, tools);
  const snapshot = snap.use ? snapshotBytes(snap.use, tools) : null;
  const [mod, asm] = await Promise.all([
    importCounted(api, index + 'pyodide.mjs', tools),
    importCounted(api, index + 'pyodide.asm.mjs', tools),
  ]);
  const start = starter(api, {index, stdlib, mod, asm}, tools);
  const py = await startFrom(api, snapshot && await snapshot, start, tools);
  const [zip] = await Promise.all([pkg, loadMixpanel(api)]);
  api.analytics.pyodide = py;
  if (api.status() !== 'loading') return {entry: null, later: snap.later};
  const entry = await phase(api, null, async () => {
    py.unpackArchive(zip, 'zip', {extractDir: '/home/pyodide'});
    const bridge = await importBridge(api, py, stdlib, tools);
    const made = bridge.start(host, JSON.stringify(api.settings));
    bridge.destroy();
    return made;
  });
  return {entry, later: snap.later};
}

// The snapshot's bytes, or null when it cannot be had (the boot then goes without it).
function snapshotBytes(use, {P, message}) {
  return use.then((r) => {
    if (!r.ok) throw new Error('HTTP ' + r.status);
    return r.arrayBuffer();
  }).catch((e) => { console.warn(P + 'snapshot not available, booting normally: ' + message(e)); return null; });
}

// A module of Pyodide: read first (counted), then imported from the HTTP cache.
function importCounted(api, u, {phase, load}) {
  return phase(api, u, () => load(api, u).then(() => import(u)));
}

// start(bytes): Pyodide started, from the snapshot's bytes when given.
function starter(api, {index, stdlib, mod, asm}, {phase, realFetch}) {
  return (bytes) => {
    // No packages are loaded, so the lock file is not fetched: an empty one with the ABI the
    // runtime itself reports (read once the module exists; the real file if it reports none).
    let lock;
    const lockFileContents = new Promise((resolve) => { lock = resolve; });
    const options = {
      indexURL: index, packageBaseUrl: index, lockFileContents,
      createPyodideModule: (settings) => phase(api, null, () => asm.default(settings)).then((m) => {
        const abi = settings.API && settings.API.abiVersion;
        lock(abi ? {info: {abi_version: abi}, packages: {}} : realFetch(index + 'pyodide-lock.json').then((r) => r.json()));
        return m;
      }),
    };
    if (stdlib) options.stdLibURL = stdlib;
    if (bytes) options._loadSnapshot = bytes;
    return phase(api, null, () => mod.loadPyodide(options));
  };
}

// Pyodide from the snapshot when there are bytes (a failed restore boots normally), else normally.
function startFrom(api, bytes, start, {P, message}) {
  if (!bytes) return start(null);
  return start(bytes).then((p) => { api.analytics.timings.snapshot = true; return p; }, (e) => {
    console.warn(P + 'snapshot restore failed, booting normally: ' + message(e));
    return start(null);
  });
}

// integration.bridge, imported; when the trimmed standard library lacks a module, the full one
// replaces it, once.
async function importBridge(api, py, stdlib, {P, fetchCounted, message}) {
  try {
    return py.pyimport('integration.bridge');
  } catch (e) {
    const full = api.url('stdlibFull');
    if (!full || full === stdlib || !/ModuleNotFoundError/.test(String(e))) throw e;
    console.warn(P + 'the trimmed standard library lacks a module (' + message(e) + '); using the full one');
    const bytes = new Uint8Array(await (await fetchCounted(api, full)).arrayBuffer());
    const path = py.runPython("import sys; [p for p in sys.path if p.endswith('.zip')][0]");
    py.FS.writeFile(path, bytes);
    py.runPython(STDLIB_FALLBACK);
    return py.pyimport('integration.bridge');
  }
}
