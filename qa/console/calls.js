// QA console call panel: one form per analytics method, JSON editors with inline validation,
// a preview of the exact call, and presets from Segment's public Mixpanel doc.
// Which methods exist comes from the surface JSON (QA.surface: methods and their argument
// order). The hand-written forms below only add labels and hints where they help; a method
// without one gets a form made from its argument names.
(function () {
  'use strict';
  var QA = window.QA;
  var el = QA.el;

  // Labels and hints by method: [field, kind, label, required, hint]
  var FORMS = {
    identify: [['userId', 'text', 'User id', false, 'Optional: without it the traits go to the current (anonymous) user.'],
      ['traits', 'json', 'Traits', false], ['options', 'json', 'Options', false, 'e.g. {"context": {"ip": 0}}']],
    track: [['event', 'text', 'Event', true], ['properties', 'json', 'Properties', false],
      ['options', 'json', 'Options', false, 'e.g. {"context": {"campaign": {"name": "spring"}}}']],
    page: [['category', 'text', 'Category', false, 'Needs a name too: analytics.js reads a single string as the name.'],
      ['name', 'text', 'Name', false], ['properties', 'json', 'Properties', false, 'Default: path, referrer, search, title, url of this page.'],
      ['options', 'json', 'Options', false]],
    alias: [['userId', 'text', 'New user id', true], ['previousId', 'text', 'Previous id', false, 'Optional: mixpanel.js uses its own distinct id.'],
      ['options', 'json', 'Options', false]],
    group: [['groupId', 'text', 'Group id', true], ['traits', 'json', 'Group traits', false], ['options', 'json', 'Options', false]],
  };
  var METHODS = []; // the surface's, in its order
  var ARGS = {}; // method -> the surface's argument names
  var OBJECT_ARGS = /^(traits|properties|options|context)$/;

  // A form from the surface's argument names: objects as JSON editors, the rest read as JSON
  // when they parse (true, 42, null) and as text otherwise; callbacks are left out.
  function generatedForm(args) {
    return args.filter(function (a) { return a !== 'callback'; }).map(function (a) {
      var label = a.replace(/_/g, ' ').replace(/^./, function (c) { return c.toUpperCase(); });
      return OBJECT_ARGS.test(a) ? [a, 'json', label, false] : [a, 'value', label, false, 'Text, or a JSON value (true, 42, null, [..]).'];
    });
  }

  var CAMPAIGN = {name: 'TPS Innovation Newsletter', source: 'Newsletter', medium: 'email', term: 'tps reports', content: 'image link'};
  var PRESETS = [
    {id: 'signup', title: 'Sign-up: anonymous track → alias → identify → track “Signed Up”',
      note: 'The doc\'s browser alias flow (alias, identify, track "Signed Up"), after a reset and an anonymous event so the alias has an anonymous id to merge.',
      steps: [{method: 'reset'}, {method: 'track', event: 'Viewed Sign-up Form'}, {method: 'alias', userId: '12345'},
        {method: 'identify', userId: '12345'}, {method: 'track', event: 'Signed Up'}]},
    {id: 'page-docs', title: 'page(\'Docs\', \'Index\')',
      note: 'With the defaults this is "Loaded a Page"; with trackCategorizedPages (consolidatedPageCalls off) it is "Viewed Docs Index Page".',
      needs: {consolidatedPageCalls: false, trackCategorizedPages: true},
      steps: [{method: 'page', category: 'Docs', name: 'Index'}]},
    {id: 'identify-special', title: 'identify with the special traits',
      note: 'created, email, firstName, lastName, name, username, phone become $created, $email, … ; name_tag gets the email.',
      steps: [{method: 'identify', userId: '019mr8mf4r', traits: {name: 'Michael Bolton', email: 'mbolton@initech.com',
        firstName: 'Michael', lastName: 'Bolton', username: 'mbolton', phone: '+1-202-555-0143',
        created: '2024-05-01T09:30:00.000Z', plan: 'Enterprise', friends: 42}}]},
    {id: 'identify-anonymous', title: 'identify without a user id (traits only)',
      note: 'Registers the traits as super properties; People properties wait in mixpanel.js until a user is identified.',
      steps: [{method: 'identify', traits: {email: 'friends@segment.com', name: 'Ian Taylor'}}]},
    {id: 'revenue', title: 'track with revenue', note: 'With people on, revenue also calls people.track_charge(39.95).',
      needs: {people: true},
      steps: [{method: 'track', event: 'Purchased an Item', properties: {revenue: 39.95, shippingMethod: '2-day'}}]},
    {id: 'increment', title: 'an increment event (“Logged In”)',
      note: 'An event listed in eventIncrements: people.increment("Logged In") and people.set("Last Logged In", now).',
      needs: {people: true, eventIncrements: ['Logged In']},
      steps: [{method: 'track', event: 'Logged In'}]},
    {id: 'campaign', title: 'context.campaign (UTM parameters)',
      note: 'The doc\'s example: the campaign becomes utm_campaign, utm_source, utm_medium, utm_term, utm_content.',
      steps: [{method: 'track', event: 'Purchased an Item', properties: {revenue: 39.95, shippingMethod: '2-day'},
        options: {context: {campaign: CAMPAIGN}}}]},
    {id: 'ip-zero', title: 'context.ip = 0 (no geolocation)', note: 'From this call on mixpanel.js sends ip=0.',
      steps: [{method: 'track', event: 'Ignore My IP', options: {context: {ip: 0}}}]},
    {id: 'order', title: 'Order Completed with products',
      note: 'total is the revenue of "Order Completed"; the products array becomes products_skus / products_revenues.',
      needs: {people: true},
      steps: [{method: 'track', event: 'Order Completed', properties: {total: '$202.00',
        products: [{sku: '32', revenue: 99}, {sku: '2', revenue: 103}]}}]},
    {id: 'group', title: 'identify, then group under the key “company”',
      note: 'group() needs a user id and groupIdentifierTraits: get_group("company", "initech").set_once(traits), set_group.',
      needs: {groupIdentifierTraits: ['company']},
      steps: [{method: 'identify', userId: '019mr8mf4r'}, {method: 'group', groupId: 'initech', traits: {name: 'Initech', employees: 300}}]},
    {id: 'reserved', title: 'reserved property names (length, bucket)',
      note: 'The doc warns: length makes mixpanel.js drop the event; bucket is hidden by Mixpanel. See the console lines.',
      steps: [{method: 'track', event: 'Reserved Names', properties: {length: 3, bucket: 'a'}}]},
    {id: 'reset', title: 'reset()', note: 'Forgets the user: mixpanel.reset() gives a new device id and distinct id.',
      steps: [{method: 'reset'}]},
  ];

  // -- building the call ---------------------------------------------------------------------
  function argsFor(method, v) {
    var opts = v.options;
    switch (method) {
      case 'identify': {
        var a = v.userId ? [v.userId] : [];
        if (v.traits || opts) a.push(v.traits || {});
        if (opts) a.push(opts);
        return a;
      }
      case 'track':
        return [v.event].concat(v.properties || opts ? [v.properties || {}] : [], opts ? [opts] : []);
      case 'page': {
        var head = v.category ? [v.category, v.name] : v.name ? [v.name] : [];
        return head.concat(v.properties || opts ? [v.properties || {}] : [], opts ? [opts] : []);
      }
      case 'alias':
        return [v.userId].concat(v.previousId || opts ? [v.previousId || null] : [], opts ? [opts] : []);
      case 'group':
        return [v.groupId].concat(v.traits || opts ? [v.traits || {}] : [], opts ? [opts] : []);
      default:
        return positional(method, v);
    }
  }

  // A generated form's call: its fields in the surface's order, trailing empty ones left out.
  function positional(method, v) {
    var specs = FORMS[method] || [];
    var out = specs.map(function (spec) { return v[spec[0]] === undefined ? null : v[spec[0]]; });
    while (out.length && out[out.length - 1] === null && v[specs[out.length - 1][0]] === undefined) out.pop();
    return out;
  }

  function call(method, values) {
    var args = argsFor(method, values);
    analytics[method].apply(analytics, args);
    return args;
  }

  // -- the forms -----------------------------------------------------------------------------
  var method = 'track';
  var inputs = {}; // method -> field -> element

  function fieldId(m, f) { return 'call-' + m + '-' + f; }

  // Read one method's form: {values, errors}; each error names its field.
  function read(m) {
    var values = {};
    var errors = {};
    FORMS[m].forEach(function (spec) {
      var name = spec[0];
      var raw = inputs[m][name].value;
      if (spec[1] === 'json') {
        if (!raw.trim()) return;
        try {
          var parsed = JSON.parse(raw);
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) errors[name] = spec[2] + ' must be a JSON object, like {"plan": "pro"}.';
          else values[name] = parsed;
        } catch (e) {
          errors[name] = 'Not valid JSON: ' + e.message;
        }
      } else if (spec[1] === 'value' && raw.trim()) {
        try { values[name] = JSON.parse(raw); } catch (e) { values[name] = raw; }
      } else if (raw.trim()) {
        values[name] = raw;
      } else if (spec[3]) {
        errors[name] = spec[2] + ' is required.';
      }
    });
    if (m === 'page' && values.category && !values.name) errors.name = 'A category needs a name: page(\'Docs\') alone is read as the name.';
    return {values: values, errors: errors};
  }

  function validate() {
    var r = read(method);
    FORMS[method].forEach(function (spec) {
      var input = inputs[method][spec[0]];
      var msg = r.errors[spec[0]] || '';
      input.setAttribute('aria-invalid', msg ? 'true' : 'false');
      QA.$(fieldId(method, spec[0]) + '-error').textContent = msg;
    });
    var ok = Object.keys(r.errors).length === 0;
    QA.$('call-send').disabled = !ok;
    QA.$('call-preview').textContent = ok ? QA.callText('analytics.', method, argsFor(method, r.values)) : 'Fix the fields marked above.';
    return ok ? r.values : null;
  }

  function show(m) {
    method = m;
    METHODS.forEach(function (x) { QA.$('call-fields-' + x).hidden = x !== m; });
    var radio = document.querySelector('input[name="call-method"][value="' + m + '"]');
    if (radio) radio.checked = true;
    QA.$('call-send').textContent = 'Send analytics.' + m + '()';
    validate();
  }

  function fit(area) {
    if (area.tagName === 'TEXTAREA') area.rows = Math.min(14, Math.max(3, area.value.split('\n').length));
  }

  function fill(step) {
    var m = step.method;
    FORMS[m].forEach(function (spec) {
      var v = step[spec[0]];
      inputs[m][spec[0]].value = v === undefined ? '' : spec[1] === 'json' ? JSON.stringify(v, null, 2) : v;
      fit(inputs[m][spec[0]]);
    });
    show(m);
  }

  function send() {
    var values = validate();
    if (!values) return;
    call(method, values);
    var done = QA.$('call-done');
    done.textContent = 'Sent analytics.' + method + '() at ' + QA.time(Date.now()) + ': see the live log.';
  }

  function buildForms() {
    var picker = QA.$('call-methods');
    METHODS.forEach(function (m) {
      picker.appendChild(el('label', {class: 'seg'}, [
        el('input', {type: 'radio', name: 'call-method', value: m, onchange: function () { show(m); }}),
        el('span', {text: m}),
      ]));
      inputs[m] = {};
      var box = el('div', {id: 'call-fields-' + m, class: 'fields', hidden: true});
      if (!FORMS[m].length) {
        box.appendChild(el('p', {class: 'muted', text: m + '() takes no arguments' +
          (m === 'reset' ? ': it forgets the user id, traits and mixpanel.js\'s ids.' : '.')}));
      }
      FORMS[m].forEach(function (spec) {
        var id = fieldId(m, spec[0]);
        var input = spec[1] === 'json'
          ? el('textarea', {id: id, class: 'json', rows: 3, spellcheck: 'false', autocomplete: 'off', placeholder: '{ }'})
          : el('input', {id: id, type: 'text', autocomplete: 'off', required: spec[3] || false});
        input.setAttribute('aria-describedby', id + '-error' + (spec[4] ? ' ' + id + '-hint' : ''));
        input.addEventListener('input', function () { fit(input); validate(); });
        inputs[m][spec[0]] = input;
        box.appendChild(el('div', {class: 'field'}, [
          el('label', {for: id, text: spec[2] + (spec[1] === 'json' ? ' (JSON)' : '') + (spec[3] ? ' *' : '')}),
          input,
          spec[4] ? el('small', {id: id + '-hint', class: 'hint', text: spec[4]}) : null,
          el('small', {id: id + '-error', class: 'error', 'aria-live': 'polite'}),
        ]));
      });
      QA.$('call-fields').appendChild(box);
    });
    if (inputs.track && inputs.track.event) {
      inputs.track.event.value = 'Button Clicked';
      inputs.track.properties.value = '{"source": "qa console"}';
    }
    QA.$('call-form').addEventListener('submit', function (ev) { ev.preventDefault(); send(); });
    QA.$('call-form').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); send(); }
    });
    if (METHODS.length) show(METHODS.indexOf('track') >= 0 ? 'track' : METHODS[0]);
  }

  // -- presets -------------------------------------------------------------------------------
  function unmet(needs) {
    var out = {};
    Object.keys(needs || {}).forEach(function (key) {
      var want = needs[key];
      var have = QA.settings.value(key);
      if (Array.isArray(want)) {
        var lower = (Array.isArray(have) ? have : []).map(function (x) { return String(x).toLowerCase(); });
        var missing = want.filter(function (x) { return lower.indexOf(String(x).toLowerCase()) < 0; });
        if (missing.length) out[key] = (Array.isArray(have) ? have : []).concat(missing);
      } else if (have !== want) {
        out[key] = want;
      }
    });
    return out;
  }

  function selected() {
    var id = QA.$('preset').value;
    return PRESETS.filter(function (p) { return p.id === id; })[0] || null;
  }

  // A preset is offered only when the surface has every method it calls.
  function available(p) {
    return p.steps.every(function (s) { return METHODS.indexOf(s.method) >= 0; });
  }

  function describePreset() {
    var p = selected();
    var info = QA.clear(QA.$('preset-info'));
    QA.$('preset-fill').disabled = !p || p.steps.length !== 1;
    QA.$('preset-run').disabled = !p;
    if (!p) return;
    info.appendChild(el('p', {text: p.note}));
    if (p.steps.length > 1) {
      info.appendChild(el('ol', {class: 'steps'}, p.steps.map(function (s) {
        return el('li', {}, el('code', {text: QA.callText('', s.method, argsFor(s.method, s)).replace(/\s*\n\s*/g, ' ')}));
      })));
    }
    var missing = unmet(p.needs);
    if (Object.keys(missing).length) {
      info.appendChild(el('div', {class: 'notice', role: 'note'}, [
        el('p', {text: 'Its mapping shows with these settings (now different): ' +
          Object.keys(missing).map(function (k) { return k + ' = ' + JSON.stringify(missing[k]); }).join(', ')}),
        el('button', {type: 'button', class: 'small', text: 'Apply these settings (restarts)', onclick: function () {
          QA.settings.apply(Object.assign({}, QA.settings.current, missing), {preset: p.id});
        }}),
      ]));
    }
  }

  function buildPresets() {
    var select = QA.$('preset');
    select.appendChild(el('option', {value: '', text: 'Choose a preset…'}));
    PRESETS = PRESETS.filter(available);
    PRESETS.forEach(function (p) { select.appendChild(el('option', {value: p.id, text: p.title})); });
    select.addEventListener('change', describePreset);
    QA.$('preset-fill').addEventListener('click', function () {
      var p = selected();
      if (p && p.steps.length === 1) fill(p.steps[0]);
    });
    QA.$('preset-run').addEventListener('click', function () {
      var p = selected();
      if (!p) return;
      p.steps.forEach(function (s) { call(s.method, s); });
      QA.$('call-done').textContent = 'Ran preset "' + p.title + '" (' + p.steps.length + ' call' + (p.steps.length > 1 ? 's' : '') + '): see the live log.';
    });
    var wanted = new URLSearchParams(location.search).get('preset');
    if (wanted && PRESETS.some(function (p) { return p.id === wanted; })) {
      select.value = wanted;
      var p = selected();
      if (p.steps.length === 1) fill(p.steps[0]);
    }
    describePreset();
  }

  QA.withSurface(function (s) {
    METHODS = Object.keys(s.methods);
    METHODS.forEach(function (m) {
      ARGS[m] = s.methods[m] || [];
      if (!FORMS[m]) FORMS[m] = generatedForm(ARGS[m]);
    });
    Object.keys(FORMS).forEach(function (m) { if (METHODS.indexOf(m) < 0) delete FORMS[m]; });
    buildForms();
    buildPresets();
    QA.calls.presets = PRESETS;
    QA.calls.methods = METHODS;
  });
  QA.calls = {show: show, fill: fill, call: call, presets: PRESETS, argsFor: argsFor, methods: METHODS};
})();
