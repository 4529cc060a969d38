import {
  type CallSpeechMetrics,
  OVERTALK_MIN_MS,
  SILENCE_BADGE_MIN_MS,
  type SpeechSegment,
  type SpeechSegmentKind,
} from '@earshot/shared';
import type { SpeechInterval } from './offline.js';

/** What a call's speech is built from once it ended: the live results, never a second pass over the audio. */
export interface CallSpeechInput {
  callId: string;
  /** The recorded duration (frames decided × 20 ms). */
  durationMs: number;
  /** Silence counts from here (the answer; 0 when the audio began with it). */
  talkStartMs: number;
  agent: readonly SpeechInterval[];
  caller: readonly SpeechInterval[];
  holds: readonly SpeechInterval[];
  /** Whether the agent's screen changed during [startMs, endMs) (offsets): null when no screenshot showed. */
  screenChanged(startMs: number, endMs: number): boolean | null;
  deadAirThresholdMs: number;
}

export interface CallSpeechResult {
  segments: SpeechSegment[];
  metrics: CallSpeechMetrics;
}

const KIND_ORDER: Record<SpeechSegmentKind, number> = { hold: 0, silence: 1, agent: 2, caller: 3, overtalk: 4 };

/**
 * Segments and metrics of one call: agent and caller utterances as detected, holds, silences (neither
 * speaking, not on hold, after the answer, at least SILENCE_BADGE_MIN_MS) with whether the screen changed, and
 * overtalk (both speaking at least OVERTALK_MIN_MS). Pure.
 */
export function buildCallSpeech(input: CallSpeechInput): CallSpeechResult {
  const duration = Math.max(0, input.durationMs);
  const clip = (list: readonly SpeechInterval[]) => union(list.map((i) => clipInterval(i, 0, duration)));
  const agent = clip(input.agent);
  const caller = clip(input.caller);
  const holds = clip(input.holds);
  const talk = union([...agent, ...caller]);
  const talkStart = Math.min(duration, Math.max(0, input.talkStartMs));
  const gaps = complement(union([...talk, ...holds]), talkStart, duration);
  const overtalk = intersect(agent, caller).filter((i) => length(i) >= OVERTALK_MIN_MS);

  const segments: SpeechSegment[] = [
    ...agent.map((i) => segment('agent', i)),
    ...caller.map((i) => segment('caller', i)),
    ...holds.map((i) => segment('hold', i)),
    ...overtalk.map((i) => segment('overtalk', i)),
    ...gaps
      .filter((i) => length(i) >= SILENCE_BADGE_MIN_MS)
      .map((i) => ({ ...segment('silence', i), screenChanged: input.screenChanged(i.startMs, i.endMs) })),
  ].sort((a, b) => a.startMs - b.startMs || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.endMs - b.endMs);

  let longest: SpeechInterval | null = null;
  for (const gap of gaps) if (!longest || length(gap) > length(longest)) longest = gap;
  const deadAir = segments.filter((s) => s.kind === 'silence' && s.endMs - s.startMs >= input.deadAirThresholdMs);
  const agentTalkMs = total(agent);
  const callerTalkMs = total(caller);
  const silenceMs = total(gaps);
  const holdMs = total(holds);
  const share = (ms: number) => (duration > 0 ? round4(ms / duration) : 0);
  return {
    segments,
    metrics: {
      callId: input.callId,
      durationMs: duration,
      agentTalkMs,
      callerTalkMs,
      silenceMs,
      holdMs,
      agentTalkShare: share(agentTalkMs),
      callerTalkShare: share(callerTalkMs),
      nonTalkShare: share(silenceMs),
      longestSilenceMs: longest ? length(longest) : 0,
      longestSilenceAtMs: longest ? longest.startMs : null,
      overtalkCount: overtalk.length,
      holdCount: holds.length,
      deadAirCount: deadAir.length,
      deadAirStillCount: deadAir.filter((s) => s.screenChanged === false).length,
    },
  };
}

function segment(kind: SpeechSegmentKind, interval: SpeechInterval): SpeechSegment {
  return { kind, startMs: interval.startMs, endMs: interval.endMs };
}

const length = (i: SpeechInterval) => i.endMs - i.startMs;
const total = (list: readonly SpeechInterval[]) => list.reduce((sum, i) => sum + length(i), 0);
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function clipInterval(i: SpeechInterval, from: number, to: number): SpeechInterval {
  return { startMs: Math.max(from, i.startMs), endMs: Math.min(to, i.endMs) };
}

/** Sorted, merged, non-empty intervals covering what the input covers. */
export function union(list: readonly SpeechInterval[]): SpeechInterval[] {
  const sorted = list.filter((i) => i.endMs > i.startMs).sort((a, b) => a.startMs - b.startMs);
  const out: SpeechInterval[] = [];
  for (const i of sorted) {
    const last = out.at(-1);
    if (last && i.startMs <= last.endMs) last.endMs = Math.max(last.endMs, i.endMs);
    else out.push({ startMs: i.startMs, endMs: i.endMs });
  }
  return out;
}

/** Where both sorted, merged lists cover. */
export function intersect(a: readonly SpeechInterval[], b: readonly SpeechInterval[]): SpeechInterval[] {
  const out: SpeechInterval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as SpeechInterval;
    const y = b[j] as SpeechInterval;
    const startMs = Math.max(x.startMs, y.startMs);
    const endMs = Math.min(x.endMs, y.endMs);
    if (endMs > startMs) out.push({ startMs, endMs });
    if (x.endMs < y.endMs) i++;
    else j++;
  }
  return out;
}

/** What a sorted, merged list leaves uncovered within [from, to). */
export function complement(covered: readonly SpeechInterval[], from: number, to: number): SpeechInterval[] {
  const out: SpeechInterval[] = [];
  let at = from;
  for (const i of covered) {
    if (i.endMs <= at) continue;
    if (i.startMs >= to) break;
    if (i.startMs > at) out.push({ startMs: at, endMs: i.startMs });
    at = Math.max(at, i.endMs);
  }
  if (at < to) out.push({ startMs: at, endMs: to });
  return out;
}
