import type { MomentInput } from '@earshot/shared';
import { memo } from 'react';
import { formatDuration } from '../lib/time.js';

/** A lane under the waveform with a pin for every commented moment; a pin seeks there. */
export const MomentLane = memo(function MomentLane({
  moments,
  durationMs,
  onSeek,
}: {
  moments: readonly MomentInput[];
  durationMs: number;
  onSeek: (ms: number) => void;
}) {
  if (moments.length === 0) return null;
  return (
    // biome-ignore lint/a11y/useSemanticElements: pins positioned along a time axis, not form fields.
    <div
      className="review-moment-lane"
      role="group"
      aria-label="Pinned comments on the timeline"
      data-testid="review-moment-lane"
    >
      {moments.map((moment, index) => (
        <button
          key={moment.id ?? `new-${index}-${moment.atMs}`}
          type="button"
          className="review-moment-pin"
          style={{ left: `${(100 * Math.min(moment.atMs, durationMs)) / Math.max(1, durationMs)}%` }}
          onClick={() => onSeek(moment.atMs)}
          title={`${formatDuration(moment.atMs)}: ${moment.text}`}
          aria-label={`Comment at ${formatDuration(moment.atMs)}: ${moment.text}`}
          data-testid="review-moment-pin"
        />
      ))}
    </div>
  );
});
