import { SILENCE_BADGE_MIN_MS } from '@earshot/shared';
import type { SpeechInterval } from './offline.js';
import { complement } from './segments.js';

/** How detected speech compares with the truth of a fixture (scripts/generate-vad-fixtures.sh). */
export interface BoundaryReport {
  truthSegments: number;
  detectedSegments: number;
  /** |detected − true| of every start and end of a true segment that a detected one overlaps, in ms. */
  boundaryErrorsMs: number[];
  /** True segments no detected segment overlaps. */
  missedSpeech: number;
  /** True segments covered by more than one detected segment (split by a pause). */
  splitSpeech: number;
  /** Detected segments overlapping no true one (noise called speech). */
  falseSpeech: number;
  /** True silences of at least `longSilenceMinMs`, and how many of them the detection did not show. */
  longSilences: number;
  missedLongSilences: number;
}

/**
 * Matches detected speech with the truth: each true segment's start against the first detected segment that
 * overlaps it, its end against the last. A long silence counts as found when a detected gap covers it to
 * within 100 ms at either end.
 */
export function compareBoundaries(
  truth: { speech: readonly SpeechInterval[]; silences: readonly SpeechInterval[]; durationMs: number },
  detected: readonly SpeechInterval[],
  longSilenceMinMs = SILENCE_BADGE_MIN_MS,
): BoundaryReport {
  const overlaps = (a: SpeechInterval, b: SpeechInterval) => a.startMs < b.endMs && b.startMs < a.endMs;
  const boundaryErrorsMs: number[] = [];
  let missedSpeech = 0;
  let splitSpeech = 0;
  for (const segment of truth.speech) {
    const hits = detected.filter((d) => overlaps(d, segment));
    const first = hits[0];
    const last = hits.at(-1);
    if (!first || !last) {
      missedSpeech += 1;
      continue;
    }
    if (hits.length > 1) splitSpeech += 1;
    boundaryErrorsMs.push(Math.abs(first.startMs - segment.startMs), Math.abs(last.endMs - segment.endMs));
  }
  const falseSpeech = detected.filter((d) => !truth.speech.some((s) => overlaps(s, d))).length;
  const gaps = complement(detected, 0, truth.durationMs);
  const long = truth.silences.filter((s) => s.endMs - s.startMs >= longSilenceMinMs);
  const missedLongSilences = long.filter(
    (s) => !gaps.some((g) => g.startMs <= s.startMs + 100 && g.endMs >= s.endMs - 100),
  ).length;
  return {
    truthSegments: truth.speech.length,
    detectedSegments: detected.length,
    boundaryErrorsMs,
    missedSpeech,
    splitSpeech,
    falseSpeech,
    longSilences: long.length,
    missedLongSilences,
  };
}

/** The median of a list of numbers (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
