import { TOPICS } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { scoreCallSentiment } from '../../sentiment/sentiment.js';
import { Rng } from '../random.js';
import {
  CALLER_LANGUAGE_SHARES,
  CallDialogue,
  HANGING_QUESTION_CHANCE,
  HANGING_SCREEN_WORKING_CHANCE,
  LONG_SILENCE_MAX_MS,
  LONG_SILENCE_MIN_MS,
  MOOD_SHARES,
} from './dialogue.js';
import { loadPhraseBook } from './phrases.js';

/** Thousands of dialogues are built per test: seconds on a quiet machine, more when CI shares its cores. */
const DIALOGUE_SAMPLE_TIMEOUT_MS = 60_000;

const book = loadPhraseBook();

/**
 * A call played to its end as the simulator would meet it: sometimes a hold, sometimes a transfer, usually
 * an end foreseen (so the talk winds up), now and then a caller who hangs up unannounced.
 */
function playCall(index: number, rng: Rng): CallDialogue {
  const d = new CallDialogue({ seed: 42, callId: `sim-42-run-${index}`, topic: rng.pick(TOPICS), phrases: book });
  const endMs = rng.uniform(60_000, 420_000);
  let at = rng.uniform(20_000, endMs / 2);
  if (rng.chance(0.25)) {
    d.expect({ kind: 'hold', atMs: at });
    at += rng.uniform(10_000, 60_000);
    d.expect({ kind: 'resume', atMs: at });
  }
  if (rng.chance(0.1)) d.expect({ kind: 'transfer', atMs: at + 20_000 });
  const unannounced = rng.chance(0.1);
  if (!unannounced) d.expect({ kind: 'end', atMs: endMs + 90_000, lastWord: rng.chance(0.7) ? 'caller' : 'agent' });
  for (let t = 0; t < endMs + 90_000; t += 1_000) d.advance(t);
  d.close(endMs + 90_000);
  return d;
}

const share = (count: number, total: number) => count / total;

describe('callers’ moods', () => {
  it(
    'are drawn 85 % neutral, 8 % positive, 7 % negative, and the sentiment scorer reads them back from the transcripts',
    () => {
      const rng = new Rng(2026);
      const calls = 3_000;
      const moods = { neutral: 0, positive: 0, negative: 0 };
      const labels = { neutral: 0, positive: 0, negative: 0 };
      let agreeing = 0;
      for (let i = 0; i < calls; i++) {
        const d = playCall(i, rng);
        const sentiment = scoreCallSentiment(
          d.utterances().map((u) => ({ speaker: u.speaker, text: u.text, language: u.language })),
          true,
        );
        expect(sentiment).not.toBeNull();
        const label = sentiment?.label ?? 'neutral';
        moods[d.mood] += 1;
        labels[label] += 1;
        if (label === d.mood) agreeing += 1;
      }
      for (const mood of ['neutral', 'positive', 'negative'] as const) {
        // ±2 points: about three standard deviations of the draw at this many calls.
        expect(Math.abs(share(moods[mood], calls) - MOOD_SHARES[mood])).toBeLessThan(0.02);
        expect(Math.abs(share(labels[mood], calls) - MOOD_SHARES[mood])).toBeLessThan(0.025);
      }
      expect(share(agreeing, calls)).toBeGreaterThan(0.97);
    },
    DIALOGUE_SAMPLE_TIMEOUT_MS,
  );

  it('show in what the caller says: a complaint and displeasure, or praise and warm thanks', () => {
    const rng = new Rng(7);
    let checked = 0;
    for (let i = 0; checked < 60 && i < 3_000; i++) {
      const d = playCall(i, rng);
      if (d.mood === 'neutral') continue;
      checked += 1;
      const roles = d.utterances().map((u) => book.byId(u.phraseId).role);
      if (d.mood === 'negative') expect(roles).toContain('complaint');
      else expect(roles).toContain('praise');
      const moodRoles = d.mood === 'negative' ? ['praise'] : ['complaint', 'displeasure'];
      expect(roles.filter((role) => moodRoles.includes(role))).toEqual([]);
    }
    expect(checked).toBe(60);
  });
});

