import { RecordingsQuerySchema } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { toDateTimeLocal } from '../admin/auditFilters.js';
import {
  callReviewPath,
  EMPTY_RECORDINGS_FORM,
  formFromParams,
  formToParams,
  readRecordingsRequest,
  recordingsPageUrl,
} from './recordingsFilters.js';

describe('recordings filters and address', () => {
  it('puts only what was filled in into the address, in the API names, and the API accepts it', () => {
    const from = new Date(2025, 10, 24, 9, 0).getTime();
    const to = new Date(2025, 10, 24, 18, 30).getTime();
    const params = formToParams({
      ...EMPTY_RECORDINGS_FORM,
      q: '  "не могу найти" тариф*  ',
      from: toDateTimeLocal(from),
      to: toDateTimeLocal(to),
      agentId: 'agent-07',
      line: '*7777',
      topic: 'roaming',
      minDurationS: ' 60 ',
      maxDurationS: '600',
      outcome: 'agent_hangup',
      sentiment: 'negative',
      longSilence: true,
      barged: true,
    });
    expect(Object.fromEntries(params)).toEqual({
      q: '"не могу найти" тариф*',
      from: String(from),
      // "to 18:30" keeps the whole minute.
      to: String(to + 59_999),
      agentId: 'agent-07',
      line: '*7777',
      topic: 'roaming',
      minDurationS: '60',
      maxDurationS: '600',
      outcome: 'agent_hangup',
      sentiment: 'negative',
      longSilence: '1',
      barged: '1',
    });
    expect(RecordingsQuerySchema.safeParse(Object.fromEntries(params)).success).toBe(true);
  });

  it('gives an empty address for an empty form', () => {
    expect(formToParams(EMPTY_RECORDINGS_FORM).toString()).toBe('');
  });

  it('reads the same form back from the address it wrote', () => {
    const form = {
      ...EMPTY_RECORDINGS_FORM,
      q: 'роуминг',
      from: '2025-11-24T09:00',
      to: '2025-11-24T18:30',
      agentId: 'agent-07',
      line: '0890' as const,
      topic: 'billing' as const,
      minDurationS: '30',
      maxDurationS: '900',
      outcome: 'caller_hangup' as const,
      sentiment: 'positive' as const,
      longCall: true,
      longSilence: true,
      deadAirStill: true,
      barged: true,
    };
    expect(formFromParams(formToParams(form))).toEqual(form);
  });

  it('shows what is malformed in the address as blank', () => {
    const params = new URLSearchParams({
      line: 'nope',
      topic: 'weather',
      minDurationS: '1e9',
      maxDurationS: '-5',
      outcome: 'exploded',
      sentiment: 'furious',
      from: 'yesterday',
      longCall: 'yes',
      barged: 'true',
    });
    expect(formFromParams(params)).toEqual({ ...EMPTY_RECORDINGS_FORM, barged: true });
  });

  it('asks the API with the known filters only, checked by the shared schema', () => {
    expect(readRecordingsRequest(new URLSearchParams())).toMatchObject({ kind: 'ready', filters: '', filtered: false });
    const request = readRecordingsRequest(
      new URLSearchParams({ line: '0890', deadAirStill: '1', q: ' ', listen: '1', cursor: 'x', limit: '7' }),
    );
    expect(request).toMatchObject({
      kind: 'ready',
      filters: 'line=0890&deadAirStill=1',
      filtered: true,
      query: { line: '0890', deadAirStill: true, limit: 50 },
    });
  });

  it('names the field the API would refuse, in the form words', () => {
    expect(readRecordingsRequest(new URLSearchParams({ minDurationS: '600', maxDurationS: '60' }))).toEqual({
      kind: 'invalid',
      message: 'Length from: minDurationS must not be larger than maxDurationS',
    });
    expect(readRecordingsRequest(new URLSearchParams({ from: '1764000000000', to: '1763000000000' }))).toEqual({
      kind: 'invalid',
      message: 'From: from must not be later than to',
    });
    const badLine = readRecordingsRequest(new URLSearchParams({ line: 'nope' }));
    expect(badLine.kind).toBe('invalid');
    expect(badLine.kind === 'invalid' && badLine.message.startsWith('Line: ')).toBe(true);
  });

  it('builds each page URL with the limit and the cursor, and the review link', () => {
    expect(recordingsPageUrl('line=0890', 50, null)).toBe('/api/recordings?line=0890&limit=50');
    expect(recordingsPageUrl('', 50, 'abc+/=')).toBe('/api/recordings?limit=50&cursor=abc%2B%2F%3D');
    expect(callReviewPath('call 1/2')).toBe('/calls/call%201%2F2/review');
  });
});
