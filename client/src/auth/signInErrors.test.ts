import { describe, expect, it } from 'vitest';
import { HttpError, NetworkError } from '../lib/http.js';
import { minutesToWait, signInErrorMessage } from './signInErrors.js';

describe('signInErrorMessage', () => {
  it('says a wrong password without saying which part was wrong', () => {
    expect(signInErrorMessage(new HttpError(401, 'wrong username or password'))).toBe('Wrong username or password.');
  });

  it('gives the wait from Retry-After in whole minutes', () => {
    expect(signInErrorMessage(new HttpError(429, 'too many', 900))).toBe(
      'Too many failed sign-ins. Try again in 15 min.',
    );
    expect(signInErrorMessage(new HttpError(429, 'too many', 61))).toBe(
      'Too many failed sign-ins. Try again in 2 min.',
    );
  });

  it("falls back to the server's sentence when there is no Retry-After", () => {
    expect(signInErrorMessage(new HttpError(429, 'try again in 3 min'))).toBe(
      'Too many failed sign-ins: try again in 3 min.',
    );
  });

  it('tells a network failure, a disabled account and a server failure apart', () => {
    expect(signInErrorMessage(new NetworkError('x'))).toMatch(/could not reach the server/i);
    expect(signInErrorMessage(new HttpError(403, 'this account is disabled'))).toMatch(/disabled/);
    expect(signInErrorMessage(new HttpError(500, 'boom'))).toMatch(/try again in a moment/i);
  });
});

describe('minutesToWait', () => {
  it('never says 0 min', () => {
    expect(minutesToWait(0)).toBe(1);
    expect(minutesToWait(10)).toBe(1);
    expect(minutesToWait(60)).toBe(1);
    expect(minutesToWait(61)).toBe(2);
  });
});