describe('callers’ languages', () => {
  it(
    'are mostly Russian, some Belarusian and Ukrainian, and the caller speaks theirs where a phrase exists in it',
    () => {
      const rng = new Rng(11);
      const calls = 1_200;
      const counts = { ru: 0, be: 0, uk: 0 };
      for (let i = 0; i < calls; i++) {
        const d = playCall(i, rng);
        counts[d.callerLanguage] += 1;
        for (const u of d.utterances()) {
          if (u.speaker === 'agent') {
            // The agent speaks Russian, greeting and closing now and then in Belarusian.
            expect(u.language === 'ru' || ['greeting', 'closing'].includes(book.byId(u.phraseId).role)).toBe(true);
            continue;
          }
          const base = u.phraseId.replace(/_(uk|be)$/, '');
          const own = d.callerLanguage === 'ru' ? base : `${base}_${d.callerLanguage}`;
          // A phrase without a variant in the caller's language (the phone number, say) is said in Russian.
          const expected = book.get(own) ? own : book.get(base) ? base : u.phraseId;
          expect(u.phraseId).toBe(expected);
          expect(u.language).toBe(book.byId(u.phraseId).language);
        }
      }
      for (const language of ['ru', 'be', 'uk'] as const) {
        expect(Math.abs(share(counts[language], calls) - CALLER_LANGUAGE_SHARES[language])).toBeLessThan(0.03);
      }
    },
    DIALOGUE_SAMPLE_TIMEOUT_MS,
  );
});

describe('hanging questions', () => {
  it(
    'go quiet 10-25 s, known from their first moment, with the agent working or stuck at the stated odds',
    () => {
      const calls = 1_500;
      let hanging = 0;
      let working = 0;
      for (let i = 0; i < calls; i++) {
        const d = new CallDialogue({ seed: 5, callId: `sim-5-run-${i}`, topic: 'billing', phrases: book });
        d.expect({ kind: 'end', atMs: 240_000, lastWord: 'caller' });
        // Live, every 250 ms: what the screen simulation would ask.
        const seenLive: { startMs: number; endMs: number; screen: string }[] = [];
        for (let t = 0; t <= 240_000; t += 250) {
          d.advance(t);
          const now = d.hangingSilenceAt(t);
          if (now && !seenLive.some((s) => s.startMs === now.startMs)) seenLive.push({ ...now });
        }
        const spans = d.hangingSilences();
        expect(spans.length).toBeLessThanOrEqual(1);
        expect(seenLive).toEqual(spans.map((s) => ({ ...s })));
        for (const span of spans) {
          hanging += 1;
          if (span.screen === 'working') working += 1;
          expect(span.endMs - span.startMs).toBeGreaterThanOrEqual(LONG_SILENCE_MIN_MS);
          expect(span.endMs - span.startMs).toBeLessThanOrEqual(LONG_SILENCE_MAX_MS + 1_500);
          // Nobody speaks in it, and it is one of the call's long silences.
          expect(d.utterances().some((u) => u.startMs < span.endMs && u.endMs > span.startMs)).toBe(false);
          expect(d.silences().some((s) => s.startMs === span.startMs && s.endMs === span.endMs)).toBe(true);
        }
        // Outside a hanging question the screen does nothing special.
        expect(d.hangingSilenceAt(239_999)).toBeNull();
      }
      expect(Math.abs(share(hanging, calls) - HANGING_QUESTION_CHANCE)).toBeLessThan(0.04);
      expect(Math.abs(share(working, hanging) - HANGING_SCREEN_WORKING_CHANCE)).toBeLessThan(0.1);
    },
    DIALOGUE_SAMPLE_TIMEOUT_MS,
  );
});
