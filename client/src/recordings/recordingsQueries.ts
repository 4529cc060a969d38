import type { RecordingsPage } from '@earshot/shared';
import { infiniteQueryOptions } from '@tanstack/react-query';
import { getJson } from '../lib/http.js';
import { recordingsPageUrl } from './recordingsFilters.js';

/** Rows per page: a screenful or two; "Load more" fetches the next with the server's cursor. */
export const RECORDINGS_PAGE_SIZE = 50;

/** `GET /api/recordings`, newest first, one cursor page at a time (`filters` from readRecordingsRequest). */
export function recordingsQueryOptions(filters: string) {
  return infiniteQueryOptions({
    queryKey: ['recordings', 'list', filters],
    queryFn: ({ signal, pageParam }) =>
      getJson<RecordingsPage>(recordingsPageUrl(filters, RECORDINGS_PAGE_SIZE, pageParam), signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    // Calls end all the time: a revisit should show the newest, but a minute-old list is still good to show.
    staleTime: 30_000,
  });
}
