import { SCREENSHOT_STALE_MS } from '@earshot/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvents } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium, saveScreenshot } from './chromium.js';
import { signInAs } from './signIn.js';

/**
 * Headless Chromium shares a fake "Entire screen" without asking: the real getDisplayMedia path (no
 * stand-in stream) runs end to end.
 */
const SCREEN_CAPTURE_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
];

/** The demo agent account is linked to this agent id (server/src/auth/bootstrap.ts). */
const DEMO_AGENT_ID = 'agent-001';
const DEMO_AGENT_NAME = 'Demo agent';

describe('agent screens in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const events = new EventFactory('screens');
  const callId = 'screens-call-1';
  let agentPage: Page;
  let controllerPage: Page;
  /** The shared screen's width, as the capture page reports it. */
  let sharedWidth = 0;

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    browser = await launchChromium(SCREEN_CAPTURE_ARGS);
    const now = Date.now();
    const batch = [
      events.offered(callId, now - 40_000, { line: '0890', topic: 'billing' }),
      events.answered(callId, now - 30_000, DEMO_AGENT_ID, DEMO_AGENT_NAME),
    ];
    // Other agents' calls, with no screens: their tiles say so.
    for (const [i, agent] of ['agent-101', 'agent-102', 'agent-103'].entries()) {
      batch.push(events.offered(`screens-other-${i}`, now - 20_000 - i * 5_000));
      batch.push(events.answered(`screens-other-${i}`, now - 15_000 - i * 5_000, agent, `Agent ${i + 2}`));
    }
    const answer = await postEvents(server.url, server.ingestKey, batch);
    expect(answer.status).toBe(200);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
  });

  it('captures the agent screen during their call and uploads it', async () => {
    agentPage = await newPage();
    // Keeps a handle on the shared stream, so a later test can end it as the browser's "Stop sharing" does.
    await agentPage.addInitScript(() => {
      const media = navigator.mediaDevices;
      const original = media.getDisplayMedia.bind(media);
      media.getDisplayMedia = async (options) => {
        const stream = await original(options);
        (window as unknown as { sharedStream: MediaStream }).sharedStream = stream;
        return stream;
      };
    });
    await signInAs(agentPage, server, 'agent');
    expect(new URL(agentPage.url()).pathname).toBe('/agent');
    await expect.poll(() => agentPage.getByTestId('agent-call-state').innerText()).toContain(callId);
    expect(await agentPage.getByTestId('agent-id').innerText()).toBe(DEMO_AGENT_ID);
    expect(await agentPage.getByTestId('capture-indicator').getAttribute('data-capturing')).toBe('false');

    await agentPage.getByTestId('share-screen').click();
    await expect.poll(() => agentPage.getByTestId('capture-uploaded').innerText(), { timeout: 15_000 }).not.toBe('0');
    expect(await agentPage.getByTestId('capture-indicator').innerText()).toContain(
      'Your screen is being captured every 2 s for quality review',
    );
    // Headless Chromium's fake "Entire screen" has the size of the browser window.
    const size = /(\d+)×(\d+)/.exec(await agentPage.getByTestId('capture-status').innerText());
    sharedWidth = Number(size?.[1]);
    expect(sharedWidth).toBeGreaterThan(0);
    expect(await agentPage.getByTestId('capture-last-upload').innerText()).toMatch(/^\d\d:\d\d:\d\d, \d+ s ago$/);
    expect(await agentPage.getByTestId('capture-rejected').innerText()).toBe('0');
    await saveScreenshot(agentPage, 'screens-capture-page');
  });

  it("shows the agent's latest screen on their wallboard tile", async () => {
    controllerPage = await newPage();
    await signInAs(controllerPage, server, 'controller');
    const tile = controllerPage.locator(`[data-testid="call-tile"][data-call-id="${callId}"]`);
    const thumb = tile.getByTestId('tile-screen').locator('img');
    await thumb.waitFor({ timeout: 10_000 });
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 })
      .toBe(320);
    expect(await tile.getByTestId('tile-screen').getAttribute('data-stale')).toBe('false');
    // The timers stay in sight above the thumbnail.
    expect(await tile.getByTestId('talk-time').isVisible()).toBe(true);
    const others = controllerPage.locator('[data-testid="call-tile"][data-call-id^="screens-other-"]');
    expect(await others.getByTestId('tile-screen-none').count()).toBe(3);
    // New frames keep arriving: the tile moves on to a newer screenshot.
    const first = await tile.getByTestId('tile-screen').getAttribute('data-screenshot-id');
    await expect
      .poll(() => tile.getByTestId('tile-screen').getAttribute('data-screenshot-id'), { timeout: 10_000 })
      .not.toBe(first);
    await saveScreenshot(controllerPage, 'screens-wallboard');
  });

  it('shows the full screen live on the call page, and the agent sees who is watching', async () => {
    await controllerPage.locator(`[data-testid="call-tile"][data-call-id="${callId}"]`).click();
    await controllerPage.getByTestId('screen-view').waitFor({ timeout: 10_000 });
    const main = controllerPage.getByTestId('screen-main');
    await expect
      .poll(() => main.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 })
      .toBe(sharedWidth);
    expect(await controllerPage.getByTestId('screen-captured-at').innerText()).toMatch(
      /^captured \d\d:\d\d:\d\d( · unchanged until \d\d:\d\d:\d\d)?, \d+ s ago$/,
    );
    // It follows new frames as they come.
    const shown = await main.getAttribute('data-screenshot-id');
    await expect.poll(() => main.getAttribute('data-screenshot-id'), { timeout: 10_000 }).not.toBe(shown);
    await controllerPage.getByTestId('screen-strip').waitFor();
    await saveScreenshot(controllerPage, 'screens-call-page');

    await expect
      .poll(() => agentPage.getByTestId('capture-watchers').innerText(), { timeout: 10_000 })
      .toContain('Being watched by');
    await saveScreenshot(agentPage, 'screens-capture-watched');
  });

  it('keeps frames while the network is down and uploads them when it returns', async () => {
    const uploadedBefore = Number(await agentPage.getByTestId('capture-uploaded').innerText());
    // The network to the upload endpoint goes away.
    await agentPage.route('**/api/screens?**', (route) => route.abort('internetdisconnected'));
    await expect
      .poll(async () => Number.parseInt(await agentPage.getByTestId('capture-queued').innerText(), 10), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(2);
    expect(await agentPage.getByTestId('capture-queued').innerText()).toContain('(no connection, retrying)');
    await saveScreenshot(agentPage, 'screens-capture-offline');
    const waiting = Number.parseInt(await agentPage.getByTestId('capture-queued').innerText(), 10);

    await agentPage.unroute('**/api/screens?**');
    await expect.poll(() => agentPage.getByTestId('capture-queued').innerText(), { timeout: 10_000 }).toBe('0');
    const uploadedAfter = Number(await agentPage.getByTestId('capture-uploaded').innerText());
    expect(uploadedAfter).toBeGreaterThanOrEqual(uploadedBefore + waiting);
    expect(await agentPage.getByTestId('capture-dropped').innerText()).toBe('0');
    expect(await agentPage.getByTestId('capture-rejected').innerText()).toBe('0');
  }, 30_000);

  it('tells the agent plainly when they stop sharing, and offers to share again', async () => {
    await agentPage.evaluate(() => {
      // What the browser's own "Stop sharing" bar does: the track ends.
      // (stop() alone fires no 'ended'; the browser's bar fires it.)
      for (const track of (window as unknown as { sharedStream: MediaStream }).sharedStream.getTracks()) {
        track.stop();
        track.dispatchEvent(new Event('ended'));
      }
    });
    await agentPage.getByTestId('capture-problem').waitFor({ timeout: 5_000 });
    expect(await agentPage.getByTestId('share-screen').innerText()).toBe('Share my screen again');
    expect(await agentPage.getByTestId('capture-indicator').getAttribute('data-capturing')).toBe('false');
    expect(await agentPage.getByTestId('capture-indicator').innerText()).toContain('nothing is being captured');
    await saveScreenshot(agentPage, 'screens-capture-stopped');

    // No new frames: after SCREENSHOT_STALE_MS the wallboard tile marks its thumbnail stale.
    await controllerPage.getByRole('link', { name: '← Wallboard' }).click();
    const screen = controllerPage.locator(
      `[data-testid="call-tile"][data-call-id="${callId}"] [data-testid="tile-screen"]`,
    );
    await expect.poll(() => screen.getAttribute('data-stale'), { timeout: SCREENSHOT_STALE_MS + 5_000 }).toBe('true');
    expect(await screen.innerText()).toMatch(/stale 0:1\d/);
    await saveScreenshot(controllerPage, 'screens-wallboard-stale');
  }, 30_000);
});
