import { SearchQuerySchema } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { toDateTimeLocal } from '../admin/auditFilters.js';
import { EMPTY_SEARCH_FORM, formFromParams, formToParams, readSearchRequest } from './searchForm.js';
import { agentsOf } from './searchQueries.js';

describe('search form and address', () => {
  it('puts only what was filled in into the address, in the API names', () => {
    const from = new Date(2025, 10, 24, 9, 0).getTime();
    const params = formToParams({
      ...EMPTY_SEARCH_FORM,
      q: '  "не могу найти" тариф*  ',
      minSilenceS: '15',
      deadAirStill: true,
      from: toDateTimeLocal(from),
      line: '*7777',
      topic: 'roaming',
    });
    expect(Object.fromEntries(params)).toEqual({
      q: '"не могу найти" тариф*',
      minSilenceS: '15',
      deadAirStill: '1',
      from: String(from),
      line: '*7777',
      topic: 'roaming',
    });
    expect(SearchQuerySchema.safeParse(Object.fromEntries(params)).success).toBe(true);
  });

  it('reads the form back from its address, ignoring what is malformed', () => {
    const params = new URLSearchParams({
      q: 'тариф',
      overtalk: '1',
      sentiment: 'angry',
      line: 'nope',
      minSilenceS: '1e9',
      from: 'yesterday',
    });
    expect(formFromParams(params)).toEqual({ ...EMPTY_SEARCH_FORM, q: 'тариф', overtalk: true });
  });

  it('asks the API only with words or a behaviour', () => {
    expect(readSearchRequest(new URLSearchParams())).toEqual({ kind: 'none', filtered: false });
    expect(readSearchRequest(new URLSearchParams({ line: '0890' }))).toEqual({ kind: 'none', filtered: true });
    expect(readSearchRequest(new URLSearchParams({ overtalk: '0' }))).toMatchObject({ kind: 'none' });
    const request = readSearchRequest(new URLSearchParams({ q: 'роуминг', line: '0890', listen: '1' }));
    expect(request).toMatchObject({
      kind: 'ready',
      apiPath: '/api/search?q=%D1%80%D0%BE%D1%83%D0%BC%D0%B8%D0%BD%D0%B3&line=0890',
    });
    expect(readSearchRequest(new URLSearchParams({ minSilenceS: '20' }))).toMatchObject({
      kind: 'ready',
      query: { minSilenceS: 20, limit: 50 },
    });
  });

  it('passes hostile text on as text: the server reads it as words', () => {
    const q = `"unclosed NEAR(a b) OR 1=1; DROP TABLE calls; -- *`;
    const request = readSearchRequest(new URLSearchParams({ q }));
    expect(request.kind).toBe('ready');
    if (request.kind !== 'ready') return;
    expect(new URL(request.apiPath, 'http://x').searchParams.get('q')).toBe(q);
  });

  it('says what is wrong in the form’s words', () => {
    expect(readSearchRequest(new URLSearchParams({ minSilenceS: '0' }))).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^Silence longer than: /),
    });
    expect(readSearchRequest(new URLSearchParams({ q: 'x', from: '200', to: '100' }))).toEqual({
      kind: 'invalid',
      message: 'From: from must not be later than to',
    });
  });
});

describe('agent filter', () => {
  it('lists each agent once, by name', () => {
    expect(
      agentsOf([
        { agentId: 'a2', agentName: 'Юлия' },
        { agentId: null, agentName: null },
        { agentId: 'a1', agentName: 'Алена' },
        { agentId: 'a2', agentName: 'Юлия' },
        { agentId: 'a3', agentName: null },
      ]),
    ).toEqual([
      { id: 'a3', name: 'a3' },
      { id: 'a1', name: 'Алена' },
      { id: 'a2', name: 'Юлия' },
    ]);
  });
});
