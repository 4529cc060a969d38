import { AuditQuerySchema } from '@earshot/shared';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditLog, createAuditLog } from '../audit/auditLog.js';
import type { AuditTables } from '../audit/tables.js';
import { parseCliArgs, runCliCommand } from './cli.js';
import { createSessionService, type SessionService } from './sessions.js';
import { type AuthTables, authDb } from './tables.js';
import { openAuthTestDatabase } from './testDatabase.js';
import { createUserService, type UserService } from './users.js';

describe('auth CLI', () => {
  let db: Kysely<AuthTables & AuditTables>;
  let users: UserService;
  let sessions: SessionService;
  let audit: AuditLog;
  let printed: string[];

  beforeEach(async () => {
    db = await openAuthTestDatabase();
    const now = () => Date.now();
    users = createUserService({ db: authDb(db), now });
    sessions = createSessionService({ db: authDb(db), now });
    audit = createAuditLog({ db, now });
    printed = [];
  });
  afterEach(() => db.destroy());

  /** Parses like the entry point does, then runs against the test database with `password` as stdin. */
  const run = async (argv: string[], password: string) => {
    const parsed = parseCliArgs(argv);
    if (!parsed.ok) {
      printed.push(parsed.message);
      return 2;
    }
    return runCliCommand(parsed.command, {
      users,
      sessions,
      audit,
      readPassword: async () => password,
      print: (line) => printed.push(line),
    });
  };

  it('creates an admin with the password read from stdin, and audits it', async () => {
    expect(await run(['create-admin', '--username', 'chief'], 'violet river lamp 42')).toBe(0);
    expect(await users.verifyCredentials('chief', 'violet river lamp 42')).toMatchObject({
      ok: true,
      user: { role: 'admin' },
    });
    const { items } = await audit.list(AuditQuerySchema.parse({ action: 'user.create' }));
    expect(items).toEqual([
      expect.objectContaining({ username: 'system', reason: 'created with the command-line tool' }),
    ]);
  });

  it('refuses a weak password, a bad name, a taken name and an unknown command', async () => {
    expect(await run(['create-admin', '--username', 'chief'], 'password1234')).toBe(1);
    expect(await run(['create-admin', '--username', 'Bad Name'], 'violet river lamp 42')).toBe(2);
    expect(await run(['drop-tables'], 'violet river lamp 42')).toBe(2);
    expect(await run(['create-admin', '--username', 'chief'], 'violet river lamp 42')).toBe(0);
    expect(await run(['create-admin', '--username', 'chief'], 'violet river lamp 42')).toBe(1);
    expect(printed.join('\n')).toMatch(/common[\s\S]*lowercase[\s\S]*Usage[\s\S]*already taken/);
    expect(await users.list()).toHaveLength(1);
  });

  it('resets a password and signs the user out everywhere', async () => {
    await run(['create-admin', '--username', 'chief'], 'violet river lamp 42');
    const chief = await users.getByUsername('chief');
    const { token } = await sessions.create(chief?.id ?? '', { ip: null, userAgent: null });
    expect(await run(['reset-password', '--username', 'chief'], 'a brand new passphrase')).toBe(0);
    expect(await sessions.authenticate(token)).toBeNull();
    expect(await users.verifyCredentials('chief', 'a brand new passphrase')).toMatchObject({ ok: true });
    expect(await run(['reset-password', '--username', 'nobody'], 'a brand new passphrase')).toBe(1);
  });
});
