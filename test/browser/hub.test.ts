import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { simKey } from '../../src/sim/index.js';
import { launchChromium } from '../helpers/chromium.js';
import { startHarness, type Harness } from '../helpers/harness.js';

/**
 * The Connect Hub in a real headless Chromium (Debian's), keyboard only, against the real API,
 * workers and the SmartRecruiters simulator. Every state is saved as a screenshot at desktop and
 * phone width under test-results/screenshots/.
 */
const SHOTS = 'test-results/screenshots';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let h: Harness;
let shortLived: Harness;
let browser: Browser;
const pages: Page[] = [];
const usedKeys: string[] = [];
const urls: string[] = [];

function key(prefix: string, seed: string): string {
  const k = simKey(prefix, seed);
  usedKeys.push(k);
  return k;
}

async function session(harness: Harness, tenantId: string): Promise<string> {
  const res = await harness.api('POST', '/v1/connect-sessions', { body: { tenantId, provider: 'smartrecruiters' } });
  expect(res.status, res.text).toBe(201);
  urls.push(res.body.url);
  return res.body.url;
}

/** A fresh page that fails the test on any request leaving the service (the Hub must work offline). */
async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: DESKTOP });
  pages.push(page);
  const origin = new URL(url).origin;
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) throw new Error(`the Hub requested ${request.url()}`);
  });
  await page.goto(url);
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/** Tab to the key field, type the key and press Enter: the whole flow without a mouse. */
async function typeKeyAndConnect(page: Page, apiKey: string): Promise<void> {
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
  await page.keyboard.type(apiKey);
  await page.keyboard.press('Enter');
}

const keyField = (page: Page) => page.getByRole('textbox', { name: 'API key' });
const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { name }).waitFor({ timeout: 20_000 });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Slow retries so the page has time to show "retrying" between attempts.
  h = await startHarness('hub-browser', { env: { LINKER_BACKOFF_BASE: '1s', LINKER_BACKOFF_MAX: '2s', LINKER_VALIDATION_ATTEMPTS: '30' } });
  shortLived = await startHarness('hub-browser-ttl', { workers: false, env: { LINKER_CONNECT_SESSION_TTL: '1s' } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  await shortLived?.close();
});

