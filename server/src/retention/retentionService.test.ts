import type { AuditEntry } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import type { AuditLog, AuditRecordInput } from '../audit/auditLog.js';
import { createMemoryLogger } from '../logger.js';
import { RetentionService, type RetentionTarget } from './retentionService.js';

const DAY_MS = 24 * 60 * 60_000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

/** An audit log that keeps what it is given (the real one is covered by the audit tests and integration). */
function recordingAudit(): AuditLog & { entries: AuditRecordInput[] } {
  const entries: AuditRecordInput[] = [];
  return {
    entries,
    async record(entry) {
      entries.push(entry);
      return { id: entries.length, at: NOW, detail: {}, ...entry } as AuditEntry;
    },
    list: () => Promise.reject(new Error('not used')),
    stream: () => {
      throw new Error('not used');
    },
  };
}

function setup(retentionDays = 90) {
  const audit = recordingAudit();
  const logger = createMemoryLogger();
  const service = new RetentionService({
    audit,
    logger,
    clock: { now: () => NOW },
    retentionDays: () => retentionDays,
  });
  return { audit, logger, service };
}

describe('RetentionService', () => {
  it('asks every target to delete what is older than the period and audits each deletion with its counts', async () => {
    const { audit, service } = setup(30);
    const cutoffs: number[] = [];
    const calls: RetentionTarget = {
      name: 'calls',
      deleteOlderThan: async (cutoff) => {
        cutoffs.push(cutoff);
        return { calls: 2, callEvents: 9 };
      },
    };
    const empty: RetentionTarget = { name: 'screenshots', deleteOlderThan: async () => ({ files: 0 }) };
    service.register(calls);
    service.register(empty);
    const result = await service.runOnce();
    expect(cutoffs).toEqual([NOW - 30 * DAY_MS]);
    expect(result.targets).toEqual([
      { name: 'calls', deleted: { calls: 2, callEvents: 9 } },
      { name: 'screenshots', deleted: { files: 0 } },
    ]);
    // Nothing deleted, nothing to audit.
    expect(audit.entries).toEqual([
      expect.objectContaining({
        action: 'retention.delete',
        username: 'system',
        detail: expect.objectContaining({ target: 'calls', retentionDays: 30, calls: 2, callEvents: 9 }),
      }),
    ]);
  });

  it('keeps going when one target fails, and reports the failure', async () => {
    const { audit, logger, service } = setup();
    service.register({ name: 'broken', deleteOlderThan: () => Promise.reject(new Error('disk on fire')) });
    service.register({ name: 'calls', deleteOlderThan: async () => ({ calls: 1 }) });
    const result = await service.runOnce();
    expect(result.targets).toEqual([
      { name: 'broken', error: 'disk on fire' },
      { name: 'calls', deleted: { calls: 1 } },
    ]);
    expect(audit.entries.map((e) => e.detail?.target)).toEqual(['calls']);
    expect(logger.lines.join('\n')).toMatch(/target broken failed/);
  });

  it('refuses two targets of the same name, and unregisters', async () => {
    const { service } = setup();
    const target = { name: 'calls', deleteOlderThan: async () => ({}) };
    const unregister = service.register(target);
    expect(() => service.register({ ...target })).toThrow(/already registered/);
    unregister();
    expect(service.targetNames()).toEqual([]);
  });

  it('never runs two passes at once', async () => {
    const { service } = setup();
    let active = 0;
    let maxActive = 0;
    service.register({
      name: 'slow',
      deleteOlderThan: async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        active -= 1;
        return {};
      },
    });
    await Promise.all([service.runOnce(), service.runOnce(), service.runOnce()]);
    expect(maxActive).toBe(1);
  });
});
