import { describe, expect, it } from 'vitest';
import { errorMessage, HttpError, NetworkError, parseRetryAfterS } from './http.js';

describe('parseRetryAfterS', () => {
  it('reads seconds', () => {
    expect(parseRetryAfterS('120')).toBe(120);
    expect(parseRetryAfterS(' 7 ')).toBe(7);
  });

  it('ignores what it cannot read (an HTTP date, nothing)', () => {
    expect(parseRetryAfterS(null)).toBeNull();
    expect(parseRetryAfterS('Wed, 21 Oct 2015 07:28:00 GMT')).toBeNull();
    expect(parseRetryAfterS('-5')).toBeNull();
  });
});

describe('errorMessage', () => {
  it("gives the server's sentence or the error's message", () => {
    expect(errorMessage(new HttpError(400, 'invalid user: username: too short'))).toBe(
      'invalid user: username: too short',
    );
    expect(errorMessage(new NetworkError('could not reach the server'))).toBe('could not reach the server');
    expect(errorMessage('plain')).toBe('plain');
  });
});
