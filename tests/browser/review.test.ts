import type { Recording } from '@earshot/shared';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAudioAdapter, frameFromSamples, toneSamples } from '../helpers/audio.js';
import { apiRequest, postEvents, signIn } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
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
    const now = Date.now();
    await postEvents(server.url, server.ingestKey, [
      events.offered(callId, now - 20_000),
      events.answered(callId, now - 15_000, 'agent-7', 'Инна Обзорова'),
    ]);
    // Ten seconds of both sides, sent at once: frame n is n × 20 ms into the recording.
    const adapter = await connectAudioAdapter(server.url, server.ingestKey);
    const frames = Array.from({ length: 500 }, (_, seq) =>
      frameFromSamples(callId, seq, 'both', 'pcmu', toneSamples(seq, 300), toneSamples(seq, 500)),
    );
    for (let from = 0; from < frames.length; from += 100) adapter.send(frames.slice(from, from + 100));
    const controller = await signIn(server.url, 'controller');
    let startedAt: number | undefined;
    for (let i = 0; i < 50 && startedAt === undefined; i++) {
      const meta = await apiRequest<{ ok: boolean; data?: Recording }>(`${server.url}/api/recordings/${callId}`, {
        session: controller,
      });
      startedAt = meta.body.data?.startedAt;
      if (startedAt === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (startedAt === undefined) throw new Error('the recording never opened');
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
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await postEvents(server.url, server.ingestKey, [events.ended(callId, Date.now())])).status).toBe(200);
    adapter.close();
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
