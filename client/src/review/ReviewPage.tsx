import {
  can,
  type MomentInput,
  type Recording,
  recordingAudioUrl,
  type ScreenshotMeta,
  screenshotUrl,
  type TranscriptLine,
} from '@earshot/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import type WaveSurfer from 'wavesurfer.js';
import { canUse } from '../app/features.js';
import { useSession } from '../auth/session.js';
import { callDetailQueryOptions } from '../call/callQueries.js';
import { callScreensQueryOptions } from '../call/callScreens.js';
import { recordingQueryOptions } from '../call/RecordingPanel.js';
import { speechQueryOptions, transcriptQueryOptions } from '../call/speechQueries.js';
import { useMoment } from '../call/useMoment.js';
import { EvaluationPanel } from '../evaluations/EvaluationPanel.js';
import { MomentLane } from '../evaluations/MomentLane.js';
import { errorMessage, HttpError } from '../lib/http.js';
import { formatDuration } from '../lib/time.js';
import { ConversationLane } from './ConversationLane.js';
import { Filmstrip } from './Filmstrip.js';
import { type KeywordHits, keywordHits, nextHit } from './keywordHits.js';
import { peaksQueryOptions } from './reviewQueries.js';
import {
  buildRegions,
  lineIndexAt,
  offsetInRecording,
  PLAYBACK_RATES,
  type PlaybackRate,
  REGION_KINDS,
  REGION_LABELS,
  type ScreenGap,
  SEEK_STEP_MS,
  screenGaps,
  screenIndexAt,
  seekBy,
  skipSilenceTarget,
} from './reviewTimeline.js';
import { ScreenLane } from './ScreenLane.js';
import { TimeAxis } from './TimeAxis.js';
import { REGION_COLORS, useWaveform } from './useWaveform.js';
import './review.css';

/**
 * The review page of a finished call: both channels' waveform with silences, overtalk, holds and
 * whisper/barge moments on it, the agent's screen as it was at the playhead with a filmstrip below, and
 * the transcript; everything clickable seeks. `?t=` (ms) opens at that moment.
 */
export function ReviewPage() {
  const { callId = '' } = useParams();
  const recordingQuery = useQuery(recordingQueryOptions(callId, false));
  const recording = recordingQuery.data;
  const missing = recordingQuery.error instanceof HttpError && recordingQuery.error.status === 404;
  // Trainers come from their coaching queue and may not open the call page.
  const { user } = useSession();
  const back = canUse(user.role, 'call')
    ? { to: `/calls/${encodeURIComponent(callId)}`, label: 'Call' }
    : { to: '/coaching', label: 'Coaching queue' };
  // The timeline's data is asked for with the recording, not after it: one round trip instead of two
  // before the waveform and the screen can show (the review view reads the same cache entries).
  const queryClient = useQueryClient();
  useEffect(() => {
    void queryClient.prefetchQuery(peaksQueryOptions(callId));
    void queryClient.prefetchQuery(callDetailQueryOptions(callId));
    void queryClient.prefetchQuery(speechQueryOptions(callId, false));
    void queryClient.prefetchQuery(transcriptQueryOptions(callId, false));
    if (can(user.role, 'screens:view')) void queryClient.prefetchQuery(callScreensQueryOptions(callId));
  }, [queryClient, callId, user.role]);

  return (
    <div className="review-page" data-testid="review-page" data-call-id={callId}>
      <Link to={back.to} className="back-link" data-testid="review-back">
        ← {back.label}
      </Link>
      {recordingQuery.isPending && <p className="empty-state">Loading the recording…</p>}
      {missing && (
        <div className="empty-state" data-testid="review-no-recording">
          <h1>No recording</h1>
          <p>No audio arrived for this call, so there is nothing to review.</p>
        </div>
      )}
      {recordingQuery.error && !missing && (
        <p className="banner banner-warn" role="alert">
          {errorMessage(recordingQuery.error)}
        </p>
      )}
      {recording && recording.status === 'recording' && (
        <div className="empty-state" data-testid="review-live">
          <h1>The call is still live</h1>
          <p>It can be reviewed once it ends.</p>
        </div>
      )}
      {recording && recording.status !== 'recording' && <ReviewView callId={callId} recording={recording} />}
    </div>
  );
}

