import { type Ack, DEFAULT_WALLBOARD_SETTINGS, type WallboardSnapshot } from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { makeCall, makeDelta, makeQueued, makeSnapshot, T0 } from './testCalls.js';
import { applyDelta, fromSnapshot, WallboardSync } from './wallboardStore.js';

describe('applyDelta', () => {
  const base = fromSnapshot(makeSnapshot(10, [makeCall({ id: 'a' }), makeQueued('b', T0)]));

  it('applies the next delta: upserts replace or add, removed ids leave', () => {
    const answered = makeCall({ id: 'b', answeredAt: T0 + 30_000, lastEventAt: T0 + 30_000 });
    const outcome = applyDelta(
      base,
      makeDelta(11, { upserts: [answered, makeQueued('c', T0 + 40_000)], removed: ['a'] }),
    );
    expect(outcome.kind).toBe('applied');
    if (outcome.kind !== 'applied') return;
    expect(outcome.data.seq).toBe(11);
    expect([...outcome.data.calls.keys()].sort()).toEqual(['b', 'c']);
    expect(outcome.data.calls.get('b')?.state).toBe('talking');
    expect(outcome.data.stats.inProgress).toBe(11);
    // The previous state is untouched, so React sees a new value.
    expect(base.calls.has('a')).toBe(true);
  });

  it('ignores a delta it has already covered', () => {
    expect(applyDelta(base, makeDelta(10)).kind).toBe('stale');
    expect(applyDelta(base, makeDelta(3)).kind).toBe('stale');
  });

  it('reports a gap when a delta was missed', () => {
    expect(applyDelta(base, makeDelta(12)).kind).toBe('gap');
  });

  it('drops a call sent as an ended upsert', () => {
    const ended = makeCall({ id: 'a', state: 'ended', endedAt: T0 + 60_000, endReason: 'caller_hangup' });
    const outcome = applyDelta(base, makeDelta(11, { upserts: [ended] }));
    expect(outcome.kind === 'applied' && outcome.data.calls.has('a')).toBe(false);
  });
});

/** A join the test answers by hand, to order answers and deltas as a network might. */
function controlledJoin() {
  const pending: Array<(result: Ack<WallboardSnapshot>) => void> = [];
  return {
    calls: () => pending.length,
    join: () => new Promise<Ack<WallboardSnapshot>>((resolve) => pending.push(resolve)),
    answer: async (index: number, result: Ack<WallboardSnapshot>) => {
      pending[index]?.(result);
      await Promise.resolve();
      await Promise.resolve();
    },
  };
}

function startSync() {
  const server = controlledJoin();
  const retries: Array<() => void> = [];
  const serverTimes: number[] = [];
  const sync = new WallboardSync({
    join: server.join,
    scheduleRetry: (retry) => {
      retries.push(retry);
      return () => {};
    },
    onServerTime: (serverTime) => serverTimes.push(serverTime),
  });
  sync.handleConnected();
  return { sync, server, retries, serverTimes };
}

