// QA console live log. Loaded in <head>, before analytics.load(), so nothing is missed:
// each analytics call ('call' event) → the mixpanel.js calls it caused ('mixpanel' events, by
// callId) → what the collector received (polled; track payloads matched by $insert_id = the
// call's messageId, everything else by type and time). Console lines the integration writes
// ("[analytics] …") are kept with the call being delivered.
(function () {
  'use strict';
  var QA = (window.QA = window.QA || {});
  var METHODS = ['identify', 'track', 'page', 'alias', 'group', 'reset'];
  var TYPES = METHODS.concat(['start-up']);
  var POLL_MS = 500;

  var entries = [];
  var byId = {};
  var pendingLines = [];
  var listEl = null;
  var dirty = [];
  var scheduled = false;
  var active = {};
  TYPES.forEach(function (t) { active[t] = true; });
  var seen = 0; // collector records already read
  var baseline = null; // collector records that predate this page
  var hiddenOther = 0;
  var counts = {calls: 0, mixpanel: 0, received: 0};
  var compact = true;
  // Properties mixpanel.js adds to every event / profile update by itself.
  var AUTO = ['$os', '$browser', '$browser_version', '$current_url', '$screen_height', '$screen_width',
    '$lib_version', '$initial_referrer', '$initial_referring_domain', '$referrer', '$referring_domain',
    '$search_engine', '$insert_id', 'mp_sent_by_lib_version', '$mp_api_endpoint', '$mp_api_timestamp_ms'];

  function newEntry(id, method, args, meta) {
    var e = {id: id, method: method, args: args || [], meta: meta || null,
      time: meta ? meta.timestamp : Date.now(), mixpanel: [], collector: [], lines: [],
      delivered: false, cleared: false, el: null};
    entries.push(e);
    if (id) byId[id] = e;
    touch(e);
    return e;
  }

  var startup = newEntry(null, 'start-up');
  var other = null;

  function touch(e) {
    if (dirty.indexOf(e) < 0) dirty.push(e);
    if (!scheduled && listEl) {
      scheduled = true;
      requestAnimationFrame(flush);
    }
  }

  function takeLines(e) {
    if (!pendingLines.length) return;
    e.lines = e.lines.concat(pendingLines);
    pendingLines = [];
    touch(e);
  }

  // -- capture ------------------------------------------------------------------------------
  ['log', 'info', 'warn', 'error'].forEach(function (level) {
    var original = console[level];
    console[level] = function (first) {
      if (typeof first === 'string' && first.indexOf('[analytics]') === 0) {
        pendingLines.push({level: level, text: first});
      }
      return original.apply(console, arguments);
    };
  });

  analytics.on('call', function (d) {
    counts.calls++;
    newEntry(d.callId, d.method, QA.plain(d.args), d.meta);
  });
  analytics.on('mixpanel', function (d) {
    counts.mixpanel++;
    var e = (d.callId && byId[d.callId]) || startup;
    if (e === startup) takeLines(startup);
    e.mixpanel.push({method: d.method, args: QA.plain(d.args), at: Date.now(), used: {}});
    touch(e);
  });
  METHODS.forEach(function (method) {
    analytics.on(method, function (d) {
      var e = byId[d.callId];
      if (!e) return;
      e.delivered = true;
      takeLines(e);
      touch(e);
    });
  });
  analytics.on('status', function () { takeLines(startup); });

  // -- the collector --------------------------------------------------------------------------
  function tokenOf(p) {
    if (!p || typeof p !== 'object') return undefined;
    if (p.properties && 'token' in p.properties) return p.properties.token;
    return p.$token;
  }

  // Which mixpanel.js calls can cause a record (besides a track matched by $insert_id).
  function producers(record) {
    var p = record.payload || {};
    if (record.endpoint === 'track') {
      if (p.event === '$identify') return ['identify'];
      if (p.event === '$create_alias') return ['alias'];
      return ['track', 'track_links', 'track_forms', 'track_pageview'];
    }
    if (record.endpoint === 'groups') return function (m) { return m.indexOf('get_group.') === 0; };
    if (record.endpoint === 'engage') {
      return function (m) { return m.indexOf('people.') === 0 || m === 'identify' || m === 'set_group' || m === 'alias'; };
    }
    return function () { return true; };
  }

  function matcher(list) {
    return typeof list === 'function' ? list : function (m) { return list.indexOf(m) >= 0; };
  }

  function place(record) {
    var p = record.payload || {};
    var insertId = p.properties && p.properties.$insert_id;
    var direct = insertId && byId[insertId];
    var at = record.received * 1000 + 500;
    var ok = matcher(producers(record));
    var key = record.endpoint;
    if (direct) {
      direct.mixpanel.some(function (c) { return ok(c.method) && !c.used[key] && (c.used[key] = true); });
      return {entry: direct, how: '$insert_id'};
    }
    // The oldest call with a matching mixpanel.js call not yet accounted for, else the newest
    // call with a matching mixpanel.js call (one call can cause several records).
    var newest = null;
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      for (var j = 0; j < e.mixpanel.length; j++) {
        var c = e.mixpanel[j];
        if (c.at > at || !ok(c.method)) continue;
        if (!c.used[key]) {
          c.used[key] = true;
          return {entry: e, how: 'type and time'};
        }
        newest = e;
      }
    }
    if (newest) return {entry: newest, how: 'type and time'};
    if (!other) other = newEntry(null, 'other');
    return {entry: other, how: 'no call on this page matched'};
  }

  function read(records) {
    if (records.length < seen) seen = 0; // the collector was emptied
    var fresh = records.slice(seen);
    seen = records.length;
    if (baseline === null) { baseline = true; return; }
    var token = QA.settings ? QA.settings.value('token') : undefined;
    fresh.forEach(function (r) {
      if (token !== undefined && tokenOf(r.payload) !== token) { hiddenOther++; return; }
      counts.received++;
      var where = place(r);
      if (where.entry.cleared) return;
      where.entry.collector.push({endpoint: r.endpoint, method: r.method, batch: r.batch,
        received: r.received, seq: r.seq, matched: where.how, payload: r.payload});
      touch(where.entry);
    });
    renderCounts();
  }

  var polling = false;
  function poll() {
    if (polling) return;
    polling = true;
    fetch('/collector/events', {cache: 'no-store'}).then(function (r) { return r.json(); })
      .then(read).catch(function () { /* the server is gone; try again later */ })
      .finally(function () { polling = false; });
  }
  poll(); // baseline: what the collector held before this page started
  setInterval(function () { if (!document.hidden) poll(); }, POLL_MS);

  // -- rendering ------------------------------------------------------------------------------
  var el = QA.el;

  function typeOf(e) { return e.method === 'other' ? 'start-up' : e.method; }

  function summary(e) {
    if (e.method === 'start-up') return 'mixpanel.init and what ran before the first call';
    if (e.method === 'other') return 'received, but caused by no call on this page';
    var a = e.args;
    var first = a.filter(function (x) { return typeof x === 'string' || typeof x === 'number'; });
    return first.slice(0, 2).map(function (x) { return JSON.stringify(x); }).join(' · ') || '(no id / name)';
  }

  function exportOf(e) {
    return {
      callId: e.id, method: e.method, args: e.args, meta: e.meta,
      mixpanel: e.mixpanel.map(function (c) { return {method: c.method, args: c.args}; }),
      collector: e.collector.map(function (c) {
        return {endpoint: c.endpoint, method: c.method, received: c.received, matched: c.matched, payload: c.payload};
      }),
      console: e.lines,
    };
  }

  // The payload with mixpanel.js's automatic properties left out, and how many were.
  function compacted(payload) {
    var hidden = 0;
    function strip(obj) {
      if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return obj;
      var out = {};
      Object.keys(obj).forEach(function (k) {
        if (AUTO.indexOf(k) >= 0) hidden++;
        else out[k] = obj[k];
      });
      return out;
    }
    var copy = Object.assign({}, payload);
    if (copy.properties) copy.properties = strip(copy.properties);
    if (copy.$set) copy.$set = strip(copy.$set);
    return {payload: copy, hidden: hidden};
  }

  function payloadView(payload) {
    if (!compact) return [el('pre', {class: 'code', text: QA.json(payload)})];
    var c = compacted(payload);
    return [el('pre', {class: 'code', text: QA.json(c.payload)}),
      c.hidden ? el('p', {class: 'muted small', text: '+ ' + c.hidden + ' automatic mixpanel.js properties not shown'}) : null];
  }

  function column(title, count, body, cls) {
    return el('div', {class: 'col ' + cls}, [
      el('h4', {}, [title, count === null ? '' : el('span', {class: 'count', text: ' (' + count + ')'})]),
      body,
    ]);
  }

  function renderEntry(e) {
    var callText = e.method === 'start-up' || e.method === 'other' ? null : QA.callText('analytics.', e.method, e.args);
    var callBody = el('div', {}, [
      callText ? el('pre', {class: 'code', text: callText}) : el('p', {class: 'muted', text: e.method === 'other' ? 'No matching call.' : 'Page load and analytics.load().'}),
      e.meta ? el('p', {class: 'meta', text: 'messageId ' + e.meta.messageId}) : null,
      e.method !== 'start-up' && e.method !== 'other' && !e.delivered && analytics.status !== 'failed'
        ? el('p', {class: 'muted', text: 'queued until the runtime is ready…'}) : null,
      e.lines.length ? el('ul', {class: 'lines'}, e.lines.map(function (l) {
        return el('li', {class: 'line ' + l.level, text: l.level + ': ' + l.text});
      })) : null,
    ]);
    var mpBody = e.mixpanel.length
      ? el('ol', {class: 'calls'}, e.mixpanel.map(function (c) {
        return el('li', {}, el('pre', {class: 'code', text: QA.callText('mixpanel.', c.method, c.args)}));
      }))
      : el('p', {class: 'muted', text: e.delivered || e.method === 'other' ? 'none: this call maps to no mixpanel.js call with these settings' : '—'});
    var colBody = e.collector.length
      ? el('ol', {class: 'calls'}, e.collector.map(function (c) {
        return el('li', {}, [
          el('p', {class: 'endpoint'}, [
            el('strong', {text: c.method + ' /mp/' + c.endpoint}),
            ' ',
            el('span', {class: 'muted', text: QA.time(c.received * 1000) + (c.batch ? ' · batch' : '') + ' · matched by ' + c.matched}),
          ]),
        ].concat(payloadView(c.payload)));
      }))
      : el('p', {class: 'muted', text: e.mixpanel.length ? 'nothing yet (mixpanel.js may batch or keep People updates until identify)' : '—'});

    var copy = el('button', {type: 'button', class: 'small', text: 'Copy JSON',
      'aria-label': 'Copy this ' + e.method + ' entry as JSON',
      onclick: function (ev) {
        var text = JSON.stringify(exportOf(e), null, 2);
        QA.log.lastCopied = text;
        QA.copy(text).then(function () { QA.flash(ev.target, 'Copied'); });
      }});
    var node = el('article', {class: 'entry', 'data-method': typeOf(e), 'data-call-id': e.id || e.method}, [
      el('header', {}, [
        el('span', {class: 'badge ' + typeOf(e), text: e.method}),
        el('time', {text: QA.time(e.time)}),
        el('span', {class: 'summary', text: summary(e)}),
        copy,
      ]),
      el('div', {class: 'cols'}, [
        column('Call', null, callBody, 'c-call'),
        column('→ mixpanel.js', e.mixpanel.length, mpBody, 'c-mp'),
        column('→ Collector', e.collector.length, colBody, 'c-col'),
      ]),
    ]);
    node.hidden = !active[typeOf(e)];
    if (e.el) e.el.replaceWith(node);
    else listEl.insertBefore(node, listEl.firstChild);
    e.el = node;
  }

  function flush() {
    scheduled = false;
    var todo = dirty;
    dirty = [];
    todo.forEach(function (e) { if (!e.cleared) renderEntry(e); });
    renderCounts();
    var empty = QA.$('log-empty');
    if (empty) empty.hidden = entries.some(function (e) { return !e.cleared; });
  }

  function renderCounts() {
    var node = QA.$('log-counts');
    if (!node) return;
    node.textContent = counts.calls + ' calls · ' + counts.mixpanel + ' mixpanel.js calls · ' +
      counts.received + ' received' + (hiddenOther ? ' · ' + hiddenOther + ' from other tokens not shown' : '');
  }

  function setup() {
    listEl = QA.$('log');
    var filters = QA.$('log-filters');
    TYPES.forEach(function (t) {
      filters.appendChild(el('label', {class: 'chip'}, [
        el('input', {type: 'checkbox', checked: true, value: t, onchange: function (ev) {
          active[t] = ev.target.checked;
          entries.forEach(function (e) { if (e.el) e.el.hidden = !active[typeOf(e)]; });
        }}),
        ' ' + t,
      ]));
    });
    QA.$('log-compact').checked = compact;
    QA.$('log-compact').addEventListener('change', function (ev) {
      compact = ev.target.checked;
      entries.forEach(function (e) { if (!e.cleared) touch(e); });
    });
    QA.$('log-clear').addEventListener('click', function () {
      entries.forEach(function (e) { e.cleared = true; if (e.el) e.el.remove(); e.el = null; });
      entries = [];
      other = null;
      flush();
    });
    QA.$('log-copy-all').addEventListener('click', function (ev) {
      var text = JSON.stringify(entries.filter(function (e) { return !e.cleared; }).map(exportOf), null, 2);
      QA.log.lastCopied = text;
      QA.copy(text).then(function () { QA.flash(ev.target, 'Copied'); });
    });
    dirty = entries.slice();
    flush();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setup);
  else setup();

  QA.log = {
    entries: function () { return entries.filter(function (e) { return !e.cleared; }).map(exportOf); },
    poll: poll,
    lastCopied: null,
  };
})();
