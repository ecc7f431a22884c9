// QA console wiring: boot status, settings panel, identity panel, Python panel.
// Everything from input or payloads is shown with textContent, never as HTML.
(function () {
  'use strict';
  var QA = window.QA;
  var el = QA.el;
  var $ = QA.$;

  // -- boot status: bytes of the runtime files (Resource Timing), then the time to ready ----------
  // The files the loader fetches for the chosen runtime, named by the bundle's MANIFEST.json
  // (served beside the loader at /analytics/): listed once it arrives, with the memory snapshot
  // when the bundle has one.
  var BUNDLE = '/analytics/';
  var FILES = [];
  var bundle = {}; // the manifest's `files` map, once read
  function bundleFiles(f) {
    function beside(key, name) { return BUNDLE + f[key].slice(0, f[key].lastIndexOf('/') + 1) + name; }
    var micro = QA.settings.value('runtime') === 'micropython';
    var list = micro ? [
      ['micropython.mjs', beside('micropython', 'micropython.mjs')],
      ['micropython.wasm', beside('micropython', 'micropython.wasm')],
    ] : [
      ['pyodide.asm.wasm', beside('pyodide', 'pyodide.asm.wasm')],
      ['python_stdlib.zip', BUNDLE + (f.stdlib || f.stdlibFull)],
      ['pyodide.asm.mjs', beside('pyodide', 'pyodide.asm.mjs')],
      ['pyodide-lock.json', beside('pyodide', 'pyodide-lock.json')],
      ['pyodide.mjs', beside('pyodide', 'pyodide.mjs')],
    ];
    list.push(['mixpanel.min.js', BUNDLE + f.mixpanel]);
    // MicroPython gets the package precompiled (integration.<hash>.mpy.zip) when the build can.
    list.push(['integration.zip', BUNDLE + (micro && f.mpy ? f.mpy : f['package'])]);
    if (!micro && f.snapshot) list.push(['memory snapshot', BUNDLE + f.snapshot]);
    return list;
  }
  var files = {};

  function addFile(name, url) {
    if (files[name]) return files[name];
    files[name] = {name: name, total: null, got: 0, cached: false, downloaded: false, url: null};
    if (!FILES.some(function (f) { return f[0] === name; })) FILES.push([name, url]);
    fetch(url, {method: 'HEAD', cache: 'no-store'}).then(function (r) {
      var size = Number(r.headers.get('Content-Length'));
      files[name].total = r.ok && size ? size : 0;
      showBoot();
    }).catch(function () { files[name].total = 0; });
    return files[name];
  }

  function fileOf(url) {
    var path;
    try { path = new URL(url).pathname; } catch (e) { return null; }
    if (path.indexOf('/vendor/pyscript') === 0) return null;
    var base = path.slice(path.lastIndexOf('/') + 1);
    if (/^integration\..*zip$/.test(base)) base = 'integration.zip';
    if (/^python_stdlib\..*zip$/.test(base)) base = 'python_stdlib.zip';
    if (/^snapshot\..*\.bin$/.test(base)) base = 'memory snapshot';
    return files[base] || null;
  }

  function showBoot() {
    var total = 0;
    var got = 0;
    var known = true;
    var done = 0;
    var list = QA.clear($('boot-files'));
    FILES.forEach(function (f) {
      var file = files[f[0]];
      if (!file) return;
      if (file.total === null) known = false;
      total += file.total || 0;
      got += Math.min(file.got, file.total || file.got);
      if (file.got) done++;
      list.appendChild(el('li', {class: file.got ? 'ok' : ''}, [
        el('code', {text: file.name}), ' ',
        el('span', {class: 'muted', text: (file.total === null ? '?' : QA.bytes(file.total)) +
          (file.got ? (file.cached ? ' · from cache' : ' · downloaded') : ' · waiting')}),
      ]));
    });
    var status = analytics.status;
    var progress = $('boot-progress');
    if (status === 'loading' || status === 'idle') {
      var pct = known && total ? Math.round((100 * got) / total) : 0;
      progress.value = pct;
      progress.hidden = false;
      $('boot-bytes').textContent = known
        ? 'downloading the runtime: ' + QA.bytes(got) + ' of ' + QA.bytes(total) + ' (' + pct + ' %) · ' + done + ' of ' + FILES.length + ' files'
        : 'downloading the runtime…';
    } else {
      progress.value = status === 'ready' ? 100 : progress.value;
      progress.hidden = status === 'ready';
      if (status === 'ready') {
        var cached = FILES.filter(function (f) { return files[f[0]].cached; }).length;
        $('boot-bytes').textContent = QA.bytes(total) + ' runtime' + (cached ? ', ' + cached + ' of ' + FILES.length + ' files from cache' : '');
      }
    }
  }

  function observeResources() {
    if (!window.PerformanceObserver) return;
    try { performance.setResourceTimingBufferSize(2000); } catch (e) { /* older browsers */ }
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (entry) {
        var file = fileOf(entry.name);
        if (!file || !entry.encodedBodySize) return; // our HEAD requests have no body
        file.got = Math.max(file.got, entry.encodedBodySize);
        // MicroPython's files are fetched twice (a prefetch, then the import): one download.
        file.downloaded = file.downloaded || entry.transferSize > 0;
        file.cached = !file.downloaded;
        file.url = entry.name;
      });
      showBoot();
    }).observe({type: 'resource', buffered: true});
  }
  // The sizes the browser will download (gzip when served so), asked with HEAD requests.
  fetch(BUNDLE + 'MANIFEST.json').then(function (r) { return r.json(); }).then(function (m) {
    bundle = m.files;
    bundleFiles(m.files).forEach(function (f) { addFile(f[0], f[1]); });
    observeResources();
  }).catch(function () { /* the list stays empty */ });

  analytics.ready(function (s) {
    var t = analytics.timings;
    if (s.status === 'ready') {
      $('status').textContent = 'ready in ' + Math.round(t.ready) + ' ms';
      $('status').title = 'analytics.timings.ready: ms since navigation start (' + Math.round(t.ready - t.start) + ' ms after analytics.load())';
      $('boot').classList.add('is-ready');
    } else {
      $('status').textContent = s.status;
      $('boot').classList.add('is-failed');
      var box = QA.clear($('boot-error'));
      box.appendChild(el('p', {}, [el('strong', {text: 'The integration did not start. '}), String(s.error)]));
      box.appendChild(el('p', {text: 'Calls made on this page are dropped. Check that serve.py is running, that ' +
        'the runtime files are installed (npm ci), and the browser console.'}));
      box.hidden = false;
    }
    showBoot();
    refreshIdentity();
  });
  showBoot();

  if (QA.settings.urlError) {
    $('settings-url-error').textContent = QA.settings.urlError;
    $('settings-url-error').hidden = false;
  }

  // -- settings panel ------------------------------------------------------------------------
  var controls = {};

  function kindOf(row) { return row[1].split(':')[0]; }

  function showValue(row, value) {
    var input = controls[row[0]];
    var kind = kindOf(row);
    if (kind === 'bool') input.checked = value === true;
    else if (kind === 'list') input.value = Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? '' : JSON.stringify(value);
    else if (kind === 'json') input.value = value && Object.keys(value).length ? JSON.stringify(value, null, 2) : '';
    else input.value = value === null || value === undefined ? '' : String(value);
  }

  function readValue(row) {
    var input = controls[row[0]];
    var kind = kindOf(row);
    if (kind === 'bool') return {value: input.checked};
    var raw = input.value.trim();
    if (kind === 'list') {
      if (!raw) return {value: []};
      if (raw.charAt(0) === '[') {
        try {
          var list = JSON.parse(raw);
          if (Array.isArray(list)) return {value: list};
        } catch (e) { /* reported below */ }
        return {error: 'A JSON list like ["Logged In", "Signed Up"], or names separated by commas.'};
      }
      return {value: raw.split(',').map(function (s) { return s.trim(); }).filter(Boolean)};
    }
    if (kind === 'json') {
      if (!raw) return {value: {}};
      try {
        var obj = JSON.parse(raw);
        if (obj && typeof obj === 'object' && !Array.isArray(obj)) return {value: obj};
        return {error: 'Must be a JSON object, like {"batch_requests": false}.'};
      } catch (e) {
        return {error: 'Not valid JSON: ' + e.message};
      }
    }
    if (row[2] === null && raw === '') return {value: null};
    if (kind === 'number') {
      var number = raw === '' ? row[2] : Number(raw);
      return typeof number === 'number' && isNaN(number) ? {error: 'A number, like 30.'} : {value: number};
    }
    return {value: input.value};
  }

  // The settings as edited: {settings, errors}; keys equal to the default are left out.
  function collect() {
    var out = {};
    var errors = 0;
    QA.settings.rows.forEach(function (row) {
      var r = readValue(row);
      var name = row[0];
      var box = controls[name].closest('.setting');
      $('set-' + name + '-error').textContent = r.error || '';
      controls[name].setAttribute('aria-invalid', r.error ? 'true' : 'false');
      if (r.error) { errors++; return; }
      out[name] = r.value;
      box.classList.toggle('changed', !QA.settings.same(r.value, row[2]));
      box.classList.toggle('edited', !QA.settings.same(r.value, QA.settings.value(name)));
    });
    // Keys the integration knows but the panel does not edit survive (e.g. a pasted "increments").
    Object.keys(QA.settings.current).forEach(function (k) {
      if (!QA.settings.known(k)) out[k] = QA.settings.current[k];
    });
    var settings = QA.settings.minimal(out);
    var edits = document.querySelectorAll('#settings-form .setting.edited').length;
    $('settings-apply').disabled = errors > 0;
    $('settings-apply').textContent = edits ? 'Apply and restart (' + edits + ' edited)' : 'Apply and restart';
    return {settings: settings, errors: errors};
  }

  function settingRow(row) {
    var name = row[0];
    var kind = kindOf(row);
    var id = 'set-' + name;
    var input;
    if (kind === 'bool') {
      input = el('input', {type: 'checkbox', id: id});
    } else if (kind === 'select') {
      input = el('select', {id: id}, row[1].split(':')[1].split('|').map(function (opt) {
        return el('option', {value: opt, text: opt || '(not set)'});
      }));
    } else if (kind === 'json') {
      input = el('textarea', {id: id, class: 'json', rows: 2, spellcheck: 'false', placeholder: '{}'});
    } else {
      input = el('input', {type: 'text', id: id, autocomplete: 'off', spellcheck: 'false',
        placeholder: name === 'apiHost' ? QA.settings.collectorHost : kind === 'list' ? 'names, comma-separated' : ''});
    }
    input.setAttribute('aria-describedby', id + '-hint ' + id + '-error');
    input.addEventListener(kind === 'bool' || kind === 'select' ? 'change' : 'input', collect);
    controls[name] = input;
    var def = name === 'apiHost' ? 'none (this console: ' + QA.settings.collectorHost + ')' : JSON.stringify(row[2]);
    return el('div', {class: 'setting setting-' + kind}, [
      kind === 'bool'
        ? el('label', {class: 'check', for: id}, [input, ' ', el('code', {text: name})])
        : el('label', {for: id}, el('code', {text: name})),
      kind === 'bool' ? null : input,
      el('small', {id: id + '-hint', class: 'hint'}, [el('span', {class: 'default', text: 'default ' + def}), ' · ' + row[3]]),
      el('small', {id: id + '-error', class: 'error', 'aria-live': 'polite'}),
    ]);
  }

  function fillSettings(source) {
    QA.settings.rows.forEach(function (row) {
      showValue(row, Object.prototype.hasOwnProperty.call(source, row[0]) ? source[row[0]] : row[2]);
    });
    collect();
  }

  function buildSettings() {
    QA.settings.segmentRows.forEach(function (row) { $('settings-segment').appendChild(settingRow(row)); });
    QA.settings.ourRows.forEach(function (row) { $('settings-ours').appendChild(settingRow(row)); });
    fillSettings(QA.settings.current);
    $('settings-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var r = collect();
      if (!r.errors) QA.settings.apply(r.settings, {preset: null});
    });
    $('settings-revert').addEventListener('click', function () { fillSettings(QA.settings.current); });
    $('settings-defaults').addEventListener('click', function () {
      fillSettings({});
      $('settings-msg').textContent = 'Segment\'s defaults are in the form (not applied yet). Note: token is empty and batch_requests is back on.';
    });
    $('settings-link').addEventListener('click', function (ev) {
      var r = collect();
      var link = location.origin + QA.settings.urlFor(r.settings, {preset: null});
      QA.copy(link).then(function () { QA.flash(ev.target, 'Link copied'); });
      $('settings-msg').textContent = 'Link: ' + link;
    });
    $('settings-fresh').addEventListener('click', function () {
      document.cookie.split('; ').forEach(function (c) {
        var name = c.split('=')[0];
        if (name) document.cookie = name + '=; path=/; max-age=0';
      });
      try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* blocked */ }
      location.reload();
    });
    $('segment-apply').addEventListener('click', applyPasted);
  }

  // Segment's JSON: the Mixpanel object, {"Mixpanel": {...}} or {"integrations": {"Mixpanel": {...}}}.
  function applyPasted() {
    var msg = $('segment-msg');
    var input = $('segment-json');
    var parsed;
    try {
      parsed = JSON.parse(input.value);
    } catch (e) {
      msg.textContent = 'Not valid JSON: ' + e.message;
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    if (parsed && parsed.integrations && typeof parsed.integrations === 'object') parsed = parsed.integrations;
    if (parsed && parsed.Mixpanel && typeof parsed.Mixpanel === 'object') parsed = parsed.Mixpanel;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
      msg.textContent = 'Expected a JSON object with Mixpanel settings.';
      input.setAttribute('aria-invalid', 'true');
      return;
    }
    // Everything is passed on, so the integration's own warnings about unknown keys show in
    // the log's start-up entry; the keys the browser integration never reads (secrets among
    // them) are left out: they do not belong in a link.
    var settings = {apiHost: null, mixpanelConfig: {batch_requests: false}};
    var skipped = [];
    Object.keys(parsed).forEach(function (key) {
      if (QA.settings.segmentOnly.indexOf(key) >= 0) skipped.push(key);
      else settings[key] = parsed[key];
    });
    input.setAttribute('aria-invalid', 'false');
    msg.textContent = (skipped.length ? 'Left out (never read in the browser): ' + skipped.join(', ') + '. ' : '') + 'Restarting…';
    QA.settings.apply(settings, {preset: null});
  }

  // -- identity panel ------------------------------------------------------------------------
  function put(id, value) {
    var node = $(id);
    var text = value === null || value === undefined || value === '' ? '—' : typeof value === 'string' ? value : QA.json(value);
    if (node.textContent === text) return;
    node.textContent = text;
    node.classList.remove('flash');
    void node.offsetWidth; // restart the highlight
    node.classList.add('flash');
  }

  function refreshIdentity() {
    var mp = window.mixpanel;
    var live = analytics.status === 'ready' && mp && typeof mp.get_distinct_id === 'function';
    try {
      var user = analytics.user();
      put('id-user', user.id());
      put('id-anonymous', user.anonymousId());
      put('id-traits', user.traits());
      if (live) {
        put('id-distinct', mp.get_distinct_id());
        put('id-device', mp.get_property('$device_id'));
        put('id-super', mp.persistence && mp.persistence.properties ? mp.persistence.properties() : null);
      }
    } catch (e) {
      put('id-super', 'could not read: ' + e.message);
    }
  }

  var pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    setTimeout(function () { pending = false; refreshIdentity(); }, 50);
  }
  ['identify', 'track', 'page', 'alias', 'group', 'reset', 'mixpanel', 'status'].forEach(function (name) {
    analytics.on(name, soon);
  });
  setInterval(function () { if (!document.hidden) refreshIdentity(); }, 2000);

  // -- Python panel: PyScript on demand, never from a CDN ---------------------------------------
  var pyScript = $('py-example');
  $('py-code').textContent = pyScript.textContent.trim();

  function startPython() {
    var button = $('py-start');
    button.disabled = true;
    $('py-out').textContent = 'Loading PyScript and a Python runtime…';
    // The interpreter and package URLs the loader used (versioned: already in the cache).
    var interpreter = (files['pyodide.mjs'] || {}).url || BUNDLE + bundle.pyodide + 'pyodide.mjs';
    var pkg = (files['integration.zip'] || {}).url || BUNDLE + bundle['package'];
    var filesConfig = {};
    filesConfig[new URL(pkg, location.href).pathname] = './*';
    pyScript.setAttribute('config', JSON.stringify({interpreter: new URL(interpreter, location.href).pathname, files: filesConfig}));
    document.head.appendChild(el('link', {rel: 'stylesheet', href: '/vendor/pyscript/core.css'}));
    var core = el('script', {type: 'module', src: '/vendor/pyscript/core.js'});
    core.addEventListener('error', function () {
      $('py-out').textContent = 'Could not load PyScript from /vendor/pyscript/ (is it installed? npm ci).';
      button.disabled = false;
    });
    document.head.appendChild(core);
  }
  $('py-start').addEventListener('click', startPython);

  buildSettings();
  refreshIdentity();
})();
