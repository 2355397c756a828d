// Connect Hub page script. Plain browser JavaScript, no build step. The API key lives only in
// the password field and in the body of one POST; it is never stored, logged or put in a URL.
'use strict';

(function () {
  const TOKEN_SLOT = 'account-linker.hub.session';
  const POLL_MS = 1000;
  const $ = (id) => document.getElementById(id);

  // Read the token, then take it out of the address bar (and so out of history and bookmarks).
  // It stays in this tab's sessionStorage so a reload can still follow the request.
  const params = new URLSearchParams(location.search);
  let token = params.get('session');
  if (token) {
    sessionStorage.setItem(TOKEN_SLOT, token);
    history.replaceState(null, '', location.pathname);
  } else {
    token = sessionStorage.getItem(TOKEN_SLOT);
  }

  const views = ['view-loading', 'view-form', 'view-progress', 'view-result'];
  function show(id) {
    for (const v of views) $(v).hidden = v !== id;
  }

  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: Object.assign({ authorization: 'Session ' + token }, body ? { 'content-type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      credentials: 'omit',
    });
    const data = await res.json().catch(() => null);
    return { ok: res.ok, status: res.status, data };
  }

  // ---- results ------------------------------------------------------------------------------
  function result(kind, title, detail, options) {
    options = options || {};
    const section = $('view-result');
    // Focus (and so a screen reader) moves only when there is something new to read.
    const changed = section.hidden || $('result-title').textContent !== title;
    section.dataset.kind = kind;
    $('result-title').textContent = title;
    $('result-detail').textContent = detail;
    $('result-extra').textContent = options.extra || '';
    $('result-extra').hidden = !options.extra;
    $('try-again').hidden = !options.retry;
    show('view-result');
    if (changed) $('result-title').focus();
  }

  function problem(p) {
    if (p && p.title) return result('problem', p.title, p.detail || '');
    result('problem', 'Something went wrong', 'We could not reach the server. Check your connection and reload this page.');
  }

  // ---- progress -----------------------------------------------------------------------------
  const STEP_ORDER = ['queued', 'validating', 'linked'];
  function progress(request) {
    const waiting = request.status === 'retrying';
    const current = waiting ? 'validating' : request.status;
    const at = STEP_ORDER.indexOf(current);
    for (const li of document.querySelectorAll('.progress li')) {
      const i = STEP_ORDER.indexOf(li.dataset.step);
      li.className = i < at ? 'done' : i === at ? 'current' + (waiting ? ' waiting' : '') : '';
      if (i === at) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    }
    const status = $('progress-status');
    status.classList.toggle('waiting', waiting);
    status.textContent =
      request.status === 'queued'
        ? 'Your key is in line to be checked.'
        : waiting
          ? 'SmartRecruiters is not answering right now. We keep trying (attempt ' + (request.attempt + 1) + '); you can leave this page open.'
          : 'Checking your key with SmartRecruiters…';
  }

  function outcome(request) {
    if (request.status === 'linked') {
      const name = request.company ? request.company.name : 'your company';
      return { kind: 'ok', title: 'Connected to ' + name, detail: 'Your SmartRecruiters account is connected. You can close this page: the account now appears on your Accounts page in the app.' };
    }
    if (request.status === 'failed') return { kind: 'problem', title: request.error.title, detail: request.error.detail };
    return null;
  }

  let pollTimer = null;
  function follow(view, reused) {
    clearTimeout(pollTimer);
    const request = view.request;
    const done = request && outcome(request);
    if (reused) {
      const extra = !request ? '' : done ? 'The key sent with it: ' + done.title + '.' : 'The key sent with it is still being checked…';
      result('info', view.notice.title, view.notice.detail, { extra: extra });
      if (!done) pollTimer = setTimeout(() => poll(true), POLL_MS);
      return;
    }
    if (done) {
      result(done.kind, done.title, done.detail, { retry: view.state === 'open' && request.status === 'failed' });
      return;
    }
    if ($('view-progress').hidden) {
      show('view-progress');
      $('progress-title').focus();
    }
    progress(request);
    pollTimer = setTimeout(() => poll(false), POLL_MS);
  }

  async function poll(reused) {
    try {
      const res = await call('GET', 'hub/api/session');
      if (!res.ok) return problem(res.data);
      follow(res.data, reused);
    } catch {
      // A dropped connection is not the end of the request: keep following it.
      $('progress-status').textContent = 'Lost the connection to the server; trying again…';
      pollTimer = setTimeout(() => poll(reused), POLL_MS * 3);
    }
  }

  // ---- the form -----------------------------------------------------------------------------
  const input = $('api-key');
  const errorText = $('api-key-error');

  function fieldError(message) {
    errorText.textContent = message;
    errorText.hidden = !message;
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }

  /** Same rule as the API (20-256 printable characters, no spaces), in words an end user acts on. */
  function checkKey(key) {
    if (!key) return 'Paste the API key you copied from SmartRecruiters.';
    if (/\s/.test(key)) return 'The key has spaces or line breaks inside it. Copy it again from SmartRecruiters, in one piece.';
    if (!/^[\x21-\x7e]+$/.test(key)) return 'The key contains characters SmartRecruiters keys never have. Copy it again from SmartRecruiters.';
    if (key.length < 20 || key.length > 256) return 'This key is ' + key.length + ' characters long, but SmartRecruiters keys have 32. Copy it again, in full.';
    return '';
  }

  $('toggle-key').addEventListener('click', (event) => {
    const button = event.currentTarget;
    const showing = input.type === 'text';
    input.type = showing ? 'password' : 'text';
    button.setAttribute('aria-pressed', String(!showing));
    button.textContent = showing ? 'Show key' : 'Hide key';
  });

  input.addEventListener('input', () => {
    if (!errorText.hidden) fieldError('');
  });

  let sending = false;
  $('connect-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    const key = input.value.trim();
    const invalid = checkKey(key);
    fieldError(invalid);
    if (invalid) {
      input.focus();
      return;
    }
    sending = true;
    const button = $('connect');
    button.disabled = true;
    button.textContent = 'Connecting…';
    try {
      const res = await call('POST', 'hub/api/connect', { apiKey: key });
      if (res.ok) {
        input.value = '';
        follow(res.data, false);
      } else if (res.status === 400) {
        fieldError((res.data && res.data.errors && res.data.errors[0] && res.data.errors[0].message) || 'The key was not accepted. Copy it again from SmartRecruiters.');
        input.focus();
      } else {
        input.value = '';
        problem(res.data);
      }
    } catch {
      fieldError('We could not reach the server. Check your connection and press Connect again.');
    } finally {
      sending = false;
      button.disabled = false;
      button.textContent = 'Connect';
    }
  });

  $('try-again').addEventListener('click', () => {
    input.type = 'password';
    $('toggle-key').setAttribute('aria-pressed', 'false');
    $('toggle-key').textContent = 'Show key';
    fieldError('');
    show('view-form');
    input.focus();
  });

  // ---- start --------------------------------------------------------------------------------
  async function start() {
    if (!token) {
      return result('problem', 'This page needs a connect link', 'Open it from the app where you were connecting SmartRecruiters: it sends you here with a link made for you.');
    }
    try {
      const res = await call('GET', 'hub/api/session');
      if (!res.ok) return problem(res.data);
      const view = res.data;
      $('expires').textContent = 'This link works until ' + new Date(view.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + '.';
      if (view.state === 'used') return follow(view, true);
      if (view.request) return follow(view, false);
      show('view-form');
    } catch {
      problem(null);
    }
  }
  start();
})();
