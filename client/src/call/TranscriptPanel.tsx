import type { TranscriptLine } from '@earshot/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { errorMessage, HttpError } from '../lib/http.js';
import { formatDuration } from '../lib/time.js';
import { usePlayheadMs } from './playhead.js';
import { transcriptQueryOptions } from './speechQueries.js';
import { lineAtMoment, SPEAKER_LABELS } from './speechView.js';
import { useMoment } from './useMoment.js';

/**
 * The call's transcript from the platform's recogniser: who, when (offset in the call's audio) and what.
 * Each line links to its moment (`?t=`), which the recording player follows; while the recording plays,
 * the line being spoken is marked. A live call's transcript grows as the recogniser sends lines.
 */
export function TranscriptPanel({ callId, live }: { callId: string; live: boolean }) {
  const query = useQuery(transcriptQueryOptions(callId, live));
  const lines = query.data?.lines ?? [];
  const { momentMs } = useMoment();
  const playheadMs = usePlayheadMs();
  const focusMs = playheadMs ?? momentMs;
  const current = focusMs === null ? null : lineAtMoment(lines, focusMs);
  const listRef = useRef<HTMLOListElement>(null);

  // Keep the marked line in view inside the panel (not the whole page) as the moment or the playback moves.
  useEffect(() => {
    const list = listRef.current;
    if (!list || current === null) return;
    const item = list.children[current];
    if (!(item instanceof HTMLElement)) return;
    const top = item.offsetTop - list.offsetTop;
    if (top < list.scrollTop || top + item.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTo({ top: Math.max(0, top - list.clientHeight / 3), behavior: 'smooth' });
    }
  }, [current]);

  // Following a live transcript: stay at the bottom while the reader is there.
  const lineCount = lines.length;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the number of lines grows.
  useEffect(() => {
    const list = listRef.current;
    if (!list || !live || focusMs !== null) return;
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
    if (nearBottom) list.scrollTop = list.scrollHeight;
  }, [lineCount]);

  const missing = query.error instanceof HttpError && query.error.status === 404;
  return (
    <section className="panel transcript-panel" aria-labelledby="transcript-title" data-testid="transcript-panel">
      <h2 id="transcript-title" className="panel-title">
        Transcript
        {live && lines.length > 0 && <span className="panel-title-note">live</span>}
      </h2>
      {query.isPending ? (
        <p className="muted">Loading the transcript…</p>
      ) : query.isError && lines.length === 0 ? (
        <p className="banner banner-warn" role="alert" data-testid="transcript-error">
          {missing ? 'No transcript for this call' : 'Could not load the transcript'}: {errorMessage(query.error)}
        </p>
      ) : lines.length === 0 ? (
        <p className="muted" data-testid="transcript-empty">
          {live
            ? 'Nothing recognised yet: lines appear here as the platform’s recogniser sends them.'
            : 'No transcript: the recogniser sent no text for this call.'}
        </p>
      ) : (
        <ol className="transcript" ref={listRef} data-testid="transcript" aria-live={live ? 'polite' : 'off'}>
          {lines.map((line, index) => (
            <TranscriptRow key={line.segmentId} line={line} current={index === current} />
          ))}
        </ol>
      )}
    </section>
  );
}

function TranscriptRow({ line, current }: { line: TranscriptLine; current: boolean }) {
  const offset = formatDuration(line.startMs);
  return (
    <li
      className={`transcript-line speaker-${line.speaker}${current ? ' transcript-line-current' : ''}`}
      data-testid="transcript-line"
      data-speaker={line.speaker}
      data-start-ms={line.startMs}
      aria-current={current ? 'true' : undefined}
    >
      <Link
        to={{ search: `?t=${line.startMs}` }}
        replace
        className="transcript-moment timer"
        aria-label={`${SPEAKER_LABELS[line.speaker]} at ${offset}: play from here`}
        data-testid="transcript-moment"
      >
        {offset}
      </Link>
      <span className="transcript-speaker">{SPEAKER_LABELS[line.speaker]}</span>
      <span className="transcript-text" lang={line.language}>
        {line.text}
      </span>
    </li>
  );
}
