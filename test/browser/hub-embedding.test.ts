import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { simKey } from '../../src/sim/index.js';
import type { z } from 'zod';
import type { HubFailure, HubLinked } from 'account-linker/hub';
import { hubMessageSchema, type hubFailedMessageSchema, type hubLinkedMessageSchema } from '../../src/domain/schemas/hub-message.js';
import { contrastRatio } from '../../src/hub/hub-theme.js';
import { launchChromium } from '../helpers/chromium.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startPlatformApp, type PlatformApp } from '../helpers/platform-app.js';
import { PLATFORMS } from '../helpers/test-env.js';

/**
 * The embedded Hub in a real headless Chromium with two loopback origins: the service on one
 * port, a platform app (and a second, not allowed app) on others, talking through the SDK the
 * service serves. Screenshots of the embedded and branded states go to test-results/screenshots/
 * (the ones in docs/screenshots/ are copies of them).
 */
const SHOTS = 'test-results/screenshots';
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// The SDK's hand-written types (sdk.d.ts) and the message schemas describe the same payloads.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Payload<S extends z.ZodType> = Omit<z.infer<S>, 'type'>;
const linkedTypesMatch: Same<HubLinked, Payload<typeof hubLinkedMessageSchema>> = true;
const failureTypesFit: Payload<typeof hubFailedMessageSchema> extends HubFailure ? true : false = true;
void [linkedTypesMatch, failureTypesFit];

let h: Harness;
let app: PlatformApp;
let otherApp: PlatformApp;
let browser: Browser;
const pages: Page[] = [];
const secrets: string[] = [];

interface Session {
  url: string;
  token: string;
}

async function session(tenantId: string, extra: Record<string, unknown> = {}, platformToken: string = PLATFORMS.acme): Promise<Session> {
  const res = await h.api('POST', '/v1/connect-sessions', { token: platformToken, body: { tenantId, provider: 'smartrecruiters', allowedOrigins: [app.origin], ...extra } });
  expect(res.status, res.text).toBe(201);
  secrets.push(res.body.token.split('.')[2]);
  return res.body;
}

function key(seed: string): string {
  const k = simKey('valid', seed);
  secrets.push(k);
  return k;
}

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 960 } });
  pages.push(page);
  return page;
}

/** The platform app page of `on`, ready to open the Hub of `hubUrl` in `mode`. */
async function appPage(on: PlatformApp, hubUrl: string, mode: 'popup' | 'iframe'): Promise<Page> {
  const page = await newPage();
  await page.goto(`${on.origin}/app?mode=${mode}&hub=${encodeURIComponent(hubUrl)}`);
  await page.waitForFunction(() => (window as unknown as { appReady?: boolean }).appReady === true);
  return page;
}

/** Clicks the app's button and waits for the Hub popup to be ready for a key. */
async function openPopup(page: Page): Promise<Page> {
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.click('#open')]);
  await popup.getByRole('button', { name: 'Connect' }).waitFor();
  return popup;
}

/**
 * Clicks the popup's Close button and waits for the popup to close. The popup closes itself on that
 * click, sometimes before Playwright has finished its click action, which then rejects with "has
 * been closed"; the close event is what shows the click worked.
 */
async function closePopup(popup: Page): Promise<void> {
  const click = popup
    .getByRole('button', { name: 'Close' })
    .click()
    .catch((error: Error) => {
      if (!/has been closed/.test(error.message)) throw error;
    });
  await Promise.all([popup.waitForEvent('close'), click]);
}

type AppEvent = [string, Record<string, unknown>?];
const events = (page: Page) => page.evaluate(() => (window as unknown as { events: AppEvent[] }).events);
const received = (page: Page) => page.evaluate(() => (window as unknown as { received: { origin: string; data: unknown }[] }).received);
const waitForEvent = (page: Page, name: string) =>
  page.waitForFunction((n) => (window as unknown as { events: AppEvent[] }).events.some((e) => e[0] === n), name, { timeout: 20_000 });

