import {
  type Call,
  type CallEventRecord,
  can,
  classifyDuration,
  DEFAULT_WALLBOARD_SETTINGS,
  holdTimeMs,
  queueWaitMs,
  TOPIC_LABELS,
  talkTimeMs,
} from '@earshot/shared';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useCallback } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { LiveAudioPanel } from '../audio/LiveAudioPanel.js';
import { CallMonitorList } from '../audio/MonitorChips.js';
import { useSession } from '../auth/session.js';
import { useServerNow } from '../lib/serverClock.js';
import { settingsQueryOptions } from '../lib/settingsQuery.js';
import { formatDateTime, formatDuration } from '../lib/time.js';
import { StateBadge } from '../ui/icons.js';
import { DeadAirAlert, SentimentChip, SilenceBadge } from '../wallboard/SpeechBadges.js';
import { tileSeverity } from '../wallboard/severity.js';
import { liveSilenceView } from '../wallboard/silence.js';
import { describeEvent, END_REASON_LABELS, shownInHistory } from './callDetail.js';
import { RecordingPanel } from './RecordingPanel.js';
import { ScreenMonitor } from './ScreenMonitor.js';
import { SpeechPanel } from './SpeechPanel.js';
import { transcriptQueryOptions } from './speechQueries.js';
import { TranscriptPanel } from './TranscriptPanel.js';
import { useLiveCall } from './useLiveCall.js';

export function CallPage() {
  const { callId = '' } = useParams();
  const view = useLiveCall(callId);

  return (
    <div className="call-page" data-testid="call-page" data-call-id={callId} data-status={view.status}>
      <Link to="/wallboard" className="back-link">
        ← Wallboard
      </Link>
      {view.status === 'loading' && (
        <div className="empty-state" data-testid="call-loading">
          <p>Loading call {callId}…</p>
        </div>
      )}
      {view.status === 'not_found' && (
        <div className="empty-state" data-testid="call-not-found">
          <h1>Call not found</h1>
          <p>
            There is no call with the id <code>{callId}</code>. Check the address, or open the call from the wallboard.
          </p>
          <Link to="/wallboard">Back to the wallboard</Link>
        </div>
      )}
      {view.status === 'error' && (
        <div className="empty-state" data-testid="call-error">
          <h1>Could not load the call</h1>
          <p>{view.message}</p>
        </div>
      )}
      {view.status === 'ready' && (
        <CallView call={view.detail.call} events={view.detail.events} liveError={view.liveError} />
      )}
    </div>
  );
}

