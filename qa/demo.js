// QA console wiring: settings panel (one row per setting of the surface JSON), identity panel.
// Everything from input or payloads is shown with textContent, never as HTML.
(function () {
  'use strict';
  var QA = window.QA;
  var el = QA.el;
  var $ = QA.$;

  if (QA.settings.urlError) {
    $('settings-url-error').textContent = QA.settings.urlError;
    $('settings-url-error').hidden = false;
  }
  QA.surface.catch(function () {
    var box = $('surface-error');
    box.textContent = QA.surfaceError;
    box.hidden = false;
  });

  // -- settings panel: one row per row of the surface's settings table -----------------------
  var controls = {};

  // bool | string | list | json | number | select:<a|b>; unknown kinds follow the default's type.
  function kindOf(row) {
    var kind = String(row.kind || '').split(':')[0];
    if (/^(bool|string|list|json|number|select)$/.test(kind)) return kind;
    var d = row.default;
    return typeof d === 'boolean' ? 'bool' : Array.isArray(d) ? 'list' : d && typeof d === 'object' ? 'json'
      : typeof d === 'number' ? 'number' : 'string';
  }

  function optionsOf(row) { return String(row.kind).split(':').slice(1).join(':').split('|'); }

  function showValue(row, value) {
    var input = controls[row.name];
    var kind = kindOf(row);
    if (kind === 'bool') input.checked = value === true;
    else if (kind === 'list') input.value = Array.isArray(value) ? value.map(listItem).join(', ') : value === undefined || value === null ? '' : JSON.stringify(value);
    else if (kind === 'json') input.value = value && Object.keys(value).length ? JSON.stringify(value, null, 2) : '';
    else input.value = value === null || value === undefined ? '' : String(value);
  }

  // Lists of names are edited as "a, b"; a list holding objects ({eventName: …}) as JSON.
  function listItem(x) { return typeof x === 'string' && x.indexOf(',') < 0 ? x : JSON.stringify(x); }

  function readValue(row) {
    var input = controls[row.name];
    var kind = kindOf(row);
    if (kind === 'bool') return {value: input.checked};
    var raw = input.value.trim();
    if (kind === 'list') {
      if (!raw) return {value: []};
      if (raw.charAt(0) === '[') {
        try {
          var list = JSON.parse(raw);
          if (Array.isArray(list)) return {value: list};
        } catch { /* reported below */ }
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
    if (row.default === null && raw === '') return {value: null};
    if (kind === 'number') {
      if (raw === '') return {value: row.default};
      var n = Number(raw);
      return isFinite(n) ? {value: n} : {error: 'A number, like 50.'};
    }
    return {value: input.value};
  }

  // The settings as edited: {settings, errors}; keys equal to the default are left out.
  function collect() {
    var out = {};
    var errors = 0;
    QA.settings.rows.forEach(function (row) {
      var r = readValue(row);
      var name = row.name;
      var box = controls[name].closest('.setting');
      $('set-' + name + '-error').textContent = r.error || '';
      controls[name].setAttribute('aria-invalid', r.error ? 'true' : 'false');
      if (r.error) { errors++; return; }
      out[name] = r.value;
      box.classList.toggle('changed', !QA.settings.same(r.value, row.default));
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
    var name = row.name;
    var kind = kindOf(row);
    var id = 'set-' + name;
    var input;
    if (kind === 'bool') {
      input = el('input', {type: 'checkbox', id: id});
    } else if (kind === 'select') {
      input = el('select', {id: id}, optionsOf(row).map(function (opt) {
        return el('option', {value: opt, text: opt || '(not set)'});
      }));
    } else if (kind === 'json') {
      input = el('textarea', {id: id, class: 'json', rows: 2, spellcheck: 'false', placeholder: '{}'});
    } else {
      input = el('input', {type: 'text', id: id, autocomplete: 'off', spellcheck: 'false', inputmode: kind === 'number' ? 'decimal' : null,
        placeholder: name === 'apiHost' ? QA.settings.collectorHost : kind === 'list' ? 'names, comma-separated' : ''});
    }
    input.setAttribute('aria-describedby', id + '-hint ' + id + '-error');
    input.addEventListener(kind === 'bool' || kind === 'select' ? 'change' : 'input', collect);
    controls[name] = input;
    var def = name === 'apiHost' ? 'none (this console: ' + QA.settings.collectorHost + ')' : JSON.stringify(row.default);
    return el('div', {class: 'setting setting-' + kind, 'data-setting': name}, [
      kind === 'bool'
        ? el('label', {class: 'check', for: id}, [input, ' ', el('code', {text: name})])
        : el('label', {for: id}, el('code', {text: name})),
      kind === 'bool' ? null : input,
      el('small', {id: id + '-hint', class: 'hint'}, [el('span', {class: 'default', text: 'default ' + def}), row.help ? ' · ' + row.help : '']),
      el('small', {id: id + '-error', class: 'error', 'aria-live': 'polite'}),
    ]);
  }

  function fillSettings(source) {
    QA.settings.rows.forEach(function (row) {
      showValue(row, Object.prototype.hasOwnProperty.call(source, row.name) ? source[row.name] : row.default);
    });
    collect();
  }

  // Rows marked segment: true / false by the surface go under the two headings; rows that say
  // neither go under Segment's heading unless some row says which ones are ours.
  function buildSettings() {
    var marked = QA.settings.rows.some(function (row) { return typeof row.segment === 'boolean'; });
    $('settings-ours-h').hidden = !marked;
    $('settings-segment-h').textContent = marked ? 'Segment\'s settings' : 'Settings';
    QA.settings.rows.forEach(function (row) {
      $(marked && row.segment === false ? 'settings-ours' : 'settings-segment').appendChild(settingRow(row));
    });
    $('settings-count').textContent = QA.settings.rows.length + ' settings, from the integration\'s surface.';
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
      try { localStorage.clear(); sessionStorage.clear(); } catch { /* blocked */ }
      location.reload();
    });
    $('settings-apply').disabled = false;
  }

  // Never put into a link, whatever the surface lists as never read in the browser.
  var SECRET = /secret|^apiKey$|^gdprApiToken$/i; // surface.py SECRET_SETTINGS, and Segment's apiKey

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
      if (QA.settings.segmentOnly.indexOf(key) >= 0 || SECRET.test(key)) skipped.push(key);
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
      var group = analytics.group();
      put('id-group', group.id());
      put('id-group-traits', group.traits());
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
  ['shim:mixpanel', 'shim:status'].forEach(function (name) { analytics.on(name, soon); });
  QA.withSurface(function (surface) {
    Object.keys(surface.methods).forEach(function (name) { analytics.on(name, soon); });
  });
  setInterval(function () { if (!document.hidden) refreshIdentity(); }, 2000);

  $('segment-apply').addEventListener('click', applyPasted);
  QA.withSurface(buildSettings);
  refreshIdentity();
})();
