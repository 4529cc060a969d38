import { type Recording, recordingAudioUrl, recordingMetaUrl } from '@earshot/shared';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage, getJson, HttpError } from '../lib/http.js';
import { formatDuration } from '../lib/time.js';
import { setPlayheadMs } from './playhead.js';
import { useMoment } from './useMoment.js';

const STATUS_TEXT: Record<Recording['status'], string> = {
  recording: 'Recording now: it can be played once the call ends.',
  complete: 'Complete.',
  interrupted: 'Interrupted: the server stopped while the call was live; the recording ends there.',
  repaired: 'Repaired: the server stopped abruptly during the call; everything written before that is kept.',
};

/** `GET /api/recordings/:callId`; refetched while the recording is still being written. */
export function recordingQueryOptions(callId: string, live: boolean) {
  return queryOptions({
    queryKey: ['recordings', callId, 'meta'],
    queryFn: ({ signal }) =>
      getJson<{ ok: true; data: Recording }>(recordingMetaUrl(callId), signal).then((body) => body.data),
    retry: (failures, error) => !(error instanceof HttpError && error.status === 404) && failures < 2,
    refetchInterval: live ? 5_000 : false,
  });
}

const megabytes = (bytes: number) => `${(bytes / 1_000_000).toFixed(bytes < 10_000_000 ? 2 : 1)} MB`;

/**
 * The call's recording: how long, how complete, and a player (the browser's own, seeking with HTTP range
 * requests). For roles that may play recordings. A moment in the address (`?t=` ms, from a transcript line,
 * a silence or a search hit) moves the player there and starts it.
 */
export function RecordingPanel({ callId, live }: { callId: string; live: boolean }) {
  const query = useQuery(recordingQueryOptions(callId, live));
  const recording = query.data;
  const missing = query.error instanceof HttpError && query.error.status === 404;
  const playable = recording !== undefined && recording.status !== 'recording';
  const audioRef = useRef<HTMLAudioElement>(null);
  const { momentMs, navigationKey } = useMoment();

  // biome-ignore lint/correctness/useExhaustiveDependencies: seeks again on a new navigation to the same moment, and once the player appears (a live call's recording becomes playable when it ends).
  useEffect(() => {
    const audio = audioRef.current;
    if (!audio || momentMs === null) return;
    // Before the metadata is in, this sets where playback will start (the media element's "default
    // playback start position"); play() then loads from there with a range request.
    audio.currentTime = momentMs / 1000;
    // Without a click first (an address pasted in) the browser refuses to play: the position is set anyway.
    audio.play().catch(() => {});
  }, [momentMs, navigationKey, playable]);

  useEffect(() => () => setPlayheadMs(null), []);

  return (
    <section className="panel recording-panel" aria-labelledby="recording-title" data-testid="recording-panel">
      <h2 id="recording-title" className="panel-title">
        Recording
      </h2>
      {query.isPending && <p className="muted">Loading…</p>}
      {missing && (
        <p className="muted" data-testid="recording-none">
          {live ? 'No audio has arrived for this call yet.' : 'No recording: no audio arrived for this call.'}
        </p>
      )}
      {query.error && !missing && <p className="banner banner-warn">{errorMessage(query.error)}</p>}
      {recording && (
        <div data-testid="recording-meta" data-status={recording.status} data-frames={recording.frames}>
          <p className="recording-summary">
            <strong className="timer">{formatDuration(recording.durationMs)}</strong> · stereo, agent left and caller
            right · {megabytes(recording.sizeBytes)}
          </p>
          <p className="muted">{STATUS_TEXT[recording.status]}</p>
          {(recording.gapFramesAgent > 0 || recording.gapFramesCaller > 0 || recording.lateFrames > 0) && (
            <p className="muted" data-testid="recording-gaps">
              Lost audio filled with silence: agent {recording.gapFramesAgent * 20} ms, caller{' '}
              {recording.gapFramesCaller * 20} ms
              {recording.lateFrames > 0 ? `; ${recording.lateFrames} late frames` : ''}.
            </p>
          )}
          {recording.controllerFrames > 0 && (
            <p className="muted">Includes {formatDuration(recording.controllerFrames * 20)} of whisper or barge-in.</p>
          )}
          {playable ? (
            // biome-ignore lint/a11y/useMediaCaption: the transcript beside the player follows it line by line.
            <audio
              ref={audioRef}
              className="recording-player"
              controls
              preload="none"
              src={recordingAudioUrl(callId)}
              data-testid="recording-player"
              onTimeUpdate={(e) => setPlayheadMs(e.currentTarget.paused ? null : e.currentTarget.currentTime * 1000)}
              onPlaying={(e) => setPlayheadMs(e.currentTarget.currentTime * 1000)}
              onPause={() => setPlayheadMs(null)}
              onEnded={() => setPlayheadMs(null)}
            />
          ) : (
            momentMs !== null && (
              <p className="muted" data-testid="recording-moment-later">
                The recording opens at <span className="timer">{formatDuration(momentMs)}</span> once the call has
                ended.
              </p>
            )
          )}
          {playable && !live && (
            <Link
              className="button recording-review-link"
              to={`/calls/${encodeURIComponent(callId)}/review${momentMs === null ? '' : `?t=${momentMs}`}`}
              data-testid="recording-review-link"
            >
              Review
            </Link>
          )}
        </div>
      )}
    </section>
  );
}
