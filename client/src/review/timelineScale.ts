/** Spacings the review timeline's ticks and labels may take, seconds: steps a reader counts in. */
const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200] as const;
/** At most this many ticks along the waveform. */
export const TIMELINE_MAX_TICKS = 60;
/** At most this many time labels: about one per 80 px on the review page's waveform. */
export const TIMELINE_MAX_LABELS = 10;

export interface TimelineScale {
  /** Seconds between ticks. */
  tickS: number;
  /** Seconds between labels: a multiple of tickS, so every label sits on a tick. */
  labelS: number;
}

/**
 * Tick and label spacing under the waveform of a recording of `durationMs`: a minute's call gets a tick a
 * second and a label every 10 s, an hour's a tick a minute and a label every 10 minutes. (Fixed spacings
 * put 720 ticks and 360 labels under an hour's waveform: unreadable, and slow to lay out.)
 */
export function timelineScale(durationMs: number): TimelineScale {
  const durationS = Math.max(1, durationMs / 1000);
  const largest = STEPS_S[STEPS_S.length - 1] as number;
  const tickS = STEPS_S.find((step) => durationS / step <= TIMELINE_MAX_TICKS) ?? largest;
  const labelS =
    STEPS_S.find((step) => step >= tickS && step % tickS === 0 && durationS / step <= TIMELINE_MAX_LABELS) ?? tickS;
  return { tickS, labelS };
}

/** The ticks (seconds from the start) of a recording of `durationMs`, and which of them are labelled. */
export function timelineTicks(durationMs: number): { atS: number; labelled: boolean }[] {
  const { tickS, labelS } = timelineScale(durationMs);
  const ticks: { atS: number; labelled: boolean }[] = [];
  for (let atS = 0; atS * 1000 < durationMs; atS += tickS) ticks.push({ atS, labelled: atS % labelS === 0 });
  return ticks;
}
