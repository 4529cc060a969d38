import { HttpError, NetworkError } from '../lib/http.js';

/** Whole minutes to wait, never "0 min": a wait of 10 s still reads "1 min". */
export function minutesToWait(retryAfterS: number): number {
  return Math.max(1, Math.ceil(retryAfterS / 60));
}

/** What the sign-in form says when signing in failed: what happened and what to do about it. */
export function signInErrorMessage(error: unknown): string {
  if (error instanceof NetworkError) return 'Could not reach the server. Check your connection and try again.';
  if (error instanceof HttpError) {
    switch (error.status) {
      case 401:
        return 'Wrong username or password.';
      case 403:
        return 'This account is disabled. Ask an admin to enable it.';
      case 429:
        return error.retryAfterS === null
          ? `Too many failed sign-ins: ${error.message}.`
          : `Too many failed sign-ins. Try again in ${minutesToWait(error.retryAfterS)} min.`;
      case 400:
        return `Check the form: ${error.message}.`;
      default:
        return error.status >= 500
          ? 'The server could not sign you in just now. Try again in a moment.'
          : `Sign-in failed: ${error.message}.`;
    }
  }
  return `Sign-in failed: ${error instanceof Error ? error.message : String(error)}.`;
}
