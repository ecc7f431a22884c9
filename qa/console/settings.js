// QA console: every integration setting (Segment's and ours), kept in the URL as ?settings=JSON.
// Loaded in <head>: the page's boot script reads QA.settings.current before analytics.load().
(function () {
  'use strict';
  var QA = (window.QA = window.QA || {});

  // [name, kind, default, one-line explanation]; kind: bool | string | number | list | select:<a|b> | json
  var SEGMENT = [
    ['token', 'string', '', 'Mixpanel project token: first argument of mixpanel.init, sent on every event.'],
    ['people', 'bool', false, 'Use Mixpanel People: identify traits go to people.set / people.union; enables increments and track_charge.'],
    ['setAllTraitsByDefault', 'bool', true, 'Register every identify trait as a super property (and a People property when people is on).'],
    ['superProperties', 'list', [], 'Traits (setAllTraitsByDefault off) and event properties (always) to register as super properties.'],
    ['peopleProperties', 'list', [], 'With setAllTraitsByDefault off: traits to people.set; the eight special traits always go.'],
    ['eventIncrements', 'list', [], 'Events (any case) that people.increment a counter and set "Last <event>" (people on).'],
    ['propIncrements', 'list', [], 'Event properties (any case) whose value is added with people.increment(name, value) (people on).'],
    ['consolidatedPageCalls', 'bool', true, 'Every page() becomes one "Loaded a Page" event; the three below are then not read.'],
    ['trackAllPages', 'bool', false, 'Every page() becomes "Loaded a Page" (checked after the consolidated switch).'],
    ['trackCategorizedPages', 'bool', false, 'page() with a category becomes "Viewed <category> [<name>] Page".'],
    ['trackNamedPages', 'bool', false, 'page() with a name becomes "Viewed <name> Page".'],
    ['groupIdentifierTraits', 'list', [], 'Mixpanel group keys for group(): get_group(key, id).set_once(traits), set_group(key, [id]). Empty: group() sends nothing.'],
    ['sourceName', 'string', '', 'When set, every event carries it as the property segment_source_name.'],
    ['enableEuropeanUnionEndpoint', 'bool', false, 'Send to api-eu.mixpanel.com (apiHost and dataResidency win over it).'],
    ['persistence', 'select:cookie|localStorage|none', 'cookie', 'Where mixpanel.js keeps its distinct id and super properties; none: disable_persistence (nothing stored).'],
    ['cookieName', 'string', '', 'mixpanel.js cookie_name (empty: mixpanel.js names it mp_<token>_mixpanel).'],
    ['crossSubdomainCookie', 'bool', false, 'mixpanel.js cross_subdomain_cookie (Segment sends false; mixpanel.js alone defaults to true).'],
    ['secureCookie', 'bool', false, 'mixpanel.js secure_cookie: the cookie is sent over https only.'],
    ['nameTag', 'bool', true, 'In Segment\'s list but never read: name_tag is always called.'],
    ['pageview', 'bool', false, 'In Segment\'s list but never read: copied into the init config only.'],
  ];
  var OURS = [
    ['apiHost', 'string', null, 'Where mixpanel.js sends. Empty in this console: its own collector at <origin>/mp (nothing leaves this machine).'],
    ['dataResidency', 'select:|us|eu|in', null, 'Mixpanel data centre: api-js / api-eu / api-in.mixpanel.com (apiHost wins over it).'],
    ['mixpanelConfig', 'json', {}, 'Any other mixpanel.init option, applied last. The console starts with {"batch_requests": false} so sends are immediate.'],
    ['consent', 'bool', true, 'Off: mixpanel.js starts opted out and stores and sends nothing.'],
    ['ignoreDnt', 'bool', false, 'mixpanel.js ignore_dnt: send even when the browser says Do Not Track.'],
    ['runtime', 'select:|pyodide|micropython', null, 'Which Python runs the integration (read by the loader): Pyodide (default) or MicroPython (about 0.2 MB of wasm).'],
    // Peers' options, under RudderStack's Mixpanel setting names.
    ['setOnceProperties', 'list', [], 'Traits (or {property} objects) sent with people.set_once and left out of people.set (people on).'],
    ['identityMergeApi', 'select:original|simplified', 'original', 'Mixpanel project\'s ID merge API; simplified: alias() is dropped with one console line.'],
    ['useUserDefinedPageEventName', 'bool', false, 'Page/screen event names from the templates below (consolidatedPageCalls and trackAllPages still win).'],
    ['userDefinedPageEventTemplate', 'string', 'Viewed {{ category }} {{ name }} Page', 'Page event name; {{ category }} and {{ name }} filled in, empty parts and doubled spaces removed.'],
    ['userDefinedScreenEventTemplate', 'string', 'Viewed {{ category }} {{ name }} Screen', 'The same for screen() calls (ours: RudderStack has no screen template).'],
    ['eventFilteringOption', 'select:disable|whitelistedEvents|blacklistedEvents', 'disable', 'Send only the whitelisted events, or all but the blacklisted ones (page and screen names included).'],
    ['whitelistedEvents', 'list', [], 'Event names (or {eventName} objects), matched exactly after trimming, when filtering by whitelist.'],
    ['blacklistedEvents', 'list', [], 'Event names (or {eventName} objects), matched exactly after trimming, when filtering by blacklist.'],
    ['groupTraitsMethod', 'select:set_once|set', 'set_once', 'How group() sends group traits: get_group().set_once (Segment) or set (updates them).'],
    ['persistenceType', 'select:|cookie|localStorage|none', null, 'RudderStack\'s name for persistence (persistence wins when both are set and differ).'],
    ['cookieDomain', 'string', '', 'mixpanel.js cookie_domain: the domain mixpanel.js\'s cookie is written for (empty: its own choice).'],
    ['cookieExpiration', 'number', null, 'mixpanel.js cookie_expiration, in days (empty: mixpanel.js\'s 365).'],
    ['crossSiteCookie', 'bool', false, 'mixpanel.js cross_site_cookie: SameSite=None; Secure, for pages embedded on other sites.'],
    ['sessionReplayPercentage', 'number', 0, 'mixpanel.js record_sessions_percent (0-100); the recorder loads from this bundle, never cdn.mxpnl.com.'],
  ];
  var ALL = SEGMENT.concat(OURS);
  var BY_NAME = {};
  ALL.forEach(function (row) { BY_NAME[row[0]] = row; });
  // Keys Segment stores for Mixpanel that this integration accepts but does not use.
  var SEGMENT_ONLY = ['increments', 'apiKey', 'secret', 'apiSecret'];

  var START = {token: 'demo-token', people: true, mixpanelConfig: {batch_requests: false}};
  var PARAM = 'settings';

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  // Only what differs from the integration's defaults is kept (short, readable links).
  function minimal(settings) {
    var out = {};
    Object.keys(settings).forEach(function (key) {
      var row = BY_NAME[key];
      if (!row || !same(settings[key], row[2])) out[key] = settings[key];
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
    rows: ALL,
    segmentRows: SEGMENT,
    ourRows: OURS,
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
    value: function (name) {
      return Object.prototype.hasOwnProperty.call(current, name) ? current[name] : BY_NAME[name][2];
    },
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
    try { history.replaceState(null, '', urlFor(current)); } catch (e) { /* sandboxed */ }
  }
})();
