import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { wavHeader } from '@earshot/shared';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectAudioAdapter,
  readStereoWav,
  rms,
  signInExtraUser,
  streamRealtime,
  type TestAudioAdapter,
  toneSamples,
} from '../helpers/audio.js';
import { postEvents } from '../helpers/clients.js';
import { EventFactory } from '../helpers/events.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium, saveScreenshot } from './chromium.js';
import { signInAs, submitSignIn } from './signIn.js';

/** The controller's "microphone": a file Chromium plays in a loop as the fake capture device. */
const MIC_TONE_HZ = 440;
const MIC_RATE_HZ = 48_000;
const MIC_SECONDS = 3;
/** The call's two sides, apart from the microphone's tone and from each other. */
const AGENT_TONE_HZ = 300;
const CALLER_TONE_HZ = 1_000;
const CALL_TONE_AMPLITUDE = 6_000;

function writeToneWav(file: string): void {
  const samples = new Int16Array(MIC_RATE_HZ * MIC_SECONDS);
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.round(12_000 * Math.sin((2 * Math.PI * MIC_TONE_HZ * i) / MIC_RATE_HZ));
  }
  const header = wavHeader({ sampleRate: MIC_RATE_HZ, channels: 1, bitsPerSample: 16 }, samples.byteLength);
  writeFileSync(file, Buffer.concat([header, new Uint8Array(samples.buffer)]));
}

/** The samples the adapter sent for one side at sample index n (the tones are a function of time alone). */
function sentSample(frequencyHz: number, n: number): number {
  const seq = Math.floor(n / 160);
  return toneSamples(seq, frequencyHz, CALL_TONE_AMPLITUDE)[n % 160] as number;
}

/** Upward zero crossings per second. */
/**
 * The strongest frequency between 100 and 1,000 Hz (Goertzel power, 5 Hz steps). A spectral peak, not a
 * zero-crossing count: on a loaded machine the microphone's frames come in bursts with gaps of silence
 * between them, which would pull a crossing count down but leave the peak where the tone is.
 */
function frequencyOf(samples: Float64Array, rateHz: number): number {
  let bestHz = 0;
  let bestPower = -1;
  for (let hz = 100; hz <= 1_000; hz += 5) {
    const coefficient = 2 * Math.cos((2 * Math.PI * hz) / rateHz);
    let previous = 0;
    let beforePrevious = 0;
    for (const sample of samples) {
      const current = sample + coefficient * previous - beforePrevious;
      beforePrevious = previous;
      previous = current;
    }
    const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
    if (power > bestPower) {
      bestPower = power;
      bestHz = hz;
    }
  }
  return bestHz;
}

