import type { SessionInfo, SignIn } from '@earshot/shared';
import { type QueryClient, queryOptions, useQuery } from '@tanstack/react-query';
import { getJson, HttpError, sendJson, setCsrfToken } from '../lib/http.js';

/**
 * Why nobody is signed in: `none` (never was, in this tab), `signed_out` (the user asked), `expired` (the
 * server ended the session: idle or absolute timeout, disabled account, password reset, signed out elsewhere).
 */
export type SignedOutReason = 'none' | 'signed_out' | 'expired';

/** Who am I: the single answer the whole dashboard reads. */
export type SessionState =
  | { status: 'signed_in'; info: SessionInfo }
  | { status: 'signed_out'; reason: SignedOutReason };

export const SESSION_QUERY_KEY = ['session'] as const;

/** A session that was signed in and is not any more has expired; otherwise keep the reason already known. */
export function signedOutReasonAfter(previous: SessionState | undefined): SignedOutReason {
  if (previous === undefined) return 'none';
  return previous.status === 'signed_in' ? 'expired' : previous.reason;
}

/** `GET /api/auth/me`; a 401 is an answer ("nobody"), not an error. */
export function sessionQueryOptions() {
  return queryOptions({
    queryKey: SESSION_QUERY_KEY,
    queryFn: async ({ signal, client }): Promise<SessionState> => {
      try {
        const info = await getJson<SessionInfo>('/api/auth/me', { signal, unauthorizedIsAnswer: true });
        setCsrfToken(info.csrfToken);
        return { status: 'signed_in', info };
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 401) throw error;
        setCsrfToken(null);
        const reason = signedOutReasonAfter(client.getQueryData<SessionState>(SESSION_QUERY_KEY));
        if (reason === 'expired') dropEverythingButSession(client);
        return { status: 'signed_out', reason };
      }
    },
    // Fresh until something says otherwise: a 401, a refused socket, a window coming back into focus.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: true,
    retry: (failures, error) => !(error instanceof HttpError) && failures < 2,
  });
}

export function useSessionState() {
  return useQuery(sessionQueryOptions());
}

/** The signed-in session, for components under the session guard (which renders them only when there is one). */
export function useSession(): SessionInfo {
  const { data } = useSessionState();
  if (data?.status !== 'signed_in') throw new Error('useSession used outside the signed-in part of the app');
  return data.info;
}

/** Signs in; the cookie arrives with the answer, the session info goes into the cache. */
export async function signIn(queryClient: QueryClient, credentials: SignIn): Promise<SessionInfo> {
  const info = await sendJson<SessionInfo>('POST', '/api/auth/sign-in', credentials, { unauthorizedIsAnswer: true });
  // Whatever the previous user left in the cache is not this user's business.
  dropEverythingButSession(queryClient);
  setCsrfToken(info.csrfToken);
  const signedIn: SessionState = { status: 'signed_in', info };
  queryClient.setQueryData<SessionState>(SESSION_QUERY_KEY, signedIn);
  return info;
}

/** Ends the session here: forgets every cached answer, so neither a new user nor the back button sees them. */
export function endSession(queryClient: QueryClient, reason: Exclude<SignedOutReason, 'none'>): void {
  const current = queryClient.getQueryData<SessionState>(SESSION_QUERY_KEY);
  // Only a live session can expire; a 401 on the sign-in page is nothing new.
  if (reason === 'expired' && current?.status !== 'signed_in') return;
  setCsrfToken(null);
  dropEverythingButSession(queryClient);
  void queryClient.cancelQueries({ queryKey: SESSION_QUERY_KEY });
  const signedOut: SessionState = { status: 'signed_out', reason };
  queryClient.setQueryData<SessionState>(SESSION_QUERY_KEY, signedOut);
}

/** Asks the server to end the session (a failure to reach it still signs out here), then forgets it. */
export async function signOut(queryClient: QueryClient): Promise<void> {
  try {
    await sendJson<null>('POST', '/api/auth/sign-out', undefined, { unauthorizedIsAnswer: true });
  } finally {
    endSession(queryClient, 'signed_out');
  }
}

function dropEverythingButSession(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
}
