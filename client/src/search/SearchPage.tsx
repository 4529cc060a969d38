import {
  callMomentPath,
  reviewMomentPath,
  SENTIMENT_LABELS,
  type SearchHit,
  type SearchResult,
  TOPIC_LABELS,
} from '@earshot/shared';
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { errorMessage, HttpError } from '../lib/http.js';
import { formatDateTime, formatDuration } from '../lib/time.js';
import { formatSilenceLength, SENTIMENT_WORDS } from '../wallboard/silence.js';
import { CallScopeFields } from './CallScopeFields.js';
import { Snippet } from './Snippet.js';
import { EMPTY_SEARCH_FORM, formFromParams, formToParams, readSearchRequest, type SearchForm } from './searchForm.js';
import { searchQueryOptions } from './searchQueries.js';
import './search.css';
import { WordsBox } from './WordsBox.js';

/**
 * Search across every call: words, "exact phrases" and prefix* in the transcripts, and behaviour (long
 * silences, overtalk, dead air with the screen standing still), narrowed by time, agent, line and topic.
 * The search lives in the address, so it can be shared and Back returns to it; every hit opens the call
 * at its moment.
 */
export function SearchPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const request = useMemo(() => readSearchRequest(searchParams), [searchParams]);
  const apiPath = request.kind === 'ready' ? request.apiPath : null;
  const results = useQuery({ ...searchQueryOptions(apiPath ?? ''), enabled: apiPath !== null });

  return (
    <div className="content-page search-page" data-testid="search-page">
      <title>Search · Earshot</title>
      <header className="page-header">
        <h1>Search calls</h1>
        <p className="page-lead">
          Find what was said, long silences, overtalk and dead air across every recorded call, then open the recording
          at that moment next to the agent's screen.
        </p>
      </header>
      <SearchFormView
        key={searchParams.toString()}
        initial={formFromParams(searchParams)}
        onSubmit={(form) => setSearchParams(formToParams(form))}
      />
      {request.kind === 'invalid' ? (
        <p className="notice notice-error" role="alert" data-testid="search-invalid">
          {request.message}
        </p>
      ) : request.kind === 'none' ? (
        <div className="empty-note search-help" data-testid="search-start">
          {request.filtered ? (
            <p>Add words or a behaviour to search for: time, agent, line and topic only narrow a search down.</p>
          ) : (
            <SearchHelp />
          )}
        </div>
      ) : results.isPending ? (
        <p className="muted" data-testid="search-loading">
          Searching…
        </p>
      ) : results.isError ? (
        <p className="notice notice-error" role="alert" data-testid="search-error">
          {results.error instanceof HttpError && results.error.status === 400
            ? `The search was refused: ${results.error.message}`
            : `Could not search: ${errorMessage(results.error)}`}
        </p>
      ) : (
        <SearchResults result={results.data} limit={request.query.limit} stale={results.isFetching} />
      )}
    </div>
  );
}

function SearchHelp() {
  return (
    <>
      <p>Type words to find them in what agents and callers said, or pick a behaviour.</p>
      <ul className="search-syntax">
        <li>
          <code>тариф роуминг</code> words, in any case, Cyrillic or Latin
        </li>
        <li>
          <code>"не могу найти"</code> the exact phrase
        </li>
        <li>
          <code>переда*</code> words starting with <code>переда</code>
        </li>
      </ul>
    </>
  );
}

