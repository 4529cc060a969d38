import { AuditQuerySchema } from '@earshot/shared';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthTables } from '../auth/tables.js';
import { openAuthTestDatabase } from '../auth/testDatabase.js';
import { type AuditLog, createAuditLog } from './auditLog.js';
import type { AuditTables } from './tables.js';

const alice = {
  userId: 'u-alice',
  username: 'alice',
  role: 'controller' as const,
  ip: '10.0.0.7',
  userAgent: 'Firefox',
};

describe('audit log', () => {
  let db: Kysely<AuthTables & AuditTables>;
  let audit: AuditLog;
  const clock = { at: 1_800_000_000_000 };

  beforeEach(async () => {
    db = await openAuthTestDatabase();
    audit = createAuditLog({ db, now: () => clock.at });
  });
  afterEach(() => db.destroy());

  it('records an entry with who, when, where, why and detail, and reads it back', async () => {
    const entry = await audit.record({
      ...alice,
      action: 'audio.listen_start',
      callId: 'call-1',
      reason: 'long silence on a billing call',
      detail: { line: '0890', muted: true, attempt: 1, note: null },
    });
    expect(entry).toEqual({
      id: expect.any(Number),
      at: clock.at,
      ...alice,
      action: 'audio.listen_start',
      callId: 'call-1',
      objectId: null,
      reason: 'long silence on a billing call',
      detail: { line: '0890', muted: true, attempt: 1, note: null },
    });
    expect(await audit.list(AuditQuerySchema.parse({}))).toEqual({ items: [entry], nextCursor: null });
  });

  it('refuses an action outside the list', async () => {
    // Cast on purpose: the runtime check is what is under test.
    await expect(audit.record({ action: 'audio.snoop' as 'audio.listen_start' })).rejects.toThrow();
  });

  it('filters by time, user, action and call, newest first, a page at a time', async () => {
    for (let i = 0; i < 7; i++) {
      clock.at += 1_000;
      await audit.record({
        ...(i % 2 === 0 ? alice : { userId: 'u-bob', username: 'bob', role: 'supervisor' as const }),
        action: i % 3 === 0 ? 'recording.play' : 'screenshot.view',
        callId: `call-${i % 2}`,
      });
    }
    const all = await audit.list(AuditQuerySchema.parse({ limit: '100' }));
    expect(all.items.map((e) => e.at)).toEqual([...all.items.map((e) => e.at)].sort((a, b) => b - a));

    const firstPage = await audit.list(AuditQuerySchema.parse({ limit: '3' }));
    expect(firstPage.items).toEqual(all.items.slice(0, 3));
    const secondPage = await audit.list(AuditQuerySchema.parse({ limit: '3', cursor: firstPage.nextCursor }));
    expect(secondPage.items).toEqual(all.items.slice(3, 6));
    const lastPage = await audit.list(AuditQuerySchema.parse({ limit: '3', cursor: secondPage.nextCursor }));
    expect(lastPage).toEqual({ items: all.items.slice(6), nextCursor: null });

    const byUser = await audit.list(AuditQuerySchema.parse({ userId: 'u-bob' }));
    expect(byUser.items.map((e) => e.username)).toEqual(['bob', 'bob', 'bob']);
    const byAction = await audit.list(AuditQuerySchema.parse({ action: 'recording.play' }));
    expect(byAction.items).toHaveLength(3);
    const byCall = await audit.list(AuditQuerySchema.parse({ callId: 'call-0', action: 'recording.play' }));
    expect(byCall.items.map((e) => e.callId)).toEqual(['call-0', 'call-0']);
    const first = all.items.at(-1)?.at ?? 0;
    const byTime = await audit.list(AuditQuerySchema.parse({ from: String(first + 1_000), to: String(first + 2_000) }));
    expect(byTime.items.map((e) => e.at)).toEqual([first + 2_000, first + 1_000]);
  });

  it('streams every matching entry across pages', async () => {
    for (let i = 0; i < 12; i++) await audit.record({ action: 'settings.change', detail: { i } });
    const seen: number[] = [];
    for await (const entry of audit.stream({ action: 'settings.change' }, 5)) seen.push(Number(entry.detail.i));
    expect(seen).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('cuts very long text so one entry cannot bloat the log', async () => {
    const entry = await audit.record({
      action: 'settings.change',
      userAgent: 'x'.repeat(5_000),
      detail: { v: 'y'.repeat(5_000) },
    });
    expect(entry.userAgent).toHaveLength(1_000);
    expect(entry.detail.v).toHaveLength(1_000);
  });

  it('is append-only in the database itself: UPDATE and DELETE are refused', async () => {
    await audit.record({ action: 'auth.sign_in', ...alice });
    await expect(sql`update audit_log set username = 'mallory'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    expect((await audit.list(AuditQuerySchema.parse({}))).items[0]?.username).toBe('alice');
  });
});
