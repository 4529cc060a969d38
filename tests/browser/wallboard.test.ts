import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../server/src/simulator/index.js';
import { postEvents } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium, saveScreenshot } from './chromium.js';
import { signInAs } from './signIn.js';

// Short thresholds stand in for 8 and 15 minutes, so a tile turns amber and red within seconds.
const AMBER_MS = 3_000;
const RED_MS = 6_000;

describe('live wallboard in Chromium', () => {
  let server: TestServer;
  let simulator: RunningSimulator;
  let browser: Browser;
  let page: Page;
  const events = new EventFactory('browser');
  /** Console messages about the content security policy: the app must work under the production CSP. */
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite', longCallAmberMs: AMBER_MS, longCallRedMs: RED_MS });
    // A fast simulator clock: 30 simulated seconds per real second, understaffed so calls queue too.
    simulator = startSimulator({
      serverUrl: server.url,
      ingestKey: server.ingestKey,
      agents: 24,
      callsPerHour: 2_000,
      speed: 30,
      seed: 7,
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await simulator?.stop();
    await server?.close();
  });

  it('shows tiles from the simulator and the supervisor numbers', async () => {
    // The dashboard asks who you are first; the controller lands on the wallboard.
    await signInAs(page, server, 'controller');
    expect(new URL(page.url()).pathname).toBe('/wallboard');
    await page.getByTestId('call-tile').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('call-tile').count()).toBeGreaterThan(3);
    await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-status')).toBe('connected');
    const inProgress = Number(await page.getByTestId('in-progress-value').innerText());
    expect(inProgress).toBeGreaterThan(0);
    await saveScreenshot(page, 'wallboard-simulator');
  });

  it('ticks a talking call every second and turns it amber, then red', async () => {
    const now = Date.now();
    const callId = 'browser-long-call';
    const result = await postEvents(server.url, server.ingestKey, [
      events.offered(callId, now - 20_000, { line: '+375 29 7770890', topic: 'roaming' }),
      events.answered(callId, now - 1_000, 'agent-900', 'Тест Долгий'),
    ]);
    expect(result.status).toBe(200);

    // A call just answered sorts last ("longest first"), below the rows the virtualized grid renders when
    // the simulator fills the board; narrowing to its line keeps its tile on screen.
    await page.getByTestId('filter-line-+375 29 7770890').click();
    const tile = page.locator(`[data-testid="call-tile"][data-call-id="${callId}"]`);
    await tile.waitFor({ timeout: 5_000 });
    expect(await tile.getAttribute('data-severity')).toBe('normal');
    const first = await tile.getByTestId('talk-time').innerText();
    await expect.poll(() => tile.getByTestId('talk-time').innerText(), { timeout: 3_000 }).not.toBe(first);

    await expect.poll(() => tile.getAttribute('data-severity'), { timeout: 6_000 }).toBe('amber');
    await saveScreenshot(page, 'wallboard-amber');
    await expect.poll(() => tile.getAttribute('data-severity'), { timeout: 6_000 }).toBe('red');
    await saveScreenshot(page, 'wallboard-red');
    await page.getByTestId('filter-clear').click();
  });

  it('narrows the grid with a filter and widens it again', async () => {
    // Counting tiles before and after races the simulator, which keeps adding calls; instead the board must
    // show another line before the filter and only the chosen line after it.
    const tileLines = () =>
      page
        .getByTestId('call-tile')
        .evaluateAll((tiles) => tiles.map((t) => t.querySelector('.tile-line')?.textContent));
    await expect
      .poll(async () => (await tileLines()).some((line) => line !== '+375 29 7770890'), { timeout: 10_000 })
      .toBe(true);
    await page.getByTestId('filter-line-+375 29 7770890').click();
    await expect
      .poll(async () => {
        const lines = await tileLines();
        return lines.length > 0 && lines.every((line) => line === '+375 29 7770890');
      })
      .toBe(true);
    await saveScreenshot(page, 'wallboard-filtered');
    await page.getByTestId('filter-clear').click();
    await expect.poll(() => page.getByTestId('call-tile').count()).toBeGreaterThan(1);
  });

  it('opens the call page on a click, with details and a live history', async () => {
    const callId = 'browser-long-call';
    await page.locator(`[data-testid="call-tile"][data-call-id="${callId}"]`).click();
    await page.waitForURL(`**/calls/${callId}`);
    await page.getByTestId('call-details').waitFor();
    await expect.poll(() => page.getByTestId('call-event').count()).toBe(2);

    // History grows as events arrive.
    await postEvents(server.url, server.ingestKey, [events.held(callId, Date.now())]);
    await expect.poll(() => page.getByTestId('call-event').count()).toBe(3);
    await expect.poll(() => page.getByTestId('call-state').first().innerText()).toMatch(/hold/i);
    await saveScreenshot(page, 'call-page');
  });

  // Tests in a file run in order: this one sees every page the tests above opened.
  it('ran under the production content security policy without a single violation', async () => {
    const response = await fetch(server.url);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(cspViolations).toEqual([]);
  });
});
