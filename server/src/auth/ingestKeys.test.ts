import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditTables } from '../audit/tables.js';
import { createIngestKeyService, type IngestKeyService } from './ingestKeys.js';
import { type AuthTables, authDb } from './tables.js';
import { openAuthTestDatabase } from './testDatabase.js';
import { sha256Hex } from './tokens.js';
import { createUserService } from './users.js';

describe('ingest keys', () => {
  let db: Kysely<AuthTables & AuditTables>;
  let keys: IngestKeyService;
  let adminId: string;
  const clock = { at: 1_800_000_000_000 };

  beforeEach(async () => {
    db = await openAuthTestDatabase();
    keys = createIngestKeyService({ db: authDb(db), now: () => clock.at });
    const users = createUserService({ db: authDb(db), now: () => clock.at });
    adminId = (
      await users.create({
        username: 'root',
        displayName: 'Root',
        role: 'admin',
        agentId: null,
        password: 'violet river lamp 42',
      })
    ).id;
  });
  afterEach(() => db.destroy());

  it('makes a long random key, shows it once, and stores only its hash and prefix', async () => {
    const { key, secret } = await keys.create('Asterisk adapter', adminId);
    expect(secret).toMatch(/^esk_[A-Za-z0-9_-]{43}$/);
    expect(key).toEqual({
      id: expect.any(String),
      name: 'Asterisk adapter',
      prefix: secret.slice(0, 12),
      createdAt: clock.at,
      createdBy: 'root',
      lastUsedAt: null,
      revokedAt: null,
    });
    const rows = await db.selectFrom('ingest_keys').selectAll().execute();
    expect(rows[0]?.key_hash).toBe(sha256Hex(secret));
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(JSON.stringify(await keys.list())).not.toContain(secret);
  });

  it('verifies a live key, refuses others, and stops accepting a revoked one', async () => {
    const { key, secret } = await keys.create('site A', adminId);
    expect(await keys.verify(secret)).toEqual({ id: key.id, name: 'site A' });
    expect(await keys.verify(`${secret}x`)).toBeNull();
    expect(await keys.verify('')).toBeNull();
    clock.at += 5_000;
    expect(await keys.revoke(key.id)).toMatchObject({ id: key.id, revokedAt: clock.at });
    expect(await keys.verify(secret)).toBeNull();
    // Revoking again keeps the first revocation time.
    clock.at += 5_000;
    expect((await keys.revoke(key.id))?.revokedAt).toBe(clock.at - 5_000);
    expect(await keys.revoke('no-such-key')).toBeNull();
  });

  it('records when a key was last used, at most once a minute', async () => {
    const { key, secret } = await keys.create('site B', null);
    const start = clock.at;
    await keys.verify(secret);
    clock.at += 30_000;
    await keys.verify(secret);
    expect((await keys.list()).find((k) => k.id === key.id)?.lastUsedAt).toBe(start);
    clock.at += 31_000;
    await keys.verify(secret);
    expect((await keys.list()).find((k) => k.id === key.id)?.lastUsedAt).toBe(clock.at);
  });
});