function SearchFormView({ initial, onSubmit }: { initial: SearchForm; onSubmit: (form: SearchForm) => void }) {
  const [form, setForm] = useState<SearchForm>(initial);
  const ids = {
    silence: useId(),
    sentiment: useId(),
  };
  const set =
    <K extends keyof SearchForm>(field: K) =>
    (value: SearchForm[K]) =>
      setForm((f) => ({ ...f, [field]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(form);
  };

  return (
    <form className="search-form" onSubmit={submit} aria-label="Search calls" data-testid="search-form">
      <WordsBox
        value={form.q}
        onChange={set('q')}
        label="Words or phrases"
        placeholder='Words, "an exact phrase", prefix*'
        submitLabel="Search"
        submitTestId="search-submit"
        onClear={() => {
          setForm(EMPTY_SEARCH_FORM);
          onSubmit(EMPTY_SEARCH_FORM);
        }}
        testIdPrefix="search"
      />

      <fieldset className="search-group">
        <legend>Behaviour</legend>
        <div className="field field-inline">
          <label htmlFor={ids.silence}>Silence longer than</label>
          <div className="input-unit">
            <input
              id={ids.silence}
              className="input input-number"
              inputMode="numeric"
              value={form.minSilenceS}
              onChange={(e) => set('minSilenceS')(e.target.value)}
              placeholder="—"
              data-testid="search-min-silence"
            />
            <span className="unit">s</span>
          </div>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={form.overtalk}
            onChange={(e) => set('overtalk')(e.target.checked)}
            data-testid="search-overtalk"
          />
          Overtalk
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={form.deadAirStill}
            onChange={(e) => set('deadAirStill')(e.target.checked)}
            data-testid="search-dead-air-still"
          />
          Dead air with the screen still
        </label>
        <div className="field field-inline">
          <label htmlFor={ids.sentiment}>Sentiment</label>
          <select
            id={ids.sentiment}
            className="select"
            value={form.sentiment}
            onChange={(e) => set('sentiment')(e.target.value as SearchForm['sentiment'])}
            data-testid="search-sentiment"
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
        <legend>Narrow down</legend>
        <CallScopeFields
          value={form}
          onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
          testIdPrefix="search"
        />
      </fieldset>
    </form>
  );
}

function SearchResults({ result, limit, stale }: { result: SearchResult; limit: number; stale: boolean }) {
  const { hits, terms } = result;
  // Only to tell today's hits (time of day) from older ones (with the date): no need to tick.
  const now = useMemo(() => (result ? Date.now() : 0), [result]);
  return (
    <section
      className={`search-results${stale ? ' search-results-stale' : ''}`}
      aria-labelledby="search-results-title"
      data-testid="search-results"
      data-hits={hits.length}
    >
      <h2 id="search-results-title" className="search-summary">
        <span data-testid="search-count">
          {hits.length === 0
            ? 'No hits'
            : `${hits.length}${hits.length >= limit ? '+' : ''} ${hits.length === 1 ? 'hit' : 'hits'}`}
        </span>
        {terms.length > 0 && (
          <span className="search-terms" data-testid="search-terms">
            for{' '}
            {terms.map((term, index) => (
              // Terms may repeat ("a a"): the index keeps keys apart.
              // biome-ignore lint/suspicious/noArrayIndexKey: a term list is fixed for one answer.
              <mark key={`${index}-${term}`} className="search-term">
                {term}
              </mark>
            ))}
          </span>
        )}
        <span className="muted search-took">{Math.round(result.tookMs)} ms</span>
      </h2>
      {hits.length === 0 ? (
        <p className="empty-note" data-testid="search-empty">
          Nothing matches. Try fewer words, a prefix with <code>*</code>, a shorter silence, or a wider time range.
        </p>
      ) : (
        <>
          <ol className="hits" data-testid="search-hits">
            {hits.map((hit) => (
              <HitRow key={`${hit.callId}-${hit.kind}-${hit.atMs}`} hit={hit} now={now} terms={terms} />
            ))}
          </ol>
          {hits.length >= limit && (
            <p className="muted" data-testid="search-limit">
              Showing the first {limit}: narrow the search (time, agent, line, topic) to see the rest.
            </p>
          )}
        </>
      )}
    </section>
  );
}

const KIND_LABELS: Record<SearchHit['kind'], string> = {
  transcript: 'Said',
  silence: 'Silence',
  overtalk: 'Overtalk',
  dead_air: 'Dead air',
};

function HitRow({ hit, now, terms }: { hit: SearchHit; now: number; terms: readonly string[] }) {
  const moment = formatDuration(hit.atMs);
  const lengthMs = Math.max(0, hit.endMs - hit.atMs);
  return (
    <li className={`hit hit-${hit.kind}`} data-testid="search-hit" data-kind={hit.kind} data-call-id={hit.callId}>
      <div className="hit-head">
        <span className={`hit-kind hit-kind-${hit.kind}`}>{KIND_LABELS[hit.kind]}</span>
        <span className="hit-agent">{hit.agentName ?? 'No agent'}</span>
        <span className="hit-meta">
          {hit.line} · {(TOPIC_LABELS as Record<string, string>)[hit.topic] ?? hit.topic}
        </span>
        <time className="hit-time timer" dateTime={new Date(hit.at ?? hit.offeredAt).toISOString()}>
          {formatDateTime(hit.at ?? hit.offeredAt, now)}
        </time>
      </div>
      <div className="hit-body">
        {hit.kind === 'transcript' ? (
          <p className="hit-snippet">
            {hit.speaker && <span className={`hit-speaker speaker-${hit.speaker}`}>{hit.speaker}</span>}
            {hit.snippet === null ? <span className="muted">(no text)</span> : <Snippet text={hit.snippet} />}
          </p>
        ) : (
          <p className="hit-snippet">
            {KIND_LABELS[hit.kind]} of <span className="timer">{formatSilenceLength(lengthMs)}</span>
          </p>
        )}
        <Link
          // With a recording, the review timeline (audio, transcript and the agent's screen at that moment);
          // without one, the call page.
          to={hit.at === null ? callMomentPath(hit.callId, hit.atMs) : reviewMomentPath(hit.callId, hit.atMs, terms)}
          className="button hit-open"
          data-testid="search-hit-open"
          aria-label={`Open call ${hit.callId} at ${moment}`}
        >
          ▶ <span className="timer">{moment}</span>
        </Link>
      </div>
      <div className="hit-foot muted">
        call <code>{hit.callId}</code>
      </div>
    </li>
  );
}
