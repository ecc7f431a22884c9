// QA console: which Python runtime the loader chose and why (analytics.runtime), a switch that
// restarts the console on another one, and the boot status: the runtime files as they arrive.
// The file list comes from the bundle (QA.bundle: analytics._bundle or the bundle's manifest)
// and the surface's runtimeFiles;
// a loader without a bundle object gets the files it was seen fetching.
(function () {
  'use strict';
  var QA = window.QA;
  var el = QA.el;
  var $ = QA.$;

  // -- the runtime: chosen by the loader, switched through the settings URL --------------------
  function chosen() {
    var r = window.analytics && analytics.runtime;
    return r && typeof r === 'object' && r.name ? r : null;
  }

  // What the set-up asks for: a runtime name, or "auto" (the loader decides).
  function asked() {
    var v = QA.settings.value('runtime');
    return typeof v === 'string' && v ? v : 'auto';
  }

  function showRuntime() {
    var r = chosen();
    var name = $('runtime-name');
    var text = r ? String(r.name) : 'unknown';
    if (name.textContent !== text) name.textContent = text;
    $('runtime-reason').textContent = r
      ? (r.reason ? String(r.reason) : 'no reason given')
      : 'this loader does not say which runtime it chose (no analytics.runtime)';
    $('runtime-asked').textContent = 'asked for: ' + asked();
  }

  function buildSwitch(surface) {
    var select = $('runtime-choice');
    QA.clear(select);
    ['auto'].concat(Object.keys(surface.runtimeFiles || {})).forEach(function (name) {
      select.appendChild(el('option', {value: name, text: name === 'auto' ? 'auto (the loader decides)' : name}));
    });
    select.value = asked();
    if (select.value !== asked()) select.appendChild(el('option', {value: asked(), text: asked(), selected: true}));
    $('runtime-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var settings = Object.assign({}, QA.settings.current);
      var want = select.value;
      if (want === 'auto') delete settings.runtime; else settings.runtime = want;
      $('runtime-switch').disabled = true;
      QA.settings.apply(settings, {preset: null});
    });
    $('runtime-switch').disabled = false;
  }

  // -- the runtime files ----------------------------------------------------------------------
  var loader = document.querySelector('script[data-qa-loader]');
  var loaderSrc = (loader && loader.src) || location.href;
  var rows = []; // {name, path, prefix, got, downloaded, seen}
  var byName = {};
  var bundleFiles = null; // [{key, url, prefix}] of the bundle, once known

  function addRow(name, path) {
    if (byName[name]) return byName[name];
    var row = {name: name, path: path, got: 0, downloaded: false, seen: false};
    rows.push(row);
    byName[name] = row;
    return row;
  }

  // A bundle file's requests: a folder (Pyodide's indexURL) or a versioned folder holding the
  // named file and what it loads beside it (micropython.wasm, mixpanel's lazy bundles).
  function prefixOf(rel, url) {
    if (/\/$/.test(rel)) return url;
    return rel.indexOf('/') >= 0 ? url.slice(0, url.lastIndexOf('/') + 1) : url;
  }

  function readBundle(surface) {
    var b = QA.bundle;
    if (!b) return;
    bundleFiles = Object.keys(b.files).filter(function (k) { return typeof b.files[k] === 'string'; }).map(function (k) {
      var url = new URL(b.root + b.files[k], b.base).href;
      var prefix = prefixOf(b.files[k], url);
      return {key: k, url: url, prefix: prefix, exact: prefix === url && !/\/$/.test(url)};
    });
    listExpected(surface);
    // Files that arrived before the bundle was known (the stub fetches some while the page is
    // still loading) are matched now; take() counts each URL once.
    take(performance.getEntriesByType('resource'));
  }

  // The runtime's files are listed before they arrive; others (a snapshot) once seen.
  function listExpected(surface) {
    var r = chosen();
    var name = r ? r.name : asked();
    var keys = (surface.runtimeFiles || {})[name] || [];
    if (!bundleFiles) return;
    keys.forEach(function (k) {
      var f = bundleFiles.filter(function (x) { return x.key === k; })[0];
      if (f) addRow(k, QA.bundle.files[k]);
    });
    showBoot();
  }

  // Resources the console itself asks for (its tags are marked data-qa) are not the runtime's.
  function ownRequest(url) {
    var path = url.pathname;
    return url.origin !== location.origin || path === location.pathname || /^\/(mp|collector)\//.test(path) ||
      url.href === loaderSrc || /\/MANIFEST\.json$/.test(path) || (QA.surfaceSource && url.href === QA.surfaceSource.url) ||
      [].some.call(document.querySelectorAll('script[data-qa], link[data-qa]'), function (n) {
        return (n.src || n.href) === url.href;
      });
  }

  function rowOf(href) {
    var url;
    try { url = new URL(href); } catch { return null; }
    if (ownRequest(url)) return null;
    if (!bundleFiles && QA.bundle) return null; // matched once readBundle has run
    if (bundleFiles) {
      var best = null;
      bundleFiles.forEach(function (f) {
        var hit = f.exact ? href.split('?')[0] === f.url : href.indexOf(f.prefix) === 0;
        if (hit && (!best || f.prefix.length > best.prefix.length)) best = f;
      });
      return best ? addRow(best.key, QA.bundle.files[best.key]) : null;
    }
    var base = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    return base ? addRow(base, url.pathname) : null;
  }

  function showBoot() {
    var got = 0;
    var done = 0;
    var list = QA.clear($('boot-files'));
    // Once ready, a file the boot never asked for was not needed (a snapshot holds the stdlib).
    var settled = analytics.status === 'ready';
    rows.forEach(function (row) {
      got += row.got;
      if (row.seen) done++;
      var state = row.seen ? QA.bytes(row.got) + (row.downloaded ? ' · downloaded' : ' · from cache')
        : settled ? 'not needed by this boot' : 'waiting';
      list.appendChild(el('li', {class: row.seen ? 'ok' : settled ? 'skip' : ''}, [
        el('code', {text: row.name}), ' ',
        el('span', {class: 'muted', text: state +
          (row.path && row.path !== row.name ? ' · ' + row.path : '')}),
      ]));
    });
    var status = analytics.status;
    var progress = $('boot-progress');
    if (status === 'loading' || status === 'idle') {
      var pct = rows.length ? Math.round((100 * done) / rows.length) : 0;
      progress.value = pct;
      progress.hidden = false;
      $('boot-bytes').textContent = 'loading the runtime: ' + QA.bytes(got) + ' so far · ' + done + ' of ' + rows.length + ' files';
    } else {
      progress.value = status === 'ready' ? 100 : progress.value;
      progress.hidden = status === 'ready';
      if (status === 'ready') {
        var cached = rows.filter(function (r) { return r.seen && !r.downloaded; }).length;
        $('boot-bytes').textContent = QA.bytes(got) + ' runtime in ' + rows.length + ' files' +
          (cached ? ', ' + cached + ' from cache' : '');
      }
    }
  }

  if (window.PerformanceObserver) {
    try { performance.setResourceTimingBufferSize(2000); } catch { /* older browsers */ }
    // The console's own tags are all parsed by DOMContentLoaded (the preload scanner may fetch
    // them sooner): entries seen before then wait, so they are told apart from the runtime's.
    var early = [];
    document.addEventListener('DOMContentLoaded', function () { take(early); early = null; });
    new PerformanceObserver(function (list) {
      if (early) early = early.concat(list.getEntries());
      else take(list.getEntries());
    }).observe({type: 'resource', buffered: true});
  }

  function take(entries) {
    if (entries.length) {
      entries.forEach(function (entry) {
        var row = rowOf(entry.name);
        if (!row || !entry.encodedBodySize) return; // HEAD probes have no body
        row.seen = true;
        // A file fetched twice (prefetch, then import) counts once.
        row.got += row.urls && row.urls[entry.name] ? 0 : entry.encodedBodySize;
        row.urls = row.urls || {};
        row.urls[entry.name] = true;
        row.downloaded = row.downloaded || entry.transferSize > 0;
      });
      showBoot();
    }
  }

  analytics.ready(function (s) {
    var t = analytics.timings || {};
    take(t.workerResources || []); // what the runtime's worker fetched itself (its modules)
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
    refresh();
    showBoot();
  });

  // The loader may name its choice only when it starts the boot (after the load event).
  function refresh() {
    showRuntime();
    if (QA.surfaceData) listExpected(QA.surfaceData);
  }

  QA.withSurface(function (s) {
    buildSwitch(s);
    readBundle(s);
  });
  showRuntime();
  showBoot();
  analytics.on('shim:status', refresh);
  window.addEventListener('load', refresh);
  var poll = setInterval(function () {
    refresh();
    if (chosen() || analytics.status === 'ready' || analytics.status === 'failed') clearInterval(poll);
  }, 250);
  QA.runtime = {chosen: chosen, asked: asked, show: refresh};
})();
