import { type TranscriptSegment, TranscriptSegmentSchema } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { CallDialogue, type Utterance } from './dialogue.js';
import { loadPhraseBook } from './phrases.js';
import {
  RECOGNISER_LATENCY_MAX_MS,
  RECOGNISER_LATENCY_MIN_MS,
  segmentOf,
  TranscriptSender,
  type TranscriptSendOutcome,
} from './transcripts.js';

const book = loadPhraseBook();

function utterance(overrides: Partial<Utterance> = {}): Utterance {
  return {
    speaker: 'caller',
    phraseId: 'caller_internet',
    text: 'У меня не работает мобильный интернет.',
    language: 'ru',
    startMs: 1_000,
    endMs: 3_000,
    truncated: false,
    ...overrides,
  };
}

function segment(n: number): TranscriptSegment {
  return {
    segmentId: `call-1:u${n}`,
    callId: 'call-1',
    speaker: 'agent',
    startMs: n * 1_000,
    endMs: n * 1_000 + 500,
    text: 'Слушаю вас.',
    language: 'ru',
  };
}

/** A sender on a clock the test moves, whose batches wait for the test to answer them. */
function harness() {
  let clock = 0;
  const sent: { at: number; segments: TranscriptSegment[]; answer: (outcome: TranscriptSendOutcome) => void }[] = [];
  const log: string[] = [];
  const sender = new TranscriptSender({
    seed: 1,
    now: () => clock,
    log: (line) => log.push(line),
    send: (segments) => new Promise((resolve) => sent.push({ at: clock, segments, answer: resolve })),
  });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    sender,
    sent,
    log,
    settle,
    advance(ms: number) {
      clock += ms;
      sender.pump();
    },
  };
}

describe('segmentOf', () => {
  it('makes a valid segment with the utterance’s offsets, text and language, and an id from its place in the call', () => {
    const made = segmentOf('sim-1-a-7', 3, utterance(), 2_000);
    expect(made).toEqual({
      segmentId: 'sim-1-a-7:u3',
      callId: 'sim-1-a-7',
      speaker: 'caller',
      startMs: 1_000,
      endMs: 3_000,
      text: 'У меня не работает мобильный интернет.',
      language: 'ru',
    });
    expect(TranscriptSegmentSchema.safeParse(made).success).toBe(true);
  });

  it('keeps only the words said before a cut, and nothing when none was', () => {
    const half = segmentOf('c', 0, utterance({ endMs: 2_000, truncated: true }), 2_000);
    expect(half?.text).toBe('У меня не');
    expect(half?.endMs).toBe(2_000);
    expect(segmentOf('c', 0, utterance({ endMs: 1_100, truncated: true }), 2_000)).toBeNull();
    expect(segmentOf('c', 0, utterance({ endMs: 1_000, truncated: true }), 2_000)).toBeNull();
  });

  it('turns every utterance of real dialogues into a segment the ingest schema accepts', () => {
    for (let i = 0; i < 50; i++) {
      const d = new CallDialogue({ seed: 3, callId: `sim-3-x-${i}`, topic: 'roaming', phrases: book });
      d.expect({ kind: 'end', atMs: 60_000 + i * 1_000, lastWord: 'agent' });
      d.close(30_000 + i * 500);
      d.utterances().forEach((u, index) => {
        const made = segmentOf(d.callId, index, u, book.byId(u.phraseId).durationMs);
        if (made) expect(TranscriptSegmentSchema.safeParse(made).success).toBe(true);
        else expect(u.truncated).toBe(true);
      });
    }
  });
});