describe('WallboardSync', () => {
  it('joins on connect and goes live with the snapshot', async () => {
    const { sync, server, serverTimes } = startSync();
    expect(server.calls()).toBe(1);
    expect(sync.getState().phase).toBe('connecting');
    await server.answer(0, { ok: true, data: makeSnapshot(5, [makeCall({ id: 'a' })]) });
    expect(sync.getState().phase).toBe('live');
    expect(sync.getState().data?.seq).toBe(5);
    expect(serverTimes).toEqual([T0 + 5 * 250]);
  });

  it('applies ordered deltas and ignores stale ones', async () => {
    const { sync, server } = startSync();
    await server.answer(0, { ok: true, data: makeSnapshot(5, []) });
    sync.handleDelta(makeDelta(6, { upserts: [makeCall({ id: 'a' })] }));
    sync.handleDelta(makeDelta(7, { upserts: [makeQueued('b', T0)] }));
    sync.handleDelta(makeDelta(7, { removed: ['a', 'b'] }));
    sync.handleDelta(makeDelta(4, { removed: ['a'] }));
    const data = sync.getState().data;
    expect(data?.seq).toBe(7);
    expect([...(data?.calls.keys() ?? [])].sort()).toEqual(['a', 'b']);
    expect(server.calls()).toBe(1);
  });

  it('asks for a fresh snapshot on a gap and keeps showing the old data meanwhile', async () => {
    const { sync, server } = startSync();
    await server.answer(0, { ok: true, data: makeSnapshot(5, [makeCall({ id: 'a' })]) });
    sync.handleDelta(makeDelta(7, { removed: ['a'] }));
    expect(server.calls()).toBe(2);
    expect(sync.getState().phase).toBe('resyncing');
    expect(sync.getState().data?.calls.has('a')).toBe(true);
    await server.answer(1, { ok: true, data: makeSnapshot(9, [makeCall({ id: 'z' })]) });
    expect(sync.getState().phase).toBe('live');
    expect(sync.getState().data?.seq).toBe(9);
    expect([...(sync.getState().data?.calls.keys() ?? [])]).toEqual(['z']);
    expect(sync.getState().resyncs).toBe(1);
  });

  it('asks only once while a snapshot is on its way', async () => {
    const { sync, server } = startSync();
    await server.answer(0, { ok: true, data: makeSnapshot(5, []) });
    sync.handleDelta(makeDelta(8));
    sync.handleDelta(makeDelta(9));
    sync.handleDelta(makeDelta(10));
    expect(server.calls()).toBe(2);
  });

  it('applies deltas that raced ahead of the snapshot when they follow it', async () => {
    const { sync, server } = startSync();
    sync.handleDelta(makeDelta(5, { upserts: [makeCall({ id: 'old' })] }));
    sync.handleDelta(makeDelta(6, { upserts: [makeCall({ id: 'new' })] }));
    await server.answer(0, { ok: true, data: makeSnapshot(5, []) });
    expect(sync.getState().data?.seq).toBe(6);
    expect([...(sync.getState().data?.calls.keys() ?? [])]).toEqual(['new']);
    expect(server.calls()).toBe(1);
  });

  it('resyncs when the deltas held during a join leave a gap after the snapshot', async () => {
    const { sync, server } = startSync();
    sync.handleDelta(makeDelta(8));
    await server.answer(0, { ok: true, data: makeSnapshot(5, []) });
    expect(server.calls()).toBe(2);
  });

  it('joins again on every reconnect', async () => {
    const { sync, server } = startSync();
    await server.answer(0, { ok: true, data: makeSnapshot(5, []) });
    sync.handleConnected();
    expect(server.calls()).toBe(2);
    await server.answer(1, { ok: true, data: makeSnapshot(40, [makeCall({ id: 'a' })]) });
    expect(sync.getState().data?.seq).toBe(40);
    sync.handleDelta(makeDelta(41));
    expect(sync.getState().data?.seq).toBe(41);
  });

  it('reports a refused join and retries later', async () => {
    const { sync, server, retries } = startSync();
    await server.answer(0, { ok: false, error: 'not allowed' });
    expect(sync.getState()).toMatchObject({ phase: 'failed', error: 'not allowed' });
    expect(retries).toHaveLength(1);
    retries[0]?.();
    expect(server.calls()).toBe(2);
    await server.answer(1, { ok: true, data: makeSnapshot(1, []) });
    expect(sync.getState()).toMatchObject({ phase: 'live', error: null });
  });

  it('ignores deltas and answers after it was stopped', async () => {
    const { sync, server } = startSync();
    await server.answer(0, { ok: true, data: makeSnapshot(5, []) });
    sync.stop();
    sync.handleDelta(makeDelta(6, { upserts: [makeCall({ id: 'a' })] }));
    expect(sync.getState().data?.seq).toBe(5);
  });

  it('recolours by new settings at once, keeping the calls and the sequence', async () => {
    const { sync, server } = startSync();
    await server.answer(0, { ok: true, data: makeSnapshot(5, [makeCall({ id: 'a' })]) });
    const before = sync.getState().data;
    sync.handleSettings({
      ...(before?.settings ?? DEFAULT_WALLBOARD_SETTINGS),
      longCallAmberMs: 60_000,
      longCallRedMs: 120_000,
      deadAirThresholdMs: 20_000,
      // What `settings:updated` carries beyond the wallboard's own fields is left out.
      ...{ retentionDays: 30 },
    });
    const after = sync.getState().data;
    expect(after?.settings).toMatchObject({
      longCallAmberMs: 60_000,
      longCallRedMs: 120_000,
      deadAirThresholdMs: 20_000,
    });
    expect(after?.settings).not.toHaveProperty('retentionDays');
    expect(after?.seq).toBe(5);
    expect([...(after?.calls.keys() ?? [])]).toEqual(['a']);
    sync.stop();
    sync.handleSettings({ ...DEFAULT_WALLBOARD_SETTINGS, longCallAmberMs: 1_000 });
    expect(sync.getState().data?.settings.longCallAmberMs).toBe(60_000);
  });

  it('notifies subscribers of each change', async () => {
    const { sync, server } = startSync();
    let notified = 0;
    const unsubscribe = sync.subscribe(() => {
      notified += 1;
    });
    await server.answer(0, { ok: true, data: makeSnapshot(5, []) });
    sync.handleDelta(makeDelta(6));
    expect(notified).toBe(2);
    unsubscribe();
    sync.handleDelta(makeDelta(7));
    expect(notified).toBe(2);
  });
});
