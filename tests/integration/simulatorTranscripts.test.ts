import {
  AUDIO_FRAME_MS,
  type CallsPage,
  type CallTranscript,
  decodeFramePcm,
  parseAudioMessage,
} from '@earshot/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { scoreCallSentiment } from '../../server/src/sentiment/sentiment.js';
import { loadPhraseBook } from '../../server/src/simulator/audio/phrases.js';
import { segmentOf } from '../../server/src/simulator/audio/transcripts.js';
import { type RunningSimulator, startSimulator, type Utterance } from '../../server/src/simulator/index.js';
import { rms } from '../helpers/audio.js';
import { connectDashboard, getJson, pause, signIn, type TestSession } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

/*
 * The simulator as the telephony platform's speech recogniser: the text of what it plays goes through the
 * ingest protocol (TRANSCRIPT_INGEST_EVENT) to a real server, on the same timeline as its audio frames.
 */

const book = loadPhraseBook();

const ONE_PM_TODAY = (() => {
  const date = new Date();
  date.setHours(13, 0, 0, 0);
  return date.getTime();
})();

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(100);
  }
}

async function transcriptOf(server: TestServer, session: TestSession, callId: string): Promise<CallTranscript> {
  const { status, body } = await getJson<CallTranscript>(
    `${server.url}/api/calls/${encodeURIComponent(callId)}/transcript`,
    session,
  );
  expect(status).toBe(200);
  return body;
}

