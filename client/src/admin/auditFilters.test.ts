import { describe, expect, it } from 'vitest';
import {
  type AuditFilters,
  auditExportHref,
  auditFiltersProblem,
  auditQueryString,
  filtersFromSearchParams,
  filtersToSearchParams,
  fromDateTimeLocal,
  hasAuditFilters,
  NO_AUDIT_FILTERS,
  toDateTimeLocal,
} from './auditFilters.js';

const some: AuditFilters = {
  from: 1_700_000_000_000,
  to: 1_700_003_600_000,
  username: 'demo.controller',
  action: 'audio.listen_start',
  callId: 'call-42',
};

describe('audit filters in the address', () => {
  it('round-trip through the search params', () => {
    expect(filtersFromSearchParams(filtersToSearchParams(some))).toEqual(some);
    expect(filtersFromSearchParams(filtersToSearchParams(NO_AUDIT_FILTERS))).toEqual(NO_AUDIT_FILTERS);
  });

  it('drop what is malformed instead of sending it on', () => {
    const params = new URLSearchParams({ from: 'yesterday', to: '-1', action: 'drop.tables', user: '  ', call: '' });
    expect(filtersFromSearchParams(params)).toEqual(NO_AUDIT_FILTERS);
  });

  it('knows when there are none', () => {
    expect(hasAuditFilters(NO_AUDIT_FILTERS)).toBe(false);
    expect(hasAuditFilters({ ...NO_AUDIT_FILTERS, callId: 'x' })).toBe(true);
  });
});

describe('audit API query', () => {
  it("uses the API's names and adds the page", () => {
    const params = new URLSearchParams(auditQueryString(some, { limit: 50, cursor: '1234' }));
    expect(Object.fromEntries(params)).toEqual({
      from: '1700000000000',
      to: '1700003600000',
      username: 'demo.controller',
      action: 'audio.listen_start',
      callId: 'call-42',
      limit: '50',
      cursor: '1234',
    });
  });

  it('leaves out the cursor of the first page', () => {
    expect(auditQueryString(NO_AUDIT_FILTERS, { limit: 50, cursor: null })).toBe('limit=50');
  });

  it('exports exactly the filtered selection, without paging', () => {
    expect(auditExportHref(NO_AUDIT_FILTERS)).toBe('/api/audit/export');
    const href = new URL(auditExportHref(some), 'http://x');
    expect(href.pathname).toBe('/api/audit/export');
    expect(href.searchParams.get('username')).toBe('demo.controller');
    expect(href.searchParams.has('limit')).toBe(false);
    expect(href.searchParams.has('cursor')).toBe(false);
  });

  it('refuses a range that ends before it starts', () => {
    expect(auditFiltersProblem({ ...NO_AUDIT_FILTERS, from: 2, to: 1 })).toMatch(/later/);
    expect(auditFiltersProblem({ ...NO_AUDIT_FILTERS, from: 1, to: 1 })).toBeNull();
    expect(auditFiltersProblem(some)).toBeNull();
  });
});

describe('datetime-local values', () => {
  it('read as local time and write back the same minute', () => {
    const at = fromDateTimeLocal('2025-03-14T09:26');
    expect(at).toBe(new Date(2025, 2, 14, 9, 26).getTime());
    expect(toDateTimeLocal(at)).toBe('2025-03-14T09:26');
  });

  it('make a "to" bound cover its whole minute', () => {
    expect(fromDateTimeLocal('2025-03-14T09:26', true)).toBe(new Date(2025, 2, 14, 9, 26, 59, 999).getTime());
    expect(toDateTimeLocal(fromDateTimeLocal('2025-03-14T09:26', true))).toBe('2025-03-14T09:26');
  });

  it('give null for blanks and nonsense', () => {
    expect(fromDateTimeLocal('')).toBeNull();
    expect(fromDateTimeLocal('14/03/2025')).toBeNull();
    expect(toDateTimeLocal(null)).toBe('');
  });
});
