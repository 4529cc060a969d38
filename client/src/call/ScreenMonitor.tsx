import { type ScreenshotMeta, screenshotThumbUrl, screenshotUrl } from '@earshot/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNow } from '../lib/ticker.js';
import { formatClock } from '../lib/time.js';
import { subscribe } from '../socket/socket.js';
import { callScreensQueryOptions, mergeScreens, SCREEN_STRIP_LIMIT, unchangedUntil } from './callScreens.js';

/**
 * The agent's screen during this call: the latest screenshot large (live from `screen:captured`, which the
 * call's room receives), and a strip of the earlier ones; clicking one shows it large until "Back to live".
 */
export function ScreenMonitor({ callId, live }: { callId: string; live: boolean }) {
  const queryClient = useQueryClient();
  const query = useQuery(callScreensQueryOptions(callId));
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    const { queryKey } = callScreensQueryOptions(callId);
    return subscribe('screen:captured', (announcement) => {
      if (announcement.callId !== callId) return;
      queryClient.setQueryData(queryKey, (current) => mergeScreens(current ?? [], [announcement.screenshot]));
    });
  }, [callId, queryClient]);

  const screens = query.data ?? [];
  const latest = screens[screens.length - 1] ?? null;
  const selected = (selectedId && screens.find((meta) => meta.id === selectedId)) || null;
  const shown: ScreenshotMeta | null = selected ?? latest;

  if (query.isPending) return <p className="muted">Loading the agent's screen…</p>;
  if (query.error) {
    return (
      <p className="banner banner-warn" role="alert" data-testid="screen-error">
        Could not load the agent's screen: {query.error.message}
      </p>
    );
  }
  if (!shown) {
    return (
      <div className="monitor-placeholder" data-testid="screen-empty">
        <p className="monitor-placeholder-title">No screenshots yet</p>
        <p>
          {live
            ? "The agent's screen appears here as soon as their capture page sends the first picture."
            : 'No pictures of the agent’s screen were captured during this call.'}
        </p>
      </div>
    );
  }

  // Age since the screen was last seen (an identical upload counts): an unchanged screen is still live.
  const ageS = Math.max(0, Math.round((now - shown.lastSeenAt) / 1000));
  const unchangedAt = unchangedUntil(shown);
  const strip = screens.slice(-SCREEN_STRIP_LIMIT).reverse();
  return (
    <div className="screen-view" data-testid="screen-view">
      <img
        className="screen-main"
        src={screenshotUrl(shown.id)}
        alt={`The agent's screen at ${formatClock(shown.capturedAt)}`}
        width={shown.width}
        height={shown.height}
        data-testid="screen-main"
        data-screenshot-id={shown.id}
      />
      <div className="screen-caption">
        {!selected && live && <span className="screen-caption-live">● live</span>}
        <span data-testid="screen-captured-at">
          captured <span className="timer">{formatClock(shown.capturedAt)}</span>
          {unchangedAt !== null && (
            <>
              {' '}
              · unchanged until <span className="timer">{formatClock(unchangedAt)}</span>
            </>
          )}
          , {ageS} s ago
        </span>
        <span className="muted">
          {shown.width}×{shown.height}
        </span>
        {selected && (
          <button type="button" className="button" onClick={() => setSelectedId(null)} data-testid="screen-back-live">
            {live ? 'Back to live' : 'Show the latest'}
          </button>
        )}
      </div>
      {strip.length > 1 && (
        <ul className="screen-strip" aria-label="Earlier screenshots of this call" data-testid="screen-strip">
          {strip.map((meta) => (
            <li key={meta.id}>
              <button
                type="button"
                className="screen-strip-item"
                aria-pressed={meta.id === shown.id}
                onClick={() => setSelectedId(meta.id === latest?.id ? null : meta.id)}
                title={`Show the screen at ${formatClock(meta.capturedAt)}`}
              >
                <img
                  src={screenshotThumbUrl(meta.id)}
                  alt=""
                  loading="lazy"
                  width={meta.thumbWidth}
                  height={meta.thumbHeight}
                />
                <span className="screen-strip-time timer">{formatClock(meta.capturedAt)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