describe('simulator transcripts', () => {
  let server: TestServer | undefined;
  let simulator: RunningSimulator | undefined;
  afterEach(async () => {
    await simulator?.stop();
    await server?.close();
    simulator = undefined;
    server = undefined;
  });

  it('sends each utterance’s text with the offsets where its speech is in the call’s audio frames', async () => {
    server = await startTestServer();
    const logLines: string[] = [];
    simulator = startSimulator({
      serverUrl: server.url,
      ingestKey: server.ingestKey,
      agents: 4,
      callsPerHour: 120,
      speed: 1,
      seed: 11,
      startAt: ONE_PM_TODAY,
      log: (line) => logLines.push(line),
    });
    const app = server.app;
    const streaming = () =>
      [...app.registry.calls()].find((call) => call.state === 'talking' && app.audio.hub.hasAdapter(call.id));
    await waitUntil(() => streaming() !== undefined, 10_000, 'a talking call with audio');
    const callId = streaming()?.id as string;

    // Hear the call, keeping each 20 ms frame's loudness per side by its seq (the audio timeline).
    const controller = await signIn(server.url, 'controller');
    const listener = await connectDashboard(server.url, controller);
    const loudness = new Map<number, { agent: number; caller: number }>();
    listener.on('audio:frame', (bytes) => {
      for (const frame of parseAudioMessage(new Uint8Array(bytes as ArrayBuffer)).frames) {
        if (frame.callId !== callId) continue;
        const pcm = decodeFramePcm(frame);
        loudness.set(frame.seq, { agent: rms(pcm.first), caller: pcm.second ? rms(pcm.second) : 0 });
      }
    });
    expect((await listener.timeout(5_000).emitWithAck('audio:listen', { callId })).ok).toBe(true);
    const playedHere: Utterance[] = [];
    simulator.audio?.onUtterance((id, utterance) => {
      if (id === callId) playedHere.push(utterance);
    });

    // Wait for three lines that began after listening started (the caller's problem, questions, answers).
    let transcript: CallTranscript | undefined;
    const firstHeardSeq = () => Math.min(...loudness.keys());
    await waitUntil(
      async () => {
        transcript = await transcriptOf(server!, controller, callId);
        return (
          loudness.size > 0 &&
          transcript.lines.filter((l) => l.startMs / AUDIO_FRAME_MS > firstHeardSeq() + 5).length >= 3
        );
      },
      40_000,
      'three transcript lines of the call heard',
    );
    listener.disconnect();

    const said = simulator.audio?.utterances(callId) ?? [];
    const lines = transcript?.lines ?? [];
    expect(new Set(lines.map((l) => l.segmentId)).size).toBe(lines.length);
    for (const line of lines) {
      // The line is an utterance the simulator played: same speaker, offsets, language and (uncut) text.
      const index = Number(/:u(\d+)$/.exec(line.segmentId)?.[1]);
      const utterance = said[index];
      expect(line.segmentId).toBe(`${callId}:u${index}`);
      expect(utterance).toBeDefined();
      expect([line.speaker, line.startMs, line.endMs, line.language]).toEqual([
        utterance?.speaker,
        utterance?.startMs,
        utterance?.endMs,
        utterance?.language,
      ]);
      if (!utterance?.truncated) expect(line.text).toBe(utterance?.text);
    }
    // Where it was heard, the speaker's side carries speech between the offsets and was quiet just before.
    let checked = 0;
    for (const line of lines) {
      const first = Math.ceil(line.startMs / AUDIO_FRAME_MS) + 1;
      const last = Math.floor(line.endMs / AUDIO_FRAME_MS) - 1;
      const before = [first - 6, first - 5, first - 4, first - 3].map((seq) => loudness.get(seq));
      const during = Array.from({ length: last - first + 1 }, (_, k) => loudness.get(first + k));
      if (before.some((f) => f === undefined) || during.some((f) => f === undefined) || during.length < 10) continue;
      const side = (f: { agent: number; caller: number } | undefined) =>
        (line.speaker === 'agent' ? f?.agent : f?.caller) ?? 0;
      const speech = during.reduce((sum, f) => sum + side(f), 0) / during.length;
      const quiet = Math.max(...before.map(side));
      expect(speech, `speech of "${line.text}" at ${line.startMs}-${line.endMs} ms`).toBeGreaterThan(500);
      expect(quiet, `quiet before "${line.text}" at ${line.startMs} ms`).toBeLessThan(speech / 5);
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(2);
    // The live sentiment came from those lines.
    expect(transcript?.sentiment?.final).toBe(false);
    expect(logLines.filter((line) => line.startsWith('transcripts:'))).toEqual([]);
    expect(simulator.audio?.stats().transcripts?.refused).toBe(0);
    expect(playedHere.length).toBeGreaterThan(0);
  });

  it('delivers every line of ended calls, the last ones after the hang-up, and their final sentiment matches', {
    timeout: 60_000,
  }, async () => {
    server = await startTestServer();
    simulator = startSimulator({
      serverUrl: server.url,
      ingestKey: server.ingestKey,
      agents: 8,
      callsPerHour: 900,
      speed: 10,
      seed: 23,
      startAt: ONE_PM_TODAY,
      log: () => {},
    });
    const controller = await signIn(server.url, 'controller');
    const running = simulator;
    await waitUntil(
      () => running.stats().ended >= 6 && (running.audio?.stats().transcripts?.accepted ?? 0) > 30,
      40_000,
      'six ended calls and some transcript',
    );
    await simulator.stop();
    // After stop (which flushes what waited for its latency), every ended call's utterances are stored.
    const { body } = await getJson<CallsPage>(`${server.url}/api/calls?limit=500`, controller);
    const ended = body.items.filter((call) => call.state === 'ended' && call.answeredAt !== null);
    let compared = 0;
    for (const call of ended) {
      const said = simulator.audio?.utterances(call.id);
      if (!said) continue;
      const transcript = await transcriptOf(server, controller, call.id);
      // Every utterance with a word heard arrived (cut-off ones with the words said before the cut), in order.
      const expected = said.flatMap((u, index) => {
        const segment = segmentOf(call.id, index, u, book.byId(u.phraseId).durationMs);
        return segment ? [[segment.segmentId, segment.speaker, segment.startMs, segment.endMs, segment.text]] : [];
      });
      expect(transcript.lines.map((l) => [l.segmentId, l.speaker, l.startMs, l.endMs, l.text])).toEqual(expected);
      if (transcript.lines.length === 0) continue;
      expect(transcript.sentiment).toEqual(scoreCallSentiment(transcript.lines, true));
      expect(transcript.sentiment?.final).toBe(true);
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(3);
    expect(simulator.audio?.stats().transcripts).toMatchObject({ refused: 0, dropped: 0, pending: 0 });
  });
});
