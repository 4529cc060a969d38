import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventFactory } from '../helpers/events.js';
import { startRecordedCall } from '../helpers/recordedCall.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium, saveScreenshot } from './chromium.js';
import { signInAs } from './signIn.js';

/**
 * The review page on a real recording: ten seconds of audio and three screenshots taken at known moments of
 * it. Playing moves the big screenshot on as the playhead passes each one; a thumbnail seeks there.
 */
describe('review page in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const events = new EventFactory('review');
  const callId = 'review-call-1';
  const screenshotIds: string[] = [];
  const cspViolations: string[] = [];
  /** Offsets in the recording at which the screenshots were taken. */
  const SHOT_OFFSETS_MS = [500, 2_500, 6_000];

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    // Ten seconds of both sides: frame n is n × 20 ms into the recording.
    const call = await startRecordedCall(server, events, callId, { id: 'agent-7', name: 'Инна Обзорова' }, 10);
    const { startedAt } = call;
    // Three different screens, taken at known moments of the recording.
    for (const [i, offset] of SHOT_OFFSETS_MS.entries()) {
      const image = await sharp({
        create: { width: 320, height: 180, channels: 3, background: ['#336699', '#993366', '#669933'][i] ?? '#000' },
      })
        .png()
        .toBuffer();
      const uploaded = await fetch(
        `${server.url}/api/screens?callId=${callId}&capturedAt=${startedAt + offset}&agentId=agent-7`,
        {
          method: 'POST',
          headers: { 'content-type': 'image/png', 'x-earshot-ingest-key': server.ingestKey },
          body: new Uint8Array(image),
        },
      );
      expect(uploaded.status).toBe(201);
      screenshotIds.push(((await uploaded.json()) as { screenshot: { id: string } }).screenshot.id);
    }
    await call.end();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    // Every Content-Security-Policy violation, as Chromium logs it and as the page's event reports it.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener(
        'securitypolicyviolation',
        (event) => console.error(`Content Security Policy violation event: ${event.violatedDirective}`),
        true,
      );
    });
    await signInAs(page, server, 'controller', `/calls/${callId}/review`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const mainScreenshot = () => page.getByTestId('review-screen-main').getAttribute('data-screenshot-id');

  it('moves the big screenshot on as playback passes the next one', async () => {
    await page.getByTestId('review-waveform').locator('div').first().waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=review-play]:not([disabled])'), null, {
      timeout: 15_000,
    });
    expect(await page.getByTestId('review-thumb').count()).toBe(3);
    await page.keyboard.press('Space');
    await expect.poll(mainScreenshot, { timeout: 10_000 }).toBe(screenshotIds[0]);
    await expect.poll(mainScreenshot, { timeout: 10_000 }).toBe(screenshotIds[1]);
    await saveScreenshot(page, 'review-playing');
  });

  it('jumps playback to a screenshot when its thumbnail is clicked', async () => {
    await page.getByTestId('review-thumb').nth(2).click();
    await expect.poll(mainScreenshot, { timeout: 10_000 }).toBe(screenshotIds[2]);
    const position = Number(await page.getByTestId('review-position').getAttribute('data-ms'));
    expect(position).toBeGreaterThanOrEqual(SHOT_OFFSETS_MS[2] ?? 0);
    expect(position).toBeLessThan(10_000);
  });

  it('styles the waveform under the strict Content-Security-Policy, with no violation logged', async () => {
    await page.locator('[data-testid=review-waveform][data-waveform-drawn]').waitFor({ timeout: 15_000 });
    // The progress layer is positioned by wavesurfer's own <style> in its shadow root, admitted by the nonce.
    const progressPosition = await page.evaluate(() => {
      const host = document.querySelector('[data-testid=review-waveform] > div');
      const progress = host?.shadowRoot?.querySelector('.progress');
      return progress ? getComputedStyle(progress).position : null;
    });
    expect(progressPosition).toBe('absolute');
    expect(cspViolations).toEqual([]);
  });
});
