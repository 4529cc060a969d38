import type { Call, CallEventRecord } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { LiveCallRegistry } from './liveCallRegistry.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

function call(id: string, state: Call['state']): Call {
  return {
    id,
    line: '0890',
    callerNumber: '+375 29 1234567',
    topic: 'billing',
    state,
    offeredAt: T0,
    answeredAt: state === 'queued' ? null : T0 + 1_000,
    endedAt: state === 'ended' ? T0 + 2_000 : null,
    endReason: state === 'ended' ? 'caller_hangup' : null,
    agentId: null,
    agentName: null,
    holdSince: null,
    holdMs: 0,
    holdCount: 0,
    transferCount: 0,
    lastEventAt: T0,
    monitors: [],
    silence: null,
    sentiment: null,
  };
}

const record = (eventId: string, callId: string): CallEventRecord => ({
  eventId,
  callId,
  type: 'call.offered',
  at: T0,
  receivedAt: T0,
  detail: {},
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LiveCallRegistry', () => {
  it('runs tasks for one call strictly one after another, even when an earlier one is slower', async () => {
    const registry = new LiveCallRegistry();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await pause(ms);
      log.push(`${name} end`);
      return name;
    };
    const results = await Promise.all([
      registry.runExclusive('c1', task('a', 20)),
      registry.runExclusive('c1', task('b', 1)),
      registry.runExclusive('c1', task('c', 5)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  });

  it('runs different calls concurrently', async () => {
    const registry = new LiveCallRegistry();
    const log: string[] = [];
    await Promise.all([
      registry.runExclusive('c1', async () => {
        log.push('c1 start');
        await pause(20);
        log.push('c1 end');
      }),
      registry.runExclusive('c2', async () => {
        log.push('c2 start');
        await pause(1);
        log.push('c2 end');
      }),
    ]);
    expect(log).toEqual(['c1 start', 'c2 start', 'c2 end', 'c1 end']);
  });

  it('keeps the chain going after a failing task and hands the error to its caller', async () => {
    const registry = new LiveCallRegistry();
    const failing = registry.runExclusive('c1', async () => {
      throw new Error('boom');
    });
    const next = registry.runExclusive('c1', async () => 'after');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('after');
    await registry.idle();
  });

  it('runs a task holding several calls after the earlier tasks of each, and before the later ones', async () => {
    const registry = new LiveCallRegistry();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`${name} start`);
      await pause(ms);
      log.push(`${name} end`);
    };
    await Promise.all([
      registry.runExclusive('c1', task('c1 first', 20)),
      registry.runExclusive('c2', task('c2 first', 5)),
      registry.runExclusiveForAll(['c1', 'c2', 'c1'], task('both', 5)),
      registry.runExclusive('c2', task('c2 after', 1)),
      registry.runExclusive('c3', task('c3 alone', 1)),
    ]);
    const at = (entry: string) => log.indexOf(entry);
    expect(at('both start')).toBeGreaterThan(at('c1 first end'));
    expect(at('both start')).toBeGreaterThan(at('c2 first end'));
    expect(at('c2 after start')).toBeGreaterThan(at('both end'));
    // Calls the task does not hold are not held up by it.
    expect(at('c3 alone end')).toBeLessThan(at('both start'));
    await registry.idle();
  });

  it('tracks live event ids and forgets them, with the call, when it ends', () => {
    const registry = new LiveCallRegistry();
    const seen: string[] = [];
    registry.onChange((change) => seen.push(`${change.previous?.state ?? 'new'}->${change.call.state}`));
    registry.commit(call('c1', 'queued'), record('e1', 'c1'), 1);
    registry.commit(call('c1', 'talking'), record('e2', 'c1'), 2);
    expect(registry.hasEventId('e1')).toBe(true);
    expect(registry.eventCount('c1')).toBe(2);
    expect([...registry.calls()].map((c) => c.state)).toEqual(['talking']);
    registry.commit(call('c1', 'ended'), record('e3', 'c1'), 3);
    expect(registry.size).toBe(0);
    expect(registry.hasEventId('e1')).toBe(false);
    expect(seen).toEqual(['new->queued', 'queued->talking', 'talking->ended']);
  });
});
