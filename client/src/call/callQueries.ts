import type { CallDetail } from '@earshot/shared';
import { queryOptions } from '@tanstack/react-query';
import { getJson, HttpError } from '../lib/http.js';
import { mergeDetail } from './callDetail.js';

/**
 * `GET /api/calls/:id`: the call and its history. Live updates from the socket are written into the same
 * cache entry, so the data stays fresh without refetching; a late HTTP answer is merged, never replacing
 * something newer.
 */
export function callDetailQueryOptions(callId: string) {
  return queryOptions({
    queryKey: ['calls', callId, 'detail'],
    queryFn: ({ signal }) => getJson<CallDetail>(`/api/calls/${encodeURIComponent(callId)}`, signal),
    staleTime: Number.POSITIVE_INFINITY,
    retry: (failures, error) => !(error instanceof HttpError && error.status === 404) && failures < 2,
    structuralSharing: (previous, next) => mergeDetail(previous as CallDetail | undefined, next as CallDetail),
  });
}