describe('Connect Hub in Chromium', () => {
  let linkedUrl: string;

  it('explains where the key comes from, with a labelled, masked field, and strips the token from the address bar', async () => {
    const page = await open(await session(h, 'tenant-form'));
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    // The secret leaves the address bar; the session's id stays so a reload keeps its framing rules.
    expect(page.url()).toMatch(new RegExp(`^${h.url}/hub\\?session=cs_[0-9a-z]{26}\\.acme$`));
    const tree = await page.locator('main').ariaSnapshot();
    expect(tree).toContain('heading "Connect SmartRecruiters"');
    expect(tree).toContain('Settings');
    expect(tree).toContain('Apps & Integrations');
    expect(tree).toContain('New Credential');
    expect(tree).toMatch(/administrator rights/);
    expect(tree).toMatch(/System Role[\s\S]*Access Group/);
    expect(tree).toMatch(/only once/);
    expect(tree).toMatch(/full access/);
    expect(tree).toContain('textbox "API key"');
    expect(tree).toContain('button "Show key"');
    expect(await keyField(page).getAttribute('type')).toBe('password');
    await shoot(page, '1-form');
  });

  it('keyboard only: an empty key is explained, show/hide works, and a valid key ends on the confirmation with the company name', async () => {
    const apiKey = key('valid', 'hub-keyboard');
    h.sim.setKey(apiKey, { kind: 'valid', company: { identifier: 'NorthwindTraders', name: 'Northwind Traders' } });
    linkedUrl = await session(h, 'tenant-keyboard');
    const page = await open(linkedUrl);
    await page.getByRole('button', { name: 'Connect' }).waitFor();

    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Paste the API key you copied from SmartRecruiters.');
    expect(await keyField(page).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('main').ariaSnapshot()).toContain('alert: Paste the API key you copied from SmartRecruiters.');
    await shoot(page, '2-empty-key');

    await page.keyboard.type(`  ${apiKey}  `);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await keyField(page).getAttribute('type')).toBe('text');
    expect(await page.getByRole('button', { name: 'Hide key' }).getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');

    await heading(page, 'Connected to Northwind Traders');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Connected to Northwind Traders');
    expect(await page.locator('main').ariaSnapshot()).toMatch(/Accounts page/);
    expect(page.url()).not.toContain(apiKey);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(apiKey);
    expect(await page.locator('#api-key').inputValue()).toBe('');
    await shoot(page, '3-connected');
  });

  it('checks the key\'s length and characters before sending it, and carries its favicon inline', async () => {
    const page = await open(await session(h, 'tenant-shape'));
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/hub/api/connect')) sent.push(request.url());
    });
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    const cases: [string, RegExp][] = [
      [simKey('valid', 'hub-shape').slice(0, 31), /^This key is 31 characters long, but SmartRecruiters keys have 32\./],
      [`pp-${'a'.repeat(60)}`, /^This key is 63 characters long, but SmartRecruiters partner keys \(starting with pp-\) have 64\./],
      ['é'.repeat(32), /characters SmartRecruiters keys never have/],
      ['valid-0123456789abcdef 012345678', /spaces or line breaks inside it/],
    ];
    for (const [bad, message] of cases) {
      await keyField(page).fill(bad);
      await page.getByRole('button', { name: 'Connect' }).click();
      expect(await page.getByRole('alert').textContent()).toMatch(message);
      expect(await keyField(page).getAttribute('aria-invalid')).toBe('true');
    }
    await shoot(page, '2b-short-key');
    expect(sent).toEqual([]);

    // A partner key of the right shape passes the page's check and goes to the server (the simulator does not know it).
    await keyField(page).fill(`pp-${'a'.repeat(61)}`);
    await page.getByRole('button', { name: 'Connect' }).click();
    await heading(page, 'SmartRecruiters did not accept this API key');
    expect(sent).toHaveLength(1);

    // The icon is a data URL the browser can decode, so it never asks the server for /favicon.ico.
    const icon = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '';
      const img = new Image();
      img.src = href;
      await img.decode();
      return { scheme: href.split(':')[0], width: img.naturalWidth };
    });
    expect(icon.scheme).toBe('data');
    expect(icon.width).toBeGreaterThan(0);
  });

  it('a wrong key shows what went wrong and what to do, and offers another try', async () => {
    const page = await open(await session(h, 'tenant-wrong'));
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    await typeKeyAndConnect(page, key('invalid', 'hub-wrong'));
    await heading(page, 'SmartRecruiters did not accept this API key');
    const tree = await page.locator('main').ariaSnapshot();
    expect(tree).toMatch(/copied the whole key/);
    expect(tree).toContain('button "Try another key"');
    await shoot(page, '4-wrong-key');

    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('api-key');
  });

  it('a key without an access group says so', async () => {
    const page = await open(await session(h, 'tenant-forbidden'));
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    await typeKeyAndConnect(page, key('forbidden', 'hub-forbidden'));
    await heading(page, 'This API key is missing an access group or role');
    await shoot(page, '5-missing-access-group');
  });

  it('a flaky key shows "retrying" while SmartRecruiters fails, then the confirmation', async () => {
    const apiKey = key('valid', 'hub-flaky');
    h.sim.setKey(apiKey, { kind: 'error', status: 503 });
    const page = await open(await session(h, 'tenant-flaky'));
    await page.getByRole('button', { name: 'Connect' }).waitFor();
    await typeKeyAndConnect(page, apiKey);
    const status = page.getByRole('status');
    await status.getByText('SmartRecruiters is not answering right now').waitFor({ timeout: 20_000 });
    expect(await page.locator('main').ariaSnapshot()).toMatch(/We keep trying \(attempt \d+\)/);
    await shoot(page, '6-retrying');

    h.sim.setKey(apiKey, { kind: 'valid', company: { identifier: 'Contoso', name: 'Contoso Ltd' } });
    await heading(page, 'Connected to Contoso Ltd');
  });

  it('a used link says so and shows what its key did', async () => {
    const page = await open(linkedUrl);
    await heading(page, 'This link has already been used');
    expect(await page.locator('main').ariaSnapshot()).toMatch(/Connected to Northwind Traders/);
    expect(await page.getByRole('button', { name: 'Connect' }).count()).toBe(0);
    await shoot(page, '7-used');
  });

  it('a tampered link is "not valid"', async () => {
    const url = new URL(await session(h, 'tenant-tampered'));
    const token = url.searchParams.get('session')!;
    url.searchParams.set('session', token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'));
    const page = await open(url.toString());
    await heading(page, 'This link is not valid');
    expect(await page.locator('main').ariaSnapshot()).toMatch(/cut off or changed/);
    await shoot(page, '8-tampered');
  });

  it('an expired link says so', async () => {
    const url = await session(shortLived, 'tenant-expired');
    await new Promise((r) => setTimeout(r, 1100));
    const page = await open(url);
    await heading(page, 'This link has expired');
    expect(await page.locator('main').ariaSnapshot()).toMatch(/fresh link/);
    await shoot(page, '9-expired');
  });

  it('neither the keys nor the session tokens reach the logs', () => {
    const logs = h.logs.join('\n');
    expect(logs).toContain('"path":"/hub"');
    for (const apiKey of usedKeys) expect(logs).not.toContain(apiKey);
    for (const url of urls) expect(logs).not.toContain(new URL(url).searchParams.get('session')!.split('.')[2]);
  });
});
