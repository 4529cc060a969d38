import {
  addServiceLevel,
  applyCallEvent,
  type Call,
  EMPTY_SERVICE_LEVEL,
  type IngestEvent,
  SERVICE_LEVEL_THRESHOLD_MS,
  serviceLevelContribution,
  startOfDay,
  type WallboardStats,
} from '@earshot/shared';
import { describe, expect, it } from 'vitest';
import { statsEqual, WallboardStatsTracker } from './statsTracker.js';

const MINUTE_MS = 60_000;

/** What the stats must be, computed the slow way: over every call there is. */
function bruteForce(calls: Iterable<Call>, now: number): WallboardStats {
  const today = startOfDay(now);
  let inProgress = 0;
  let waiting = 0;
  let oldestWaitingSince: number | null = null;
  let offeredToday = 0;
  let serviceLevel = EMPTY_SERVICE_LEVEL;
  for (const call of calls) {
    if (call.state === 'queued') {
      waiting += 1;
      oldestWaitingSince = oldestWaitingSince === null ? call.offeredAt : Math.min(oldestWaitingSince, call.offeredAt);
    } else if (call.state !== 'ended') inProgress += 1;
    if (call.offeredAt >= today) {
      offeredToday += 1;
      serviceLevel = addServiceLevel(serviceLevel, serviceLevelContribution(call, now, SERVICE_LEVEL_THRESHOLD_MS));
    }
  }
  return {
    inProgress,
    waiting,
    oldestWaitingSince,
    serviceLevel,
    abandonedToday: serviceLevel.abandoned,
    offeredToday,
  };
}

/** A small seeded generator, so a failure replays. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('WallboardStatsTracker', () => {
  it('matches a full recount after every change, across midnight, with calls loaded from the store', () => {
    const random = rng(7);
    const dayStart = startOfDay(Date.UTC(2026, 10, 24, 12, 0, 0));
    // Begin 40 minutes before midnight so some calls are offered yesterday and end today.
    let now = dayStart + 24 * 60 * MINUTE_MS - 40 * MINUTE_MS;
    const tracker = new WallboardStatsTracker(SERVICE_LEVEL_THRESHOLD_MS);
    const all = new Map<string, Call>();

    // Calls that ended before the process started: some answered late, some abandoned.
    const preloaded: Call[] = [];
    for (let i = 0; i < 20; i++) {
      const offeredAt = now - (i + 1) * 5 * MINUTE_MS;
      const answered = i % 3 !== 0;
      const call: Call = {
        id: `old-${i}`,
        line: '0890',
        callerNumber: '+375 29 1234567',
        topic: 'billing',
        state: 'ended',
        offeredAt,
        answeredAt: answered ? offeredAt + (i % 2 === 0 ? 60_000 : 240_000) : null,
        endedAt: offeredAt + 300_000,
        endReason: answered ? 'caller_hangup' : 'abandoned',
        agentId: null,
        agentName: null,
        holdSince: null,
        holdMs: 0,
        holdCount: 0,
        transferCount: 0,
        lastEventAt: offeredAt + 300_000,
        monitors: [],
        silence: null,
        sentiment: null,
      };
      preloaded.push(call);
      all.set(call.id, call);
    }
    tracker.loadEnded(preloaded);

    let n = 0;
    const step = (call: Call | undefined, event: IngestEvent) => {
      const transition = applyCallEvent(call, event);
      if (!transition.ok) throw new Error(transition.error);
      tracker.apply(call, transition.call);
      all.set(transition.call.id, transition.call);
    };

    let checks = 0;
    for (let i = 0; i < 1_500; i++) {
      now += Math.floor(random() * 20_000);
      const live = [...all.values()].filter((c) => c.state !== 'ended');
      const roll = random();
      const at = now;
      const base = { eventId: `e${++n}`, at };
      if (live.length === 0 || roll < 0.25) {
        step(undefined, {
          ...base,
          callId: `c${n}`,
          type: 'call.offered',
          line: '0890',
          callerNumber: '+375 29 1234567',
          topic: 'billing',
        });
      } else {
        const call = live[Math.floor(random() * live.length)]!;
        const callId = call.id;
        if (call.state === 'queued') {
          if (random() < 0.3) step(call, { ...base, callId, type: 'call.ended', reason: 'abandoned' });
          else if (random() < 0.5)
            step(call, { ...base, callId, type: 'call.answered', agentId: 'a1', agentName: 'A' });
        } else if (call.state === 'talking') {
          const r = random();
          if (r < 0.3) step(call, { ...base, callId, type: 'call.held' });
          else if (r < 0.4)
            step(call, { ...base, callId, type: 'call.transferred', toAgentId: 'a2', toAgentName: 'B' });
          else step(call, { ...base, callId, type: 'call.ended', reason: 'agent_hangup' });
        } else if (call.state === 'hold') {
          step(call, { ...base, callId, type: 'call.resumed' });
        }
      }
      expect(tracker.stats(now)).toEqual(bruteForce(all.values(), now));
      checks += 1;
    }
    expect(checks).toBe(1_500);
    // The run crossed midnight, so the reset was exercised.
    expect(now).toBeGreaterThan(dayStart + 24 * 60 * MINUTE_MS);
  });

  it('counts a waiting call as missed once it waits past the threshold, without any change', () => {
    const tracker = new WallboardStatsTracker(SERVICE_LEVEL_THRESHOLD_MS);
    const offeredAt = Date.UTC(2026, 10, 24, 9, 0, 0);
    const transition = applyCallEvent(undefined, {
      eventId: 'e1',
      callId: 'c1',
      at: offeredAt,
      type: 'call.offered',
      line: '*7777',
      callerNumber: '+375 29 1234567',
      topic: 'roaming',
    });
    if (!transition.ok) throw new Error(transition.error);
    tracker.apply(undefined, transition.call);
    const before = tracker.stats(offeredAt + SERVICE_LEVEL_THRESHOLD_MS);
    const after = tracker.stats(offeredAt + SERVICE_LEVEL_THRESHOLD_MS + 1);
    expect(before.serviceLevel.offered).toBe(0);
    expect(after.serviceLevel.offered).toBe(1);
    expect(statsEqual(before, after)).toBe(false);
    expect(statsEqual(after, tracker.stats(offeredAt + SERVICE_LEVEL_THRESHOLD_MS + 2))).toBe(true);
    expect(after).toMatchObject({ waiting: 1, oldestWaitingSince: offeredAt, offeredToday: 1, inProgress: 0 });
  });
});