describe('live audio in Chromium: listen, barge, refusal, recording', () => {
  let server: TestServer;
  let browser: Browser;
  let adapter: TestAudioAdapter;
  let stream: { stop(): number };
  let micDir: string;
  const contexts: BrowserContext[] = [];
  const events = new EventFactory('live-audio');
  const callId = 'live-audio-call-1';
  let controller: Page;
  const cspViolations: string[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspViolations.push(message.text());
    });
    return page;
  }

  const panel = (page: Page) => page.getByTestId('live-audio');
  const numberAttribute = async (page: Page, name: string) => Number(await panel(page).getAttribute(name));

  beforeAll(async () => {
    micDir = mkdtempSync(path.join(tmpdir(), 'earshot-mic-'));
    const micFile = path.join(micDir, 'tone.wav');
    writeToneWav(micFile);
    server = await startTestServer({ store: 'sqlite' });
    browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${micFile}`,
      '--autoplay-policy=no-user-gesture-required',
    ]);
    const now = Date.now();
    const answer = await postEvents(server.url, server.ingestKey, [
      events.offered(callId, now - 30_000, { line: '0890', topic: 'billing' }),
      events.answered(callId, now - 20_000, 'agent-201', 'Marta Novak'),
    ]);
    expect(answer.status).toBe(200);
    adapter = await connectAudioAdapter(server.url, server.ingestKey);
    // 16-bit linear, so the recording holds exactly what was sent and the controller's part can be told apart.
    stream = streamRealtime(
      adapter,
      callId,
      (seq) => ({
        agent: toneSamples(seq, AGENT_TONE_HZ, CALL_TONE_AMPLITUDE),
        caller: toneSamples(seq, CALLER_TONE_HZ, CALL_TONE_AMPLITUDE),
      }),
      'l16',
    );
  });

  afterAll(async () => {
    stream?.stop();
    adapter?.close();
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.close();
    if (micDir) rmSync(micDir, { recursive: true, force: true });
  });

  it('Listen on a tile opens the call and plays both sides', async () => {
    controller = await newPage();
    await signInAs(controller, server, 'controller');
    const tile = controller.locator(`[data-testid="call-tile"][data-call-id="${callId}"]`);
    await tile.waitFor();
    const listen = controller.getByRole('link', { name: /^Listen to the call of Marta Novak/ });
    await listen.click();
    await controller.waitForURL((url) => url.pathname === `/calls/${callId}`);
    await expect.poll(() => panel(controller).getAttribute('data-mode'), { timeout: 10_000 }).toBe('listen');
    // The ?listen=1 that started it is gone from the address (a reload does not start again).
    expect(new URL(controller.url()).search).toBe('');
    expect(await controller.getByTestId('live-audio-status').innerText()).toContain('Listening');

    // Frames arrive, the worklet plays them, and both meters move.
    await expect
      .poll(() => numberAttribute(controller, 'data-frames-received'), { timeout: 10_000 })
      .toBeGreaterThan(50);
    await expect.poll(() => numberAttribute(controller, 'data-frames-played'), { timeout: 10_000 }).toBeGreaterThan(25);
    expect(await panel(controller).getAttribute('data-audio-state')).toBe('running');
    await expect
      .poll(async () => Number(await controller.getByTestId('level-agent').getAttribute('aria-valuenow')))
      .toBeGreaterThan(50);
    await expect
      .poll(async () => Number(await controller.getByTestId('level-caller').getAttribute('aria-valuenow')))
      .toBeGreaterThan(50);
    const bufferMs = await numberAttribute(controller, 'data-buffer-ms');
    expect(bufferMs).toBeGreaterThanOrEqual(0);
    expect(bufferMs).toBeLessThanOrEqual(400);
    expect(await controller.getByTestId('live-audio-diagnostics').innerText()).toMatch(/frames received/);

    // Everyone on the call page sees who listens.
    const me = controller.locator('[data-testid="call-monitor"][data-mode="listen"]');
    await me.waitFor();
    expect(await me.innerText()).toContain('(you)');
    await saveScreenshot(controller, 'live-audio-listening');
  });

  it('Barge in sends the microphone to the call', async () => {
    await controller.getByRole('button', { name: 'Barge in', exact: true }).click();
    await expect.poll(() => panel(controller).getAttribute('data-mode'), { timeout: 10_000 }).toBe('barge');
    expect(await controller.getByTestId('live-audio-status').innerText()).toContain('Barged in');
    await expect.poll(() => numberAttribute(controller, 'data-frames-sent'), { timeout: 10_000 }).toBeGreaterThan(50);
    // The adapter carrying the call receives the controller's voice for both sides.
    await adapter.waitFor(
      () => (adapter.controllerFrames.filter((f) => f.channel === 'to_both').length > 50 ? true : undefined),
      'the controller frames at the adapter',
      10_000,
    );
    await controller.locator('[data-testid="call-monitor"][data-mode="barge"]').waitFor();
    await saveScreenshot(controller, 'live-audio-barging');
  });

  it("refuses a second controller's barge with the server's sentence", async () => {
    await signInExtraUser(server, 'controller', 'second.controller');
    const second = await newPage();
    await second.goto(`${server.url}/calls/${callId}`);
    await second.getByTestId('sign-in-page').waitFor();
    await submitSignIn(second, 'second.controller', 'correct horse battery staple');
    await panel(second).waitFor();
    // The first controller's barge shows for everyone.
    await second.locator('[data-testid="call-monitor"][data-mode="barge"]').waitFor();

    await second.getByRole('button', { name: 'Barge in', exact: true }).click();
    const error = second.getByTestId('live-audio-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.innerText()).toMatch(/already barging in/);
    expect(await panel(second).getAttribute('data-mode')).toBe('none');
    // Nothing of theirs is on: no microphone, no audio context.
    expect(await panel(second).getAttribute('data-audio-state')).toBe('none');

    // Listening is still open to them; leaving the page leaves the audio.
    await second.getByRole('button', { name: 'Listen', exact: true }).click();
    await expect.poll(() => panel(second).getAttribute('data-mode'), { timeout: 10_000 }).toBe('listen');
    await expect.poll(() => controller.getByTestId('call-monitor').count()).toBe(2);
    await second.getByRole('link', { name: '← Wallboard' }).click();
    await expect.poll(() => controller.getByTestId('call-monitor').count(), { timeout: 10_000 }).toBe(1);

    // The wallboard tile shows the barge as a chip.
    const chip = second.locator(`[data-call-id="${callId}"] [data-testid="tile-monitor"][data-mode="barge"]`);
    await chip.waitFor();
    await saveScreenshot(second, 'live-audio-tile-chips');
  });

  it("puts the controller's voice in the call's recording", async () => {
    await controller.getByRole('button', { name: 'Leave', exact: true }).click();
    await expect.poll(() => panel(controller).getAttribute('data-mode'), { timeout: 10_000 }).toBe('none');
    await expect.poll(() => controller.getByTestId('call-monitor').count(), { timeout: 10_000 }).toBe(0);

    stream.stop();
    const ended = await postEvents(server.url, server.ingestKey, [events.ended(callId, Date.now())]);
    expect(ended.status).toBe(200);
    await expect
      .poll(async () => (await server.app.recordings.getStored(callId))?.recording.status, { timeout: 10_000 })
      .toBe('complete');
    const finished = await server.app.recordings.getStored(callId);
    expect(finished?.recording.controllerFrames).toBeGreaterThan(50);
    const wav = await readStereoWav(await server.app.recordings.resolveStoredPath(finished!.file));

    // What is left after taking away what the adapter sent is the controller's voice, in both channels.
    const residualLeft = new Float64Array(wav.left.length);
    const residualRight = new Float64Array(wav.right.length);
    for (let n = 0; n < wav.left.length; n++) {
      residualLeft[n] = (wav.left[n] as number) - sentSample(AGENT_TONE_HZ, n);
      residualRight[n] = (wav.right[n] as number) - sentSample(CALLER_TONE_HZ, n);
    }
    // The loudest second of the residual: the barge.
    const second = wav.sampleRate;
    let best = 0;
    let bestStart = 0;
    for (let start = 0; start + second <= residualLeft.length; start += second / 4) {
      const level = rms(Int16Array.from(residualLeft.subarray(start, start + second)));
      if (level > best) {
        best = level;
        bestStart = start;
      }
    }
    expect(best).toBeGreaterThan(300);
    const loudestLeft = residualLeft.subarray(bestStart, bestStart + second);
    const loudestRight = residualRight.subarray(bestStart, bestStart + second);
    expect(rms(Int16Array.from(loudestRight))).toBeGreaterThan(300);
    expect(frequencyOf(loudestLeft, wav.sampleRate)).toBeGreaterThan(MIC_TONE_HZ * 0.9);
    expect(frequencyOf(loudestLeft, wav.sampleRate)).toBeLessThan(MIC_TONE_HZ * 1.1);
    // Before anyone barged, nothing but the call: the first second holds no controller audio.
    expect(rms(Int16Array.from(residualLeft.subarray(0, second)))).toBeLessThan(50);

    expect(cspViolations).toEqual([]);
  });
});