function ReviewView({ callId, recording }: { callId: string; recording: Recording }) {
  const { user } = useSession();
  const mayViewScreens = can(user.role, 'screens:view');
  // The call has ended: what the page prefetched stays true, so mounting does not ask again.
  const detail = useQuery({ ...callDetailQueryOptions(callId), staleTime: ENDED_CALL_STALE_MS });
  const peaks = useQuery(peaksQueryOptions(callId));
  const speech = useQuery({ ...speechQueryOptions(callId, false), staleTime: ENDED_CALL_STALE_MS });
  const transcript = useQuery({ ...transcriptQueryOptions(callId, false), staleTime: ENDED_CALL_STALE_MS });
  const screensQuery = useQuery({
    ...callScreensQueryOptions(callId),
    enabled: mayViewScreens,
    staleTime: ENDED_CALL_STALE_MS,
  });
  const screens = screensQuery.data ?? EMPTY_SCREENS;
  const durationMs = peaks.data?.durationMs ?? recording.durationMs;

  const segments = speech.data?.segments ?? EMPTY_SEGMENTS;
  const events = detail.data?.events;
  const regions = useMemo(
    () => buildRegions(segments, events ?? [], recording.startedAt, durationMs),
    [segments, events, recording.startedAt, durationMs],
  );
  const gaps = useMemo(
    () => (mayViewScreens && screensQuery.isSuccess ? screenGaps(screens, recording.startedAt, durationMs) : []),
    [mayViewScreens, screensQuery.isSuccess, screens, recording.startedAt, durationMs],
  );

  const mayViewEvaluations = can(user.role, 'evaluations:view');
  const [pinnedMoments, setPinnedMoments] = useState<readonly MomentInput[]>([]);
  const [skipSilences, setSkipSilences] = useState(false);
  const [rate, setRate] = useState<PlaybackRate>(1);
  const skipRef = useRef({ on: skipSilences, segments });
  skipRef.current = { on: skipSilences, segments };
  const onTime = useCallback((ms: number, ws: WaveSurfer) => {
    const { on, segments: current } = skipRef.current;
    if (!on || !ws.isPlaying()) return;
    const target = skipSilenceTarget(current, ms);
    if (target !== null) ws.setTime(target / 1000);
  }, []);

  const containerRef = useRef<HTMLDivElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const { wavesurfer, positionMs, playing } = useWaveform({
    container: containerRef,
    media: audioRef,
    peaks: peaks.data,
    durationMs,
    regions,
    onTime,
  });

  const seekTo = useCallback(
    (ms: number) => {
      if (!wavesurfer) return;
      wavesurfer.setTime(Math.min(durationMs, Math.max(0, ms)) / 1000);
    },
    [wavesurfer, durationMs],
  );

  // `?t=` opens at that moment, again on every navigation to it; playing needs a click first in most browsers.
  const { momentMs, navigationKey } = useMoment();
  // biome-ignore lint/correctness/useExhaustiveDependencies: seeks again on a new navigation to the same moment.
  useEffect(() => {
    if (!wavesurfer || momentMs === null) return;
    seekTo(momentMs);
    wavesurfer.play().catch(() => {});
  }, [wavesurfer, momentMs, navigationKey, seekTo]);

  useEffect(() => {
    wavesurfer?.setPlaybackRate(rate, true);
  }, [wavesurfer, rate]);

  useEffect(() => {
    if (!wavesurfer) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || typingIn(event.target)) return;
      if (event.key === ' ') {
        event.preventDefault();
        if (event.type === 'keydown' && !event.repeat) wavesurfer.playPause().catch(() => {});
      } else if (event.type === 'keydown' && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
        event.preventDefault();
        const delta = event.key === 'ArrowLeft' ? -SEEK_STEP_MS : SEEK_STEP_MS;
        seekTo(seekBy(wavesurfer.getCurrentTime() * 1000, delta, durationMs));
      }
    };
    // keyup too: a focused button would otherwise take the Space as a click of its own.
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keyup', onKey);
    };
  }, [wavesurfer, seekTo, durationMs]);

  const call = detail.data?.call;
  const currentScreenIndex = screenIndexAt(screens, recording.startedAt + positionMs);
  const lines = transcript.data?.lines ?? EMPTY_LINES;
  const currentLine = lineIndexAt(lines, positionMs);
  // Search hits and filtered lists pass their words on (`?q=`), so the page opens with them marked.
  const [searchParams] = useSearchParams();
  const wordsInAddress = searchParams.get('q') ?? '';
  const [findQuery, setFindQuery] = useState(wordsInAddress);
  useEffect(() => setFindQuery(wordsInAddress), [wordsInAddress]);
  const hits = useMemo(() => keywordHits(lines, findQuery), [lines, findQuery]);
  const stepHit = (direction: 1 | -1) => {
    const index = nextHit(lines, hits.lines, positionMs, direction);
    const line = index === null ? undefined : lines[index];
    if (line) seekTo(line.startMs);
  };
  const kindsPresent = REGION_KINDS.filter((kind) => regions.some((r) => r.kind === kind));

  return (
    <>
      <header className="review-header">
        <h1 className="review-title">
          Review {call ? `· ${call.agentName ?? 'no agent'} · ${call.callerNumber}` : ''}
        </h1>
        <span className="muted">
          <span className="timer">{formatDuration(durationMs)}</span> recorded
          {call?.line ? ` · ${call.line}` : ''}
        </span>
      </header>
      <div className="review-layout">
        <section className="panel review-audio" aria-label="Recording timeline">
          <div className="review-controls" data-testid="review-controls">
            <button
              type="button"
              className="button button-primary review-play"
              onClick={() => wavesurfer?.playPause().catch(() => {})}
              disabled={!wavesurfer}
              data-testid="review-play"
              aria-keyshortcuts="Space"
            >
              {playing ? 'Pause' : 'Play'}
            </button>
            <span className="timer review-position" data-testid="review-position" data-ms={positionMs}>
              {formatDuration(positionMs)} / {formatDuration(durationMs)}
            </span>
            <fieldset className="review-rates" aria-label="Speed">
              {PLAYBACK_RATES.map((option) => (
                <button
                  key={option}
                  type="button"
                  className="button review-rate"
                  aria-pressed={rate === option}
                  onClick={() => setRate(option)}
                >
                  {option}×
                </button>
              ))}
            </fieldset>
            <label className="review-skip">
              <input
                type="checkbox"
                checked={skipSilences}
                onChange={(e) => setSkipSilences(e.currentTarget.checked)}
                data-testid="review-skip-silences"
              />
              Skip silences
            </label>
            <span className="muted review-keys">Space play/pause · ←/→ 5 s</span>
          </div>
          <div className="review-channel-labels" aria-hidden="true">
            <span>Agent</span>
            <span>Caller</span>
          </div>
          <div className="review-waveform" ref={containerRef} data-testid="review-waveform" />
          <TimeAxis durationMs={durationMs} />
          {peaks.isPending && <p className="muted">Loading the waveform…</p>}
          {peaks.error && (
            <p className="banner banner-warn" role="alert">
              The waveform could not be loaded: {errorMessage(peaks.error)}
            </p>
          )}
          {mayViewScreens && screens.length + gaps.length > 0 && (
            <ScreenLane
              screens={screens}
              gaps={gaps}
              startedAt={recording.startedAt}
              durationMs={durationMs}
              onSeek={seekTo}
            />
          )}
          <ConversationLane
            segments={segments}
            lines={lines}
            hitLines={hits.lines}
            durationMs={durationMs}
            onSeek={seekTo}
          />
          <MomentLane moments={pinnedMoments} durationMs={durationMs} onSeek={seekTo} />
          {kindsPresent.length > 0 && (
            <ul className="review-legend" aria-label="What the colours mean">
              {kindsPresent.map((kind) => (
                <li key={kind}>
                  <span className="review-swatch" style={{ background: REGION_COLORS[kind] }} />
                  {REGION_LABELS[kind]} ({regions.filter((r) => r.kind === kind).length})
                </li>
              ))}
            </ul>
          )}
          {/* biome-ignore lint/a11y/useMediaCaption: the transcript beside the waveform follows it line by line. */}
          <audio ref={audioRef} preload="none" src={recordingAudioUrl(callId)} data-testid="review-audio" />
          {lines.length > 0 && <FindInCall query={findQuery} onQuery={setFindQuery} hits={hits} onStep={stepHit} />}
          <Transcript
            lines={lines}
            currentIndex={currentLine}
            hits={hits}
            pending={transcript.isPending}
            onSeek={seekTo}
          />
        </section>
        <section className="panel review-screens" aria-label="The agent's screen">
          {mayViewScreens ? (
            <ScreenView
              screens={screens}
              currentIndex={currentScreenIndex}
              gaps={gaps}
              positionMs={positionMs}
              startedAt={recording.startedAt}
              durationMs={durationMs}
              pending={screensQuery.isPending}
              error={screensQuery.error}
              onSeek={seekTo}
            />
          ) : (
            <p className="muted">Your role does not show agents' screens.</p>
          )}
        </section>
      </div>
      {mayViewEvaluations && (
        <EvaluationPanel callId={callId} positionMs={positionMs} onSeek={seekTo} onMomentsChange={setPinnedMoments} />
      )}
    </>
  );
}

