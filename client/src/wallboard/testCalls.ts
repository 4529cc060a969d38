import type { Call, WallboardDelta, WallboardSnapshot, WallboardStats } from '@earshot/shared';
import { DEFAULT_WALLBOARD_SETTINGS, EMPTY_WALLBOARD_STATS } from '@earshot/shared';

/** Test data builders for the wallboard's unit tests. */
export const T0 = Date.UTC(2025, 10, 24, 10, 0, 0);

export function makeCall(overrides: Partial<Call> & { id: string }): Call {
  return {
    line: '0890',
    callerNumber: '+375 29 123-45-67',
    topic: 'billing',
    state: 'talking',
    offeredAt: T0,
    answeredAt: T0 + 10_000,
    endedAt: null,
    endReason: null,
    agentId: 'a1',
    agentName: 'Alena Kovalenko',
    holdSince: null,
    holdMs: 0,
    holdCount: 0,
    transferCount: 0,
    lastEventAt: T0 + 10_000,
    monitors: [],
    silence: null,
    sentiment: null,
    ...overrides,
  };
}

export function makeQueued(id: string, offeredAt: number): Call {
  return makeCall({
    id,
    state: 'queued',
    offeredAt,
    answeredAt: null,
    agentId: null,
    agentName: null,
    lastEventAt: offeredAt,
  });
}

export function makeStats(overrides: Partial<WallboardStats> = {}): WallboardStats {
  return { ...EMPTY_WALLBOARD_STATS, ...overrides };
}

export function makeSnapshot(seq: number, calls: Call[]): WallboardSnapshot {
  return { seq, serverTime: T0 + seq * 250, calls, stats: makeStats(), settings: DEFAULT_WALLBOARD_SETTINGS };
}

export function makeDelta(
  seq: number,
  change: Partial<Pick<WallboardDelta, 'upserts' | 'removed'>> = {},
): WallboardDelta {
  return {
    seq,
    serverTime: T0 + seq * 250,
    upserts: change.upserts ?? [],
    removed: change.removed ?? [],
    stats: makeStats({ inProgress: seq }),
  };
}
