import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { onForbidden, onUnauthorized } from '../lib/http.js';
import { SETTINGS_QUERY_KEY } from '../lib/settingsQuery.js';
import { closeSocket, onSessionProblem, openSocket, subscribe } from '../socket/socket.js';
import { endSession, SESSION_QUERY_KEY, type SessionState, useSessionState } from './session.js';

/** setTimeout's largest delay; a session further away than this is checked again later. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
/** Ask a moment after the expiry, so the server surely agrees it has passed. */
const EXPIRY_CHECK_SLACK_MS = 2_000;
/** A burst of refusals (a page of several queries) needs one look at the session, not one each. */
const FORBIDDEN_RECHECK_INTERVAL_MS = 5_000;

/**
 * Keeps everything that depends on "who am I" in step with the session query: the socket is open exactly
 * while someone is signed in, and every sign that the session ended (a 401 from any request, a refused or
 * closed socket, the expiry time passing) is checked with the server and sends the user to sign in.
 */
export function SessionSync() {
  const queryClient = useQueryClient();
  const session = useSessionState().data;
  const csrfToken = session?.status === 'signed_in' ? session.info.csrfToken : null;
  const expiresAt = session?.status === 'signed_in' ? session.info.expiresAt : null;

  useEffect(() => onUnauthorized(() => endSession(queryClient, 'expired')), [queryClient]);

  // A refusal for the role may mean an admin changed it: read the session again, and menus and pages follow.
  useEffect(() => {
    let lastCheckAt = 0;
    const recheck = () => {
      if (Date.now() - lastCheckAt < FORBIDDEN_RECHECK_INTERVAL_MS) return;
      lastCheckAt = Date.now();
      void queryClient.refetchQueries({ queryKey: SESSION_QUERY_KEY });
    };
    const stopHttp = onForbidden(recheck);
    const stopSocket = onSessionProblem((problem) => {
      if (problem === 'forbidden') recheck();
    });
    return () => {
      stopHttp();
      stopSocket();
    };
  }, [queryClient]);

  // An admin's change reaches every dashboard at once; pages that read the settings query follow.
  useEffect(
    () => subscribe('settings:updated', (settings) => queryClient.setQueryData(SETTINGS_QUERY_KEY, settings)),
    [queryClient],
  );

  useEffect(
    () =>
      onSessionProblem((problem) => {
        if (problem === 'forbidden') return;
        if (problem === 'refused') {
          endSession(queryClient, 'expired');
          return;
        }
        // Closed by the server: a revoked session, or a restart. Ask; reconnect if the session still lives.
        void queryClient.refetchQueries({ queryKey: SESSION_QUERY_KEY }).then(() => {
          const state = queryClient.getQueryData<SessionState>(SESSION_QUERY_KEY);
          if (state?.status === 'signed_in') openSocket();
        });
      }),
    [queryClient],
  );

  // One connection per session: a new sign-in (new CSRF token) gets a fresh handshake with its cookie.
  useEffect(() => {
    if (csrfToken === null) return;
    openSocket();
    return () => closeSocket();
  }, [csrfToken]);

  // An idle session ends at `expiresAt` unless used meanwhile; ask then, so an untouched screen does not
  // go on showing data after its session is over.
  useEffect(() => {
    if (expiresAt === null) return;
    const delayMs = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, expiresAt - Date.now()) + EXPIRY_CHECK_SLACK_MS);
    const timer = setTimeout(() => void queryClient.refetchQueries({ queryKey: SESSION_QUERY_KEY }), delayMs);
    return () => clearTimeout(timer);
  }, [expiresAt, queryClient]);

  return null;
}
