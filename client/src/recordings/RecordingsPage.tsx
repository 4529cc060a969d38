import {
  END_REASONS,
  type EndReason,
  type RecordingFlag,
  type RecordingListItem,
  SENTIMENT_LABELS,
  TOPIC_LABELS,
} from '@earshot/shared';
import { useInfiniteQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { END_REASON_LABELS } from '../call/callDetail.js';
import { errorMessage, HttpError } from '../lib/http.js';
import { formatDateTime, formatDuration } from '../lib/time.js';
import { CallScopeFields } from '../search/CallScopeFields.js';
import { SentimentChip } from '../wallboard/SpeechBadges.js';
import { formatSilenceLength, SENTIMENT_WORDS } from '../wallboard/silence.js';
import {
  callReviewPath,
  EMPTY_RECORDINGS_FORM,
  FILTER_FLAGS,
  formFromParams,
  formToParams,
  type RecordingsForm,
  readRecordingsRequest,
} from './recordingsFilters.js';
import { recordingsQueryOptions } from './recordingsQueries.js';
import '../search/search.css';
import './recordings.css';
import { WordsBox } from '../search/WordsBox.js';

/**
 * Every finished call with its recording, newest first, narrowed by time, agent, line, topic, length,
 * outcome, sentiment, flags and the words said. The filters live in the address, so a list can be shared
 * and Back returns to it; each row opens the call's review.
 */
export function RecordingsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const request = useMemo(() => readRecordingsRequest(searchParams), [searchParams]);
  const filters = request.kind === 'ready' ? request.filters : '';
  const list = useInfiniteQuery({ ...recordingsQueryOptions(filters), enabled: request.kind === 'ready' });
  const items = useMemo(() => list.data?.pages.flatMap((page) => page.items) ?? [], [list.data]);
  const terms = list.data?.pages[0]?.terms ?? [];
  const loadMoreError = list.isFetchNextPageError ? list.error : null;

  return (
    <div className="content-page recordings-page" data-testid="recordings-page">
      <title>Recordings · Earshot</title>
      <header className="page-header">
        <h1>Recordings</h1>
        <p className="page-lead">
          Every finished call with its recording, newest first. Narrow the list down, then open a call to review what
          was said next to what was on the agent's screen.
        </p>
      </header>
      <RecordingsFilterForm
        key={searchParams.toString()}
        initial={formFromParams(searchParams)}
        onSubmit={(form) => setSearchParams(formToParams(form))}
      />
      {request.kind === 'invalid' ? (
        <p className="notice notice-error" role="alert" data-testid="recordings-invalid">
          {request.message}
        </p>
      ) : list.isPending ? (
        <p className="muted" data-testid="recordings-loading">
          Loading recordings…
        </p>
      ) : list.isError && !list.isFetchNextPageError ? (
        <p className="notice notice-error" role="alert" data-testid="recordings-error">
          {list.error instanceof HttpError && list.error.status === 400
            ? `The filters were refused: ${list.error.message}`
            : `Could not load the recordings: ${errorMessage(list.error)}`}
        </p>
      ) : items.length === 0 ? (
        <p className="empty-note" data-testid="recordings-empty">
          {request.filtered
            ? 'No recordings match these filters. Try a wider time range, fewer flags, or fewer words.'
            : 'No recordings yet: calls show here once they end.'}
        </p>
      ) : (
        <section
          className={`recordings-results${list.isFetching && !list.isFetchingNextPage ? ' search-results-stale' : ''}`}
          aria-labelledby="recordings-summary"
        >
          <h2 id="recordings-summary" className="search-summary">
            <span data-testid="recordings-count">
              {items.length}
              {list.hasNextPage ? '+' : ''} {items.length === 1 ? 'recording' : 'recordings'}
            </span>
            {terms.length > 0 && (
              <span className="search-terms" data-testid="recordings-terms">
                saying{' '}
                {terms.map((term, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a term list is fixed for one answer; terms may repeat.
                  <mark key={`${index}-${term}`} className="search-term">
                    {term}
                  </mark>
                ))}
              </span>
            )}
          </h2>
          <RecordingsTable items={items} terms={terms} />
          <div className="table-foot">
            <span className="muted">
              {list.hasNextPage ? 'Newest first; older recordings follow.' : 'That is every recording that matches.'}
            </span>
            {list.hasNextPage && (
              <button
                type="button"
                className="button"
                onClick={() => void list.fetchNextPage()}
                disabled={list.isFetchingNextPage}
                data-testid="recordings-load-more"
              >
                {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            )}
          </div>
          {loadMoreError && (
            <p className="notice notice-error" role="alert">
              Could not load more: {errorMessage(loadMoreError)}
            </p>
          )}
        </section>
      )}
    </div>
  );
}

/** Short words for a cell; the full sentence of the call page is the tooltip. */
const OUTCOME_WORDS: Record<EndReason, string> = {
  caller_hangup: 'Caller hung up',
  agent_hangup: 'Agent hung up',
  abandoned: 'Abandoned',
  server_restart: 'Server restart',
};

const FLAG_WORDS: Record<RecordingFlag, string> = {
  longCall: 'Long call',
  longSilence: 'Long silence',
  deadAirStill: 'Dead air, screen still',
  barged: 'Barged',
  keyword: 'Keyword',
};

function RecordingsFilterForm({
  initial,
  onSubmit,
}: {
  initial: RecordingsForm;
  onSubmit: (form: RecordingsForm) => void;
}) {
  const [form, setForm] = useState<RecordingsForm>(initial);
  const ids = {
    minDuration: useId(),
    maxDuration: useId(),
    outcome: useId(),
    sentiment: useId(),
  };
  const set =
    <K extends keyof RecordingsForm>(field: K) =>
    (value: RecordingsForm[K]) =>
      setForm((f) => ({ ...f, [field]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(form);
  };

  return (
    <form className="search-form" onSubmit={submit} aria-label="Filter recordings" data-testid="recordings-filters">
      <WordsBox
        value={form.q}
        onChange={set('q')}
        label="Words said in the call"
        placeholder='Words said, "an exact phrase", prefix*'
        submitLabel="Apply"
        submitTestId="recordings-apply"
        onClear={() => {
          setForm(EMPTY_RECORDINGS_FORM);
          onSubmit(EMPTY_RECORDINGS_FORM);
        }}
        testIdPrefix="recordings"
      />

      <fieldset className="search-group">
        <legend>When and who</legend>
        <CallScopeFields
          value={form}
          onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
          testIdPrefix="recordings"
        />
      </fieldset>

      <fieldset className="search-group">
        <legend>How it went</legend>
        <div className="field field-inline">
          <label htmlFor={ids.minDuration}>Length from</label>
          <div className="input-unit">
            <input
              id={ids.minDuration}
              className="input input-number"
              inputMode="numeric"
              value={form.minDurationS}
              onChange={(e) => set('minDurationS')(e.target.value)}
              placeholder="—"
              data-testid="recordings-min-duration"
            />
            <span className="unit">s</span>
          </div>
        </div>
        <div className="field field-inline">
          <label htmlFor={ids.maxDuration}>to</label>
          <div className="input-unit">
            <input
              id={ids.maxDuration}
              className="input input-number"
              inputMode="numeric"
              value={form.maxDurationS}
              onChange={(e) => set('maxDurationS')(e.target.value)}
              placeholder="—"
              aria-label="Length up to"
              data-testid="recordings-max-duration"
            />
            <span className="unit">s</span>
          </div>
        </div>
        <div className="field">
          <label htmlFor={ids.outcome}>Outcome</label>
          <select
            id={ids.outcome}
            className="select"
            value={form.outcome}
            onChange={(e) => set('outcome')(e.target.value as RecordingsForm['outcome'])}
            data-testid="recordings-outcome"
          >
            <option value="">Any outcome</option>
            {END_REASONS.map((reason) => (
              <option key={reason} value={reason}>
                {OUTCOME_WORDS[reason]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.sentiment}>Sentiment</label>
          <select
            id={ids.sentiment}
            className="select"
            value={form.sentiment}
            onChange={(e) => set('sentiment')(e.target.value as RecordingsForm['sentiment'])}
            data-testid="recordings-sentiment"
          >
            <option value="">Any</option>
            {SENTIMENT_LABELS.map((label) => (
              <option key={label} value={label}>
                {SENTIMENT_WORDS[label]}
              </option>
            ))}
          </select>
        </div>
      </fieldset>

      <fieldset className="search-group">
        <legend>Only calls with</legend>
        {FILTER_FLAGS.map((flag) => (
          <label key={flag} className="check">
            <input
              type="checkbox"
              checked={form[flag]}
              onChange={(e) => set(flag)(e.target.checked)}
              data-testid={`recordings-flag-${flag}`}
            />
            {FLAG_WORDS[flag]}
          </label>
        ))}
      </fieldset>
    </form>
  );
}

function RecordingsTable({ items, terms }: { items: RecordingListItem[]; terms: readonly string[] }) {
  // Only to tell today's calls (time of day) from older ones (with the date): no need to tick.
  const now = useMemo(() => (items ? Date.now() : 0), [items]);
  return (
    <div className="table-wrap">
      <table className="table table-dense recordings-table" data-testid="recordings-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Agent</th>
            <th scope="col">Line · topic</th>
            <th scope="col" className="cell-number">
              Length
            </th>
            <th scope="col">Outcome</th>
            <th scope="col">Sentiment</th>
            <th scope="col">Flags</th>
            <th scope="col" className="cell-number">
              Longest silence
            </th>
            <th scope="col">
              <span className="sr-only">Review</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <RecordingRow key={item.call.id} item={item} now={now} terms={terms} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RecordingRow({ item, now, terms }: { item: RecordingListItem; now: number; terms: readonly string[] }) {
  const { call, recording, flags, speech, sentiment } = item;
  const when = formatDateTime(call.offeredAt, now);
  const agent = call.agentName ?? 'No agent';
  return (
    <tr data-testid="recording-row" data-call-id={call.id}>
      <td className="cell-nowrap">
        <time className="timer" dateTime={new Date(call.offeredAt).toISOString()}>
          {when}
        </time>
      </td>
      <td className="cell-strong">{agent}</td>
      <td>
        {call.line} · {(TOPIC_LABELS as Record<string, string>)[call.topic] ?? call.topic}
      </td>
      <td className="cell-number timer">{formatDuration(recording.durationMs)}</td>
      <td className="cell-nowrap" title={call.endReason ? END_REASON_LABELS[call.endReason] : undefined}>
        {call.endReason ? OUTCOME_WORDS[call.endReason] : '—'}
      </td>
      <td>
        {sentiment ? (
          <SentimentChip sentiment={sentiment} />
        ) : (
          <span className="muted" title="No transcript">
            —
          </span>
        )}
      </td>
      <td>
        {flags.length > 0 && (
          <ul className="recording-flags" aria-label="Flags">
            {flags.map((flag) => (
              <li key={flag} className={`recording-flag recording-flag-${flag}`} data-flag={flag}>
                {FLAG_WORDS[flag]}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="cell-number timer">{speech ? formatSilenceLength(speech.longestSilenceMs) : '—'}</td>
      <td className="cell-nowrap">
        <Link
          to={callReviewPath(call.id, terms)}
          className="button button-small"
          aria-label={`Review the call of ${agent} at ${when}`}
          data-testid="recording-review"
        >
          Review
        </Link>
      </td>
    </tr>
  );
}
