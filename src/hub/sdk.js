// account-linker/hub: open the Connect Hub from a platform's web app, in a popup or an iframe,
// and hear how it ended. Plain ES module, no dependencies, no requests of its own; served by the
// service at /hub/sdk.js (import it from there, or from the package) and typed by sdk.d.ts.

const PREFIX = 'account-linker:';
const POPUP = { width: 520, height: 760 };
/** How often a popup is checked for having been closed by the user (no event says so). */
const POPUP_CLOSED_CHECK_MS = 400;

function resolveContainer(container) {
  const element = typeof container === 'string' ? document.querySelector(container) : container;
  if (!element) throw new Error('openHub: mode "iframe" needs `container`, an element (or a selector of one) to put the Hub in');
  return element;
}

function openFrame(url, container) {
  const frame = document.createElement('iframe');
  frame.src = url;
  frame.title = 'Connect your SmartRecruiters account';
  frame.style.border = '0';
  frame.style.width = '100%';
  frame.style.height = '100%';
  frame.style.minHeight = '640px';
  resolveContainer(container).appendChild(frame);
  return frame;
}

function openPopup(url) {
  const left = Math.max(0, (window.screenX || 0) + ((window.outerWidth || POPUP.width) - POPUP.width) / 2);
  const top = Math.max(0, (window.screenY || 0) + ((window.outerHeight || POPUP.height) - POPUP.height) / 2);
  // The Hub answers through window.opener, so the popup must keep it (no "noopener").
  const popup = window.open(url, 'account-linker-hub', `popup,width=${POPUP.width},height=${POPUP.height},left=${Math.round(left)},top=${Math.round(top)}`);
  if (!popup) throw new Error('openHub: the browser blocked the popup; call openHub from a click handler');
  return popup;
}

/**
 * Opens the Hub at `url` (the `url` of POST /v1/connect-sessions; its session must list this
 * page's origin in allowedOrigins) and calls back as the end user goes. Messages count only when
 * they come from the Hub's origin and from the window opened here.
 */
export function openHub(options) {
  const { url, mode = 'popup', container, onSuccess, onError, onCancel, onClose } = options || {};
  if (typeof url !== 'string') throw new Error('openHub: `url` is required: the url of the connect session');
  const hubUrl = new URL(url, window.location.href);
  if (mode !== 'popup' && mode !== 'iframe') throw new Error('openHub: `mode` must be "popup" or "iframe"');

  const frame = mode === 'iframe' ? openFrame(hubUrl.href, container) : null;
  const hubWindow = frame ? frame.contentWindow : openPopup(hubUrl.href);
  let succeeded = false;
  let closed = false;
  const closedCheck = frame ? null : setInterval(() => hubWindow.closed && close(), POPUP_CLOSED_CHECK_MS);

  function close() {
    if (closed) return;
    closed = true;
    window.removeEventListener('message', onMessage);
    clearInterval(closedCheck);
    if (frame) frame.remove();
    else if (!hubWindow.closed) hubWindow.close();
    if (onClose) onClose();
  }

  function onMessage(event) {
    if (closed || event.origin !== hubUrl.origin || event.source !== hubWindow) return;
    const data = event.data;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string' || !data.type.startsWith(PREFIX)) return;
    switch (data.type.slice(PREFIX.length)) {
      case 'linked':
        // One session links once; a second message (a reload, a replay) is not a second success.
        if (succeeded) return;
        succeeded = true;
        if (onSuccess) onSuccess({ connectRequestId: data.connectRequestId, accountId: data.accountId, tenantId: data.tenantId, company: { name: data.company && data.company.name } });
        return;
      case 'failed':
        if (onError) onError({ code: data.code, title: data.title });
        return;
      case 'cancel':
        try {
          if (onCancel) onCancel();
        } finally {
          close();
        }
        return;
      case 'close':
        close();
        return;
    }
  }
  window.addEventListener('message', onMessage);

  return { close, window: hubWindow };
}
