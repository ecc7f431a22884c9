// QA console live log. Loaded in <head>, before analytics.load(), so nothing is missed:
// each analytics call ('call' event) → the mixpanel.js calls it caused ('mixpanel' events, by
// callId) → what the collector received (polled; track payloads matched by $insert_id = the
// call's messageId, everything else by type and time). Console lines the integration writes
// ("[analytics] …") are kept with the call being delivered. The methods (filter chips, delivery
// events) come from the surface JSON (QA.surface), never from a list written here. The console's
// presets add their own word through QA.log.note (a middleware that dropped a call) and
// QA.log.add (a call the loader did not announce).
(function () {
  'use strict';
  var QA = (window.QA = window.QA || {});
  var TYPES = ['start-up']; // the surface's methods are put before it once read
  var FILTERED = /\bfiltered\b/i; // the integration's console line for a call it filtered out
  var POLL_MS = 500;
  var FRESH_MS = 5000; // a mixpanel.js call older than this no longer claims a record first

  var entries = [];
  var byId = {};
  var pendingLines = [];
  var listEl = null;
  var dirty = [];
  var scheduled = false;
  var active = {}; // type -> false when hidden by its filter chip
  var seen = 0; // collector records already read
  var lastKey = ''; // the last of them, to notice that the collector was emptied
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
      delivered: false, filtered: false, dropped: false, cleared: false, el: null};
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

  analytics.on('shim:call', function (d) {
    counts.calls++;
    newEntry(d.callId, d.method, QA.plain(d.args), d.meta);
  });
  // A call released later by a middleware comes without its callId; its event's $insert_id
  // (the call's messageId) still names it.
  function insertIdOf(args) {
    var p = args && args[1];
    return p && typeof p === 'object' ? p.$insert_id : undefined;
  }
  analytics.on('shim:mixpanel', function (d) {
    counts.mixpanel++;
    var e = (d.callId && byId[d.callId]) || byId[insertIdOf(d.args)] || startup;
    if (e === startup) takeLines(startup);
    else e.delivered = true;
    e.mixpanel.push({method: d.method, args: QA.plain(d.args), at: Date.now(), used: {}});
    touch(e);
  });
  // A filtered call reaches no mixpanel.js call; the integration says so on the console (or in
  // the delivery event's detail).
  function delivered(d) {
    var e = d && byId[d.callId];
    if (!e) return;
    e.delivered = true;
    takeLines(e);
    e.filtered = e.filtered || d.filtered === true;
    touch(e);
  }
  analytics.on('shim:delivered', delivered); // {callId, method}: a call handed to Python
  QA.withSurface(function (s) {
    TYPES = Object.keys(s.methods).concat(['start-up']);
    buildFilters();
  });
  analytics.on('shim:status', function () { takeLines(startup); });

  // -- the collector --------------------------------------------------------------------------
  function tokenOf(p) {
    if (!p || typeof p !== 'object') return undefined;
    if (p.properties && 'token' in p.properties) return p.properties.token;
    return p.$token;
  }

  // People operations in an engage payload → the mixpanel.js calls that send them.
  var ENGAGE = {
    $set: ['people.set', 'set_group', 'add_group'], $set_once: ['people.set_once'],
    $add: ['people.increment'], $union: ['people.union'], $append: ['people.append', 'people.track_charge'],
    $remove: ['people.remove', 'remove_group'], $unset: ['people.unset'], $delete: ['people.delete_user'],
  };
  var GROUPS = {$set: ['get_group.set'], $set_once: ['get_group.set_once'], $union: ['get_group.union'],
    $remove: ['get_group.remove'], $unset: ['get_group.unset'], $delete: ['get_group.delete']};

  // Which mixpanel.js calls can cause a record (besides a track matched by $insert_id).
  // identify() also sends the People updates mixpanel.js kept while the user was unknown.
  function producers(record) {
    var p = record.payload || {};
    if (record.endpoint === 'track') {
      if (p.event === '$identify') return ['identify'];
      if (p.event === '$create_alias') return ['alias'];
      return ['track', 'track_links', 'track_forms', 'track_pageview'];
    }
    var table = record.endpoint === 'groups' ? GROUPS : record.endpoint === 'engage' ? ENGAGE : null;
    if (!table) return function () { return true; };
    var out = ['identify'];
    Object.keys(table).forEach(function (op) { if (op in p) out = table[op].concat(out); });
    return out;
  }

  function matcher(list) {
    return typeof list === 'function' ? list : function (m) { return list.indexOf(m) >= 0; };
  }

  // The object a People / group call sends: people.set({a: 1}), people.set('a', 1),
  // people.increment('n') → {n: 1}; null when it cannot be told.
  function sent(c) {
    var a = c.args;
    if (c.method === 'set_group' && typeof a[0] === 'string') { var g = {}; g[a[0]] = a[1]; return g; }
    if (a[0] && typeof a[0] === 'object' && !Array.isArray(a[0])) return a[0];
    if (typeof a[0] === 'string' && c.method.indexOf('people.') === 0) { var o = {}; o[a[0]] = a.length > 1 ? a[1] : 1; return o; }
    return null;
  }

  function sameValue(want, got) {
    if (JSON.stringify(want) === JSON.stringify(got)) return true;
    if (typeof want !== 'string' || typeof got !== 'string') return false;
    // mixpanel.js sends dates without milliseconds and cuts strings at 255 characters.
    if (/^\d{4}-\d\d-\d\dT/.test(want)) return want.slice(0, 19) === got.slice(0, 19);
    return want.slice(0, 255) === got.slice(0, 255);
  }

  // Does the record carry what this mixpanel.js call sent? (track records always fit.)
  function fits(c, record) {
    var p = record.payload || {};
    var op = Object.keys(p).filter(function (k) { return k in ENGAGE; })[0];
    var body = op && p[op];
    var want = sent(c);
    if (!want || !body || typeof body !== 'object') return true;
    return Object.keys(want).every(function (k) { return k in body && sameValue(want[k], body[k]); });
  }

  function place(record) {
    var p = record.payload || {};
    var insertId = p.properties && p.properties.$insert_id;
    var direct = insertId && byId[insertId];
    var at = record.received * 1000 + 500;
    var ok = matcher(producers(record));
    var key = record.endpoint + Object.keys(p).filter(function (k) { return k in ENGAGE; }).join();
    if (direct) {
      direct.mixpanel.some(function (c) { return ok(c.method) && !c.used[key] && (c.used[key] = true); });
      return {entry: direct, how: '$insert_id'};
    }
    // The oldest recent mixpanel.js call that sends what the record carries and is not yet
    // accounted for; else the newest call that could have sent it (identify sends the People
    // updates mixpanel.js kept while the user was unknown; one call can cause several records).
    var fitting = null;
    var newest = null;
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      for (var j = 0; j < e.mixpanel.length; j++) {
        var c = e.mixpanel[j];
        if (c.at > at || !ok(c.method)) continue;
        var fit = fits(c, record);
        if (fit && !c.used[key] && c.at > at - FRESH_MS && c.method !== 'identify') {
          c.used[key] = true;
          return {entry: e, how: 'content and time'};
        }
        if (fit) fitting = e;
        newest = e;
      }
    }
    if (fitting || newest) return {entry: fitting || newest, how: 'type and time'};
    if (!other) other = newEntry(null, 'other');
    return {entry: other, how: 'no call on this page matched'};
  }


  function keyOf(r) { return r ? r.seq + ':' + r.received : ''; }

  function read(records) {
    // Emptied since the last look (DELETE /collector/events): every record is new again.
    if (records.length < seen || (seen && keyOf(records[seen - 1]) !== lastKey)) seen = 0;
    var fresh = records.slice(seen);
    seen = records.length;
    lastKey = keyOf(records[seen - 1]);
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

  // analytics.user().traits({…}) & co. reach the loader as one call: entity(who, op, value).
  function entityCall(e) {
    var a = e.args;
    if (e.method !== 'entity' || typeof a[0] !== 'string' || typeof a[1] !== 'string') return null;
    return {prefix: 'analytics.' + a[0] + '().', op: a[1], args: a[1] === 'logout' ? [] : a.slice(2)};
  }

  function callTextOf(e) {
    var ent = entityCall(e);
    return ent ? QA.callText(ent.prefix, ent.op, ent.args) : QA.callText('analytics.', e.method, e.args);
  }

  function summary(e) {
    if (e.method === 'start-up') return 'mixpanel.init and what ran before the first call';
    if (e.method === 'other') return 'received, but caused by no call on this page';
    var ent = entityCall(e);
    if (ent) return ent.prefix.replace('analytics.', '') + ent.op;
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
      filtered: e.filtered, dropped: e.dropped,
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
    if (!e.filtered && e.delivered && !e.mixpanel.length) {
      e.filtered = e.lines.some(function (l) { return FILTERED.test(l.text); });
    }
    var node = el('article', {class: 'entry' + (e.filtered || e.dropped ? ' is-filtered' : ''), 'data-method': typeOf(e),
      'data-call-id': e.id || e.method, 'data-filtered': e.filtered ? 'true' : null, 'data-dropped': e.dropped ? 'true' : null}, [
      entryHeader(e),
      el('div', {class: 'cols'}, [
        column('Call', null, callBody(e), 'c-call'),
        column('→ mixpanel.js', e.mixpanel.length, mixpanelBody(e), 'c-mp'),
        column('→ Collector', e.collector.length, collectorBody(e), 'c-col'),
      ]),
    ]);
    node.hidden = active[typeOf(e)] === false;
    if (e.el) e.el.replaceWith(node);
    else listEl.insertBefore(node, listEl.firstChild);
    e.el = node;
  }

  // An entry's header: its badges, time, summary and the Copy JSON button.
  function entryHeader(e) {
    var copy = el('button', {type: 'button', class: 'small', text: 'Copy JSON',
      'aria-label': 'Copy this ' + e.method + ' entry as JSON',
      onclick: function (ev) {
        var text = JSON.stringify(exportOf(e), null, 2);
        QA.log.lastCopied = text;
        QA.copy(text).then(function () { QA.flash(ev.target, 'Copied'); });
      }});
    return el('header', {}, [
      el('span', {class: 'badge ' + typeOf(e), text: entityCall(e) ? e.args[0] + '()' : e.method}),
      e.filtered ? el('span', {class: 'badge filtered', text: 'filtered'}) : null,
      e.dropped ? el('span', {class: 'badge dropped', text: 'dropped'}) : null,
      el('time', {text: QA.time(e.time)}),
      el('span', {class: 'summary', text: summary(e)}),
      copy,
    ]);
  }

  // The Call column: the call as written, its messageId, whether it waits, its console lines.
  function callBody(e) {
    var callText = e.method === 'start-up' || e.method === 'other' ? null : callTextOf(e);
    return el('div', {}, [
      callText ? el('pre', {class: 'code', text: callText}) : el('p', {class: 'muted', text: e.method === 'other' ? 'No matching call.' : 'Page load and analytics.load().'}),
      e.meta ? el('p', {class: 'meta', text: 'messageId ' + e.meta.messageId}) : null,
      e.method !== 'start-up' && e.method !== 'other' && !e.delivered && analytics.status !== 'failed'
        ? el('p', {class: 'muted', text: 'queued until the runtime is ready…'}) : null,
      e.lines.length ? el('ul', {class: 'lines'}, e.lines.map(function (l) {
        return el('li', {class: 'line ' + l.level, text: l.level + ': ' + l.text});
      })) : null,
    ]);
  }

  // The mixpanel.js column: the calls made, or why there is none.
  function mixpanelBody(e) {
    return e.mixpanel.length
      ? el('ol', {class: 'calls'}, e.mixpanel.map(function (c) {
        return el('li', {}, el('pre', {class: 'code', text: QA.callText('mixpanel.', c.method, c.args)}));
      }))
      : el('p', {class: e.filtered || e.dropped ? 'filtered-note' : 'muted', text: e.filtered
        ? 'filtered: the event filter (eventFilteringOption, track events only) kept this call from mixpanel.js'
        : e.dropped ? 'dropped: a middleware stopped this call before mixpanel.js (see the Call column)'
        : e.delivered || e.method === 'other' ? 'none: this call maps to no mixpanel.js call with these settings' : '—'});
  }

  // The Collector column: the requests that reached the collector, each with its payload.
  function collectorBody(e) {
    return e.collector.length
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

  // One chip per type; built again once the surface names the methods.
  function buildFilters() {
    var filters = QA.$('log-filters');
    if (!filters) return; // before DOMContentLoaded: setup() builds them
    QA.clear(filters);
    TYPES.forEach(function (t) {
      filters.appendChild(el('label', {class: 'chip'}, [
        el('input', {type: 'checkbox', checked: active[t] !== false, value: t, onchange: function (ev) {
          active[t] = ev.target.checked;
          entries.forEach(function (e) { if (e.el) e.el.hidden = active[typeOf(e)] === false; });
        }}),
        ' ' + t,
      ]));
    });
  }

  function setup() {
    listEl = QA.$('log');
    buildFilters();
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

  var own = 0;
  QA.log = {
    entries: function () { return entries.filter(function (e) { return !e.cleared; }).map(exportOf); },
    poll: poll,
    lastCopied: null,
    // The console's own word on a call (a preset's middleware that dropped it): one line, and
    // the call marked dropped when `dropped`. False when no entry has that id.
    note: function (callId, text, dropped) {
      var e = byId[callId];
      if (!e) return false;
      e.lines.push({level: 'info', text: String(text)});
      e.dropped = e.dropped || dropped === true;
      touch(e);
      return true;
    },
    // An entry for a call the console made that the loader did not announce (no shim:call).
    add: function (method, args, line) {
      counts.calls++;
      var e = newEntry('qa-console-' + ++own, method, QA.plain(args), null);
      e.delivered = true;
      if (line) e.lines.push({level: 'info', text: String(line)});
      return e.id;
    },
  };
})();
