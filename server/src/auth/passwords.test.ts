import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordWeakness, verifyAgainstDummy, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('hashes with argon2id at 19 MiB, 2 passes, 1 lane, with a fresh salt each time', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(second).not.toBe(first);
    expect(needsRehash(first)).toBe(false);
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(stored, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse battery stapler')).toBe(false);
  });

  it('answers false, not an exception, for a stored hash it cannot read', async () => {
    expect(await verifyPassword('not a hash', 'anything at all')).toBe(false);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it('asks for a rehash when a hash was made with weaker parameters', async () => {
    const weak = await hash('correct horse battery staple', { algorithm: 2, memoryCost: 4096, timeCost: 1 });
    expect(needsRehash(weak)).toBe(true);
    const argon2i = await hash('correct horse battery staple', { algorithm: 1 });
    expect(needsRehash(argon2i)).toBe(true);
  });

  it('spends a real verification on an unknown user and never succeeds', async () => {
    expect(await verifyAgainstDummy('earshot dummy password, never matches a real account')).toBe(false);
  });
});

describe('passwordWeakness', () => {
  it('accepts a long passphrase', () => {
    expect(passwordWeakness('violet river lamp 42', 'alice')).toBeNull();
  });

  it('refuses short, common, username-based and repetitive passwords', () => {
    expect(passwordWeakness('short')).toMatch(/at least 12 characters/);
    expect(passwordWeakness('Password1234')).toMatch(/most common/);
    expect(passwordWeakness('alice-is-the-best', 'alice')).toMatch(/username/);
    expect(passwordWeakness('abababababab')).toMatch(/different characters/);
  });
});