/** How long the review page trusts what it read about an ended call before asking again. */
const ENDED_CALL_STALE_MS = 60_000;
const EMPTY_SCREENS: ScreenshotMeta[] = [];
const EMPTY_SEGMENTS: never[] = [];
const EMPTY_LINES: TranscriptLine[] = [];

function typingIn(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable ||
      target instanceof HTMLTextAreaElement ||
      target instanceof HTMLSelectElement ||
      (target instanceof HTMLInputElement && target.type !== 'checkbox'))
  );
}

function ScreenView({
  screens,
  currentIndex,
  gaps,
  positionMs,
  startedAt,
  durationMs,
  pending,
  error,
  onSeek,
}: {
  screens: readonly ScreenshotMeta[];
  currentIndex: number;
  gaps: readonly ScreenGap[];
  positionMs: number;
  startedAt: number;
  durationMs: number;
  pending: boolean;
  error: Error | null;
  onSeek: (ms: number) => void;
}) {
  if (pending) return <p className="muted">Loading the agent's screen…</p>;
  if (error) return <p className="banner banner-warn">Could not load the agent's screen: {error.message}</p>;
  if (screens.length === 0) {
    return (
      <div className="monitor-placeholder" data-testid="review-screen-empty">
        <p className="monitor-placeholder-title">No screenshots</p>
        <p>No pictures of the agent's screen were captured during this call.</p>
      </div>
    );
  }
  const current = currentIndex >= 0 ? screens[currentIndex] : undefined;
  const gapNow = gaps.find((gap) => gap.startMs <= positionMs && positionMs < gap.endMs);
  const offsetOf = (meta: ScreenshotMeta) => offsetInRecording(meta.capturedAt, startedAt, durationMs);
  return (
    <div className="screen-view">
      {current ? (
        <img
          className="screen-main"
          src={screenshotUrl(current.id)}
          alt={`The agent's screen at ${formatDuration(offsetOf(current))} into the call`}
          width={current.width}
          height={current.height}
          data-testid="review-screen-main"
          data-screenshot-id={current.id}
        />
      ) : (
        <div
          className="monitor-placeholder review-screen-before"
          data-testid="review-screen-main"
          data-screenshot-id=""
        >
          <p>
            The first screenshot was taken at{' '}
            <span className="timer">{formatDuration(offsetOf(screens[0] as ScreenshotMeta))}</span>.
          </p>
        </div>
      )}
      <div className="screen-caption">
        {current && (
          <span>
            captured at <span className="timer">{formatDuration(offsetOf(current))}</span>
          </span>
        )}
        {gapNow && (
          <span className="review-gap-note" data-testid="review-gap-now">
            No screenshot from <span className="timer">{formatDuration(gapNow.startMs)}</span> to{' '}
            <span className="timer">{formatDuration(gapNow.endMs)}</span>
            {current ? ': showing the last one before' : ''}
          </span>
        )}
      </div>
      <Filmstrip
        screens={screens}
        currentIndex={currentIndex}
        gaps={gaps}
        startedAt={startedAt}
        durationMs={durationMs}
        onSeek={onSeek}
      />
    </div>
  );
}

