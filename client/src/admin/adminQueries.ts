import type { AuditPage, IngestKeyInfo, User } from '@earshot/shared';
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { getJson } from '../lib/http.js';
import { type AuditFilters, auditQueryString } from './auditFilters.js';

/** Rows per audit page: a screenful or two; "Load more" fetches the next. */
export const AUDIT_PAGE_SIZE = 50;

export function usersQueryOptions() {
  return queryOptions({
    queryKey: ['admin', 'users'],
    queryFn: ({ signal }) => getJson<User[]>('/api/users', signal),
  });
}

export function ingestKeysQueryOptions() {
  return queryOptions({
    queryKey: ['admin', 'ingest-keys'],
    queryFn: ({ signal }) => getJson<IngestKeyInfo[]>('/api/ingest-keys', signal),
  });
}

/** `GET /api/audit`, newest first, one cursor page at a time. */
export function auditQueryOptions(filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: ['admin', 'audit', filters],
    queryFn: ({ signal, pageParam }) =>
      getJson<AuditPage>(
        `/api/audit?${auditQueryString(filters, { limit: AUDIT_PAGE_SIZE, cursor: pageParam })}`,
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // The log only grows; what was read stays true, but a revisit should show the newest entries.
    staleTime: 0,
  });
}
