import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { afterSignInPath } from '../app/features.js';
import type { SignInLocationState } from './RequireSession.js';
import { NEXT_PARAM, safeRedirectTarget } from './redirect.js';
import { signIn, useSessionState } from './session.js';
import { signInErrorMessage } from './signInErrors.js';

const REASON_NOTES = {
  expired: 'Your session has ended. Sign in again to continue.',
  signed_out: 'You have signed out.',
} as const;

export function SignInPage() {
  const queryClient = useQueryClient();
  const session = useSessionState();
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const next = safeRedirectTarget(searchParams.get(NEXT_PARAM));
  const reason = (location.state as SignInLocationState | null)?.reason;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const usernameId = useId();
  const passwordId = useId();
  const errorId = useId();

  const attempt = useMutation({
    mutationFn: () => signIn(queryClient, { username: username.trim(), password }),
    // A failed try clears the password, so the next one starts clean.
    onError: () => setPassword(''),
  });

  if (session.data?.status === 'signed_in') {
    return <Navigate to={afterSignInPath(session.data.info.user.role, next)} replace />;
  }

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (attempt.isPending) return;
    attempt.mutate();
  };
  const note = reason === 'expired' || reason === 'signed_out' ? REASON_NOTES[reason] : null;
  const error = attempt.isError ? signInErrorMessage(attempt.error) : null;

  return (
    <main className="sign-in-screen">
      <title>Sign in · Earshot</title>
      <section className="sign-in-card" aria-labelledby="sign-in-title" data-testid="sign-in-page">
        <div className="sign-in-brand">
          <span className="brand-mark" aria-hidden="true" />
          Earshot
        </div>
        <h1 id="sign-in-title">Sign in</h1>
        <p className="sign-in-lead">Quality assurance for the contact centre.</p>
        {note && !error && (
          <p className="notice" role="status" data-testid="sign-in-note">
            {note}
          </p>
        )}
        {error && (
          <p className="notice notice-error" role="alert" id={errorId} data-testid="sign-in-error">
            {error}
          </p>
        )}
        <form className="form sign-in-form" onSubmit={onSubmit} noValidate>
          <div className="field">
            <label htmlFor={usernameId}>Username</label>
            <input
              id={usernameId}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-describedby={error ? errorId : undefined}
              data-testid="sign-in-username"
            />
          </div>
          <div className="field">
            <label htmlFor={passwordId}>Password</label>
            <input
              id={passwordId}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={error ? errorId : undefined}
              data-testid="sign-in-password"
            />
          </div>
          <button
            type="submit"
            className="button button-primary button-wide"
            disabled={attempt.isPending || username.trim() === '' || password === ''}
            data-testid="sign-in-submit"
          >
            {attempt.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p className="sign-in-foot">
          Accounts are created by an admin. Forgot your password? Ask an admin to reset it.
        </p>
      </section>
    </main>
  );
}
