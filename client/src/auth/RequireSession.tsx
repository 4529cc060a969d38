import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { errorMessage } from '../lib/http.js';
import { SIGN_IN_PATH, signInPath } from './redirect.js';
import { useSessionState } from './session.js';

/** What the sign-in page is told about why the user is there. */
export interface SignInLocationState {
  reason?: 'signed_out' | 'expired' | 'none';
}

/**
 * The gate to every page but sign-in: renders them only with a live session. Without one it sends the user
 * to sign in, remembering where they were going (not after an explicit sign-out: that is a fresh start).
 */
export function RequireSession() {
  const session = useSessionState();
  const location = useLocation();

  if (session.data === undefined) {
    if (session.isError) {
      return (
        <section className="empty-state full-page" role="alert" data-testid="session-error">
          <h1>Cannot reach Earshot</h1>
          <p>Checking who you are failed: {errorMessage(session.error)}.</p>
          <button type="button" className="button" onClick={() => void session.refetch()}>
            Try again
          </button>
        </section>
      );
    }
    return (
      <p className="empty-state full-page" data-testid="session-loading">
        Checking your session…
      </p>
    );
  }

  if (session.data.status === 'signed_out') {
    const { reason } = session.data;
    const here = `${location.pathname}${location.search}${location.hash}`;
    const state: SignInLocationState = { reason };
    return <Navigate to={reason === 'signed_out' ? SIGN_IN_PATH : signInPath(here)} replace state={state} />;
  }
  return <Outlet />;
}
