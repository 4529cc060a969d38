import { ROLES } from '@earshot/shared';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditTables } from '../audit/tables.js';
import { createMemoryLogger } from '../logger.js';
import { BootstrapError, ensureBootstrapUsers } from './bootstrap.js';
import { type AuthTables, authDb } from './tables.js';
import { openAuthTestDatabase } from './testDatabase.js';
import { createUserService, type UserService } from './users.js';

describe('ensureBootstrapUsers', () => {
  let db: Kysely<AuthTables & AuditTables>;
  let users: UserService;

  beforeEach(async () => {
    db = await openAuthTestDatabase();
    users = createUserService({ db: authDb(db), now: () => 1_800_000_000_000 });
  });
  afterEach(() => db.destroy());

  describe('demo mode', () => {
    it('creates one account per role with a random password that works, printed once', async () => {
      const logger = createMemoryLogger();
      const result = await ensureBootstrapUsers({
        mode: 'demo',
        users,
        logger,
        demoAgent: { id: 'agent-001', name: 'Алена Ковалева' },
      });
      expect(result.created.map((u) => u.role)).toEqual([...ROLES]);
      expect(result.demoCredentials.map((c) => c.username)).toEqual(ROLES.map((role) => `demo.${role}`));
      expect(await users.getByUsername('demo.agent')).toMatchObject({
        agentId: 'agent-001',
        displayName: 'Алена Ковалева',
      });
      for (const { username, password } of result.demoCredentials) {
        expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
        expect(await users.verifyCredentials(username, password)).toMatchObject({ ok: true });
        // One table row per account: role, username and password on one line.
        expect(logger.lines.join('\n')).toMatch(
          new RegExp(`\\n {2}\\w+ +${username.replace('.', '\\.')} +${password}(\\n|$)`),
        );
      }
    });

    it('gives the same accounts new passwords at the next start instead of new accounts', async () => {
      const logger = createMemoryLogger();
      const first = await ensureBootstrapUsers({ mode: 'demo', users, logger });
      const second = await ensureBootstrapUsers({ mode: 'demo', users, logger });
      expect(second.created).toEqual([]);
      expect((await users.list()).length).toBe(ROLES.length);
      const [before, after] = [first.demoCredentials[0], second.demoCredentials[0]];
      expect(after?.password).not.toBe(before?.password);
      expect(await users.verifyCredentials('demo.admin', before?.password ?? '')).toMatchObject({ ok: false });
      expect(await users.verifyCredentials('demo.admin', after?.password ?? '')).toMatchObject({ ok: true });
    });
  });

  describe('production mode', () => {
    const env = (username?: string, password?: string) => ({
      EARSHOT_ADMIN_USERNAME: username,
      EARSHOT_ADMIN_PASSWORD: password,
    });

    it('creates the first admin from the environment', async () => {
      const result = await ensureBootstrapUsers({
        mode: 'production',
        users,
        logger: createMemoryLogger(),
        env: env('chief', 'violet river lamp 42'),
      });
      expect(result.created).toEqual([expect.objectContaining({ username: 'chief', role: 'admin' })]);
      expect(result.demoCredentials).toEqual([]);
      expect(await users.verifyCredentials('chief', 'violet river lamp 42')).toMatchObject({ ok: true });
    });

    it('refuses a weak password or a bad name with an error naming the variable', async () => {
      const logger = createMemoryLogger();
      await expect(
        ensureBootstrapUsers({ mode: 'production', users, logger, env: env('chief', 'admin') }),
      ).rejects.toThrow(BootstrapError);
      await expect(
        ensureBootstrapUsers({ mode: 'production', users, logger, env: env('chief', 'chief-password-1') }),
      ).rejects.toThrow(/EARSHOT_ADMIN_PASSWORD refused: password must not contain the username/);
      await expect(
        ensureBootstrapUsers({ mode: 'production', users, logger, env: env('Chief Admin', 'violet river lamp 42') }),
      ).rejects.toThrow(/EARSHOT_ADMIN_USERNAME/);
      expect(await users.list()).toEqual([]);
    });

    it('creates nobody without the variables (no built-in default) and says how to make an admin', async () => {
      const logger = createMemoryLogger();
      const result = await ensureBootstrapUsers({ mode: 'production', users, logger, env: {} });
      expect(result.created).toEqual([]);
      expect(await users.list()).toEqual([]);
      expect(logger.lines.join('\n')).toMatch(/no admin account exists.*cli\.ts create-admin/);
    });

    it('leaves things alone once an admin exists', async () => {
      const logger = createMemoryLogger();
      await ensureBootstrapUsers({ mode: 'production', users, logger, env: env('chief', 'violet river lamp 42') });
      const again = await ensureBootstrapUsers({
        mode: 'production',
        users,
        logger,
        env: env('other', 'another long passphrase'),
      });
      expect(again.created).toEqual([]);
      expect(await users.getByUsername('other')).toBeNull();
      expect(logger.lines.join('\n')).toMatch(/was not used; remove it/);
    });
  });
});