function CallView({
  call,
  events: allEvents,
  liveError,
}: {
  call: Call;
  events: CallEventRecord[];
  liveError: string | null;
}) {
  const events = allEvents.filter(shownInHistory);
  const settings = useQuery(settingsQueryOptions()).data ?? DEFAULT_WALLBOARD_SETTINGS;
  // Listening, whispering and barging are the controller's; a supervisor watches read-only.
  const { user } = useSession();
  const role = user.role;
  const mayListen = can(role, 'audio:listen');
  // `?listen=1` (the wallboard tile's Listen): start listening once, then drop it from the address.
  const [searchParams, setSearchParams] = useSearchParams();
  const autoListen = searchParams.get('listen') === '1';
  const onAutoListenStarted = useCallback(() => {
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('listen');
        return next;
      },
      { replace: true },
    );
  }, [setSearchParams]);
  const mayViewScreens = can(role, 'screens:view');
  const now = useServerNow();
  const live = call.state !== 'ended';
  const queued = call.state === 'queued';
  const talkMs = talkTimeMs(call, now);
  const waitMs = queueWaitMs(call, now);
  const holdMs = holdTimeMs(call, now);
  const severity = live
    ? tileSeverity(call, now, settings)
    : classifyDuration(talkMs, settings.longCallAmberMs, settings.longCallRedMs);
  const silence = liveSilenceView(call, now, settings.deadAirThresholdMs);
  // The live call carries its sentiment; a stored one may not, and its transcript's is the final one.
  const transcript = useQuery(transcriptQueryOptions(call.id, live));
  const sentiment = call.sentiment ?? transcript.data?.sentiment ?? null;

  return (
    <>
      <title>{`${call.agentName ?? 'Queued call'} · ${call.line} · Earshot`}</title>
      <header
        className={`call-header severity-${severity}${call.state === 'hold' ? ' on-hold' : ''}${silence?.deadAir ? ' dead-air' : ''}`}
        data-dead-air={silence?.deadAir ?? 'no'}
      >
        <div className="call-title">
          <h1>{call.agentName ?? (queued ? 'In queue' : 'No agent')}</h1>
          <p className="call-subtitle">
            Line {call.line} · {TOPIC_LABELS[call.topic]} · call <code>{call.id}</code>
          </p>
        </div>
        <div className="call-header-state">
          {silence?.deadAir && <DeadAirAlert kind={silence.deadAir} className="call-dead-air" />}
          {silence ? <SilenceBadge view={silence} /> : <StateBadge state={call.state} />}
          {sentiment && <SentimentChip sentiment={sentiment} size="large" />}
          {call.holdSince !== null && (
            <span className="call-hold-now" data-testid="call-hold-now">
              for <span className="timer">{formatDuration(now - call.holdSince)}</span>
            </span>
          )}
          {call.endReason && <span className="call-end-reason">{END_REASON_LABELS[call.endReason]}</span>}
        </div>
        <div className="call-header-timer" data-testid="call-main-timer" data-severity={severity}>
          <span className="stat-label">{queued ? 'Waiting' : live ? 'Talk time' : 'Talked'}</span>
          <span className="timer call-big-timer">{formatDuration(queued ? waitMs : talkMs)}</span>
        </div>
      </header>

      {liveError && (
        <p className="banner banner-warn" role="status" data-testid="call-live-error">
          Live updates are not available: {liveError}
        </p>
      )}

      <div className="call-layout">
        <section className="panel monitor-panel" aria-labelledby="monitor-title" data-testid="monitor-panel">
          <h2 id="monitor-title" className="panel-title">
            Live monitor
          </h2>
          {live && (
            <div className="live-audio-area">
              <CallMonitorList monitors={call.monitors} selfUserId={user.id} />
              {mayListen && (
                <LiveAudioPanel
                  key={call.id}
                  callId={call.id}
                  autoListen={autoListen}
                  onAutoListenStarted={onAutoListenStarted}
                  mayWhisper={can(role, 'audio:whisper')}
                  mayBarge={can(role, 'audio:barge')}
                />
              )}
            </div>
          )}
          {mayViewScreens ? (
            <ScreenMonitor callId={call.id} live={live} />
          ) : (
            <div className="monitor-placeholder">
              <p className="monitor-placeholder-title">Agent's screen</p>
              <p>Your role does not show agents' screens.</p>
            </div>
          )}
        </section>

        <section className="panel details-panel" aria-labelledby="details-title">
          <h2 id="details-title" className="panel-title">
            Details
          </h2>
          <dl className="details" data-testid="call-details">
            <Detail label="Caller">{call.callerNumber}</Detail>
            <Detail label="Line">{call.line}</Detail>
            <Detail label="Topic">{TOPIC_LABELS[call.topic]}</Detail>
            <Detail label="Agent">{call.agentName ?? '—'}</Detail>
            <Detail label="Offered">{formatDateTime(call.offeredAt, now)}</Detail>
            <Detail label="Answered">{call.answeredAt === null ? '—' : formatDateTime(call.answeredAt, now)}</Detail>
            <Detail label="Ended">{call.endedAt === null ? '—' : formatDateTime(call.endedAt, now)}</Detail>
            <Detail label="Queue wait" timer testId="detail-queue-wait">
              {formatDuration(waitMs)}
            </Detail>
            <Detail label="Talk time" timer testId="detail-talk-time">
              {call.answeredAt === null ? '—' : formatDuration(talkMs)}
            </Detail>
            <Detail label="Hold time" timer testId="detail-hold-time">
              {formatDuration(holdMs)}
              {call.state === 'hold' && <span className="detail-note hold-note"> on hold now</span>}
            </Detail>
            <Detail label="Holds">{call.holdCount}</Detail>
            <Detail label="Transfers">{call.transferCount}</Detail>
            <Detail label="End reason">{call.endReason ? END_REASON_LABELS[call.endReason] : '—'}</Detail>
          </dl>
        </section>

        <section className="panel history-panel" aria-labelledby="history-title">
          <h2 id="history-title" className="panel-title">
            History
          </h2>
          {events.length === 0 ? (
            <p className="muted">No events yet.</p>
          ) : (
            <ol className="history" data-testid="call-history" aria-live="polite">
              {events.map((event) => (
                <li key={event.eventId} className="history-item" data-testid="call-event" data-event-type={event.type}>
                  <time className="timer history-time" dateTime={new Date(event.at).toISOString()}>
                    {formatDateTime(event.at, now)}
                  </time>
                  <span className="timer history-offset">+{formatDuration(event.at - call.offeredAt)}</span>
                  <span className="history-text">{describeEvent(event)}</span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>

      <div className="call-review">
        <div className="call-review-main">
          {can(role, 'recordings:play') && <RecordingPanel callId={call.id} live={live} />}
          <SpeechPanel callId={call.id} live={live} deadAirThresholdMs={settings.deadAirThresholdMs} />
        </div>
        <TranscriptPanel callId={call.id} live={live} />
      </div>
    </>
  );
}

function Detail({
  label,
  timer = false,
  testId,
  children,
}: {
  label: string;
  timer?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div className="detail">
      <dt>{label}</dt>
      <dd className={timer ? 'timer' : undefined} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}
