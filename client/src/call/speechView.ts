import type { CallSpeechMetrics, SpeechSegment, TranscriptLine } from '@earshot/shared';
import { classifyDeadAir, type DeadAirKind } from '../wallboard/silence.js';

/** The longest offset `?t=` may carry: a 12-hour call, as transcript offsets are bounded. */
const MOMENT_MAX_MS = 12 * 60 * 60_000;

/**
 * The moment in the call's audio that the page's address points at (`?t=` in ms, as `callMomentPath`
 * writes it), or null when there is none or it is not a plain whole number in range.
 */
export function parseMomentMs(value: string | null): number | null {
  if (value === null || !/^\d{1,9}$/.test(value)) return null;
  const ms = Number(value);
  return ms <= MOMENT_MAX_MS ? ms : null;
}

/** A share of the call as a whole percent; under one percent but not zero reads `<1%`. */
export function formatShare(share: number): string {
  if (!Number.isFinite(share) || share <= 0) return '0%';
  if (share < 0.01) return '<1%';
  return `${Math.round(Math.min(share, 1) * 100)}%`;
}

export type TalkPartKey = 'agent' | 'caller' | 'silence' | 'hold';

export interface TalkPart {
  key: TalkPartKey;
  label: string;
  share: number;
}

/**
 * The call's time split for the talk-share bar: agent, caller, neither (non-talk) and hold. Agent and
 * caller may overlap (overtalk), so the parts can add up to a little more than the whole.
 */
export function talkShareParts(metrics: CallSpeechMetrics): TalkPart[] {
  const holdShare = metrics.durationMs > 0 ? metrics.holdMs / metrics.durationMs : 0;
  return [
    { key: 'agent', label: 'Agent', share: metrics.agentTalkShare },
    { key: 'caller', label: 'Caller', share: metrics.callerTalkShare },
    { key: 'silence', label: 'Non-talk', share: metrics.nonTalkShare },
    { key: 'hold', label: 'Hold', share: holdShare },
  ];
}

export type TimelineLane = 'agent' | 'caller' | 'events';

/** One segment placed on the call's timeline, in percent of its length. */
export interface TimelineBlock {
  lane: TimelineLane;
  kind: SpeechSegment['kind'];
  startMs: number;
  endMs: number;
  leftPct: number;
  widthPct: number;
  /** Silences past the dead-air threshold: what the screen did (`stuck` when it stood still). */
  deadAir: DeadAirKind | null;
}

/** A segment narrower than this still shows as a sliver (a short overtalk must not vanish). */
const MIN_BLOCK_WIDTH_PCT = 0.4;

/**
 * Places the segments on three lanes: each side's speech, and the events between them (silence, overtalk,
 * hold). `durationMs` is the recording's length; segments past it are clipped, empty ones dropped.
 */
export function timelineBlocks(
  segments: readonly SpeechSegment[],
  durationMs: number,
  deadAirThresholdMs: number,
): TimelineBlock[] {
  if (durationMs <= 0) return [];
  const blocks: TimelineBlock[] = [];
  for (const segment of segments) {
    const startMs = Math.max(0, Math.min(segment.startMs, durationMs));
    const endMs = Math.max(startMs, Math.min(segment.endMs, durationMs));
    if (endMs <= startMs) continue;
    const lane: TimelineLane = segment.kind === 'agent' || segment.kind === 'caller' ? segment.kind : 'events';
    const isDeadAir = segment.kind === 'silence' && endMs - startMs >= deadAirThresholdMs;
    blocks.push({
      lane,
      kind: segment.kind,
      startMs,
      endMs,
      leftPct: (startMs / durationMs) * 100,
      widthPct: Math.max(MIN_BLOCK_WIDTH_PCT, ((endMs - startMs) / durationMs) * 100),
      deadAir: isDeadAir ? segmentDeadAir(segment.screenChanged) : null,
    });
  }
  return blocks;
}

function segmentDeadAir(screenChanged: boolean | null | undefined): DeadAirKind {
  if (screenChanged === undefined || screenChanged === null) return 'unknown';
  return classifyDeadAir({ screenChanges: screenChanged ? 1 : 0, screenSeen: true });
}

/**
 * The transcript line a moment belongs to: the last one that started at or before it. A moment inside a
 * silence so points at what was said just before it (often the question left hanging). Null before the
 * first line. Lines are in order of `startMs`.
 */
export function lineAtMoment(lines: readonly TranscriptLine[], ms: number): number | null {
  let low = 0;
  let high = lines.length - 1;
  let found: number | null = null;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const line = lines[mid];
    if (line === undefined) break;
    if (line.startMs <= ms) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

export const SPEAKER_LABELS = { agent: 'Agent', caller: 'Caller' } as const;
