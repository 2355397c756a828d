// Connect Hub page script. Plain browser JavaScript, no build step. The API key lives only in
// the password field and in the body of one POST; it is never stored, logged or put in a URL.
'use strict';

(function () {
  const TOKEN_SLOT = 'account-linker.hub.session';
  const POLL_MS = 1000;
  const RETURN_DELAY_MS = 1500;
  const $ = (id) => document.getElementById(id);

  // Read the token, then take its secret out of the address bar (and so out of history and
  // bookmarks); the token stays in this tab's sessionStorage so a reload can still follow the
  // request. The address keeps the session's id and platform, no secret, so that on a reload the
  // server still knows which origins may frame the page.
  const storage = {
    get: () => { try { return sessionStorage.getItem(TOKEN_SLOT); } catch { return null; } },
    set: (value) => { try { sessionStorage.setItem(TOKEN_SLOT, value); } catch { /* storage blocked: this load still works */ } },
  };
  const given = new URLSearchParams(location.search).get('session') || '';
  const parts = given.split('.');
  const stored = storage.get();
  // A token kept from another link opened earlier in this tab is not this page's.
  let token = parts.length === 3 ? given : stored && (!given || stored.startsWith(given + '.')) ? stored : null;
  if (parts.length === 3) {
    storage.set(given);
    history.replaceState(null, '', location.pathname + '?session=' + encodeURIComponent(parts[0] + '.' + parts[1]));
  }

  // ---- the embedding app --------------------------------------------------------------------
  // Framed: talk to the parent; opened as a popup: to the opener. Each message goes to the
  // session's allowed origins only (the browser drops it unless the window is on that origin),
  // and never carries the key or the token.
  const embedder = window.parent !== window ? window.parent : window.opener;
  // In a frame the app draws the surroundings: the page drops its own margin and card border.
  if (window.parent !== window) document.documentElement.classList.add('framed');
  let embed = { allowedOrigins: [], returnUrl: null };
  function tell(type, data) {
    if (!embedder) return;
    const message = Object.assign({ type: 'account-linker:' + type }, data || {});
    for (const origin of embed.allowedOrigins) {
      try {
        embedder.postMessage(message, origin);
      } catch {
        // the window went away
      }
    }
  }

  /** A stand-alone page (no app around it) sends the end user back to returnUrl, if the session has one. */
  function returnUrl(status, request) {
    if (embedder || !embed.returnUrl) return null;
    const url = new URL(embed.returnUrl);
    url.searchParams.set('status', status);
    if (request && request.id) url.searchParams.set('connectRequestId', request.id);
    if (status === 'linked' && request.accountId) url.searchParams.set('accountId', request.accountId);
    return url.href;
  }

  function goBack(url) {
    $('return-link').href = url;
    $('returning').hidden = false;
    // A moment to read the outcome; the link goes at once.
    setTimeout(() => location.replace(url), RETURN_DELAY_MS);
  }

  // ---- branding -----------------------------------------------------------------------------
  let appName = 'the app';
  function applyBranding(branding) {
    if (branding.displayName) {
      appName = branding.displayName;
      $('lead').textContent = 'Link your SmartRecruiters company to ' + branding.displayName + ' with an API key.';
      document.title = 'Connect SmartRecruiters to ' + branding.displayName;
    }
    if (branding.logo) {
      const logo = $('brand-logo');
      logo.src = branding.logo;
      logo.alt = branding.displayName ? branding.displayName + ' logo' : '';
      logo.hidden = false;
      $('brand').dataset.logo = '';
    }
    if (branding.theme) {
      const style = document.documentElement.style;
      style.setProperty('--accent-light', branding.theme.light.brand);
      style.setProperty('--accent-light-text', branding.theme.light.brandText);
      style.setProperty('--accent-dark', branding.theme.dark.brand);
      style.setProperty('--accent-dark-text', branding.theme.dark.brandText);
    }
  }

  function learn(view) {
    embed = view.embed;
    applyBranding(view.branding);
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
    $('cancel-after').hidden = !options.retry;
    // In an app, Close hands control back to it; a stand-alone page has nothing to close to.
    $('close').hidden = !embedder || !!options.retry;
    $('returning').hidden = true;
    show('view-result');
    if (changed) $('result-title').focus();
  }

  function problem(p) {
    if (p && p.allowedOrigins) {
      embed = { allowedOrigins: p.allowedOrigins, returnUrl: null };
      tell('failed', { code: String(p.type).split(':').pop(), title: p.title });
    }
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
      return { kind: 'ok', title: 'Connected to ' + name, detail: 'Your SmartRecruiters account is connected. You can close this page: the account now appears on your Accounts page in ' + appName + '.' };
    }
    if (request.status === 'failed') return { kind: 'problem', title: request.error.title, detail: request.error.detail };
    return null;
  }

  let pollTimer = null;
  let tenantId = null;
  function follow(view, reused) {
    clearTimeout(pollTimer);
    const request = view.request;
    lastRequest = request;
    const done = request && outcome(request);
    if (reused) {
      const extra = !request ? '' : done ? 'The key sent with it: ' + done.title + '.' : 'The key sent with it is still being checked…';
      result('info', view.notice.title, view.notice.detail, { extra: extra });
      if (!done) pollTimer = setTimeout(() => poll(true), POLL_MS);
      return;
    }
    if (done) {
      result(done.kind, done.title, done.detail, { retry: view.state === 'open' && request.status === 'failed' });
      report(request);
      return;
    }
    if ($('view-progress').hidden) {
      show('view-progress');
      $('progress-title').focus();
    }
    progress(request);
    pollTimer = setTimeout(() => poll(false), POLL_MS);
  }

  // Each outcome is told once per page, however often the page looks at it.
  const reported = new Set();
  function report(request) {
    if (reported.has(request.id)) return;
    reported.add(request.id);
    if (request.status === 'linked') {
      tell('linked', { connectRequestId: request.id, accountId: request.accountId, tenantId: tenantId, company: { name: request.company ? request.company.name : '' } });
      const back = returnUrl('linked', request);
      if (back) goBack(back);
    } else {
      tell('failed', { code: request.error.code, title: request.error.title });
    }
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

  /**
   * SmartRecruiters keys: 32 characters for a company, 64 starting with "pp-" for a partner;
   * printable, no spaces. Checked here so a key cut short by a bad copy is caught before sending.
   */
  function checkKey(key) {
    if (!key) return 'Paste the API key you copied from SmartRecruiters.';
    if (/\s/.test(key)) return 'The key has spaces or line breaks inside it. Copy it again from SmartRecruiters, in one piece.';
    if (!/^[\x21-\x7e]+$/.test(key)) return 'The key contains characters SmartRecruiters keys never have. Copy it again from SmartRecruiters.';
    const partner = key.startsWith('pp-');
    const expected = partner ? 64 : 32;
    if (key.length !== expected) {
      return 'This key is ' + key.length + ' characters long, but SmartRecruiters ' + (partner ? 'partner keys (starting with pp-) have 64' : 'keys have 32') + '. Copy it again, in full.';
    }
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

  let lastRequest = null;
  function cancel() {
    clearTimeout(pollTimer);
    input.value = '';
    tell('cancel');
    result('info', 'Canceled', 'Nothing was sent' + (lastRequest ? ' this time' : '') + '. You can close this page.');
    const back = returnUrl('canceled', lastRequest);
    if (back) goBack(back);
  }
  $('cancel').addEventListener('click', cancel);
  $('cancel-after').addEventListener('click', cancel);

  $('close').addEventListener('click', () => {
    tell('close');
    // A popup the app opened can close itself; a frame is removed by the app.
    if (window.opener && window.parent === window) window.close();
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
      learn(view);
      tenantId = view.tenantId;
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
