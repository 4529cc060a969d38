import type {
  CoachingAssignment,
  CoachingInput,
  CoachingQuery,
  CoachingUpdate,
  Evaluation,
  EvaluationInput,
  EvaluationSummary,
  EvaluationsQuery,
  Scorecard,
  ScorecardInput,
  TrainerSummary,
} from '@earshot/shared';
import { queryOptions } from '@tanstack/react-query';
import { getJson, sendJson } from '../lib/http.js';

/*
 * The evaluation routes answer `{ ok: true, data }` (server/src/evaluations/routes.ts); these helpers
 * unwrap it so pages work with the data alone. Errors arrive as HttpError with the server's sentence.
 */
interface Acked<T> {
  ok: true;
  data: T;
}

async function read<T>(path: string, signal: AbortSignal): Promise<T> {
  return (await getJson<Acked<T>>(path, signal)).data;
}

async function write<T>(method: 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const answer = await sendJson<Acked<T>>(method, path, body);
  return answer.data;
}

/** `?a=1&b=2` from the defined values of a query object; empty when none. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const EVALUATIONS_KEY = ['evaluations'] as const;
export const COACHING_KEY = ['coaching'] as const;
export const SCORECARDS_KEY = ['scorecards'] as const;

export function scorecardsQueryOptions() {
  return queryOptions({
    queryKey: [...SCORECARDS_KEY, 'latest'],
    queryFn: ({ signal }) => read<Scorecard[]>('/api/scorecards', signal),
  });
}

/** One version of a scorecard; versions never change, so it is read once. */
export function scorecardQueryOptions(id: string, version: number) {
  return queryOptions({
    queryKey: [...SCORECARDS_KEY, id, version],
    queryFn: ({ signal }) =>
      read<Scorecard>(`/api/scorecards/${encodeURIComponent(id)}${queryString({ version })}`, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function evaluationsQueryOptions(query: Partial<EvaluationsQuery>) {
  return queryOptions({
    queryKey: [...EVALUATIONS_KEY, 'list', query],
    queryFn: ({ signal }) => read<Evaluation[]>(`/api/evaluations${queryString(query)}`, signal),
  });
}

export function evaluationSummaryQueryOptions(from?: number, to?: number) {
  return queryOptions({
    queryKey: [...EVALUATIONS_KEY, 'summary', from ?? null, to ?? null],
    queryFn: ({ signal }) => read<EvaluationSummary>(`/api/evaluations/summary${queryString({ from, to })}`, signal),
  });
}

export function coachingQueryOptions(query: Partial<CoachingQuery>) {
  return queryOptions({
    queryKey: [...COACHING_KEY, query],
    queryFn: ({ signal }) => read<CoachingAssignment[]>(`/api/coaching${queryString(query)}`, signal),
  });
}

export function trainersQueryOptions() {
  return queryOptions({
    queryKey: [...COACHING_KEY, 'trainers'],
    queryFn: ({ signal }) => read<TrainerSummary[]>('/api/coaching/trainers', signal),
  });
}

export const evaluationWrites = {
  create: (input: EvaluationInput) => write<Evaluation>('POST', '/api/evaluations', input),
  update: (id: string, input: EvaluationInput) =>
    write<Evaluation>('PUT', `/api/evaluations/${encodeURIComponent(id)}`, input),
  submit: (id: string) => write<Evaluation>('POST', `/api/evaluations/${encodeURIComponent(id)}/submit`),
  assignCoaching: (id: string, input: CoachingInput) =>
    write<CoachingAssignment>('POST', `/api/evaluations/${encodeURIComponent(id)}/coaching`, input),
  updateCoaching: (id: string, update: CoachingUpdate) =>
    write<CoachingAssignment>('PATCH', `/api/coaching/${encodeURIComponent(id)}`, update),
  createScorecard: (input: ScorecardInput) => write<Scorecard>('POST', '/api/scorecards', input),
  editScorecard: (id: string, input: ScorecardInput) =>
    write<Scorecard>('PUT', `/api/scorecards/${encodeURIComponent(id)}`, input),
};