/** Every message the app received is a well-formed Hub message from the service's origin, and none carries a secret. */
async function checkMessages(page: Page): Promise<string[]> {
  const messages = await received(page);
  for (const { origin, data } of messages) {
    expect(origin).toBe(h.url);
    hubMessageSchema.parse(data);
  }
  const text = JSON.stringify(messages);
  for (const secret of secrets) expect(text).not.toContain(secret);
  return messages.map((m) => (m.data as { type: string }).type);
}

/** Sends a valid key from the Hub (a frame or a popup) of `page` and waits for the app's onSuccess and the confirmation. */
async function link(page: Page, hub: Page | FrameLocator, seed: string): Promise<void> {
  await hub.getByRole('textbox', { name: 'API key' }).fill(key(seed));
  await hub.getByRole('button', { name: 'Connect' }).click();
  await waitForEvent(page, 'success');
  await hub.getByRole('heading', { name: /^Connected to / }).waitFor();
}

/** After Close: exactly one onSuccess, naming the tenant and the account the API shows, then onClose; the messages were clean. */
async function expectLinkedThenClosed(page: Page, tenantId: string): Promise<void> {
  await waitForEvent(page, 'close');
  const seen = await events(page);
  expect(seen.map((e) => e[0])).toEqual(['success', 'close']);
  const linked = seen[0]![1] as { connectRequestId: string; accountId: string };
  expect(linked).toMatchObject({ tenantId, company: { name: expect.stringMatching(/\S/) } });
  expect(linked.accountId).toBe(await accountOf(linked.connectRequestId));
  expect(await checkMessages(page)).toEqual(['account-linker:linked', 'account-linker:close']);
}

async function accountOf(connectRequestId: string): Promise<string> {
  const res = await h.api('GET', `/v1/connect-requests/${connectRequestId}`);
  expect(res.body.status).toBe('linked');
  return res.body.accountId;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  h = await startHarness('hub-embedding');
  app = await startPlatformApp(h.url, 'Acme HR');
  otherApp = await startPlatformApp(h.url, 'Not Allowed Inc');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await otherApp?.close();
  await h?.close();
});

