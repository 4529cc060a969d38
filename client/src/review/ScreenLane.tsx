import type { ScreenshotMeta } from '@earshot/shared';
import { memo, useMemo } from 'react';
import { offsetInRecording, type ScreenGap } from './reviewTimeline.js';
import './screens.css';

/**
 * The lane's ticks as one SVG path in recording milliseconds (x) by 1 (y): one element whatever the number
 * of screenshots (a one-hour call has 1,800; an element each made every layout of the page slow).
 */
export function laneTicksPath(
  screens: readonly Pick<ScreenshotMeta, 'capturedAt'>[],
  startedAt: number,
  durationMs: number,
): string {
  return screens.map((meta) => `M${offsetInRecording(meta.capturedAt, startedAt, durationMs)} 0V1`).join('');
}

/** A lane under the waveform: a tick per screenshot, gaps hatched; a click seeks to that point. */
export const ScreenLane = memo(function ScreenLane({
  screens,
  gaps,
  startedAt,
  durationMs,
  onSeek,
}: {
  screens: readonly ScreenshotMeta[];
  gaps: readonly ScreenGap[];
  startedAt: number;
  durationMs: number;
  onSeek: (ms: number) => void;
}) {
  const pct = (ms: number) => `${(100 * ms) / Math.max(1, durationMs)}%`;
  const ticks = useMemo(() => laneTicksPath(screens, startedAt, durationMs), [screens, startedAt, durationMs]);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a pointer shortcut; the filmstrip's buttons do the same by keyboard.
    // biome-ignore lint/a11y/noStaticElementInteractions: as above.
    <div
      className="review-screen-lane"
      title="Screenshots (ticks) and gaps without any; click to play from there"
      onClick={(e) => {
        const box = e.currentTarget.getBoundingClientRect();
        onSeek(((e.clientX - box.left) / box.width) * durationMs);
      }}
      data-testid="review-screen-lane"
      data-ticks={screens.length}
    >
      {gaps.map((gap) => (
        <span
          key={`${gap.startMs}`}
          className="review-lane-gap"
          style={{ left: pct(gap.startMs), width: pct(gap.endMs - gap.startMs) }}
        />
      ))}
      <svg
        className="review-lane-ticks"
        viewBox={`0 0 ${Math.max(1, durationMs)} 1`}
        preserveAspectRatio="none"
        aria-hidden="true"
      >
        <path d={ticks} vectorEffect="non-scaling-stroke" />
      </svg>
    </div>
  );
});
