import type { CallDetail } from '@earshot/shared';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { HttpError } from '../lib/http.js';
import { onConnected, subscribe, unwatchCall, watchCall } from '../socket/socket.js';
import { mergeDetail, mergeEvents, newerCall } from './callDetail.js';
import { callDetailQueryOptions } from './callQueries.js';

export type LiveCallView =
  | { status: 'loading' }
  | { status: 'not_found'; message: string }
  | { status: 'error'; message: string }
  | { status: 'ready'; detail: CallDetail; liveError: string | null };

/**
 * One call, live: the HTTP read gives the first paint; `call:watch` (on every connect) gives the current
 * state and history and joins the call's room; `call:updated` and `call:event` keep it current.
 */
export function useLiveCall(callId: string): LiveCallView {
  const queryClient = useQueryClient();
  const options = callDetailQueryOptions(callId);
  const query = useQuery(options);
  const [liveError, setLiveError] = useState<string | null>(null);

  useEffect(() => {
    const { queryKey } = callDetailQueryOptions(callId);
    let active = true;
    setLiveError(null);
    const unsubscribeConnected = onConnected(() => {
      void watchCall(callId).then((result) => {
        if (!active) return;
        if (result.ok) {
          setLiveError(null);
          queryClient.setQueryData(queryKey, (current) => mergeDetail(current, result.data));
        } else {
          setLiveError(result.error);
        }
      });
    });
    const unsubscribeUpdated = subscribe('call:updated', (call) => {
      if (call.id !== callId) return;
      queryClient.setQueryData(queryKey, (current) =>
        current ? { ...current, call: newerCall(current.call, call) } : current,
      );
    });
    const unsubscribeEvent = subscribe('call:event', (event) => {
      if (event.callId !== callId) return;
      queryClient.setQueryData(queryKey, (current) =>
        current ? { ...current, events: mergeEvents(current.events, [event]) } : current,
      );
    });
    return () => {
      active = false;
      unsubscribeConnected();
      unsubscribeUpdated();
      unsubscribeEvent();
      unwatchCall(callId);
    };
  }, [callId, queryClient]);

  if (query.data) return { status: 'ready', detail: query.data, liveError };
  if (query.error instanceof HttpError && query.error.status === 404) {
    return { status: 'not_found', message: query.error.message };
  }
  if (query.error) return { status: 'error', message: query.error.message };
  return { status: 'loading' };
}
