import type { MomentInput } from '@earshot/shared';
import type { ReactNode } from 'react';
import { formatDuration } from '../lib/time.js';

/** Pinned moments in time order: the time seeks the player there; with `onRemove`, each can be unpinned. */
export function MomentList({
  moments,
  onSeek,
  onRemove,
  empty,
}: {
  moments: readonly MomentInput[];
  onSeek: (ms: number) => void;
  onRemove?: (index: number) => void;
  empty: ReactNode;
}) {
  if (moments.length === 0) return empty ? <p className="muted moment-empty">{empty}</p> : null;
  return (
    <ol className="moment-list" aria-label="Pinned moments" data-testid="moment-list">
      {moments.map((moment, index) => (
        <li key={moment.id ?? `new-${index}-${moment.atMs}`} className="moment-item" data-testid="moment">
          <button
            type="button"
            className="moment-time timer"
            onClick={() => onSeek(moment.atMs)}
            title={`Play from ${formatDuration(moment.atMs)}`}
            data-testid="moment-seek"
            data-at-ms={moment.atMs}
          >
            {formatDuration(moment.atMs)}
          </button>
          <span className="moment-text">{moment.text}</span>
          {onRemove && (
            <button
              type="button"
              className="button button-quiet button-small"
              onClick={() => onRemove(index)}
              aria-label={`Unpin the comment at ${formatDuration(moment.atMs)}`}
            >
              Unpin
            </button>
          )}
        </li>
      ))}
    </ol>
  );
}
