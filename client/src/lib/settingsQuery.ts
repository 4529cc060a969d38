import type { AppSettings } from '@earshot/shared';
import { queryOptions } from '@tanstack/react-query';
import { getJson } from './http.js';

export const SETTINGS_QUERY_KEY = ['settings'] as const;

/**
 * `GET /api/settings`: the thresholds tiles and the call page colour by, and the retention period. Kept
 * current by `settings:updated` from the socket (see SessionSync), so it never needs refetching.
 */
export function settingsQueryOptions() {
  return queryOptions({
    queryKey: SETTINGS_QUERY_KEY,
    queryFn: ({ signal }) => getJson<AppSettings>('/api/settings', signal),
    staleTime: 5 * 60_000,
  });
}
