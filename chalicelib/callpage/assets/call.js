// Places the call and follows it. Texts and settings come from the inert JSON block #cfg, so this
// script is the same bytes on every page and the Content-Security-Policy can allow it by hash.
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('cfg').textContent);
  var $ = function (id) { return document.getElementById(id); };
  // The token lives only in the URL path; it is read from there and sent only in the call body.
  var token = decodeURIComponent(location.pathname.split('/').pop());
  var storeKey = 'ems-call:' + cfg.code;
  var PHONE = /^\+?[0-9 \-]{5,20}$/;
  var POLL_MS = 4000;
  var lang = read('ems-lang') || cfg.lang;
  var state = JSON.parse(read(storeKey) || '{}');
  var attempt = 0, misses = 0, timer = null, last = null;

  function read(key) { try { return sessionStorage.getItem(key); } catch (e) { return null; } }
  function keep(key, value) {
    // Storage can be refused (private mode): the call still works, only a reload would forget it.
    try { value === null ? sessionStorage.removeItem(key) : sessionStorage.setItem(key, value); } catch (e) { /* ignore */ }
  }
  function save() { keep(storeKey, JSON.stringify(state)); }
  function t(key, vars) { return cfg.texts[lang][key].replace(/\{(\w+)\}/g, function (_, k) { return vars[k]; }); }
  function say(id, text) { $(id).textContent = text || ''; }
  // Relative to /q/{token}, so it also works under an API Gateway stage prefix.
  function api(path) { return new URL('../v1/' + path, location.href).href; }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context, which a devstack opened over plain HTTP on a LAN is not.
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  function paint() {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
    document.title = t('title');
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (el) { el.textContent = t(el.dataset.t); });
    say('call-alt', cfg.texts[lang === 'en' ? 'zh' : 'en'].call);
    if (last) show(last);
  }

  function start() {
    if (state.key) return; // a second tap is the same emergency, not a second call
    var symptoms = Array.prototype.map.call(document.querySelectorAll('.chip[aria-pressed="true"]'),
      function (b) { return b.dataset.s; });
    var body = { qr_token: token, symptoms: symptoms };
    var phone = $('phone').value.trim();
    // An optional field must never block a call: a mistyped number is simply left out.
    if (PHONE.test(phone)) body.phone = phone;
    // One key per tap, saved before sending, so every retry (even after a reload) is the same call.
    state = { key: uuid(), body: body };
    save();
    send();
  }

  function waiting() {
    $('start').hidden = true;
    $('status').hidden = false;
    $('cpr').hidden = state.body.symptoms.indexOf('cardiac_arrest') < 0 && !$('guidance').textContent;
  }

  function send() {
    waiting();
    say('state', t('calling'));
    attempt += 1;
    fetch(api('calls'), {
      method: 'POST',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': state.key, 'Accept-Language': lang },
      body: JSON.stringify(state.body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) { created(r.status, j); });
    }).catch(function () { retry('offline'); });
  }

  function created(status, j) {
    if (status === 200 || status === 201) {
      state.call_id = j.call_id;
      state.caller_token = j.caller_token;
      state.linked = j.linked;
      save();
      say('net');
      show({ status: j.status });
      poll();
    } else if (status === 429 || status >= 500) {
      retry('busy');
    } else {
      fatal(/^qr_/.test((j.error || {}).code || '') ? 'invalid' : 'failed');
    }
  }

  function retry(kind) {
    say('net', t(kind, { n: attempt }));
    timer = setTimeout(send, Math.min(2000 * attempt, 10000));
  }

  function fatal(kind) {
    clearTimeout(timer);
    keep(storeKey, null); // nothing left to resume; a reload offers the button again
    last = null;
    $('status').classList.add('bad');
    $('fallback').classList.add('urgent');
    say('state', t(kind));
    say('net');
  }

  function poll() {
    clearTimeout(timer);
    fetch(api('calls/' + encodeURIComponent(state.call_id)), {
      cache: 'no-store',
      headers: { Authorization: 'Bearer ' + state.caller_token, 'Accept-Language': lang }
    }).then(function (r) {
      // A refusal right after the call may be a read racing the write: give up only if it persists.
      misses = r.status === 401 || r.status === 403 || r.status === 404 ? misses + 1 : 0;
      if (misses >= 3) return fatal('lost');
      if (!r.ok) throw new Error(String(r.status));
      return r.json().then(function (j) { say('net'); show(j); timer = setTimeout(poll, POLL_MS); });
    }).catch(function () { say('net', t('stale')); timer = setTimeout(poll, POLL_MS); });
  }

  function show(j) {
    last = j;
    say('state', j.status_text || t('received'));
    say('linked', state.linked ? t('linked') : '');
    var u = j.unit;
    var eta = u && u.eta_s != null ? ' · ' + t('eta', { m: Math.max(1, Math.round(u.eta_s / 60)) }) : '';
    say('unit', u ? t('unit', { id: u.id }) + eta : '');
    say('guidance', j.guidance && j.guidance.kind === 'cpr' ? j.guidance.text : '');
    if (j.guidance) $('cpr').hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll('.chip'), function (b) {
    b.addEventListener('click', function () { b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true')); });
  });
  $('call').addEventListener('click', start);
  $('lang').addEventListener('click', function () {
    lang = lang === 'en' ? 'zh' : 'en';
    keep('ems-lang', lang);
    paint();
    if (state.call_id) poll(); // status_text comes from the server in the chosen language
  });
  paint();
  // A reload resumes: follow a placed call, or keep retrying one whose key was saved but never answered.
  if (state.call_id) { waiting(); show({}); poll(); } else if (state.key) send();
})();
