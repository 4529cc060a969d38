import { describe, expect, it } from 'vitest';
import { isSessionRefusal } from './socket.js';

const refusal = (message: string, data?: unknown) =>
  Object.assign(new Error(message), data === undefined ? {} : { data });

describe('isSessionRefusal', () => {
  it("recognises the server's handshake refusals for want of a session", () => {
    expect(isSessionRefusal(refusal('sign in first', { code: 'unauthenticated' }))).toBe(true);
    expect(isSessionRefusal(refusal('your session has ended', { code: 'session_expired' }))).toBe(true);
  });

  it('leaves other connection errors to the automatic retry', () => {
    expect(isSessionRefusal(refusal('xhr poll error'))).toBe(false);
    expect(isSessionRefusal(refusal('websocket error', { code: 42 }))).toBe(false);
    expect(isSessionRefusal(refusal('server full', { code: 'busy' }))).toBe(false);
  });
});