describe('the Hub embedded in a platform app', () => {
  it('in an iframe: a valid key yields exactly one onSuccess with the account the API shows; Close removes the frame', async () => {
    const { url } = await session('emb-iframe');
    const page = await appPage(app, url, 'iframe');
    await page.click('#open');
    const hub = page.frameLocator('#hub iframe');
    await hub.getByRole('button', { name: 'Connect' }).waitFor();
    expect(await hub.getByRole('button', { name: 'Cancel' }).isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/hub-embedded-iframe.png` });

    await link(page, hub, 'emb-iframe');
    await page.screenshot({ path: `${SHOTS}/hub-embedded-iframe-linked.png` });

    // A reload inside the frame may still be framed (the address keeps the session's id), and links nothing twice.
    await page.frames().find((f) => f.url().startsWith(h.url))!.evaluate(() => location.reload());
    await hub.getByRole('heading', { name: 'This link has already been used' }).waitFor();

    await hub.getByRole('button', { name: 'Close' }).click();
    await expectLinkedThenClosed(page, 'emb-iframe');
    expect(await page.locator('#hub iframe').count()).toBe(0);
  });

  it('in a popup: the same, from the popup to its opener; Close closes the popup', async () => {
    const { url } = await session('emb-popup');
    const page = await appPage(app, url, 'popup');
    const popup = await openPopup(page);
    await link(page, popup, 'emb-popup');
    await popup.screenshot({ path: `${SHOTS}/hub-popup-linked.png` });

    await closePopup(popup);
    await expectLinkedThenClosed(page, 'emb-popup');
  });

  it('Cancel calls onCancel, then onClose, and removes the frame; a wrong key calls onError and keeps the Hub open', async () => {
    const { url } = await session('emb-cancel');
    const page = await appPage(app, url, 'iframe');
    await page.click('#open');
    const hub = page.frameLocator('#hub iframe');
    const wrong = simKey('invalid', 'emb-cancel');
    secrets.push(wrong);
    await hub.getByRole('textbox', { name: 'API key' }).fill(wrong);
    await hub.getByRole('button', { name: 'Connect' }).click();
    await waitForEvent(page, 'error');
    await hub.getByRole('button', { name: 'Cancel' }).click();
    await waitForEvent(page, 'close');
    expect(await events(page)).toEqual([['error', { code: 'invalid_credentials', title: 'SmartRecruiters did not accept this API key' }], ['cancel'], ['close']]);
    expect(await page.locator('#hub iframe').count()).toBe(0);
    expect(await checkMessages(page)).toEqual(['account-linker:failed', 'account-linker:cancel']);
  });

  it('the SDK ignores messages from any other window, even a Hub frame on the right origin, and forged ones', async () => {
    const opened = await session('emb-source-a');
    const other = await session('emb-source-b');
    const page = await appPage(app, opened.url, 'iframe');
    await page.click('#open');
    await page.frameLocator('#hub iframe').getByRole('button', { name: 'Connect' }).waitFor();
    // A second Hub, not opened by the SDK, links a key and tells this page about it.
    await page.evaluate((url) => {
      const frame = document.createElement('iframe');
      frame.id = 'other-hub';
      frame.src = url;
      document.body.append(frame);
    }, other.url);
    const otherHub = page.frameLocator('#other-hub');
    await otherHub.getByRole('textbox', { name: 'API key' }).fill(key('emb-source-b'));
    await otherHub.getByRole('button', { name: 'Connect' }).click();
    // And the page's own origin forges one.
    await page.evaluate(() => window.postMessage({ type: 'account-linker:linked', connectRequestId: 'cr_forged', accountId: 'acc_forged', tenantId: 'x', company: { name: 'x' } }, '*'));
    const types = () => received(page).then((list) => list.map((m) => (m.data as { type: string }).type));
    await expect.poll(types, { timeout: 20_000 }).toEqual(['account-linker:linked', 'account-linker:linked']);
    // Both reached the window, so the SDK's listener has seen them too.
    expect(await events(page)).toEqual([]);

    await page.evaluate(() => (window as unknown as { hub: { close(): void } }).hub.close());
    expect(await events(page)).toEqual([['close']]);
    expect(await page.locator('#hub iframe').count()).toBe(0);
  });

  it('a popup the user closes calls onClose once and nothing else', async () => {
    const { url } = await session('emb-popup-closed');
    const page = await appPage(app, url, 'popup');
    const popup = await openPopup(page);
    await popup.close();
    await waitForEvent(page, 'close');
    expect(await events(page)).toEqual([['close']]);
  });
});

describe('an origin the session does not allow', () => {
  it('cannot frame the Hub: the browser refuses the page, so it never runs', async () => {
    const { url } = await session('emb-evil-frame');
    const page = await appPage(otherApp, url, 'iframe');
    const hubScripts: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(`${h.url}/hub/`)) hubScripts.push(request.url());
    });
    const refused = page.waitForEvent('console', { predicate: (m) => m.text().includes('frame-ancestors'), timeout: 20_000 });
    await page.click('#open');
    expect((await refused).text()).toContain(`frame-ancestors ${app.origin}`);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame?.url()).not.toContain(h.url);
    expect(hubScripts).toEqual([]);
    expect(await received(page)).toEqual([]);
    expect(await events(page)).toEqual([]);
  });

  it('receives no message from a popup it opened, even when the key links', async () => {
    const { url } = await session('emb-evil-popup');
    const page = await appPage(otherApp, url, 'popup');
    const popup = await openPopup(page);
    await popup.getByRole('textbox', { name: 'API key' }).fill(key('emb-evil-popup'));
    await popup.getByRole('button', { name: 'Connect' }).click();
    await popup.getByRole('heading', { name: /^Connected to / }).waitFor({ timeout: 20_000 });
    // Close posts a message too, then the popup closes; the app only notices the closed window, later.
    await closePopup(popup);
    await waitForEvent(page, 'close');
    expect(await received(page)).toEqual([]);
    expect(await events(page)).toEqual([['close']]);
  });
});

describe('returnUrl', () => {
  it('after a link, sends the stand-alone page back with status, connectRequestId and accountId, never the token', async () => {
    const { url, token } = await session('emb-return', { returnUrl: `${app.origin}/return?from=hub` });
    const page = await newPage();
    await page.goto(url);
    const apiKey = key('emb-return');
    await page.getByRole('textbox', { name: 'API key' }).fill(apiKey);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.waitForURL(`${app.origin}/return?**`, { timeout: 20_000 });
    const back = new URL(page.url());
    expect([...back.searchParams.keys()]).toEqual(['from', 'status', 'connectRequestId', 'accountId']);
    expect(back.searchParams.get('from')).toBe('hub');
    expect(back.searchParams.get('status')).toBe('linked');
    expect(back.searchParams.get('accountId')).toBe(await accountOf(back.searchParams.get('connectRequestId')!));
    expect(page.url()).not.toContain(token.split('.')[2]);
    expect(page.url()).not.toContain(apiKey);
  });

  it('after Cancel, sends it back with status=canceled', async () => {
    const { url } = await session('emb-return-cancel', { returnUrl: `${app.origin}/return` });
    const page = await newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(`${app.origin}/return?**`, { timeout: 20_000 });
    expect(new URL(page.url()).search).toBe('?status=canceled');
  });
});

describe('branding', () => {
  const LOGO = `data:image/svg+xml;base64,${Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="48" viewBox="0 0 96 48"><rect width="96" height="48" rx="10" fill="#1b1b1b"/><text x="48" y="31" font-family="sans-serif" font-size="20" font-weight="700" fill="#ffd400" text-anchor="middle">GLOBEX</text></svg>',
  ).toString('base64')}`;

  async function axe(page: Page) {
    await page.evaluate(axeSource);
    const result = await page.evaluate(() => (window as unknown as { axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run(document, { resultTypes: ['violations'] }));
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes).slice(0, 400)}`);
  }

  it('shows the platform\'s name, logo and colour, keeps text contrast AA and passes axe in both colour schemes', async () => {
    const put = await h.api('PUT', '/v1/hub-settings', { token: PLATFORMS.globex, body: { displayName: 'Globex People', logo: LOGO, accentColor: '#FFD400' } });
    expect(put.status, put.text).toBe(200);
    const { url } = await session('emb-brand', {}, PLATFORMS.globex);
    const page = await newPage();
    await page.goto(url);
    const connect = page.getByRole('button', { name: 'Connect' });
    await connect.waitFor();
    expect(await page.title()).toBe('Connect SmartRecruiters to Globex People');
    expect(await page.locator('#lead').textContent()).toContain('Globex People');
    const logo = page.getByRole('img', { name: 'Globex People logo' });
    expect(await logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(96);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const [background, color] = await connect.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
      const hex = (rgb: string) => `#${rgb.match(/\d+/g)!.slice(0, 3).map((v) => Number(v).toString(16).padStart(2, '0')).join('')}`;
      expect(hex(background!), scheme).not.toBe(scheme === 'light' ? '#1f5fd1' : '#6d9bf2');
      expect(contrastRatio(hex(background!), hex(color!)), scheme).toBeGreaterThanOrEqual(4.5);
      expect(await axe(page), scheme).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/hub-branded-${scheme}.png`, fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('textbox', { name: 'API key' }).fill(key('emb-brand'));
    await connect.click();
    await page.getByRole('heading', { name: /^Connected to / }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#result-detail').textContent()).toContain('in Globex People');
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/hub-branded-linked.png`, fullPage: true });
  });
});
