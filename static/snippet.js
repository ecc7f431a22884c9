/* The non-blocking install: paste this inline in <head> instead of <script src=".../analytics.js">.
   It defines window.analytics as a queue that notes each call's time and page, and fetches the
   loader only after the page's load event, so the page never waits for it. Where the loader is:
   included as a file (<script src=".../snippet.js">), analytics.js beside it in the bundle;
   pasted inline, SRC below (the README's mount of the bundle): edit it if yours differs. */
(function (w, d) {
  var SRC = '/analytics/analytics.js';
  var me = d.currentScript;
  if (me && me.src) SRC = new URL('analytics.js', me.src).href;
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
