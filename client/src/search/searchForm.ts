import {
  LINES,
  type Line,
  SENTIMENT_LABELS,
  type SearchQuery,
  SearchQuerySchema,
  type SentimentLabel,
  TOPICS,
  type Topic,
} from '@earshot/shared';
import { fromDateTimeLocal, toDateTimeLocal } from '../admin/auditFilters.js';

/**
 * The search form as typed. The page's address carries the same names as `GET /api/search` (so a search
 * can be shared, and the address is the API's query string), with times as epoch ms.
 */
export interface SearchForm {
  q: string;
  /** Whole seconds; blank for no silence filter. */
  minSilenceS: string;
  overtalk: boolean;
  deadAirStill: boolean;
  sentiment: SentimentLabel | '';
  /** `<input type="datetime-local">` values (local time); blank for no bound. */
  from: string;
  to: string;
  agentId: string;
  line: Line | '';
  topic: Topic | '';
}

export const EMPTY_SEARCH_FORM: SearchForm = {
  q: '',
  minSilenceS: '',
  overtalk: false,
  deadAirStill: false,
  sentiment: '',
  from: '',
  to: '',
  agentId: '',
  line: '',
  topic: '',
};

/** The address parameters the page reads: exactly the API's, less `limit` (the server's default). */
const PARAM_NAMES = [
  'q',
  'minSilenceS',
  'overtalk',
  'deadAirStill',
  'sentiment',
  'from',
  'to',
  'agentId',
  'line',
  'topic',
] as const;

const FIELD_LABELS: Record<(typeof PARAM_NAMES)[number], string> = {
  q: 'Words',
  minSilenceS: 'Silence longer than',
  overtalk: 'Overtalk',
  deadAirStill: 'Dead air, screen still',
  sentiment: 'Sentiment',
  from: 'From',
  to: 'To',
  agentId: 'Agent',
  line: 'Line',
  topic: 'Topic',
};

/** Address readers shared with the recordings list: a flag that is on, one of a list, epoch ms. */
export const isOn = (value: string | null) => value === '1' || value === 'true';
export const oneOf = <T extends string>(values: readonly T[], value: string | null): T | '' =>
  value !== null && (values as readonly string[]).includes(value) ? (value as T) : '';
export const epoch = (value: string | null) => (value !== null && /^\d{1,15}$/.test(value) ? Number(value) : null);

/** The form as the address describes it; what is malformed there shows as blank. */
export function formFromParams(params: URLSearchParams): SearchForm {
  return {
    q: params.get('q') ?? '',
    minSilenceS: /^\d{1,5}$/.test(params.get('minSilenceS') ?? '') ? (params.get('minSilenceS') ?? '') : '',
    overtalk: isOn(params.get('overtalk')),
    deadAirStill: isOn(params.get('deadAirStill')),
    sentiment: oneOf(SENTIMENT_LABELS, params.get('sentiment')),
    from: toDateTimeLocal(epoch(params.get('from'))),
    to: toDateTimeLocal(epoch(params.get('to'))),
    agentId: params.get('agentId') ?? '',
    line: oneOf(LINES, params.get('line')),
    topic: oneOf(TOPICS, params.get('topic')),
  };
}

/** The address for a submitted form: only what was filled in, times as epoch ms ("to" takes its whole minute). */
export function formToParams(form: SearchForm): URLSearchParams {
  const params = new URLSearchParams();
  const q = form.q.trim();
  if (q) params.set('q', q);
  if (form.minSilenceS.trim()) params.set('minSilenceS', form.minSilenceS.trim());
  if (form.overtalk) params.set('overtalk', '1');
  if (form.deadAirStill) params.set('deadAirStill', '1');
  if (form.sentiment) params.set('sentiment', form.sentiment);
  const from = fromDateTimeLocal(form.from);
  const to = fromDateTimeLocal(form.to, true);
  if (from !== null) params.set('from', String(from));
  if (to !== null) params.set('to', String(to));
  if (form.agentId) params.set('agentId', form.agentId);
  if (form.line) params.set('line', form.line);
  if (form.topic) params.set('topic', form.topic);
  return params;
}

export type SearchRequest =
  /** Nothing to search by yet (no words, no behaviour). */
  | { kind: 'none'; filtered: boolean }
  /** The address holds something the API would refuse: said in the form's words. */
  | { kind: 'invalid'; message: string }
  | { kind: 'ready'; query: SearchQuery; apiPath: string };

/**
 * What the page's address asks for: checked with the API's own schema (the server checks it again), and
 * the `GET /api/search` path to ask. Parameters the search does not know are left out.
 */
export function readSearchRequest(params: URLSearchParams): SearchRequest {
  const known = new URLSearchParams();
  const input: Record<string, string> = {};
  for (const name of PARAM_NAMES) {
    const value = params.get(name);
    if (value === null || value.trim() === '') continue;
    known.set(name, value);
    input[name] = value;
  }
  const parsed = SearchQuerySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    const label =
      typeof field === 'string' && field in FIELD_LABELS ? FIELD_LABELS[field as keyof typeof FIELD_LABELS] : null;
    return { kind: 'invalid', message: `${label ? `${label}: ` : ''}${issue?.message ?? 'not a valid search'}` };
  }
  const query = parsed.data;
  if (!hasCriteria(query)) return { kind: 'none', filtered: known.size > 0 };
  return { kind: 'ready', query, apiPath: `/api/search?${known.toString()}` };
}

/** Words or a behaviour: the filters (time, agent, line, topic) only narrow those down. */
export function hasCriteria(query: SearchQuery): boolean {
  return Boolean(
    query.q || query.minSilenceS !== undefined || query.overtalk || query.deadAirStill || query.sentiment !== undefined,
  );
}
