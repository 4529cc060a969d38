import { z } from 'zod';
import type { Call } from './calls.js';
import { EMPTY_SERVICE_LEVEL, type ServiceLevelCounts, type WallboardSettings } from './rules.js';

/** The supervisor's numbers above the grid. `oldestWaitingSince` lets the browser tick the longest wait. */
export interface WallboardStats {
  inProgress: number;
  waiting: number;
  oldestWaitingSince: number | null;
  /** Today's counts (since local midnight at the server). */
  serviceLevel: ServiceLevelCounts;
  abandonedToday: number;
  offeredToday: number;
}

/** The numbers before the first snapshot (or with no calls today). */
export const EMPTY_WALLBOARD_STATS: WallboardStats = {
  inProgress: 0,
  waiting: 0,
  oldestWaitingSince: null,
  serviceLevel: EMPTY_SERVICE_LEVEL,
  abandonedToday: 0,
  offeredToday: 0,
};

/** Sent once on join or resync: every live call and the sequence number the next delta follows. */
export interface WallboardSnapshot {
  seq: number;
  serverTime: number;
  calls: Call[];
  stats: WallboardStats;
  settings: WallboardSettings;
}

/**
 * Changes since the previous delta, batched a few times a second. A client applies a delta only if its
 * `seq` is exactly one more than the last it applied; otherwise it asks for a fresh snapshot.
 */
export interface WallboardDelta {
  seq: number;
  serverTime: number;
  /** Calls that appeared or changed, whole (a call is small; partial patches are not worth their bugs). */
  upserts: Call[];
  /** Ids of calls that left the wallboard (ended). */
  removed: string[];
  stats: WallboardStats;
}

/**
 * How often the server flushes batched wallboard changes. 50 ms keeps ingest-to-dashboard p99 under the
 * 100 ms target (bench:wallboard: 250 ms gave p99 ≈ 255 ms, all of it the wait for the next flush) while
 * still coalescing bursts; at 5,000 calls it costs about two points of one core more than 250 ms.
 */
export const WALLBOARD_FLUSH_INTERVAL_MS = 50;

/** One entry in a call's history, as stored and as shown on the call page. */
export const CallEventRecordSchema = z.object({
  eventId: z.string(),
  callId: z.string(),
  /** An ingest event type, or a server-side fact such as `call.closed_by_server`. */
  type: z.string(),
  at: z.number(),
  receivedAt: z.number(),
  /** The event's own fields beyond id, call and time. */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type CallEventRecord = z.infer<typeof CallEventRecordSchema>;

export interface CallDetail {
  call: Call;
  events: CallEventRecord[];
}

export const WatchCallPayloadSchema = z.object({ callId: z.string().min(1).max(128) });
export type WatchCallPayload = z.infer<typeof WatchCallPayloadSchema>;
