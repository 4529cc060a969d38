import {
  type Call,
  can,
  holdTimeMs,
  MONITOR_MODE_LABELS,
  queueWaitMs,
  type ScreenshotMeta,
  type Severity,
  screenshotThumbUrl,
  TOPIC_LABELS,
  talkTimeMs,
  type WallboardSettings,
} from '@earshot/shared';
import { memo } from 'react';
import { Link } from 'react-router-dom';
import { TileListenLink, TileMonitorChips } from '../audio/MonitorChips.js';
import { useSession } from '../auth/session.js';
import { useServerNow } from '../lib/serverClock.js';
import { useNow } from '../lib/ticker.js';
import { formatClock, formatDuration } from '../lib/time.js';
import { HoldIcon, STATE_LABELS, StateBadge, TransferIcon } from '../ui/icons.js';
import { DeadAirAlert, SentimentChip, SilenceBadge } from './SpeechBadges.js';
import { screenshotAge } from './screenThumbs.js';
import { tileSeverity } from './severity.js';
import { describeSilence, liveSilenceView } from './silence.js';

const SEVERITY_WORDS: Record<Severity, string> = { normal: '', amber: 'long', red: 'very long' };

interface CallTileProps {
  call: Call;
  settings: WallboardSettings;
  /** Whether this tile has room for the agent's screen (roles that may view screens). */
  showScreen?: boolean;
  screenshot?: ScreenshotMeta | null;
}

/** One live call on the wallboard. Its timers tick from the shared clock; the tile is a link to the call. */
export const CallTile = memo(function CallTile({
  call,
  settings,
  showScreen = false,
  screenshot = null,
}: CallTileProps) {
  const now = useServerNow();
  const mayListen = can(useSession().user.role, 'audio:listen');
  const severity = tileSeverity(call, now, settings);
  const queued = call.state === 'queued';
  const onHold = call.state === 'hold';
  const who = call.agentName ?? (queued ? 'In queue' : 'Unknown agent');
  const waitMs = queueWaitMs(call, now);
  const severityWord = SEVERITY_WORDS[severity];
  const silence = liveSilenceView(call, now, settings.deadAirThresholdMs);
  const deadAir = silence?.deadAir ?? null;
  // A queued call has no conversation to hear yet.
  const listenable = mayListen && (call.state === 'talking' || call.state === 'hold');
  const label = [
    who,
    STATE_LABELS[call.state],
    severityWord && `${severityWord} ${queued ? 'wait' : 'call'}`,
    silence && describeSilence(silence),
    call.sentiment && `sentiment ${call.sentiment.label}`,
    `line ${call.line}`,
    TOPIC_LABELS[call.topic],
    ...call.monitors.map((m) => `${m.displayName} ${MONITOR_MODE_LABELS[m.mode]}`),
  ]
    .filter(Boolean)
    .join(', ');

  return (
    // biome-ignore lint/a11y/useSemanticElements: the grid's rows sit between list and item, which <li> does not allow.
    <div className="tile-cell" role="listitem">
      <Link
        to={`/calls/${encodeURIComponent(call.id)}`}
        className={`tile severity-${severity}${onHold ? ' on-hold' : ''}${queued ? ' queued' : ''}${deadAir ? ` dead-air dead-air-${deadAir}` : ''}`}
        aria-label={label}
        data-testid="call-tile"
        data-call-id={call.id}
        data-state={call.state}
        data-severity={severity}
        data-dead-air={deadAir ?? 'no'}
      >
        <div className={`tile-agent${queued ? ' tile-agent-queued' : ''}`}>{who}</div>
        {deadAir ? (
          // The alert takes the line and topic's place while it lasts: they are in the tile's name still.
          <DeadAirAlert kind={deadAir} className="tile-dead-air" />
        ) : (
          <div className="tile-meta">
            <span className="tile-line">{call.line}</span>
            <span className="tile-sep" aria-hidden="true">
              ·
            </span>
            <span className="tile-topic">{TOPIC_LABELS[call.topic]}</span>
          </div>
        )}
        <div className="tile-main">
          <span className="tile-timer-caption">{queued ? 'wait' : 'talk'}</span>
          <span className="tile-timer timer" data-testid={queued ? 'queue-wait' : 'talk-time'}>
            {formatDuration(queued ? waitMs : talkTimeMs(call, now))}
          </span>
          {silence ? <SilenceBadge view={silence} /> : <StateBadge state={call.state} />}
        </div>
        <div className="tile-foot">
          {queued ? (
            <span className="tile-fact">
              since <span className="timer">{formatClock(call.offeredAt)}</span>
            </span>
          ) : (
            <span className="tile-fact">
              wait <span className="timer">{formatDuration(waitMs)}</span>
            </span>
          )}
          {(onHold || call.holdMs > 0) && (
            <span className={`tile-fact tile-hold${onHold ? ' tile-hold-live' : ''}`} data-testid="hold-time">
              <HoldIcon className="tile-fact-icon" />
              <span className="timer">{formatDuration(holdTimeMs(call, now))}</span>
              {call.holdCount > 1 && <span className="tile-hold-count">×{call.holdCount}</span>}
            </span>
          )}
          {call.transferCount > 0 && (
            <span className="tile-fact" title={`Transferred ${call.transferCount}×`}>
              <TransferIcon className="tile-fact-icon" />
              {call.transferCount}
            </span>
          )}
          <TileMonitorChips monitors={call.monitors} />
          {call.sentiment && <SentimentChip sentiment={call.sentiment} />}
        </div>
        {showScreen && <TileScreen screenshot={screenshot} queued={queued} />}
      </Link>
      {listenable && <TileListenLink callId={call.id} who={who} />}
    </div>
  );
});

/** The agent's latest screen under the timers; dimmed and labelled when it is old. */
function TileScreen({ screenshot, queued }: { screenshot: ScreenshotMeta | null; queued: boolean }) {
  // Capture times are stamped by the agent's browser: compare them with this browser's clock.
  const now = useNow();
  if (!screenshot) {
    return (
      <div className="tile-screen tile-screen-none" data-testid="tile-screen-none">
        <span className="tile-screen-box" aria-hidden="true" />
        <span className="tile-screen-caption">{queued ? 'no agent yet' : 'no screen yet'}</span>
      </div>
    );
  }
  const { ageMs, stale } = screenshotAge(screenshot, now);
  return (
    <div
      className={`tile-screen${stale ? ' tile-screen-stale' : ''}`}
      data-testid="tile-screen"
      data-screenshot-id={screenshot.id}
      data-stale={stale}
    >
      <img
        className="tile-screen-box"
        src={screenshotThumbUrl(screenshot.id)}
        alt="Agent's screen"
        loading="lazy"
        width={screenshot.thumbWidth}
        height={screenshot.thumbHeight}
      />
      <span className="tile-screen-caption">
        {stale ? (
          <span className="tile-screen-stale-label">
            stale <span className="timer">{formatDuration(ageMs).replace(/^0(?=\d:)/, '')}</span>
          </span>
        ) : (
          <>
            screen <span className="timer">{formatClock(screenshot.capturedAt)}</span>
          </>
        )}
      </span>
    </div>
  );
}
