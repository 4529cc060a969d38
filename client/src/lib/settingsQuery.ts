import type { WallboardSettings } from '@earshot/shared';
import { queryOptions } from '@tanstack/react-query';
import { getJson } from './http.js';

/** `GET /api/settings`: the thresholds tiles and the call page colour by. */
export function settingsQueryOptions() {
  return queryOptions({
    queryKey: ['settings'],
    queryFn: ({ signal }) => getJson<WallboardSettings>('/api/settings', signal),
    staleTime: 5 * 60_000,
  });
}
