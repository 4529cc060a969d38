import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditTables } from '../audit/tables.js';
import {
  createSessionService,
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_IDLE_TIMEOUT_MS,
  type SessionService,
} from './sessions.js';
import { type AuthTables, authDb } from './tables.js';
import { openAuthTestDatabase } from './testDatabase.js';
import { sha256Hex } from './tokens.js';
import { createUserService } from './users.js';

const HOUR_MS = 60 * 60_000;
const client = { ip: '10.0.0.1', userAgent: 'vitest' };

describe('sessions', () => {
  let db: Kysely<AuthTables & AuditTables>;
  let sessions: SessionService;
  let userId: string;
  const clock = { at: Date.UTC(2026, 10, 24, 8, 0, 0) };
  const now = () => clock.at;

  beforeEach(async () => {
    db = await openAuthTestDatabase();
    sessions = createSessionService({ db: authDb(db), now });
    const users = createUserService({ db: authDb(db), now });
    userId = (
      await users.create({
        username: 'alice',
        displayName: 'Alice',
        role: 'controller',
        agentId: null,
        password: 'violet river lamp 42',
      })
    ).id;
  });
  afterEach(() => db.destroy());

  it('stores only the SHA-256 of the token and finds the session by the token', async () => {
    const { token, session } = await sessions.create(userId, client);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    const found = await sessions.authenticate(token);
    expect(found?.user).toMatchObject({ id: userId, username: 'alice', role: 'controller' });
    expect(found?.session).toMatchObject({ id: session.id, csrfToken: session.csrfToken });
    expect(session.csrfToken).not.toBe(token);
  });

  it('refuses an unknown or malformed token', async () => {
    await sessions.create(userId, client);
    expect(await sessions.authenticate('x'.repeat(43))).toBeNull();
    expect(await sessions.authenticate('not a token')).toBeNull();
  });

  it('ends a session left idle for 8 hours', async () => {
    const { token } = await sessions.create(userId, client);
    clock.at += SESSION_IDLE_TIMEOUT_MS - 1;
    expect(await sessions.authenticate(token)).not.toBeNull();
    clock.at += SESSION_IDLE_TIMEOUT_MS;
    expect(await sessions.authenticate(token)).toBeNull();
    expect(await db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
  });

  it('slides the idle expiry with use, up to the absolute limit of 24 hours', async () => {
    const start = clock.at;
    const { token } = await sessions.create(userId, client);
    for (let hour = 7; hour < 24; hour += 7) {
      clock.at = start + hour * HOUR_MS;
      const found = await sessions.authenticate(token);
      expect(found?.session.expiresAt).toBe(
        Math.min(clock.at + SESSION_IDLE_TIMEOUT_MS, start + SESSION_ABSOLUTE_TIMEOUT_MS),
      );
    }
    clock.at = start + SESSION_ABSOLUTE_TIMEOUT_MS - 1;
    expect(await sessions.authenticate(token)).not.toBeNull();
    clock.at = start + SESSION_ABSOLUTE_TIMEOUT_MS;
    expect(await sessions.authenticate(token)).toBeNull();
  });

  it('writes activity back at most once a minute', async () => {
    const start = clock.at;
    const { token } = await sessions.create(userId, client);
    clock.at = start + 30_000;
    await sessions.authenticate(token);
    const lastSeen = async () =>
      (await db.selectFrom('sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at;
    expect(await lastSeen()).toBe(start);
    clock.at = start + 61_000;
    await sessions.authenticate(token);
    expect(await lastSeen()).toBe(start + 61_000);
  });

  it('revokes one session, or all of a user but one, and tells listeners', async () => {
    const a = await sessions.create(userId, client);
    const b = await sessions.create(userId, client);
    const c = await sessions.create(userId, client);
    const heard: string[][] = [];
    sessions.onRevoked((ids) => heard.push(ids));
    expect(await sessions.revoke(a.session.id)).toBe(true);
    expect(await sessions.revoke(a.session.id)).toBe(false);
    expect(await sessions.authenticate(a.token)).toBeNull();
    expect(await sessions.revokeAllForUser(userId, c.session.id)).toEqual([b.session.id]);
    expect(await sessions.authenticate(b.token)).toBeNull();
    expect(await sessions.authenticate(c.token)).not.toBeNull();
    expect(heard).toEqual([[a.session.id], [b.session.id]]);
  });

  it('refuses the session of a disabled user', async () => {
    const { token } = await sessions.create(userId, client);
    await db.updateTable('users').set({ disabled: 1 }).where('id', '=', userId).execute();
    expect(await sessions.authenticate(token)).toBeNull();
  });

  it('purges sessions past either expiry', async () => {
    await sessions.create(userId, client);
    clock.at += HOUR_MS;
    const fresh = await sessions.create(userId, client);
    clock.at += SESSION_IDLE_TIMEOUT_MS - HOUR_MS / 2;
    expect(await sessions.purgeExpired()).toBe(1);
    expect(await sessions.authenticate(fresh.token)).not.toBeNull();
  });
});
