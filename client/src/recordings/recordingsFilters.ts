import {
  END_REASONS,
  type EndReason,
  LINES,
  type Line,
  type RecordingsQuery,
  RecordingsQuerySchema,
  recordingsListUrl,
  SENTIMENT_LABELS,
  type SentimentLabel,
  TOPICS,
  type Topic,
} from '@earshot/shared';
import { fromDateTimeLocal, toDateTimeLocal } from '../admin/auditFilters.js';
import { epoch, isOn, oneOf } from '../search/searchForm.js';

/** The flags a filter can ask for (`keyword` is not one: it is the `q` box). */
export const FILTER_FLAGS = ['longCall', 'longSilence', 'deadAirStill', 'barged'] as const;
export type FilterFlag = (typeof FILTER_FLAGS)[number];

/**
 * The recordings filters as typed. The page's address carries the same names as `GET /api/recordings`
 * (so a list can be shared, and the address is the API's query string), with times as epoch ms.
 */
export interface RecordingsForm {
  q: string;
  /** `<input type="datetime-local">` values (local time); blank for no bound. */
  from: string;
  to: string;
  agentId: string;
  line: Line | '';
  topic: Topic | '';
  /** Whole seconds; blank for no bound. */
  minDurationS: string;
  maxDurationS: string;
  outcome: EndReason | '';
  sentiment: SentimentLabel | '';
  longCall: boolean;
  longSilence: boolean;
  deadAirStill: boolean;
  barged: boolean;
}

export const EMPTY_RECORDINGS_FORM: RecordingsForm = {
  q: '',
  from: '',
  to: '',
  agentId: '',
  line: '',
  topic: '',
  minDurationS: '',
  maxDurationS: '',
  outcome: '',
  sentiment: '',
  longCall: false,
  longSilence: false,
  deadAirStill: false,
  barged: false,
};

/** The address parameters the page reads: the API's, less `limit` and `cursor` (the page's own business). */
const PARAM_NAMES = [
  'q',
  'from',
  'to',
  'agentId',
  'line',
  'topic',
  'minDurationS',
  'maxDurationS',
  'outcome',
  'sentiment',
  ...FILTER_FLAGS,
] as const;
type ParamName = (typeof PARAM_NAMES)[number];

const FIELD_LABELS: Record<ParamName, string> = {
  q: 'Words',
  from: 'From',
  to: 'To',
  agentId: 'Agent',
  line: 'Line',
  topic: 'Topic',
  minDurationS: 'Length from',
  maxDurationS: 'Length to',
  outcome: 'Outcome',
  sentiment: 'Sentiment',
  longCall: 'Long call',
  longSilence: 'Long silence',
  deadAirStill: 'Dead air, screen still',
  barged: 'Barged',
};

const seconds = (value: string | null) => (value !== null && /^\d{1,5}$/.test(value) ? value : '');

/** The form as the address describes it; what is malformed there shows as blank. */
export function formFromParams(params: URLSearchParams): RecordingsForm {
  return {
    q: params.get('q') ?? '',
    from: toDateTimeLocal(epoch(params.get('from'))),
    to: toDateTimeLocal(epoch(params.get('to'))),
    agentId: params.get('agentId') ?? '',
    line: oneOf(LINES, params.get('line')),
    topic: oneOf(TOPICS, params.get('topic')),
    minDurationS: seconds(params.get('minDurationS')),
    maxDurationS: seconds(params.get('maxDurationS')),
    outcome: oneOf(END_REASONS, params.get('outcome')),
    sentiment: oneOf(SENTIMENT_LABELS, params.get('sentiment')),
    longCall: isOn(params.get('longCall')),
    longSilence: isOn(params.get('longSilence')),
    deadAirStill: isOn(params.get('deadAirStill')),
    barged: isOn(params.get('barged')),
  };
}

/** The address for a submitted form: only what was filled in, times as epoch ms ("to" takes its whole minute). */
export function formToParams(form: RecordingsForm): URLSearchParams {
  const params = new URLSearchParams();
  const q = form.q.trim();
  if (q) params.set('q', q);
  const from = fromDateTimeLocal(form.from);
  const to = fromDateTimeLocal(form.to, true);
  if (from !== null) params.set('from', String(from));
  if (to !== null) params.set('to', String(to));
  if (form.agentId) params.set('agentId', form.agentId);
  if (form.line) params.set('line', form.line);
  if (form.topic) params.set('topic', form.topic);
  if (form.minDurationS.trim()) params.set('minDurationS', form.minDurationS.trim());
  if (form.maxDurationS.trim()) params.set('maxDurationS', form.maxDurationS.trim());
  if (form.outcome) params.set('outcome', form.outcome);
  if (form.sentiment) params.set('sentiment', form.sentiment);
  for (const flag of FILTER_FLAGS) if (form[flag]) params.set(flag, '1');
  return params;
}

export type RecordingsRequest =
  /** The address holds something the API would refuse: said in the form's words. */
  | { kind: 'invalid'; message: string }
  /** `filters`: the API query string without limit and cursor (the list adds those per page). */
  | { kind: 'ready'; query: RecordingsQuery; filters: string; filtered: boolean };

/**
 * What the page's address asks for, checked with the API's own schema (the server checks it again).
 * Parameters the list does not know (and blank ones) are left out, so an old or hand-edited link still opens.
 */
export function readRecordingsRequest(params: URLSearchParams): RecordingsRequest {
  const known = new URLSearchParams();
  for (const name of PARAM_NAMES) {
    const value = params.get(name);
    if (value !== null && value.trim() !== '') known.set(name, value);
  }
  const parsed = RecordingsQuerySchema.safeParse(Object.fromEntries(known));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    const label = typeof field === 'string' && field in FIELD_LABELS ? FIELD_LABELS[field as ParamName] : null;
    return { kind: 'invalid', message: `${label ? `${label}: ` : ''}${issue?.message ?? 'not a valid filter'}` };
  }
  return { kind: 'ready', query: parsed.data, filters: known.toString(), filtered: known.size > 0 };
}

/** `GET /api/recordings` for one page of the list. */
export function recordingsPageUrl(filters: string, limit: number, cursor: string | null): string {
  const params = new URLSearchParams(filters);
  params.set('limit', String(limit));
  if (cursor !== null) params.set('cursor', cursor);
  return `${recordingsListUrl}?${params.toString()}`;
}

/** Where a row leads: the review page (recording, screenshots and evaluation on one timeline). */
export const callReviewPath = (callId: string, words: readonly string[] = []) =>
  `/calls/${encodeURIComponent(callId)}/review${words.length > 0 ? `?${new URLSearchParams({ q: words.join(' ') })}` : ''}`;
