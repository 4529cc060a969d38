import { MONITOR_MODE_LABELS, type Monitor } from '@earshot/shared';
import { Link } from 'react-router-dom';
import { formatClock } from '../lib/time.js';
import { HeadphonesIcon, MonitorModeIcon } from './icons.js';
import { firstName, sortMonitors, tileMonitorChips } from './monitorList.js';
import './liveAudio.css';

/** Chips a tile has room for (the second becomes "+N" when there are more). */
const TILE_MAX_CHIPS = 2;

/** Who is on a call's audio, as compact chips for a wallboard tile (icon and first name; barge stands out). */
export function TileMonitorChips({ monitors }: { monitors: readonly Monitor[] }) {
  if (monitors.length === 0) return null;
  const { shown, more } = tileMonitorChips(monitors, TILE_MAX_CHIPS);
  const everyone = sortMonitors(monitors)
    .map((m) => `${m.displayName} ${MONITOR_MODE_LABELS[m.mode]}`)
    .join(', ');
  return (
    <span className="monitor-chips" data-testid="tile-monitors" title={everyone}>
      {shown.map((monitor) => (
        <span
          key={monitor.userId}
          className={`monitor-chip monitor-chip-${monitor.mode}`}
          data-testid="tile-monitor"
          data-mode={monitor.mode}
        >
          <MonitorModeIcon mode={monitor.mode} className="monitor-chip-icon" />
          <span className="monitor-chip-name">{firstName(monitor.displayName)}</span>
          <span className="sr-only"> {MONITOR_MODE_LABELS[monitor.mode]}</span>
        </span>
      ))}
      {more > 0 && (
        <span className="monitor-chip monitor-chip-more">
          <span aria-hidden="true">+{more}</span>
          <span className="sr-only">and {more} more</span>
        </span>
      )}
    </span>
  );
}

/**
 * The tile's "Listen" action for controllers: opens the call page, which starts listening (the click is
 * the user gesture the browser wants before it plays audio; the page offers a button if it still refuses).
 */
export function TileListenLink({ callId, who }: { callId: string; who: string }) {
  return (
    <Link
      to={`/calls/${encodeURIComponent(callId)}?listen=1`}
      className="tile-listen"
      aria-label={`Listen to the call of ${who}`}
      title="Listen to this call"
      data-testid="tile-listen"
    >
      <HeadphonesIcon className="tile-listen-icon" />
      Listen
    </Link>
  );
}

/** Everyone on the call's audio, for the call page (every role that may open it sees this). */
export function CallMonitorList({ monitors, selfUserId }: { monitors: readonly Monitor[]; selfUserId: string }) {
  const sorted = sortMonitors(monitors);
  return (
    <div className="call-monitors" data-testid="call-monitors" data-count={monitors.length}>
      <h3 className="live-audio-subtitle" id="call-monitors-title">
        On this call's audio
      </h3>
      {sorted.length === 0 ? (
        <p className="muted call-monitors-none">Nobody from the quality team is listening.</p>
      ) : (
        <ul className="call-monitor-list" aria-labelledby="call-monitors-title">
          {sorted.map((monitor) => (
            <li
              key={monitor.userId}
              className={`call-monitor monitor-chip-${monitor.mode}`}
              data-testid="call-monitor"
              data-mode={monitor.mode}
              data-user-id={monitor.userId}
            >
              <MonitorModeIcon mode={monitor.mode} className="call-monitor-icon" />
              <span className="call-monitor-name">
                {monitor.displayName}
                {monitor.userId === selfUserId && <span className="muted"> (you)</span>}
              </span>
              <span className="call-monitor-mode">{MONITOR_MODE_LABELS[monitor.mode]}</span>
              <span className="call-monitor-since muted">
                since <span className="timer">{formatClock(monitor.since)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
