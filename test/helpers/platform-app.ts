import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a platform's web app on its own loopback origin: `/app` loads the Hub SDK from
 * the service as a cross-origin module and opens the Hub (`?hub=<session url>&mode=popup|iframe`)
 * when #open is clicked; every SDK callback lands in `window.events`, and every message the window
 * receives, from anyone, in `window.received`. `/return` is a page to come back to.
 */
export interface PlatformApp {
  origin: string;
  close(): Promise<void>;
}

const appPage = (serviceUrl: string, name: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${name}</title>
  <style>
    body { margin: 0; font: 15px/1.4 system-ui, sans-serif; background: #eef1f5; color: #1b2330; }
    header { background: #24292f; color: #fff; padding: 14px 24px; font-weight: 600; }
    main { display: flex; gap: 24px; padding: 24px; }
    aside { width: 220px; }
    #hub { flex: 1; max-width: 640px; height: 860px; background: #fff; border-radius: 12px; overflow: hidden; box-shadow: 0 2px 8px rgb(0 0 0 / 0.12); }
    #hub:empty { display: none; }
  </style>
</head>
<body>
  <header>${name} · Settings · Integrations</header>
  <main>
    <aside><p>Connect your applicant tracking system.</p><button id="open">Connect SmartRecruiters</button></aside>
    <div id="hub"></div>
  </main>
  <script type="module">
    import { openHub } from '${serviceUrl}/hub/sdk.js';
    const params = new URLSearchParams(location.search);
    window.events = [];
    window.received = [];
    window.addEventListener('message', (event) => window.received.push({ origin: event.origin, data: event.data }));
    document.getElementById('open').addEventListener('click', () => {
      window.hub = openHub({
        url: params.get('hub'),
        mode: params.get('mode'),
        container: '#hub',
        onSuccess: (linked) => window.events.push(['success', linked]),
        onError: (failure) => window.events.push(['error', failure]),
        onCancel: () => window.events.push(['cancel']),
        onClose: () => window.events.push(['close']),
      });
    });
    window.appReady = true;
  </script>
</body>
</html>`;

export async function startPlatformApp(serviceUrl: string, name: string): Promise<PlatformApp> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    if (path === '/app') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(appPage(serviceUrl, name));
    } else if (path === '/return') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><title>${name}</title><h1>Back in ${name}</h1></html>`);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
