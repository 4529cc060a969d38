import { type CallSpeechMetrics, callMomentPath, type SpeechSegment } from '@earshot/shared';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useMemo } from 'react';
import { Link } from 'react-router-dom';
import { Bar, BarChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { errorMessage, HttpError } from '../lib/http.js';
import { formatDuration } from '../lib/time.js';
import { formatSilenceLength } from '../wallboard/silence.js';
import { speechQueryOptions } from './speechQueries.js';
import './callSpeech.css';
import {
  formatShare,
  type TalkPartKey,
  type TimelineBlock,
  type TimelineLane,
  talkShareParts,
  timelineBlocks,
} from './speechView.js';

const PART_COLOURS: Record<TalkPartKey, string> = {
  agent: 'var(--speech-agent)',
  caller: 'var(--speech-caller)',
  silence: 'var(--speech-silence)',
  hold: 'var(--hold)',
};

/**
 * After the call: who spoke how much, the silences (longest, dead air, stuck), overtalk and holds, from
 * the segments the server stored at the end; and the call on a timeline, each silence a link to its moment.
 */
export function SpeechPanel({
  callId,
  live,
  deadAirThresholdMs,
}: {
  callId: string;
  live: boolean;
  deadAirThresholdMs: number;
}) {
  const query = useQuery(speechQueryOptions(callId, live));
  const speech = query.data;
  const metrics = speech?.metrics ?? null;

  let body: ReactNode;
  if (live) {
    body = (
      <p className="muted" data-testid="speech-live">
        Talk shares, silences and overtalk are measured over the whole call: they appear here when it ends. The silence
        in progress shows at the top of the page.
      </p>
    );
  } else if (query.isPending) {
    body = <p className="muted">Loading the speech analysis…</p>;
  } else if (query.isError) {
    const missing = query.error instanceof HttpError && query.error.status === 404;
    body = (
      <p className="banner banner-warn" role="alert" data-testid="speech-error">
        {missing ? 'No speech analysis for this call' : 'Could not load the speech analysis'}:{' '}
        {errorMessage(query.error)}
      </p>
    );
  } else if (metrics === null) {
    body = (
      <p className="muted" data-testid="speech-pending">
        {query.isFetching || speech?.live
          ? 'The speech analysis is being stored…'
          : 'No speech analysis: no audio was recorded for this call.'}
      </p>
    );
  } else {
    body = (
      <>
        <TalkShareBar metrics={metrics} />
        <SpeechFacts callId={callId} metrics={metrics} />
        <SpeechTimeline
          callId={callId}
          segments={speech?.segments ?? []}
          durationMs={metrics.durationMs}
          deadAirThresholdMs={deadAirThresholdMs}
        />
      </>
    );
  }

  return (
    <section className="panel speech-panel" aria-labelledby="speech-title" data-testid="speech-panel">
      <h2 id="speech-title" className="panel-title">
        Speech
      </h2>
      {body}
    </section>
  );
}

function TalkShareBar({ metrics }: { metrics: CallSpeechMetrics }) {
  const parts = talkShareParts(metrics);
  // One row, one stacked bar: { name, agent, caller, silence, hold }.
  const row = [Object.fromEntries([['name', 'call'], ...parts.map((p) => [p.key, p.share] as const)])];
  return (
    <figure className="talk-share" data-testid="talk-share">
      <div className="talk-share-plot" aria-hidden="true">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={row} layout="vertical" margin={{ top: 0, right: 0, bottom: 0, left: 0 }} barCategoryGap={0}>
            <XAxis type="number" hide domain={[0, 'dataMax']} />
            <YAxis type="category" dataKey="name" hide />
            {parts.map((part, index) => (
              <Bar
                key={part.key}
                dataKey={part.key}
                stackId="share"
                fill={PART_COLOURS[part.key]}
                isAnimationActive={false}
                radius={index === 0 ? [4, 0, 0, 4] : index === parts.length - 1 ? [0, 4, 4, 0] : 0}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="talk-share-legend">
        {parts.map((part) => (
          <span key={part.key} className="talk-share-item" data-testid={`talk-share-${part.key}`}>
            <span className="legend-swatch" style={{ background: PART_COLOURS[part.key] }} aria-hidden="true" />
            {part.label} <strong className="timer">{formatShare(part.share)}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function SpeechFacts({ callId, metrics }: { callId: string; metrics: CallSpeechMetrics }) {
  return (
    <dl className="details speech-facts" data-testid="speech-facts">
      <div className="detail">
        <dt>Longest silence</dt>
        <dd data-testid="speech-longest-silence">
          {metrics.longestSilenceMs > 0 ? (
            <>
              <span className="timer">{formatSilenceLength(metrics.longestSilenceMs)}</span>
              {metrics.longestSilenceAtMs !== null && (
                <>
                  {' '}
                  at{' '}
                  <Link
                    to={callMomentPath(callId, metrics.longestSilenceAtMs)}
                    replace
                    className="timer"
                    data-testid="speech-longest-silence-link"
                  >
                    {formatDuration(metrics.longestSilenceAtMs)}
                  </Link>
                </>
              )}
            </>
          ) : (
            'none'
          )}
        </dd>
      </div>
      <div className="detail">
        <dt>Dead air</dt>
        <dd data-testid="speech-dead-air">
          {metrics.deadAirCount === 0 ? (
            'none'
          ) : (
            <>
              {metrics.deadAirCount}×{' '}
              <span className="detail-note">
                {metrics.deadAirStillCount > 0
                  ? `of which ${metrics.deadAirStillCount} stuck (screen still)`
                  : 'none stuck (the screen moved)'}
              </span>
            </>
          )}
        </dd>
      </div>
      <div className="detail">
        <dt>Overtalk</dt>
        <dd data-testid="speech-overtalk">{metrics.overtalkCount === 0 ? 'none' : `${metrics.overtalkCount}×`}</dd>
      </div>
      <div className="detail">
        <dt>Holds</dt>
        <dd data-testid="speech-holds">
          {metrics.holdCount === 0 ? (
            'none'
          ) : (
            <>
              {metrics.holdCount}× <span className="timer">{formatDuration(metrics.holdMs)}</span>
            </>
          )}
        </dd>
      </div>
      <div className="detail">
        <dt>Non-talk</dt>
        <dd>
          {formatShare(metrics.nonTalkShare)}{' '}
          <span className="timer detail-note">{formatDuration(metrics.silenceMs)}</span>
        </dd>
      </div>
      <div className="detail">
        <dt>Recorded</dt>
        <dd className="timer">{formatDuration(metrics.durationMs)}</dd>
      </div>
    </dl>
  );
}

const LANE_LABELS: Record<TimelineLane, string> = { agent: 'Agent', caller: 'Caller', events: 'Silence' };

function SpeechTimeline({
  callId,
  segments,
  durationMs,
  deadAirThresholdMs,
}: {
  callId: string;
  segments: readonly SpeechSegment[];
  durationMs: number;
  deadAirThresholdMs: number;
}) {
  const blocks = useMemo(
    () => timelineBlocks(segments, durationMs, deadAirThresholdMs),
    [segments, durationMs, deadAirThresholdMs],
  );
  if (blocks.length === 0) return null;
  const lanes: TimelineLane[] = ['agent', 'caller', 'events'];
  return (
    <div className="speech-timeline" data-testid="speech-timeline">
      {lanes.map((lane) => (
        <div key={lane} className="timeline-lane">
          <span className="timeline-lane-label">{LANE_LABELS[lane]}</span>
          <div className="timeline-track">
            {blocks
              .filter((block) => block.lane === lane)
              .map((block) => (
                <TimelineSegment key={`${block.kind}-${block.startMs}`} callId={callId} block={block} />
              ))}
          </div>
        </div>
      ))}
      <div className="timeline-scale timer" aria-hidden="true">
        <span>00:00</span>
        <span>{formatDuration(durationMs)}</span>
      </div>
      <p className="timeline-legend">
        <LegendItem className="timeline-silence" label="silence" />
        <LegendItem className="timeline-dead-air dead-air-stuck" label="dead air, stuck" />
        <LegendItem className="timeline-dead-air dead-air-working" label="dead air, working" />
        <LegendItem className="timeline-overtalk" label="overtalk" />
        <LegendItem className="timeline-hold" label="hold" />
        <span className="muted">Click a silence or overtalk to play it.</span>
      </p>
    </div>
  );
}

function LegendItem({ className, label }: { className: string; label: string }) {
  return (
    <span className="timeline-legend-item">
      <span className={`legend-swatch ${className}`} aria-hidden="true" />
      {label}
    </span>
  );
}

const KIND_WORDS: Record<SpeechSegment['kind'], string> = {
  agent: 'Agent speaking',
  caller: 'Caller speaking',
  silence: 'Silence',
  overtalk: 'Overtalk',
  hold: 'Hold',
};

function TimelineSegment({ callId, block }: { callId: string; block: TimelineBlock }) {
  const className = `timeline-block timeline-${block.kind}${block.deadAir ? ` timeline-dead-air dead-air-${block.deadAir}` : ''}`;
  const style = { left: `${block.leftPct}%`, width: `${block.widthPct}%` };
  const what = block.deadAir
    ? `Dead air${block.deadAir === 'unknown' ? '' : `, ${block.deadAir}`}`
    : KIND_WORDS[block.kind];
  const title = `${what} ${formatSilenceLength(block.endMs - block.startMs)} at ${formatDuration(block.startMs)}`;
  // Silences and overtalk are what a reviewer jumps to; speech blocks are only drawn.
  if (block.lane === 'events' && block.kind !== 'hold') {
    return (
      <Link
        to={callMomentPath(callId, block.startMs)}
        replace
        className={className}
        style={style}
        title={title}
        aria-label={title}
        data-testid="timeline-moment"
        data-kind={block.kind}
        data-dead-air={block.deadAir ?? 'no'}
      />
    );
  }
  return <span className={className} style={style} title={title} />;
}
