import { hash } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditTables } from '../audit/tables.js';
import { needsRehash } from './passwords.js';
import { type AuthTables, authDb } from './tables.js';
import { openAuthTestDatabase } from './testDatabase.js';
import { createUserService, type UserService } from './users.js';

const PASSWORD = 'violet river lamp 42';

describe('user service', () => {
  let db: Kysely<AuthTables & AuditTables>;
  let users: UserService;

  beforeEach(async () => {
    db = await openAuthTestDatabase();
    users = createUserService({ db: authDb(db), now: () => 1_800_000_000_000 });
  });
  afterEach(() => db.destroy());

  const create = (username: string, role: 'admin' | 'controller' | 'agent' = 'controller') =>
    users.create({
      username,
      displayName: username,
      role,
      agentId: role === 'agent' ? 'agent-001' : null,
      password: PASSWORD,
    });

  it('creates a user with a hashed password and lists users by name', async () => {
    const bob = await create('bob', 'agent');
    await create('alice');
    expect(bob).toEqual({
      id: expect.any(String),
      username: 'bob',
      displayName: 'bob',
      role: 'agent',
      agentId: 'agent-001',
      disabled: false,
    });
    expect((await users.list()).map((u) => u.username)).toEqual(['alice', 'bob']);
    const row = await db.selectFrom('users').select('password_hash').where('id', '=', bob.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a taken username (409) and a weak password (400)', async () => {
    await create('alice');
    await expect(create('alice')).rejects.toMatchObject({ status: 409, message: /already taken/ });
    await expect(
      users.create({ username: 'carol', displayName: 'C', role: 'trainer', agentId: null, password: 'password1234' }),
    ).rejects.toMatchObject({ status: 400, message: /common/ });
  });

  it('verifies credentials and says why they failed', async () => {
    const alice = await create('alice');
    expect(await users.verifyCredentials('alice', PASSWORD)).toEqual({ ok: true, user: alice });
    expect(await users.verifyCredentials(' Alice ', PASSWORD)).toMatchObject({ ok: true });
    expect(await users.verifyCredentials('alice', 'wrong password!')).toEqual({
      ok: false,
      reason: 'wrong_password',
      user: alice,
    });
    expect(await users.verifyCredentials('nobody', PASSWORD)).toEqual({
      ok: false,
      reason: 'unknown_user',
      user: null,
    });
    await users.update(alice.id, { disabled: true });
    expect(await users.verifyCredentials('alice', PASSWORD)).toMatchObject({ ok: false, reason: 'disabled' });
  });

  it('upgrades a hash made with old parameters at the next successful sign-in', async () => {
    const alice = await create('alice');
    const old = await hash(PASSWORD, { algorithm: 2, memoryCost: 4096, timeCost: 1 });
    await db.updateTable('users').set({ password_hash: old }).where('id', '=', alice.id).execute();
    expect(await users.verifyCredentials('alice', PASSWORD)).toMatchObject({ ok: true });
    const row = await db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', alice.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).not.toBe(old);
    expect(needsRehash(row.password_hash)).toBe(false);
  });

  it('changes role, name, agent id and password, and reports what changed', async () => {
    const alice = await create('alice');
    const result = await users.update(alice.id, {
      role: 'trainer',
      displayName: 'Alice K',
      password: 'a new long passphrase',
    });
    expect(result.before.role).toBe('controller');
    expect(result.after).toMatchObject({ role: 'trainer', displayName: 'Alice K' });
    expect(result.passwordChanged).toBe(true);
    expect(await users.verifyCredentials('alice', 'a new long passphrase')).toMatchObject({ ok: true });
    await expect(users.update('no-such-id', { role: 'agent' })).rejects.toMatchObject({ status: 404 });
  });

  it('never leaves the system without an enabled admin', async () => {
    const root = await create('root', 'admin');
    await expect(users.update(root.id, { disabled: true })).rejects.toMatchObject({ status: 409 });
    await expect(users.update(root.id, { role: 'controller' })).rejects.toMatchObject({ status: 409 });
    await create('second', 'admin');
    await users.update(root.id, { role: 'controller' });
    expect(await users.countEnabledAdmins()).toBe(1);
  });
});
