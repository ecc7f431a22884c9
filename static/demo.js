// Demo page wiring. Everything from input or payloads is shown with textContent, never as HTML.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };

  function refresh() {
    fetch('/collector/events').then(function (r) { return r.json(); }).then(function (records) {
      $('received').textContent = records.length
        ? records.map(function (r) { return r.endpoint + ' ' + JSON.stringify(r.payload, null, 2); }).join('\n\n')
        : '(nothing yet)';
    });
  }

  analytics.ready(function (s) {
    var t = analytics.timings;
    $('status').textContent = s.status === 'ready'
      ? 'ready in ' + Math.round(t.ready) + ' ms' : s.status + ': ' + s.error;
  });
  $('track').addEventListener('click', function () {
    analytics.track($('event').value, {source: 'demo'});
    setTimeout(refresh, 300);
  });
  $('refresh').addEventListener('click', refresh);
  $('clear').addEventListener('click', function () {
    fetch('/collector/events', {method: 'DELETE'}).then(refresh);
  });
  refresh();
})();
