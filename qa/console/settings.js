// QA console: the integration's surface (methods, settings table, runtime files) read as JSON
// from the bundle, and the console's settings, kept in the URL as ?settings=JSON.
// Loaded in <head> right after the loader: the page's boot script reads QA.settings.current
// before analytics.load(); the panels wait for QA.surface (a Promise of the surface JSON).
// Nothing here spells out a method or a setting: every list comes from the surface.
(function () {
  'use strict';
  var QA = (window.QA = window.QA || {});

  // -- the surface -----------------------------------------------------------------------------
  // The loader's own <script> (index.html marks it), else the last script named analytics*.js.
  function loaderScript() {
    var marked = document.querySelector('script[data-qa-loader]');
    if (marked) return marked;
    var all = [].slice.call(document.querySelectorAll('script[src]')).filter(function (s) {
      return /\/analytics(\.min)?\.js(\?|$)/.test(s.src);
    });
    return all[all.length - 1] || null;
  }

  // The bundle names its files relative to its root, which is relative to the loader's URL:
  // files.surface is integration.surface.as_json(), written by the build. The loader lends its
  // bundle object as analytics._bundle; a loader that does not is asked about through the
  // bundle's MANIFEST.json beside it (the same `files` map), and a loader that predates the
  // bundle through a surface.json beside it.
  var loaderSrc = (loaderScript() || {}).src || location.href;

  function fromBundle(b, base, how) {
    QA.bundle = {root: b.root || '', files: b.files, base: base, how: how};
    QA.surfaceSource = {url: new URL(QA.bundle.root + b.files.surface, base).href, fromBundle: true};
    return QA.surfaceSource.url;
  }

  function getJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status + ' for ' + url);
      return r.json();
    });
  }

  function surfaceUrl() {
    var bundle = window.analytics && window.analytics._bundle;
    if (bundle && bundle.files && bundle.files.surface) return Promise.resolve(fromBundle(bundle, loaderSrc, 'analytics._bundle'));
    var manifest = new URL('MANIFEST.json', loaderSrc).href;
    return getJson(manifest).then(function (m) {
      if (m && m.files && m.files.surface) return fromBundle({root: '', files: m.files}, manifest, 'MANIFEST.json');
      throw new Error('no files.surface');
    }).catch(function () {
      QA.surfaceSource = {url: new URL('surface.json', loaderSrc).href, fromBundle: false};
      return QA.surfaceSource.url;
    });
  }

  QA.bundle = null; // {root, files, base, how} once known
  QA.surfaceSource = null;
  QA.surface = surfaceUrl().then(getJson).then(function (s) {
    if (!s || typeof s !== 'object' || !s.methods) throw new Error('not a surface (no "methods")');
    s.settings = Array.isArray(s.settings) ? s.settings : [];
    QA.surfaceData = s;
    setRows(s.settings, s.segmentOnlySettings);
    return s;
  });
  QA.surface.catch(function (e) {
    QA.surfaceError = 'Could not read the integration\'s surface (' + e.message + '): ' +
      'the method list and the settings rows come from it.';
  });
  // Runs fn(surface) once it is read; never throws into the page.
  QA.withSurface = function (fn) {
    QA.surface.then(function (s) {
      try { fn(s); } catch (e) { console.error('[qa console] ' + e.message); }
    }, function () { /* reported by the page's alert */ });
  };

  // -- the settings rows -----------------------------------------------------------------------
  // A row: {name, kind, default, help[, segment]}; kind bool | string | list | json |
  // number | select:<a|b|…> (an empty option means "not set").
  var ROWS = [];
  var BY_NAME = {};
  var SEGMENT_ONLY = [];

  function setRows(rows, segmentOnly) {
    ROWS = rows.filter(function (r) { return r && typeof r.name === 'string'; });
    BY_NAME = {};
    ROWS.forEach(function (row) { BY_NAME[row.name] = row; });
    SEGMENT_ONLY = Array.isArray(segmentOnly) ? segmentOnly : [];
    QA.settings.rows = ROWS;
    QA.settings.segmentOnly = SEGMENT_ONLY;
  }

  var START = {token: 'demo-token', people: true, mixpanelConfig: {batch_requests: false}};
  var PARAM = 'settings';

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  // Only what differs from the integration's defaults is kept (short, readable links).
  function minimal(settings) {
    var out = {};
    Object.keys(settings).forEach(function (key) {
      var row = BY_NAME[key];
      if (!row || !same(settings[key], row.default)) out[key] = settings[key];
    });
    return out;
  }

  function fromUrl() {
    var raw = new URLSearchParams(location.search).get(PARAM);
    if (raw === null) return {settings: Object.assign({}, START), error: null, fromLink: false};
    try {
      var parsed = JSON.parse(raw);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
      return {settings: parsed, error: null, fromLink: true};
    } catch (e) {
      return {settings: Object.assign({}, START), error: 'The settings in the link could not be read (' + e.message + '); the console defaults are used.', fromLink: false};
    }
  }

  function urlFor(settings, extra) {
    var params = new URLSearchParams(location.search);
    params.set(PARAM, JSON.stringify(minimal(settings)));
    Object.keys(extra || {}).forEach(function (k) {
      if (extra[k] === null) params.delete(k); else params.set(k, extra[k]);
    });
    return location.pathname + '?' + params.toString().replace(/%2C/g, ',').replace(/%3A/g, ':');
  }

  var loaded = fromUrl();
  var current = loaded.settings;

  QA.settings = {
    rows: ROWS,
    start: START,
    current: current,
    urlError: loaded.error,
    collectorHost: location.origin + '/mp',
    // What analytics.load() receives: the console always sends to its own collector unless
    // apiHost names another host.
    forLoad: function () {
      var s = Object.assign({}, current);
      if (!s.apiHost) s.apiHost = location.origin + '/mp';
      return s;
    },
    // The set-up's value, else the surface's default (undefined before the surface is read).
    value: function (name) {
      if (Object.prototype.hasOwnProperty.call(current, name)) return current[name];
      return BY_NAME[name] ? BY_NAME[name].default : undefined;
    },
    row: function (name) { return BY_NAME[name] || null; },
    urlFor: urlFor,
    // Apply: reload the page with the settings in the URL (a restart of the integration).
    apply: function (settings, extra) {
      location.assign(urlFor(settings, extra));
    },
    minimal: minimal,
    same: same,
    known: function (key) { return Object.prototype.hasOwnProperty.call(BY_NAME, key); },
    segmentOnly: SEGMENT_ONLY,
  };

  // Keep the URL a reproducible link from the first moment.
  if (!loaded.fromLink) {
    try { history.replaceState(null, '', urlFor(current)); } catch { /* sandboxed */ }
  }
})();
