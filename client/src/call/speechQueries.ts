import type { CallSpeech, CallTranscript } from '@earshot/shared';
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { getJson, HttpError } from '../lib/http.js';

/** How often a live call's transcript is read again: the recogniser sends a line every few seconds. */
export const LIVE_TRANSCRIPT_REFRESH_MS = 3_000;
/** After the call ends the server stores its speech metrics; ask again a few times until they are there. */
const METRICS_PENDING_REFRESH_MS = 2_000;
const METRICS_PENDING_MAX_READS = 10;

const notFound = (error: unknown) => error instanceof HttpError && error.status === 404;

/**
 * `GET /api/calls/:id/transcript`. While the call is live it is read again every few seconds; when it
 * ends, the key changes (`final`), so the last lines and the final sentiment are read once more.
 */
export function transcriptQueryOptions(callId: string, live: boolean) {
  return queryOptions({
    queryKey: ['calls', callId, 'transcript', live ? 'live' : 'final'],
    queryFn: ({ signal }) => getJson<CallTranscript>(`/api/calls/${encodeURIComponent(callId)}/transcript`, signal),
    refetchInterval: live ? LIVE_TRANSCRIPT_REFRESH_MS : false,
    staleTime: live ? 0 : 60_000,
    placeholderData: keepPreviousData,
    retry: (failures, error) => !notFound(error) && failures < 2,
  });
}

/**
 * `GET /api/calls/:id/speech`: segments and metrics, stored when the call ends. Not asked while the call
 * is live (there is nothing yet); just after the end it is asked again until the metrics are stored.
 */
export function speechQueryOptions(callId: string, live: boolean) {
  return queryOptions({
    queryKey: ['calls', callId, 'speech'],
    queryFn: ({ signal }) => getJson<CallSpeech>(`/api/calls/${encodeURIComponent(callId)}/speech`, signal),
    enabled: !live,
    staleTime: 60_000,
    refetchInterval: (query) => {
      const data = query.state.data;
      const pending = data !== undefined && (data.live || data.metrics === null);
      return pending && query.state.dataUpdateCount < METRICS_PENDING_MAX_READS ? METRICS_PENDING_REFRESH_MS : false;
    },
    retry: (failures, error) => !notFound(error) && failures < 2,
  });
}
