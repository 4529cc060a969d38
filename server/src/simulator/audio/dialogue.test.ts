import { AUDIO_SAMPLES_PER_FRAME, decodeMulaw, TOPICS, type Topic } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import {
  type CallBoundary,
  CallDialogue,
  HANGING_QUESTION_CHANCE,
  LONG_SILENCE_MAX_MS,
  LONG_SILENCE_MIN_MS,
  type Utterance,
} from './dialogue.js';
import { holdMusic } from './holdMusic.js';
import { loadPhraseBook } from './phrases.js';

const book = loadPhraseBook();
const music = holdMusic();

function dialogue(callId: string, boundaries: CallBoundary[] = [], topic: Topic = 'billing', seed = 42): CallDialogue {
  const d = new CallDialogue({ seed, callId, topic, phrases: book });
  for (const boundary of boundaries) d.expect(boundary);
  return d;
}

/** Runs a dialogue to the end as the gateway would: one advance per 20 ms frame. */
function playFramewise(d: CallDialogue, untilMs: number): Utterance[] {
  const reported: Utterance[] = [];
  for (let t = 20; t <= untilMs; t += 20) reported.push(...d.advance(t));
  return reported;
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}

/** The agent and caller sides of one frame as linear samples. */
function renderSides(d: CallDialogue, seq: number): { agent: Int16Array; caller: Int16Array } {
  const out = new Uint8Array(AUDIO_SAMPLES_PER_FRAME * 2);
  d.renderInterleaved(seq * AUDIO_SAMPLES_PER_FRAME, out, music);
  const pcm = decodeMulaw(out);
  return {
    agent: pcm.filter((_, i) => i % 2 === 0),
    caller: pcm.filter((_, i) => i % 2 === 1),
  };
}

describe('speech fixtures', () => {
  it('hold every phrase the dialogue uses, short enough to slice, with agent and caller voices', () => {
    expect(book.all.length).toBeGreaterThanOrEqual(30);
    for (const phrase of book.all) {
      expect(phrase.audio.length).toBe(phrase.durationMs * 8 + (phrase.audio.length % 8));
      expect(phrase.durationMs).toBeLessThan(10_000);
    }
    expect(new Set(book.all.map((p) => p.language))).toEqual(new Set(['ru', 'be', 'uk']));
    for (const topic of TOPICS) {
      expect(book.all.some((p) => p.speaker === 'caller' && p.role === 'problem' && p.topic === topic)).toBe(true);
      expect(book.all.some((p) => p.speaker === 'agent' && p.role === 'answer' && p.topic === topic)).toBe(true);
    }
  });
});

