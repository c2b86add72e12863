// inbox.js - the inbox pages' small script (issue 5; src/web/ui_inbox.c,
// ui_inbox_item.c).  The pages work without it; it adds:
//  - the queue's keys: j/k move a visible focus between rows, Enter opens
//    (the row's link), x selects the row, a assigns it to me (a form post
//    with the page's CSRF field), ? opens the help; the keys are ignored
//    in text fields and can be turned off (WCAG 2.1.4), remembered in
//    localStorage;
//  - live updates: an EventSource on /api/v1/inbox/events from the change
//    the page was drawn at; changes are counted in the aria-live region
//    ("N new or changed items — Reload"), the table is never touched;
//  - the reply box's character count (debounced for screen readers) and
//    saved replies inserted in place.
// Every text it shows comes translated from the page (data-* attributes).
(function () {
  'use strict';

  // --- live updates --------------------------------------------------------
  var live = document.getElementById('inbox-live');
  if (live && window.EventSource) {
    var changed = {}, count = 0;
    var item = live.getAttribute('data-item');
    var es = new EventSource('/api/v1/inbox/events?after=' +
      encodeURIComponent(live.getAttribute('data-after') || '0'));
    es.addEventListener('change', function (ev) {
      var c;
      try { c = JSON.parse(ev.data); } catch (e) { return; }
      if (!c || (item && String(c.item_id) !== item)) return;
      if (changed[c.item_id]) return;
      changed[c.item_id] = true;
      count++;
      var tpl = live.getAttribute(count === 1 ? 'data-one' : 'data-many');
      var p = document.createElement('p');
      p.appendChild(document.createTextNode(tpl.replace('{n}', String(count)) + ' — '));
      var a = document.createElement('a');
      a.href = window.location.pathname + window.location.search;
      a.textContent = live.getAttribute('data-reload');
      p.appendChild(a);
      live.textContent = '';
      live.appendChild(p);
    });
    window.addEventListener('pagehide', function () { es.close(); });
  }

  // --- the reply box -------------------------------------------------------
  var box = document.getElementById('f-rp-text');
  var cnt = document.getElementById('rp-count');
  if (box && cnt && cnt.getAttribute('data-limit')) {
    var max = parseInt(cnt.getAttribute('data-limit'), 10);
    var extra = parseInt(cnt.getAttribute('data-extra') || '0', 10);
    var timer = null;
    var show = function () {
      var n = Array.from(box.value).length + extra;
      var tpl = cnt.getAttribute(n > max ? 'data-over' : 'data-tpl');
      cnt.textContent = tpl.replace('{n}', String(n)).replace('{max}', String(max));
      cnt.classList.toggle('over', n > max);
    };
    cnt.setAttribute('aria-live', 'polite');
    box.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(show, 700);
    });
    show();
  }
  var saved = document.querySelector('form.saved-replies');
  if (saved && box) {
    saved.addEventListener('submit', function (ev) {
      var o = saved.querySelector('select').selectedOptions[0];
      if (!o) return;
      ev.preventDefault();
      var body = o.getAttribute('data-body') || '';
      box.value = box.value.trim() ? box.value.replace(/\s+$/, '') + '\n\n' + body : body;
      box.dispatchEvent(new Event('input'));
      box.focus();
    });
  }

  // --- the queue's keys ----------------------------------------------------
  var bulk = document.querySelector('form.bulk');
  var help = document.getElementById('keys-help');
  if (!bulk || !help) return;
  var rows = Array.prototype.slice.call(bulk.querySelectorAll('tbody tr'));
  var cur = -1;
  var keysOn = function () {
    try { return window.localStorage.getItem('kv-inbox-keys') !== 'off'; } catch (e) { return true; }
  };
  var openBtn = document.getElementById('keys-open');
  var toggle = document.getElementById('keys-toggle');
  var label = function () {
    toggle.textContent = toggle.getAttribute(keysOn() ? 'data-on' : 'data-off');
  };
  openBtn.hidden = false;
  label();
  var showHelp = function () { if (!help.open) help.showModal(); };
  openBtn.addEventListener('click', showHelp);
  document.getElementById('keys-close').addEventListener('click', function () { help.close(); });
  help.addEventListener('close', function () { openBtn.focus(); });
  toggle.addEventListener('click', function () {
    try { window.localStorage.setItem('kv-inbox-keys', keysOn() ? 'off' : 'on'); } catch (e) { /* private mode */ }
    label();
  });

  var go = function (i) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (cur >= 0 && rows[cur]) rows[cur].classList.remove('current');
    cur = i;
    rows[cur].classList.add('current');
    rows[cur].querySelector('a.open').focus();
  };
  rows.forEach(function (tr, i) {
    tr.addEventListener('focusin', function () {
      if (cur >= 0 && rows[cur]) rows[cur].classList.remove('current');
      cur = i;
      tr.classList.add('current');
    });
  });
  var typing = function (el) {
    if (!el) return false;
    if (el.isContentEditable || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
    return el.tagName === 'INPUT' && !/^(checkbox|radio|button|submit|reset)$/.test(el.type);
  };
  var assignMe = function (tr) {
    var f = document.createElement('form');
    f.method = 'post';
    f.action = '/inbox/' + tr.getAttribute('data-id') + '/assign';
    var add = function (k, v) {
      var i = document.createElement('input');
      i.type = 'hidden'; i.name = k; i.value = v;
      f.appendChild(i);
    };
    add('_csrf', bulk.querySelector('input[name="_csrf"]').value);
    add('me', '1');
    add('next', window.location.pathname + window.location.search);
    document.body.appendChild(f);
    f.submit();
  };
  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || help.open) return;
    if (typing(ev.target) || !keysOn()) return;
    switch (ev.key) {
    case 'j': go(cur + 1); break;
    case 'k': go(cur < 0 ? 0 : cur - 1); break;
    case 'x':
      if (cur < 0) return;
      var cb = rows[cur].querySelector('input[type="checkbox"]');
      cb.checked = !cb.checked;
      break;
    case 'a':
      if (cur < 0) return;
      assignMe(rows[cur]);
      break;
    case '?': showHelp(); break;
    default: return;
    }
    ev.preventDefault();
  });
}());
