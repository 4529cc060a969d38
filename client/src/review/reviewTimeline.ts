import {
  type CallEventRecord,
  MONITOR_STARTED_EVENT_TYPE,
  MONITOR_STOPPED_EVENT_TYPE,
  type ScreenshotMeta,
  type SpeechSegment,
} from '@earshot/shared';

/** "Skip silences" jumps over silences longer than this; shorter pauses are part of how people talk. */
export const SKIP_SILENCE_MIN_MS = 2_000;
/** A skip lands this long before the silence ends, so the next words are not clipped. */
export const SKIP_SILENCE_LEAD_IN_MS = 250;
/**
 * A stretch of the recording with no screenshot at least this long is shown as a gap. The capture page
 * sends a frame every few seconds (an identical frame only moves `lastSeenAt`), so a quarter of a minute
 * without either means the capture stopped or failed.
 */
export const SCREEN_GAP_MIN_MS = 15_000;

/**
 * The screenshot on screen at a moment: the last one captured at or before it (screens sorted by
 * capturedAt). -1 before the first. Binary search: a one-hour call has up to 1,800.
 */
export function screenIndexAt(screens: readonly Pick<ScreenshotMeta, 'capturedAt'>[], atEpochMs: number): number {
  let low = 0;
  let high = screens.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if ((screens[mid] as Pick<ScreenshotMeta, 'capturedAt'>).capturedAt <= atEpochMs) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}

/** Offset (ms into the recording) of an epoch-ms moment, clamped to the recording. */
export function offsetInRecording(atEpochMs: number, startedAt: number, durationMs: number): number {
  return Math.min(durationMs, Math.max(0, atEpochMs - startedAt));
}

export interface ScreenGap {
  startMs: number;
  endMs: number;
}

/**
 * Stretches of the recording (offsets, ms) with no screenshot for at least SCREEN_GAP_MIN_MS: before the
 * first, between one frame's last sighting and the next capture, and after the last. No screenshots at
 * all is one gap over the whole recording.
 */
export function screenGaps(
  screens: readonly Pick<ScreenshotMeta, 'capturedAt' | 'lastSeenAt'>[],
  startedAt: number,
  durationMs: number,
  minGapMs = SCREEN_GAP_MIN_MS,
): ScreenGap[] {
  const gaps: ScreenGap[] = [];
  let coveredUntil = 0;
  const push = (startMs: number, endMs: number) => {
    if (endMs - startMs >= minGapMs) gaps.push({ startMs, endMs });
  };
  for (const screen of screens) {
    const captured = offsetInRecording(screen.capturedAt, startedAt, durationMs);
    push(coveredUntil, captured);
    coveredUntil = Math.max(coveredUntil, offsetInRecording(screen.lastSeenAt, startedAt, durationMs));
  }
  push(coveredUntil, durationMs);
  return gaps;
}

/**
 * Where "skip silences" playback goes from `atMs`: past the end of the silence longer than
 * SKIP_SILENCE_MIN_MS that `atMs` is in (less a short lead-in), or null when it is not in one (or already
 * in its lead-in). Back-to-back silences are jumped in one go.
 */
export function skipSilenceTarget(segments: readonly SpeechSegment[], atMs: number): number | null {
  let target: number | null = null;
  let position = atMs;
  for (;;) {
    const silence = segments.find(
      (s) =>
        s.kind === 'silence' &&
        s.endMs - s.startMs > SKIP_SILENCE_MIN_MS &&
        s.startMs <= position &&
        position < s.endMs - SKIP_SILENCE_LEAD_IN_MS,
    );
    if (!silence) return target;
    target = silence.endMs - SKIP_SILENCE_LEAD_IN_MS;
    position = silence.endMs;
  }
}

export const REGION_KINDS = ['silence', 'overtalk', 'hold', 'whisper', 'barge'] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

export const REGION_LABELS: Record<RegionKind, string> = {
  silence: 'Silence',
  overtalk: 'Overtalk',
  hold: 'Hold',
  whisper: 'Whisper',
  barge: 'Barge-in',
};

export interface TimelineRegion {
  id: string;
  kind: RegionKind;
  startMs: number;
  endMs: number;
  /** Short words for the region's tooltip and list (who whispered, whether the screen moved). */
  label: string;
}

function detailText(event: CallEventRecord, key: string): string | null {
  const value = event.detail[key];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * The stretches the review timeline colours: silences, overtalk and holds from the speech segments, and
 * whisper and barge-in from the call's history (a `monitor.started` in that mode to the same person's next
 * `monitor.stopped`, or the end of the recording). Offsets are ms into the recording, in start order.
 */
export function buildRegions(
  segments: readonly SpeechSegment[],
  events: readonly CallEventRecord[],
  startedAt: number,
  durationMs: number,
): TimelineRegion[] {
  const regions: TimelineRegion[] = [];
  segments.forEach((segment, index) => {
    if (segment.kind !== 'silence' && segment.kind !== 'overtalk' && segment.kind !== 'hold') return;
    let label: string = REGION_LABELS[segment.kind];
    if (segment.kind === 'silence' && segment.screenChanged === true) label += ', screen changing';
    if (segment.kind === 'silence' && segment.screenChanged === false) label += ', screen still';
    regions.push({
      id: `${segment.kind}-${index}`,
      kind: segment.kind,
      startMs: segment.startMs,
      endMs: segment.endMs,
      label,
    });
  });

  const ordered = [...events].sort((a, b) => a.at - b.at);
  ordered.forEach((event, index) => {
    if (event.type !== MONITOR_STARTED_EVENT_TYPE) return;
    const mode = detailText(event, 'mode');
    if (mode !== 'whisper' && mode !== 'barge') return;
    const userId = detailText(event, 'userId');
    const stop = ordered
      .slice(index + 1)
      .find((later) => later.type === MONITOR_STOPPED_EVENT_TYPE && detailText(later, 'userId') === userId);
    const startMs = offsetInRecording(event.at, startedAt, durationMs);
    const endMs = stop ? offsetInRecording(stop.at, startedAt, durationMs) : durationMs;
    if (endMs <= startMs) return;
    const who = detailText(event, 'userName');
    regions.push({
      id: `${mode}-${event.eventId}`,
      kind: mode,
      startMs,
      endMs,
      label: who ? `${REGION_LABELS[mode]} by ${who}` : REGION_LABELS[mode],
    });
  });
  return regions.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
}

/** The transcript line being spoken at `atMs` (the last one started at or before it), or -1. */
export function lineIndexAt(lines: readonly { startMs: number }[], atMs: number): number {
  let found = -1;
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as { startMs: number }).startMs <= atMs) found = i;
    else break;
  }
  return found;
}

export const PLAYBACK_RATES = [1, 1.5, 2] as const;
export type PlaybackRate = (typeof PLAYBACK_RATES)[number];
/** ←/→ move the playhead this far. */
export const SEEK_STEP_MS = 5_000;

/** The playhead after an arrow key: clamped to the recording. */
export function seekBy(atMs: number, deltaMs: number, durationMs: number): number {
  return Math.min(durationMs, Math.max(0, atMs + deltaMs));
}