describe('CallDialogue', () => {
  it('opens with the agent greeting, then the caller states the problem of the call topic', () => {
    for (const topic of TOPICS) {
      for (let i = 0; i < 20; i++) {
        const d = dialogue(`call-${topic}-${i}`, [], topic);
        d.advance(30_000);
        const [first, ...rest] = d.utterances();
        expect(first?.speaker).toBe('agent');
        expect(book.byId(first?.phraseId ?? '').role).toBe('greeting');
        expect(first?.startMs).toBeGreaterThanOrEqual(200);
        expect(first?.startMs).toBeLessThanOrEqual(800);
        const problem = rest.find((u) => u.speaker === 'caller' && book.byId(u.phraseId).role !== 'opening');
        expect(book.byId(problem?.phraseId ?? '').role).toBe('problem');
        expect(book.byId(problem?.phraseId ?? '').topic).toBe(topic);
      }
    }
  });

  it('takes turns with short pauses, rare short overlaps, and never overlaps a speaker with itself', () => {
    let changes = 0;
    let overlaps = 0;
    let shortPauses = 0;
    for (let i = 0; i < 200; i++) {
      const d = dialogue(`call-${i}`, [{ kind: 'end', atMs: 180_000, lastWord: 'caller' }]);
      d.advance(200_000);
      const said = d.utterances();
      for (let k = 1; k < said.length; k++) {
        const previous = said[k - 1] as Utterance;
        const current = said[k] as Utterance;
        expect(current.startMs).toBeGreaterThan(previous.startMs);
        const lastOfSameSpeaker = said.slice(0, k).findLast((u) => u.speaker === current.speaker);
        if (lastOfSameSpeaker) expect(current.startMs).toBeGreaterThanOrEqual(lastOfSameSpeaker.endMs);
        if (current.speaker === previous.speaker) continue;
        changes += 1;
        const gap = current.startMs - previous.endMs;
        expect(gap).toBeGreaterThanOrEqual(-400);
        if (gap < 0) overlaps += 1;
        else if (gap <= 1_500) shortPauses += 1;
      }
    }
    // Mostly 0.3-1.5 s pauses; the rest are working pauses and long silences; overlaps about 8 %.
    expect(shortPauses / changes).toBeGreaterThan(0.6);
    expect(overlaps / changes).toBeGreaterThan(0.03);
    expect(overlaps / changes).toBeLessThan(0.13);
  });

  it('has a long silence (the hanging question) in about one call in five', () => {
    const calls = 1_000;
    let withSilence = 0;
    for (let i = 0; i < calls; i++) {
      const d = dialogue(`sim-42-run-call-${i}`, [{ kind: 'end', atMs: 240_000, lastWord: 'caller' }]);
      d.advance(240_000);
      const silences = d.silences();
      if (silences.length > 0) withSilence += 1;
      for (const silence of silences) {
        expect(silence.endMs - silence.startMs).toBeGreaterThanOrEqual(LONG_SILENCE_MIN_MS);
        expect(silence.endMs - silence.startMs).toBeLessThanOrEqual(LONG_SILENCE_MAX_MS + 1_500);
      }
    }
    expect(withSilence / calls).toBeGreaterThan(HANGING_QUESTION_CHANCE - 0.04);
    expect(withSilence / calls).toBeLessThan(HANGING_QUESTION_CHANCE + 0.04);
  });

  it('announces a hold, stays quiet during it with music or silence for the caller, and thanks after', () => {
    let withMusic = 0;
    const calls = 400;
    for (let i = 0; i < calls; i++) {
      const d = dialogue(`call-${i}`, [
        { kind: 'hold', atMs: 40_000 },
        { kind: 'resume', atMs: 70_000 },
        { kind: 'end', atMs: 120_000, lastWord: 'agent' },
      ]);
      playFramewise(d, 120_000);
      const said = d.utterances();
      const beforeHold = said.filter((u) => u.startMs < 40_000);
      const lastBefore = beforeHold[beforeHold.length - 1] as Utterance;
      expect(lastBefore.phraseId).toBe('agent_hold');
      expect(lastBefore.endMs).toBeLessThanOrEqual(40_000);
      expect(lastBefore.truncated).toBe(false);
      expect(said.some((u) => u.endMs > 40_000 && u.startMs < 70_000)).toBe(false);
      const afterHold = said.find((u) => u.startMs >= 70_000);
      expect(afterHold?.phraseId).toBe('agent_thanks_for_waiting');
      const [hold] = d.holds();
      expect(hold).toMatchObject({ startMs: 40_000, endMs: 70_000 });
      // In the hold: the agent side is silent; the caller side has music or silence.
      const seq = 50_000 / 20;
      const { agent, caller } = renderSides(d, seq);
      expect(rms(agent)).toBe(0);
      if (hold?.music) {
        withMusic += 1;
        expect(rms(caller)).toBeGreaterThan(500);
      } else {
        expect(rms(caller)).toBe(0);
      }
    }
    expect(withMusic / calls).toBeGreaterThan(0.65);
    expect(withMusic / calls).toBeLessThan(0.85);
  });

  it('closes the call before the hang-up, says nothing after it, and renders silence after the end', () => {
    for (let i = 0; i < 100; i++) {
      const endMs = 60_000 + i * 997;
      const lastWord = i % 2 === 0 ? 'caller' : 'agent';
      const d = dialogue(`call-${i}`, [{ kind: 'end', atMs: endMs, lastWord }]);
      playFramewise(d, endMs + 5_000);
      expect(d.ended).toBe(true);
      const said = d.utterances();
      const last = said[said.length - 1] as Utterance;
      expect(last.speaker).toBe(lastWord);
      expect(book.byId(last.phraseId).role).toBe(lastWord === 'caller' ? 'farewell' : 'closing');
      expect(last.endMs).toBeLessThanOrEqual(endMs);
      expect(said.every((u) => !u.truncated && u.endMs <= endMs)).toBe(true);
      const after = renderSides(d, Math.ceil(endMs / 20) + 1);
      expect(rms(after.agent) + rms(after.caller)).toBe(0);
    }
  });

  it('cuts off speech when an event comes sooner than the dialogue was told', () => {
    const d = dialogue('call-late');
    d.advance(1_000);
    const greeting = d.utterances()[0] as Utterance;
    expect(greeting.endMs).toBeGreaterThan(1_000);
    d.expect({ kind: 'end', atMs: 1_000, lastWord: 'caller' });
    const finished = d.advance(1_020);
    expect(finished).toEqual([{ ...greeting, endMs: 1_000, truncated: true }]);
    expect(d.ended).toBe(true);
  });

  it('ends at once when the call ends sooner than expected', () => {
    const d = dialogue('call-early', [
      { kind: 'hold', atMs: 50_000 },
      { kind: 'resume', atMs: 60_000 },
      { kind: 'end', atMs: 120_000, lastWord: 'caller' },
    ]);
    playFramewise(d, 20_000);
    d.close(20_000);
    expect(d.ended).toBe(true);
    expect(d.holds()).toEqual([]);
    expect(Math.max(...d.utterances().map((u) => u.endMs))).toBeLessThanOrEqual(20_000);
    expect(d.advance(200_000)).toEqual([]);
  });

  it('reports every utterance once, when it has finished', () => {
    const d = dialogue('call-report', [{ kind: 'end', atMs: 90_000, lastWord: 'caller' }]);
    const reported = playFramewise(d, 100_000);
    expect(reported).toEqual([...d.utterances()].sort((a, b) => a.endMs - b.endMs));
    expect(new Set(reported).size).toBe(reported.length);
  });

  it('is deterministic per seed and call, however the clock advances', () => {
    const boundaries: CallBoundary[] = [
      { kind: 'hold', atMs: 35_000 },
      { kind: 'resume', atMs: 52_000 },
      { kind: 'transfer', atMs: 80_000 },
      { kind: 'end', atMs: 150_000, lastWord: 'agent' },
    ];
    const byFrames = dialogue('call-7', boundaries);
    playFramewise(byFrames, 150_000);
    const atOnce = dialogue('call-7', boundaries);
    atOnce.advance(150_000);
    expect(atOnce.utterances()).toEqual(byFrames.utterances());
    expect(atOnce.holds()).toEqual(byFrames.holds());
    expect(byFrames.utterances().some((u) => u.phraseId === 'agent_greeting_second_line')).toBe(true);

    const otherSeed = dialogue('call-7', boundaries, 'billing', 43);
    otherSeed.advance(150_000);
    expect(otherSeed.utterances()).not.toEqual(byFrames.utterances());
    const otherCall = dialogue('call-8', boundaries);
    otherCall.advance(150_000);
    expect(otherCall.utterances()).not.toEqual(byFrames.utterances());
  });

  it('renders the fixture bytes of whoever speaks, on their own side', () => {
    const d = dialogue('call-render', [{ kind: 'end', atMs: 60_000, lastWord: 'caller' }]);
    d.advance(60_000);
    const greeting = d.utterances()[0] as Utterance;
    const audio = book.byId(greeting.phraseId).audio;
    const seq = Math.ceil(greeting.startMs / 20) + 10;
    const out = new Uint8Array(AUDIO_SAMPLES_PER_FRAME * 2);
    d.renderInterleaved(seq * AUDIO_SAMPLES_PER_FRAME, out, music);
    const offset = seq * AUDIO_SAMPLES_PER_FRAME - greeting.startMs * 8;
    for (let i = 0; i < AUDIO_SAMPLES_PER_FRAME; i++) expect(out[i * 2]).toBe(audio[offset + i]);
  });
});
