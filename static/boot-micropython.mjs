/* boot-micropython.mjs: the MicroPython boot, imported by boot.mjs when MicroPython was chosen
 * (the stub imports it and micropython.mjs, and fetches the other runtime files, at
 * DOMContentLoaded). bootMicroPython(api, host, tools) gets the stub's `api` (see boot.mjs),
 * the host functions Python calls and boot.mjs's helpers {P, phase, load, loadMixpanel}; it
 * resolves to Python's dispatch, or null when the boot had already failed. mixpanel.js loads
 * while MicroPython starts.
 */
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
export async function bootMicroPython(api, host, tools) {
  const {P, phase, load, loadMixpanel} = tools;
  const mjs = api.url('micropython');
  const wasm = new URL('micropython.wasm', mjs).href;
  const zip = load(api, api.url(api.B.files.mpy ? 'mpy' : 'package')).then((b) => b.arrayBuffer());
  zip.catch(() => {}); // awaited below; reported there
  // The late zip (protocol.LATE_MODULES): at once in the page; a worker asks for it after ready.
  const late = tools.lateLater || !hasLate(api) ? Promise.resolve(null) : fetchLate(api, load);
  late.catch(() => {});
  const mixpanel = loadMixpanel(api); // meanwhile (awaited with the package below)
  mixpanel.catch(() => {});
  const mod = await phase(api, mjs, () => import(mjs)); // the stub's import, in flight or done
  const mp = await phase(api, null, () => mod.loadMicroPython({
    url: wasm,
    heapsize: 8 * 1024 * 1024,
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(P + line),
  }));
  const [files, lateFiles] = await Promise.all([zip.then(unzip), late, mixpanel]);
  return phase(api, null, () => {
    install(mp, files.concat(lateFiles || []));
    // `from __future__ import annotations` needs a stand-in module; a JS one needs no compiling.
    mp.registerJsModule('__future__', {annotations: true});
    api.analytics.micropython = mp;
    if (api.status() !== 'loading') return null;
    return mp.pyimport('integration.bridge').start(host, JSON.stringify(api.settings));
  });
}

function install(mp, files) {
  for (const f of files) {
    mp.FS.mkdirTree('/lib/' + f.name.split('/').slice(0, -1).join('/'));
    mp.FS.writeFile('/lib/' + f.name, f.bytes);
  }
}

// The late zip goes with the early .mpy zip only (the .py package holds every module).
export const hasLate = (api) => !!(api.B.files.mpy && api.B.files.mpyLate);
const fetchLate = (api, load) => load(api, api.url('mpyLate')).then((b) => b.arrayBuffer()).then(unzip);

// The late zip into the started runtime (a worker: in idle time after ready, or when a call in
// protocol.LATE_CALLS comes first). Resolves once its modules can be imported; rejects if not.
export async function loadLate(api, tools) {
  if (!hasLate(api)) return;
  install(api.analytics.micropython, await fetchLate(api, tools.load));
}
