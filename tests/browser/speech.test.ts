import {
  type Call,
  DEFAULT_RETENTION_DAYS,
  type LiveSilence,
  LONG_CALL_AMBER_MS,
  LONG_CALL_RED_MS,
  TRANSCRIPT_INGEST_PATH,
} from '@earshot/shared';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAudioAdapter, frameFromSamples, toneSamples } from '../helpers/audio.js';
import { apiRequest, postEvents, signIn, type TestSession } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium, saveScreenshot } from './chromium.js';
import { signInAs } from './signIn.js';

/**
 * The dashboard's side of live speech analytics: the silence badge, the dead-air alert and its threshold
 * setting, sentiment. The live silence and sentiment are put on the call through the registry's own
 * `updateLive`, as the live detector does, so these tests check what the browser makes of them.
 */
describe('live silence, dead air and sentiment in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let admin: TestSession;
  const events = new EventFactory('speech');
  const tileOf = (callId: string) => page.locator(`[data-testid="call-tile"][data-call-id="${callId}"]`);

  /** Changes the live-only part of a call, the way the server's speech analysis does. */
  const setLive = (callId: string, patch: Partial<Pick<Call, 'silence' | 'sentiment'>>) =>
    server.app.registry.runExclusive(callId, async () => {
      server.app.registry.updateLive(callId, (call) => ({ ...call, ...patch }));
    });
  const silence = (silentForMs: number, screen: Omit<LiveSilence, 'silentSince'>): LiveSilence => ({
    silentSince: Date.now() - silentForMs,
    ...screen,
  });
  const setDeadAirThreshold = async (deadAirThresholdMs: number) => {
    const response = await apiRequest(`${server.url}/api/settings`, {
      method: 'PUT',
      session: admin,
      body: {
        longCallAmberMs: LONG_CALL_AMBER_MS,
        longCallRedMs: LONG_CALL_RED_MS,
        retentionDays: DEFAULT_RETENTION_DAYS,
        deadAirThresholdMs,
      },
    });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    server = await startTestServer({ store: 'sqlite' });
    admin = await signIn(server.url, 'admin');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signInAs(page, server, 'controller', '/wallboard');
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('ticks a silence badge, raises dead air when an admin lowers the threshold, and says stuck or working', async () => {
    const callId = 'speech-silent-call';
    const now = Date.now();
    await postEvents(server.url, server.ingestKey, [
      events.offered(callId, now - 60_000),
      events.answered(callId, now - 50_000, 'agent-31', 'Ольга Тишина'),
    ]);
    const tile = tileOf(callId);
    await tile.waitFor({ timeout: 10_000 });
    expect(await tile.getByTestId('silence-badge').count()).toBe(0);

    // Six seconds silent: a badge, no alert under the default ten.
    await setLive(callId, { silence: silence(6_000, { screenChanges: 0, screenSeen: true }) });
    const badge = tile.getByTestId('silence-badge');
    await badge.waitFor({ timeout: 5_000 });
    const first = await badge.innerText();
    expect(first).toMatch(/^silent \d+ s$/);
    await expect.poll(() => badge.innerText(), { timeout: 3_000 }).not.toBe(first);
    expect(await tile.getAttribute('data-dead-air')).toBe('no');

    // The admin lowers the threshold to five seconds: the open wallboard raises the alert at once.
    await setDeadAirThreshold(5_000);
    await expect.poll(() => tile.getAttribute('data-dead-air'), { timeout: 5_000 }).toBe('stuck');
    expect(await tile.getByTestId('dead-air-alert').innerText()).toMatch(/dead air · stuck/i);
    expect(await tile.getAttribute('aria-label')).toMatch(/dead air for \d+ s, stuck/);
    await saveScreenshot(page, 'speech-dead-air-stuck');

    // The agent's screen changes: working, not stuck.
    await setLive(callId, { silence: { ...silence(8_000, { screenChanges: 2, screenSeen: true }) } });
    await expect.poll(() => tile.getAttribute('data-dead-air'), { timeout: 5_000 }).toBe('working');
    expect(await tile.getByTestId('dead-air-alert').innerText()).toMatch(/dead air · working/i);

    // Someone speaks: the silence ends, and with it badge and alert.
    await setLive(callId, { silence: null });
    await expect.poll(() => tile.getAttribute('data-dead-air'), { timeout: 5_000 }).toBe('no');
    expect(await tile.getByTestId('silence-badge').count()).toBe(0);

    // Back to the default: a twelve-second silence is dead air, an eight-second one is not.
    await setDeadAirThreshold(10_000);
    await setLive(callId, { silence: silence(8_000, { screenChanges: 0, screenSeen: false }) });
    await expect.poll(() => tile.getByTestId('silence-badge').count(), { timeout: 5_000 }).toBe(1);
    expect(await tile.getAttribute('data-dead-air')).toBe('no');
    await expect.poll(() => tile.getAttribute('data-dead-air'), { timeout: 5_000 }).toBe('unknown');
    expect(await tile.getByTestId('dead-air-alert').innerText()).toMatch(/no screenshots/);
  });

  it('shows no silence on hold', async () => {
    const callId = 'speech-hold-call';
    const now = Date.now();
    await postEvents(server.url, server.ingestKey, [
      events.offered(callId, now - 40_000),
      events.answered(callId, now - 30_000, 'agent-32', 'Ирина Пауза'),
      events.held(callId, now - 20_000),
    ]);
    const tile = tileOf(callId);
    await expect.poll(() => tile.getAttribute('data-state'), { timeout: 10_000 }).toBe('hold');
    // Even a silence left on the call (the server clears it on hold) is not shown while it is on hold. The
    // sentiment that comes with it shows the update has reached the tile.
    await setLive(callId, {
      silence: silence(20_000, { screenChanges: 0, screenSeen: true }),
      sentiment: { label: 'positive', score: 0.4, final: false },
    });
    await expect
      .poll(() => tile.getByTestId('sentiment-chip').getAttribute('data-sentiment'), { timeout: 5_000 })
      .toBe('positive');
    expect(await tile.getByTestId('silence-badge').count()).toBe(0);
    expect(await tile.getAttribute('data-dead-air')).toBe('no');
    expect(await tile.getByTestId('call-state').innerText()).toMatch(/hold/i);
  });

  it('shows the sentiment on the tile and, with the live silence, on the call page', async () => {
    const callId = 'speech-silent-call';
    await setLive(callId, {
      sentiment: { label: 'negative', score: -0.5, final: false },
      silence: silence(15_000, { screenChanges: 0, screenSeen: true }),
    });
    const tile = tileOf(callId);
    await expect
      .poll(() => tile.getByTestId('sentiment-chip').getAttribute('data-sentiment'), { timeout: 5_000 })
      .toBe('negative');
    expect(await tile.getAttribute('aria-label')).toContain('sentiment negative');

    await tile.click();
    await page.getByTestId('call-page').waitFor();
    const header = page.locator('.call-header');
    await expect.poll(() => header.getAttribute('data-dead-air'), { timeout: 5_000 }).toBe('stuck');
    expect(await header.getByTestId('sentiment-chip').innerText()).toContain('negative');
    expect(await header.getByTestId('dead-air-alert').innerText()).toMatch(/dead air · stuck/i);
    // The speech metrics come when the call ends.
    expect(await page.getByTestId('speech-live').count()).toBe(1);
    await saveScreenshot(page, 'speech-call-live');

    // The silence ends while the page is open.
    await setLive(callId, { silence: null });
    await expect.poll(() => header.getAttribute('data-dead-air'), { timeout: 5_000 }).toBe('no');
  });

  it('finds a phrase in the transcripts and opens the recording at that moment', async () => {
    const callId = 'speech-searched-call';
    const now = Date.now();
    await postEvents(server.url, server.ingestKey, [
      events.offered(callId, now - 30_000),
      events.answered(callId, now - 20_000, 'agent-32', 'Пётр Поиск'),
    ]);
    // Twelve seconds of audio (a tone on each side), sent at once: the recording the hit will open.
    const adapter = await connectAudioAdapter(server.url, server.ingestKey);
    const frames = Array.from({ length: 600 }, (_, seq) =>
      frameFromSamples(callId, seq, 'both', 'pcmu', toneSamples(seq, 300), toneSamples(seq, 500)),
    );
    for (let from = 0; from < frames.length; from += 100) adapter.send(frames.slice(from, from + 100));
    const lines = [
      { speaker: 'agent', startMs: 500, endMs: 2_500, text: 'Здравствуйте, служба поддержки.' },
      { speaker: 'caller', startMs: 3_000, endMs: 5_000, text: 'У меня не работает роуминг в Польше.' },
      { speaker: 'agent', startMs: 8_000, endMs: 10_500, text: 'Сейчас подключу РОУМИНГ заново.' },
    ].map((line, i) => ({ segmentId: `${callId}:s${i}`, callId, language: 'ru', ...line }));
    const posted = await fetch(`${server.url}${TRANSCRIPT_INGEST_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-earshot-ingest-key': server.ingestKey },
      body: JSON.stringify(lines),
    });
    expect(posted.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await postEvents(server.url, server.ingestKey, [events.ended(callId, Date.now())])).status).toBe(200);
    adapter.close();

    // A prefix in lower case finds both spellings; the snippet marks the words.
    await page.goto(`${server.url}/search`);
    await page.getByTestId('search-q').fill('роуминг*');
    await page.getByTestId('search-submit').click();
    const hits = page.locator(`[data-testid="search-hit"][data-call-id="${callId}"]`);
    await expect.poll(() => hits.count(), { timeout: 10_000 }).toBe(2);
    expect(await hits.nth(0).locator('mark').first().innerText()).toMatch(/^роуминг$/i);
    expect(new URL(page.url()).searchParams.get('q')).toBe('роуминг*');
    await saveScreenshot(page, 'speech-search');

    // The later line's button opens the call at 00:08, where the recording starts to play.
    const later = hits.filter({ hasText: 'подключу' });
    await later.getByTestId('search-hit-open').click();
    // The hit opens the review timeline at 00:08: the player is there and the line at that moment is current.
    await page.waitForURL((url) => url.pathname === `/calls/${callId}/review` && url.searchParams.get('t') === '8000');
    await expect
      .poll(() => page.getByTestId('review-position').getAttribute('data-ms'), { timeout: 10_000 })
      .toMatch(/^(8|9|1\d)\d{3}$/);
    const current = page.locator('[data-testid="review-transcript"] [aria-current="true"]');
    await expect.poll(() => current.innerText(), { timeout: 10_000 }).toContain('Сейчас подключу РОУМИНГ заново.');
    expect(await page.getByTestId('review-transcript').locator('li').count()).toBe(3);
    // The searched words come along: marked in both lines that have them and on the timeline's words lane.
    expect(new URL(page.url()).searchParams.get('q')).toBe('роуминг*');
    expect(await page.getByTestId('review-find').inputValue()).toBe('роуминг*');
    expect(await page.locator('[data-testid="review-transcript"] [data-hit="true"]').count()).toBe(2);
    expect(await page.locator('[data-testid="review-transcript"] mark').allInnerTexts()).toEqual([
      'роуминг',
      'РОУМИНГ',
    ]);
    expect(await page.getByTestId('review-words-lane').getAttribute('data-hits')).toBe('2');
    expect(await page.getByTestId('review-find-count').innerText()).toBe('2 lines');
    // Another word, typed in: one line, and "next" takes the player there.
    await page.getByTestId('review-find').fill('поддержки');
    await expect.poll(() => page.getByTestId('review-find-count').innerText()).toBe('1 line');
    await page.getByTestId('review-find-next').click();
    await expect
      .poll(() => page.getByTestId('review-position').getAttribute('data-ms'), { timeout: 10_000 })
      .toMatch(/^(5|6|7)\d{2}$/);
    await saveScreenshot(page, 'review-find');
  });
});
