// QA console call panel: one form per analytics method, JSON editors with inline validation,
// a preview of the exact call, and presets from Segment's public Mixpanel doc.
// Which methods exist comes from the surface JSON (QA.surface: methods and their argument
// order). The hand-written forms below only add labels and hints where they help; a method
// without one gets a form made from its argument names. A method taking JavaScript functions
// (a middleware or plugins argument) gets no form: JSON cannot hold a function. Presets install
// ready-made ones instead, through named actions (ACTIONS), which also run what is no queued
// call of its own: user() / group() setters and a click on the trackLink demo link.
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
    screen: [['category', 'text', 'Category', false, 'Needs a name too: a single string is read as the name.'],
      ['name', 'text', 'Name', false], ['properties', 'json', 'Properties', false, 'No page defaults (no path or url): the given ones plus name and category.'],
      ['options', 'json', 'Options', false]],
    setAnonymousId: [['id', 'text', 'Anonymous id', true, 'Sets analytics.user().anonymousId() (the ajs_anonymous_id cookie); makes no message, and mixpanel.js keeps its own distinct id.']],
    pageview: [['url', 'text', 'URL or path', true, 'The same as page({path: url}): with the defaults a "Loaded a Page" event with this path.']],
  };
  var METHODS = []; // the surface's, in its order
  var ARGS = {}; // method -> the surface's argument names
  var OBJECT_ARGS = /^(traits|properties|options|context)$/;
  var FUNCTION_ARGS = /^(middleware|plugins)$/; // JavaScript functions: no form, see ACTIONS
  var STUB = []; // the surface's stub methods (user, trackLink, …): what actions may use
  var takesFunctions = function (m) { return (ARGS[m] || []).some(function (a) { return FUNCTION_ARGS.test(a); }); };

  // A form from the surface's argument names: objects as JSON editors, the rest read as JSON
  // when they parse (true, 42, null) and as text otherwise; callbacks are left out.
  function generatedForm(args) {
    return args.filter(function (a) { return a !== 'callback'; }).map(function (a) {
      var label = a.replace(/_/g, ' ').replace(/^./, function (c) { return c.toUpperCase(); });
      return OBJECT_ARGS.test(a) ? [a, 'json', label, false] : [a, 'value', label, false, 'Text, or a JSON value (true, 42, null, [..]).'];
    });
  }

  var DOC_GROUP = 'Segment\'s Mixpanel doc';
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
  ].concat(inGroup('More analytics.js calls', [
    {id: 'screen', title: 'screen(\'Onboarding\', \'Welcome\')',
      note: 'The page rules with "Screen" for "Page": with consolidatedPageCalls (the default) "Loaded a Screen", ' +
        'with trackCategorizedPages instead "Viewed Onboarding Welcome Screen". Properties: name and category (no page URL).',
      needs: {consolidatedPageCalls: true},
      steps: [{method: 'screen', category: 'Onboarding', name: 'Welcome'}]},
    {id: 'pageview', title: 'pageview(\'/pricing\')',
      note: 'pageview(url) is page({path: url}): with consolidatedPageCalls "Loaded a Page" whose path is /pricing.',
      needs: {consolidatedPageCalls: true},
      steps: [{method: 'pageview', url: '/pricing'}]},
    {id: 'anonymous-id', title: 'setAnonymousId(\'anon-qa-1\')',
      note: 'Only analytics.js\'s anonymous id changes (identity panel, ajs_anonymous_id cookie): no message is made ' +
        'and mixpanel.js keeps its own distinct id.',
      steps: [{method: 'setAnonymousId', id: 'anon-qa-1'}]},
    {id: 'user-traits', title: 'user().id(…) and user().traits({…}), then identify(\'qa-traits-user\')',
      note: 'The setters change the stored user at once (identity panel) and make no message; the identify after ' +
        'them, given no traits, sends the stored ones: register and people.set with plan and seats. (An identify ' +
        'with another user id than the stored one starts with no traits, as analytics.js.)',
      steps: [{action: 'userId', id: 'qa-traits-user'}, {action: 'userTraits', traits: {plan: 'qa', seats: 3}},
        {method: 'identify', userId: 'qa-traits-user'}]},
    {id: 'user-logout', title: 'user().logout()',
      note: 'Clears analytics.js\'s user id and traits (identity panel). mixpanel.js is not reset: that is reset().',
      steps: [{action: 'userLogout'}]},
    {id: 'group-setters', title: 'group().id(\'qa-group\') and group().traits({…})',
      note: 'analytics.group() without arguments answers the stored group; its setters change it at once and make no ' +
        'message (identity panel: group id and traits). A later group() call without traits sends these traits.',
      steps: [{action: 'groupId', id: 'qa-group'}, {action: 'groupTraits', traits: {name: 'QA Group', plan: 'team'}}]},
    {id: 'track-link', title: 'trackLink: click the demo link',
      note: 'The link "A link bound with trackLink" under the call form is bound with analytics.trackLink(link, ' +
        '"Clicked QA Link", {…}); a click tracks the event, then follows the link (a same-page anchor) once mixpanel.js has it.',
      steps: [{action: 'clickLink'}]},
  ]), inGroup('Middleware and plugins', [
    {id: 'mw-property', title: 'Source middleware: add a property to every call, then track',
      note: 'Installs qaAddProperty with addSourceMiddleware: every later track, page and screen call gets ' +
        'qa_middleware: "source" in its properties (until the page reloads, or it is turned off below).',
      steps: [{action: 'sourceProperty'}, {method: 'track', event: 'Middleware Demo', properties: {plan: 'pro'}}]},
    {id: 'mw-drop', title: 'Source middleware: drop events named “Dropped”, then track “Dropped” and “Kept”',
      note: 'Installs qaDropDropped: a track named "Dropped" is stopped with next(null), so it reaches neither ' +
        'mixpanel.js nor the collector (the log marks it dropped); "Kept" goes through.',
      steps: [{action: 'sourceDrop'}, {method: 'track', event: 'Dropped'}, {method: 'track', event: 'Kept'}]},
    {id: 'mw-destination', title: 'Destination middleware for \'Mixpanel\', then track',
      note: 'Installs qaMixpanelOnly with addDestinationMiddleware(\'Mixpanel\', fn): it runs only on what Mixpanel ' +
        'receives and adds qa_destination (the integration name it is given) to the properties.',
      steps: [{action: 'destinationMixpanel'}, {method: 'track', event: 'Destination Demo'}]},
    {id: 'plugin-enrichment', title: 'register() an analytics-next enrichment plugin, then track',
      note: 'Registers the plugin "QA Enrichment" (type enrichment): its track, page and screen functions add ' +
        'qa_plugin: "QA Enrichment" with ctx.updateEvent. Plugins run as source middleware.',
      steps: [{action: 'enrichmentPlugin'}, {method: 'track', event: 'Plugin Demo'}]},
  ]), inGroup('Peers\' settings (RudderStack\'s names)', [
    {id: 'set-once', title: 'setOnceProperties: identify with a set-once trait',
      note: 'A trait listed in setOnceProperties goes with people.set_once (Mixpanel keeps its first value) and is ' +
        'left out of people.set; the other traits are set as usual.',
      needs: {people: true, setOnceProperties: ['signupSource']},
      steps: [{method: 'identify', userId: 'qa-once-user', traits: {signupSource: 'qa console', plan: 'pro'}}]},
    {id: 'merge-simplified', title: 'identityMergeApi: \'simplified\' drops alias()',
      note: 'With Mixpanel\'s simplified ID merge, ids are linked at identify: alias() sends nothing, with one console line.',
      needs: {identityMergeApi: 'simplified'},
      steps: [{method: 'alias', userId: 'qa-simplified-user'}]},
    {id: 'page-template', title: 'useUserDefinedPageEventName / useUserDefinedScreenEventName: names from templates',
      note: 'Page names from userDefinedPageEventTemplate ("{{ category }} {{ name }} Viewed" here; empty parts are ' +
        'removed), screens from userDefinedScreenEventTemplate (its default). Each switch, when on, wins over ' +
        'consolidatedPageCalls and the other page rules.',
      needs: {useUserDefinedPageEventName: true, userDefinedPageEventTemplate: '{{ category }} {{ name }} Viewed',
        useUserDefinedScreenEventName: true},
      steps: [{method: 'page', category: 'Docs', name: 'Template'}, {method: 'page', name: 'Pricing'},
        {method: 'screen', category: 'Onboarding', name: 'Welcome'}]},
    {id: 'blacklist', title: 'eventFilteringOption: blacklistedEvents [“Filtered”]',
      note: 'A blacklisted track event sends nothing (one console info line; the log marks it filtered); other ' +
        'events go. Only track events are filtered: page and screen calls never are.',
      needs: {eventFilteringOption: 'blacklistedEvents', blacklistedEvents: ['Filtered']},
      steps: [{method: 'track', event: 'Filtered'}, {method: 'track', event: 'Not Filtered'}]},
    {id: 'group-set', title: 'groupTraitsMethod: \'set\' (group traits updated, not set once)',
      note: 'group() sends its traits with get_group(key, id).set instead of set_once, so a changed trait is updated.',
      needs: {groupTraitsMethod: 'set', groupIdentifierTraits: ['company']},
      steps: [{method: 'identify', userId: '019mr8mf4r'}, {method: 'group', groupId: 'initech', traits: {name: 'Initech', employees: 310}}]},
  ]));

  // Presets beyond Segment's doc, under a heading of the preset list.
  function inGroup(title, presets) {
    return presets.map(function (p) { return Object.assign({group: title}, p); });
  }

  // -- actions: what a preset step runs that cannot be typed into a form -----------------------
  // {action: name, …}: `uses` is the analytics method it needs (the preset is offered only when
  // the surface has it), `text` the JavaScript it runs, `run` runs it. Middleware and plugins
  // are installed once per page; each can be turned off in the "Installed on this page" list.
  var installed = {}; // action -> {on, title, box (its checkbox)}

  function install(name, title, add) {
    var have = installed[name];
    if (have) { // installed already: on again, not twice
      have.on = true;
      if (have.box) have.box.checked = true;
      return;
    }
    var state = installed[name] = {on: true, title: title, box: null};
    add(state);
    showInstalled();
  }

  function showInstalled() {
    var names = Object.keys(installed);
    var list = QA.clear(QA.$('installed-list'));
    QA.$('installed').hidden = !names.length;
    names.forEach(function (name) {
      var state = installed[name];
      state.box = el('input', {type: 'checkbox', checked: state.on, 'data-installed': name, onchange: function (ev) { state.on = ev.target.checked; }});
      list.appendChild(el('li', {}, el('label', {class: 'check'}, [state.box, ' ', el('span', {text: state.title})])));
    });
  }

  function withProperty(obj, key, value) {
    obj.properties = Object.assign({}, obj.properties);
    obj.properties[key] = value;
  }
  var EVENT_TYPES = /^(track|page|screen)$/;
  var PLUGIN = 'QA Enrichment';

  var ACTIONS = {
    sourceProperty: {uses: 'addSourceMiddleware', text: 'analytics.addSourceMiddleware(qaAddProperty)', run: function () {
      install('sourceProperty', 'qaAddProperty (source middleware): qa_middleware: "source" on track, page, screen', function (state) {
        analytics.addSourceMiddleware(function qaAddProperty(ctx) {
          var obj = ctx.payload && ctx.payload.obj;
          if (state.on && obj && EVENT_TYPES.test(obj.type)) withProperty(obj, 'qa_middleware', 'source');
          ctx.next(ctx.payload);
        });
      });
    }},
    sourceDrop: {uses: 'addSourceMiddleware', text: 'analytics.addSourceMiddleware(qaDropDropped)', run: function () {
      install('sourceDrop', 'qaDropDropped (source middleware): drops track "Dropped"', function (state) {
        analytics.addSourceMiddleware(function qaDropDropped(ctx) {
          var obj = ctx.payload && ctx.payload.obj;
          if (state.on && obj && obj.type === 'track' && obj.event === 'Dropped') {
            QA.log.note(obj.messageId, '[qa console] qaDropDropped: next(null), the call is dropped', true);
            return ctx.next(null);
          }
          ctx.next(ctx.payload);
        });
      });
    }},
    destinationMixpanel: {uses: 'addDestinationMiddleware', text: 'analytics.addDestinationMiddleware(\'Mixpanel\', qaMixpanelOnly)', run: function () {
      install('destinationMixpanel', 'qaMixpanelOnly (destination middleware for Mixpanel): qa_destination', function (state) {
        analytics.addDestinationMiddleware('Mixpanel', function qaMixpanelOnly(ctx) {
          var obj = ctx.payload && ctx.payload.obj;
          if (state.on && obj && EVENT_TYPES.test(obj.type)) withProperty(obj, 'qa_destination', String(ctx.integration));
          ctx.next(ctx.payload);
        });
      });
    }},
    enrichmentPlugin: {uses: 'register', text: 'analytics.register({name: \'' + PLUGIN + '\', type: \'enrichment\', track, page, screen})', run: function () {
      install('enrichmentPlugin', PLUGIN + ' (enrichment plugin, register): qa_plugin', function (state) {
        var enrich = function (ctx) {
          if (state.on) ctx.updateEvent('properties.qa_plugin', PLUGIN);
          return ctx;
        };
        var plugin = {name: PLUGIN, type: 'enrichment', version: '1.0.0',
          // load answers at once: a Promise would hold the calls made meanwhile
          isLoaded: function () { return true; }, load: function () { return undefined; },
          track: enrich, page: enrich, screen: enrich};
        announced('register', function () { analytics.register(plugin); }, [plugin]);
      });
    }},
    userId: {uses: 'user', text: function (s) { return QA.callText('analytics.user().', 'id', [s.id]); },
      run: function (s) { analytics.user().id(s.id); }},
    userTraits: {uses: 'user', text: function (s) { return QA.callText('analytics.user().', 'traits', [s.traits]); },
      run: function (s) { analytics.user().traits(s.traits); }},
    userLogout: {uses: 'user', text: 'analytics.user().logout()', run: function () { analytics.user().logout(); }},
    groupId: {uses: 'group', text: function (s) { return QA.callText('analytics.group().', 'id', [s.id]); },
      run: function (s) { analytics.group().id(s.id); }},
    groupTraits: {uses: 'group', text: function (s) { return QA.callText('analytics.group().', 'traits', [s.traits]); },
      run: function (s) { analytics.group().traits(s.traits); }},
    clickLink: {uses: 'trackLink', text: 'document.getElementById(\'qa-link\').click()', run: function () {
      QA.$('qa-link').click();
    }},
  };

  // Runs fn, a call of `method`; when the loader announced no shim:call for it (once ready,
  // register() is answered without one), the log gets an entry made here, saying so.
  function announced(method, fn, args) {
    var heard = false;
    var listen = function (d) { if (d && d.method === method) heard = true; };
    analytics.on('shim:call', listen);
    try { fn(); } finally { analytics.off('shim:call', listen); }
    if (!heard) QA.log.add(method, args, '[qa console] the loader announced no call event for this ' + method + '(); the console logged it');
  }

  function actionText(s) {
    var a = ACTIONS[s.action];
    return typeof a.text === 'function' ? a.text(s) : a.text;
  }

  function stepText(s) {
    return s.action ? actionText(s) : QA.callText('', s.method, argsFor(s.method, s)).replace(/\s*\n\s*/g, ' ');
  }

  function runStep(s) {
    if (s.action) ACTIONS[s.action].run(s);
    else call(s.method, s);
  }

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
      case 'page':
      case 'screen': {
        var head = v.category ? [v.category, v.name] : v.name ? [v.name] : [];
        return head.concat(v.properties || opts ? [v.properties || {}] : [], opts ? [opts] : []);
      }
      case 'setAnonymousId':
        return [v.id];
      case 'pageview':
        return [v.url];
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
        try { values[name] = JSON.parse(raw); } catch { values[name] = raw; }
      } else if (raw.trim()) {
        values[name] = raw;
      } else if (spec[3]) {
        errors[name] = spec[2] + ' is required.';
      }
    });
    if ((m === 'page' || m === 'screen') && values.category && !values.name) errors.name = 'A category needs a name: ' + m + '(\'Docs\') alone is read as the name.';
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
    if (!FORMS[m]) return;
    method = m;
    Object.keys(FORMS).forEach(function (x) { QA.$('call-fields-' + x).hidden = x !== m; });
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
    var skipped = METHODS.filter(takesFunctions);
    if (skipped.length) {
      QA.$('call-functions').textContent = skipped.join(', ') + ': these take JavaScript functions, which a form cannot hold. ' +
        'The Middleware and plugins presets install ready-made ones.';
      QA.$('call-functions').hidden = false;
    }
    METHODS.filter(function (m) { return !takesFunctions(m); }).forEach(function (m) { buildForm(picker, m); });
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

  // One method's radio button in the picker, and its box of fields (hidden until picked).
  function buildForm(picker, m) {
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
    FORMS[m].forEach(function (spec) { box.appendChild(buildField(m, spec)); });
    QA.$('call-fields').appendChild(box);
  }

  // One argument's field: its label, its input (JSON: a textarea), its hint and its error line.
  function buildField(m, spec) {
    var id = fieldId(m, spec[0]);
    var input = spec[1] === 'json'
      ? el('textarea', {id: id, class: 'json', rows: 3, spellcheck: 'false', autocomplete: 'off', placeholder: '{ }'})
      : el('input', {id: id, type: 'text', autocomplete: 'off', required: spec[3] || false});
    input.setAttribute('aria-describedby', id + '-error' + (spec[4] ? ' ' + id + '-hint' : ''));
    input.addEventListener('input', function () { fit(input); validate(); });
    inputs[m][spec[0]] = input;
    return el('div', {class: 'field'}, [
      el('label', {for: id, text: spec[2] + (spec[1] === 'json' ? ' (JSON)' : '') + (spec[3] ? ' *' : '')}),
      input,
      spec[4] ? el('small', {id: id + '-hint', class: 'hint', text: spec[4]}) : null,
      el('small', {id: id + '-error', class: 'error', 'aria-live': 'polite'}),
    ]);
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

  // A preset is offered only when the surface has every method it calls (a method with a form,
  // or the method an action uses: a queued one or one the stub answers).
  function available(p) {
    return p.steps.every(function (s) {
      if (s.action) return !!ACTIONS[s.action] && (METHODS.indexOf(ACTIONS[s.action].uses) >= 0 || STUB.indexOf(ACTIONS[s.action].uses) >= 0);
      return !!FORMS[s.method];
    });
  }

  function fillable(p) { return !!p && p.steps.length === 1 && !p.steps[0].action; }

  function describePreset() {
    var p = selected();
    var info = QA.clear(QA.$('preset-info'));
    QA.$('preset-fill').disabled = !fillable(p);
    QA.$('preset-run').disabled = !p;
    if (!p) return;
    info.appendChild(el('p', {text: p.note}));
    if (!fillable(p)) {
      info.appendChild(el('ol', {class: 'steps'}, p.steps.map(function (s) {
        return el('li', {}, el('code', {text: stepText(s)}));
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
    var groups = {};
    PRESETS.forEach(function (p) {
      var title = p.group || DOC_GROUP;
      if (!groups[title]) select.appendChild(groups[title] = el('optgroup', {label: title}));
      groups[title].appendChild(el('option', {value: p.id, text: p.title}));
    });
    select.addEventListener('change', describePreset);
    QA.$('preset-fill').addEventListener('click', function () {
      var p = selected();
      if (fillable(p)) fill(p.steps[0]);
    });
    QA.$('preset-run').addEventListener('click', function () {
      var p = selected();
      if (!p) return;
      p.steps.forEach(runStep);
      QA.$('call-done').textContent = 'Ran preset "' + p.title + '" (' + p.steps.length + ' call' + (p.steps.length > 1 ? 's' : '') + '): see the live log.';
    });
    var wanted = new URLSearchParams(location.search).get('preset');
    if (wanted && PRESETS.some(function (p) { return p.id === wanted; })) {
      select.value = wanted;
      var p = selected();
      if (fillable(p)) fill(p.steps[0]);
    }
    describePreset();
  }

  // -- the trackLink demo: a same-page link, bound as a page would bind it ------------------------
  var LINK_EVENT = 'Clicked QA Link';
  var LINK_PROPS = {source: 'qa console', link: 'demo'};

  function bindLink() {
    var link = QA.$('qa-link');
    if (STUB.indexOf('trackLink') < 0 || !link) return;
    analytics.trackLink(link, LINK_EVENT, LINK_PROPS);
    QA.$('qa-link-code').textContent = 'analytics.trackLink(link, ' + QA.json(LINK_EVENT) + ', ' + QA.json(LINK_PROPS, 0) + ')';
    QA.$('qa-link-box').hidden = false;
  }

  QA.withSurface(function (s) {
    METHODS = Object.keys(s.methods);
    STUB = Array.isArray(s.stubMethods) ? s.stubMethods : [];
    METHODS.forEach(function (m) {
      ARGS[m] = s.methods[m] || [];
      if (!FORMS[m] && !takesFunctions(m)) FORMS[m] = generatedForm(ARGS[m]);
    });
    Object.keys(FORMS).forEach(function (m) { if (METHODS.indexOf(m) < 0 || takesFunctions(m)) delete FORMS[m]; });
    buildForms();
    bindLink();
    buildPresets();
    QA.calls.presets = PRESETS;
    QA.calls.methods = METHODS;
  });
  QA.calls = {show: show, fill: fill, call: call, presets: PRESETS, argsFor: argsFor, methods: METHODS, installed: installed};
})();
