/* The non-blocking install: paste this inline in <head> instead of <script src=".../analytics.js">.
   It defines window.analytics as a queue that notes each call's time and page, and fetches the
   loader only after the page's load event, so the page never waits for it. Set SRC to where
   serve.py (or your copy of static/) is mounted. */
(function (w, d) {
  var SRC = '/static/analytics.js';
  var a = w.analytics = w.analytics || [];
  if (!Array.isArray(a) || a.invoked) return;
  a.invoked = true;
  ('identify track page alias group reset consent load ready on once off debug').split(' ')
    .forEach(function (m) {
      a[m] = function () {
        var call = [m].concat([].slice.call(arguments));
        var link = d.querySelector('link[rel="canonical"]');
        call.t = Date.now();
        call.p = [location.href, d.title, d.referrer, link && link.getAttribute('href')];
        a.push(call);
        return a;
      };
    });
  function add() {
    var s = d.createElement('script');
    s.async = true;
    s.src = SRC;
    d.head.appendChild(s);
  }
  if (d.readyState === 'complete') add();
  else w.addEventListener('load', function () { setTimeout(add, 0); });
})(window, document);