describe('TranscriptSender', () => {
  it('sends each segment a recogniser’s latency after it is added, those due together in one batch', async () => {
    const h = harness();
    h.sender.add(segment(0));
    h.sender.add(segment(1));
    h.advance(RECOGNISER_LATENCY_MIN_MS - 1);
    expect(h.sent).toEqual([]);
    h.advance(RECOGNISER_LATENCY_MAX_MS - RECOGNISER_LATENCY_MIN_MS + 1);
    // (In the order their latencies made them due.)
    expect(h.sent.map((b) => b.segments.map((s) => s.segmentId).sort())).toEqual([['call-1:u0', 'call-1:u1']]);
    h.sent[0]?.answer({
      kind: 'answered',
      items: [
        { ok: true, segmentId: 'call-1:u0', duplicate: false },
        { ok: true, segmentId: 'call-1:u1', duplicate: true },
      ],
    });
    await h.settle();
    expect(h.sender.stats()).toEqual({ accepted: 2, refused: 0, dropped: 0, pending: 0 });
  });

  it('sends one batch at a time, and the next when the first is answered', async () => {
    const h = harness();
    h.sender.add(segment(0));
    h.advance(RECOGNISER_LATENCY_MAX_MS);
    h.sender.add(segment(1));
    h.advance(RECOGNISER_LATENCY_MAX_MS);
    expect(h.sent.length).toBe(1);
    h.sent[0]?.answer({ kind: 'answered', items: [{ ok: true, segmentId: 'call-1:u0', duplicate: false }] });
    await h.settle();
    h.advance(20);
    expect(h.sent.map((b) => b.segments[0]?.segmentId)).toEqual(['call-1:u0', 'call-1:u1']);
  });

  it('keeps segments while offline, tries an unanswered batch three times, then drops it and says so', async () => {
    const h = harness();
    h.sender.add(segment(0));
    h.advance(RECOGNISER_LATENCY_MAX_MS);
    for (let i = 0; i < 5; i++) {
      h.sent.at(-1)?.answer({ kind: 'offline' });
      await h.settle();
      h.advance(1_000);
    }
    expect(h.sent.length).toBe(6);
    expect(h.sender.stats().dropped).toBe(0);
    for (let i = 0; i < 3; i++) {
      h.sent.at(-1)?.answer({ kind: 'timeout' });
      await h.settle();
      h.advance(1_000);
    }
    expect(h.sent.length).toBe(8);
    expect(h.sender.stats()).toEqual({ accepted: 0, refused: 0, dropped: 1, pending: 0 });
    expect(h.log.join('\n')).toMatch(/did not answer 3 times; 1 transcript segments dropped/);
  });

  it('sends again what the server could not apply now, and logs what it refused for good', async () => {
    const h = harness();
    h.sender.add(segment(0));
    h.sender.add(segment(1));
    h.advance(RECOGNISER_LATENCY_MAX_MS);
    const [refusedId, laterId] = h.sent[0]?.segments.map((s) => s.segmentId) ?? [];
    h.sent[0]?.answer({
      kind: 'answered',
      items: [
        { ok: false, index: 0, segmentId: refusedId, error: 'unknown call call-1: send its call.offered event first' },
        { ok: false, index: 1, segmentId: laterId, error: 'could not read the store: busy' },
      ],
    });
    await h.settle();
    h.advance(1_000);
    expect(h.sent[1]?.segments.map((s) => s.segmentId)).toEqual([laterId]);
    h.sent[1]?.answer({ kind: 'refused', error: 'invalid batch: must be an array' });
    await h.settle();
    expect(h.sender.stats()).toEqual({ accepted: 0, refused: 2, dropped: 0, pending: 0 });
    expect(h.log.join('\n')).toContain(`refused transcript segment ${refusedId}: unknown call`);
    expect(h.log.join('\n')).toMatch(/refused a batch of 1 transcript segments: invalid batch/);
  });

  it('flushes what waits for its latency when stopping, then sends nothing more', async () => {
    const h = harness();
    h.sender.add(segment(0));
    h.sender.add(segment(1));
    const flushed = h.sender.flush();
    expect(h.sent.length).toBe(1);
    h.sent[0]?.answer({ kind: 'answered', items: [] });
    await flushed;
    expect(h.sender.stop()).toEqual({ accepted: 2, refused: 0, dropped: 0, pending: 0 });
    h.sender.add(segment(2));
    h.advance(RECOGNISER_LATENCY_MAX_MS);
    expect(h.sent.length).toBe(1);
  });
});
