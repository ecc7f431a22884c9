// QA console helpers: DOM building (text only, never HTML), JSON formatting, copying.
(function () {
  'use strict';
  var QA = (window.QA = window.QA || {});

  // el('div', {class: 'x', id: 'y', onclick: fn}, [children | 'text']) — strings become text nodes.
  QA.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else if (key === 'text') node.textContent = String(value);
      else if (key === 'class') node.className = value;
      else if (key in node && typeof value !== 'string') node[key] = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    });
    QA.append(node, children);
    return node;
  };

  QA.append = function (node, children) {
    [].concat(children === undefined ? [] : children).forEach(function (child) {
      if (child === null || child === undefined || child === false) return;
      node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    });
    return node;
  };

  QA.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  QA.$ = function (id) { return document.getElementById(id); };

  // JSON for display: Dates as ISO strings, functions and cycles named, never throws.
  QA.plain = function (value) {
    var seen = [];
    try {
      return JSON.parse(JSON.stringify(value, function (key, v) {
        if (typeof v === 'function') return '[function' + (v.name ? ' ' + v.name : '') + ']';
        if (typeof v === 'bigint') return v.toString();
        if (v && typeof v === 'object') {
          if (seen.indexOf(v) >= 0) return '[cycle]';
          seen.push(v);
        }
        return v;
      }));
    } catch (e) {
      return '[unreadable: ' + e.message + ']';
    }
  };

  QA.json = function (value, indent) {
    var text = JSON.stringify(QA.plain(value), null, indent === undefined ? 2 : indent);
    return text === undefined ? 'undefined' : text;
  };

  // analytics.track("x", {...}) style, for one call's arguments.
  QA.callText = function (prefix, method, args) {
    var flat = (args || []).map(function (a) { return QA.json(a, 0); });
    if (flat.join(', ').length <= 64) return prefix + method + '(' + flat.join(', ') + ')';
    var parts = (args || []).map(function (a) { return QA.json(a, 2).replace(/\n/g, '\n  '); });
    return prefix + method + '(\n  ' + parts.join(',\n  ') + '\n)';
  };

  QA.time = function (ms) {
    var d = new Date(ms);
    var pad = function (n, w) { return String(n).padStart(w || 2, '0'); };
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
  };

  QA.bytes = function (n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
    return (n / 1024 / 1024).toFixed(2) + ' MB';
  };

  QA.copy = function (text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return Promise.resolve(fallbackCopy(text));
  };

  function fallbackCopy(text) {
    var area = QA.el('textarea', {class: 'offscreen', 'aria-hidden': 'true'});
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); } finally { area.remove(); }
  }

  // Flash a short confirmation on a button without losing its label.
  QA.flash = function (button, text) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = text;
    setTimeout(function () { button.textContent = label; }, 1200);
  };
})();
