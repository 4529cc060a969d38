import { type Call, LINES, type Line, TOPICS, type Topic } from '@earshot/shared';

/** The states a call can have while it is on the wallboard (ended calls leave it). */
export const LIVE_STATES = ['queued', 'talking', 'hold'] as const;
export type LiveState = (typeof LIVE_STATES)[number];

/** Each dimension holds the values to show; an empty set means "all". */
export interface WallboardFilters {
  lines: ReadonlySet<Line>;
  topics: ReadonlySet<Topic>;
  states: ReadonlySet<LiveState>;
}

export const NO_FILTERS: WallboardFilters = { lines: new Set(), topics: new Set(), states: new Set() };

export type FilterDimension = keyof WallboardFilters;
type FilterValue<D extends FilterDimension> = { lines: Line; topics: Topic; states: LiveState }[D];

/**
 * `longest`: longest first by what the tile's big timer shows, talk time for answered calls and queue wait
 * for queued ones. Both grow at the same pace, so the order only changes when calls change, not every second.
 * `waiting_first`: queued calls first (longest wait first), then answered calls by talk time.
 */
export const SORT_ORDERS = ['longest', 'waiting_first'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export function hasFilters(filters: WallboardFilters): boolean {
  return filters.lines.size > 0 || filters.topics.size > 0 || filters.states.size > 0;
}

function isLiveState(state: Call['state']): state is LiveState {
  return state !== 'ended';
}

/** Whether a call passes the filters, leaving one dimension out (for that dimension's own counts). */
function passes(call: Call, filters: WallboardFilters, ignore?: FilterDimension): boolean {
  if (ignore !== 'lines' && filters.lines.size > 0 && !filters.lines.has(call.line)) return false;
  if (ignore !== 'topics' && filters.topics.size > 0 && !filters.topics.has(call.topic)) return false;
  if (ignore !== 'states' && filters.states.size > 0) {
    if (!isLiveState(call.state) || !filters.states.has(call.state)) return false;
  }
  return true;
}

export function filterCalls(calls: Iterable<Call>, filters: WallboardFilters): Call[] {
  const result: Call[] = [];
  for (const call of calls) if (passes(call, filters)) result.push(call);
  return result;
}

export interface FacetCounts {
  lines: Record<Line, number>;
  topics: Record<Topic, number>;
  states: Record<LiveState, number>;
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/**
 * How many calls each filter value would show, given the other dimensions' filters (faceted counts):
 * with "line 0890" chosen, the topic counts are the topics of calls on 0890.
 */
export function facetCounts(calls: Iterable<Call>, filters: WallboardFilters): FacetCounts {
  const counts: FacetCounts = { lines: zeroes(LINES), topics: zeroes(TOPICS), states: zeroes(LIVE_STATES) };
  for (const call of calls) {
    if (passes(call, filters, 'lines')) counts.lines[call.line] += 1;
    if (passes(call, filters, 'topics')) counts.topics[call.topic] += 1;
    if (isLiveState(call.state) && passes(call, filters, 'states')) counts.states[call.state] += 1;
  }
  return counts;
}

/** When the tile's big timer started: the answer for an answered call, the offer for a queued one. */
export function timerStartedAt(call: Pick<Call, 'answeredAt' | 'offeredAt'>): number {
  return call.answeredAt ?? call.offeredAt;
}

function byTimerStart(a: Call, b: Call): number {
  return timerStartedAt(a) - timerStartedAt(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Sorts in place and returns the array; ties break on id so the grid never shuffles equal calls. */
export function sortCalls(calls: Call[], order: SortOrder): Call[] {
  if (order === 'longest') return calls.sort(byTimerStart);
  return calls.sort((a, b) => {
    const aQueued = a.state === 'queued' ? 0 : 1;
    const bQueued = b.state === 'queued' ? 0 : 1;
    return aQueued - bQueued || byTimerStart(a, b);
  });
}

/** Filters and sort live in the address (`?state=queued&line=0890&sort=waiting_first`) so a wall display can be bookmarked. */
export interface WallboardView {
  filters: WallboardFilters;
  sort: SortOrder;
}

const PARAM_NAMES: Record<FilterDimension, string> = { lines: 'line', topics: 'topic', states: 'state' };

function pick<T extends string>(values: string[], allowed: readonly T[]): Set<T> {
  return new Set(values.filter((v): v is T => (allowed as readonly string[]).includes(v)));
}

/** Reads the view from the address; unknown values are ignored rather than showing nothing. */
export function viewFromSearchParams(params: URLSearchParams): WallboardView {
  const sortParam = params.get('sort');
  return {
    filters: {
      lines: pick(params.getAll(PARAM_NAMES.lines), LINES),
      topics: pick(params.getAll(PARAM_NAMES.topics), TOPICS),
      states: pick(params.getAll(PARAM_NAMES.states), LIVE_STATES),
    },
    sort: SORT_ORDERS.find((s) => s === sortParam) ?? 'longest',
  };
}

export function viewToSearchParams(view: WallboardView): URLSearchParams {
  const params = new URLSearchParams();
  for (const state of LIVE_STATES) if (view.filters.states.has(state)) params.append(PARAM_NAMES.states, state);
  for (const line of LINES) if (view.filters.lines.has(line)) params.append(PARAM_NAMES.lines, line);
  for (const topic of TOPICS) if (view.filters.topics.has(topic)) params.append(PARAM_NAMES.topics, topic);
  if (view.sort !== 'longest') params.set('sort', view.sort);
  return params;
}

/** Adds the value to its dimension, or takes it out if it is there. */
export function toggleFilter<D extends FilterDimension>(
  filters: WallboardFilters,
  dimension: D,
  value: FilterValue<D>,
): WallboardFilters {
  const next = new Set<string>(filters[dimension]);
  if (next.has(value)) next.delete(value);
  else next.add(value);
  return { ...filters, [dimension]: next };
}
