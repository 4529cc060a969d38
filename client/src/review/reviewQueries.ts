import { decodePeaks, recordingPeaksUrl, type WaveformPeaks } from '@earshot/shared';
import { queryOptions } from '@tanstack/react-query';
import { HttpError, NetworkError } from '../lib/http.js';

/**
 * `GET /api/recordings/:callId/peaks`: the binary waveform the server computed once (never the WAV: a
 * one-hour call must open quickly). Immutable once the call has ended, so read once.
 */
export function peaksQueryOptions(callId: string) {
  return queryOptions({
    queryKey: ['recordings', callId, 'peaks'],
    queryFn: async ({ signal }): Promise<WaveformPeaks> => {
      let response: Response;
      try {
        response = await fetch(recordingPeaksUrl(callId), { credentials: 'same-origin', signal });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') throw error;
        throw new NetworkError('could not reach the server; check the connection and try again');
      }
      if (!response.ok) {
        const answer: unknown = await response.json().catch(() => null);
        const message =
          typeof answer === 'object' && answer !== null && 'error' in answer && typeof answer.error === 'string'
            ? answer.error
            : `${response.status} ${response.statusText}`;
        throw new HttpError(response.status, message, null);
      }
      const decoded = decodePeaks(await response.arrayBuffer());
      if (!decoded.ok) throw new Error(`the waveform could not be read: ${decoded.error}`);
      return decoded.peaks;
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: (failures, error) => !(error instanceof HttpError && error.status < 500) && failures < 2,
  });
}