function Transcript({
  lines,
  currentIndex,
  hits,
  pending,
  onSeek,
}: {
  lines: readonly TranscriptLine[];
  currentIndex: number;
  hits: KeywordHits;
  pending: boolean;
  onSeek: (ms: number) => void;
}) {
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const list = listRef.current;
    const item = list?.querySelector<HTMLElement>(`[data-index="${currentIndex}"]`);
    if (!list || !item) return;
    const top = item.offsetTop - list.offsetTop - (list.clientHeight - item.offsetHeight) / 2;
    list.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
  }, [currentIndex]);

  if (pending) return <p className="muted">Loading the transcript…</p>;
  if (lines.length === 0) return <p className="muted">No transcript for this call.</p>;
  return (
    <ol className="review-transcript" ref={listRef} aria-label="Transcript" data-testid="review-transcript">
      {lines.map((line, index) => (
        <li key={line.segmentId} data-index={index}>
          <button
            type="button"
            className={`review-line review-line-${line.speaker}${hits.ranges.has(index) ? ' review-line-hit' : ''}`}
            aria-current={index === currentIndex ? 'true' : undefined}
            onClick={() => onSeek(line.startMs)}
            data-hit={hits.ranges.has(index) ? 'true' : undefined}
          >
            <span className="timer review-line-time">{formatDuration(line.startMs)}</span>
            <span className="review-line-speaker">{line.speaker === 'agent' ? 'Agent' : 'Caller'}</span>
            <span className="review-line-text">
              <MarkedText text={line.text} ranges={hits.ranges.get(index)} />
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}

/** The text with the given ranges in <mark>, as plain React text (never HTML). */
function MarkedText({ text, ranges }: { text: string; ranges: readonly { start: number; end: number }[] | undefined }) {
  if (!ranges || ranges.length === 0) return text;
  const parts: ReactNode[] = [];
  let at = 0;
  for (const range of ranges) {
    if (range.start > at) parts.push(text.slice(at, range.start));
    parts.push(<mark key={range.start}>{text.slice(range.start, range.end)}</mark>);
    at = range.end;
  }
  parts.push(text.slice(at));
  return parts;
}

/** "Find in this call": the words, how many lines have them, and previous/next, which seek. */
function FindInCall({
  query,
  onQuery,
  hits,
  onStep,
}: {
  query: string;
  onQuery: (query: string) => void;
  hits: KeywordHits;
  onStep: (direction: 1 | -1) => void;
}) {
  const inputId = useId();
  return (
    <search className="review-find">
      <label htmlFor={inputId} className="sr-only">
        Find words in this call
      </label>
      <input
        id={inputId}
        className="input"
        type="search"
        value={query}
        placeholder="Find words in this call"
        onChange={(e) => onQuery(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onStep(e.shiftKey ? -1 : 1);
        }}
        data-testid="review-find"
      />
      {hits.terms.length > 0 && (
        <>
          <span className="muted" data-testid="review-find-count">
            {hits.lines.length === 0
              ? 'not said in this call'
              : `${hits.lines.length} ${hits.lines.length === 1 ? 'line' : 'lines'}`}
          </span>
          <button
            type="button"
            className="button button-small"
            onClick={() => onStep(-1)}
            disabled={hits.lines.length === 0}
            aria-label="Previous line with these words"
          >
            ↑
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => onStep(1)}
            disabled={hits.lines.length === 0}
            aria-label="Next line with these words"
            data-testid="review-find-next"
          >
            ↓
          </button>
        </>
      )}
    </search>
  );
}
