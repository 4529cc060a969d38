import { memo, useMemo } from 'react';
import { formatDuration } from '../lib/time.js';
import { timelineTicks } from './timelineScale.js';
import './screens.css';

/**
 * The time axis under the waveform: ticks and labels placed by percentage, as the waveform always fills
 * its width. Drawn here rather than by wavesurfer's timeline plugin, which reads each notch's width as it
 * adds it (a forced layout per notch, about 0.1 s on opening an hour's call, again on every resize).
 */
export const TimeAxis = memo(function TimeAxis({ durationMs }: { durationMs: number }) {
  const ticks = useMemo(() => timelineTicks(durationMs), [durationMs]);
  const x = (atS: number) => (atS * 1000) / Math.max(1, durationMs);
  const path = (labelled: boolean, top: number) =>
    ticks
      .filter((tick) => tick.labelled === labelled)
      .map((tick) => `M${x(tick.atS)} ${top}V1`)
      .join('');
  return (
    <div className="review-timeline review-time-axis" aria-hidden="true" data-testid="review-time-axis">
      <svg className="review-time-axis-ticks" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
        <path className="review-time-axis-minor" d={path(false, 0.5)} vectorEffect="non-scaling-stroke" />
        <path className="review-time-axis-major" d={path(true, 0)} vectorEffect="non-scaling-stroke" />
      </svg>
      {ticks
        .filter((tick) => tick.labelled)
        .map((tick) => (
          <span key={tick.atS} className="review-time-axis-label" style={{ left: `${100 * x(tick.atS)}%` }}>
            {formatDuration(tick.atS * 1000)}
          </span>
        ))}
    </div>
  );
});
