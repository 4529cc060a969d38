import { describe, expect, it } from 'vitest';
import { SignInRateLimiter } from './rateLimiter.js';

const MINUTE_MS = 60_000;

function limiter(overrides: Partial<ConstructorParameters<typeof SignInRateLimiter>[0]> = {}) {
  const clock = { at: 1_000_000 };
  const l = new SignInRateLimiter({ now: () => clock.at, ...overrides });
  return { l, clock };
}

describe('SignInRateLimiter', () => {
  it('blocks an account after 5 failures in 15 minutes and says for how long', () => {
    const { l, clock } = limiter();
    for (let i = 0; i < 4; i++) {
      l.recordFailure('alice', `10.0.0.${i}`);
      clock.at += MINUTE_MS;
    }
    expect(l.check('alice', '10.0.1.1')).toEqual({ allowed: true });
    expect(l.recordFailure('alice', '10.0.0.9')).toBe(true);
    // The first failure was 4 minutes ago, so the account opens again 11 minutes from now.
    expect(l.check('Alice ', '10.0.1.1')).toEqual({ allowed: false, retryAfterMs: 11 * MINUTE_MS, scope: 'account' });
    clock.at += 11 * MINUTE_MS;
    expect(l.check('alice', '10.0.1.1')).toEqual({ allowed: true });
  });

  it('slides: one more try per expired failure, not a fresh allowance', () => {
    const { l, clock } = limiter();
    const start = clock.at;
    for (let i = 0; i < 5; i++) {
      clock.at = start + i * MINUTE_MS;
      l.recordFailure('alice', '10.0.0.1');
    }
    clock.at = start + 15 * MINUTE_MS; // the first failure has just left the window
    expect(l.check('alice', '10.0.0.2').allowed).toBe(true);
    l.recordFailure('alice', '10.0.0.2');
    expect(l.check('alice', '10.0.0.3')).toEqual({ allowed: false, retryAfterMs: MINUTE_MS, scope: 'account' });
  });

  it('blocks an address after 20 failures across accounts', () => {
    const { l } = limiter();
    for (let i = 0; i < 20; i++) l.recordFailure(`user${i}`, '10.0.0.1');
    expect(l.check('someone-new', '10.0.0.1')).toMatchObject({ allowed: false, scope: 'address' });
    expect(l.check('someone-new', '10.0.0.2')).toEqual({ allowed: true });
  });

  it('clears the account on success but not the address', () => {
    const { l } = limiter({ maxFailuresPerAddress: 6 });
    for (let i = 0; i < 4; i++) l.recordFailure('alice', '10.0.0.1');
    l.recordSuccess('alice');
    for (let i = 0; i < 2; i++) l.recordFailure('alice', '10.0.0.1');
    expect(l.check('alice', '10.0.0.2')).toEqual({ allowed: true });
    expect(l.check('bob', '10.0.0.1')).toMatchObject({ allowed: false, scope: 'address' });
  });

  it('holds at most maxKeys keys, forgetting the least recently failed', () => {
    const { l } = limiter({ maxKeys: 3, maxFailuresPerAccount: 1 });
    for (const name of ['a', 'b', 'c']) l.recordFailure(name, '10.0.0.1');
    l.recordFailure('a', '10.0.0.1');
    l.recordFailure('d', '10.0.0.1');
    expect(l.size.accounts).toBe(3);
    expect(l.check('b', '10.0.0.2').allowed).toBe(true);
    expect(l.check('a', '10.0.0.2').allowed).toBe(false);
    expect(l.check('d', '10.0.0.2').allowed).toBe(false);
  });

  it('forgets keys whose failures all left the window', () => {
    const { l, clock } = limiter();
    l.recordFailure('alice', '10.0.0.1');
    clock.at += 16 * MINUTE_MS;
    l.check('alice', '10.0.0.1');
    expect(l.size).toEqual({ accounts: 0, addresses: 0 });
  });
});
