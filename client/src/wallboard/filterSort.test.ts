import { describe, expect, it } from 'vitest';
import {
  facetCounts,
  filterCalls,
  hasFilters,
  NO_FILTERS,
  sortCalls,
  toggleFilter,
  viewFromSearchParams,
  viewToSearchParams,
  type WallboardFilters,
} from './filterSort.js';
import { makeCall, makeQueued, T0 } from './testCalls.js';

const calls = [
  makeCall({ id: 'talk-short', line: '0890', topic: 'billing', answeredAt: T0 + 300_000 }),
  makeCall({ id: 'talk-long', line: '*7777', topic: 'roaming', answeredAt: T0 + 10_000 }),
  makeCall({
    id: 'hold',
    line: '0890',
    topic: 'roaming',
    state: 'hold',
    answeredAt: T0 + 100_000,
    holdSince: T0 + 200_000,
  }),
  makeQueued('queued-new', T0 + 400_000),
  makeQueued('queued-old', T0 + 50_000),
];

function ids(list: { id: string }[]): string[] {
  return list.map((c) => c.id);
}

describe('filterCalls', () => {
  it('shows everything without filters', () => {
    expect(filterCalls(calls, NO_FILTERS)).toHaveLength(5);
    expect(hasFilters(NO_FILTERS)).toBe(false);
  });

  it('keeps calls matching any chosen value within a dimension and all dimensions together', () => {
    const filters: WallboardFilters = { ...NO_FILTERS, states: new Set(['talking', 'hold']), lines: new Set(['0890']) };
    expect(ids(filterCalls(calls, filters)).sort()).toEqual(['hold', 'talk-short']);
    expect(hasFilters(filters)).toBe(true);
  });

  it('filters by topic', () => {
    expect(ids(filterCalls(calls, { ...NO_FILTERS, topics: new Set(['roaming']) })).sort()).toEqual([
      'hold',
      'talk-long',
    ]);
  });
});

describe('facetCounts', () => {
  it('counts every value when nothing is chosen', () => {
    const counts = facetCounts(calls, NO_FILTERS);
    expect(counts.states).toEqual({ queued: 2, talking: 2, hold: 1 });
    expect(counts.lines['0890']).toBe(4);
    expect(counts.lines['*7777']).toBe(1);
    expect(counts.lines['+375 29 7770890']).toBe(0);
    expect(counts.topics.roaming).toBe(2);
  });

  it("counts a dimension within the other dimensions' filters but not its own", () => {
    const counts = facetCounts(calls, { ...NO_FILTERS, states: new Set(['queued']), topics: new Set(['roaming']) });
    // States: roaming calls only, whatever their state.
    expect(counts.states).toEqual({ queued: 0, talking: 1, hold: 1 });
    // Topics: queued calls only, whatever their topic.
    expect(counts.topics.billing).toBe(2);
    expect(counts.topics.roaming).toBe(0);
    // Lines: queued and roaming.
    expect(counts.lines['0890']).toBe(0);
  });
});

describe('sortCalls', () => {
  it('puts the longest timer first: talk time for answered calls, wait for queued ones', () => {
    expect(ids(sortCalls([...calls], 'longest'))).toEqual([
      'talk-long',
      'queued-old',
      'hold',
      'talk-short',
      'queued-new',
    ]);
  });

  it('can put waiting callers first, longest wait first', () => {
    expect(ids(sortCalls([...calls], 'waiting_first'))).toEqual([
      'queued-old',
      'queued-new',
      'talk-long',
      'hold',
      'talk-short',
    ]);
  });

  it('breaks ties on id so equal calls never swap places', () => {
    const tied = [makeCall({ id: 'b' }), makeCall({ id: 'a' }), makeCall({ id: 'c' })];
    expect(ids(sortCalls(tied, 'longest'))).toEqual(['a', 'b', 'c']);
  });
});

describe('toggleFilter', () => {
  it('adds a value, then takes it out again, without touching the original', () => {
    const once = toggleFilter(NO_FILTERS, 'lines', '0890');
    expect([...once.lines]).toEqual(['0890']);
    expect(NO_FILTERS.lines.size).toBe(0);
    expect(toggleFilter(once, 'lines', '0890').lines.size).toBe(0);
  });
});

describe('view in the address', () => {
  it('round-trips filters and sort, including lines with * and + in them', () => {
    const view = {
      filters: {
        lines: new Set(['*7777', '+375 29 7770890'] as const),
        topics: new Set(['technical'] as const),
        states: new Set(['hold'] as const),
      },
      sort: 'waiting_first' as const,
    };
    const params = viewToSearchParams(view);
    const back = viewFromSearchParams(new URLSearchParams(params.toString()));
    expect([...back.filters.lines].sort()).toEqual(['*7777', '+375 29 7770890']);
    expect([...back.filters.topics]).toEqual(['technical']);
    expect([...back.filters.states]).toEqual(['hold']);
    expect(back.sort).toBe('waiting_first');
  });

  it('leaves the address empty for the default view and ignores unknown values', () => {
    expect(viewToSearchParams({ filters: NO_FILTERS, sort: 'longest' }).toString()).toBe('');
    const view = viewFromSearchParams(new URLSearchParams('state=ended&state=queued&line=112&sort=random'));
    expect([...view.filters.states]).toEqual(['queued']);
    expect(view.filters.lines.size).toBe(0);
    expect(view.sort).toBe('longest');
  });
});
