import {
  applyCallEvent,
  type Call,
  type CallEventRecord,
  DEFAULT_WALLBOARD_SETTINGS,
  type IngestEvent,
  SERVICE_LEVEL_THRESHOLD_MS,
  type WallboardDelta,
} from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { LiveCallRegistry } from '../calls/liveCallRegistry.js';
import { WallboardBroadcaster } from './broadcaster.js';
import { WallboardStatsTracker } from './statsTracker.js';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);

function setup() {
  const clock = {
    time: T0,
    now() {
      return this.time;
    },
  };
  const registry = new LiveCallRegistry();
  const sent: WallboardDelta[] = [];
  const broadcaster = new WallboardBroadcaster({
    registry,
    stats: new WallboardStatsTracker(SERVICE_LEVEL_THRESHOLD_MS),
    clock,
    settings: () => DEFAULT_WALLBOARD_SETTINGS,
    emit: (delta) => sent.push(delta),
    intervalMs: 60_000,
  });
  let n = 0;
  const apply = (event: Omit<IngestEvent, 'eventId'>) => {
    const full = { ...event, eventId: `e${++n}` } as IngestEvent;
    const transition = applyCallEvent(registry.get(full.callId), full);
    if (!transition.ok) throw new Error(transition.error);
    const record: CallEventRecord = {
      eventId: full.eventId,
      callId: full.callId,
      type: full.type,
      at: full.at,
      receivedAt: full.at,
      detail: {},
    };
    registry.commit(transition.call, record, n);
    return transition.call;
  };
  const offer = (callId: string, at: number) =>
    apply({ callId, at, type: 'call.offered', line: '0890', callerNumber: '+375 29 1234567', topic: 'billing' } as Omit<
      IngestEvent,
      'eventId'
    >);
  return { clock, registry, sent, broadcaster, apply, offer };
}

describe('WallboardBroadcaster', () => {
  it('sends one delta per flush with the next seq, whole live calls and ids of ended ones', () => {
    const { broadcaster, sent, apply, offer } = setup();
    broadcaster.start();
    expect(broadcaster.snapshot().seq).toBe(0);
    expect(broadcaster.flush()).toBeNull();

    offer('c1', T0);
    offer('c2', T0);
    const talking: Call = apply({
      callId: 'c1',
      at: T0 + 5_000,
      type: 'call.answered',
      agentId: 'a1',
      agentName: 'A',
    } as Omit<IngestEvent, 'eventId'>);
    const first = broadcaster.flush();
    expect(first).toMatchObject({ seq: 1, removed: [] });
    expect(first?.upserts.map((c) => c.id).sort()).toEqual(['c1', 'c2']);
    expect(first?.upserts.find((c) => c.id === 'c1')).toEqual(talking);
    expect(first?.stats).toMatchObject({ inProgress: 1, waiting: 1, offeredToday: 2 });

    apply({ callId: 'c2', at: T0 + 6_000, type: 'call.ended', reason: 'abandoned' } as Omit<IngestEvent, 'eventId'>);
    const second = broadcaster.flush();
    expect(second).toMatchObject({ seq: 2, upserts: [], removed: ['c2'] });
    expect(second?.stats).toMatchObject({ waiting: 0, abandonedToday: 1 });
    expect(broadcaster.flush()).toBeNull();
    expect(sent.map((d) => d.seq)).toEqual([1, 2]);
    expect(broadcaster.snapshot()).toMatchObject({ seq: 2, calls: [talking] });
    broadcaster.stop();
  });

  it('sends a stats-only delta when a waiting call crosses the service-level threshold', () => {
    const { broadcaster, clock, offer } = setup();
    offer('c1', T0);
    broadcaster.start();
    expect(broadcaster.flush()).toMatchObject({ seq: 1, upserts: [{ id: 'c1' }] });
    clock.time = T0 + SERVICE_LEVEL_THRESHOLD_MS;
    expect(broadcaster.flush()).toBeNull();
    clock.time = T0 + SERVICE_LEVEL_THRESHOLD_MS + 1;
    const delta = broadcaster.flush();
    expect(delta).toMatchObject({ seq: 2, upserts: [], removed: [], stats: { serviceLevel: { offered: 1 } } });
    broadcaster.stop();
  });
});
